"""Reads of the alerts app: alerts, groups, silences, heartbeats, integrations and the
monitoring coverage report (C07, A2-OPS-MON-1, A2-PERF-SET-1, A2-RESP-4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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
from antei.core.errors import NotFound
from antei.inventory.models import Component


def integration_for_key(key: str, kind: str) -> Integration:
    """The enabled integration of this kind with this key; NotFound otherwise (the same
    answer whether or not the key exists for another kind)."""
    found = Integration.objects.filter(key_hash=domain.hash_key(key), enabled=True).first()
    if found is None or found.kind != kind:
        raise NotFound("integration", "?")
    return found


def list_integrations() -> QuerySet[Integration]:
    return Integration.objects.prefetch_related("systems").order_by("name")


def list_alerts(*, status: str | None = None, system: str | None = None,
                integration: int | None = None) -> QuerySet[Alert]:
    """Firing first, then the most recent."""
    qs = Alert.objects.select_related("system", "integration", "group")
    if status:
        qs = qs.filter(status=status)
    if system:
        qs = qs.filter(system__code=system)
    if integration:
        qs = qs.filter(integration_id=integration)
    return qs.order_by("status", "-last_seen", "-pk")


def list_groups(*, status: str | None = None) -> QuerySet[AlertGroup]:
    qs = AlertGroup.objects.select_related("system", "integration", "incident").annotate(
        firing=Count("alerts", filter=Q(alerts__status="firing")))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "-last_seen")


def get_group(group_id: int) -> AlertGroup:
    group = list_groups().filter(pk=group_id).first()
    if group is None:
        raise NotFound("alert group", group_id)
    return group


def list_silences(*, include_expired: bool = False) -> list[dict[str, object]]:
    now = clock.now()
    zone = clock.display_zone()
    qs = Silence.objects.all()
    if not include_expired:
        qs = qs.filter(expired_at=None).exclude(ends_at__lte=now)
    out = []
    for s in qs:
        rule = domain.SilenceRule(tuple(s.matchers), s.starts_at, s.ends_at,
                                  tuple(s.weekdays or ()), s.window_start, s.window_end)
        out.append({"silence": s, "is_active": s.expired_at is None
                    and domain.is_active(rule, now, zone)})
    return out


def list_heartbeats() -> QuerySet[Heartbeat]:
    return Heartbeat.objects.select_related("integration", "system", "component").order_by(
        "integration__name", "name")


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


def coverage() -> list[CoverageRow]:
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
    return [CoverageRow(c.system.code, c.system.name, c.system.tier, c.name, c.environment,
                        "standby" if c.environment == "standby" else "critical")
            for c in rows]
