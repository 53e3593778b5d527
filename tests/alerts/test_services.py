"""Silences and maintenance windows, heartbeats, coverage, concurrency of the intake.

Catalog: C07, A2-OPS-MON-1, A2-PERF-SET-1, A2-RESP-4, A2-HW-2, A1-I-7.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from antei.alerts import services
from antei.alerts.models import Alert, AlertGroup, Heartbeat
from antei.core.actor import Actor
from antei.core.models import AuditEntry
from antei.incidents.models import Incident
from antei.inventory import services as inventory_services
from tests import factories
from tests.alerts.conftest import am_alert, am_payload, post
from tests.threads import in_thread

Make = Callable[..., tuple[Any, str]]

# Monday 2026-11-23 01:30 in Tokyo (16:30 UTC the day before)
MONDAY_0130_JST = datetime(2026, 11, 22, 16, 30, tzinfo=UTC)


@pytest.mark.django_db
def test_silenced_alert_is_recorded_but_opens_nothing(make_integration: Make,
                                                      core_system: Any,
                                                      admin_actor: Actor) -> None:
    """A silence: matching alerts are recorded (silenced) and open no incident; expiring
    it re-evaluates what still fires, which then opens the incident (audited)."""
    integration, _ = make_integration(systems=["CORE"])
    silence = services.create_silence(
        actor=admin_actor, matchers=[{"label": "system", "op": "=", "value": "CORE"}],
        starts_at=None, ends_at=datetime.now(tz=UTC) + timedelta(hours=1), comment="保守")
    result = services.ingest_alert_list(integration=integration, payload=am_payload(
        am_alert(instance="a", severity="critical")))
    assert result.silenced == 1
    alert = Alert.objects.get()
    assert alert.silenced and alert.group_id is None
    assert not Incident.objects.exists()
    services.expire_silence(actor=admin_actor, silence_id=silence.pk)
    alert.refresh_from_db()
    assert not alert.silenced
    assert alert.group is not None and alert.group.incident is not None
    actions = set(AuditEntry.objects.filter(object_type="alerts.silence").values_list(
        "action", flat=True))
    assert actions == {"create", "expire"}


@pytest.mark.django_db
def test_recurring_maintenance_window_silences_only_inside_and_ends_on_its_own(
        make_integration: Make, core_system: Any, admin_actor: Actor) -> None:
    """A weekly window Mon 01:00-03:00 JST: an alert at 01:30 is silenced; the sweep after
    03:00 re-evaluates it and it joins a group (pages can follow)."""
    integration, _ = make_integration(systems=["CORE"], auto_incident_severity="")
    services.create_silence(
        actor=admin_actor, matchers=[{"label": "alertname", "op": "=~", "value": "High.*"}],
        starts_at=MONDAY_0130_JST - timedelta(days=7), ends_at=None, weekdays=[0],
        window_start=time(1), window_end=time(3), comment="月曜夜間保守")
    services.ingest_alert_list(integration=integration, payload=am_payload(am_alert()),
                               now=MONDAY_0130_JST)
    assert Alert.objects.get().silenced
    assert services.sweep(now=MONDAY_0130_JST + timedelta(minutes=20))["reevaluated"] == 0
    assert Alert.objects.get().silenced
    after = MONDAY_0130_JST + timedelta(hours=1, minutes=31)  # 03:01 JST
    assert services.sweep(now=after)["reevaluated"] == 1
    alert = Alert.objects.get()
    assert not alert.silenced and alert.group_id is not None


@pytest.mark.django_db
def test_bad_silence_is_refused_naming_the_field(api: Any) -> None:
    response = api.post("/api/v1/silences", {"matchers": [
        {"label": "a", "op": "~~", "value": "x"}], "ends_at": "2030-01-01T00:00:00Z"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "matchers[0].op"
    no_end = api.post("/api/v1/silences", {"matchers": [{"label": "a", "value": "x"}]})
    assert no_end.status_code == 422
    assert no_end.json()["errors"][0]["field"] == "ends_at"


@pytest.mark.django_db
def test_missed_heartbeat_raises_an_alert_and_check_in_resolves_it(
        make_integration: Make, core_system: Any) -> None:
    """A2-OPS-MON-1: the standby's process stops checking in -> an alert; it checks in
    again -> resolved."""
    _integration, key = make_integration(kind="heartbeat", systems=["CORE"])
    url = f"/api/v1/heartbeats/{key}"
    assert post(Client(), url, {"name": "standby-app"}).status_code == 200
    hb = Heartbeat.objects.get(name="standby-app")
    assert hb.status == "ok"
    later = hb.last_check_in + timedelta(minutes=hb.interval_minutes + hb.grace_minutes + 1)
    services.check_heartbeats(now=later)
    hb.refresh_from_db()
    assert hb.status == "late"
    alert = Alert.objects.get(labels__heartbeat="standby-app")
    assert alert.status == "firing" and alert.severity == "critical"
    assert services.check_heartbeats(now=later + timedelta(minutes=5)) == 0  # raised once
    assert post(Client(), url, {"name": "standby-app"}).status_code == 200
    alert.refresh_from_db()
    assert alert.status == "resolved"
    assert Heartbeat.objects.get(name="standby-app").status == "ok"


@pytest.mark.django_db
def test_coverage_lists_unmonitored_standby_and_critical_components(
        make_integration: Make, admin_actor: Actor, api: Any) -> None:
    """A2-OPS-MON-1 / A2-PERF-SET-1: components nobody watches are listed; a heartbeat on
    the standby takes it off the list."""
    factories.system(code="CORE", tier="critical")
    factories.system(code="BATCH", tier="standard")
    factories.system(code="WATCHED", tier="critical")
    add = inventory_services.add_component
    add(actor=admin_actor, system="CORE", name="app-1", kind="server", environment="active")
    add(actor=admin_actor, system="BATCH", name="job-1", kind="server", environment="active")
    add(actor=admin_actor, system="BATCH", name="job-2", kind="server", environment="standby",
        active_peer="job-1")
    add(actor=admin_actor, system="WATCHED", name="db-1", kind="database",
        environment="active")
    make_integration(systems=["WATCHED"])
    listed = api.get("/api/v1/alerts/coverage").json()
    assert [(r["system"], r["component"], r["reason"]) for r in listed] == [
        ("BATCH", "job-2", "standby"), ("CORE", "app-1", "critical")]
    hb_integration, _ = make_integration(kind="heartbeat")
    services.add_heartbeat(actor=admin_actor, integration_id=hb_integration.pk,
                           name="job-2 process", system="BATCH", component="job-2")
    listed = api.get("/api/v1/alerts/coverage").json()
    assert [r["component"] for r in listed] == ["app-1"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_of_one_new_alert_create_one_open_alert(
        threads_database: None, admin_actor: Actor, settings: Any) -> None:
    """A1-I-7 / C07: the database enforces one open alert (and one open group) per
    fingerprint: four threads delivering the same new alert at once end with one row."""
    settings.ALERTS_INTAKE_CONCURRENCY = 8
    _, key = in_thread(lambda: services.create_integration(
        actor=admin_actor, kind="alertmanager", name="race", auto_incident_severity=""))
    barrier = threading.Barrier(4)
    codes: list[int] = []

    def deliver() -> None:
        try:
            barrier.wait(timeout=10)
            codes.append(post(Client(), f"/api/v1/intake/alertmanager/{key}",
                              am_payload(am_alert(instance="same"))).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert codes == [200] * 4
    counts = in_thread(lambda: (
        Alert.objects.filter(status="firing").count(),
        AlertGroup.objects.filter(status="open").count(), Alert.objects.get().count))
    assert counts == (1, 1, 1)


@pytest.mark.django_db
def test_group_closes_after_its_window_and_a_new_one_opens(make_integration: Make) -> None:
    integration, _ = make_integration(auto_incident_severity="", group_window_minutes=10)
    start = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
    services.ingest_alert_list(integration=integration, payload=am_payload(am_alert()),
                               now=start)
    services.ingest_alert_list(integration=integration, payload=am_payload(
        am_alert(status="resolved")), now=start + timedelta(minutes=1))
    services.ingest_alert_list(integration=integration, payload=am_payload(
        am_alert(starts="2026-11-25T03:30:00Z")), now=start + timedelta(minutes=30))
    groups = list(AlertGroup.objects.order_by("pk").values_list("status", flat=True))
    assert groups == ["closed", "open"]
