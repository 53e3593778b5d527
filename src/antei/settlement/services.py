"""Writers of the settlement desk: import a backlog (all or nothing), mark items
processed, record intake suspension and resumption, set priority rules and channel
capacities. Each runs in one transaction with its audit entry (one per batch, not per item).

Re-importing content already imported for the incident is idempotent: the service returns
the existing batch and ``created=False`` (the API answers 200 instead of 201), writes
nothing and records nothing.

Catalog: A1-II-4, A2-SWA-6, A2-RESP-2, A1-II-13, M-3.2, C03.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, time
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from antei.core import audit, clock
from antei.core.actor import Actor
from antei.core.errors import Conflict, InvalidInput, PermissionDenied, field_error
from antei.core.roles import Perm
from antei.kernels.bizcal import JST
from antei.settlement import domain, parsing, selectors, store
from antei.settlement.models import (
    CHANNELS,
    FORMATS,
    KINDS,
    Batch,
    ChannelCapacity,
    IntakeSuspension,
    Item,
    PriorityRule,
)


def _require(actor: Actor, perm: Perm) -> None:
    if not actor.can(perm):
        raise PermissionDenied()


def parse_upload(*, data: bytes | None = None, items: Sequence[Mapping[str, Any]] | None = None,
                 format: str, kind: str | None = None, channel: str = "zengin",
                 department: str = "", branch: str = "",
                 today: Any = None) -> parsing.Parsed:
    """Parse without writing (the import's first half; also used by `--dry-run`)."""
    if format not in FORMATS:
        raise InvalidInput.one("format", "settlement_format", value=format)
    if kind is not None and kind not in KINDS:
        raise InvalidInput.one("kind", "settlement_kind", value=kind)
    if channel not in CHANNELS:
        raise InvalidInput.one("channel", "settlement_channel", value=channel,
                               choices=", ".join(CHANNELS))
    today = today or clock.now().astimezone(JST).date()
    defaults = {"channel": channel, "department": department, "branch": branch}
    if format == "json":
        if items is None:
            raise InvalidInput.one("items", "settlement_file")
        return parsing.parse_json_items(items, kind=kind or "21", today=today,
                                        defaults=defaults)
    if data is None:
        raise InvalidInput.one("file", "settlement_file")
    if format == "zengin":
        return parsing.parse_zengin(data, expect_kind=kind, today=today, channel=channel,
                                    department=department, branch=branch)
    if format == "csv":
        return parsing.parse_csv(data, kind=kind or "21", today=today, defaults=defaults)
    return parsing.parse_xlsx(data, kind=kind or "21", today=today, defaults=defaults)


def import_batch(
    *,
    actor: Actor,
    incident_id: int,
    format: str,
    data: bytes | None = None,
    items: Sequence[Mapping[str, Any]] | None = None,
    file_name: str = "",
    kind: str | None = None,
    channel: str = "zengin",
    department: str = "",
    source_system: str = "",
    branch: str = "",
) -> tuple[Batch, bool]:
    """Import a backlog for an incident: all items or none. Returns (batch, created).

    Every problem is reported (InvalidInput, one field error per problem naming its record
    or row and field); with any problem nothing is written. Catalog: A1-II-4, A2-SWA-6.
    """
    _require(actor, Perm.SETTLEMENT_EDIT)
    incident = selectors.get_incident(incident_id)
    parsed = parse_upload(data=data, items=items, format=format, kind=kind, channel=channel,
                          department=department, branch=branch)
    existing = Batch.objects.filter(incident=incident, content_hash=parsed.content_hash).first()
    if existing is not None:
        return existing, False
    if parsed.error_count:
        raise InvalidInput(parsed.errors)
    if parsed.count == 0:
        raise InvalidInput([field_error("items", "settlement_empty")])
    try:
        with store.bulk_writing(), transaction.atomic():
            batch = Batch.objects.create(
                incident=incident, department=department, source_system=source_system,
                format=format, file_name=file_name[:255], content_hash=parsed.content_hash,
                kind=parsed.kind, item_count=parsed.count, total_amount=parsed.total,
                imported_by=actor.username, imported_via=actor.source.value,
                imported_at=clock.now())
            store.insert_items(batch_id=batch.pk, incident_id=incident.pk, kind=parsed.kind,
                               columns=parsed.columns)
            audit.record(actor=actor, action="settlement.batch.import", obj=batch,
                         after={"incident": incident.pk, "format": format,
                                "file_name": batch.file_name, "kind": batch.kind,
                                "items": batch.item_count, "total": batch.total_amount,
                                "content_hash": batch.content_hash})
    except IntegrityError:  # the same content imported concurrently: answer with that one
        existing = Batch.objects.filter(incident=incident,
                                        content_hash=parsed.content_hash).first()
        if existing is None:
            raise
        return existing, False
    return batch, True


def rerank(*, incident_id: int, now: datetime | None = None) -> int:
    """Refresh the priority rank cache of the open items (inside the caller's transaction).

    Run when the rules change, not on every import: rewriting the rank of a million rows
    costs more than the import itself, and every read (plan, lookup, export) computes the
    order afresh from the rules anyway."""
    q = selectors.queue(incident_id, now or clock.now())
    import numpy as np

    store.set_ranks(q.ids, np.arange(1, q.ids.size + 1, dtype=np.int64))
    return int(q.ids.size)


def mark_processed(*, actor: Actor, incident_id: int, ids: Sequence[int] = (),
                   batch_id: int | None = None, status: str = "processed",
                   note: str = "") -> int:
    """Mark items processed (or done manually, or cancelled): by ids or a whole batch (a
    file acknowledgement). Returns how many changed; one audit entry."""
    _require(actor, Perm.SETTLEMENT_EDIT)
    selectors.get_incident(incident_id)
    if status not in ("processed", "manual", "cancelled"):
        raise InvalidInput.one("status", "choice", value=status,
                               choices="processed, manual, cancelled")
    if not ids and batch_id is None:
        raise InvalidInput.one("ids", "required")
    with transaction.atomic():
        rows = Item.objects.filter(incident_id=incident_id, status="unprocessed")
        if batch_id is not None:
            batch = selectors.get_batch(batch_id)
            if batch.incident_id != incident_id:
                raise InvalidInput.one("batch_id", "unknown", kind="batch", value=batch_id)
            rows = rows.filter(batch_id=batch_id)
        if ids:
            rows = rows.filter(pk__in=list(ids))
        changed = rows.update(status=status, processed_at=clock.now(),
                              processed_by=actor.username)
        audit.record(actor=actor, action="settlement.items.processed",
                     object_type="incidents.incident", object_id=str(incident_id),
                     after={"status": status, "count": changed, "batch": batch_id,
                            "ids": list(ids)[:100]}, reason=note)
    return changed


def suspend_intake(*, actor: Actor, incident_id: int, channel: str, note: str = "",
                   at: datetime | None = None) -> IntakeSuspension:
    """Record that intake of new requests on a channel was stopped (A2-RESP-2)."""
    _require(actor, Perm.SETTLEMENT_EDIT)
    incident = selectors.get_incident(incident_id)
    if channel not in CHANNELS:
        raise InvalidInput.one("channel", "settlement_channel", value=channel,
                               choices=", ".join(CHANNELS))
    with transaction.atomic():
        if IntakeSuspension.objects.filter(incident=incident, channel=channel,
                                           resumed_at__isnull=True).exists():
            raise Conflict(errors=[field_error("channel", "settlement_suspended",
                                               value=channel)])
        row = IntakeSuspension.objects.create(incident=incident, channel=channel,
                                              suspended_at=at or clock.now(),
                                              suspended_by=actor.username, note=note[:300])
        audit.record(actor=actor, action="settlement.intake.suspend", obj=row,
                     after=audit.snapshot(row), reason=note)
    return row


def resume_intake(*, actor: Actor, incident_id: int, channel: str, note: str = "",
                  at: datetime | None = None) -> IntakeSuspension:
    _require(actor, Perm.SETTLEMENT_EDIT)
    with transaction.atomic():
        row = (IntakeSuspension.objects.select_for_update()
               .filter(incident_id=incident_id, channel=channel, resumed_at__isnull=True).first())
        if row is None:
            raise Conflict(errors=[field_error("channel", "settlement_not_suspended",
                                               value=channel)])
        before = audit.snapshot(row)
        row.resumed_at = at or clock.now()
        row.resumed_by = actor.username
        if note:
            row.note = f"{row.note} / {note}"[:300] if row.note else note[:300]
        row.save(update_fields=["resumed_at", "resumed_by", "note"])
        audit.record(actor=actor, action="settlement.intake.resume", obj=row, before=before,
                     after=audit.snapshot(row), reason=note)
    return row


def set_rules(*, actor: Actor, incident_id: int, rules: Sequence[Mapping[str, str]]
              ) -> list[PriorityRule]:
    """Replace the incident's priority rules (data, in order) and re-rank (A2-SWA-6)."""
    _require(actor, Perm.SETTLEMENT_EDIT)
    incident = selectors.get_incident(incident_id)
    errors = [field_error(f"rules[{i}].kind", "settlement_rule", value=r.get("kind", ""))
              for i, r in enumerate(rules) if r.get("kind") not in domain.RULE_KINDS]
    errors += [field_error(f"rules[{i}].customer", "required")
               for i, r in enumerate(rules) if r.get("kind") == "customer"
               and not r.get("customer")]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        PriorityRule.objects.filter(incident=incident).delete()
        made = [PriorityRule.objects.create(incident=incident, position=i, kind=r["kind"],
                                            customer=r.get("customer", "")[:60],
                                            note=r.get("note", "")[:200])
                for i, r in enumerate(rules, 1)]
        rerank(incident_id=incident.pk)
        audit.record(actor=actor, action="settlement.rules.set",
                     object_type="incidents.incident", object_id=str(incident.pk),
                     after={"rules": [dict(r) for r in rules]})
    return made


def set_capacity(*, actor: Actor, incident_id: int, channel: str, items_per_minute: int,
                 opens_at: time, cutoff_at: time, manual_minutes_per_item: float,
                 staff_available: int) -> ChannelCapacity:
    """A channel's throughput, window and manual staff for the plan (A1-II-13)."""
    _require(actor, Perm.SETTLEMENT_EDIT)
    incident = selectors.get_incident(incident_id)
    errors = []
    if channel not in CHANNELS:
        errors.append(field_error("channel", "settlement_channel", value=channel,
                                  choices=", ".join(CHANNELS)))
    if items_per_minute < 1:
        errors.append(field_error("items_per_minute", "positive", value=items_per_minute))
    if manual_minutes_per_item <= 0:
        errors.append(field_error("manual_minutes_per_item", "positive",
                                  value=manual_minutes_per_item))
    if cutoff_at <= opens_at:
        errors.append(field_error("cutoff_at", "date_order", other=opens_at))
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        row, _ = ChannelCapacity.objects.update_or_create(
            incident=incident, channel=channel, defaults={
                "items_per_minute": items_per_minute, "opens_at": opens_at,
                "cutoff_at": cutoff_at,
                "manual_minutes_per_item": Decimal(str(manual_minutes_per_item)),
                "staff_available": staff_available})
        audit.record(actor=actor, action="settlement.capacity.set", obj=row,
                     after=audit.snapshot(row))
    return row


def record_export(*, actor: Actor, incident_id: int, summary: Mapping[str, Any]) -> None:
    """An export (resend files) is evidence: who produced which volumes, and their totals."""
    _require(actor, Perm.SETTLEMENT_EDIT)
    with transaction.atomic():
        audit.record(actor=actor, action="settlement.export", object_type="incidents.incident",
                     object_id=str(incident_id), after=dict(summary))
