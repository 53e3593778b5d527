"""Incident writers against the database: who may write, numbering, atomic refusals, history
recorded after the fact (back-dated reports, roles, results), the timestamp order (C01),
role warnings (A1-II-1) and response metrics (M-3.3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from antei.core import audit, clock
from antei.core.actor import Actor
from antei.core.errors import InvalidInput, NotFound, PermissionDenied
from antei.core.models import AuditEntry
from antei.core.roles import Role
from antei.incidents import selectors, services
from antei.incidents.domain import reports
from antei.incidents.models import Incident, Report, TimelineEntry
from antei.kernels.bizcal import JST
from tests import factories
from tests.conftest import actor_of

pytestmark = pytest.mark.django_db


def _rules(exc: pytest.ExceptionInfo[Any]) -> list[tuple[str, str]]:
    return [(e.field, e.rule) for e in exc.value.errors]


@pytest.fixture
def bank(db: None) -> None:
    factories.department(code="SYS", kind="system")
    factories.department(code="PAY", kind="business")
    factories.business_function(code="BF-FUNDS")
    factories.system(code="CORE", owner_department="SYS", business_functions=["BF-FUNDS"])
    factories.system(code="FX", owner_department="SYS")
    factories.system(code="FX-EUC", owner_department="PAY", is_euc=True, tier="standard")
    for code, dept in (("S1", "SYS"), ("S2", "SYS"), ("S3", "SYS"), ("S4", "SYS"),
                       ("P1", "PAY")):
        factories.person(code=code, department=dept)


def hours_ago(hours: float) -> datetime:
    return clock.now() - timedelta(hours=hours)


def open_incident(actor: Actor, **kw: Any) -> Incident:
    values: dict[str, Any] = {"title": "勘定系 夜間バッチ遅延", "rank": 2, "systems": ["CORE"],
                              "detected_at": hours_ago(5)} | kw
    return services.open_incident(actor=actor, **values)


# --- who may write ---------------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.RISK, Role.AUDITOR, Role.EXECUTIVE, Role.VENDOR])
def test_read_only_roles_cannot_open_or_record(bank: None, admin_actor: Actor,
                                               role: Role) -> None:
    with pytest.raises(PermissionDenied):
        open_incident(actor_of(role))
    incident = open_incident(admin_actor)
    with pytest.raises(PermissionDenied):
        services.issue_report(actor=actor_of(role), incident_id=incident.pk, kind="first")
    assert Incident.objects.count() == 1 and not Report.objects.exists()


def test_a_business_department_reports_a_failure_of_its_euc(bank: None) -> None:
    """A1-I-14: EUC failures are incidents too, raised by the department that owns them."""
    business = actor_of(Role.BUSINESS)
    incident = open_incident(business, title="為替集計表マクロ異常で振込遅延", rank=2,
                             systems=["FX-EUC"], business_functions=["BF-FUNDS"])
    assert incident.opened_by == business.username and incident.opened_via == "api"
    assert [s.code for s in incident.systems.all()] == ["FX-EUC"]


# --- opening ---------------------------------------------------------------------------------

def test_numbers_follow_the_jst_year_of_detection(bank: None, admin_actor: Actor) -> None:
    new_years_eve = datetime(2025, 12, 31, 23, 30, tzinfo=JST)  # 14:30 UTC, still 2025
    first = open_incident(admin_actor, detected_at=new_years_eve.astimezone(UTC))
    second = open_incident(admin_actor, detected_at=new_years_eve + timedelta(minutes=40))
    third = open_incident(admin_actor, detected_at=new_years_eve + timedelta(minutes=50))
    assert [first.number, second.number, third.number] == [
        "INC-2025-0001", "INC-2026-0001", "INC-2026-0002"]


def test_a_refused_open_writes_nothing(bank: None, admin_actor: Actor) -> None:
    entries = AuditEntry.objects.count()
    with pytest.raises(InvalidInput) as exc:
        open_incident(admin_actor, systems=["CORE", "NOPE", "GONE"])
    assert _rules(exc) == [("systems", "unknown")]
    assert "NOPE, GONE" in exc.value.errors[0].message
    with pytest.raises(InvalidInput) as exc:
        open_incident(admin_actor, business_functions=["BF-NOPE"])
    assert _rules(exc) == [("business_functions", "unknown")]
    assert not Incident.objects.exists() and not TimelineEntry.objects.exists()
    assert AuditEntry.objects.count() == entries


def test_opening_records_the_first_fact_at_detection(bank: None, admin_actor: Actor) -> None:
    detected = hours_ago(2)
    incident = open_incident(admin_actor, detected_at=detected, summary="夜間バッチが7:00に未了")
    entry = incident.timeline.get()
    assert (entry.at, entry.kind, entry.text) == (detected, "fact", "夜間バッチが7:00に未了")
    opened = AuditEntry.objects.get(action="incident.open")
    assert opened.after["systems"] == ["CORE"] and opened.after["rank"] == 2


# --- facts -----------------------------------------------------------------------------------

def test_update_facts_names_what_changed_and_refuses_unknown_fields(bank: None,
                                                                    admin_actor: Actor) -> None:
    incident = open_incident(admin_actor)
    learned = hours_ago(1)
    services.update_facts(actor=admin_actor, incident_id=incident.pk,
                          changes={"impact_scope": "全店", "amount_yen": 12_000_000}, at=learned)
    entry = incident.timeline.order_by("at", "id").last()
    assert entry is not None
    assert (entry.at, entry.text) == (learned, "updated: amount_yen, impact_scope")
    with pytest.raises(InvalidInput) as exc:
        services.update_facts(actor=admin_actor, incident_id=incident.pk,
                              changes={"status": "closed"})  # type: ignore[typeddict-unknown-key]
    assert _rules(exc) == [("status", "choice")]
    with pytest.raises(InvalidInput) as exc:
        services.update_facts(actor=admin_actor, incident_id=incident.pk,
                              changes={"occurred_at": clock.now()})
    assert _rules(exc) == [("detected_at", "date_order")]
    with pytest.raises(InvalidInput) as exc:
        services.update_facts(actor=admin_actor, incident_id=incident.pk,
                              changes={"summary": "x"}, at=clock.now() + timedelta(days=1))
    assert _rules(exc) == [("at", "in_future")]
    incident.refresh_from_db()
    assert incident.status == "open" and incident.occurred_at is None
    assert incident.summary == ""


# --- reports recorded after the fact ---------------------------------------------------------

def test_a_back_dated_first_report_sets_first_report_at(bank: None, admin_actor: Actor) -> None:
    detected = hours_ago(6)
    incident = open_incident(admin_actor, rank=1, detected_at=detected)
    sent = detected + timedelta(minutes=18)
    report = services.issue_report(actor=admin_actor, incident_id=incident.pk, kind="first",
                                   issued_at=sent)
    incident.refresh_from_db()
    assert report.issued_at == sent and incident.first_report_at == sent
    assert incident.timeline.get(kind="report").at == sent
    # The draft's next-report line follows the rank-1 cadence from the time it was sent.
    lines = {line["key"]: line for line in report.lines}
    assert lines["next_report_at"]["value_ja"] == reports.format_time_ja(
        sent + timedelta(minutes=60))
    metrics = selectors.response_metrics([incident])[0]
    assert metrics["to_first_report"] == 18.0
    assert metrics["number"] == incident.number


@pytest.mark.parametrize(("offset", "rule"), [
    (timedelta(hours=-7), "date_order"),  # before detection (6 h ago)
    (timedelta(hours=7), "in_future"),  # an hour from now
])
def test_report_times_outside_the_incident_are_refused(bank: None, admin_actor: Actor,
                                                       offset: timedelta, rule: str) -> None:
    incident = open_incident(admin_actor, detected_at=hours_ago(6))
    with pytest.raises(InvalidInput) as exc:
        services.issue_report(actor=admin_actor, incident_id=incident.pk, kind="first",
                              issued_at=incident.detected_at + offset + timedelta(hours=6)
                              if rule == "in_future" else incident.detected_at + offset)
    assert _rules(exc) == [("issued_at", rule)]
    incident.refresh_from_db()
    assert incident.first_report_at is None and not Report.objects.exists()


def test_a_report_keeps_the_facts_as_sent(bank: None, admin_actor: Actor) -> None:
    incident = open_incident(admin_actor)
    first = services.issue_report(actor=admin_actor, incident_id=incident.pk, kind="first")
    services.update_facts(actor=admin_actor, incident_id=incident.pk,
                          changes={"customer_impact": "振込 約300件が遅延"})
    first.refresh_from_db()
    assert first.facts["customer_impact"] is None
    assert "customer_impact" in [line["key"] for line in first.lines if line["is_unknown"]]
    second = services.issue_report(actor=admin_actor, incident_id=incident.pk,
                                   kind="follow_up")
    # What became known is marked; so is the next report time, which this report moved.
    assert (second.seq, second.changed) == (1, ["customer_impact", "next_report_at"])
    assert second.facts["customer_impact"] == "振込 約300件が遅延"
    assert incident.timeline.filter(kind="report").count() == 2
    assert incident.timeline.filter(kind="report").last().text.startswith(  # type: ignore[union-attr]
        "【第2報】")


def test_regulator_reports_follow_their_own_line(bank: None, admin_actor: Actor) -> None:
    incident = open_incident(admin_actor, rank=1, regulator_profile="fsa_style")
    services.issue_report(actor=admin_actor, incident_id=incident.pk, kind="first")
    initial = services.issue_report(actor=admin_actor, incident_id=incident.pk,
                                    kind="regulator_initial")
    assert initial.changed == []  # the first in its line compares with nothing
    stages = {d.stage.value: d for d in selectors.regulator_deadlines(
        Incident.objects.get(pk=incident.pk))}
    # The initial report starts the intermediate clock.
    assert stages["intermediate"].due_at is not None
    assert stages["intermediate"].waiting_for is None


# --- transitions and the timestamp order (C01) -----------------------------------------------

def test_back_dated_moves_keep_the_timestamps_in_order(bank: None, admin_actor: Actor) -> None:
    detected = hours_ago(10)
    incident = open_incident(admin_actor, detected_at=detected)
    services.transition(actor=admin_actor, incident_id=incident.pk, to="mitigated",
                        at=detected + timedelta(hours=2))
    with pytest.raises(InvalidInput) as exc:
        services.transition(actor=admin_actor, incident_id=incident.pk, to="recovered",
                            at=detected + timedelta(hours=1))
    assert _rules(exc) == [("recovered_at", "date_order")]
    with pytest.raises(InvalidInput) as exc:
        services.transition(actor=admin_actor, incident_id=incident.pk, to="recovered",
                            at=clock.now() + timedelta(hours=1))
    assert _rules(exc) == [("recovered_at", "in_future")]
    incident.refresh_from_db()
    assert incident.status == "mitigated" and incident.recovered_at is None
    recovered = services.transition(actor=admin_actor, incident_id=incident.pk, to="recovered",
                                    at=detected + timedelta(hours=3))
    assert recovered.recovered_at == detected + timedelta(hours=3)
    # A relapse: the service is down again, so it is no longer recovered.
    relapsed = services.transition(actor=admin_actor, incident_id=incident.pk, to="open",
                                   reason="再度ATMが停止")
    assert relapsed.status == "open" and relapsed.recovered_at is None
    assert relapsed.mitigated_at == detected + timedelta(hours=2)
    assert AuditEntry.objects.filter(action="incident.transition").last().reason == (  # type: ignore[union-attr]
        "再度ATMが停止")


def test_unknown_incident_is_not_found(bank: None, admin_actor: Actor) -> None:
    with pytest.raises(NotFound):
        services.transition(actor=admin_actor, incident_id=424242, to="recovered")
    with pytest.raises(NotFound):
        services.issue_report(actor=admin_actor, incident_id=424242, kind="first")


# --- roles (A1-II-1) --------------------------------------------------------------------------

def test_four_roles_on_the_system_department_is_an_overload(bank: None,
                                                            admin_actor: Actor) -> None:
    incident = open_incident(admin_actor)
    assigned_at = hours_ago(4)
    for role, person in (("incident_commander", "S1"), ("recovery_lead", "S2"),
                         ("vendor_contact", "S3"), ("management_liaison", "S4"),
                         ("business_lead", "P1")):
        row = services.assign_role(actor=admin_actor, incident_id=incident.pk, role=role,
                                   person=person, at=assigned_at)
        assert row.assigned_at == assigned_at and row.department is not None
    warnings = selectors.role_warnings(Incident.objects.get(pk=incident.pk))
    overload = [w for w in warnings if w.rule == "system_department_overload"]
    assert len(overload) == 1 and overload[0].department == "SYS"
    assert set(overload[0].roles) == {"incident_commander", "recovery_lead", "vendor_contact",
                                      "management_liaison"}
    assert not [w for w in warnings if w.rule == "role_concentration"]
    assert {w.roles[0] for w in warnings if w.rule == "role_unassigned"} == {"customer_pr_lead"}
    decisions = incident.timeline.filter(kind="decision")
    assert decisions.count() == 5 and {e.at for e in decisions} == {assigned_at}


def test_emergency_hq_refuses_unknown_members(bank: None, admin_actor: Actor) -> None:
    incident = open_incident(admin_actor)
    with pytest.raises(InvalidInput) as exc:
        services.set_emergency_hq(actor=admin_actor, incident_id=incident.pk,
                                  location="本店5F", members=["S1", "GHOST"])
    assert _rules(exc) == [("members", "unknown")]
    hq = services.set_emergency_hq(actor=admin_actor, incident_id=incident.pk,
                                   location="本店5F 大会議室", members=["S1", "P1"])
    assert sorted(p.code for p in hq.members.all()) == ["P1", "S1"]


# --- 水平展開 (A1-I-13, A1-I-24) ----------------------------------------------------------------

def test_horizontal_results_are_dated_and_pending_clears_the_date(bank: None,
                                                                  admin_actor: Actor) -> None:
    incident = open_incident(admin_actor)
    check = services.add_horizontal_check(actor=admin_actor, incident_id=incident.pk,
                                          system="FX", scope="採番上限の確認", checker="S2")
    checked = hours_ago(1)
    row = services.record_horizontal_result(actor=admin_actor, check_id=check.pk,
                                            result="affected_fixed", notes="上限を拡張",
                                            at=checked)
    assert (row.result, row.checked_at, row.notes) == ("affected_fixed", checked, "上限を拡張")
    row = services.record_horizontal_result(actor=admin_actor, check_id=check.pk,
                                            result="pending")
    assert row.checked_at is None
    with pytest.raises(InvalidInput) as exc:
        services.add_horizontal_check(actor=admin_actor, incident_id=incident.pk, system="FX",
                                      scope="  ")
    assert _rules(exc) == [("scope", "required")]
    with pytest.raises(InvalidInput) as exc:
        services.add_horizontal_check(actor=admin_actor, incident_id=incident.pk, system="FX",
                                      scope="x", checker="NOBODY")
    assert _rules(exc) == [("checker", "unknown")]
    assert incident.horizontal_checks.count() == 1
    assert audit.verify().ok


def test_recurrence_actions_need_an_owner_who_exists(bank: None, admin_actor: Actor) -> None:
    incident = open_incident(admin_actor)
    with pytest.raises(InvalidInput) as exc:
        services.add_recurrence_action(actor=admin_actor, incident_id=incident.pk,
                                       title="  ", owner="S1", due_on=clock.now().date())
    assert _rules(exc) == [("description", "required")]
    with pytest.raises(InvalidInput) as exc:
        services.add_recurrence_action(actor=admin_actor, incident_id=incident.pk,
                                       title="監視追加", owner="NOBODY",
                                       due_on=clock.now().date())
    assert _rules(exc) == [("owner", "unknown")]
    assert not incident.actions.exists()
