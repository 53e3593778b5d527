"""The incident desk as a user meets it: the list, opening an incident, the incident page,
issued reports, the close gate, roles, targets and metrics, and who may do what.

Catalog: M-3.3, A1-II-5, A1-II-7 (first report with unknowns spelled out, follow-ups mark
what changed), A1-II-1 (role warnings), A1-I-12 (no close without the cause analysis),
C01 (timestamps, JST display), C04 (targets, metrics), C05 (水平展開), C14 (vendor scope).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from antei.core import services as core_services
from antei.core.actor import Actor
from antei.core.roles import Role
from antei.incidents import services as incident_services
from antei.incidents.models import Incident, Report, Target, TimelineEntry
from antei.inventory import services as inventory_services
from tests import factories
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
JST = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def login(client: Client, admin_actor: Actor) -> Callable[..., Client]:
    """login(role, vendor_id=None) -> the test client, logged in as a new user of that role."""
    counter = {"n": 0}

    def as_role(role: Role | str = Role.OPERATOR, *, vendor_id: int | None = None) -> Client:
        counter["n"] += 1
        user = core_services.create_user(actor=admin_actor, username=f"{role}-inc-{counter['n']}",
                                         role=str(role), password=PASSWORD, vendor_id=vendor_id)
        client.force_login(user)
        return client

    return as_role


@pytest.fixture
def system() -> Any:
    return factories.system(code="CORE", name="勘定系", tier="critical")


def ago(**kw: float) -> datetime:
    return (datetime.now(tz=UTC) - timedelta(**kw)).replace(microsecond=0)


def open_incident(system_code: str = "CORE", **kw: Any) -> Incident:
    values = {"title": "ATM全面停止", "rank": 1, "systems": [system_code],
              "detected_at": ago(minutes=10)} | kw
    return incident_services.open_incident(actor=factories.ACTOR, **values)


def jst(value: datetime, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return value.astimezone(JST).strftime(fmt)


def html(response: Any) -> str:
    return response.content.decode()


# --- the list --------------------------------------------------------------------------------


def test_list_is_japanese_by_default_and_english_after_switching(login, system):
    client = login()
    open_incident()
    page = html(client.get(reverse("incident-list")))
    assert "<h1>障害</h1>" in page
    assert "ATM全面停止" in page and "ランク1（重大）" in page

    assert client.post("/i18n/language", {"language": "en", "next": "/"}).status_code == 302
    page = html(client.get(reverse("incident-list")))
    assert "<h1>Incidents</h1>" in page
    assert "Rank 1 (critical)" in page


def test_list_puts_open_incidents_first_and_marks_a_missed_first_report(login, system):
    client = login()
    late = open_incident(title="勘定系遅延", detected_at=ago(hours=3))
    done = open_incident(title="古い障害", detected_at=ago(hours=1))
    incident_services.transition(actor=factories.ACTOR, incident_id=done.pk, to="recovered")
    fresh = open_incident(title="新しい障害", detected_at=ago(days=2))
    page = html(client.get(reverse("incident-list")))
    # Open incidents (newest detection first), then settled ones.
    assert page.index(late.number) < page.index(fresh.number) < page.index(done.number)
    row = page[page.index(late.number):page.index(fresh.number)]
    assert "期限超過" in row and "第1報" in row
    # The first-report due time is shown in JST (rank 1: 30 minutes after detection).
    assert jst(late.detected_at + timedelta(minutes=30), "%m-%d %H:%M") in row


def test_list_filters_by_status_rank_and_system(login, system):
    client = login()
    other = factories.system(code="ATM", name="ATMシステム")
    open_incident(title="勘定系障害", rank=2)
    open_incident(other.code, title="ATM障害", rank=3)
    page = html(client.get(reverse("incident-list"), {"system": "ATM"}))
    assert "ATM障害" in page and "勘定系障害" not in page
    page = html(client.get(reverse("incident-list"), {"rank": "2"}, headers=HX))
    assert "勘定系障害" in page and "ATM障害" not in page
    assert "<h1>" not in page  # htmx gets the rows only
    page = html(client.get(reverse("incident-list"), {"status": "closed"}))
    assert "勘定系障害" not in page and "ATM障害" not in page


def test_list_query_count_does_not_grow_with_the_rows(login, system,
                                                      django_assert_max_num_queries):
    client = login()
    for n in range(30):
        incident = open_incident(title=f"障害{n}", detected_at=ago(hours=n + 1))
        if n % 3 == 0:
            incident_services.issue_report(actor=factories.ACTOR, incident_id=incident.pk,
                                           kind="first")
    with django_assert_max_num_queries(10):
        response = client.get(reverse("incident-list"))
    assert response.status_code == 200
    assert html(response).count('class="rank rank-1"') == 30


def test_an_editor_gets_the_open_button_a_reader_does_not(login, system):
    assert reverse("incident-create") in html(login(Role.BUSINESS).get(reverse("incident-list")))
    assert reverse("incident-create") not in html(
        login(Role.EXECUTIVE).get(reverse("incident-list")))


# --- opening an incident ----------------------------------------------------------------------


def test_an_operator_opens_an_incident_and_lands_on_its_page_with_the_clock_in_jst(login,
                                                                                   system):
    client = login(Role.OPERATOR)
    form = client.get(reverse("incident-create"))
    assert form.status_code == 200
    assert "顧客・決済に影響のある重要システムの障害" in html(form)  # rank 1's definition
    detected = ago(minutes=12).replace(second=0)
    response = client.post(reverse("incident-create"), {
        "title": "勘定系オンライン停止", "rank": "1", "systems": ["CORE"],
        "detected_at": jst(detected, "%Y-%m-%dT%H:%M"), "summary": "全店で入出金不可",
    }, follow=True)
    incident = Incident.objects.get()
    assert response.redirect_chain == [(reverse("incident-detail", args=[incident.pk]), 302)]
    assert incident.detected_at == detected  # typed in JST, stored as the same instant
    page = html(response)
    assert incident.number in page and incident.number.startswith("INC-")
    assert jst(detected + timedelta(minutes=30)) in page  # first report due, JST
    assert "勘定系オンライン停止" in page


def test_opening_without_title_rank_or_system_is_refused_and_writes_nothing(login, system):
    client = login()
    response = client.post(reverse("incident-create"), {
        "title": "", "rank": "", "detected_at": jst(ago(minutes=5), "%Y-%m-%dT%H:%M")})
    assert response.status_code == 422
    assert html(response).count('class="errorlist"') >= 2
    assert not Incident.objects.exists()
    future = client.post(reverse("incident-create"), {
        "title": "未来", "rank": "2", "systems": ["CORE"],
        "detected_at": jst(ago(minutes=-120), "%Y-%m-%dT%H:%M")})
    assert future.status_code == 422
    assert not Incident.objects.exists()


# --- the incident page ---------------------------------------------------------------------------


def test_issuing_the_first_report_shows_it_with_unknowns_marked(login, system):
    client = login()
    incident = open_incident()
    page = html(client.get(reverse("incident-detail", args=[incident.pk])))
    assert 'name="kind" value="first"' in page
    assert 'value="follow_up"' not in page  # check_report: no follow-up before the first

    response = client.post(reverse("incident-report-issue", args=[incident.pk]),
                           {"kind": "first"}, follow=True)
    report = Report.objects.get(incident=incident)
    assert report.kind == "first"
    assert response.redirect_chain[-1][0] == reverse("incident-report",
                                                     args=[incident.pk, report.pk])
    page = html(response)
    assert "【第1報】ATM全面停止" in page
    assert '<tr class="line unknown">' in page and "調査中（判明次第報告）" in page
    assert "Unknown — to follow" in page  # both languages side by side by default
    english = html(client.get(reverse("incident-report", args=[incident.pk, report.pk]),
                              {"lang": "en"}))
    assert "[First report] ATM全面停止" in english and "調査中" not in english

    # Now the first report is done: it offers a follow-up, not a second first report.
    page = html(client.get(reverse("incident-detail", args=[incident.pk])))
    assert 'value="follow_up"' in page and 'name="kind" value="first"' not in page
    again = client.post(reverse("incident-report-issue", args=[incident.pk]), {"kind": "first"})
    assert again.status_code == 409
    assert "第1報は発信済みです" in html(again)
    assert Report.objects.filter(incident=incident).count() == 1


def test_a_follow_up_marks_what_changed(login, system):
    client = login()
    incident = open_incident()
    incident_services.issue_report(actor=factories.ACTOR, incident_id=incident.pk, kind="first")
    response = client.post(reverse("incident-facts", args=[incident.pk]),
                           {"impact_scope": "全店ATM", "amount_yen": "1200000",
                            "regulator_profile": ""}, headers=HX)
    assert response.status_code == 200
    assert 'id="facts"' in html(response) and "1,200,000円" in html(response)
    assert 'hx-swap-oob="true"' in html(response)  # the timeline comes along
    follow = incident_services.issue_report(actor=factories.ACTOR, incident_id=incident.pk,
                                            kind="follow_up")
    page = html(client.get(reverse("incident-report", args=[incident.pk, follow.pk])))
    assert "【第2報】ATM全面停止" in page
    assert "■影響範囲<span class=\"changed-mark\">（更新）</span>" in page
    assert "(updated)" in page


def test_saving_facts_adds_a_timeline_entry_and_a_refusal_writes_nothing(login, system):
    client = login()
    incident = open_incident()
    before = TimelineEntry.objects.filter(incident=incident).count()
    response = client.post(reverse("incident-facts", args=[incident.pk]),
                           {"customer_impact": "振込遅延", "note": "顧客影響判明"})
    assert response.status_code == 302
    assert TimelineEntry.objects.filter(incident=incident).count() == before + 1
    assert TimelineEntry.objects.filter(incident=incident, text="顧客影響判明").exists()

    refused = client.post(reverse("incident-facts", args=[incident.pk]),
                          {"amount_yen": "-5", "customer_impact": "書き換え"}, headers=HX)
    assert refused.status_code == 422
    assert 'class="errorlist"' in html(refused)
    incident.refresh_from_db()
    assert incident.customer_impact == "振込遅延"
    assert TimelineEntry.objects.filter(incident=incident).count() == before + 1


def test_closing_without_cause_analysis_is_refused_with_the_reasons(login, system):
    client = login()
    incident = open_incident()
    incident_services.transition(actor=factories.ACTOR, incident_id=incident.pk, to="recovered")
    page = html(client.get(reverse("incident-detail", args=[incident.pk])))
    assert '<option value="closed">完了</option>' in page
    assert '<option value="mitigated">' not in page  # only moves allowed from here

    response = client.post(reverse("incident-transition", args=[incident.pk]), {"to": "closed"})
    assert response.status_code == 409
    page = html(response)
    assert "原因分析" in page and "最終報" in page and "水平展開" in page
    incident.refresh_from_db()
    assert incident.status == "recovered"


def test_status_moves_and_milestones_from_the_page(login, system):
    client = login()
    incident = open_incident()
    assert client.post(reverse("incident-milestone", args=[incident.pk]),
                       {"milestone": "management_aware"}).status_code == 302
    response = client.post(reverse("incident-transition", args=[incident.pk]),
                            {"to": "mitigated"})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == "mitigated" and incident.management_aware_at is not None
    refused = client.post(reverse("incident-transition", args=[incident.pk]), {"to": "open"})
    assert refused.status_code == 409  # stepping back needs a reason
    assert "理由を記入してください" in html(refused)
    incident.refresh_from_db()
    assert incident.status == "mitigated"


def test_role_warnings_show_concentration_in_one_department(login, system):
    client = login()
    dept = factories.department(code="SYS", name="システム部", kind="system")
    first, second = factories.person(department=dept.code), factories.person(department=dept.code)
    incident = open_incident()
    for role, person in (("incident_commander", first), ("management_liaison", second)):
        response = client.post(reverse("incident-role-assign", args=[incident.pk]),
                               {"role": role, "person": person.code}, headers=HX)
        assert response.status_code == 200
    page = html(response)
    assert 'id="roles"' in page and first.name in page
    assert "システム部" in page and "A1-II-1" in page  # the concentration warning
    assert "担当者なし" in page  # four roles still unheld
    engineer = factories.person(vendor=factories.vendor(name="委託先Y").code)
    response = client.post(reverse("incident-role-assign", args=[incident.pk]),
                           {"role": "vendor_contact", "person": engineer.code}, headers=HX)
    assert response.status_code == 200
    assert "委託先Y" in html(response) and "A1-II-1" not in html(response)


def test_cause_analysis_uses_japanese_labels_and_feeds_the_close_gate(login, system):
    client = login()
    incident = open_incident()
    page = html(client.get(reverse("incident-detail", args=[incident.pk])))
    assert "要件定義" in page and "制御ソフトウェア（OS・ミドルウェア）" in page
    response = client.post(reverse("incident-analysis", args=[incident.pk]), {
        "injection_phase": "design", "cause_category": "capacity", "direct_cause": "表領域枯渇",
        "root_cause": "容量見積りの前提誤り", "horizontal_not_applicable": "同種構成なし"},
        headers=HX)
    assert response.status_code == 200
    page = html(response)
    assert "設計" in page and "キャパシティ" in page and "✓" in page
    bad = client.post(reverse("incident-analysis", args=[incident.pk]),
                      {"injection_phase": "astrology"}, headers=HX)
    assert bad.status_code == 422


def test_timeline_hq_actions_and_horizontal_checks(login, system):
    client = login()
    other = factories.system(code="ATM", name="ATMシステム")
    person = factories.person()
    incident = open_incident()
    timeline = client.post(reverse("incident-timeline-add", args=[incident.pk]),
                           {"kind": "action", "entry": "APサーバ再起動"}, headers=HX)
    assert timeline.status_code == 200 and "APサーバ再起動" in html(timeline)
    assert 'hx-swap-oob' not in html(timeline)
    hq = client.post(reverse("incident-hq", args=[incident.pk]),
                     {"location": "本店5F会議室", "members": [person.code]}, headers=HX)
    assert hq.status_code == 200 and "本店5F会議室" in html(hq) and person.name in html(hq)
    action = client.post(reverse("incident-action-add", args=[incident.pk]),
                         {"title": "容量監視追加", "owner": person.code,
                          "due_on": (ago(days=-30).date()).isoformat()},
                         headers=HX)
    assert action.status_code == 200 and "容量監視追加" in html(action)
    missing = client.post(reverse("incident-action-add", args=[incident.pk]),
                          {"title": "期限なし", "owner": person.code}, headers=HX)
    assert missing.status_code == 422
    check = client.post(reverse("incident-check-add", args=[incident.pk]),
                        {"system": other.code, "scope": "同種の容量設定"}, headers=HX)
    assert check.status_code == 200 and "同種の容量設定" in html(check)
    check_id = incident.horizontal_checks.get().pk
    result = client.post(reverse("incident-check-result", args=[incident.pk, check_id]),
                         {"result": "not_affected", "notes": "設定値に余裕あり"}, headers=HX)
    assert result.status_code == 200 and "影響なし" in html(result)
    assert incident.horizontal_checks.get().result == "not_affected"


def test_regulator_stages_show_with_their_explanations(login, system):
    client = login()
    incident = open_incident(regulator_profile="fsa_style")
    page = html(client.get(reverse("incident-detail", args=[incident.pk])))
    assert 'id="regulator"' in page and "初報: 遅滞なく" in page
    assert 'value="regulator_initial"' in page
    assert 'value="regulator_final"' not in page  # needs the initial report and recovery


# --- who may do what ----------------------------------------------------------------------------


def test_an_auditor_reads_but_sees_no_edit_buttons_and_cannot_post(login, system):
    client = login(Role.AUDITOR)
    incident = open_incident()
    page = html(client.get(reverse("incident-detail", args=[incident.pk])))
    assert incident.number in page
    assert "<form" not in page.split("<main>")[1]
    assert reverse("incident-create") not in html(client.get(reverse("incident-list")))
    assert client.get(reverse("incident-create")).status_code == 403
    posts = [("incident-report-issue", {"kind": "first"}),
             ("incident-transition", {"to": "mitigated"}),
             ("incident-milestone", {"milestone": "management_aware"}),
             ("incident-facts", {"impact_scope": "x"}),
             ("incident-timeline-add", {"kind": "fact", "entry": "x"}),
             ("incident-role-assign", {"role": "recovery_lead", "person": "P1"}),
             ("incident-hq", {"location": "x"}),
             ("incident-analysis", {"direct_cause": "x"}),
             ("incident-action-add", {"title": "x"}),
             ("incident-check-add", {"system": "CORE", "scope": "x"})]
    for name, data in posts:
        assert client.post(reverse(name, args=[incident.pk]), data).status_code == 403, name
    assert client.post(reverse("incident-create"), {"title": "x"}).status_code == 403
    assert not Report.objects.exists()
    incident.refresh_from_db()
    assert incident.status == "open" and incident.impact_scope == ""


def test_a_vendor_sees_only_incidents_on_its_systems(login, system):
    vendor = factories.vendor(code="NTTX", name="委託先X")
    theirs = factories.system(code="ATM", name="ATMシステム")
    inventory_services.assign_vendor(actor=factories.ACTOR, system=theirs.code,
                                     vendor=vendor.code, role="run")
    mine = open_incident(theirs.code, title="ATM障害")
    hidden = open_incident(title="勘定系障害")
    client = login(Role.VENDOR, vendor_id=vendor.pk)
    page = html(client.get(reverse("incident-list")))
    assert "ATM障害" in page and "勘定系障害" not in page
    assert client.get(reverse("incident-detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("incident-detail", args=[hidden.pk])).status_code == 404
    assert client.post(reverse("incident-timeline-add", args=[hidden.pk]),
                       {"kind": "fact", "entry": "x"}).status_code == 403


def test_an_editor_cannot_write_to_an_incident_it_cannot_see(login, system):
    client = login()
    incident = open_incident()
    assert client.post(reverse("incident-check-result", args=[incident.pk, 99999]),
                       {"result": "not_affected"}).status_code == 404
    assert client.get(reverse("incident-detail", args=[99999])).status_code == 404


# --- targets and metrics ----------------------------------------------------------------------


def test_targets_page_shows_status_alarms_metrics_and_a_chart(login, system):
    for n in range(3):
        incident = open_incident(title=f"障害{n}", detected_at=ago(hours=n + 1))
        incident_services.issue_report(actor=factories.ACTOR, incident_id=incident.pk,
                                       kind="first")
    incident_services.set_target(actor=factories.ACTOR, period="month", cap=1)
    client = login(Role.RISK)
    page = html(client.get(reverse("incident-targets")))
    assert "上限超過" in page  # 3 incidents against a cap of 1
    assert "CORE" in page.split('id="clusters"')[1]  # three incidents on one system
    assert "<svg" in page and 'class="bar over"' in page  # reported hours after detection
    assert 'class="target"' in page
    assert reverse("incident-target-set") in page


def test_risk_sets_a_target_and_others_may_not(login, system):
    client = login(Role.RISK)
    response = client.post(reverse("incident-target-set"),
                           {"period": "quarter", "cap": "4", "scope": "system",
                            "scope_value": "CORE"})
    assert response.status_code == 302
    assert Target.objects.get().cap == 4
    refused = client.post(reverse("incident-target-set"),
                          {"period": "quarter", "cap": "3", "scope": "system"})
    assert refused.status_code == 422 and Target.objects.get().cap == 4
    operator = login(Role.OPERATOR)
    assert reverse("incident-target-set") not in html(operator.get(reverse("incident-targets")))
    assert operator.post(reverse("incident-target-set"),
                         {"period": "month", "cap": "1"}).status_code == 403
