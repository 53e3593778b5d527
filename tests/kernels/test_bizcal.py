"""Business calendar engine: holidays, business-day arithmetic, rolls and deadlines.

Pure tests (no database). Catalog: A2-SWA-1, A2-SWC-3, A2-PERF-SET-5, A2-PERF-CAP-1, C10.
"""

from __future__ import annotations

import dataclasses
import doctest
from datetime import UTC, date, datetime, time, timedelta

import jpholiday
import pytest
from hypothesis import given
from hypothesis import strategies as st

from antei.kernels import bizcal, bizcal_rules, specialdates
from antei.kernels.bizcal import (
    JST,
    BusinessCalendar,
    CalendarRangeError,
    Roll,
    business_day_deadline,
    business_hours_deadline,
    national_holidays,
)

BANK = BusinessCalendar.bank()
ATM = BusinessCalendar.channel("ATM", extra_closed=[date(2027, 1, 1)])

# Far enough from FIRST_YEAR/LAST_YEAR that n-day offsets never leave the supported range.
some_dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))
near_dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))
months = st.tuples(st.integers(1990, 2090), st.integers(1, 12))


@st.composite
def calendars(draw: st.DrawFn) -> BusinessCalendar:
    """The bank, an ATM, or an institution/channel calendar with random overrides."""
    closed = draw(st.frozensets(near_dates, max_size=30))
    opened = draw(st.frozensets(near_dates, max_size=30)) - closed
    return draw(st.sampled_from([
        BANK,
        ATM,
        BusinessCalendar.bank(name="institution", extra_closed=closed, extra_open=opened),
        BusinessCalendar.channel(
            "internet banking",
            open_weekdays=draw(st.frozensets(st.integers(0, 6), min_size=1)),
            open_on_holidays=draw(st.booleans()),
            open_year_end=draw(st.booleans()),
            extra_closed=closed,
            extra_open=opened,
        ),
    ]))


def month_end(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(1)


# -- national holidays: holidays.JP cross-checked with jpholiday ------------------------------

# Dates on which holidays.JP and jpholiday disagree, 1990-2050 (holidays 0.108, jpholiday
# 1.0.3): none. Both agree on every date, including the computed equinoxes up to 2050 (and
# up to 2099). If an upgrade changes that, this test fails and the date goes here, with why.
DATE_DISAGREEMENTS: dict[date, str] = {}

# Same dates, different spelling of the name; listed so that any other difference fails.
NAME_SPELLINGS: dict[date, tuple[str, str]] = {  # date: (holidays.JP, jpholiday)
    date(1990, 11, 12): ("即位礼正殿の儀", "即位の礼正殿の儀"),
    date(1993, 6, 9): ("結婚の儀", "皇太子・皇太子徳仁親王の結婚の儀"),
    date(2019, 10, 22): ("即位礼正殿の儀が行われる日", "即位礼正殿の儀"),
}


def test_national_holidays_match_jpholiday_1990_to_2050() -> None:
    """Every national holiday 1990-2050 agrees with jpholiday, date and name (C10).

    jpholiday names a substitute holiday "<holiday> 振替休日"; holidays.JP says "振替休日".
    """
    ours = {d: n for y in range(1990, 2051) for d, n in national_holidays(y).items()}
    theirs = {d: n for y in range(1990, 2051) for d, n in jpholiday.year_holidays(y)}

    assert {d: "differs" for d in set(ours) ^ set(theirs)} == {
        d: "differs" for d in DATE_DISAGREEMENTS
    }
    renamed = {}
    for d in set(ours) & set(theirs):
        theirs_name = "振替休日" if theirs[d].endswith(" 振替休日") else theirs[d]
        if ours[d] != theirs_name:
            renamed[d] = (ours[d], theirs[d])
    assert renamed == NAME_SPELLINGS


def test_years_outside_the_holiday_tables_raise_rather_than_open_every_holiday() -> None:
    """holidays.JP knows no holidays after 2099 (jpholiday does): refuse, don't guess."""
    assert jpholiday.is_holiday(date(2100, 1, 1))
    assert BANK.is_business_day(date(2099, 12, 30))
    with pytest.raises(CalendarRangeError):
        BANK.is_business_day(date(2100, 1, 4))
    with pytest.raises(CalendarRangeError):
        BANK.next_business_day(date(2099, 12, 30))
    with pytest.raises(CalendarRangeError):
        BANK.business_days(date(1948, 12, 1), date(1949, 1, 31))
    with pytest.raises(CalendarRangeError):
        national_holidays(2100)


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 5, 6), "振替休日"),  # Constitution Day fell on a Sunday
        (date(2026, 9, 22), "国民の休日"),  # sandwiched between two holidays
        (date(2019, 4, 30), "国民の休日"),  # 2019 enthronement: ten days of Golden Week
        (date(2019, 5, 1), "天皇の即位の日"),
        (date(2019, 5, 2), "国民の休日"),
        (date(2019, 10, 22), "即位礼正殿の儀が行われる日"),
        (date(2020, 7, 23), "海の日"),  # Olympic moves, 2020
        (date(2020, 7, 24), "スポーツの日"),
        (date(2020, 8, 10), "山の日"),
        (date(2021, 7, 22), "海の日"),  # and again in 2021
        (date(2021, 7, 23), "スポーツの日"),
        (date(2021, 8, 9), "振替休日"),  # Mountain Day on Sunday 8 August
    ],
)
def test_known_national_holidays_close_the_bank(day: date, name: str) -> None:
    assert national_holidays(day.year)[day] == name
    assert not BANK.is_business_day(day)


@pytest.mark.parametrize(
    "day",
    [date(2020, 10, 12), date(2021, 7, 19), date(2021, 8, 11), date(2021, 10, 11),
     date(2019, 12, 23)],  # usual dates of the moved holidays; no Emperor's Birthday in 2019
)
def test_moved_holidays_leave_their_usual_date_open(day: date) -> None:
    assert day not in national_holidays(day.year)
    assert BANK.is_business_day(day)


# -- bank rules and known dates ---------------------------------------------------------------


def test_first_business_day_of_2027_is_4_january() -> None:
    """1-3 January are closed by the Banking Act; 4 January 2027 opens (A2-SWA-1)."""
    assert [BANK.is_business_day(date(2027, 1, d)) for d in (1, 2, 3, 4)] == [
        False, False, False, True]
    assert BANK.first_business_day(2027, 1) == date(2027, 1, 4)
    assert BANK.previous_business_day(date(2027, 1, 4)) == date(2026, 12, 30)


@pytest.mark.parametrize("year", range(1990, 2091))
def test_year_end_closure_every_year(year: int) -> None:
    """2 January is never a bank business day, nor 31 Dec, 1 Jan, 3 Jan (A2-PERF-SET-5)."""
    for d in (date(year, 12, 31), date(year, 1, 1), date(year, 1, 2), date(year, 1, 3)):
        assert not BANK.is_business_day(d)


def test_golden_week_2027() -> None:
    assert BANK.business_days(date(2027, 4, 28), date(2027, 5, 7)) == [
        date(2027, 4, 28), date(2027, 4, 30), date(2027, 5, 6), date(2027, 5, 7)]
    assert BANK.add_business_days(date(2027, 4, 30), 1) == date(2027, 5, 6)
    assert BANK.business_days_between(date(2027, 4, 30), date(2027, 5, 6)) == 1


def test_saturday_service_day_and_institution_closure_override_the_rules() -> None:
    saturday, friday = date(2027, 3, 6), date(2027, 3, 5)
    cal = BusinessCalendar.bank(name="Bank A", extra_open=[saturday], extra_closed=[friday])
    assert cal.is_business_day(saturday)
    assert not cal.is_business_day(friday)
    assert cal.next_business_day(date(2027, 3, 4)) == saturday
    assert BANK.next_business_day(date(2027, 3, 4)) == friday


def test_atm_channel_runs_on_bank_holidays() -> None:
    """An ATM set to "holiday with service" on 2 January, the case of A2-PERF-SET-5."""
    assert ATM.is_business_day(date(2027, 1, 2))
    assert not ATM.is_business_day(date(2027, 1, 1))
    assert not BANK.is_business_day(date(2027, 1, 2))
    weekdays_only = BusinessCalendar.channel("branch ATM", open_weekdays=bizcal.WEEKDAYS,
                                             open_on_holidays=False)
    assert not weekdays_only.is_business_day(date(2027, 1, 9))  # Saturday
    assert not weekdays_only.is_business_day(date(2027, 1, 11))  # Coming of Age Day
    assert weekdays_only.is_business_day(date(2027, 12, 31))  # year end: service on


def test_calendar_is_immutable_and_compares_by_value() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        BANK.name = "other"  # type: ignore[misc]
    assert BusinessCalendar.bank() == BANK
    assert hash(BusinessCalendar.bank()) == hash(BANK)
    assert BusinessCalendar.bank(extra_closed=[date(2027, 3, 5)]) != BANK


def test_bad_calendars_and_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="both closed and open"):
        BusinessCalendar.bank(extra_closed=[date(2027, 3, 5)], extra_open=[date(2027, 3, 5)])
    with pytest.raises(ValueError, match="open_weekdays"):
        BusinessCalendar.channel("ATM", open_weekdays=[7])
    with pytest.raises(TypeError, match="datetime"):
        BANK.is_business_day(datetime(2027, 3, 5, 9, tzinfo=JST))
    with pytest.raises(ValueError, match="1-based"):
        BANK.nth_business_day(2027, 3, 0)
    with pytest.raises(ValueError, match="fewer than 30"):
        BANK.nth_business_day(2027, 3, 30)
    with pytest.raises(ValueError, match="not a valid Roll"):
        BANK.roll(date(2027, 3, 6), "sideways")


# -- properties -------------------------------------------------------------------------------


@given(calendars(), months)
def test_each_month_has_one_first_and_one_last_business_day(
        cal: BusinessCalendar, year_month: tuple[int, int]) -> None:
    """The first and last business days bracket exactly the month's business days."""
    year, month = year_month
    days = cal.business_days(date(year, month, 1), month_end(year, month))
    if not days:  # a channel calendar may close a whole month through its overrides
        with pytest.raises(ValueError, match="fewer than 1 business day "):
            cal.first_business_day(year, month)
        return
    first, last = cal.first_business_day(year, month), cal.last_business_day(year, month)
    assert first <= last
    assert (days[0], days[-1]) == (first, last)
    assert cal.nth_business_day(year, month, len(days)) == last
    assert cal.nth_business_day(year, month, -len(days)) == first
    with pytest.raises(ValueError, match="fewer than"):
        cal.nth_business_day(year, month, len(days) + 1)


@given(calendars(), some_dates, st.integers(-400, 400))
def test_adding_then_subtracting_business_days_returns_to_a_business_day(
        cal: BusinessCalendar, d: date, n: int) -> None:
    start = cal.roll(d, Roll.FOLLOWING)
    assert cal.add_business_days(cal.add_business_days(start, n), -n) == start


@given(calendars(), some_dates)
def test_next_and_previous_business_day_are_adjacent(cal: BusinessCalendar, d: date) -> None:
    after, before = cal.next_business_day(d), cal.previous_business_day(d)
    assert before < d < after
    assert cal.is_business_day(after) and cal.is_business_day(before)
    assert cal.business_days(d + timedelta(1), after - timedelta(1)) == []
    assert cal.business_days(before + timedelta(1), d - timedelta(1)) == []
    assert cal.add_business_days(d, 1) == after
    assert cal.add_business_days(d, -1) == before


@given(calendars(), some_dates)
def test_roll_conventions(cal: BusinessCalendar, d: date) -> None:
    following = cal.roll(d, Roll.FOLLOWING)
    preceding = cal.roll(d, "preceding")
    if cal.is_business_day(d):
        assert following == preceding == d
    else:
        assert following == cal.next_business_day(d)
        assert preceding == cal.previous_business_day(d)
    expected_mf = following if following.month == d.month else preceding
    expected_mp = preceding if preceding.month == d.month else following
    assert cal.roll(d, Roll.MODIFIED_FOLLOWING) == expected_mf
    assert cal.roll(d, "modified_preceding") == expected_mp
    assert cal.add_business_days(d, 0) == following


@given(calendars(), some_dates, st.integers(0, 400))
def test_business_days_between_counts_what_add_business_days_skips(
        cal: BusinessCalendar, d: date, n: int) -> None:
    """[start, end) counting: n for a business-day start, n - 1 for a closed one."""
    forward, backward = cal.add_business_days(d, n), cal.add_business_days(d, -n)
    opened = cal.is_business_day(d)
    if n > 0:
        assert cal.business_days_between(d, forward) == (n if opened else n - 1)
        assert cal.business_days_between(backward, d) == n
        assert cal.business_days_between(forward, d) == -cal.business_days_between(d, forward)


@given(calendars(), near_dates, st.integers(0, 120))
def test_business_days_lists_exactly_the_open_days(
        cal: BusinessCalendar, start: date, length: int) -> None:
    end = start + timedelta(length)
    expected = [start + timedelta(i) for i in range(length + 1)
                if cal.is_business_day(start + timedelta(i))]
    assert cal.business_days(start, end) == expected
    assert cal.business_days_between(start, end + timedelta(1)) == len(expected)
    assert cal.business_days(end, start - timedelta(1)) == []


def test_business_days_match_a_day_by_day_jpholiday_walk() -> None:
    """An independent peer: weekday, not a jpholiday holiday, not 31 Dec - 3 Jan."""
    start, end = date(2018, 1, 1), date(2033, 12, 31)
    walk = [start + timedelta(i) for i in range((end - start).days + 1)]
    expected = [d for d in walk if d.weekday() < 5 and not jpholiday.is_holiday(d)
                and (d.month, d.day) not in ((12, 31), (1, 1), (1, 2), (1, 3))]
    assert BANK.business_days(start, end) == expected


# -- deadlines --------------------------------------------------------------------------------


def test_sunday_night_failure_report_is_due_on_the_next_business_day() -> None:
    """A failure at 02:10 JST on a Sunday: "by 17:00 on the next business day"."""
    sunday = datetime(2027, 3, 7, 2, 10, tzinfo=JST)
    due = datetime(2027, 3, 8, 17, 0, tzinfo=JST)
    assert business_day_deadline(sunday, BANK) == due
    assert business_day_deadline(sunday, BANK, business_days=0) == due


def test_deadline_skips_a_holiday_monday() -> None:
    sunday = datetime(2027, 1, 10, 2, 10, tzinfo=JST)  # Monday 11 Jan: Coming of Age Day
    assert business_day_deadline(sunday, BANK) == datetime(2027, 1, 12, 17, tzinfo=JST)


def test_same_day_deadline_before_and_after_the_cut_off() -> None:
    morning = datetime(2027, 3, 5, 10, 0, tzinfo=JST)
    evening = datetime(2027, 3, 5, 18, 0, tzinfo=JST)
    assert business_day_deadline(morning, BANK, business_days=0) == datetime(
        2027, 3, 5, 17, tzinfo=JST)
    assert business_day_deadline(evening, BANK, business_days=0) == datetime(
        2027, 3, 8, 17, tzinfo=JST)
    assert business_day_deadline(evening, BANK, business_days=2, at=time(12)) == datetime(
        2027, 3, 9, 12, tzinfo=JST)


def test_deadline_counts_days_in_tokyo_whatever_the_input_zone() -> None:
    """23:30 UTC on Saturday is 08:30 on Sunday in Tokyo."""
    utc_saturday = datetime(2027, 3, 6, 23, 30, tzinfo=UTC)
    due = business_day_deadline(utc_saturday, BANK)
    assert due == datetime(2027, 3, 8, 17, tzinfo=JST)
    assert due.tzinfo is JST


def test_four_business_hours_from_friday_afternoon_land_on_monday() -> None:
    friday = datetime(2027, 3, 5, 16, 0, tzinfo=JST)
    assert business_hours_deadline(friday, BANK, hours=4) == datetime(
        2027, 3, 8, 12, 0, tzinfo=JST)


def test_four_business_hours_skip_a_holiday_monday() -> None:
    friday = datetime(2027, 1, 8, 16, 0, tzinfo=JST)
    assert business_hours_deadline(friday, BANK, hours=4) == datetime(
        2027, 1, 12, 12, 0, tzinfo=JST)


def test_business_hours_edges() -> None:
    """Start outside the window waits for opening; ending at closing time stays there."""
    sunday_night = datetime(2027, 3, 7, 2, 10, tzinfo=JST)
    assert business_hours_deadline(sunday_night, BANK, hours=0) == datetime(
        2027, 3, 8, 9, tzinfo=JST)
    assert business_hours_deadline(sunday_night, BANK, hours=4) == datetime(
        2027, 3, 8, 13, tzinfo=JST)
    one_pm = datetime(2027, 3, 8, 13, 0, tzinfo=JST)
    assert business_hours_deadline(one_pm, BANK, hours=4) == datetime(2027, 3, 8, 17, tzinfo=JST)
    assert business_hours_deadline(one_pm, BANK, hours=timedelta(hours=4, seconds=1)) == (
        datetime(2027, 3, 9, 9, 0, 1, tzinfo=JST))
    # 7 hours on Monday, 12 on Tuesday, the last one on Wednesday.
    assert business_hours_deadline(one_pm, BANK, hours=20, window=(time(8), time(20))) == (
        datetime(2027, 3, 10, 9, tzinfo=JST))


def test_small_business_hour_fractions_are_not_rounded_away() -> None:
    """A2-PERF-CAP-1: a short duration must not round to zero."""
    start = datetime(2027, 3, 8, 10, 0, tzinfo=JST)
    assert business_hours_deadline(start, BANK, hours=0.001) - start == timedelta(seconds=3.6)


tokyo_instants = st.builds(lambda d, t: datetime.combine(d, t, tzinfo=JST), some_dates, st.times())


@given(tokyo_instants, st.integers(0, 200))
def test_business_hours_deadline_is_inside_the_window_of_a_business_day(
        start: datetime, hours: int) -> None:
    due = business_hours_deadline(start, BANK, hours=hours)
    assert due >= start
    assert BANK.is_business_day(due.date())
    assert time(9) <= due.time() <= time(17)


def test_naive_and_malformed_deadline_inputs_are_refused() -> None:
    naive = datetime(2027, 3, 5, 16, 0)  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError, match="naive"):
        business_day_deadline(naive, BANK)
    with pytest.raises(ValueError, match="naive"):
        business_hours_deadline(naive, BANK, hours=4)
    aware = naive.replace(tzinfo=JST)
    with pytest.raises(ValueError, match="0 or more"):
        business_day_deadline(aware, BANK, business_days=-1)
    with pytest.raises(ValueError, match="0 or more"):
        business_hours_deadline(aware, BANK, hours=-1)
    with pytest.raises(ValueError, match="finite"):
        business_hours_deadline(aware, BANK, hours=float("nan"))
    with pytest.raises(ValueError, match="open before it closes"):
        business_hours_deadline(aware, BANK, hours=1, window=(time(17), time(9)))
    with pytest.raises(ValueError, match="wall-clock"):
        business_day_deadline(aware, BANK, at=time(17, tzinfo=JST))


# -- documentation ----------------------------------------------------------------------------


@pytest.mark.parametrize("module", [bizcal, bizcal_rules, specialdates])
def test_docstring_examples_hold(module: object) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)  # type: ignore[arg-type]
    assert result.attempted > 0
    assert result.failed == 0
