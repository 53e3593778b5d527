"""REST endpoints of alert intake (issue 5; C07, A2-PERF-CAP-2/3, A2-OPS-MON-1, A1-I-7).

Intake routes are key-authenticated (the integration's secret key is in the path, no
bearer token): an unknown key is 404 whether or not it exists for another integration,
a bad payload 422 naming the field (`alerts[3].labels`), over the integration's rate 429
with Retry-After, over the global intake concurrency 503 with Retry-After. The answer is
sent only after the request's alerts are committed (A1-I-7).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router, Status
from ninja.security.base import AuthBase

from antei.alerts import domain, flow, selectors, services
from antei.alerts.models import Alert, AlertGroup, Integration, Silence
from antei.alerts.schemas import (
    AlertOut,
    CoverageOut,
    GroupOut,
    IntegrationIn,
    IntegrationKeyOut,
    IntegrationOut,
    PromoteIn,
    SilenceIn,
    SilenceOut,
)
from antei.core.api import PROBLEM_RESPONSES, Page, Problem, actor, paginate, require
from antei.core.errors import InvalidInput
from antei.core.roles import Perm

router = Router(tags=["alerts"])
VIEW, EDIT = require(Perm.ALERTS_VIEW), require(Perm.ALERTS_EDIT)
MANAGE = require(Perm.INTEGRATIONS_MANAGE)
_BODY = {"requestBody": {"content": {"application/json": {"schema": {"type": "object"}}},
                         "required": True}}
_TEXT_BODY = {"requestBody": {"content": {
    "application/json": {"schema": {"type": "object"}},
    "text/plain": {"schema": {"type": "string"}}}, "required": True}}


def _responses(ok: int, schema: object) -> dict[int, object]:
    return {ok: schema, **PROBLEM_RESPONSES}


def _intake_responses(ok: int) -> dict[int, object]:
    return {ok: dict[str, Any], **PROBLEM_RESPONSES, 429: Problem, 503: Problem}


class IntakeKey(AuthBase):
    """Documents the intake's authentication: the integration's secret key in the URL
    path. The route itself looks the key up (unknown -> 404, never 401)."""

    openapi_type = "apiKey"
    openapi_in = "query"  # OpenAPI has no "path" key location; the key is the {key} segment
    openapi_name = "key"
    openapi_description = "The integration's secret key, sent as the {key} path segment."

    def __call__(self, request: HttpRequest) -> bool:
        return True


INTAKE = [IntakeKey()]


def _integration(i: Integration, request: HttpRequest) -> dict[str, Any]:
    kind_path = "heartbeats" if i.kind == "heartbeat" else f"intake/{i.kind}"
    return {"id": i.pk, "kind": i.kind, "name": i.name,
            "systems": sorted(s.code for s in i.systems.all()),
            "label_mapping": i.label_mapping, "key_prefix": i.key_prefix,
            "rate_per_second": i.rate_per_second, "burst": i.burst, "enabled": i.enabled,
            "intake_url": f"/api/v1/{kind_path}/{i.key_prefix}…"}


def _alert(a: Alert) -> AlertOut:
    return AlertOut(id=a.pk, integration=a.integration.name, fingerprint=a.fingerprint,
                    status=a.status, severity=a.severity, summary=a.summary, labels=a.labels,
                    annotations=a.annotations, system=a.system.code if a.system else None,
                    starts_at=a.starts_at, ends_at=a.ends_at, first_seen=a.first_seen,
                    last_seen=a.last_seen, count=a.count, occurrence=a.occurrence,
                    group=a.group_id, silenced=a.silenced, generator_url=a.generator_url)


def _group(g: AlertGroup) -> GroupOut:
    return GroupOut(id=g.pk, integration=g.integration.name, status=g.status, labels=g.labels,
                    system=g.system.code if g.system else None, severity=g.severity,
                    incident=g.incident_id, alert_count=g.alert_count,
                    firing=getattr(g, "firing", 0), first_seen=g.first_seen,
                    last_seen=g.last_seen)


def _silence(s: Silence, is_active: bool) -> SilenceOut:
    return SilenceOut(id=s.pk, matchers=s.matchers, starts_at=s.starts_at, ends_at=s.ends_at,
                      weekdays=s.weekdays, window_start=s.window_start,
                      window_end=s.window_end, comment=s.comment, created_by=s.created_by,
                      expired_at=s.expired_at, is_active=is_active)


# --- integrations -------------------------------------------------------------------


@router.post("/integrations", auth=MANAGE, response=_responses(201, IntegrationKeyOut))
def create_integration(request: HttpRequest, payload: IntegrationIn) -> Status[object]:
    """Register a monitoring source; the answer carries its secret `key`, shown once."""
    data = payload.dict(exclude_none=True)
    integration, key = services.create_integration(actor=actor(request), **data)
    return Status(201, {**_integration(integration, request), "key": key})


@router.get("/integrations", auth=MANAGE, response=_responses(200, list[IntegrationOut]))
def list_integrations(request: HttpRequest) -> list[dict[str, Any]]:
    return [_integration(i, request) for i in selectors.list_integrations()]


@router.post("/integrations/{integration_id}/rotate-key", auth=MANAGE,
             response=_responses(200, IntegrationKeyOut))
def rotate_key(request: HttpRequest, integration_id: int) -> dict[str, Any]:
    """A new key; the old one is refused from now on."""
    integration, key = services.rotate_key(actor=actor(request), integration_id=integration_id)
    return {**_integration(integration, request), "key": key}


# --- intake ---------------------------------------------------------------------------


def _limited(status: int, code: str, detail: str, retry_after: float) -> HttpResponse:
    response = JsonResponse({"type": "about:blank", "title": code.replace("_", " "),
                             "status": status, "code": code, "detail": detail, "errors": []},
                            status=status, content_type="application/problem+json")
    response["Retry-After"] = str(max(1, math.ceil(retry_after)))
    return response


def _read(request: HttpRequest) -> bytes:
    limit = int(getattr(settings, "ALERTS_INTAKE_MAX_BYTES", 64 * 1024 * 1024))
    if int(request.META.get("CONTENT_LENGTH") or 0) > limit:
        raise InvalidInput.one("body", "max_length", max=limit)
    # Read the stream directly: DATA_UPLOAD_MAX_MEMORY_SIZE guards forms, not this.
    raw = request.read(limit + 1)
    if len(raw) > limit:
        raise InvalidInput.one("body", "max_length", max=limit)
    return raw


def _json(raw: bytes) -> object:
    try:
        return json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput.one("body", "payload_json") from exc


def _intake(request: HttpRequest, key: str, kind: str,
            handle: Callable[[Integration, bytes], HttpResponse]) -> HttpResponse:
    slot = flow.enter()
    if slot is None:
        return _limited(503, "intake_busy", "Intake is at its concurrency limit; retry.", 1)
    try:
        integration = selectors.integration_for_key(key, kind)
        wait = flow.take(integration.pk, integration.rate_per_second, integration.burst)
        if wait:
            return _limited(429, "rate_limited",
                            f"Over {integration.rate_per_second:g} requests/s; retry later.",
                            wait)
        return handle(integration, _read(request))
    finally:
        slot.release()


def _check_signature(integration: Integration, request: HttpRequest, raw: bytes) -> None:
    if not (integration.hmac_header and integration.hmac_secret):
        return
    given = request.headers.get(integration.hmac_header, "")
    given = given.removeprefix("sha256=")
    expected = hmac.new(integration.hmac_secret.encode(), raw, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(given.lower(), expected):
        raise InvalidInput.one(integration.hmac_header, "signature")


def _alert_list(kind: str) -> Callable[[HttpRequest, str], HttpResponse]:
    def receive(request: HttpRequest, key: str) -> HttpResponse:
        def handle(integration: Integration, raw: bytes) -> HttpResponse:
            if kind == "grafana":
                _check_signature(integration, request, raw)
            result = services.ingest_alert_list(integration=integration, payload=_json(raw))
            return JsonResponse(result.as_dict())

        return _intake(request, key, kind, handle)

    return receive


router.add_api_operation(
    "/intake/alertmanager/{key}", ["POST"], _alert_list("alertmanager"), auth=INTAKE,
    response=_intake_responses(200), openapi_extra=_BODY,
    summary="Alertmanager webhook (version 4)", operation_id="intake_alertmanager",
    description="Point an Alertmanager webhook receiver here (`send_resolved: true`). "
    "Re-sent firing alerts update last-seen without counting a new occurrence.")
router.add_api_operation(
    "/intake/grafana/{key}", ["POST"], _alert_list("grafana"), auth=INTAKE,
    response=_intake_responses(200), openapi_extra=_BODY,
    summary="Grafana alerting webhook", operation_id="intake_grafana",
    description="Grafana unified alerting webhook; with a signature header configured, "
    "the HMAC-SHA256 of the raw body must match.")


@router.post("/intake/events/{key}", auth=INTAKE, openapi_extra=_BODY,
             response=_intake_responses(202))
def intake_events(request: HttpRequest, key: str) -> HttpResponse:
    """An event in the shape of PagerDuty Events API v2 (trigger/acknowledge/resolve)."""

    def handle(integration: Integration, raw: bytes) -> HttpResponse:
        result = services.ingest_event(integration=integration, payload=_json(raw))
        return JsonResponse({"status": "success", "message": "Event processed",
                             "dedup_key": result.dedup_key}, status=202)

    return _intake(request, key, "events", handle)


@router.post("/intake/messages/{key}", auth=INTAKE, openapi_extra=_TEXT_BODY,
             response=_intake_responses(200))
def intake_messages(request: HttpRequest, key: str) -> HttpResponse:
    """Console messages: JSON {"messages": [{id, text, severity?, host?, system?}]} or
    text/plain lines "MSGID text". Identical messages are counted, storms collapsed."""

    def handle(integration: Integration, raw: bytes) -> HttpResponse:
        if request.content_type == "text/plain":
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InvalidInput.one("body", "payload_string") from exc
            messages, problems = domain.parse_message_lines(text)
        else:
            messages, problems = domain.parse_messages_json(_json(raw))
        if problems:
            raise InvalidInput.from_violations(problems[:50])
        result = services.ingest_messages(integration=integration, messages=messages)
        return JsonResponse(result.as_dict())

    return _intake(request, key, "messages", handle)


@router.post("/heartbeats/{key}", auth=INTAKE, response=_intake_responses(200))
def heartbeat(request: HttpRequest, key: str) -> HttpResponse:
    """A check-in of a heartbeat integration; optional body {"name": ...} (A2-OPS-MON-1)."""

    def handle(integration: Integration, raw: bytes) -> HttpResponse:
        body = _json(raw) if raw.strip() else {}
        name = body.get("name", "") if isinstance(body, dict) else ""
        if not isinstance(name, str):
            raise InvalidInput.one("name", "payload_string")
        hb = services.check_in(integration=integration, name=name)
        return JsonResponse({"status": "ok", "name": hb.name,
                             "next_due_minutes": hb.interval_minutes})

    return _intake(request, key, "heartbeat", handle)


# --- reading and handling ----------------------------------------------------------


@router.get("/alerts", auth=VIEW, response=_responses(200, Page[AlertOut]))
def list_alerts(request: HttpRequest, status: str | None = None, system: str | None = None,
                integration: int | None = None, limit: int = 100,
                offset: int = 0) -> dict[str, object]:
    """Alerts, firing first; filter by status (firing|resolved) and system code."""
    rows, count, limit, offset = paginate(
        selectors.list_alerts(actor(request), status=status, system=system,
                              integration=integration),
        limit=limit, offset=offset)
    return {"items": [_alert(a) for a in rows], "count": count, "limit": limit,
            "offset": offset}


@router.get("/alerts/coverage", auth=VIEW, response=_responses(200, list[CoverageOut]))
def coverage(request: HttpRequest) -> list[CoverageOut]:
    """Critical and standby components with no monitoring at all (A2-OPS-MON-1)."""
    return [CoverageOut(**vars(r)) for r in selectors.coverage(actor(request))]


@router.get("/alerts/{alert_id}", auth=VIEW, response=_responses(200, AlertOut))
def get_alert(request: HttpRequest, alert_id: int) -> AlertOut:
    """One alert (a vendor: of its own systems only, else 404)."""
    return _alert(selectors.get_alert(actor(request), alert_id))


@router.get("/alert-groups", auth=VIEW, response=_responses(200, Page[GroupOut]))
def list_groups(request: HttpRequest, status: str | None = None, limit: int = 100,
                offset: int = 0) -> dict[str, object]:
    rows, count, limit, offset = paginate(selectors.list_groups(actor(request), status=status),
                                          limit=limit, offset=offset)
    return {"items": [_group(g) for g in rows], "count": count, "limit": limit,
            "offset": offset}


@router.get("/alert-groups/{group_id}", auth=VIEW, response=_responses(200, GroupOut))
def get_group(request: HttpRequest, group_id: int) -> GroupOut:
    """One alert group (a vendor: of its own systems only, else 404)."""
    return _group(selectors.get_group(actor(request), group_id))


@router.post("/alert-groups/{group_id}/promote", auth=EDIT, response=_responses(200, GroupOut))
def promote_group(request: HttpRequest, group_id: int, payload: PromoteIn) -> GroupOut:
    """Open an incident for a group that waited for an operator."""
    services.promote_group(actor=actor(request), group_id=group_id, rank=payload.rank,
                           system=payload.system)
    return _group(selectors.get_group(actor(request), group_id))


@router.get("/silences", auth=VIEW, response=_responses(200, list[SilenceOut]))
def list_silences(request: HttpRequest, include_expired: bool = False) -> list[SilenceOut]:
    return [_silence(r["silence"], bool(r["is_active"]))  # type: ignore[arg-type]
            for r in selectors.list_silences(actor(request), include_expired=include_expired)]


@router.post("/silences", auth=EDIT, response=_responses(201, SilenceOut))
def create_silence(request: HttpRequest, payload: SilenceIn) -> Status[object]:
    """Silence (or, with weekdays and a local window, a recurring maintenance window)."""
    data = payload.dict()
    data["matchers"] = [dict(m) for m in data["matchers"]]
    silence = services.create_silence(actor=actor(request), **data)
    active = next((bool(r["is_active"]) for r in selectors.list_silences(
        actor(request), include_expired=True)
                   if r["silence"].pk == silence.pk), False)  # type: ignore[attr-defined]
    return Status(201, _silence(silence, active))


@router.delete("/silences/{silence_id}", auth=EDIT, response=_responses(200, SilenceOut))
def expire_silence(request: HttpRequest, silence_id: int) -> SilenceOut:
    """Expire now; what it held back is re-evaluated."""
    silence = services.expire_silence(actor=actor(request), silence_id=silence_id)
    return _silence(silence, False)

