"""Calendar reads with the database behind them: overrides change the answers at once, and a
channel open on holidays shows up in the special-date kit (A2-SWA-1, A2-SWC-3,
A2-PERF-SET-5, M-2.8, C10)."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from antei.calendars import selectors, services
from antei.core.errors import InvalidInput, NotFound

pytestmark = pytest.mark.django_db


def _codes_on(rows: list[dict], day: date) -> set[str]:
    return {r["code"] for row in rows if row["date"] == day for r in row["reasons"]}


def test_bank_calendar_exists_and_follows_the_banking_act():
    assert selectors.around("BANK", date(2026, 12, 30))["next_business_day"] == date(2027, 1, 4)
    days = selectors.business_days("BANK", date(2026, 12, 28), date(2027, 1, 6))
    assert [d.isoformat() for d in days] == ["2026-12-28", "2026-12-29", "2026-12-30",
                                             "2027-01-04", "2027-01-05", "2027-01-06"]


def test_an_extra_closed_day_is_skipped_and_the_cache_is_not_stale(admin_actor):
    # Asked first, so the engine for the old definition is cached.
    assert selectors.around("BANK", date(2026, 12, 30))["next_business_day"] == date(2027, 1, 4)
    services.set_override(actor=admin_actor, calendar="BANK", day=date(2027, 1, 4),
                          is_open=False, reason="システム移行のため臨時休業")
    assert selectors.around("BANK", date(2026, 12, 30))["next_business_day"] == date(2027, 1, 5)
    assert not selectors.get_calendar("BANK").is_business_day(date(2027, 1, 4))
    services.remove_override(actor=admin_actor, calendar="BANK", day=date(2027, 1, 4))
    assert selectors.around("BANK", date(2026, 12, 30))["next_business_day"] == date(2027, 1, 4)


def test_an_extra_open_saturday_is_a_business_day(admin_actor):
    saturday = date(2027, 1, 9)
    assert not selectors.around("BANK", saturday)["is_business_day"]
    services.set_override(actor=admin_actor, calendar="BANK", day=saturday, is_open=True,
                          reason="土曜営業（住宅ローン相談会）")
    assert selectors.around("BANK", saturday)["is_business_day"]
    assert saturday in selectors.business_days("BANK", date(2027, 1, 4), date(2027, 1, 15))
    assert selectors.around("BANK", date(2027, 1, 8))["next_business_day"] == saturday


def test_a_channel_open_on_holidays_disagrees_with_the_bank_and_the_kit_says_so(admin_actor):
    """A2-PERF-SET-5: ATMs stopped on 2 January because it was set as a plain holiday."""
    services.create_channel_calendar(actor=admin_actor, code="ATM", name="ATM稼働日")
    atm = selectors.get_calendar("ATM")
    bank = selectors.get_calendar("BANK")
    coming_of_age = date(2027, 1, 11)
    assert atm.is_business_day(coming_of_age) and not bank.is_business_day(coming_of_age)
    rows = selectors.special_dates("BANK", date(2027, 1, 1), date(2027, 1, 31))
    for day in (date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 3), coming_of_age):
        assert "calendar_disagreement" in _codes_on(rows, day), day
    # Ordinary weekends are not disagreements worth a test case.
    assert "calendar_disagreement" not in _codes_on(rows, date(2027, 1, 9))
    text = next(r["text"] for row in rows if row["date"] == coming_of_age
                for r in row["reasons"] if r["code"] == "calendar_disagreement")
    assert "ATM" in text and "A2-PERF-SET-5" in text


def test_a_channel_closed_on_a_bank_day_is_a_disagreement_too(admin_actor):
    services.create_channel_calendar(actor=admin_actor, code="IB", name="インターネットバンキング")
    services.set_override(actor=admin_actor, calendar="IB", day=date(2027, 3, 10),
                          is_open=False, reason="基盤更改")
    rows = selectors.special_dates("BANK", date(2027, 3, 1), date(2027, 3, 31))
    assert "calendar_disagreement" in _codes_on(rows, date(2027, 3, 10))


def test_special_dates_speak_the_active_language():
    with translation.override("ja"):
        ja = selectors.special_dates("BANK", date(2028, 2, 29), date(2028, 2, 29))
    with translation.override("en"):
        en = selectors.special_dates("BANK", date(2028, 2, 29), date(2028, 2, 29))
    assert ja[0]["reasons"][0]["text"].startswith("2028年2月29日（閏日）")
    assert en[0]["reasons"][0]["text"].startswith("29 February 2028 (leap day)")
    assert ja[0]["reasons"][0]["catalog"] == ["A2-SWC-3"]


def test_special_dates_include_a_systems_own_rules_and_their_misfires():
    rows = selectors.special_dates("BANK", date(2027, 1, 1), date(2027, 12, 31),
                                   rules=["day 31"])
    assert "rule_1" in _codes_on(rows, date(2027, 3, 31))
    assert "rule_unsatisfiable" in _codes_on(rows, date(2027, 2, 1))  # no 31 February


def test_a_bad_rule_names_its_field_and_word():
    with pytest.raises(InvalidInput) as caught:
        selectors.special_dates("BANK", date(2027, 1, 1), date(2027, 1, 31),
                                rules=["last business day", "fortnightly"])
    (error,) = caught.value.errors
    assert error.field == "rule[2]" and "fortnightly" in error.message


@pytest.mark.parametrize(("start", "end", "field"), [
    (date(2027, 2, 1), date(2027, 1, 1), "to"),
    (date(1800, 1, 1), date(2027, 1, 1), "to"),  # over 200 years
    (date(1900, 1, 1), date(1950, 1, 1), "from"),  # before national holidays are known
    (date(2027, 1, 1), date(2100, 1, 1), "to"),
])
def test_ranges_are_checked(start, end, field):
    with pytest.raises(InvalidInput) as caught:
        selectors.business_days("BANK", start, end)
    assert [e.field for e in caught.value.errors] == [field]


def test_evaluate_rule_rolls_the_salary_day_back():
    result = selectors.evaluate_rule("day 25, or previous business day if closed", "BANK",
                                     date(2027, 1, 1), date(2027, 12, 31))
    assert result["count"] == 12 and result["issues"] == []
    assert date(2027, 4, 23) in result["dates"]  # 25 April 2027 is a Sunday
    assert result["canonical"] == "day 25, previous business day"


def test_unknown_calendar_is_not_found():
    with pytest.raises(NotFound):
        selectors.get_calendar("NOPE")
    with pytest.raises(NotFound):
        selectors.special_dates("NOPE", date(2027, 1, 1), date(2027, 1, 2))
