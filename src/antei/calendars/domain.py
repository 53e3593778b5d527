"""Pure rules for calendars: build engine calendars from stored values, check ranges."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from antei.core.domain import Violation, check_code, check_required
from antei.kernels.bizcal import BusinessCalendar

MAX_RANGE_YEARS = 200


def build(*, code: str, is_bank: bool, open_weekdays: Iterable[int], open_on_holidays: bool,
          open_year_end: bool, overrides: Iterable[tuple[date, bool]]) -> BusinessCalendar:
    """An engine calendar from a stored definition and its (date, is_open) overrides."""
    rows = list(overrides)
    closed = frozenset(d for d, is_open in rows if not is_open)
    opened = frozenset(d for d, is_open in rows if is_open)
    if is_bank:
        return BusinessCalendar.bank(name=code, extra_closed=closed, extra_open=opened)
    return BusinessCalendar.channel(code, open_weekdays=frozenset(open_weekdays),
                                    open_on_holidays=open_on_holidays,
                                    open_year_end=open_year_end, extra_closed=closed,
                                    extra_open=opened)


def check_range(start: date, end: date) -> list[Violation]:
    """from ≤ to, and at most 200 years (a typo like 20270 must not build a huge array)."""
    if end < start:
        return [Violation("to", "date_order", {"other": start.isoformat()})]
    if end.year - start.year > MAX_RANGE_YEARS:
        return [Violation("to", "range_years", {"max": MAX_RANGE_YEARS})]
    return []


def check_channel(values: dict[str, object]) -> list[Violation]:
    out = check_code(str(values.get("code") or "")) + check_required(values, ["name"])
    weekdays = values.get("open_weekdays")
    if isinstance(weekdays, list | tuple) and not weekdays:
        # A channel open on no weekday never opens (and next-business-day has no answer).
        out.append(Violation("open_weekdays", "required"))
    elif not isinstance(weekdays, list | tuple) or not all(
        isinstance(d, int) and 0 <= d <= 6 for d in weekdays
    ):
        out.append(Violation("open_weekdays", "weekdays"))
    return out
