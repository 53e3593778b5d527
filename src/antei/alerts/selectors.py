"""Reads of the alerts app: alerts, groups, silences, heartbeats, integrations and the
monitoring coverage report (C07, A2-OPS-MON-1, A2-PERF-SET-1, A2-RESP-4).

Scoped like antei.inventory.selectors (C14): a vendor user sees the alerts, groups and
heartbeats of the systems its vendor builds, runs or maintains (an alert or group with no
system is not shown to vendors), the coverage rows of those systems, and the silences
whose matchers pin the `system` label to one of them. Integrations are for admins only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from antei.alerts import domain
from antei.alerts.models import (
    Alert,
    AlertGroup,
    Heartbeat,
    Integration,
    MessageCounter,
    Silence,
)
from antei.core import clock
from antei.core.actor import Actor
from antei.core.errors import NotFound
from antei.inventory import selectors as inventory_selectors
from antei.inventory.models import Component


def _visible_system_ids(actor: Actor) -> QuerySet[Any]:
    return inventory_selectors.list_systems(actor).values("pk")


def integration_for_key(key: str, kind: str) -> Integration:
    """The enabled integration of this kind with this key; NotFound otherwise (the same
    answer whether or not the key exists for another kind)."""
    found = Integration.objects.filter(key_hash=domain.hash_key(key), enabled=True).first()
    if found is None or found.kind != kind:
        raise NotFound("integration", "?")
    return found


def list_integrations() -> QuerySet[Integration]:
    return Integration.objects.prefetch_related("systems").order_by("name")


def list_alerts(actor: Actor, *, status: str | None = None, system: str | None = None,
                integration: int | None = None) -> QuerySet[Alert]:
    """Firing first, then the most recent; a vendor's systems only."""
    qs = Alert.objects.select_related("system", "integration", "group")
    if actor.is_vendor:
        qs = qs.filter(system__in=_visible_system_ids(actor))
    if status:
        qs = qs.filter(status=status)
    if system:
        qs = qs.filter(system__code=system)
    if integration:
        qs = qs.filter(integration_id=integration)
    return qs.order_by("status", "-last_seen", "-pk")


def get_alert(actor: Actor, alert_id: int) -> Alert:
    found = list_alerts(actor).filter(pk=alert_id).first()
    if found is None:
        raise NotFound("alert", alert_id)
    return found


def list_groups(actor: Actor, *, status: str | None = None) -> QuerySet[AlertGroup]:
    qs = AlertGroup.objects.select_related("system", "integration", "incident").annotate(
        firing=Count("alerts", filter=Q(alerts__status="firing")))
    if actor.is_vendor:
        qs = qs.filter(system__in=_visible_system_ids(actor))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "-last_seen")


def get_group(actor: Actor, group_id: int) -> AlertGroup:
    group = list_groups(actor).filter(pk=group_id).first()
    if group is None:
        raise NotFound("alert group", group_id)
    return group


def _pins_system(matchers: list[dict[str, str]], codes: set[str]) -> bool:
    """A matcher restricts the `system` label to one of `codes` (= or =~)."""
    for m in matchers:
        if m.get("label") != "system":
            continue
        op, value = m.get("op", "="), m.get("value", "")
        if op == "=" and value in codes:
            return True
        if op == "=~" and any(domain.matches([m], {"system": c}) for c in codes):
            return True
    return False


def list_silences(actor: Actor, *, include_expired: bool = False) -> list[dict[str, object]]:
    now = clock.now()
    zone = clock.display_zone()
    qs = Silence.objects.all()
    if not include_expired:
        qs = qs.filter(expired_at=None).exclude(ends_at__lte=now)
    codes: set[str] | None = None
    if actor.is_vendor:
        codes = set(inventory_selectors.list_systems(actor).values_list("code", flat=True))
    out = []
    for s in qs:
        if codes is not None and not _pins_system(s.matchers, codes):
            continue
        rule = domain.SilenceRule(tuple(s.matchers), s.starts_at, s.ends_at,
                                  tuple(s.weekdays or ()), s.window_start, s.window_end)
        out.append({"silence": s, "is_active": s.expired_at is None
                    and domain.is_active(rule, now, zone)})
    return out


def list_heartbeats(actor: Actor) -> QuerySet[Heartbeat]:
    qs = Heartbeat.objects.select_related("integration", "system", "component")
    if actor.is_vendor:
        visible = _visible_system_ids(actor)
        qs = qs.filter(Q(system__in=visible) | Q(component__system__in=visible))
    return qs.order_by("integration__name", "name")


def storm_lines(alert_ids: list[int]) -> dict[int, dict[str, object]]:
    """For storm alerts: total repeats and since when ("repeated N times since HH:MM")."""
    rows = MessageCounter.objects.filter(storm_alert_id__in=alert_ids).values_list(
        "storm_alert_id", "count", "first_seen")
    out: dict[int, dict[str, object]] = {}
    for alert_id, count, first in rows:
        line = out.setdefault(alert_id, {"count": 0, "since": first})
        line["count"] = int(str(line["count"])) + count
        since = line["since"]
        if isinstance(since, datetime) and first < since:
            line["since"] = first
    return out


@dataclass(frozen=True)
class CoverageRow:
    system: str
    system_name: str
    tier: str
    component: str
    environment: str
    reason: str  # critical | standby


def coverage(actor: Actor) -> list[CoverageRow]:
    """Components with no monitoring at all: of critical-tier systems, and every standby
    component, whose system no enabled integration maps and which no heartbeat watches
    (A2-OPS-MON-1 standby processes; A2-PERF-SET-1, A2-RESP-4)."""
    mapped = Integration.objects.filter(enabled=True, systems=OuterRef("system_id"))
    watched = Heartbeat.objects.filter(component=OuterRef("pk"))
    rows = (Component.objects.filter(Q(system__tier="critical") | Q(environment="standby"))
            .exclude(environment="development")
            .annotate(mapped=Exists(mapped), watched=Exists(watched))
            .filter(mapped=False, watched=False)
            .select_related("system").order_by("system__code", "name"))
    if actor.is_vendor:
        rows = rows.filter(system__in=_visible_system_ids(actor))
    return [CoverageRow(c.system.code, c.system.name, c.system.tier, c.name, c.environment,
                        "standby" if c.environment == "standby" else "critical")
            for c in rows]
