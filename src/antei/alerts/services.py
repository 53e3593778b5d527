"""Writers of the alerts app: integrations and their keys, the intake of each format,
silences, promoting groups to incidents, heartbeats, and the periodic sweep.

Intake (A1-I-7 durability, A2-PERF-CAP-3): each `ingest_*` takes the parsed payload of
ONE request and writes it in ONE transaction, set-based (alerts/store.py): the API answers
2xx only after that transaction committed, so a crash never loses an acknowledged alert.

For the intake harness (bench/intake.py, tests/alerts/test_real_alertmanager.py):
`create_integration(actor=..., kind="alertmanager", name=...)` returns `(integration, key)`;
POST the Alertmanager webhook payload to `/api/v1/intake/alertmanager/{key}` and read the
result with `GET /api/v1/alerts` (filters `status`, `system`).
"""

from __future__ import annotations

import logging
import secrets
import time as time_module
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from django.db import OperationalError, transaction

from antei.alerts import domain, store
from antei.alerts.models import KINDS, Alert, AlertGroup, Heartbeat, Integration, Silence
from antei.calendars import selectors as calendar_selectors
from antei.core import audit, clock, registry
from antei.core.actor import Actor, Source, system_actor
from antei.core.domain import Violation, check_choice
from antei.core.errors import AnteiError, Conflict, InvalidInput, NotFound, field_error
from antei.core.roles import Perm
from antei.incidents import services as incident_services
from antei.inventory.models import Component, System

log = logging.getLogger(__name__)
T = TypeVar("T")
DEADLOCK_RETRIES = 3
KEY_PREFIX = "ak_"
INTEGRATION_FIELDS = ("rate_per_second", "burst", "hmac_header", "hmac_secret",
                      "auto_incident_severity", "auto_incident_outside_hours_severity",
                      "incident_rank", "storm_threshold",
                      "group_by", "group_window_minutes", "heartbeat_interval_minutes",
                      "heartbeat_grace_minutes")


def _new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(24)


def _integration_snapshot(i: Integration) -> dict[str, object]:
    data = audit.snapshot(i, exclude=("key_hash", "hmac_secret"))
    data["systems"] = sorted(i.systems.values_list("code", flat=True))
    return data


def create_integration(*, actor: Actor, kind: str, name: str, systems: Sequence[str] = (),
                       label_mapping: Mapping[str, Any] | None = None,
                       **options: Any) -> tuple[Integration, str]:
    """Register a monitoring source; returns it and its secret key, shown this once (only
    a SHA-256 of it is stored). Options: see INTEGRATION_FIELDS."""
    registry.require(actor, Perm.INTEGRATIONS_MANAGE)
    problems = check_choice(kind, KINDS, "kind")
    if not name or not name.strip():
        problems.append(Violation("name", "required"))
    registry.unknown_fields(options, INTEGRATION_FIELDS)
    if label_mapping is not None and not isinstance(label_mapping, dict):
        problems.append(Violation("label_mapping", "payload_object"))
    for option in ("auto_incident_severity", "auto_incident_outside_hours_severity"):
        if options.get(option) not in (None, "", *domain.SEVERITIES):
            problems.append(Violation(option, "choice", {
                "value": options[option], "choices": ", ".join(domain.SEVERITIES)}))
    registry.reject(problems)
    key = _new_key()
    with transaction.atomic():
        registry.ensure_unique(Integration, "name", name.strip())
        found = [registry.resolve_required(System, "systems", code, kind="system")
                 for code in systems]
        integration = Integration.objects.create(
            kind=kind, name=name.strip(), label_mapping=dict(label_mapping or {}),
            key_hash=domain.hash_key(key), key_prefix=key[:8], created_by=actor.username, **options)
        integration.systems.set(found)
        if kind == "heartbeat":
            Heartbeat.objects.create(
                integration=integration, name="default", created_at=clock.now(),
                interval_minutes=integration.heartbeat_interval_minutes,
                grace_minutes=integration.heartbeat_grace_minutes,
                system=found[0] if len(found) == 1 else None)
        audit.record(actor=actor, action="create", obj=integration,
                     after=_integration_snapshot(integration))
    return integration, key


def rotate_key(*, actor: Actor, integration_id: int) -> tuple[Integration, str]:
    """A new secret key; the old one stops working at once."""
    registry.require(actor, Perm.INTEGRATIONS_MANAGE)
    key = _new_key()
    with transaction.atomic():
        integration = Integration.objects.select_for_update().filter(pk=integration_id).first()
        if integration is None:
            raise NotFound("integration", integration_id)
        before = integration.key_prefix
        integration.key_hash, integration.key_prefix = domain.hash_key(key), key[:8]
        integration.save(update_fields=["key_hash", "key_prefix"])
        audit.record(actor=actor, action="rotate_key", obj=integration,
                     before={"key_prefix": before}, after={"key_prefix": integration.key_prefix})
    return integration, key


# --- intake ---------------------------------------------------------------------------


@dataclass
class IntakeResult:
    received: int = 0
    firing: int = 0
    resolved: int = 0
    silenced: int = 0
    incidents: list[int] = field(default_factory=list)
    dedup_key: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"status": "ok", "received": self.received, "firing": self.firing,
                "resolved": self.resolved, "silenced": self.silenced,
                "incidents": self.incidents}


_RULES_TTL = 1.0  # seconds a process reuses the silences it read (live intake only)
_rules_cache: tuple[float, list[domain.SilenceRule]] | None = None


def _rules(now: datetime) -> list[domain.SilenceRule]:
    """The silences not expired by hand; `domain.is_active` decides if one holds at `now`.
    Live intake re-reads them at most once a second per process (a silence created or
    expired here drops the copy at once; the sweep catches up other processes' alerts)."""
    global _rules_cache
    live = abs((clock.now() - now).total_seconds()) < 5
    tick = time_module.monotonic()
    if live and _rules_cache is not None and tick - _rules_cache[0] < _RULES_TTL:
        return _rules_cache[1]
    rows = Silence.objects.filter(expired_at=None).exclude(
        ends_at__lte=now - timedelta(days=1)).values_list(
        "matchers", "starts_at", "ends_at", "weekdays", "window_start", "window_end")
    rules = [domain.SilenceRule(tuple(m), s, e, tuple(w or ()), ws, we)
             for m, s, e, w, ws, we in rows]
    if live:
        _rules_cache = (tick, rules)
    return rules


def _forget_rules() -> None:
    global _rules_cache
    _rules_cache = None


@dataclass(frozen=True)
class _Sys:
    tier: str
    online_start: time | None
    online_end: time | None


def _systems(codes: set[str]) -> dict[str, tuple[int, _Sys]]:
    if not codes:
        return {}
    return {c: (pk, _Sys(tier, start, end)) for c, pk, tier, start, end in
            System.objects.filter(code__in=codes).values_list(
                "code", "pk", "tier", "online_start", "online_end")}


def _label_view(labels: Mapping[str, str], system_code: str | None) -> Mapping[str, str]:
    if system_code and "system" not in labels:
        return {**labels, "system": system_code}
    return labels


def _write(integration: Integration, signals: Sequence[domain.Signal], now: datetime,
           *, returning: bool = False) -> tuple[IntakeResult, dict[str, int]]:
    """The shared core of every format: fold, map systems, silence, group, upsert, route."""
    result = IntakeResult(received=len(signals))
    firing, resolved, acked = domain.aggregate(signals)
    if firing:
        # A replay (a sender retrying after a lost answer, a restarted Alertmanager) of an
        # occurrence that was already resolved must not open it again (A1-I-7).
        closed = store.resolved_starts(integration_id=integration.pk,
                                       fingerprints=[s.fingerprint for s in firing])
        if closed:
            firing = [s for s in firing if s.fingerprint not in closed
                      or (s.last_start_at or s.starts_at) > closed[s.fingerprint]]
    default = None
    mapped = list(integration.systems.values_list("code", flat=True))
    if len(mapped) == 1:
        default = mapped[0]
    for s in firing:
        s.system_code = domain.resolve_system(s.labels, integration.label_mapping, default)
    systems = _systems({s.system_code for s in firing if s.system_code})
    rules = _rules(now) if firing else []
    zone = clock.display_zone()
    silenced: set[str] = set()
    if rules:
        silenced = {s.fingerprint for s in firing if domain.is_silenced(
            rules, _label_view(s.labels, s.system_code), now, zone)}
    groups: dict[str, store.GroupState] = {}
    group_of: dict[str, str] = {}
    if firing:
        wanted: dict[str, store.GroupRow] = {}
        keys: dict[tuple[str | None, ...], tuple[str, dict[str, str]]] = {}
        names = list(integration.group_by) or ["alertname"]
        for s in firing:
            if s.fingerprint in silenced:
                continue
            memo = (*(s.labels.get(n) for n in names), s.system_code)
            found = keys.get(memo)
            if found is None:
                found = keys[memo] = domain.group_key(s.labels, names, s.system_code)
            key, labels = found
            group_of[s.fingerprint] = key
            sys_id = systems.get(s.system_code or "", (None, None))[0]
            row = wanted.get(key)
            if row is None:
                wanted[key] = store.GroupRow(key, labels, sys_id, s.severity, s.count)
            else:
                worse = domain.severity_at_least(s.severity, row.severity)
                wanted[key] = store.GroupRow(key, labels, row.system_id or sys_id,
                                             s.severity if worse else row.severity,
                                             row.count + s.count)
        # Only the groups this batch is about to join: a stale one closes first, so the
        # new alerts start a fresh group (the sweep closes the others every minute).
        store.close_stale_groups(
            integration_id=integration.pk, now=now,
            window_cutoff=now - timedelta(minutes=integration.group_window_minutes),
            keys=sorted(wanted))
        groups = store.upsert_groups(integration_id=integration.pk, rows=list(wanted.values()),
                                     now=now) if wanted else {}
    rows = [store.AlertRow(
        s, systems.get(s.system_code or "", (None, None))[0],
        groups[group_of[s.fingerprint]].id if s.fingerprint in group_of else None,
        s.fingerprint in silenced) for s in firing]
    ids = store.upsert_alerts(integration_id=integration.pk, rows=rows, now=now,
                              returning=returning) if rows else {}
    if resolved:
        result.resolved = store.resolve_alerts(integration_id=integration.pk,
                                               signals=resolved, now=now)
    if acked:
        store.acknowledge_alerts(integration_id=integration.pk,
                                 fingerprints=[s.fingerprint for s in acked], now=now)
    result.firing, result.silenced = len(firing), len(silenced)
    result.incidents = _route(integration, groups, dict(systems.values()), now)
    return result, ids


def _route(integration: Integration, groups: Mapping[str, store.GroupState],
           systems: Mapping[int, _Sys], now: datetime) -> list[int]:
    """Open an incident for each new group the integration's rules say pages people:
    severity at least `auto_incident_severity` on a critical-tier system; outside
    business hours (bank calendar, the system's online hours) severity at least
    `auto_incident_outside_hours_severity` on any system, since nobody watches the
    console then. Other groups wait for an operator to promote them; alerts of a group
    that has one join it."""
    threshold = integration.auto_incident_severity
    night = integration.auto_incident_outside_hours_severity
    opened: list[int] = []
    if not threshold and not night:
        return opened
    local = now.astimezone(clock.display_zone())
    business_day: bool | None = None
    for state in groups.values():
        if state.incident_id is not None or state.system_id is None:
            continue
        found = systems.get(state.system_id)
        if found is None:
            continue
        pages = bool(threshold) and found.tier == "critical" and domain.severity_at_least(
            state.severity, threshold)
        if not pages and night and domain.severity_at_least(state.severity, night):
            if business_day is None:
                business_day = _is_business_day(local.date())
            pages = domain.outside_hours(local, business_day, found.online_start,
                                         found.online_end)
        if not pages:
            continue
        try:
            with transaction.atomic():  # a refused incident must not lose the alerts
                opened.append(_open_incident_for(
                    state.id, actor=system_actor(Source.INTEGRATION),
                    rank=integration.incident_rank, system=None))
        except AnteiError as exc:
            log.warning("alert group %s: no incident opened: %s", state.id, exc)
    return opened


def _is_business_day(day: date) -> bool:
    """The bank calendar's verdict; without a bank calendar, Monday to Friday."""
    try:
        return calendar_selectors.bank_calendar().is_business_day(day)
    except NotFound:
        return day.weekday() < 5


def _open_incident_for(group_id: int, *, actor: Actor, rank: int, system: str | None) -> int:
    group = AlertGroup.objects.select_for_update(of=("self",)).select_related(
        "system", "integration").get(pk=group_id)
    if group.incident_id is not None:
        return group.incident_id
    code = system or (group.system.code if group.system else None)
    if not code:
        raise InvalidInput.one("system", "no_system")
    first = group.alerts.order_by("first_seen").values_list("summary", flat=True).first()
    title = (first or str(group.labels.get("alertname") or group.integration.name))[:200]
    incident = incident_services.open_incident(
        actor=actor, title=title, rank=rank, systems=[code],
        detected_at=min(group.first_seen, clock.now()),
        summary=f"{group.integration.name}: {title}")
    group.incident_id = incident.pk
    group.save(update_fields=["incident"])
    return incident.pk


def _invalid(violations: list[Violation]) -> None:
    if violations:
        raise InvalidInput.from_violations(violations[:50])


def _committed(fn: Callable[[], T]) -> T:
    """Run `fn` in one transaction; on PostgreSQL a deadlock between two intake requests
    (the loser is rolled back whole) is retried, so the sender still gets its answer."""
    for attempt in range(DEADLOCK_RETRIES + 1):
        try:
            with transaction.atomic():
                return fn()
        except OperationalError as exc:
            if attempt == DEADLOCK_RETRIES or "deadlock" not in str(exc):
                raise
            log.warning("intake deadlock, retrying (%s)", attempt + 1)
    raise AssertionError("unreachable")


def ingest_alert_list(*, integration: Integration, payload: object,
                      now: datetime | None = None) -> IntakeResult:
    """Alertmanager webhook v4 / Grafana alerting payload of one request (C07, A1-I-7)."""
    now = now or clock.now()
    parsed = domain.parse_alert_list(payload, now)
    _invalid(parsed.violations)
    return _committed(lambda: _write(integration, parsed.signals, now)[0])


def ingest_event(*, integration: Integration, payload: object,
                 now: datetime | None = None) -> IntakeResult:
    """One PagerDuty Events API v2 event; the result carries its dedup_key."""
    now = now or clock.now()
    parsed = domain.parse_event(payload, now)
    _invalid(parsed.violations)
    result = _committed(lambda: _write(integration, parsed.signals, now)[0])
    result.dedup_key = parsed.dedup_key
    return result


def ingest_messages(*, integration: Integration, messages: Sequence[domain.Message],
                    now: datetime | None = None) -> IntakeResult:
    """Console/syslog-style messages: identical (id, text) pairs are counted with one
    upsert per distinct pair, so a storm costs a constant amount per message; a message id
    over the integration's per-minute threshold raises ONE storm alert whose count grows
    ("repeated 12,345 times since 02:13"). A2-PERF-CAP-3."""
    now = now or clock.now()
    tallies = domain.tally_messages(messages)
    minute = int(now.timestamp()) // 60
    result = _committed(lambda: _write_messages(integration, tallies, now, minute))
    result.received = sum(t.count for t in tallies)
    return result


def _write_messages(integration: Integration, tallies: list[domain.MessageTally],
                    now: datetime, minute: int) -> IntakeResult:
    per_text: dict[tuple[str, str], store.CounterRow] = {}
    for t in tallies:
        k = (t.message_id, t.text_hash)
        old = per_text.get(k)
        per_text[k] = store.CounterRow(t.message_id, t.text_hash, t.text,
                                       t.count + (old.count if old else 0))
    states = store.upsert_counters(integration_id=integration.pk,
                                   rows=list(per_text.values()), now=now, minute=minute)
    signals = domain.message_signals(tallies, now)
    batch: dict[str, int] = {}
    for t in tallies:
        batch[t.message_id] = batch.get(t.message_id, 0) + t.count
    by_id: dict[str, list[store.CounterState]] = {}
    for st in states:
        by_id.setdefault(st.message_id, []).append(st)
    storms: dict[str, str] = {}
    zone = clock.display_zone()
    for mid, rows in by_id.items():
        window = sum(r.window_count for r in rows)
        storming = any(r.storm_alert_id for r in rows)
        if window < integration.storm_threshold and not storming:
            continue
        total = sum(r.count for r in rows)
        since = min(r.first_seen for r in rows)
        delta = batch.get(mid, 0) if storming else total
        signal = domain.storm_signal(mid, total, delta, since, since.astimezone(zone), now)
        storms[signal.fingerprint] = mid
        signals.append(signal)
    result, ids = _write(integration, signals, now, returning=bool(storms))
    for fp, mid in storms.items():
        if fp in ids:
            store.link_storm(integration_id=integration.pk, message_id=mid,
                             alert_id=ids[fp])
    return result


# --- heartbeats -----------------------------------------------------------------------


def _heartbeat_signal(hb: Heartbeat, status: str, now: datetime) -> domain.Signal:
    labels = {"alertname": "HeartbeatMissed", "heartbeat": hb.name}
    if hb.system_id:
        labels["system"] = hb.system.code if hb.system else ""
    if hb.component_id and hb.component:
        labels["component"] = hb.component.name
        labels["environment"] = hb.component.environment
    since = hb.last_check_in or hb.created_at
    return domain.Signal(
        fingerprint=domain.fingerprint_key("heartbeat", str(hb.pk)), status=status,
        labels=labels, annotations={"last_check_in": since.isoformat()},
        summary=(f"ハートビート途絶 / heartbeat missed: {hb.name} "
                 f"({hb.interval_minutes} min)"),
        severity="critical", starts_at=now, ends_at=now if status == "resolved" else None)


def check_in(*, integration: Integration, name: str = "",
             now: datetime | None = None) -> Heartbeat:
    """A check-in (A2-OPS-MON-1); a heartbeat named for the first time is registered with
    the integration's interval. A late heartbeat checking in resolves its alert."""
    now = now or clock.now()
    name = (name or "default").strip()[:100] or "default"
    with transaction.atomic():
        hb = Heartbeat.objects.select_for_update().filter(integration=integration,
                                                          name=name).first()
        if hb is None:
            hb, _ = Heartbeat.objects.get_or_create(
                integration=integration, name=name,
                defaults={"interval_minutes": integration.heartbeat_interval_minutes,
                          "grace_minutes": integration.heartbeat_grace_minutes,
                          "created_at": now})
        was_late = hb.status == "late"
        hb.last_check_in, hb.status = now, "ok"
        hb.save(update_fields=["last_check_in", "status"])
        if was_late:
            _write(integration, [_heartbeat_signal(hb, "resolved", now)], now)
    return hb


def add_heartbeat(*, actor: Actor, integration_id: int, name: str, system: str | None = None,
                  component: str | None = None, interval_minutes: int = 5,
                  grace_minutes: int = 2) -> Heartbeat:
    """Register what must check in: a batch job, or a standby component's process."""
    registry.require(actor, Perm.INTEGRATIONS_MANAGE)
    problems = []
    if not name.strip():
        problems.append(Violation("name", "required"))
    if interval_minutes < 1:
        problems.append(Violation("interval_minutes", "positive", {"value": interval_minutes}))
    registry.reject(problems)
    with transaction.atomic():
        integration = Integration.objects.filter(pk=integration_id, kind="heartbeat").first()
        if integration is None:
            raise NotFound("integration", integration_id)
        found_system = registry.resolve(System, "system", system, kind="system")
        found_component = None
        if component:
            if found_system is None:
                raise InvalidInput.one("system", "required")
            found_component = Component.objects.filter(system=found_system,
                                                       name=component).first()
            if found_component is None:
                raise InvalidInput.one("component", "unknown", kind="component",
                                       value=component)
        registry.ensure_unique(Heartbeat, "name", name.strip(),
                               scope={"integration": integration})
        hb = Heartbeat.objects.create(
            integration=integration, name=name.strip(), system=found_system,
            component=found_component, interval_minutes=interval_minutes,
            grace_minutes=grace_minutes, created_at=clock.now())
        audit.record(actor=actor, action="create", obj=hb, after=audit.snapshot(hb))
    return hb


def check_heartbeats(*, now: datetime | None = None) -> int:
    """Raise an alert for each heartbeat that missed its check-in (interval + grace)."""
    now = now or clock.now()
    raised = 0
    candidates = Heartbeat.objects.exclude(status="late").select_related(
        "integration", "system", "component")
    for hb in candidates:
        if not domain.heartbeat_is_late(hb.last_check_in, hb.created_at, hb.interval_minutes,
                                        hb.grace_minutes, now):
            continue
        with transaction.atomic():
            updated = Heartbeat.objects.filter(pk=hb.pk).exclude(status="late").update(
                status="late")
            if updated:
                _write(hb.integration, [_heartbeat_signal(hb, "firing", now)], now)
                raised += 1
    return raised


# --- silences -------------------------------------------------------------------------


def create_silence(*, actor: Actor, matchers: list[dict[str, str]], starts_at: datetime | None,
                   ends_at: datetime | None, comment: str = "",
                   weekdays: Sequence[int] = (), window_start: time | None = None,
                   window_end: time | None = None) -> Silence:
    """Silence matching alerts from starts_at to ends_at; with weekdays and a local time
    window it recurs weekly (a maintenance window) until ends_at (none: until expired)."""
    registry.require(actor, Perm.ALERTS_EDIT)
    now = clock.now()
    starts_at = starts_at or now
    recurring = bool(weekdays) or window_start is not None
    problems = domain.check_matchers(matchers)
    problems += domain.check_window(list(weekdays), window_start, window_end)
    if ends_at is None and not recurring:
        problems.append(Violation("ends_at", "required"))
    if ends_at is not None and ends_at <= starts_at:
        problems.append(Violation("ends_at", "date_order", {"other": "starts_at"}))
    registry.reject(problems)
    clean = [{"label": m["label"], "op": m.get("op", "="), "value": m.get("value", "")}
             for m in matchers]
    with transaction.atomic():
        silence = Silence.objects.create(
            matchers=clean, starts_at=starts_at, ends_at=ends_at, weekdays=list(weekdays),
            window_start=window_start, window_end=window_end, comment=comment,
            created_by=actor.username)
        audit.record(actor=actor, action="create", obj=silence, after=audit.snapshot(silence))
        transaction.on_commit(_forget_rules)
        _forget_rules()
        reevaluate(now=now)
    return silence


def expire_silence(*, actor: Actor, silence_id: int) -> Silence:
    """End a silence now; what it held back is re-evaluated (and may open incidents)."""
    registry.require(actor, Perm.ALERTS_EDIT)
    now = clock.now()
    with transaction.atomic():
        silence = Silence.objects.select_for_update().filter(pk=silence_id).first()
        if silence is None:
            raise NotFound("silence", silence_id)
        if silence.expired_at is not None:
            raise Conflict(errors=[])
        before = audit.snapshot(silence)
        silence.expired_at = now
        silence.save(update_fields=["expired_at"])
        audit.record(actor=actor, action="expire", obj=silence, before=before,
                     after=audit.snapshot(silence))
        transaction.on_commit(_forget_rules)
        _forget_rules()
        reevaluate(now=now)
    return silence


def reevaluate(*, now: datetime | None = None) -> int:
    """Apply the silences in force now to every firing alert: newly silenced ones are
    marked; ones whose silence or window ended are grouped and routed like a fresh
    delivery (the end of a maintenance window re-evaluates what is still firing)."""
    now = now or clock.now()
    rules = _rules(now)
    zone = clock.display_zone()
    rows = Alert.objects.filter(status="firing").values_list(
        "pk", "integration_id", "fingerprint", "labels", "system__code", "silenced",
        "severity", "summary", "last_start_at").iterator(chunk_size=2000)
    changed = 0
    to_mute: list[int] = []
    released: dict[int, list[domain.Signal]] = {}
    for pk, integration_id, fp, labels, system_code, silenced, severity, summary, starts in rows:
        now_silenced = domain.is_silenced(rules, _label_view(labels, system_code), now, zone)
        if now_silenced and not silenced:
            to_mute.append(pk)
        elif silenced and not now_silenced:
            released.setdefault(integration_id, []).append(domain.Signal(
                fingerprint=fp, status="firing", labels=labels, annotations={},
                summary=summary, severity=severity, starts_at=starts, count=0))
    with transaction.atomic():
        if to_mute:
            Alert.objects.filter(pk__in=to_mute).update(silenced=True)
            changed += len(to_mute)
        for integration_id, signals in released.items():
            integration = Integration.objects.get(pk=integration_id)
            _release(integration, signals, now)
            changed += len(signals)
    return changed


def _release(integration: Integration, signals: list[domain.Signal], now: datetime) -> None:
    """Un-silence: the alerts keep their annotations and counts; they join groups."""
    with transaction.atomic():
        for s in signals:
            s.last_start_at = s.starts_at
        _write_keep(integration, signals, now)
        Alert.objects.filter(integration=integration, status="firing",
                             fingerprint__in=[s.fingerprint for s in signals]).update(
            silenced=False)


def _write_keep(integration: Integration, signals: list[domain.Signal], now: datetime) -> None:
    annotations = dict(
        Alert.objects.filter(
            integration=integration, status="firing",
            fingerprint__in=[s.fingerprint for s in signals]).values_list(
            "fingerprint", "annotations"))
    for s in signals:
        s.annotations = annotations.get(s.fingerprint, {})
    _write(integration, signals, now)


# --- groups ---------------------------------------------------------------------------


def promote_group(*, actor: Actor, group_id: int, rank: int = 3,
                  system: str | None = None) -> AlertGroup:
    """An operator opens an incident for a group that waited (or returns the incident it
    already has); audited."""
    registry.require(actor, Perm.ALERTS_EDIT)
    registry.require(actor, Perm.INCIDENT_EDIT)
    with transaction.atomic():
        group = AlertGroup.objects.filter(pk=group_id).first()
        if group is None or (actor.is_vendor and not System.objects.filter(
                pk=group.system_id or -1, vendor_roles__vendor_id=actor.vendor_scope).exists()):
            raise NotFound("alert group", group_id)
        if group.incident_id is not None:
            raise Conflict(errors=[field_error("group", "already_done")])
        incident_id = _open_incident_for(group.pk, actor=actor, rank=rank, system=system)
        group.refresh_from_db()
        audit.record(actor=actor, action="promote", obj=group,
                     after={"incident": incident_id})
    return group


# --- sweep ------------------------------------------------------------------------------


def sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Every minute: close stale groups, re-evaluate silences, check heartbeats."""
    now = now or clock.now()
    closed = 0
    for integration in Integration.objects.all():
        with transaction.atomic():
            closed += store.close_stale_groups(
                integration_id=integration.pk, now=now,
                window_cutoff=now - timedelta(minutes=integration.group_window_minutes))
    return {"closed_groups": closed, "reevaluated": reevaluate(now=now),
            "late_heartbeats": check_heartbeats(now=now)}
