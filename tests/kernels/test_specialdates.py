"""The special-date kit: which dates to test, why, in Japanese and English.

Pure tests. Catalog: A2-SWA-1, A2-SWC-3, A2-PERF-SET-5, A1-I-8, A1-I-25, M-2.8, C10.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from antei.kernels.bizcal import BusinessCalendar
from antei.kernels.bizcal_rules import (
    GOTOUBI,
    PENSION_DAY,
    SALARY_DAY,
    named_rule,
    parse_rule,
)
from antei.kernels.specialdates import (
    CalendarDisagreement,
    SpecialDate,
    calendar_disagreements,
    check_rule,
    special_dates,
)

BANK = BusinessCalendar.bank()
ATM = BusinessCalendar.channel("ATM", extra_closed=[date(2028, 1, 1)])
MONTH_END = named_rule("month_end", "last business day", name_ja="月末営業日",
                       name_en="month-end business day")


@pytest.fixture(scope="module")
def year_2028() -> dict[date, SpecialDate]:
    found = special_dates(BANK, date(2028, 1, 1), date(2028, 12, 31),
                          rules=[SALARY_DAY, PENSION_DAY, GOTOUBI], channel_calendars=[ATM])
    return {s.date: s for s in found}


def codes(found: dict[date, SpecialDate], day: date) -> set[str]:
    return set(found[day].codes) if day in found else set()


def test_2028_leap_day(year_2028: dict[date, SpecialDate]) -> None:
    """A2-SWC-3: 29 February 2028 is listed, in both languages."""
    leap = next(r for r in year_2028[date(2028, 2, 29)].reasons if r.code == "leap_day")
    assert leap.text_ja == "2028年2月29日（閏日）：日付処理・自動起動の確認（A2-SWC-3）"
    assert leap.text_en == (
        "29 February 2028 (leap day): check date handling and automatic start-up (A2-SWC-3)")
    assert leap.catalog == ("A2-SWC-3",)
    assert "leap_year" in codes(year_2028, date(2028, 12, 31))  # day 366


def test_2028_year_end_and_year_start(year_2028: dict[date, SpecialDate]) -> None:
    assert {"year_end_closure", "month_end_closed"} <= codes(year_2028, date(2028, 12, 31))
    assert "long_holiday_start" in codes(year_2028, date(2028, 12, 30))  # Saturday
    assert {"first_business_day_of_year", "after_long_holiday",
            "first_business_day_after_month_start"} <= codes(year_2028, date(2028, 1, 4))
    # A2-PERF-SET-5: 2 January is a bank holiday and this ATM runs on it.
    assert {"jan_2_closed", "calendar_disagreement"} <= codes(year_2028, date(2028, 1, 2))


def test_2028_golden_week(year_2028: dict[date, SpecialDate]) -> None:
    start = next(r for r in year_2028[date(2028, 5, 3)].reasons
                 if r.code == "long_holiday_start")
    assert "ゴールデンウィーク" in start.text_ja and "5連休" in start.text_ja
    assert "5-day Golden Week closure" in start.text_en
    assert "after_long_holiday" in codes(year_2028, date(2028, 5, 8))
    assert "long_holiday_start" not in codes(year_2028, date(2028, 4, 29))  # two days only


def test_silver_week_and_new_year_runs_are_named() -> None:
    found = {s.date: s for s in special_dates(BANK, date(2026, 9, 1), date(2027, 1, 31))}
    silver = next(r for r in found[date(2026, 9, 19)].reasons if r.code == "long_holiday_start")
    assert "シルバーウィークの5連休" in silver.text_ja
    assert "after_long_holiday" in found[date(2026, 9, 24)].codes
    new_year = next(r for r in found[date(2026, 12, 31)].reasons
                    if r.code == "long_holiday_start")
    assert "年末年始の4連休" in new_year.text_ja and "1月3日まで" in new_year.text_ja
    assert "New Year closure" in new_year.text_en
    weekend = next(r for r in found[date(2026, 10, 10)].reasons
                   if r.code == "long_holiday_start")
    assert "スポーツの日を含む3連休" in weekend.text_ja


def test_2028_month_start_and_month_end(year_2028: dict[date, SpecialDate]) -> None:
    """A2-SWA-1: 1 April 2028 is a Saturday; month-start jobs run on Monday the 3rd."""
    assert "month_start_closed" in codes(year_2028, date(2028, 4, 1))
    assert "first_business_day_after_month_start" in codes(year_2028, date(2028, 4, 3))
    assert "month_end_closed" in codes(year_2028, date(2028, 4, 30))
    assert "last_business_day" in codes(year_2028, date(2028, 4, 28))
    assert "month_start_closed" not in codes(year_2028, date(2028, 3, 1))  # a Wednesday


def test_2028_period_ends(year_2028: dict[date, SpecialDate]) -> None:
    assert "fiscal_year_end" in codes(year_2028, date(2028, 3, 31))
    assert "half_year_end" in codes(year_2028, date(2028, 9, 29))  # 30 September is Saturday
    assert "quarter_end" in codes(year_2028, date(2028, 6, 30))
    assert "quarter_end" in codes(year_2028, date(2028, 12, 29))


def test_iso_week_53() -> None:
    found = {s.date: s for s in special_dates(BANK, date(2026, 12, 1), date(2026, 12, 31))}
    assert "iso_53_week_year" in found[date(2026, 12, 28)].codes
    assert not any("iso_53_week_year" in s.codes
                   for s in special_dates(BANK, date(2027, 1, 1), date(2028, 12, 31)))


def test_rules_become_reasons_and_collide_on_busy_days(
        year_2028: dict[date, SpecialDate]) -> None:
    """A1-I-25: salary day and gotoubi on the same 25th are one peak, not two."""
    assert {"salary_day", "gotoubi", "rule_collision"} <= codes(year_2028, date(2028, 1, 25))
    assert {"pension_day", "gotoubi", "rule_collision"} <= codes(year_2028, date(2028, 2, 15))
    # 15 April 2028 is a Saturday: pension on Friday the 14th, gotoubi on Monday the 17th.
    assert "rule_collision" not in codes(year_2028, date(2028, 4, 14))
    assert "pension_day" in codes(year_2028, date(2028, 4, 14))
    assert "gotoubi" in codes(year_2028, date(2028, 4, 17))


def test_salary_day_colliding_with_the_last_business_day() -> None:
    """An institution closed on Friday 26 February 2027 (a system migration): the 25th
    becomes both salary day and the last business day of the month."""
    migrating = BusinessCalendar.bank(name="Bank A", extra_closed=[date(2027, 2, 26)])
    found = {s.date: s for s in special_dates(migrating, date(2027, 2, 1), date(2027, 2, 28),
                                              rules=[SALARY_DAY, MONTH_END])}
    assert {"salary_day", "month_end", "rule_collision", "last_business_day"} <= set(
        found[date(2027, 2, 25)].codes)
    collision = next(r for r in found[date(2027, 2, 25)].reasons if r.code == "rule_collision")
    assert "給与振込日・月末営業日" in collision.text_ja
    assert "salary day, month-end business day" in collision.text_en

    usual = {s.date: s for s in special_dates(BANK, date(2027, 2, 1), date(2027, 2, 28),
                                              rules=[SALARY_DAY, MONTH_END])}
    assert "rule_collision" not in usual[date(2027, 2, 25)].codes
    assert "month_end" in usual[date(2027, 2, 26)].codes


def test_output_is_sorted_merged_and_worded(year_2028: dict[date, SpecialDate]) -> None:
    found = special_dates(BANK, date(2028, 1, 1), date(2028, 12, 31),
                          rules=[SALARY_DAY, PENSION_DAY, GOTOUBI], channel_calendars=[ATM])
    days = [s.date for s in found]
    assert days == sorted(set(days))
    assert all(date(2028, 1, 1) <= d <= date(2028, 12, 31) for d in days)
    for special in found:
        assert special.reasons
        assert len(set(special.reasons)) == len(special.reasons)
        for reason in special.reasons:
            assert reason.text_ja.startswith(f"{special.date.year}年{special.date.month}月")
            assert f"{special.date.day} " in reason.text_en
    with pytest.raises(ValueError, match="before start"):
        special_dates(BANK, date(2028, 2, 1), date(2028, 1, 1))


def test_channel_disagreements_leave_out_plain_weekends(
        year_2028: dict[date, SpecialDate]) -> None:
    """The ATM runs every day: holidays differ from the bank, ordinary weekends do not count."""
    assert "calendar_disagreement" in codes(year_2028, date(2028, 1, 10))  # Coming of Age Day
    assert "calendar_disagreement" not in codes(year_2028, date(2028, 1, 8))  # a Saturday
    assert "calendar_disagreement" not in codes(year_2028, date(2028, 1, 1))  # both closed
    reason = next(r for r in year_2028[date(2028, 1, 10)].reasons
                  if r.code == "calendar_disagreement")
    assert reason.text_en.startswith("10 January 2028 (bank closed, ATM open)")


# -- check_rule ---------------------------------------------------------------------------------


def test_check_rule_finds_months_where_a_job_never_runs() -> None:
    """A2-SWC-3: a job on "day 29 of February" does nothing three years in four."""
    issues = check_rule(parse_rule("day 29 of February, skip if closed"), BANK,
                        start_year=2025, years=4)
    assert [(i.year, i.month, i.code) for i in issues] == [
        (2025, 2, "rule_unsatisfiable"), (2026, 2, "rule_unsatisfiable"),
        (2027, 2, "rule_unsatisfiable")]


def test_check_rule_finds_rolls_that_leave_the_month() -> None:
    """'day 1, preceding': a closed 1 May 2027 moves to April, which then runs twice."""
    issues = {(i.month, i.code): i for i in check_rule(parse_rule("day 1, preceding"), BANK,
                                                       start_year=2027)}
    assert issues[(5, "rule_unsatisfiable")].fires == ()
    assert issues[(4, "rule_multiple_fires")].fires == (date(2027, 4, 1), date(2027, 4, 30))
    outside = check_rule(parse_rule("day 1 of even months, preceding"), BANK, start_year=2025)
    # 1 February 2025 is a Saturday: the job runs on 31 January, a month it does not select.
    assert [(i.month, i.code, i.fires) for i in outside][:2] == [
        (1, "rule_fires_outside_months", (date(2025, 1, 31),)),
        (2, "rule_unsatisfiable", ())]


@given(st.integers(1990, 2090))
def test_well_formed_monthly_rules_have_no_issues(year: int) -> None:
    for rule in (SALARY_DAY.rule, PENSION_DAY.rule, parse_rule("last business day"),
                 parse_rule("5th business day"), parse_rule("every business day")):
        assert check_rule(rule, BANK, start_year=year) == []


def test_rule_issues_show_up_among_special_dates() -> None:
    leap_job = named_rule("leap_job", "day 29 of February", name_ja="閏日バッチ",
                          name_en="leap-day batch")
    found = {s.date: s for s in special_dates(BANK, date(2027, 1, 1), date(2027, 12, 31),
                                              rules=[leap_job])}
    assert "rule_unsatisfiable" in found[date(2027, 2, 1)].codes
    reason = next(r for r in found[date(2027, 2, 1)].reasons if r.code == "rule_unsatisfiable")
    assert "2027年2月に0回実行" in reason.text_ja


# -- calendar_disagreements ---------------------------------------------------------------------


def test_loaded_atm_calendar_that_stops_on_2_january_is_flagged() -> None:
    """A2-PERF-SET-5: 2 January set as "holiday" (service stopped) instead of "holiday with
    service": comparing with the approved calendar finds exactly that date."""
    approved = BusinessCalendar.channel("ATM (approved)", extra_closed=[date(2028, 1, 1)])
    loaded = BusinessCalendar.channel("ATM (loaded)",
                                      extra_closed=[date(2028, 1, 1), date(2028, 1, 2)])
    assert calendar_disagreements(approved, loaded, date(2027, 12, 1), date(2028, 1, 31)) == [
        CalendarDisagreement(date(2028, 1, 2), a_open=True, b_open=False)]
    assert calendar_disagreements(loaded, approved, date(2027, 12, 1), date(2028, 1, 31)) == [
        CalendarDisagreement(date(2028, 1, 2), a_open=False, b_open=True)]
    assert calendar_disagreements(approved, approved, date(2027, 1, 1), date(2028, 12, 31)) == []


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
       st.integers(0, 400))
def test_disagreements_are_exactly_the_dates_whose_status_differs(start: date,
                                                                   length: int) -> None:
    end = date.fromordinal(start.toordinal() + length)
    found = calendar_disagreements(BANK, ATM, start, end)
    walk = [date.fromordinal(start.toordinal() + i) for i in range(length + 1)]
    assert [(g.date, g.a_open, g.b_open) for g in found] == [
        (d, BANK.is_business_day(d), ATM.is_business_day(d)) for d in walk
        if BANK.is_business_day(d) != ATM.is_business_day(d)]
