"""The demo institution loads through the real services, once, with the promised content."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.db.models import Count

from antei import demo
from antei.calendars.models import CalendarOverride, ServiceCalendar
from antei.core import audit, clock
from antei.core.actor import Actor, system_actor
from antei.core.models import AuditEntry
from antei.demo import data
from antei.demo import incidents as demo_incidents
from antei.incidents import selectors as incident_selectors
from antei.incidents import services as incident_services
from antei.incidents.domain import deadlines, reports, states
from antei.incidents.models import Incident, Report, Target, TimelineEntry
from antei.inventory import services as inventory_services
from antei.inventory.models import (
    BatchWindow,
    BusinessFunction,
    Component,
    Connection,
    ExternalParty,
    KeyPerson,
    Responsibility,
    System,
    SystemVendor,
)
from antei.org.models import ContactPoint, Department, Person, Vendor, VendorContract
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def summary() -> demo.DemoSummary:
    return demo.load(actor=system_actor())


def _row_counts() -> dict[str, int]:
    models: list[Any] = [Department, Vendor, VendorContract, Person, ContactPoint,
                         BusinessFunction, System, BatchWindow, Component, ExternalParty,
                         Connection, SystemVendor, Responsibility, KeyPerson, Incident,
                         Target]
    counts = {m.__name__: m.objects.count() for m in models}
    counts["ServiceCalendar"] = ServiceCalendar.objects.filter(is_bank=False).count()
    counts["CalendarOverride"] = CalendarOverride.objects.count()
    return counts


def test_load_meets_the_minimums(summary: demo.DemoSummary) -> None:
    counts = _row_counts()
    assert counts["Department"] >= 10
    assert counts["Person"] >= 40
    assert counts["Vendor"] >= 5
    assert counts["BusinessFunction"] >= 8
    assert counts["System"] >= 25
    assert counts["Connection"] >= 30
    # Every vendor has a contract and at least one engineer on file.
    assert Vendor.objects.filter(contracts__isnull=True).count() == 0
    assert Vendor.objects.filter(people__isnull=True).count() == 0
    assert summary.bank == data.BANK_NAME
    assert summary.total_created == sum(counts[m] for m in counts if m != "ContactPoint")


def test_department_kinds_cover_the_institution(summary: demo.DemoSummary) -> None:
    kinds = Counter(Department.objects.values_list("kind", flat=True))
    for kind in ("system", "risk", "audit", "planning", "pr", "customer_service"):
        assert kinds[kind] >= 1, kind
    assert kinds["business"] >= 5


def test_people_are_reachable_and_named_in_three_ways(summary: demo.DemoSummary) -> None:
    assert not Person.objects.annotate(n=Count("contact_points")).filter(n=0).exists()
    assert not Person.objects.annotate(n=Count("contact_points")).filter(n__gt=3).exists()
    assert not Person.objects.filter(name_kana="").exists()
    assert not Person.objects.filter(name_en="").exists()
    assert Person.objects.filter(vendor__isnull=False).count() >= 5
    # Phones are stored as E.164 by the service; e-mail stays at reserved example domains.
    for cp in ContactPoint.objects.all():
        if cp.kind in ("sms", "voice"):
            assert cp.address.startswith("+81"), cp.address
        elif cp.kind == "email":
            assert cp.address.endswith((".example.jp", ".example.com")), cp.address
        else:
            assert cp.address.startswith("https://hooks.example.com/"), cp.address
    # Some people are on e-mail only (not called out).
    only_email = [p for p in Person.objects.prefetch_related("contact_points")
                  if {c.kind for c in p.contact_points.all()} == {"email"}]
    assert len(only_email) >= 3


def test_a_key_person_has_only_an_office_phone(summary: demo.DemoSummary) -> None:
    """A2-RESP-1 made visible: a key person no SMS or mobile can reach."""
    suspicious = [p for p in Person.objects.filter(key_for__isnull=False).distinct()
                  if {c.kind for c in p.contact_points.all()} == {"voice"}
                  and all(c.address.startswith("+813") for c in p.contact_points.all())]
    assert suspicious


def test_one_person_is_key_for_many_systems(summary: demo.DemoSummary) -> None:
    """M-4.4: the bus-factor risk."""
    top = (KeyPerson.objects.values("person").annotate(n=Count("system")).order_by("-n").first())
    assert top is not None and top["n"] >= 5


def test_second_load_creates_nothing_and_audits_nothing(summary: demo.DemoSummary) -> None:
    rows, entries = _row_counts(), AuditEntry.objects.count()
    history = TimelineEntry.objects.count(), Report.objects.count()
    again = demo.load(actor=system_actor())
    assert _row_counts() == rows
    assert AuditEntry.objects.count() == entries
    assert (TimelineEntry.objects.count(), Report.objects.count()) == history
    assert again.total_created == 0
    assert again.everything_existed
    assert dict(again.existing) == dict(summary.created)


def test_partial_data_is_completed_and_existing_rows_are_kept(admin_actor: Actor) -> None:
    factories.department(code="SYS", name="既存のシステム部", kind="system")
    result = demo.load(actor=admin_actor)
    assert result.existing["departments"] == 1
    assert result.created["departments"] == len(data.DEPARTMENTS) - 1
    assert Department.objects.get(code="SYS").name == "既存のシステム部"


def test_a_failure_half_way_leaves_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("disk full")

    # Key persons are the last registry step: everything before it must roll back too.
    monkeypatch.setattr(inventory_services, "add_key_person", broken)
    with pytest.raises(RuntimeError):
        demo.load(actor=system_actor())
    assert set(_row_counts().values()) == {0}
    assert AuditEntry.objects.count() == 0


def test_a_failure_in_the_last_step_takes_the_incident_history_with_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("disk full")

    # Targets are set last of all, after the incident history.
    monkeypatch.setattr(incident_services, "set_target", broken)
    with pytest.raises(RuntimeError):
        demo.load(actor=system_actor())
    assert set(_row_counts().values()) == {0}
    assert not TimelineEntry.objects.exists() and not Report.objects.exists()
    assert AuditEntry.objects.count() == 0


def test_every_standby_has_an_active_peer_in_its_system(summary: demo.DemoSummary) -> None:
    standbys = Component.objects.filter(environment="standby").select_related("active_peer")
    assert standbys.count() >= 10
    for c in standbys:
        assert c.active_peer is not None, c.name
        assert c.active_peer.environment == "active"
        assert c.active_peer.system_id == c.system_id
    core = Component.objects.filter(system__code="CORE")
    assert {c.environment for c in core} == {"active", "standby", "development"}
    assert Component.objects.filter(system__code="ATMC", environment="standby").exists()


def test_an_euc_system_feeds_a_critical_business(summary: demo.DemoSummary) -> None:
    """A1-I-5: EUC in scope because critical work depends on it."""
    assert System.objects.filter(is_euc=True,
                                 business_functions__criticality="critical").exists()


def test_fx_connects_to_the_zengin_network(summary: demo.DemoSummary) -> None:
    assert Connection.objects.filter(source__code="FX",
                                     target_external__kind="zengin").exists()
    kinds = set(ExternalParty.objects.values_list("kind", flat=True))
    assert {"zengin", "card_network", "other_bank", "outsourced_centre", "clearing"} <= kinds


def test_systems_carry_lifecycle_and_service_windows(summary: demo.DemoSummary) -> None:
    core = System.objects.get(code="CORE")
    assert core.tier == "critical"
    # M-1.3: long-stable, last major change decades ago.
    assert core.in_service_since is not None and core.in_service_since.year < 2000
    assert core.last_major_change is not None and core.last_major_change.year < 2010
    assert core.online_start is not None
    # At least one batch window runs past midnight.
    assert any(w.end < w.start for w in BatchWindow.objects.all())
    assert not BusinessFunction.objects.filter(impact_tolerance_minutes__lte=0).exists()


def test_responsibility_matrix_keeps_forecasting_in_house(summary: demo.DemoSummary) -> None:
    vendors = set(Responsibility.objects.filter(vendor__isnull=False)
                  .values_list("vendor__code", flat=True))
    assert len(vendors) >= 5
    forecasting = Responsibility.objects.filter(task="volume_forecasting")
    assert forecasting.count() >= 5
    assert not forecasting.filter(department__isnull=True).exists()
    assert not forecasting.filter(must_stay_in_house=False).exists()
    # Every system with a matrix covers the five core tasks, and all are vendor-run.
    core_tasks = {"monitoring", "recovery", "bug_notice_intake", "volume_forecasting",
                  "capacity_review"}
    with_matrix = System.objects.filter(responsibilities__isnull=False).distinct()
    assert with_matrix.count() >= 5
    for system in with_matrix:
        assert core_tasks <= {r.task for r in system.responsibilities.all()}, system.code
        assert system.vendor_roles.filter(role="run").exists(), system.code


def test_data_has_no_duplicate_keys() -> None:
    """A duplicate would be counted as 'existing' on the first load and hide a typo."""
    keyed = {
        "departments": [r["code"] for r in data.DEPARTMENTS],
        "people": [r["code"] for r in data.PEOPLE],
        "systems": [r["code"] for r in data.SYSTEMS],
        "components": [(r["system"], r["name"]) for r in data.COMPONENTS],
        "connections": [(r[0], r[1], r[2], r[4]) for r in data.CONNECTIONS],
        "responsibilities": [(r[0], r[1]) for r in data.RESPONSIBILITIES],
        "key_persons": [(r[0], r[1]) for r in data.KEY_PERSONS],
        "vendor_roles": list(data.VENDOR_ROLES),
    }
    for kind, keys in keyed.items():
        assert len(keys) == len(set(keys)), kind


def test_audit_chain_verifies_after_the_demo_load() -> None:
    """Every demo row went through the audited services: the chain verifies. (How long the
    load takes is no test's business: `make run` users see it, bench/ would measure it.)"""
    demo.load(actor=system_actor())
    assert audit.verify().ok


# --- the incident history (demo.incidents) -----------------------------------------------------


def test_incident_history_spans_the_last_year_and_a_half(summary: demo.DemoSummary) -> None:
    incidents = list(Incident.objects.all())
    assert len(incidents) >= 12
    assert summary.created["incidents"] == len(demo_incidents.CASES) == len(incidents)
    now = clock.now()
    assert all(i.detected_at <= now for i in incidents)
    oldest = min(i.detected_at for i in incidents)
    assert now - timedelta(days=600) < oldest < now - timedelta(days=480)
    assert Incident.objects.filter(is_external=True).count() >= 1
    assert Incident.objects.filter(status="cancelled").count() >= 1
    assert {i.rank for i in incidents} == {1, 2, 3, 4}
    # The register's numbers follow the year of detection.
    for i in incidents:
        assert i.number.startswith(f"INC-{i.detected_at.astimezone(clock.display_zone()).year}-")


def test_every_closed_incident_went_through_the_close_gate(summary: demo.DemoSummary) -> None:
    """A1-I-12, C05: root cause, recurrence actions, 水平展開 and a final report."""
    closed = list(Incident.objects.filter(status="closed").select_related("analysis"))
    assert len(closed) >= 8
    categories = set()
    for i in closed:
        a = i.analysis
        assert states.CauseAnalysis(injection_phase=a.injection_phase,
                                    cause_category=a.cause_category,
                                    direct_cause=a.direct_cause,
                                    root_cause=a.root_cause).is_complete, i.title
        assert i.actions.exists() or a.no_action_reason, i.title
        assert i.horizontal_checks.exists() or a.horizontal_not_applicable, i.title
        assert i.reports.filter(kind="final").exists(), i.title
        assert i.first_report_at and i.recovered_at and i.closed_at, i.title
        assert i.detected_at <= i.first_report_at and i.recovered_at <= i.closed_at, i.title
        categories.add(a.cause_category)
    # Enough variety for the cause breakdown to mean something (M-2.5).
    assert {"capacity", "settings_limits", "euc", "release", "operations",
            "external_connection"} <= categories


def test_first_reports_were_fast_and_spell_out_what_was_unknown(
        summary: demo.DemoSummary) -> None:
    """M-3.3, A1-II-5, A1-II-7: 第1報 within the rank's minutes, unknowns said out loud."""
    policies = {p.rank: p for p in deadlines.DEFAULT_RANKS}
    firsts = Report.objects.filter(kind="first").select_related("incident")
    assert firsts.count() >= 10
    for r in firsts:
        minutes = (r.issued_at - r.incident.detected_at) / timedelta(minutes=1)
        assert 0 < minutes <= policies[r.incident.rank].first_report_minutes, r.incident.title
        assert r.issued_at == r.incident.first_report_at
    assert any(line["is_unknown"] and line["key"] == "impact_scope"
               and line["value_ja"] == reports.UNKNOWN_JA
               for r in firsts for line in r.lines)
    follow_ups = Report.objects.filter(kind="follow_up")
    assert any("impact_scope" in r.changed for r in follow_ups)
    # History keeps its own times: reports are dated when they were sent, not at the load.
    assert Report.objects.filter(issued_at__lt=clock.now() - timedelta(days=300)).exists()


def test_todays_incident_is_open_with_its_first_report_out(summary: demo.DemoSummary) -> None:
    today = Incident.objects.get(status="open", is_external=False)
    assert clock.now() - today.detected_at < timedelta(hours=2)
    assert today.first_report_at is not None and today.management_aware_at is not None
    assert list(today.reports.values_list("kind", flat=True)) == ["first", "follow_up"]
    shown = incident_selectors.get_incident(system_actor(), today.pk)
    warnings = {w.rule for w in incident_selectors.role_warnings(shown)}
    assert "role_unassigned" in warnings
    stages = incident_selectors.regulator_deadlines(shown)
    assert stages and stages[0].due_at is not None
    timeline = list(today.timeline.all())
    assert [e.at for e in timeline] == sorted(e.at for e in timeline)


def test_an_external_case_was_checked_against_our_systems(summary: demo.DemoSummary) -> None:
    """A1-I-13: 'could this happen here?', answered per system, one of them yes."""
    case = Incident.objects.get(is_external=True)
    assert case.external_institution and not case.systems.exists()
    results = dict(case.horizontal_checks.values_list("system__code", "result"))
    assert results["CORE"] == "affected_open"
    assert "not_affected" in results.values()


def test_a_cluster_shows_though_the_total_may_be_within_target(
        summary: demo.DemoSummary) -> None:
    """A1-I-18: three IB incidents in 30 days raise an alarm of their own."""
    alarms = incident_selectors.cluster_alarms()
    assert [(a.system, a.count) for a in alarms if a.system == "IB"] == [("IB", 3)]
    statuses = {(s.target.period.value, s.target.scope.value, s.target.scope_value)
                for s in incident_selectors.target_statuses()}
    assert statuses == {("month", "overall", None), ("half", "rank", "1"),
                        ("half", "system", "CORE")}
    assert summary.created["targets"] == 3


def test_the_january_case_happened_on_2_january() -> None:
    case = next(c for c in demo_incidents.CASES if c.last_jan_2)
    for now in (datetime(2027, 1, 5, 12, tzinfo=clock.display_zone()),
                datetime(2026, 11, 25, 12, tzinfo=clock.display_zone())):
        detected = demo_incidents.detection_time(case, now)
        assert (detected.month, detected.day) == (1, 2)
        # Long enough ago that its history (closed 12 days later) is all in the past.
        assert now - detected > timedelta(days=30)
    assert demo_incidents.detection_time(
        case, datetime(2026, 11, 25, 12, tzinfo=clock.display_zone())).date() == date(2026, 1, 2)


def test_channel_calendars_disagree_with_the_bank_where_a_test_plan_must_look(
        summary: demo.DemoSummary) -> None:
    """A2-PERF-SET-5: the ATM calendar runs on 2 January (a bank holiday) and stops on
    1 January; the special-date kit lists both as calendar disagreements."""
    from datetime import date

    from antei.calendars import selectors as calendar_selectors
    from antei.core import clock

    year = clock.now().astimezone(clock.display_zone()).year + 1
    days = {row["date"]: [r["code"] for r in row["reasons"]]
            for row in calendar_selectors.special_dates("BANK", date(year, 1, 1),
                                                        date(year, 1, 5))}
    assert not calendar_selectors.get_calendar("ATM").is_business_day(date(year, 1, 1))
    assert calendar_selectors.get_calendar("ATM").is_business_day(date(year, 1, 2))
    assert any("disagree" in code for code in days[date(year, 1, 2)])
