"""Incident-count targets by period and scope, breach forecasts, the cluster alarm that
fires while totals look fine (A1-I-18), and response metrics (M-2.6, A1-I-17, C04)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from antei.core.domain import Violation
from antei.incidents.domain import targets
from antei.incidents.domain.targets import IncidentPoint, Period, Scope, Target
from antei.kernels.bizcal import JST


def jst(*args: int) -> datetime:
    return datetime(*args, tzinfo=JST)  # type: ignore[misc]


# -- periods -----------------------------------------------------------------------------


@pytest.mark.parametrize(("period", "at", "start", "end", "ja", "en"), [
    (Period.MONTH, jst(2027, 5, 10, 12), jst(2027, 5, 1), jst(2027, 6, 1), "2027年5月", "May 2027"),
    (Period.QUARTER, jst(2027, 5, 10, 12), jst(2027, 4, 1), jst(2027, 7, 1),
     "2027年度第1四半期", "FY2027 Q1"),
    (Period.HALF, jst(2027, 5, 10, 12), jst(2027, 4, 1), jst(2027, 10, 1),
     "2027年度上期", "FY2027 H1"),
    (Period.YEAR, jst(2027, 5, 10, 12), jst(2027, 4, 1), jst(2028, 4, 1), "2027年度", "FY2027"),
    (Period.QUARTER, jst(2028, 2, 15), jst(2028, 1, 1), jst(2028, 4, 1),
     "2027年度第4四半期", "FY2027 Q4"),
    (Period.HALF, jst(2028, 2, 15), jst(2027, 10, 1), jst(2028, 4, 1),
     "2027年度下期", "FY2027 H2"),
    (Period.YEAR, jst(2028, 3, 31, 23, 59), jst(2027, 4, 1), jst(2028, 4, 1), "2027年度", "FY2027"),
])
def test_japanese_fiscal_periods(period: Period, at: datetime, start: datetime, end: datetime,
                                 ja: str, en: str) -> None:
    assert targets.period_bounds(period, at) == (start, end)
    assert targets.period_label(period, at) == (ja, en)


def test_periods_are_taken_in_jst() -> None:
    """00:30 on 1 April in Tokyo is still 31 March in UTC: it belongs to the new year."""
    at = datetime(2027, 3, 31, 15, 30, tzinfo=UTC)
    assert targets.period_bounds(Period.YEAR, at) == (jst(2027, 4, 1), jst(2028, 4, 1))


def test_calendar_year_fiscal_start() -> None:
    assert targets.period_bounds(Period.HALF, jst(2027, 2, 1), fiscal_year_start_month=1) == (
        jst(2027, 1, 1), jst(2027, 7, 1))
    assert targets.period_label(Period.YEAR, jst(2027, 2, 1), fiscal_year_start_month=1) == (
        "2027年度", "FY2027")
    with pytest.raises(ValueError):
        targets.period_bounds(Period.YEAR, jst(2027, 2, 1), fiscal_year_start_month=13)


moments = st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2090, 12, 31),  # noqa: DTZ001
                       timezones=st.sampled_from([JST, UTC]))
periods = st.sampled_from(list(Period))
fy_starts = st.integers(1, 12)


@given(period=periods, at=moments, fy=fy_starts)
def test_period_contains_at_and_is_stable_inside(period: Period, at: datetime, fy: int) -> None:
    start, end = targets.period_bounds(period, at, fiscal_year_start_month=fy)
    assert start <= at < end
    assert targets.period_bounds(period, start, fiscal_year_start_month=fy) == (start, end)
    assert targets.period_bounds(period, end - timedelta(microseconds=1),
                                 fiscal_year_start_month=fy) == (start, end)


@given(period=periods, at=moments, fy=fy_starts)
def test_periods_partition_the_fiscal_year(period: Period, at: datetime, fy: int) -> None:
    year_start, year_end = targets.period_bounds(Period.YEAR, at, fiscal_year_start_month=fy)
    cursor, count = year_start, 0
    while cursor < year_end:
        start, end = targets.period_bounds(period, cursor, fiscal_year_start_month=fy)
        assert start == cursor
        cursor, count = end, count + 1
    assert cursor == year_end
    assert count == 12 // targets.PERIOD_MONTHS[period]


# -- targets -----------------------------------------------------------------------------

MAY = [
    IncidentPoint(jst(2027, 4, 20, 9), 3, ("CORE-01",), ("振込",)),
    IncidentPoint(jst(2027, 5, 2, 9), 2, ("CORE-01",), ("振込",)),
    IncidentPoint(jst(2027, 5, 9, 9), 1, ("CORE-01", "ATM"), ("入出金",)),
    IncidentPoint(jst(2027, 5, 12, 9), 4, ("IB",), ("振込",)),
]
MID_MAY = jst(2027, 5, 16)


def test_target_status_by_system_with_forecast() -> None:
    status = targets.target_status(Target(Period.MONTH, 2, Scope.SYSTEM, "CORE-01"), MAY, MID_MAY)
    assert (status.actual, status.cap, status.remaining) == (2, 2, 0)
    assert status.elapsed_fraction == pytest.approx(15 / 31)
    assert status.forecast == pytest.approx(2 / (15 / 31))
    assert not status.is_breached and status.is_forecast_to_breach


@pytest.mark.parametrize(("target", "actual"), [
    (Target(Period.YEAR, 10), 4),
    (Target(Period.MONTH, 10), 3),
    (Target(Period.YEAR, 0, Scope.RANK, "1"), 1),
    (Target(Period.QUARTER, 5, Scope.BUSINESS_FUNCTION, "振込"), 3),
    (Target(Period.HALF, 5, Scope.SYSTEM, "ATM"), 1),
])
def test_actuals_by_scope(target: Target, actual: int) -> None:
    assert targets.target_status(target, MAY, MID_MAY).actual == actual


def test_a_zero_cap_is_breached_by_one_incident() -> None:
    status = targets.target_status(Target(Period.YEAR, 0, Scope.RANK, "1"), MAY, MID_MAY)
    assert status.is_breached and status.remaining == 0


def test_a_single_early_incident_does_not_forecast_a_flood() -> None:
    """The pace is extrapolated from at least a tenth of the period."""
    early = [IncidentPoint(jst(2027, 4, 1, 9), 3, ("CORE-01",))]
    status = targets.target_status(Target(Period.YEAR, 12), early, jst(2027, 4, 2))
    assert status.forecast == pytest.approx(10)
    assert not status.is_forecast_to_breach


def test_future_dated_incidents_are_not_counted() -> None:
    future = [IncidentPoint(jst(2027, 5, 20), 1, ("CORE-01",))]
    assert targets.target_status(Target(Period.MONTH, 1), future, MID_MAY).actual == 0


def test_target_validation() -> None:
    assert targets.check_target(period="week", cap=-1, scope="overall", scope_value="x") == [
        Violation("period", "choice", {"value": "week", "choices": "month, quarter, half, year"}),
        Violation("cap", "min_value", {"min": 0, "value": -1}),
        Violation("scope_value", "not_allowed", {"scope": "overall"}),
    ]
    assert targets.check_target(period="year", cap=3, scope="system", scope_value=None) == [
        Violation("scope_value", "required")]
    with pytest.raises(ValueError):
        Target(Period.YEAR, 3, Scope.SYSTEM)


@given(
    times=st.lists(st.integers(0, 400 * 24), max_size=40),
    cap=st.integers(0, 20),
    now_hours=st.integers(0, 400 * 24),
    period=periods,
)
def test_forecast_is_never_below_actual(times: list[int], cap: int, now_hours: int,
                                        period: Period) -> None:
    base = jst(2027, 1, 1)
    points = [IncidentPoint(base + timedelta(hours=h), 1, ("CORE-01",)) for h in times]
    s = targets.target_status(Target(period, cap), points, base + timedelta(hours=now_hours))
    assert s.forecast >= s.actual
    assert s.is_breached <= s.is_forecast_to_breach
    assert s.remaining == max(cap - s.actual, 0)
    assert 0 <= s.elapsed_fraction < 1


# -- cluster alarms ------------------------------------------------------------------------


def test_cluster_alarm_fires_while_totals_are_within_target() -> None:
    """A1-I-18: the year total (4 of 10) is fine, yet CORE-01 failed 3 times in 30 days."""
    assert not targets.target_status(Target(Period.YEAR, 10), MAY, MID_MAY).is_breached
    alarms = targets.cluster_alarms(MAY, now=MID_MAY)
    assert [(a.system, a.count, a.incident_indexes) for a in alarms] == [
        ("CORE-01", 3, (0, 1, 2))]
    assert alarms[0].first_at == jst(2027, 4, 20, 9)
    assert alarms[0].last_at == jst(2027, 5, 9, 9)
    assert alarms[0].window_start == MID_MAY - timedelta(days=30)
    assert targets.cluster_alarms(MAY, now=MID_MAY, window=timedelta(days=14)) == []


def test_cluster_alarm_arguments_are_checked() -> None:
    with pytest.raises(ValueError):
        targets.cluster_alarms(MAY, now=MID_MAY, threshold=0)
    with pytest.raises(ValueError):
        targets.cluster_alarms(MAY, now=MID_MAY, window=timedelta(0))
    with pytest.raises(ValueError, match="naive"):
        targets.cluster_alarms(MAY, now=datetime(2027, 5, 16))  # noqa: DTZ001


points_strategy = st.lists(
    st.builds(
        IncidentPoint,
        occurred_at=st.integers(0, 90 * 24).map(lambda h: jst(2027, 1, 1) + timedelta(hours=h)),
        rank=st.integers(1, 4),
        systems=st.lists(st.sampled_from(["A", "B", "C"]), min_size=1, max_size=2).map(tuple),
    ),
    max_size=40,
)
NOW = jst(2027, 3, 1)


@given(points=points_strategy, threshold=st.integers(1, 6), days=st.integers(1, 60))
def test_cluster_alarms_are_monotonic_and_match_a_brute_force_count(
    points: list[IncidentPoint], threshold: int, days: int
) -> None:
    window = timedelta(days=days)
    alarms = {a.system: a for a in targets.cluster_alarms(points, window=window,
                                                          threshold=threshold, now=NOW)}
    higher = {a.system for a in targets.cluster_alarms(points, window=window,
                                                       threshold=threshold + 1, now=NOW)}
    wider = {a.system for a in targets.cluster_alarms(points, window=window * 2,
                                                      threshold=threshold, now=NOW)}
    assert higher <= set(alarms) <= wider
    for system in "ABC":
        count = sum(1 for p in points
                    if system in p.systems and NOW - window < p.occurred_at <= NOW)
        assert (system in alarms) is (count >= threshold)
        if system in alarms:
            assert alarms[system].count == count


# -- response metrics ----------------------------------------------------------------------


def test_durations_in_minutes_with_none_until_reached() -> None:
    detected = jst(2027, 1, 10, 2, 10)
    d = targets.durations(detected_at=detected, first_report_at=jst(2027, 1, 10, 2, 35, 30),
                          management_aware_at=jst(2027, 1, 10, 2, 40))
    assert d == targets.ResponseDurations(25.5, 30.0, None, None)
    recovered = targets.durations(detected_at=detected,
                                  recovered_at=datetime(2027, 1, 9, 20, 10, tzinfo=UTC))
    assert recovered.to_recovery == 180.0
