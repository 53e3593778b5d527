"""Incident-count targets against the database: caps per period and scope (M-2.6), breach
flags and the cluster alarm a total within target can hide (A1-I-18, C04). Cancelled
incidents and other institutions' cases never count."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from antei.core import clock
from antei.core.actor import Actor
from antei.core.errors import InvalidInput, PermissionDenied
from antei.core.models import AuditEntry
from antei.core.roles import Role
from antei.incidents import selectors, services
from antei.incidents.domain import targets
from antei.incidents.models import Incident, Target
from tests import factories
from tests.conftest import ApiClient, actor_of

pytestmark = pytest.mark.django_db

MakeClient = Callable[..., ApiClient]
STATUS = "/api/v1/targets/status"


@pytest.fixture
def systems(db: None) -> None:
    factories.department(code="SYS")
    for code in ("CORE", "FX", "ATMC"):
        factories.system(code=code, owner_department="SYS")


def this_month(n: int) -> list[datetime]:
    """`n` detection times, oldest first, all in the current month (JST) and in the past."""
    now = clock.now()
    start, _ = targets.period_bounds(targets.Period.MONTH, now)
    step = min((now - start) / (n + 1), timedelta(hours=6))
    return [now - step * (n - i) for i in range(n)]


def incident(admin: Actor, when: datetime, *, rank: int = 2, systems: tuple[str, ...] = ("CORE",),
             title: str = "障害", **kw: Any) -> Incident:
    return services.open_incident(actor=admin, title=title, rank=rank, systems=list(systems),
                                  detected_at=when, **kw)


def set_target(client: ApiClient, **body: Any) -> Any:
    return client.put("/api/v1/targets", {"period": "month"} | body)


def statuses(client: ApiClient) -> dict[tuple[str, str | None], dict[str, Any]]:
    response = client.get(STATUS)
    assert response.status_code == 200, response.content
    return {(t["scope"], t["scope_value"] or None): t for t in response.json()["targets"]}


def test_risk_sets_targets_and_operators_may_not(make_api_client: MakeClient,
                                                 systems: None) -> None:
    risk, operator = make_api_client(Role.RISK), make_api_client(Role.OPERATOR)
    response = set_target(risk, cap=5, measures="変更管理の強化")
    assert response.status_code == 200, response.content
    assert response.json() == {"period": "month", "cap": 5, "scope": "overall",
                               "scope_value": "", "measures": "変更管理の強化"}
    assert set_target(operator, cap=50).status_code == 403
    # Setting the same scope again replaces the cap: one target per period and scope.
    assert set_target(risk, cap=4).status_code == 200
    assert list(Target.objects.values_list("cap", flat=True)) == [4]
    entries = AuditEntry.objects.filter(action="target.set")
    assert entries.count() == 2
    assert entries.last().before["cap"] == 5  # type: ignore[union-attr]


@pytest.mark.parametrize(("body", "field", "rule"), [
    ({"cap": -1}, "cap", None),
    ({"cap": "3"}, "cap", "integer"),
    ({"cap": 3, "period": "week"}, "period", "choice"),
    ({"cap": 3, "scope": "system"}, "scope_value", "required"),
    ({"cap": 3, "scope_value": "CORE"}, "scope_value", "not_allowed"),
    ({"cap": 3, "scope": "department", "scope_value": "SYS"}, "scope", "choice"),
])
def test_bad_targets_are_refused_by_field(api: ApiClient, body: dict[str, Any], field: str,
                                          rule: str | None) -> None:
    response = set_target(api, **body)
    assert response.status_code == 422, response.content
    found = {(e["field"], e["rule"]) for e in response.json()["errors"]}
    assert field in {f for f, _ in found}
    if rule is not None:
        assert (field, rule) in found
    assert not Target.objects.exists()


def test_status_counts_this_month_per_scope_and_flags_breaches(
        api: ApiClient, admin_actor: Actor, systems: None) -> None:
    t1, t2, t3, t4, t5 = this_month(5)
    incident(admin_actor, t1, rank=1, systems=("CORE",))
    incident(admin_actor, t2, rank=2, systems=("CORE", "FX"))
    incident(admin_actor, t3, rank=3, systems=("ATMC",))
    # Neither a false alarm nor another bank's failure counts.
    false_alarm = incident(admin_actor, t4, rank=1, systems=("CORE",))
    services.transition(actor=admin_actor, incident_id=false_alarm.pk, to="cancelled",
                        reason="監視の誤検知")
    incident(admin_actor, t5, rank=1, systems=("CORE",), is_external=True,
             external_institution="他行A")
    # Last month's incident is outside this month's count.
    incident(admin_actor, t1 - timedelta(days=40), rank=1, systems=("CORE",))

    for body in ({"cap": 2}, {"cap": 0, "scope": "rank", "scope_value": "1"},
                 {"cap": 1, "scope": "system", "scope_value": "CORE"},
                 {"cap": 5, "scope": "system", "scope_value": "FX"},
                 {"cap": 3, "scope": "rank", "scope_value": "2"}):
        assert set_target(api, **body).status_code == 200
    found = statuses(api)
    expected = {("overall", None): (2, 3, True), ("rank", "1"): (0, 1, True),
                ("system", "CORE"): (1, 2, True), ("system", "FX"): (5, 1, False),
                ("rank", "2"): (3, 1, False)}
    assert {k: (v["cap"], v["actual"], v["is_breached"]) for k, v in found.items()} == expected
    assert found[("overall", None)]["remaining"] == 0
    assert found[("system", "FX")]["remaining"] == 4
    start = datetime.fromisoformat(found[("overall", None)]["period_start"])
    assert start == targets.period_bounds(targets.Period.MONTH, clock.now())[0]
    # A breached target is also forecast to breach.
    assert all(v["is_forecast_to_breach"] for v in found.values() if v["is_breached"])


def test_three_incidents_on_one_system_raise_a_cluster_alarm_within_target(
        api: ApiClient, admin_actor: Actor, systems: None) -> None:
    times = this_month(8)
    for when in times[:3]:
        incident(admin_actor, when, systems=("CORE",))
    # FX: two of ours, plus a cancelled one and another bank's: still only two that count.
    for when in times[3:5]:
        incident(admin_actor, when, systems=("FX",))
    cancelled = incident(admin_actor, times[5], systems=("FX",))
    services.transition(actor=admin_actor, incident_id=cancelled.pk, to="cancelled",
                        reason="重複起票")
    incident(admin_actor, times[6], systems=("FX",), is_external=True,
             external_institution="他行B")
    # Older than the 30-day window: not part of the cluster.
    incident(admin_actor, clock.now() - timedelta(days=45), systems=("ATMC",))
    incident(admin_actor, clock.now() - timedelta(days=40), systems=("ATMC",))
    incident(admin_actor, times[7], systems=("ATMC",))
    assert set_target(api, cap=20).status_code == 200

    response = api.get(STATUS)
    assert response.status_code == 200, response.content
    body = response.json()
    assert [(t["actual"], t["is_breached"]) for t in body["targets"]] == [(6, False)]
    assert [(a["system"], a["count"]) for a in body["cluster_alarms"]] == [("CORE", 3)]
    alarm = body["cluster_alarms"][0]
    window = (datetime.fromisoformat(alarm["window_end"])
              - datetime.fromisoformat(alarm["window_start"]))
    assert window == timedelta(days=30)


def test_targets_service_checks_permission_and_choices(systems: None) -> None:
    with pytest.raises(PermissionDenied):
        services.set_target(actor=actor_of(Role.OPERATOR), period="month", cap=3)
    with pytest.raises(InvalidInput) as exc:
        services.set_target(actor=actor_of(Role.RISK), period="month", cap=3, scope="rank")
    assert [(e.field, e.rule) for e in exc.value.errors] == [("scope_value", "required")]
    services.set_target(actor=actor_of(Role.RISK), period="half", cap=1, scope="rank",
                        scope_value="1")
    assert [s.target.period for s in selectors.target_statuses(period="half")] == ["half"]
    assert selectors.target_statuses(period="month") == []
