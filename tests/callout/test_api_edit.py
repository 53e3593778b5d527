"""Replacing and deleting rosters and escalation policies over the API (C02, M-3.3,
A1-II-3): the same rules as the HTML forms, refused while running or referenced, nothing
half-written, every change audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from antei.callout import services
from antei.callout.models import EscalationPolicy, Roster
from antei.core.actor import Actor
from antei.core.models import AuditEntry
from antei.incidents import services as incident_services
from tests import factories
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db

ROSTER = {"code": "DUTY", "name": "当番", "members": ["A", "B"], "starts_on": "2026-01-05"}
POLICY = {"code": "R1", "name": "ランク1", "rank": 1, "steps": [
    {"kind": "roster", "roster": "DUTY", "wait_minutes": 10},
    {"kind": "distribution", "people": ["BOSS"], "wait_minutes": 30}]}


@pytest.fixture
def setup(api: ApiClient) -> None:
    for code in ("A", "B", "C", "BOSS"):
        factories.person(code=code, contact_points=[
            {"kind": "email", "address": f"{code.lower()}@example.jp"}])
    factories.system(code="CORE")
    assert api.post("/api/v1/rosters", ROSTER).status_code == 201
    assert api.post("/api/v1/escalation-policies", POLICY).status_code == 201


def _policy() -> dict[str, Any]:
    return {"code": "R1", "name": "ランク1", "rank": 1, "steps": [
        {"kind": "person", "people": ["C"], "wait_minutes": 5, "repeats": 1},
        {"kind": "roster", "roster": "DUTY", "wait_minutes": 10},
        {"kind": "distribution", "people": ["BOSS"], "wait_minutes": 30}]}


def _steps(api: ApiClient) -> list[tuple[str, int]]:
    [p] = [p for p in api.get("/api/v1/escalation-policies").json() if p["code"] == "R1"]
    return [(s["kind"], s["wait_minutes"]) for s in p["steps"]]


def _actions(prefix: str) -> list[str]:
    return list(AuditEntry.objects.filter(action__startswith=prefix)
                .order_by("pk").values_list("action", flat=True))


def test_a_policy_is_replaced_and_the_change_audited(api: ApiClient, setup: None) -> None:
    r = api.put("/api/v1/escalation-policies/R1", _policy())
    assert r.status_code == 200, r.content
    assert [s["kind"] for s in r.json()["steps"]] == ["person", "roster", "distribution"]
    assert _steps(api) == [("person", 5), ("roster", 10), ("distribution", 30)]
    entry = AuditEntry.objects.get(action="callout.policy.update")
    assert [s["kind"] for s in entry.before["steps"]] == ["roster", "distribution"]
    assert len(entry.after["steps"]) == 3


@pytest.mark.parametrize(("change", "field", "rule"), [
    ({"steps": []}, "steps", "policy_no_steps"),
    ({"steps": [{"kind": "person", "people": ["C"], "wait_minutes": 5, "next_step": 1},
                {"kind": "person", "people": ["A"], "wait_minutes": 5, "next_step": 0}]},
     "steps[1].next_step", "step_loop"),
    ({"steps": [{"kind": "roster", "roster": "NOPE", "wait_minutes": 5}]},
     "steps[0].roster", "unknown"),
    ({"steps": [{"kind": "person", "people": ["C", "GHOST"], "wait_minutes": 5}]},
     "steps[0].people", "unknown"),
    ({"code": "R9"}, "code", "code_fixed"),
])
def test_a_bad_policy_replacement_names_the_field_and_changes_nothing(
        api: ApiClient, setup: None, change: dict[str, Any], field: str, rule: str) -> None:
    r = api.put("/api/v1/escalation-policies/R1", _policy() | change)
    assert r.status_code == 422, r.content
    assert (field, rule) in [(e["field"], e["rule"]) for e in r.json()["errors"]]
    assert _steps(api) == [("roster", 10), ("distribution", 30)]  # nothing half-written
    assert _actions("callout.policy.update") == []


def test_an_unknown_policy_or_roster_is_404(api: ApiClient, setup: None) -> None:
    assert api.put("/api/v1/escalation-policies/R9", _policy() | {"code": "R9"}
                   ).status_code == 404
    assert api.put("/api/v1/rosters/NOPE", ROSTER | {"code": "NOPE"}).status_code == 404
    assert api.delete("/api/v1/rosters/NOPE").status_code == 404


def test_a_running_policy_cannot_be_replaced_or_deleted(api: ApiClient, setup: None,
                                                         admin_actor: Actor) -> None:
    incident = incident_services.open_incident(
        actor=admin_actor, title="勘定系停止", rank=1, systems=["CORE"],
        detected_at=datetime.now(tz=UTC) - timedelta(minutes=5))
    assert api.post(f"/api/v1/incidents/{incident.pk}/page", {}).status_code == 201
    r = api.put("/api/v1/escalation-policies/R1", _policy())
    assert r.status_code == 409 and r.json()["errors"][0]["rule"] == "policy_running"
    r = api.delete("/api/v1/escalation-policies/R1")
    assert r.status_code == 409 and r.json()["errors"][0]["rule"] == "policy_running"
    assert _steps(api) == [("roster", 10), ("distribution", 30)]
    # ended, the run is still the record of who was paged: the policy stays, in use
    run = incident.callouts.get()
    run.state = "acknowledged"
    run.save()
    r = api.delete("/api/v1/escalation-policies/R1")
    assert r.status_code == 409 and r.json()["errors"][0]["rule"] == "in_use"
    assert EscalationPolicy.objects.filter(code="R1").exists()


def test_a_roster_is_replaced_then_deleted_once_no_policy_pages_it(
        api: ApiClient, setup: None) -> None:
    r = api.put("/api/v1/rosters/DUTY", ROSTER | {"members": ["C", "A"], "rotation_days": 1})
    assert r.status_code == 200, r.content
    assert r.json()["members"] == ["C", "A"] and r.json()["rotation_days"] == 1
    entry = AuditEntry.objects.get(action="callout.roster.update")
    assert (entry.before["members"], entry.after["members"]) == (["A", "B"], ["C", "A"])
    r = api.delete("/api/v1/rosters/DUTY")
    assert r.status_code == 409
    assert r.json()["errors"][0]["rule"] == "in_use" and "R1" in r.json()["errors"][0]["message"]
    assert Roster.objects.filter(code="DUTY").exists()
    assert api.delete("/api/v1/escalation-policies/R1").status_code == 204
    assert api.delete("/api/v1/rosters/DUTY").status_code == 204
    assert not Roster.objects.filter(code="DUTY").exists()
    assert not EscalationPolicy.objects.filter(code="R1").exists()
    assert _actions("callout.") [-2:] == ["callout.policy.delete", "callout.roster.delete"]
    gone = AuditEntry.objects.get(action="callout.roster.delete")
    assert gone.before["members"] == ["C", "A"]


@pytest.mark.parametrize(("change", "field", "rule"), [
    ({"members": ["A", "GHOST"]}, "members", "unknown"),
    ({"rotation_days": 0}, "rotation_days", None),
    ({"handover_hour": 24}, "handover_hour", "choice"),
    ({"code": "OTHER"}, "code", "code_fixed"),
])
def test_a_bad_roster_replacement_names_the_field_and_changes_nothing(
        api: ApiClient, setup: None, change: dict[str, Any], field: str,
        rule: str | None) -> None:
    r = api.put("/api/v1/rosters/DUTY", ROSTER | {"name": "変更"} | change)
    assert r.status_code == 422, r.content
    errors = [(e["field"], e["rule"]) for e in r.json()["errors"]]
    assert field in [f for f, _ in errors] and (rule is None or (field, rule) in errors)
    [roster] = api.get("/api/v1/rosters").json()
    assert (roster["name"], roster["members"]) == ("当番", ["A", "B"])
    assert _actions("callout.roster.update") == []


def test_overlapping_shifts_are_refused_naming_the_field(api: ApiClient, setup: None) -> None:
    shift = {"person": "A", "starts_at": "2026-02-01T09:00:00+09:00",
             "ends_at": "2026-02-01T18:00:00+09:00"}
    assert api.post("/api/v1/rosters/DUTY/shifts", shift).status_code == 201
    r = api.post("/api/v1/rosters/DUTY/shifts", shift | {"starts_at": "2026-02-01T17:00:00+09:00",
                                                          "ends_at": "2026-02-01T20:00:00+09:00"})
    assert r.status_code == 422
    assert [(e["field"], e["rule"]) for e in r.json()["errors"]] == [("starts_at",
                                                                      "shift_overlap")]
    assert services.selectors.get_roster("DUTY").overrides.count() == 1
