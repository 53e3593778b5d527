"""Roster and escalation-policy forms (htmx): saved ones go through the services; refused
ones come back with each rule next to its field, in Japanese or English (C02, A1-II-3,
M-3.3)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from antei.callout import services
from antei.callout.models import EscalationPolicy, Roster
from antei.core import services as core_services
from antei.core.actor import Actor
from antei.incidents import services as incident_services
from tests.callout.bank import make_bank
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def operator(admin_actor: Actor, client: Client) -> Client:
    make_bank(admin_actor)
    client.force_login(core_services.create_user(actor=admin_actor, username="ops",
                                                 role="operator", password=PASSWORD))
    return client


def error_after(html: str, name: str) -> str:
    """The error shown with input `name` (in its cell or field block)."""
    start = html.index(f'name="{name}"')
    end = min(i for i in (html.find("<td", start), html.find('<div class="field', start),
                          len(html)) if i >= 0)
    chunk = html[start:end]
    return chunk[chunk.index('<p class="error">') + 17:chunk.index("</p>")] if (
        '<p class="error">' in chunk) else ""


ROSTER = {"code": "NIGHT", "name": "夜間当番", "members": "DUTY1, DUTY2",
          "rotation_days": "7", "starts_on": "2026-01-05", "handover_hour": "9",
          "coverage": "nights", "night_start_hour": "18"}


def test_an_operator_creates_and_edits_a_night_roster(operator: Client) -> None:
    r = operator.post("/callout/rosters/new", ROSTER, **HTMX)
    assert r.status_code == 204 and r["HX-Redirect"] == "/callout/rosters/"
    roster = Roster.objects.get(code="NIGHT")
    assert (roster.coverage, [m.person.code for m in roster.members.all()]) == (
        "nights", ["DUTY1", "DUTY2"])
    page = operator.get("/callout/rosters/NIGHT/edit").content.decode()
    assert 'value="DUTY1 DUTY2"' in page or "DUTY1 DUTY2</textarea>" in page
    r = operator.post("/callout/rosters/NIGHT/edit", ROSTER | {"members": "DUTY2 DUTY1",
                                                                "coverage": "off_hours"})
    assert r.status_code == 302
    roster.refresh_from_db()
    assert roster.coverage == "off_hours"
    assert [m.person.code for m in roster.members.all()] == ["DUTY2", "DUTY1"]
    assert "夜間・休日" in operator.get("/callout/rosters/").content.decode()


def test_a_refused_roster_shows_each_rule_next_to_its_field_in_japanese_or_english(
        operator: Client) -> None:
    bad = ROSTER | {"rotation_days": "0", "members": "DUTY1 NOBODY"}
    r = operator.post("/callout/rosters/new", bad, **HTMX)
    assert r.status_code == 422
    html = r.content.decode()
    assert "0" in error_after(html, "rotation_days") and error_after(html, "rotation_days")
    assert not Roster.objects.filter(code="NIGHT").exists()
    operator.cookies["antei_language"] = "en"
    html = operator.post("/callout/rosters/new", ROSTER | {"members": "NOBODY"},
                         **HTMX).content.decode()
    assert "NOBODY" in error_after(html, "members") and "No person" in error_after(
        html, "members")


POLICY = {"code": "R2", "name": "ランク2", "rank": "2", "step_0_kind": "roster",
          "step_0_roster": "OPS-DUTY", "step_0_wait_minutes": "10",
          "step_1_kind": "distribution", "step_1_people": "CIO PLAN",
          "step_1_wait_minutes": "30"}


def test_an_operator_creates_a_policy_and_a_loop_is_shown_on_its_step(
        operator: Client) -> None:
    r = operator.post("/callout/policies/new", POLICY, **HTMX)
    assert r.status_code == 204, r.content.decode()[:2000]
    policy = EscalationPolicy.objects.get(code="R2")
    assert [(s.kind, s.people) for s in policy.steps.all()] == [
        ("roster", []), ("distribution", ["CIO", "PLAN"])]
    r = operator.post("/callout/policies/R2/edit", POLICY | {"step_1_next_step": "1"}, **HTMX)
    assert r.status_code == 422
    assert error_after(r.content.decode(), "step_1_next_step")
    assert error_after(r.content.decode(), "step_0_kind") == ""
    r = operator.post("/callout/policies/new", {"code": "R3", "name": "空", "rank": "3"},
                      **HTMX)
    assert r.status_code == 422 and not EscalationPolicy.objects.filter(code="R3").exists()


def test_a_running_policy_cannot_be_changed(operator: Client, admin_actor: Actor) -> None:
    incident = incident_services.open_incident(
        actor=admin_actor, title="停止", rank=1, systems=["CORE"],
        detected_at=datetime.now(tz=UTC))
    services.page_incident(actor=admin_actor, incident_id=incident.pk)
    r = operator.post("/callout/policies/RANK1/edit", POLICY | {"code": "RANK1", "rank": "1"},
                      **HTMX)
    assert r.status_code == 422
    assert "呼出しが進行中" in r.content.decode()


def test_an_executive_sees_rosters_but_not_the_forms(admin_actor: Actor, client: Any) -> None:
    make_bank(admin_actor)
    client.force_login(core_services.create_user(actor=admin_actor, username="exec",
                                                 role="executive", password=PASSWORD))
    page = client.get("/callout/rosters/")
    assert page.status_code == 200 and "運用センター当番" in page.content.decode()
    assert "/callout/rosters/new" not in page.content.decode()
    assert client.get("/callout/rosters/new").status_code == 403
    assert client.post("/callout/policies/new", POLICY).status_code == 403
