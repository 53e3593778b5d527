"""The recurring-date rule language: parsing, errors, and dates for real months.

Pure tests. Catalog: A2-SWA-1 (first-business-day jobs), A2-SWC-3 (29 February), A1-I-8, C10.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from antei.kernels.bizcal import BusinessCalendar, CalendarRangeError, Roll
from antei.kernels.bizcal_rules import (
    ALL_MONTHS,
    GOTOUBI,
    LAST_DAY,
    PENSION_DAY,
    SALARY_DAY,
    Adjust,
    Rule,
    RuleError,
    RuleKind,
    parse_rule,
)

BANK = BusinessCalendar.bank()
Y2027 = (date(2027, 1, 1), date(2027, 12, 31))


def month_end(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(1)


# -- the documented examples, on real months ---------------------------------------------------


def test_every_business_day_skips_golden_week() -> None:
    rule = parse_rule("every business day")
    assert rule.dates(BANK, date(2027, 5, 1), date(2027, 5, 10)) == [
        date(2027, 5, 6), date(2027, 5, 7), date(2027, 5, 10)]
    assert rule.dates(BANK, *Y2027) == BANK.business_days(*Y2027)


def test_first_business_day_of_each_month() -> None:
    """A2-SWA-1: interest capitalisation runs on the first business day, not the 1st."""
    rule = parse_rule("first business day of each month")
    assert parse_rule("1st business day monthly") == rule
    fired = rule.dates(BANK, *Y2027)
    assert fired[:5] == [date(2027, 1, 4), date(2027, 2, 1), date(2027, 3, 1), date(2027, 4, 1),
                         date(2027, 5, 6)]
    assert len(fired) == 12


def test_third_business_day() -> None:
    rule = parse_rule("3rd business day of each month")
    assert rule.dates(BANK, date(2027, 1, 1), date(2027, 5, 31))[::4] == [
        date(2027, 1, 6), date(2027, 5, 10)]


def test_last_business_day() -> None:
    fired = parse_rule("last business day").dates(BANK, *Y2027)
    assert fired[:4] == [date(2027, 1, 29), date(2027, 2, 26), date(2027, 3, 31),
                         date(2027, 4, 30)]
    assert fired[-1] == date(2027, 12, 30)  # 31 December is closed
    assert parse_rule("月末営業日") == parse_rule("last business day of each month")


def test_second_last_business_day_of_named_months() -> None:
    rule = parse_rule("2nd last business day of March, September")
    assert rule == parse_rule("second to last business day in mar and sept")
    assert rule.dates(BANK, *Y2027) == [date(2027, 3, 30), date(2027, 9, 29)]


def test_quarter_end_months() -> None:
    rule = parse_rule("last business day of quarter-end months")
    assert rule.dates(BANK, *Y2027) == [date(2027, 3, 31), date(2027, 6, 30), date(2027, 9, 30),
                                       date(2027, 12, 30)]


def test_salary_day_moves_to_the_previous_business_day() -> None:
    fired = SALARY_DAY.rule.dates(BANK, *Y2027)
    assert len(fired) == 12
    assert date(2027, 1, 25) in fired
    assert date(2027, 4, 23) in fired  # Sunday 25 April
    assert date(2027, 9, 24) in fired  # Saturday 25 September
    assert date(2027, 12, 24) in fired  # Saturday 25 December


def test_pension_day_is_the_15th_of_even_months_or_the_business_day_before() -> None:
    assert PENSION_DAY.rule == parse_rule("年金支給日")
    assert PENSION_DAY.rule.dates(BANK, date(2026, 1, 1), date(2026, 12, 31)) == [
        date(2026, 2, 13),  # Sunday 15 February
        date(2026, 4, 15), date(2026, 6, 15),
        date(2026, 8, 14),  # Saturday 15 August
        date(2026, 10, 15), date(2026, 12, 15)]


def test_gotoubi_rolls_forward_and_takes_the_previous_month_end_along() -> None:
    assert GOTOUBI.rule == parse_rule("五十日")
    assert GOTOUBI.rule.dates(BANK, date(2027, 1, 1), date(2027, 1, 31)) == [
        date(2027, 1, 4),  # 31 Dec 2026 is closed: the month-end gotoubi lands here
        date(2027, 1, 5),
        date(2027, 1, 12),  # Sunday 10th, then Coming of Age Day
        date(2027, 1, 15), date(2027, 1, 20), date(2027, 1, 25)]


def test_leap_day_unadjusted_and_skipped() -> None:
    """A2-SWC-3: a job keyed to 29 February only exists in leap years."""
    span = (date(2024, 1, 1), date(2032, 12, 31))
    assert parse_rule("day 29 of February, unadjusted").dates(BANK, *span) == [
        date(2024, 2, 29), date(2028, 2, 29), date(2032, 2, 29)]
    # 29 Feb 2032 is a Sunday.
    assert parse_rule("day 29 of February, skip if closed").dates(BANK, *span) == [
        date(2024, 2, 29), date(2028, 2, 29)]
    assert parse_rule("day 29 of february") == parse_rule("day 29 of February, skip if closed")


def test_modified_following_stays_in_the_month() -> None:
    rule = parse_rule("day 31, modified following business day")
    assert rule.dates(BANK, date(2027, 10, 1), date(2027, 11, 30)) == [date(2027, 10, 29)]
    following = parse_rule("day 31, following business day")
    assert following.dates(BANK, date(2027, 10, 1), date(2027, 11, 30)) == [date(2027, 11, 1)]


def test_japanese_aliases() -> None:
    assert parse_rule("毎営業日") == parse_rule("every business day")
    assert parse_rule("月初営業日") == parse_rule("first business day")
    assert parse_rule("第3営業日") == parse_rule("3rd business day of each month")
    assert parse_rule(" 最終 営業日 ") == parse_rule("last business day")


def test_parsed_structure_and_original_text_kept() -> None:
    rule = parse_rule("Days 5, 10 and LAST of even months, or next business day if closed")
    assert rule == Rule(kind=RuleKind.DAYS, days=(5, 10, LAST_DAY),
                        months=frozenset({2, 4, 6, 8, 10, 12}), adjust=Adjust.FOLLOWING)
    assert rule.text.startswith("Days 5")
    assert rule.canonical == "days 5, 10, last of even months, following business day"


# -- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "word", "position", "fragment"),
    [
        ("every fortnight", "fortnight", 6, "expected 'business'"),
        ("day 32", "32", 4, "expected 1-31 or 'last'"),
        ("day 0", "0", 4, "expected 1-31 or 'last'"),
        ("days 5, 10, 15x", "15x", 12, "not a day of the month"),
        ("last business day of Smarch", "Smarch", 21, "a month name such as 'March'"),
        ("1th business day", "1th", 0, "expected '1st'"),
        ("40th business day", "40th", 0, "1st to 31st"),
        ("last business day, following", "following", 19, "takes no roll"),
        ("day 25 following business day if open", "open", 33, "expected 'closed'"),
        ("fortnightly", "fortnightly", 0, "an ordinal such as 'first' or '3rd'"),
        ("last business day monthly please", "please", 26, "the end of the rule"),
        ("毎日", "毎", 0, "expected 'every'"),
    ],
)
def test_bad_rules_name_the_offending_word(text: str, word: str, position: int,
                                           fragment: str) -> None:
    with pytest.raises(RuleError) as caught:
        parse_rule(text)
    error = caught.value
    assert (error.word, error.position) == (word, position)
    assert repr(word) in str(error)
    assert fragment in str(error)
    assert isinstance(error, ValueError)
    assert error.code == "bizcal.rule_invalid"


@pytest.mark.parametrize(("text", "fragment", "position"), [
    ("", "empty rule", 0),
    ("   ", "empty rule", 0),
    ("day", "ends too early: expected a day of the month 1-31 or 'last'", 3),
    ("day 25, or", "ends too early: expected 'following'", 10),
    ("3rd business", "ends too early: expected 'day'", 12),
])
def test_incomplete_rules_say_what_was_expected(text: str, fragment: str, position: int) -> None:
    with pytest.raises(RuleError) as caught:
        parse_rule(text)
    assert fragment in str(caught.value)
    assert (caught.value.word, caught.value.position) == ("", position)


def test_hand_made_rules_are_checked_and_normalised() -> None:
    assert Rule(kind=RuleKind.DAYS, days=(LAST_DAY, 10, 5, 10)).days == (5, 10, LAST_DAY)
    with pytest.raises(ValueError, match="months"):
        Rule(kind=RuleKind.EVERY, months=frozenset())
    with pytest.raises(ValueError, match="nth"):
        Rule(kind=RuleKind.NTH, nth=0)
    with pytest.raises(ValueError, match="days"):
        Rule(kind=RuleKind.DAYS, days=(32,))


def test_dates_outside_the_supported_years_raise() -> None:
    with pytest.raises(CalendarRangeError):
        SALARY_DAY.rule.dates(BANK, date(2099, 1, 1), date(2100, 12, 31))


# -- properties --------------------------------------------------------------------------------


day_items = st.one_of(st.integers(1, 31), st.just(LAST_DAY))
rules = st.one_of(
    st.builds(Rule, kind=st.just(RuleKind.EVERY),
              months=st.frozensets(st.integers(1, 12), min_size=1)),
    st.builds(Rule, kind=st.just(RuleKind.NTH),
              nth=st.integers(1, 23) | st.integers(-23, -1),
              months=st.frozensets(st.integers(1, 12), min_size=1)),
    st.builds(Rule, kind=st.just(RuleKind.DAYS),
              days=st.lists(day_items, min_size=1, max_size=6).map(tuple),
              months=st.frozensets(st.integers(1, 12), min_size=1),
              adjust=st.sampled_from(Adjust)),
)


@given(rules)
def test_canonical_text_parses_back_to_the_same_rule(rule: Rule) -> None:
    assert parse_rule(rule.canonical) == rule


@given(st.integers(2000, 2090), st.integers(1, 23) | st.integers(-23, -1))
def test_nth_business_day_rule_agrees_with_the_calendar(year: int, n: int) -> None:
    rule = Rule(kind=RuleKind.NTH, nth=n)
    expected = []
    for month in range(1, 13):
        try:
            expected.append(BANK.nth_business_day(year, month, n))
        except ValueError:
            continue  # the month has fewer than |n| business days: the rule skips it
    assert rule.dates(BANK, date(year, 1, 1), date(year, 12, 31)) == expected


@given(st.integers(2000, 2090), st.integers(1, 31),
       st.sampled_from([Roll.FOLLOWING, Roll.PRECEDING, Roll.MODIFIED_FOLLOWING,
                        Roll.MODIFIED_PRECEDING]))
def test_vectorised_rolls_agree_with_the_scalar_roll(year: int, day: int, roll: Roll) -> None:
    rule = Rule(kind=RuleKind.DAYS, days=(day,), months=ALL_MONTHS, adjust=Adjust(roll.value))
    start, end = date(year, 1, 1), date(year, 12, 31)
    candidates = [date(year + y, m, day) for y in (-1, 0, 1) for m in range(1, 13)
                  if day <= month_end(year + y, m).day]
    expected = sorted({rolled for c in candidates
                       if start <= (rolled := BANK.roll(c, roll)) <= end})
    assert rule.dates(BANK, start, end) == expected
