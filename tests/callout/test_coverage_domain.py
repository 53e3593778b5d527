"""Pure coverage rules: the times a roster must cover (nights and holidays by the business
calendar), the gaps in them, and one person's overlapping shifts (A1-II-3, A2-RESP-1)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from antei.callout import domain
from antei.callout.domain import Gap, RosterOverride, RosterSpec

JST = ZoneInfo("Asia/Tokyo")
FRI, SAT, SUN, MON = (date(2026, 11, d) for d in (20, 21, 22, 23))  # 23 Nov: 勤労感謝の日
DAYS = [(FRI, True), (SAT, False), (SUN, False), (MON, False), (MON + timedelta(1), True)]


def at(d: date, hour: int) -> datetime:
    return datetime(d.year, d.month, d.day, hour, tzinfo=JST)


def test_nights_run_from_evening_to_the_handover_on_business_days_only() -> None:
    windows = domain.covered_windows("nights", DAYS, JST, 9, 18)
    assert windows == [(at(FRI, 18), at(SAT, 9)), (at(MON + timedelta(1), 18),
                                                   at(MON + timedelta(2), 9))]


def test_holidays_are_whole_non_business_days_and_off_hours_joins_both() -> None:
    assert domain.covered_windows("holidays", DAYS, JST, 9, 18) == [
        (at(SAT, 0), at(MON + timedelta(1), 0))]
    assert domain.covered_windows("off_hours", DAYS, JST, 9, 18)[0] == (
        at(FRI, 18), at(MON + timedelta(1), 0))


def test_a_shift_only_roster_has_a_gap_where_no_shift_covers() -> None:
    roster = RosterSpec((), 7, at(FRI, 9), overrides=(
        RosterOverride("A", at(SAT, 0), at(SAT, 12)),
        RosterOverride("B", at(SUN, 0), at(MON + timedelta(1), 0))))
    windows = domain.covered_windows("holidays", DAYS, JST, 9, 18)
    assert domain.coverage_gaps(roster, windows, at(FRI, 0), at(FRI, 0) + timedelta(7)) == [
        Gap(at(SAT, 12), at(SUN, 0), "nobody")]


def test_the_turn_of_a_person_without_verified_contact_is_a_gap() -> None:
    roster = RosterSpec(("A", "B"), 1, at(FRI, 9))
    gaps = domain.coverage_gaps(roster, [(at(FRI, 0), at(MON, 0))], at(FRI, 0), at(MON, 0),
                                frozenset({"B"}))
    assert gaps == [Gap(at(SAT, 9), at(SUN, 9), "unreachable", "B")]


@given(st.integers(min_value=1, max_value=10), st.integers(min_value=0, max_value=400))
def test_a_rotation_of_reachable_people_has_no_gap(rotation: int, offset_hours: int) -> None:
    roster = RosterSpec(("A", "B", "C"), rotation, at(FRI, 9))
    start = at(FRI, 0) + timedelta(hours=offset_hours)
    assert domain.coverage_gaps(roster, [(start, start + timedelta(7))], start,
                                start + timedelta(7)) == []


def test_one_person_cannot_hold_overlapping_shifts() -> None:
    shifts = [RosterOverride("A", at(SAT, 0), at(SAT, 12))]
    assert domain.overlapping_shift(shifts, RosterOverride("A", at(SAT, 11), at(SAT, 20)))
    assert domain.overlapping_shift(shifts, RosterOverride("A", at(SAT, 12), at(SAT, 20))) is None
    assert domain.overlapping_shift(shifts, RosterOverride("B", at(SAT, 6), at(SAT, 8))) is None


def test_roster_checks_coverage_and_night_hour() -> None:
    rules = {(v.field, v.rule) for v in domain.check_roster("R", "r", [], 7, "weekends", 24)}
    assert rules == {("coverage", "choice"), ("night_start_hour", "choice")}
