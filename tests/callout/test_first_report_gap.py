"""A first report (第1報) that call-out cannot page to management is said loudly, not
only logged: on the incident's call-out panel, in its call-out status over the API, and
on the rosters page for risk management (M-3.3, A1-II-5, A2-RESP-1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from antei.callout import services
from antei.callout.models import EscalationRun
from antei.core import services as core_services
from antei.core.actor import Actor
from antei.incidents import services as incident_services
from antei.incidents.models import Incident, RankPolicy
from tests.callout.bank import make_bank
from tests.conftest import PASSWORD, ApiClient

pytestmark = pytest.mark.django_db

NOT_PAGED_EN = "第1報 was not paged: the rank-2 policy RANK2 has no management distribution step"
NOT_PAGED_JA = "第1報は呼出しで送られていません: ランク2の方針 RANK2 に経営陣配信の手順がありません"


def _open(actor: Actor, capture: Any, rank: int) -> Incident:
    with capture(execute=True):
        incident = incident_services.open_incident(
            actor=actor, title="為替オンライン遅延", rank=rank, systems=["CORE"],
            detected_at=datetime.now(tz=UTC) - timedelta(minutes=2))
    with capture(execute=True):
        incident_services.issue_report(actor=actor, incident_id=incident.pk, kind="first")
    return incident


@pytest.fixture
def bank(admin_actor: Actor) -> None:
    make_bank(admin_actor)  # RANK1: roster → head → distribution (CIO, PLAN)
    services.create_policy(actor=admin_actor, code="RANK2", name="ランク2 呼出し", rank=2,
                           steps=[{"kind": "roster", "roster": "OPS-DUTY",
                                   "wait_minutes": 15}])


def test_an_unpaged_first_report_is_a_warning_in_the_callout_status(
        api: ApiClient, admin_actor: Actor, bank: None, client: Client,
        django_capture_on_commit_callbacks: Any) -> None:
    incident = _open(admin_actor, django_capture_on_commit_callbacks, rank=2)
    assert not EscalationRun.objects.filter(incident=incident, trigger="first_report").exists()
    r = api.get(f"/api/v1/incidents/{incident.pk}/callout")
    assert r.status_code == 200, r.content
    assert r.json()["warnings"] == [{"code": "first_report_not_paged",
                                     "message_ja": NOT_PAGED_JA, "message_en": NOT_PAGED_EN}]
    assert [(run["policy"], run["trigger"]) for run in r.json()["runs"]] == [("RANK2",
                                                                            "opened")]
    # the panel on the incident's call-out page says it in both languages
    client.force_login(core_services.create_user(actor=admin_actor, username="exec",
                                                 role="executive", password=PASSWORD))
    body = client.get(f"/incidents/{incident.pk}/pages/").content.decode()
    assert NOT_PAGED_JA in body and NOT_PAGED_EN in body


def test_a_paged_first_report_has_no_warning(
        api: ApiClient, admin_actor: Actor, bank: None,
        django_capture_on_commit_callbacks: Any) -> None:
    incident = _open(admin_actor, django_capture_on_commit_callbacks, rank=1)
    assert EscalationRun.objects.filter(incident=incident, trigger="first_report").exists()
    assert api.get(f"/api/v1/incidents/{incident.pk}/callout").json()["warnings"] == []


def test_before_the_first_report_the_warning_says_it_will_not_be_paged(
        api: ApiClient, admin_actor: Actor, bank: None,
        django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        incident = incident_services.open_incident(
            actor=admin_actor, title="為替オンライン遅延", rank=2, systems=["CORE"],
            detected_at=datetime.now(tz=UTC) - timedelta(minutes=2))
    [warning] = api.get(f"/api/v1/incidents/{incident.pk}/callout").json()["warnings"]
    assert warning["message_en"].startswith("第1報 will not be paged: the rank-2 policy RANK2")


def test_risk_management_sees_every_rank_whose_first_report_is_not_paged(
        admin_actor: Actor, bank: None, client: Client) -> None:
    ranks = list(RankPolicy.objects.values_list("rank", flat=True))
    assert {1, 2, 3} <= set(ranks)
    client.force_login(core_services.create_user(actor=admin_actor, username="risk",
                                                 role="risk", password=PASSWORD))
    page = client.get("/callout/rosters/")
    assert page.status_code == 200
    section = page.content.decode().split('id="first-report-gaps"')[1].split("</section>")[0]
    assert "the rank-2 policy RANK2 has no management distribution step" in section
    assert "there is no rank-3 escalation policy" in section
    assert "rank-1" not in section
    assert services.selectors.first_report_gaps()[0].rank == 2
