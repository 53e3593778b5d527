"""The incident desk through the real HTTP stack: opening with the 第1報 clock (M-3.3,
A1-II-5), reports that spell out unknowns (A1-II-7), the close gate (A1-I-12), the
timeline and management milestones (C01), roles (A1-II-1), regulator clocks on the bank
calendar, vendor scope (C14), external cases (A1-I-13) and the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from antei.core import audit, clock
from antei.core.models import AuditEntry
from antei.core.roles import Role
from antei.incidents.domain import reports
from antei.incidents.domain.roles import ROLES
from antei.incidents.models import Incident, TimelineEntry
from antei.inventory import services as inventory_services
from antei.kernels import bizcal
from antei.kernels.bizcal import JST
from tests import factories
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db

MakeClient = Callable[..., ApiClient]
URL = "/api/v1/incidents"
# A past Sunday night: management clocks run on the wall clock, not on business days.
SUNDAY_NIGHT = datetime(2026, 11, 22, 2, 10, tzinfo=JST)


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["code"] and body["detail"]
    return body


def rules(body: dict[str, Any]) -> set[tuple[str, str]]:
    return {(e["field"], e["rule"]) for e in body["errors"]}


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def at(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@pytest.fixture
def bank(db: None) -> None:
    """CORE and FX run by the system department SYS; people in SYS and in payments PAY."""
    factories.department(code="SYS", kind="system")
    factories.department(code="PAY", kind="business")
    factories.business_function(code="BF-FUNDS")
    factories.system(code="CORE", name="勘定系", tier="critical", owner_department="SYS",
                     business_functions=["BF-FUNDS"])
    factories.system(code="FX", name="為替", tier="critical", owner_department="SYS")
    for code, dept in (("S1", "SYS"), ("S2", "SYS"), ("P1", "PAY"), ("P2", "PAY"),
                       ("P3", "PAY"), ("P4", "PAY"), ("P5", "PAY"), ("P6", "PAY")):
        factories.person(code=code, department=dept)


def now() -> datetime:
    """The wall clock in whole seconds: the API writes times with milliseconds."""
    return clock.now().replace(microsecond=0)


def body_for(**overrides: Any) -> dict[str, Any]:
    detected = now() - timedelta(hours=2)
    return {"title": "勘定系 オンライン遅延", "rank": 1, "systems": ["CORE"],
            "detected_at": detected.isoformat(),
            "occurred_at": (detected - timedelta(minutes=5)).isoformat()} | overrides


def open_incident(api: ApiClient, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = ok(api.post(URL, body_for(**overrides)), 201)
    return body


def detail(api: ApiClient, incident_id: int) -> dict[str, Any]:
    body: dict[str, Any] = ok(api.get(f"{URL}/{incident_id}"))
    return body


# --- opening (M-3.3, A1-II-5, C01) -----------------------------------------------------------

def test_rank_1_on_a_sunday_night_is_due_in_30_minutes_on_the_clock(api: ApiClient,
                                                                     bank: None) -> None:
    created = open_incident(api, detected_at=SUNDAY_NIGHT.isoformat(),
                            occurred_at=(SUNDAY_NIGHT - timedelta(minutes=3)).isoformat())
    assert created["id"] > 0
    assert created["number"] == "INC-2026-0001"
    assert created["status"] == "open"
    assert created["systems"] == ["CORE"]
    # 02:40 that Sunday: not the next business day (M-3.3).
    assert at(created["first_report_due_at"]) == SUNDAY_NIGHT + timedelta(minutes=30)
    assert at(created["deadlines"]["management_aware_due"]) == SUNDAY_NIGHT + timedelta(
        minutes=30)
    # Long past and nothing sent: both show as overdue.
    assert set(created["deadlines"]["overdue"]) == {"first_report", "management_aware"}
    second = open_incident(api, rank=3)
    assert second["number"] == "INC-2026-0002"
    assert at(second["first_report_due_at"]) - at(second["detected_at"]) == timedelta(hours=4)


@pytest.mark.parametrize(("overrides", "field", "rule"), [
    ({"systems": ["NOPE"]}, "systems", "unknown"),
    ({"business_functions": ["BF-NOPE"]}, "business_functions", "unknown"),
    ({"rank": 0}, "rank", "choice"),
    ({"rank": 9}, "rank", "choice"),
    ({"rank": "1"}, "rank", "integer"),  # strict: a string is not a rank
    ({"occurred_at": (clock.now() + timedelta(days=1)).isoformat(),
      "detected_at": clock.now().isoformat()}, "detected_at", "date_order"),
    ({"detected_at": (clock.now() + timedelta(days=1)).isoformat(), "occurred_at": None},
     "detected_at", "in_future"),
    ({"title": ""}, "title", None),
    ({"title": "   "}, "title", "required"),
    ({"systems": []}, "systems", "required"),
    ({"regulator_profile": "boj_style"}, "regulator_profile", "choice"),
    ({"detected_at": "yesterday"}, "detected_at", None),
])
def test_bad_input_is_refused_by_field_and_nothing_is_written(
        api: ApiClient, bank: None, overrides: dict[str, Any], field: str,
        rule: str | None) -> None:
    incidents, entries = Incident.objects.count(), AuditEntry.objects.count()
    body = problem(api.post(URL, body_for(**overrides)), 422)
    assert body["code"] == "invalid_input"
    assert field in {e["field"] for e in body["errors"]}, body
    if rule is not None:
        assert (field, rule) in rules(body), body
    assert Incident.objects.count() == incidents
    assert AuditEntry.objects.count() == entries
    assert not TimelineEntry.objects.exists()


def test_detected_before_occurred_names_the_other_time(api: ApiClient, bank: None) -> None:
    body = problem(api.post(URL, body_for(detected_at="2026-11-20T09:00:00+09:00",
                                          occurred_at="2026-11-20T10:00:00+09:00")), 422)
    assert rules(body) == {("detected_at", "date_order")}
    assert "2026-11-20T10:00:00+09:00" in body["errors"][0]["message"]


# --- reports (M-3.3, A1-II-5, A1-II-7) -------------------------------------------------------

def test_first_report_spells_out_every_unknown(api: ApiClient, bank: None) -> None:
    incident = open_incident(api)
    report = ok(api.post(f"{URL}/{incident['id']}/reports", {"kind": "first"}), 201)
    assert report["kind"] == "first" and report["seq"] == 1
    assert {"impact_scope", "customer_impact", "settlement_impact", "cause",
            "recovery_eta", "affected_count"} <= set(report["unknown"])
    assert "title" not in report["unknown"] and "detected_at" not in report["unknown"]
    lines = {line["key"]: line for line in report["lines"]}
    assert lines["impact_scope"]["value_ja"] == reports.UNKNOWN_JA == "調査中（判明次第報告）"
    assert lines["impact_scope"]["value_en"] == reports.UNKNOWN_EN
    assert lines["rank"]["value_ja"] == "ランク1"
    # The rank's management distribution goes with it.
    assert "頭取" in report["distribution"]
    shown = detail(api, incident["id"])
    assert at(shown["first_report_at"]) == at(report["issued_at"])
    assert "first_report" not in shown["deadlines"]["overdue"]
    assert shown["deadlines"]["next_follow_up_due"] is not None

    again = problem(api.post(f"{URL}/{incident['id']}/reports", {"kind": "first"}), 409)
    assert rules(again) == {("kind", "first_report_exists")}
    assert len(ok(api.get(f"{URL}/{incident['id']}/reports"))) == 1


def test_follow_up_marks_what_became_known(api: ApiClient, bank: None) -> None:
    incident = open_incident(api)
    ok(api.post(f"{URL}/{incident['id']}/reports", {"kind": "first"}), 201)
    patched = ok(api.patch(f"{URL}/{incident['id']}", {
        "impact_scope": "全店ATM 320台が取引不可", "affected_count": 1200,
        "note": "影響範囲判明"}))
    assert patched["impact_scope"] == "全店ATM 320台が取引不可"
    follow = ok(api.post(f"{URL}/{incident['id']}/reports", {"kind": "follow_up"}), 201)
    assert {"impact_scope", "affected_count"} <= set(follow["changed"])
    assert "title" not in follow["changed"]
    assert "impact_scope" not in follow["unknown"]
    lines = {line["key"]: line for line in follow["lines"]}
    assert lines["impact_scope"]["value_ja"] == "全店ATM 320台が取引不可"
    assert lines["impact_scope"]["changed"] is True
    assert lines["affected_count"]["value_ja"] == "1,200件"
    # The first report stays as it was sent.
    first = ok(api.get(f"{URL}/{incident['id']}/reports"))[0]
    assert "impact_scope" in first["unknown"]


def test_report_order_is_enforced(api: ApiClient, bank: None) -> None:
    incident = open_incident(api, regulator_profile="fsa_style")
    path = f"{URL}/{incident['id']}/reports"
    assert rules(problem(api.post(path, {"kind": "follow_up"}), 409)) == {
        ("kind", "first_report_required")}
    ok(api.post(path, {"kind": "first"}), 201)
    assert ("kind", "final_before_recovery") in rules(problem(api.post(path, {"kind": "final"}),
                                                              409))
    assert rules(problem(api.post(path, {"kind": "regulator_intermediate"}), 409)) == {
        ("kind", "regulator_initial_required")}
    ok(api.post(path, {"kind": "regulator_initial"}), 201)
    ok(api.post(path, {"kind": "regulator_intermediate"}), 201)
    assert rules(problem(api.post(path, {"kind": "memo"}), 422)) == {("kind", "choice")}


# --- transitions and the close gate (A1-I-12, C05) -----------------------------------------

def test_close_gate_lists_what_is_missing_then_lets_a_complete_incident_close(
        api: ApiClient, bank: None) -> None:
    incident = open_incident(api)
    move = f"{URL}/{incident['id']}/transitions"
    skipped = problem(api.post(move, {"to": "closed"}), 409)
    assert rules(skipped) == {("to", "invalid_transition")}
    assert "cancelled, mitigated, recovered" in skipped["errors"][0]["message"]

    recovered = ok(api.post(move, {"to": "recovered"}))
    assert recovered["status"] == "recovered" and recovered["recovered_at"]
    gate = problem(api.post(move, {"to": "closed"}), 409)
    assert {r for _, r in rules(gate)} == {
        "root_cause_required", "recurrence_actions_required", "horizontal_check_required",
        "final_report_required"}

    bogus = problem(api.put(f"{URL}/{incident['id']}/analysis", {"cause_category": "bogus"}),
                    422)
    assert rules(bogus) == {("cause_category", "choice")}
    # A direct cause alone is not a root cause (A1-I-12).
    ok(api.put(f"{URL}/{incident['id']}/analysis", {"direct_cause": "ディスク満杯"}))
    assert ("root_cause", "root_cause_required") in rules(
        problem(api.post(move, {"to": "closed"}), 409))

    analysis = {"injection_phase": "operations", "cause_category": "capacity",
                "direct_cause": "ログ領域が満杯になりDBが停止",
                "root_cause": "CPUのみ監視しディスク使用率を監視対象にしていなかった"}
    ok(api.put(f"{URL}/{incident['id']}/analysis", analysis))
    ok(api.post(f"{URL}/{incident['id']}/actions", {
        "title": "ディスク使用率監視を追加", "owner": "S1", "due_on": "2027-01-31"}), 201)
    ok(api.post(f"{URL}/{incident['id']}/horizontal-checks", {
        "system": "FX", "scope": "ログ領域の監視有無", "checker": "S2"}), 201)
    ok(api.post(f"{URL}/{incident['id']}/reports", {"kind": "first"}), 201)
    ok(api.post(f"{URL}/{incident['id']}/reports", {"kind": "final"}), 201)
    closed = ok(api.post(move, {"to": "closed"}))
    assert closed["status"] == "closed" and closed["closed_at"]
    shown = detail(api, incident["id"])
    assert shown["analysis"] == analysis | {"no_action_reason": "",
                                            "horizontal_not_applicable": ""}
    assert [a["title"] for a in shown["actions"]] == ["ディスク使用率監視を追加"]
    assert [(h["system"], h["result"]) for h in shown["horizontal_checks"]] == [
        ("FX", "pending")]

    reopen = problem(api.post(move, {"to": "recovered"}), 409)
    assert rules(reopen) == {("reason", "reason_required")}
    reopened = ok(api.post(move, {"to": "recovered", "reason": "再発の可能性ありと判明"}))
    assert reopened["status"] == "recovered" and reopened["closed_at"] is None


def test_explicit_no_action_and_not_applicable_reasons_satisfy_the_gate(
        api: ApiClient, bank: None) -> None:
    incident = open_incident(api, rank=4)
    ok(api.put(f"{URL}/{incident['id']}/analysis", {
        "injection_phase": "operations", "cause_category": "hardware",
        "direct_cause": "待機系電源ユニット故障", "root_cause": "部品の経年劣化（保守期限内）",
        "no_action_reason": "保守契約どおり交換済み", "horizontal_not_applicable": "同型機なし"}))
    ok(api.post(f"{URL}/{incident['id']}/transitions", {"to": "recovered"}))
    ok(api.post(f"{URL}/{incident['id']}/reports", {"kind": "first"}), 201)
    ok(api.post(f"{URL}/{incident['id']}/reports", {"kind": "final"}), 201)
    assert ok(api.post(f"{URL}/{incident['id']}/transitions", {"to": "closed"}))["closed_at"]


def test_cancelling_needs_a_reason(api: ApiClient, bank: None) -> None:
    incident = open_incident(api)
    move = f"{URL}/{incident['id']}/transitions"
    assert rules(problem(api.post(move, {"to": "cancelled"}), 409)) == {
        ("reason", "reason_required")}
    assert "first_report" in detail(api, incident["id"])["deadlines"]["overdue"]
    cancelled = ok(api.post(move, {"to": "cancelled", "reason": "監視の誤検知"}))
    assert cancelled["status"] == "cancelled"
    # A false alarm owes nobody a report.
    assert cancelled["deadlines"]["overdue"] == []
    assert rules(problem(api.post(move, {"to": "sideways"}), 422)) == {("to", "choice")}


# --- timeline and milestones (C01) ------------------------------------------------------------

def test_timeline_collects_every_step_in_time_order(api: ApiClient, bank: None) -> None:
    detected = now() - timedelta(hours=3)
    incident = open_incident(api, detected_at=detected.isoformat(),
                             occurred_at=(detected - timedelta(minutes=10)).isoformat(),
                             summary="ATM全台で取引不可")
    path = f"{URL}/{incident['id']}"
    aware = detected + timedelta(minutes=20)
    shown = ok(api.post(f"{path}/milestones", {"milestone": "management_aware",
                                               "at": aware.isoformat(), "note": "頭取に報告"}))
    assert at(shown["management_aware_at"]) == aware
    early = problem(api.post(f"{path}/milestones", {
        "milestone": "first_instruction", "at": (aware - timedelta(minutes=5)).isoformat()}),
        422)
    assert rules(early) == {("first_instruction_at", "date_order")}
    ok(api.post(f"{path}/milestones", {"milestone": "first_instruction",
                                       "at": (aware + timedelta(minutes=5)).isoformat(),
                                       "note": "顧客告知を指示"}))
    ok(api.post(f"{path}/timeline", {"kind": "action", "text": "待機系へ手動切替",
                                     "at": (detected + timedelta(minutes=40)).isoformat()}),
       201)
    ok(api.post(f"{path}/transitions", {"to": "mitigated",
                                        "at": (detected + timedelta(minutes=50)).isoformat()}))
    ok(api.post(f"{path}/reports", {"kind": "first"}), 201)
    future = problem(api.post(f"{path}/timeline", {
        "kind": "fact", "text": "x", "at": (clock.now() + timedelta(hours=1)).isoformat()}), 422)
    assert rules(future) == {("at", "in_future")}

    timeline = detail(api, incident["id"])["timeline"]
    times = [at(e["at"]) for e in timeline]
    assert times == sorted(times)
    assert [e["kind"] for e in timeline] == [
        "fact", "communication", "instruction", "action", "status", "report"]
    assert timeline[0]["text"] == "ATM全台で取引不可" and at(timeline[0]["at"]) == detected
    assert timeline[1]["text"] == "頭取に報告"
    assert timeline[4]["text"] == "open → mitigated"
    assert timeline[5]["text"].startswith("【第1報】勘定系 オンライン遅延")
    opener = AuditEntry.objects.get(action="incident.open").actor
    assert {(e["author"], e["source"]) for e in timeline} == {(opener, "api")}
    assert problem(api.post(f"{path}/milestones", {"milestone": "lunch"}), 422)


# --- roles (A1-II-1) -------------------------------------------------------------------------

def test_every_role_in_one_department_is_a_concentration_warning(api: ApiClient,
                                                                 bank: None) -> None:
    incident = open_incident(api)
    fresh = detail(api, incident["id"])["role_warnings"]
    assert sorted(w["roles"][0] for w in fresh if w["rule"] == "role_unassigned") == sorted(
        ROLES)
    for role, person in zip(ROLES, ("P1", "P2", "P3", "P4", "P5", "P6"), strict=True):
        assigned = ok(api.put(f"{URL}/{incident['id']}/roles/{role}", {"person": person}))
        assert assigned == {"role": role, "person": person, "department": "PAY"}
    shown = detail(api, incident["id"])
    assert len(shown["roles"]) == 6
    assert shown["role_warnings"] == [
        {"rule": "role_concentration", "roles": list(ROLES), "department": "PAY"}]


def test_unassigned_roles_are_listed(api: ApiClient, bank: None) -> None:
    incident = open_incident(api)
    ok(api.put(f"{URL}/{incident['id']}/roles/recovery_lead", {"person": "S1"}))
    ok(api.put(f"{URL}/{incident['id']}/roles/business_lead", {"person": "P1"}))
    # Replacing the holder keeps one person per role.
    ok(api.put(f"{URL}/{incident['id']}/roles/business_lead", {"person": "P2"}))
    shown = detail(api, incident["id"])
    assert {(r["role"], r["person"]) for r in shown["roles"]} == {
        ("recovery_lead", "S1"), ("business_lead", "P2")}
    warnings = shown["role_warnings"]
    assert {w["rule"] for w in warnings} == {"role_unassigned"}
    assert {w["roles"][0] for w in warnings} == set(ROLES) - {"recovery_lead", "business_lead"}
    # A vendor's engineer holds a role too, though he has no department of ours.
    factories.vendor(code="KAEDE")
    factories.person(code="V1", vendor="KAEDE")
    assert ok(api.put(f"{URL}/{incident['id']}/roles/vendor_contact", {"person": "V1"})) == {
        "role": "vendor_contact", "person": "V1", "department": None}
    unassigned = {w["roles"][0] for w in detail(api, incident["id"])["role_warnings"]}
    assert "vendor_contact" not in unassigned and "customer_pr_lead" in unassigned
    assert rules(problem(api.put(f"{URL}/{incident['id']}/roles/mascot", {"person": "P1"}),
                         422)) == {("role", "choice")}
    assert rules(problem(api.put(f"{URL}/{incident['id']}/roles/recovery_lead",
                                 {"person": "NOBODY"}), 422)) == {("person", "unknown")}


# --- regulator clocks on the bank calendar -----------------------------------------------------

def test_fsa_style_initial_report_skips_the_holiday_monday(api: ApiClient, bank: None) -> None:
    # Premise: Monday 23 Nov 2026 is 勤労感謝の日, so the bank is closed Sunday and Monday.
    assert bizcal.national_holidays(2026)[date(2026, 11, 23)] == "勤労感謝の日"
    incident = open_incident(api, regulator_profile="fsa_style",
                             detected_at=SUNDAY_NIGHT.isoformat(), occurred_at=None)
    stages = {d["stage"]: d for d in detail(api, incident["id"])["regulator_deadlines"]}
    assert at(stages["initial"]["due_at"]) == datetime(2026, 11, 24, 17, 0, tzinfo=JST)
    assert stages["intermediate"]["due_at"] is None
    assert stages["intermediate"]["waiting_for"] == "initial_report"
    assert stages["final"]["waiting_for"] == "recovered"


@pytest.mark.parametrize(("profile", "due", "rolled"), [
    # 4 h after classification (Sunday 07:00) beats 24 h after awareness; Sunday and the
    # Monday holiday are closed, so the general rule moves it to noon on Tuesday.
    ("dora", datetime(2026, 11, 24, 12, 0, tzinfo=JST), True),
    # Credit institutions get no weekend relief for the initial notification.
    ("dora_ci", datetime(2026, 11, 22, 7, 0, tzinfo=JST), False),
])
def test_dora_initial_notification_counts_from_classification(
        api: ApiClient, bank: None, profile: str, due: datetime, rolled: bool) -> None:
    incident = open_incident(api, regulator_profile=profile,
                             detected_at=SUNDAY_NIGHT.isoformat(), occurred_at=None)
    waiting = detail(api, incident["id"])["regulator_deadlines"][0]
    assert waiting["stage"] == "initial" and waiting["due_at"] is None
    assert waiting["waiting_for"] == "classified"
    classified = SUNDAY_NIGHT.replace(hour=3, minute=0)
    shown = ok(api.patch(f"{URL}/{incident['id']}", {"classified_at": classified.isoformat()}))
    initial = shown["regulator_deadlines"][0]
    assert at(initial["due_at"]) == due
    assert initial["is_rolled"] is rolled


def test_a_rank_that_is_not_reportable_has_no_regulator_clock(api: ApiClient,
                                                              bank: None) -> None:
    incident = open_incident(api, rank=3, regulator_profile="fsa_style")
    assert detail(api, incident["id"])["regulator_deadlines"] == []


# --- vendor scope (C14) ------------------------------------------------------------------------

def test_a_vendor_sees_only_incidents_on_its_systems(api: ApiClient, bank: None,
                                                     make_api_client: MakeClient) -> None:
    vendor = factories.vendor(code="SNBS")
    inventory_services.assign_vendor(actor=factories.ACTOR, system="CORE", vendor="SNBS",
                                     role="run")
    inventory_services.assign_vendor(actor=factories.ACTOR, system="CORE", vendor="SNBS",
                                     role="maintain")
    ours = open_incident(api, systems=["CORE", "FX"])
    theirs = open_incident(api, title="為替 全銀接続エラー", systems=["FX"])
    vendor_client = make_api_client(Role.VENDOR, vendor_id=vendor.pk)
    listed = ok(vendor_client.get(URL))
    # Two vendor roles on CORE and two systems on one incident: still listed once.
    assert [i["id"] for i in listed["items"]] == [ours["id"]] and listed["count"] == 1
    assert detail(vendor_client, ours["id"])["number"] == ours["number"]
    problem(vendor_client.get(f"{URL}/{theirs['id']}"), 404)
    problem(vendor_client.get(f"{URL}/{theirs['id']}/reports"), 404)
    problem(vendor_client.post(f"{URL}/{ours['id']}/reports", {"kind": "first"}), 403)
    other = factories.vendor(code="KAEDE")
    assert ok(make_api_client(Role.VENDOR, vendor_id=other.pk).get(URL))["count"] == 0
    assert ok(api.get(URL))["count"] == 2


# --- external cases (A1-I-13) ------------------------------------------------------------------

def test_an_external_case_starts_no_clock_and_gets_checked_here(api: ApiClient,
                                                                bank: None) -> None:
    case = open_incident(api, title="他行A 勘定系ストレージ障害", is_external=True,
                         external_institution="他行A", systems=[], rank=1,
                         regulator_profile="fsa_style")
    assert case["is_external"] is True and case["systems"] == []
    # Not our failure: nothing of ours is overdue, no regulator clock runs.
    assert case["deadlines"]["overdue"] == []
    shown = detail(api, case["id"])
    assert shown["regulator_deadlines"] == []
    path = f"{URL}/{case['id']}/horizontal-checks"
    for system in ("CORE", "FX"):
        ok(api.post(path, {"system": system, "checker": "S1",
                           "scope": "両系のIPL情報を同一ストレージ筐体に置いていないか"}), 201)
    assert rules(problem(api.post(path, {"system": "NOPE", "scope": "x"}), 422)) == {
        ("system", "unknown")}
    checks = detail(api, case["id"])["horizontal_checks"]
    assert [c["system"] for c in checks] == ["CORE", "FX"]
    result = ok(api.put(f"/api/v1/horizontal-checks/{checks[0]['id']}",
                        {"result": "affected_open", "notes": "稼働系・待機系のIPL情報が同一筐体"}))
    assert result["result"] == "affected_open"
    assert rules(problem(api.put(f"/api/v1/horizontal-checks/{checks[1]['id']}",
                                 {"result": "maybe"}), 422)) == {("result", "choice")}
    checks = detail(api, case["id"])["horizontal_checks"]
    assert checks[0]["result"] == "affected_open" and checks[0]["checked_at"]
    assert checks[1]["result"] == "pending" and checks[1]["checked_at"] is None
    external = ok(api.get(URL, is_external="true"))["items"]
    assert [i["id"] for i in external] == [case["id"]]
    assert ok(api.get(URL, is_external="false"))["count"] == 0


# --- list filters -----------------------------------------------------------------------------

def test_list_filters_by_status_rank_system_and_text(api: ApiClient, bank: None) -> None:
    a = open_incident(api, title="ATM 切替失敗", rank=1)
    b = open_incident(api, title="全銀 接続エラー", rank=2, systems=["FX"])
    ok(api.post(f"{URL}/{b['id']}/transitions", {"to": "recovered"}))

    def ids(**params: Any) -> list[int]:
        return [i["id"] for i in ok(api.get(URL, **params))["items"]]

    assert ids(status="open") == [a["id"]]
    assert sorted(ids(status="open,recovered")) == sorted([a["id"], b["id"]])
    assert ids(rank=2) == [b["id"]]
    assert ids(system="FX") == [b["id"]]
    assert ids(q="ATM") == [a["id"]]
    problem(api.get(f"{URL}/999999"), 404)


# --- audit ------------------------------------------------------------------------------------

def test_every_write_is_audited_from_the_api_and_the_chain_verifies(api: ApiClient,
                                                                    bank: None) -> None:
    before = AuditEntry.objects.count()
    incident = open_incident(api)
    path = f"{URL}/{incident['id']}"
    writes = [
        lambda: api.patch(path, {"impact_scope": "全店"}),
        lambda: api.post(f"{path}/milestones", {"milestone": "management_aware"}),
        lambda: api.post(f"{path}/timeline", {"kind": "fact", "text": "再起動"}),
        lambda: api.post(f"{path}/reports", {"kind": "first"}),
        lambda: api.put(f"{path}/roles/recovery_lead", {"person": "S1"}),
        lambda: api.put(f"{path}/hq", {"location": "本店5F 会議室", "members": ["S1", "P1"]}),
        lambda: api.post(f"{path}/transitions", {"to": "recovered"}),
        lambda: api.put(f"{path}/analysis", {"direct_cause": "ディスク満杯"}),
        lambda: api.post(f"{path}/actions", {"title": "監視追加", "owner": "S1",
                                             "due_on": "2027-03-31"}),
        lambda: api.post(f"{path}/horizontal-checks", {"system": "FX", "scope": "同種設定"}),
    ]
    for write in writes:
        assert write().status_code in (200, 201)
    check_id = detail(api, incident["id"])["horizontal_checks"][0]["id"]
    ok(api.put(f"/api/v1/horizontal-checks/{check_id}", {"result": "not_affected"}))
    entries = list(AuditEntry.objects.filter(seq__gt=before).order_by("seq"))
    assert len(entries) == len(writes) + 2
    assert all(e.action.startswith("incident.") for e in entries), [e.action for e in entries]
    assert {e.source for e in entries} == {"api"}
    assert {e.object_id for e in entries} == {str(incident["id"])}
    assert entries[0].action == "incident.open"
    # Refused writes leave no trace.
    problem(api.post(f"{path}/transitions", {"to": "cancelled"}), 409)
    assert AuditEntry.objects.filter(seq__gt=before).count() == len(entries)
    assert audit.verify().ok
