"""Reads: the engine calendar for a stored calendar (built once per definition), and the
questions the API, CLI and UI ask of it: business days, special dates (特異日), rules.
Engine errors become antei's InvalidInput here, once.

Catalog: A2-SWA-1, A2-SWC-3, A2-PERF-SET-5, A1-I-26, M-2.8, C10."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from django.db.models import QuerySet
from django.utils import translation

from antei.calendars import domain
from antei.calendars.models import BANK, CalendarOverride, ServiceCalendar
from antei.core import registry
from antei.core.errors import InvalidInput, NotFound
from antei.kernels import bizcal, bizcal_rules, specialdates
from antei.kernels.bizcal import BusinessCalendar


def list_calendars() -> QuerySet[ServiceCalendar]:
    return ServiceCalendar.objects.all()


def get_calendar_row(code: str) -> ServiceCalendar:
    found = ServiceCalendar.objects.filter(code=code).first()
    if found is None:
        raise NotFound("calendar", code)
    return found


def list_overrides(code: str) -> QuerySet[CalendarOverride]:
    return CalendarOverride.objects.filter(calendar__code=code).order_by("date")


@lru_cache(maxsize=64)
def _engine(code: str, is_bank: bool, open_weekdays: tuple[int, ...], open_on_holidays: bool,
            open_year_end: bool, overrides: tuple[tuple[object, bool], ...]) -> BusinessCalendar:
    # Keyed by the whole definition: an edited override is a new key, so nothing goes stale,
    # and the engine's per-decade arrays are reused across requests.
    return domain.build(code=code, is_bank=is_bank, open_weekdays=open_weekdays,
                        open_on_holidays=open_on_holidays, open_year_end=open_year_end,
                        overrides=overrides)  # type: ignore[arg-type]


def get_calendar(code: str = BANK) -> BusinessCalendar:
    """The engine calendar for `code` (the bank calendar by default), overrides applied."""
    row = get_calendar_row(code)
    overrides = tuple(CalendarOverride.objects.filter(calendar=row).order_by("date")
                      .values_list("date", "is_open"))
    return _engine(row.code, row.is_bank, tuple(row.open_weekdays or ()), row.open_on_holidays,
                   row.open_year_end, overrides)


def bank_calendar() -> BusinessCalendar:
    return get_calendar(BANK)


def _checked(start: date, end: date) -> None:
    registry.reject(domain.check_range(start, end))
    for name, d in (("from", start), ("to", end)):
        if not bizcal.FIRST_YEAR <= d.year <= bizcal.LAST_YEAR:
            raise InvalidInput.one(name, "calendar_rule",
                                   value=f"{d.isoformat()}: national holidays are known only for "
                                         f"{bizcal.FIRST_YEAR}–{bizcal.LAST_YEAR}")


def parse_rule(text: str, field: str = "rule") -> bizcal_rules.Rule:
    try:
        return bizcal_rules.parse_rule(text)
    except bizcal_rules.RuleError as exc:
        raise InvalidInput.one(field, "calendar_rule", value=str(exc)) from exc


def business_days(calendar: str, start: date, end: date) -> list[date]:
    _checked(start, end)
    return get_calendar(calendar).business_days(start, end)


def around(calendar: str, day: date) -> dict[str, Any]:
    _checked(day, day)
    cal = get_calendar(calendar)
    try:
        return {"calendar": calendar, "date": day, "is_business_day": cal.is_business_day(day),
                "next_business_day": cal.next_business_day(day),
                "previous_business_day": cal.previous_business_day(day)}
    except bizcal.CalendarRangeError as exc:
        # The neighbour lies outside the known years (31 Dec 2099), or the calendar never
        # opens: the caller's input, not a server error.
        raise InvalidInput.one("date", "calendar_rule", value=str(exc)) from exc


def special_dates(calendar: str, start: date, end: date, *,
                  rules: Sequence[str] = ()) -> list[dict[str, Any]]:
    """The special-date kit for [start, end] on `calendar`, with every channel calendar
    compared against it, reasons in the active language (Japanese by default)."""
    _checked(start, end)
    # The dates every Japanese bank's volumes follow are always in; a system's own job
    # rules come on top, so collisions with them show (salary day = month end = pension day).
    named = [bizcal_rules.SALARY_DAY, bizcal_rules.PENSION_DAY, bizcal_rules.GOTOUBI] + [
        bizcal_rules.NamedRule(code=f"rule_{i}", rule=parse_rule(text, f"rule[{i}]"),
                               name_ja=text, name_en=text)
        for i, text in enumerate(rules, 1)
    ]
    base = get_calendar(calendar)
    channels = [get_calendar(row.code) for row in list_calendars()
                if row.code != calendar and not row.is_bank]
    found = specialdates.special_dates(base, start, end, rules=named, channel_calendars=channels)
    english = (translation.get_language() or "ja").startswith("en")
    return [
        {"date": sd.date, "reasons": [
            {"code": r.code, "text": r.text_en if english else r.text_ja,
             "catalog": list(r.catalog)} for r in sd.reasons]}
        for sd in found
    ]


def evaluate_rule(text: str, calendar: str, start: date, end: date) -> dict[str, Any]:
    rule = parse_rule(text)
    _checked(start, end)
    cal = get_calendar(calendar)
    fires = rule.dates(cal, start, end)
    issues = specialdates.check_rule(rule, cal, start_year=start.year,
                                     years=end.year - start.year + 1)
    return {"rule": text, "canonical": rule.canonical, "calendar": calendar,
            "count": len(fires), "dates": fires,
            "issues": [{"year": i.year, "month": i.month, "code": i.code, "fires": list(i.fires)}
                       for i in issues]}
