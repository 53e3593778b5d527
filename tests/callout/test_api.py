"""Call-out over the API and the HTML pages (C02, A2-RESP-1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from antei.callout import channels, services
from antei.core import services as core_services
from antei.core.actor import Actor
from antei.core.roles import Role
from antei.incidents import services as incident_services
from antei.incidents.models import TimelineEntry
from antei.org.models import ContactPoint
from tests import factories
from tests.callout.test_services import FakeChannels
from tests.conftest import PASSWORD, ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeChannels:
    sender = FakeChannels()
    monkeypatch.setattr(channels, "send", sender)
    return sender


@pytest.fixture
def incident(admin_actor: Actor) -> Any:
    factories.person(code="DUTY", contact_points=[{"kind": "email", "address": "d@example.jp"}])
    factories.person(code="BOSS", contact_points=[{"kind": "email", "address": "b@example.jp"}])
    factories.system(code="CORE")
    return incident_services.open_incident(
        actor=admin_actor, title="勘定系停止", rank=1, systems=["CORE"],
        detected_at=datetime.now(tz=UTC) - timedelta(minutes=5))


POLICY = {"code": "R1", "name": "ランク1", "rank": 1, "steps": [
    {"kind": "person", "people": ["DUTY"], "wait_minutes": 10},
    {"kind": "distribution", "people": ["BOSS"], "wait_minutes": 30}]}


def test_policy_without_steps_is_422_naming_the_field(api: ApiClient, incident: Any) -> None:
    r = api.post("/api/v1/escalation-policies", POLICY | {"steps": []})
    assert r.status_code == 422
    assert [(e["field"], e["rule"]) for e in r.json()["errors"]] == [("steps", "policy_no_steps")]


def test_policy_with_a_loop_is_422(api: ApiClient, incident: Any) -> None:
    steps = [POLICY["steps"][0], POLICY["steps"][1] | {"next_step": 0}]  # type: ignore[index]
    r = api.post("/api/v1/escalation-policies", POLICY | {"steps": steps})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "steps[1].next_step"
    assert "step" in r.json()["errors"][0]["message"]


def test_page_list_acknowledge(api: ApiClient, incident: Any, fake: FakeChannels) -> None:
    assert api.post("/api/v1/escalation-policies", POLICY).status_code == 201
    assert [p["code"] for p in api.get("/api/v1/escalation-policies").json()] == ["R1"]
    r = api.post(f"/api/v1/incidents/{incident.pk}/page", {})
    assert r.status_code == 201, r.content
    assert r.json()["pages"] == 1 and r.json()["state"] == "active"
    assert api.post(f"/api/v1/incidents/{incident.pk}/page", {}).status_code == 409
    services.sweep()  # the worker delivers
    [page] = api.get(f"/api/v1/incidents/{incident.pk}/pages").json()
    assert (page["recipient"], page["status"], page["channel"]) == ("DUTY", "sent", "email")
    assert page["deliveries"][0]["ok"] is True and page["deliveries"][0]["detail"] == "250 OK"
    r = api.post(f"/api/v1/pages/{page['id']}/ack")
    assert r.status_code == 200 and r.json()["status"] == "acknowledged"
    assert api.post(f"/api/v1/pages/{page['id']}/ack").status_code == 409
    services.sweep(now=datetime.now(tz=UTC) + timedelta(hours=2))
    assert [p["recipient"] for p in api.get(f"/api/v1/incidents/{incident.pk}/pages").json()
            ] == ["DUTY"]  # acknowledged: nobody else was paged
    assert TimelineEntry.objects.filter(incident=incident, text__contains="acknowledged").exists()


def test_rosters(api: ApiClient, incident: Any) -> None:
    body = {"code": "OPS", "name": "当番", "members": ["DUTY", "BOSS"], "rotation_days": 7,
            "starts_on": (datetime.now(tz=UTC).date() - timedelta(days=8)).isoformat(),
            "handover_hour": 0}
    r = api.post("/api/v1/rosters", body)
    assert r.status_code == 201, r.content
    assert r.json()["on_call"] == "BOSS"
    assert api.post("/api/v1/rosters", body | {"code": "X", "rotation_days": 0}
                    ).status_code == 422


def test_verify_and_status(api: ApiClient, incident: Any, fake: FakeChannels) -> None:
    cp = ContactPoint.objects.get(address="d@example.jp")
    r = api.post(f"/api/v1/contact-points/{cp.pk}/verify", {"window_minutes": 30})
    assert r.status_code == 201 and r.json()["status"] == "sent"
    status = api.get("/api/v1/contact-verification/status").json()
    assert {"DUTY", "BOSS"} <= set(status["unverified_people"])


def test_business_may_read_but_not_page(make_api_client: Any, incident: Any) -> None:
    business = make_api_client(Role.BUSINESS)
    assert business.get(f"/api/v1/incidents/{incident.pk}/pages").status_code == 200
    assert business.post(f"/api/v1/incidents/{incident.pk}/page", {}).status_code == 403


def test_live_view_and_call_tree_pages(admin_actor: Actor, incident: Any,
                                       fake: FakeChannels) -> None:
    policy = services.create_policy(actor=admin_actor, **POLICY)  # type: ignore[arg-type]
    services.page_incident(actor=admin_actor, incident_id=incident.pk)
    services.sweep()
    client = Client()
    assert client.get(f"/incidents/{incident.pk}/pages/").status_code == 302  # login first
    user = core_services.create_user(actor=admin_actor, username="exec", role="executive",
                                     password=PASSWORD)
    client.force_login(user)
    html = client.get(f"/incidents/{incident.pk}/pages/").content.decode()
    assert "NOT acknowledged" in html and "d@example.jp" in html
    tree = client.get(f"/callout/call-tree/{policy.pk}/").content.decode()
    assert "b@example.jp" in tree and "未確認 / unverified" in tree



def test_an_operator_starts_call_out_from_the_incident_pages_screen(
        admin_actor: Actor, incident: Any, fake: FakeChannels) -> None:
    """C02: one button on the incident's call-out screen pages the rank's policy; the screen
    then lists who was paged and who has NOT acknowledged (A2-RESP-1)."""
    services.create_policy(actor=admin_actor, **POLICY)  # type: ignore[arg-type]
    client = Client()
    client.force_login(core_services.create_user(actor=admin_actor, username="op-start",
                                                  role="operator", password=PASSWORD))
    assert client.post(f"/incidents/{incident.pk}/pages/start").status_code == 302
    services.sweep()
    html = client.get(f"/incidents/{incident.pk}/pages/").content.decode()
    assert "NOT acknowledged" in html and "d@example.jp" in html
    assert client.post(f"/incidents/{incident.pk}/pages/start").status_code == 409


def test_an_executive_cannot_start_call_out(admin_actor: Actor, incident: Any) -> None:
    client = Client()
    client.force_login(core_services.create_user(actor=admin_actor, username="exec2",
                                                  role="executive", password=PASSWORD))
    assert client.post(f"/incidents/{incident.pk}/pages/start").status_code == 403
