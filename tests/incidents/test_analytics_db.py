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
