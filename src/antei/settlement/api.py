"""REST endpoints of the unprocessed-payment desk (C03).

``POST /settlement/batches`` takes either a multipart upload (``file``, ``format``,
``incident_id`` and optional ``kind``, ``channel``, ``department``, ``source_system``,
``branch``) or a JSON body of items (BatchJsonIn). A new batch answers 201; the same
content imported again for the incident answers 200 with the existing batch (idempotent,
nothing written). Any problem answers 422 with one error per problem, each naming its
record (``records[N].field``) or row (``rows[N].field``, ``items[i].field``).

Catalog: A1-II-4, M-3.2, A2-SWA-6, A1-II-10, A1-II-13, A2-SWA-4, A2-RESP-2, A2-RESP-3.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router, Status, UploadedFile
from pydantic import ValidationError

from antei.core.api import PROBLEM_RESPONSES, actor, require
from antei.core.errors import FieldError, InvalidInput
from antei.core.roles import Perm
from antei.settlement import exports, presenting, selectors, services
from antei.settlement.models import Batch, IntakeSuspension
from antei.settlement.schemas import (
    BatchJsonIn,
    BatchOut,
    CapacityIn,
    ChannelPlanOut,
    ExportIn,
    GroupRow,
    LookupOut,
    PlanOut,
    ProcessedIn,
    ProcessedOut,
    QueuedOut,
    RulesIn,
    SummaryOut,
    SuspensionIn,
    SuspensionOut,
)

router = Router(tags=["settlement"])
VIEW, EDIT = require(Perm.SETTLEMENT_VIEW), require(Perm.SETTLEMENT_EDIT)


def _responses(ok: int | tuple[int, ...], schema: object) -> dict[Any, object]:
    return {ok: schema, **PROBLEM_RESPONSES}


def _batch(b: Batch, created: bool = True) -> BatchOut:
    return BatchOut(id=b.pk, incident_id=b.incident_id, format=b.format, file_name=b.file_name,
                    kind=b.kind, department=b.department, source_system=b.source_system,
                    item_count=b.item_count, total_amount=b.total_amount,
                    content_hash=b.content_hash, imported_by=b.imported_by,
                    imported_at=b.imported_at, created=created)


def _suspension(s: IntakeSuspension) -> SuspensionOut:
    return SuspensionOut(id=s.pk, incident_id=s.incident_id, channel=s.channel,
                         suspended_at=s.suspended_at, suspended_by=s.suspended_by,
                         resumed_at=s.resumed_at, resumed_by=s.resumed_by, note=s.note)


JSON_BODY = {"requestBody": {"content": {
    "application/json": {"schema": BatchJsonIn.model_json_schema()},
    "multipart/form-data": {"schema": {"type": "object", "required": ["file", "incident_id"],
                                       "properties": {
        "file": {"type": "string", "format": "binary"},
        "format": {"type": "string", "enum": ["zengin", "csv", "xlsx"]},
        "incident_id": {"type": "integer"}, "kind": {"type": "string"},
        "channel": {"type": "string"}, "department": {"type": "string"},
        "source_system": {"type": "string"}, "branch": {"type": "string"}}}}}}}


@router.post("/settlement/batches", auth=EDIT, response=_responses((200, 201), BatchOut),
             openapi_extra=JSON_BODY)
def import_batch(
    request: HttpRequest,
    file: File[UploadedFile] = None,  # type: ignore[assignment]
    format: Form[str] = "zengin",
    incident_id: Form[int] = 0,
    kind: Form[str] = "",
    channel: Form[str] = "zengin",
    department: Form[str] = "",
    source_system: Form[str] = "",
    branch: Form[str] = "",
) -> Status[BatchOut]:
    """Import a backlog (multipart file or JSON items); 201 new, 200 already imported."""
    who = actor(request)
    if file is not None:
        if not incident_id:
            raise InvalidInput.one("incident_id", "required")
        batch, created = services.import_batch(
            actor=who, incident_id=incident_id, format=format, data=file.read(),
            file_name=file.name or "", kind=kind or None, channel=channel,
            department=department, source_system=source_system, branch=branch)
    else:
        try:
            body = BatchJsonIn.model_validate(json.loads(request.body or b"{}"))
        except (ValueError, ValidationError) as exc:
            errors = exc.errors() if isinstance(exc, ValidationError) else []
            raise InvalidInput([FieldError(".".join(str(p) for p in e["loc"]) or "body",
                                           "invalid", str(e["msg"])) for e in errors]
                               or [FieldError("file", "settlement_file",
                                              "send a file or JSON items")]) from exc
        batch, created = services.import_batch(
            actor=who, incident_id=body.incident_id, format="json", items=body.items,
            file_name=body.file_name, kind=body.kind, channel=body.channel,
            department=body.department, source_system=body.source_system, branch=body.branch)
    return Status(201 if created else 200, _batch(batch, created))


@router.get("/settlement/batches", auth=VIEW, response=_responses(200, list[BatchOut]))
def list_batches(request: HttpRequest, incident: int | None = None) -> list[BatchOut]:
    return [_batch(b) for b in selectors.list_batches(incident)[:500]]


@router.get("/settlement/summary", auth=VIEW, response=_responses(200, SummaryOut))
def summary(request: HttpRequest, incident: int, group_by: str = "settlement_date",
            status: str | None = None) -> SummaryOut:
    """Counts and amounts by any of settlement_date, branch, bank_code, channel,
    department, status, kind, batch (comma-separated), and the same-day totals."""
    selectors.get_incident(incident)
    keys = [g.strip() for g in group_by.split(",") if g.strip()]
    rows = selectors.summary(incident, keys, status=status)
    return SummaryOut(incident_id=incident, group_by=keys, rows=[
        GroupRow(count=r["count"], total=r["total"],
                 keys={k: v for k, v in r.items() if k not in ("count", "total")})
        for r in rows], same_day=selectors.same_day_totals(incident))


@router.get("/settlement/plan", auth=VIEW, response=_responses(200, PlanOut))
def plan(request: HttpRequest, incident: int, top: int = 20) -> PlanOut:
    """When each channel clears, what misses today's cut-off, whether the rest can be done
    by hand (volume × minutes per item ÷ staff), and the head of the queue explained."""
    selectors.get_incident(incident)
    result = selectors.plan(incident)
    head = selectors.top_of_queue(result, max(0, min(top, 200)))
    return PlanOut(
        incident_id=incident, now=result.plan.now, business_day=result.plan.business_day,
        clears_at=result.plan.clears_at, missed_count=result.plan.missed_count,
        channels=[ChannelPlanOut(**c.__dict__) for c in result.plan.channels],
        next=[QueuedOut(id=e["id"], position=e["position"], expected_at=e["expected_at"],
                        reasons=presenting.reasons_text(e["reasons"]),
                        amount=e["item"].amount, settlement_date=e["item"].settlement_date,
                        channel=e["item"].channel, customer=e["item"].customer)
              for e in head])


@router.post("/settlement/exports", auth=EDIT,
             response={200: None, **PROBLEM_RESPONSES},
             openapi_extra={"responses": {"200": {"description": "zip of volumes and lists",
                                                  "content": {"application/zip": {}}}}})
def export(request: HttpRequest, payload: ExportIn) -> HttpResponse:
    """A zip: zengin/ volumes in priority order (read back and reconciled), branches/
    same-day lists (.xlsx), manifest.json."""
    built = exports.build(actor=actor(request), incident_id=payload.incident_id,
                          counterparty=payload.counterparty, max_records=payload.max_records,
                          account_padding=payload.account_padding,
                          line_breaks=payload.line_breaks)
    response = HttpResponse(built.zip(), content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="settlement-{payload.incident_id}.zip"')
    return response


@router.post("/settlement/items/processed", auth=EDIT, response=_responses(200, ProcessedOut))
def processed(request: HttpRequest, payload: ProcessedIn) -> ProcessedOut:
    """Mark items processed by ids, or a whole batch (a file acknowledgement)."""
    changed = services.mark_processed(actor=actor(request), incident_id=payload.incident_id,
                                      ids=payload.ids, batch_id=payload.batch_id,
                                      status=payload.status, note=payload.note)
    still = selectors.summary(payload.incident_id, ["status"])
    return ProcessedOut(changed=changed, open=sum(r["count"] for r in still
                                                 if r["status"] == "unprocessed"))


@router.get("/settlement/items", auth=VIEW, response=_responses(200, list[LookupOut]))
def lookup(request: HttpRequest, incident: int, branch: str = "", account: str = "",
           customer: str = "", date: date | None = None) -> list[LookupOut]:
    """Call-centre lookup: status, queue position and expected time of matching items."""
    selectors.get_incident(incident)
    found = selectors.lookup(incident, branch=branch, account=account, customer=customer,
                             day=date)
    return [LookupOut(
        id=f["item"].pk, settlement_date=f["item"].settlement_date,
        bank_code=f["item"].bank_code, branch_code=f["item"].branch_code,
        account_number=f["item"].account_number, recipient_name=f["item"].recipient_name,
        amount=f["item"].amount, customer=f["item"].customer,
        customer_ref=f["item"].customer_ref, branch=f["item"].branch,
        channel=f["item"].channel, status=f["item"].status,
        processed_at=f["item"].processed_at, position=f["position"],
        expected_at=f["expected_at"], reasons=presenting.reasons_text(f["reasons"]))
        for f in found]


@router.post("/settlement/suspensions", auth=EDIT, response=_responses(201, SuspensionOut))
def suspend(request: HttpRequest, payload: SuspensionIn) -> Status[SuspensionOut]:
    """Record that intake of new requests on a channel stopped (who, when)."""
    row = services.suspend_intake(actor=actor(request), incident_id=payload.incident_id,
                                  channel=payload.channel, note=payload.note)
    return Status(201, _suspension(row))


@router.post("/settlement/suspensions/resume", auth=EDIT,
             response=_responses(200, SuspensionOut))
def resume(request: HttpRequest, payload: SuspensionIn) -> SuspensionOut:
    """Record that intake on the channel resumed (who, when)."""
    return _suspension(services.resume_intake(actor=actor(request),
                                              incident_id=payload.incident_id,
                                              channel=payload.channel, note=payload.note))


@router.get("/settlement/suspensions", auth=VIEW, response=_responses(200, list[SuspensionOut]))
def suspensions(request: HttpRequest, incident: int) -> list[SuspensionOut]:
    return [_suspension(s) for s in selectors.suspensions(incident)]


@router.put("/settlement/capacities", auth=EDIT, response=_responses(200, ChannelPlanOut))
def capacity(request: HttpRequest, payload: CapacityIn) -> ChannelPlanOut:
    """Set a channel's throughput, window and manual staff; answers its new plan line."""
    services.set_capacity(actor=actor(request), **payload.dict())
    found = [c for c in selectors.plan(payload.incident_id).plan.channels
             if c.channel == payload.channel]
    return ChannelPlanOut(**found[0].__dict__)


@router.put("/settlement/rules", auth=EDIT, response=_responses(200, list[str]))
def set_rules(request: HttpRequest, payload: RulesIn) -> list[str]:
    """Replace the incident's priority rules (in order); answers their kinds."""
    made = services.set_rules(actor=actor(request), incident_id=payload.incident_id,
                              rules=[r.dict() for r in payload.rules])
    return [r.kind for r in made]

