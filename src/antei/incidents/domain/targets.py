"""Incident-count targets, breach forecasts, cluster alarms and response-time metrics.

Targets cap the number of incidents per period, overall and by rank, business function and
system (M-2.6, A1-I-18). Periods follow the Japanese fiscal year (1 April by default):
halves are April-September and October-March, quarters April-June and so on. A total within
target can hide one system failing again and again, so ``cluster_alarms`` looks at each
system on its own (A1-I-18). ``durations`` gives the response metrics that drills and real
incidents are compared on (M-3.3, A1-III-10).

Catalog: M-2.6, A1-I-17, A1-I-18, M-3.3, A1-III-10, C04.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum
from typing import Final

from antei.core.domain import Violation, check_choice
from antei.incidents.domain import deadlines
from antei.kernels.bizcal import JST


class Period(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"


class Scope(StrEnum):
    OVERALL = "overall"
    RANK = "rank"
    BUSINESS_FUNCTION = "business_function"
    SYSTEM = "system"


_MONTHS_EN: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
PERIOD_MONTHS: Final = {Period.MONTH: 1, Period.QUARTER: 3, Period.HALF: 6, Period.YEAR: 12}

# Linear pace is extrapolated from at least this share of the period: one incident on the
# first day of a year would otherwise forecast 365 (about 3 days of a month, 36 of a year).
MIN_ELAPSED_FRACTION: Final = 0.1


@dataclass(frozen=True)
class Target:
    """At most ``cap`` incidents per ``period`` in ``scope`` (``scope_value`` names the rank,
    business function or system; None for overall). A cap of 0 means "none at all"."""

    period: Period
    cap: int
    scope: Scope = Scope.OVERALL
    scope_value: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "period", Period(self.period))
        object.__setattr__(self, "scope", Scope(self.scope))
        if problems := check_target(period=self.period, cap=self.cap, scope=self.scope,
                                    scope_value=self.scope_value):
            raise ValueError(f"invalid target: {problems}")


def check_target(*, period: str, cap: int, scope: str, scope_value: str | None) -> list[Violation]:
    """Violations of a target as entered (M-2.6): choices, a cap of 0 or more, and a scope
    value exactly when the scope is not overall."""
    out = check_choice(str(period), [p.value for p in Period], "period")
    out += check_choice(str(scope), [s.value for s in Scope], "scope")
    if isinstance(cap, bool) or not isinstance(cap, int):
        out.append(Violation("cap", "integer"))
    elif cap < 0:
        out.append(Violation("cap", "min_value", {"min": 0, "value": cap}))
    has_value = bool((scope_value or "").strip())
    if scope == Scope.OVERALL and has_value:
        out.append(Violation("scope_value", "not_allowed", {"scope": scope}))
    elif scope != Scope.OVERALL and not has_value:
        out.append(Violation("scope_value", "required"))
    return out


@dataclass(frozen=True)
class IncidentPoint:
    """One incident as the targets see it; ``occurred_at`` is the occurrence time, or the
    detection time when occurrence is unknown. Cancelled incidents are not passed in."""

    occurred_at: datetime
    rank: int
    systems: tuple[str, ...] = ()
    business_functions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        deadlines.require_aware(self.occurred_at, "occurred_at")
        object.__setattr__(self, "systems", tuple(self.systems))
        object.__setattr__(self, "business_functions", tuple(self.business_functions))


def matches(target: Target, point: IncidentPoint) -> bool:
    """Whether ``point`` counts towards ``target``'s scope (A1-I-18)."""
    if target.scope is Scope.OVERALL:
        return True
    if target.scope is Scope.RANK:
        return str(point.rank) == target.scope_value
    if target.scope is Scope.BUSINESS_FUNCTION:
        return target.scope_value in point.business_functions
    return target.scope_value in point.systems


def period_bounds(
    period: Period, at: datetime, tz: tzinfo = JST, fiscal_year_start_month: int = 4
) -> tuple[datetime, datetime]:
    """The half-open period [start, end) containing ``at``, as local midnights in ``tz``.

    Quarters, halves and years are counted from ``fiscal_year_start_month`` (April: the
    Japanese fiscal year, so Q1 = April-June and H2 = October-March). Consecutive periods
    tile the fiscal year without gaps or overlaps.
    """
    if not 1 <= fiscal_year_start_month <= 12:
        raise ValueError(f"fiscal_year_start_month must be 1-12, got {fiscal_year_start_month}")
    local = deadlines.require_aware(at, "at").astimezone(tz)
    length = PERIOD_MONTHS[Period(period)]
    index = local.year * 12 + local.month - 1  # months since year 0
    start_index = index - (local.month - fiscal_year_start_month) % length
    return _month_start(start_index, tz), _month_start(start_index + length, tz)


def _month_start(index: int, tz: tzinfo) -> datetime:
    year, month0 = divmod(index, 12)
    return datetime(year, month0 + 1, 1, tzinfo=tz)


def period_label(
    period: Period, at: datetime, tz: tzinfo = JST, fiscal_year_start_month: int = 4
) -> tuple[str, str]:
    """Japanese and English names of the period containing ``at``: 2027年度上期 / FY2027 H1.

    A fiscal year is named after the calendar year it starts in (2027年度 = Apr 2027-Mar 2028).
    """
    start, _ = period_bounds(period, at, tz, fiscal_year_start_month)
    months_in = (start.month - fiscal_year_start_month) % 12
    fy = start.year if start.month >= fiscal_year_start_month else start.year - 1
    period = Period(period)
    if period is Period.MONTH:
        return f"{start.year}年{start.month}月", f"{_MONTHS_EN[start.month - 1]} {start.year}"
    if period is Period.QUARTER:
        q = months_in // 3 + 1
        return f"{fy}年度第{q}四半期", f"FY{fy} Q{q}"
    if period is Period.HALF:
        first = months_in < 6
        return f"{fy}年度{'上期' if first else '下期'}", f"FY{fy} H{1 if first else 2}"
    return f"{fy}年度", f"FY{fy}"


@dataclass(frozen=True)
class TargetStatus:
    target: Target
    period_start: datetime
    period_end: datetime
    actual: int
    cap: int
    remaining: int  # cap - actual, never below 0
    elapsed_fraction: float
    forecast: float  # expected count at period end at the current pace
    is_breached: bool  # actual > cap
    is_forecast_to_breach: bool  # forecast > cap (includes is_breached)


def target_status(
    target: Target,
    incidents: Iterable[IncidentPoint],
    now: datetime,
    *,
    tz: tzinfo = JST,
    fiscal_year_start_month: int = 4,
    min_elapsed_fraction: float = MIN_ELAPSED_FRACTION,
) -> TargetStatus:
    """Actual against cap in the period containing ``now``, with a linear-pace forecast.

    ``actual`` counts matching incidents in [period start, now] (future-dated ones are not
    counted). ``forecast = actual / max(elapsed_fraction, min_elapsed_fraction)``: the pace so
    far continued to the period end, but never extrapolated from less than a tenth of the
    period by default, so a single early incident does not forecast a breach on its own.
    Catalog: M-2.6, A1-I-17, A1-I-18, C04.
    """
    deadlines.require_aware(now, "now")
    if not 0 < min_elapsed_fraction <= 1:
        raise ValueError(f"min_elapsed_fraction must be in (0, 1], got {min_elapsed_fraction}")
    start, end = period_bounds(target.period, now, tz, fiscal_year_start_month)
    actual = sum(1 for p in incidents if start <= p.occurred_at <= now and matches(target, p))
    elapsed = (now - start) / (end - start)
    forecast = actual / max(elapsed, min_elapsed_fraction)
    return TargetStatus(
        target=target, period_start=start, period_end=end, actual=actual, cap=target.cap,
        remaining=max(target.cap - actual, 0), elapsed_fraction=elapsed, forecast=forecast,
        is_breached=actual > target.cap, is_forecast_to_breach=forecast > target.cap,
    )


@dataclass(frozen=True)
class ClusterAlarm:
    """``count`` incidents on ``system`` in the window (``incident_indexes`` index the input)."""

    system: str
    count: int
    window_start: datetime
    window_end: datetime
    first_at: datetime
    last_at: datetime
    incident_indexes: tuple[int, ...]


def cluster_alarms(
    incidents: Sequence[IncidentPoint],
    *,
    window: timedelta = timedelta(days=30),
    threshold: int = 3,
    now: datetime,
) -> list[ClusterAlarm]:
    """Systems with ``threshold`` or more incidents in the trailing window (now - window, now].

    Raised per system whatever the totals say: the failure A1-I-18 describes is exactly a
    total within target while one system fails several times in a short period. An
    incident on several systems counts for each. One pass over the input, then a sort per
    alarm; ordered by count (highest first), then system code. Catalog: A1-I-18, C04.
    """
    deadlines.require_aware(now, "now")
    if threshold < 1:
        raise ValueError(f"threshold must be 1 or more, got {threshold}")
    if window <= timedelta(0):
        raise ValueError(f"window must be positive, got {window}")
    window_start = now - window
    hits: defaultdict[str, list[tuple[datetime, int]]] = defaultdict(list)
    for i, point in enumerate(incidents):
        if window_start < point.occurred_at <= now:
            for system in set(point.systems):
                hits[system].append((point.occurred_at, i))
    alarms = []
    for system, found in hits.items():
        if len(found) >= threshold:
            found.sort()
            alarms.append(ClusterAlarm(
                system=system, count=len(found), window_start=window_start, window_end=now,
                first_at=found[0][0], last_at=found[-1][0],
                incident_indexes=tuple(i for _, i in found),
            ))
    alarms.sort(key=lambda a: (-a.count, a.system))
    return alarms


@dataclass(frozen=True)
class ResponseDurations:
    """Minutes from detection to each milestone; None while it has not happened."""

    to_first_report: float | None
    to_management_aware: float | None
    to_first_instruction: float | None
    to_recovery: float | None


def durations(
    *,
    detected_at: datetime,
    first_report_at: datetime | None = None,
    management_aware_at: datetime | None = None,
    first_instruction_at: datetime | None = None,
    recovered_at: datetime | None = None,
) -> ResponseDurations:
    """Response-time metrics of one incident or drill, in exact minutes (M-3.3, A1-II-5).

    The same numbers for drills and real incidents make them comparable over time (M-3.3
    (3)); PDCA dashboards aggregate them (A1-III-10). Order is not checked here
    (``states.check_timeline`` does), so bad data shows up as a negative duration.
    """
    deadlines.require_aware(detected_at, "detected_at")

    def minutes(name: str, value: datetime | None) -> float | None:
        if value is None:
            return None
        return (deadlines.require_aware(value, name) - detected_at) / timedelta(minutes=1)

    return ResponseDurations(
        to_first_report=minutes("first_report_at", first_report_at),
        to_management_aware=minutes("management_aware_at", management_aware_at),
        to_first_instruction=minutes("first_instruction_at", first_instruction_at),
        to_recovery=minutes("recovered_at", recovered_at),
    )
