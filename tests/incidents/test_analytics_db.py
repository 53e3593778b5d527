"""Cause × phase counts and repeat incidents from recorded analyses, through the API and on
the targets page (M-2.5, A1-I-12, A1-III-10, C05)."""

from datetime import timedelta

import pytest

from antei.core import clock
from antei.core import services as core_services
from antei.incidents import services
from tests import factories

pytestmark = pytest.mark.django_db


def _analysed(system: str, days_ago: int, category: str, phase: str) -> int:
    incident = services.open_incident(
        actor=factories.ACTOR, title=f"{category} {days_ago}", rank=3, systems=[system],
        detected_at=clock.now() - timedelta(days=days_ago))
    services.record_cause_analysis(actor=factories.ACTOR, incident_id=incident.pk,
                                   injection_phase=phase, cause_category=category,
                                   direct_cause="ログ領域満杯", root_cause="監視対象外")
    return incident.pk


@pytest.fixture
def history():
    factories.system(code="CORE")
    factories.system(code="FX")
    _analysed("CORE", 200, "capacity", "operations")
    _analysed("CORE", 20, "capacity", "operations")
    _analysed("FX", 10, "release", "release")


def test_api_counts_causes_and_finds_the_repeat(history, api):
    body = api.get("/api/v1/incidents/analytics").json()
    counts = {tuple(c["key"]): c["count"] for c in body["cause_by_phase"]}
    assert counts[("capacity", "operations")] == 2
    assert counts[("release", "release")] == 1
    assert [(r["system"], r["cause_category"]) for r in body["repeats"]] == [("CORE", "capacity")]
    assert body["repeats"][0]["days_apart"] == pytest.approx(180, abs=0.1)


def test_targets_page_shows_the_repeat_in_japanese(history, client, admin_actor):
    core_services.create_user(actor=admin_actor, username="risk1", role="risk",
                              password="correct-horse-battery-staple-7")
    from antei.core.models import User

    client.force_login(User.objects.get(username="risk1"))
    html = client.get("/incidents/targets").content.decode()
    main = html.split("<main>", 1)[1]
    assert "再発障害" in main
    assert html.count('id="causes"') == 1
    assert "キャパシティ" in html


def test_marking_an_action_done_is_recorded_once(api):
    """A1-III-10: the PDCA loop closes on evidence; a second 'done' is refused."""
    factories.system(code="CORE")
    owner = factories.person(code="OWN")
    incident = services.open_incident(actor=factories.ACTOR, title="バッチ遅延", rank=3,
                                      systems=["CORE"],
                                      detected_at=clock.now() - timedelta(days=3))
    action = services.add_recurrence_action(actor=factories.ACTOR, incident_id=incident.pk,
                                            title="終了監視の追加", owner=owner.code,
                                            due_on=clock.now().date())
    url = f"/api/v1/incidents/{incident.pk}/actions/{action.pk}/done"
    first = api.post(url)
    assert first.status_code == 200
    assert first.json()["done_at"] is not None
    again = api.post(url)
    assert again.status_code == 409
    assert again.json()["errors"][0]["rule"] == "already_done"


def test_an_external_case_is_opened_from_the_form_without_systems(client, admin_actor):
    """A1-I-13: another bank's failure, recorded for 'could this happen here?'."""
    from antei.core.models import User
    from antei.incidents.models import Incident

    core_services.create_user(actor=admin_actor, username="op1", role="operator",
                              password="correct-horse-battery-staple-7")
    client.force_login(User.objects.get(username="op1"))
    detected = (clock.now() - timedelta(hours=2)).astimezone(clock.display_zone())
    response = client.post("/incidents/new", {
        "title": "他行で勘定系停止", "rank": "2", "is_external": "on",
        "external_institution": "さざなみ銀行",
        "detected_at": detected.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302, response.content.decode()[:500]
    incident = Incident.objects.get(title="他行で勘定系停止")
    assert incident.is_external and incident.external_institution == "さざなみ銀行"
