"""The alert screens as users meet them (Japanese by default): the list with firing first
and storm lines, promote, silences, integrations with the key shown once, heartbeats,
coverage; who may see what.

Catalog: C07, A2-PERF-CAP-3, A2-OPS-MON-1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from antei.alerts import services
from antei.alerts.models import Integration, Silence
from antei.core import services as core_services
from antei.core.actor import Actor
from antei.core.roles import Role
from antei.incidents.models import Incident
from tests.alerts.conftest import am_alert, am_payload
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(client: Client, admin_actor: Actor) -> Callable[..., Client]:
    counter = {"n": 0}

    def as_role(role: Role = Role.OPERATOR) -> Client:
        counter["n"] += 1
        user = core_services.create_user(actor=admin_actor, username=f"{role}-al-{counter['n']}",
                                         role=str(role), password=PASSWORD)
        client.force_login(user)
        return client

    return as_role


def test_alert_list_shows_firing_first_and_the_storm_line(
        login: Callable[..., Client], make_integration: Callable[..., Any],
        core_system: Any) -> None:
    am, _ = make_integration(systems=["CORE"], auto_incident_severity="")
    services.ingest_alert_list(integration=am, payload=am_payload(
        am_alert(instance="old", status="resolved"), am_alert(instance="now")))
    services.ingest_alert_list(integration=am, payload=am_payload(
        am_alert(name="Gone", instance="x")))
    services.ingest_alert_list(integration=am, payload=am_payload(
        am_alert(name="Gone", instance="x", status="resolved")))
    msgs, _ = make_integration(kind="messages", storm_threshold=10)
    from antei.alerts.domain import Message

    services.ingest_messages(integration=msgs, messages=[Message("IEA911E", "dump")] * 1234)
    client = login(Role.OPERATOR)
    page = client.get(reverse("alerts-list")).content.decode()
    assert "<th>状態</th>" in page and "<th>重要度</th>" in page
    assert "1,234 回繰り返し" in page or "1,234回繰り返し" in page
    assert page.index("HighLatency on now") < page.index("Gone on x")  # firing first
    only_core = client.get(reverse("alerts-list"), {"system": "CORE", "status": "resolved"},
                           headers={"HX-Request": "true"}).content.decode()
    assert "Gone on x" in only_core and "HighLatency on now" not in only_core
    assert "<html" not in only_core


def test_navigation_has_one_alerts_entry(login: Callable[..., Client]) -> None:
    page = login(Role.EXECUTIVE).get(reverse("home")).content.decode()
    nav = page.split('<nav class="nav">')[1].split("</nav>")[0]
    assert nav.count(f'href="{reverse("alerts-list")}"') == 1
    assert "アラート" in nav


def test_operator_promotes_a_group_to_an_incident(
        login: Callable[..., Client], make_integration: Callable[..., Any],
        core_system: Any) -> None:
    am, _ = make_integration(systems=["CORE"], auto_incident_severity="")
    services.ingest_alert_list(integration=am, payload=am_payload(am_alert()))
    group = am.groups.get()
    client = login(Role.OPERATOR)
    assert "障害を起票" in client.get(reverse("alerts-groups")).content.decode()
    response = client.post(reverse("alerts-promote", args=[group.pk]), {"rank": "3"})
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("incident-detail", args=[incident.pk])


def test_silence_form_creates_a_weekly_window_and_expire_ends_it(
        login: Callable[..., Client]) -> None:
    client = login(Role.OPERATOR)
    response = client.post(reverse("alerts-silence-create"), {
        "matcher_label": "system", "matcher_op": "=", "matcher_value": "CORE",
        "weekdays": ["5", "6"],
        "window_start": "22:00", "window_end": "06:00", "comment": "週末保守"})
    assert response.status_code == 302
    silence = Silence.objects.get()
    assert silence.weekdays == [5, 6] and str(silence.window_start) == "22:00:00"
    assert "週末保守" in client.get(reverse("alerts-silences")).content.decode()
    client.post(reverse("alerts-silence-expire", args=[silence.pk]))
    assert Silence.objects.get().expired_at is not None
    bad = client.post(reverse("alerts-silence-create"), {"matcher_label": "", "matcher_value": "x"})
    assert bad.status_code == 422


def test_admin_creates_an_integration_and_sees_the_key_once(
        login: Callable[..., Client], core_system: Any) -> None:
    client = login(Role.ADMIN)
    response = client.post(reverse("alerts-integration-create"), {
        "kind": "alertmanager", "name": "本番AM", "systems": "CORE", "system_label": "service"})
    assert response.status_code == 201
    page = response.content.decode()
    integration = Integration.objects.get()
    assert integration.label_mapping == {"system": "service"}
    key = page.split('<code class="secret">')[1].split("</code>")[0]
    assert key.startswith("ak_") and f"/api/v1/intake/alertmanager/{key}" in page
    assert key not in client.get(reverse("alerts-integrations")).content.decode()


def test_operator_may_not_manage_integrations(login: Callable[..., Client]) -> None:
    client = login(Role.OPERATOR)
    assert client.get(reverse("alerts-integrations")).status_code == 403
    assert reverse("alerts-integrations") not in client.get(
        reverse("alerts-list")).content.decode()


def test_heartbeat_and_coverage_pages(login: Callable[..., Client],
                                      make_integration: Callable[..., Any],
                                      core_system: Any, admin_actor: Actor) -> None:
    from antei.inventory import services as inventory_services

    inventory_services.add_component(actor=admin_actor, system="CORE", name="app-9",
                                     kind="server", environment="active")
    make_integration(kind="heartbeat", name="夜間バッチ")
    client = login(Role.AUDITOR)
    assert "夜間バッチ" in client.get(reverse("alerts-heartbeats")).content.decode()
    assert "app-9" in client.get(reverse("alerts-coverage")).content.decode()
