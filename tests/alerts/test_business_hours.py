"""Routing by business hours (issue 5 item 2: severity, system tier, business hours): on
a day the bank calendar closes, or outside the system's online hours, a group of lower
severity opens an incident too, because nobody watches the console. Fixed clock: every
delivery passes its `now`.

Catalog: C07, A2-OPS-MON-1.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time
from typing import Any

import pytest

from antei.alerts import domain, services
from antei.alerts.models import AlertGroup
from tests import factories
from tests.alerts.conftest import am_alert, am_payload

pytestmark = pytest.mark.django_db

# Wed 2026-11-25 is a business day; Sun 2026-11-29 is closed; Mon 2026-11-23 is a
# national holiday (勤労感謝の日). Times in UTC; JST = UTC + 9.
NOON_WED = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # 12:00 JST
NIGHT_WED = datetime(2026, 11, 25, 14, 30, tzinfo=UTC)  # 23:30 JST
NOON_SUN = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)
NOON_HOLIDAY = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


@pytest.fixture
def night_rule(make_integration: Callable[..., Any]) -> Any:
    factories.system(code="NET", tier="important", online_start=time(8, 0),
                     online_end=time(21, 0))
    integration, _ = make_integration(name="夜間監視", systems=["NET"],
                                      auto_incident_severity="critical",
                                      auto_incident_outside_hours_severity="warning")
    return integration


def _deliver(integration: Any, name: str, severity: str, now: datetime) -> AlertGroup:
    alert = am_alert(name=name, instance="sw-1", severity=severity)
    services.ingest_alert_list(integration=integration, payload=am_payload(alert), now=now)
    return AlertGroup.objects.get(labels__alertname=name)


@pytest.mark.parametrize(("name", "severity", "now", "opens"), [
    ("DayWarning", "warning", NOON_WED, False),  # staffed: waits for an operator
    ("NightWarning", "warning", NIGHT_WED, True),  # after online hours
    ("SundayWarning", "warning", NOON_SUN, True),  # closed day
    ("HolidayWarning", "warning", NOON_HOLIDAY, True),  # national holiday
    ("NightInfo", "info", NIGHT_WED, False),  # below the night threshold
    ("DayCritical", "critical", NOON_WED, False),  # daytime rule: critical tier only
])
def test_outside_business_hours_a_warning_opens_an_incident(
        night_rule: Any, name: str, severity: str, now: datetime, opens: bool) -> None:
    assert night_rule.name == "夜間監視"
    group = _deliver(night_rule, name, severity, now)
    assert (group.incident_id is not None) is opens


def test_without_the_setting_nights_route_like_days(make_integration: Callable[..., Any]) -> None:
    factories.system(code="NET2", tier="important", online_start=time(8, 0),
                     online_end=time(21, 0))
    integration, _ = make_integration(name="昼夜同じ", systems=["NET2"])
    assert integration.name == "昼夜同じ"
    assert _deliver(integration, "Quiet", "warning", NIGHT_WED).incident_id is None


def test_the_setting_is_checked(make_integration: Callable[..., Any]) -> None:
    from antei.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as info:
        make_integration(auto_incident_outside_hours_severity="loud")
    assert info.value.errors[0].field == "auto_incident_outside_hours_severity"


@pytest.mark.parametrize(("local", "business_day", "start", "end", "outside"), [
    (time(12, 0), True, time(8, 0), time(21, 0), False),
    (time(7, 59), True, time(8, 0), time(21, 0), True),
    (time(21, 0), True, time(8, 0), time(21, 0), True),
    (time(12, 0), False, time(8, 0), time(21, 0), True),
    (time(3, 0), True, None, None, False),  # no online hours: the whole business day
    (time(23, 0), True, time(22, 0), time(6, 0), False),  # window across midnight
    (time(12, 0), True, time(22, 0), time(6, 0), True),
])
def test_outside_hours_rule(local: time, business_day: bool, start: time | None,
                            end: time | None, outside: bool) -> None:
    at = datetime.combine(NOON_WED.date(), local)
    assert domain.outside_hours(at, business_day, start, end) is outside
