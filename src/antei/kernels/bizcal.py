"""Japanese bank business calendar: holidays, business-day arithmetic and deadlines.

A day is a business day of the bank calendar unless the Banking Act Enforcement Order
(銀行法施行令 art. 5) closes it: Saturdays, Sundays, national holidays (国民の祝日, including
振替休日 and 国民の休日) and 31 December - 3 January. An institution adds its own closed days
and open days (a Saturday service day) as overrides. Channels such as ATMs or internet banking
get calendars of their own, because an ATM may run on a bank holiday (A2-PERF-SET-5).

National holidays come from ``holidays.JP`` (category public) and are cross-checked against
``jpholiday`` by the tests. Years outside FIRST_YEAR..LAST_YEAR (the years ``holidays.JP``
knows) raise CalendarRangeError: past LAST_YEAR the package returns no holidays at all, and
a calendar that silently made every holiday a business day would be worse than an error.
Today's rules are applied to every year; Saturday banking before February 1989 is not modelled.

Conventions, repeated on each method:

- ``add_business_days(d, n)`` counts business days strictly after ``d`` (n > 0) or strictly
  before it (n < 0). From a Saturday, +1 is Monday, the same as ``next_business_day``;
  numpy's ``busday_offset(roll='forward')`` would say Tuesday.
- ``business_days_between(start, end)`` counts the half-open range [start, end).
- ``business_days(start, end)`` lists the closed range [start, end].

>>> bank = BusinessCalendar.bank()
>>> bank.first_business_day(2027, 1)     # 1-3 January closed, Monday the 4th opens
datetime.date(2027, 1, 4)
>>> bank.add_business_days(date(2027, 4, 28), 1)    # Golden Week: 29 Apr, 1-5 May closed
datetime.date(2027, 4, 30)
>>> bank.add_business_days(date(2027, 4, 28), 2)
datetime.date(2027, 5, 6)

Speed: on first use a calendar builds, for whole decades around the dates asked about, a
boolean "open" array and the sorted day numbers of its business days; every question is then
an index or a ``numpy.searchsorted``. A hundred years of business days is one slice.

Catalog: A2-SWA-1, A2-SWC-3, A2-PERF-SET-5, A2-PERF-CAP-1, M-2.8, C10.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from types import MappingProxyType
from typing import Final
from zoneinfo import ZoneInfo

import numpy as np
from holidays.countries.japan import Japan
from numpy.typing import NDArray

JST: Final = ZoneInfo("Asia/Tokyo")
FIRST_YEAR: Final[int] = Japan.start_year
LAST_YEAR: Final[int] = Japan.end_year
WEEKDAYS: Final = frozenset(range(5))  # Monday=0 .. Friday=4, as date.weekday() numbers them
EVERY_DAY: Final = frozenset(range(7))

_EPOCH: Final = date(1970, 1, 1).toordinal()  # numpy's datetime64[D] counts days from here
_EPOCH_WEEKDAY: Final = 3  # 1970-01-01 was a Thursday
_BLOCK_YEARS: Final = 10  # calendars grow a decade at a time


class CalendarRangeError(ValueError):
    """A date outside FIRST_YEAR..LAST_YEAR, whose national holidays are unknown."""

    code = "bizcal.out_of_range"


class Roll(StrEnum):
    """How a closed day moves to a business day (ISDA names).

    ``modified_following`` is following unless that leaves the month, then preceding;
    ``modified_preceding`` is the mirror image. Business days never move.
    """

    FOLLOWING = "following"
    PRECEDING = "preceding"
    MODIFIED_FOLLOWING = "modified_following"
    MODIFIED_PRECEDING = "modified_preceding"


_holiday_lock = threading.Lock()
_holiday_years: dict[int, Mapping[date, str]] = {}


def national_holidays(year: int) -> Mapping[date, str]:
    """Japanese national holidays of ``year`` (Japanese names, date order), read-only.

    >>> national_holidays(2026)[date(2026, 9, 22)]
    '国民の休日'
    """
    _check_years(year, year)
    _load_national_holidays(year, year)
    return _holiday_years[year]


def _load_national_holidays(first_year: int, last_year: int) -> None:
    missing = [y for y in range(first_year, last_year + 1) if y not in _holiday_years]
    if not missing:
        return
    # One holidays.JP call over the whole range is much cheaper than one per year.
    years = range(missing[0], missing[-1] + 1)
    found = Japan(years=years, categories=("public",), language="ja")
    by_year: dict[int, dict[date, str]] = {y: {} for y in years}
    for day, name in sorted(found.items()):
        by_year[day.year][day] = name
    with _holiday_lock:
        for y, days in by_year.items():
            _holiday_years.setdefault(y, MappingProxyType(days))


def _check_years(first_year: int, last_year: int) -> None:
    if first_year < FIRST_YEAR or last_year > LAST_YEAR:
        raise CalendarRangeError(
            f"years {first_year}-{last_year} are outside the supported range "
            f"{FIRST_YEAR}-{LAST_YEAR} (national holidays are unknown there)"
        )


def _day(d: date) -> int:
    if isinstance(d, datetime):
        # A datetime is a date subclass; taking its date silently would pick a time zone.
        raise TypeError("expected a date, got a datetime: convert it to a local date first")
    return d.toordinal() - _EPOCH


def _date(day: int) -> date:
    return date.fromordinal(day + _EPOCH)


def _month_after(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1)


@dataclass(frozen=True)
class _Span:
    first_year: int
    last_year: int
    first_day: int
    is_open: NDArray[np.bool_]  # indexed by day number - first_day
    open_days: NDArray[np.int64]  # sorted day numbers of business days


@dataclass(frozen=True)
class BusinessCalendar:
    """An immutable calendar of business days; build one with ``bank()`` or ``channel()``.

    A day is open when its weekday is in ``open_weekdays``, it is not a national holiday
    (unless ``open_on_holidays``) and not in 31 Dec - 3 Jan (unless ``open_year_end``).
    ``extra_closed`` and ``extra_open`` then override that, date by date.
    """

    name: str
    open_weekdays: frozenset[int] = WEEKDAYS
    open_on_holidays: bool = False
    open_year_end: bool = False
    extra_closed: frozenset[date] = frozenset()
    extra_open: frozenset[date] = frozenset()
    _cache: dict[str, _Span] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        for attr in ("open_weekdays", "extra_closed", "extra_open"):
            object.__setattr__(self, attr, frozenset(getattr(self, attr)))
        if not self.name:
            raise ValueError("a calendar needs a name")
        if not self.open_weekdays <= EVERY_DAY:
            raise ValueError(f"open_weekdays must be 0 (Monday) to 6 (Sunday), got "
                             f"{sorted(self.open_weekdays)}")
        for d in self.extra_closed | self.extra_open:
            _day(d)
        if both := self.extra_closed & self.extra_open:
            raise ValueError(f"dates both closed and open in {self.name!r}: {sorted(both)}")

    @classmethod
    def bank(
        cls,
        *,
        name: str = "bank",
        extra_closed: Iterable[date] = (),
        extra_open: Iterable[date] = (),
    ) -> BusinessCalendar:
        """The Banking Act calendar (weekends, national holidays, 31 Dec - 3 Jan closed).

        ``extra_open`` beats the rules, e.g. a Saturday service day.
        """
        return cls(name=name, extra_closed=frozenset(extra_closed),
                   extra_open=frozenset(extra_open))

    @classmethod
    def channel(
        cls,
        name: str,
        *,
        open_weekdays: Iterable[int] = EVERY_DAY,
        open_on_holidays: bool = True,
        open_year_end: bool = True,
        extra_closed: Iterable[date] = (),
        extra_open: Iterable[date] = (),
    ) -> BusinessCalendar:
        """A channel's service-day calendar (ATM, internet banking): open every day by default.

        An ATM network that stops on 1 January only, for instance:

        >>> atm = BusinessCalendar.channel("ATM", extra_closed=[date(2027, 1, 1)])
        >>> atm.is_business_day(date(2027, 1, 2)), atm.is_business_day(date(2027, 1, 1))
        (True, False)
        """
        return cls(name=name, open_weekdays=frozenset(open_weekdays),
                   open_on_holidays=open_on_holidays, open_year_end=open_year_end,
                   extra_closed=frozenset(extra_closed), extra_open=frozenset(extra_open))

    # -- single days ---------------------------------------------------------------------

    def is_business_day(self, d: date) -> bool:
        """Whether ``d`` is open in this calendar."""
        span = self._span(d.year, d.year)
        return bool(span.is_open[_day(d) - span.first_day])

    def next_business_day(self, d: date) -> date:
        """The first business day strictly after ``d``."""
        return _date(self._after(_day(d), 1))

    def previous_business_day(self, d: date) -> date:
        """The last business day strictly before ``d``."""
        return _date(self._before(_day(d), 1))

    def add_business_days(self, d: date, n: int) -> date:
        """The ``n``-th business day after ``d`` (n > 0) or before it (n < 0).

        ``d`` itself is never counted, open or not, so ``add_business_days(d, 1)`` equals
        ``next_business_day(d)`` for every ``d``, and ``add_business_days(d, 0)`` is
        ``roll(d, 'following')``. For a business day ``d``,
        ``add_business_days(add_business_days(d, n), -n) == d`` and
        ``business_days_between(d, add_business_days(d, n)) == n`` (n >= 0); for a closed ``d``
        the count is ``n - 1`` because ``d`` adds nothing to [d, result).

        >>> BusinessCalendar.bank().add_business_days(date(2027, 1, 2), 1)   # Saturday
        datetime.date(2027, 1, 4)
        """
        if n > 0:
            return _date(self._after(_day(d), n))
        if n < 0:
            return _date(self._before(_day(d), -n))
        return self.roll(d, Roll.FOLLOWING)

    def roll(self, d: date, convention: Roll | str) -> date:
        """``d`` if it is a business day, else moved by ``convention`` (see ``Roll``).

        >>> bank = BusinessCalendar.bank()
        >>> bank.roll(date(2027, 10, 31), "following")              # Sunday
        datetime.date(2027, 11, 1)
        >>> bank.roll(date(2027, 10, 31), "modified_following")     # stays in October
        datetime.date(2027, 10, 29)
        """
        rule = Roll(convention)
        if self.is_business_day(d):
            return d
        if rule in (Roll.FOLLOWING, Roll.MODIFIED_FOLLOWING):
            moved = self.next_business_day(d)
            if rule is Roll.MODIFIED_FOLLOWING and moved.month != d.month:
                moved = self.previous_business_day(d)
        else:
            moved = self.previous_business_day(d)
            if rule is Roll.MODIFIED_PRECEDING and moved.month != d.month:
                moved = self.next_business_day(d)
        return moved

    # -- months --------------------------------------------------------------------------

    def nth_business_day(self, year: int, month: int, n: int) -> date:
        """The ``n``-th business day of a month: 1 = first, -1 = last, -2 = last but one.

        Raises ValueError when the month has fewer than ``abs(n)`` business days.

        >>> BusinessCalendar.bank().nth_business_day(2027, 5, 1)    # after Golden Week
        datetime.date(2027, 5, 6)
        """
        if n == 0:
            raise ValueError("n is 1-based: 1 is the first business day, -1 the last")
        if n > 0:
            found = _date(self._after(_day(date(year, month, 1)) - 1, n))
        else:
            found = _date(self._before(_day(_month_after(year, month)), -n))
        if (found.year, found.month) != (year, month):
            days = "business day" if abs(n) == 1 else "business days"
            raise ValueError(f"{year}-{month:02d} has fewer than {abs(n)} {days} "
                             f"in calendar {self.name!r}")
        return found

    def first_business_day(self, year: int, month: int) -> date:
        """The first business day of the month (A2-SWA-1: not always the 1st)."""
        return self.nth_business_day(year, month, 1)

    def last_business_day(self, year: int, month: int) -> date:
        """The last business day of the month."""
        return self.nth_business_day(year, month, -1)

    # -- ranges --------------------------------------------------------------------------

    def business_days_between(self, start: date, end: date) -> int:
        """Business days in the half-open range [start, end); negative if end < start.

        Same convention as ``numpy.busday_count``.

        >>> BusinessCalendar.bank().business_days_between(date(2027, 5, 1), date(2027, 5, 8))
        2
        """
        if end < start:
            return -self.business_days_between(end, start)
        span = self._span(start.year, end.year)
        lo, hi = np.searchsorted(span.open_days, [_day(start), _day(end)])
        return int(hi - lo)

    def business_day_array(self, start: date, end: date) -> NDArray[np.datetime64]:
        """Business days in the closed range [start, end] as ``datetime64[D]``, ascending."""
        if end < start:
            return np.empty(0, dtype="datetime64[D]")
        span = self._span(start.year, end.year)
        lo = np.searchsorted(span.open_days, _day(start), side="left")
        hi = np.searchsorted(span.open_days, _day(end), side="right")
        return span.open_days[lo:hi].astype("datetime64[D]")

    def business_days(self, start: date, end: date) -> list[date]:
        """Business days in the closed range [start, end], ascending."""
        days: list[date] = self.business_day_array(start, end).tolist()
        return days

    # -- internals -----------------------------------------------------------------------

    def _after(self, day: int, n: int) -> int:
        year = _date(day).year
        span = self._span(year, year)
        while True:
            i = int(np.searchsorted(span.open_days, day, side="right")) + n - 1
            if i < span.open_days.size:
                return int(span.open_days[i])
            if span.last_year >= LAST_YEAR:
                raise CalendarRangeError(f"fewer than {n} business days after {_date(day)} "
                                         f"up to the end of {LAST_YEAR} in {self.name!r}")
            span = self._span(span.first_year, min(span.last_year + _BLOCK_YEARS, LAST_YEAR))

    def _before(self, day: int, n: int) -> int:
        year = _date(day).year
        span = self._span(year, year)
        while True:
            i = int(np.searchsorted(span.open_days, day, side="left")) - n
            if i >= 0:
                return int(span.open_days[i])
            if span.first_year <= FIRST_YEAR:
                raise CalendarRangeError(f"fewer than {n} business days before {_date(day)} "
                                         f"back to the start of {FIRST_YEAR} in {self.name!r}")
            span = self._span(max(span.first_year - _BLOCK_YEARS, FIRST_YEAR), span.last_year)

    def _span(self, first_year: int, last_year: int) -> _Span:
        span = self._cache.get("span")
        if span is not None and span.first_year <= first_year and last_year <= span.last_year:
            return span
        _check_years(first_year, last_year)
        lo = max(first_year - first_year % _BLOCK_YEARS, FIRST_YEAR)
        hi = min(last_year - last_year % _BLOCK_YEARS + _BLOCK_YEARS - 1, LAST_YEAR)
        if span is not None:
            # Grow by at least the current width, so walking year by year rebuilds
            # O(log n) times, not once a decade.
            width = span.last_year - span.first_year + 1
            if hi > span.last_year:
                hi = min(max(hi, span.last_year + width), LAST_YEAR)
            if lo < span.first_year:
                lo = max(min(lo, span.first_year - width), FIRST_YEAR)
            lo, hi = min(lo, span.first_year), max(hi, span.last_year)
        span = self._build_span(lo, hi)
        # Threads racing here build equal spans; whichever lands last is as good.
        self._cache["span"] = span
        return span

    def _build_span(self, first_year: int, last_year: int) -> _Span:
        first = _day(date(first_year, 1, 1))
        days = np.arange(first, _day(date(last_year, 12, 31)) + 1, dtype=np.int64)
        is_open = np.isin((days + _EPOCH_WEEKDAY) % 7, sorted(self.open_weekdays))
        years = range(first_year, last_year + 1)
        closed: list[date] = [d for d in self.extra_closed if d.year in years]
        if not self.open_on_holidays:
            _load_national_holidays(first_year, last_year)
            closed += [d for y in years for d in _holiday_years[y]]
        if not self.open_year_end:
            closed += [d for y in years
                       for d in (date(y, 1, 1), date(y, 1, 2), date(y, 1, 3), date(y, 12, 31))]
        opened = [d for d in self.extra_open if d.year in years]
        is_open[np.array([_day(d) - first for d in closed], dtype=np.intp)] = False
        is_open[np.array([_day(d) - first for d in opened], dtype=np.intp)] = True
        open_days = days[is_open]
        is_open.flags.writeable = False
        open_days.flags.writeable = False
        return _Span(first_year, last_year, first, is_open, open_days)


# -- deadlines ---------------------------------------------------------------------------


def business_day_deadline(
    start: datetime,
    calendar: BusinessCalendar,
    *,
    business_days: int = 1,
    at: time = time(17),
    tz: tzinfo = JST,
) -> datetime:
    """"By ``at`` on the ``business_days``-th business day after ``start``", in ``tz``.

    Days are counted from the local date of ``start`` in ``tz`` as ``add_business_days``
    does; the time of ``start`` does not matter. ``business_days=0`` means "by ``at`` today",
    and when today is closed or ``at`` has already passed, the next business day at ``at``.
    ``start`` must be timezone-aware (ValueError otherwise); the result is in ``tz``.

    A regulator's report due by 17:00 on the next business day, for a failure at 02:10 on
    Sunday 10 January 2027 (Monday the 11th is Coming of Age Day):

    >>> sunday = datetime(2027, 1, 10, 2, 10, tzinfo=JST)
    >>> business_day_deadline(sunday, BusinessCalendar.bank()).isoformat()
    '2027-01-12T17:00:00+09:00'
    """
    local = _localise(start, tz)
    _check_wall_time(at, "at")
    if business_days < 0:
        raise ValueError(f"business_days must be 0 or more, got {business_days}")
    today = local.date()
    if business_days > 0:
        due = calendar.add_business_days(today, business_days)
    elif calendar.is_business_day(today) and local.time() <= at:
        due = today
    else:
        due = calendar.next_business_day(today)
    return datetime.combine(due, at, tzinfo=tz)


def business_hours_deadline(
    start: datetime,
    calendar: BusinessCalendar,
    *,
    hours: float | timedelta,
    window: tuple[time, time] = (time(9), time(17)),
    tz: tzinfo = JST,
) -> datetime:
    """The instant when ``hours`` of business time have passed since ``start``, in ``tz``.

    Business time runs only inside ``window`` (local wall-clock times, opening inclusive)
    on business days. A ``start`` outside the window starts the clock at the next opening;
    a deadline falling exactly on closing time stays there rather than moving to the next
    morning. Arithmetic is in exact microseconds (A2-PERF-CAP-1: no rounding to zero).
    ``start`` must be timezone-aware (ValueError otherwise).

    Friday 16:00 plus 4 business hours: one hour on Friday, three on Monday.

    >>> friday = datetime(2027, 3, 5, 16, 0, tzinfo=JST)
    >>> business_hours_deadline(friday, BusinessCalendar.bank(), hours=4).isoformat()
    '2027-03-08T12:00:00+09:00'
    """
    local = _localise(start, tz)
    opens, closes = window
    _check_wall_time(opens, "window")
    _check_wall_time(closes, "window")
    if not opens < closes:
        raise ValueError(f"window must open before it closes, got {opens}-{closes}")
    remaining = hours if isinstance(hours, timedelta) else _hours(hours)
    if remaining < timedelta(0):
        raise ValueError(f"hours must be 0 or more, got {hours}")
    day, cursor = local.date(), local
    while True:
        if calendar.is_business_day(day):
            begin = max(cursor, datetime.combine(day, opens, tzinfo=tz))
            end = datetime.combine(day, closes, tzinfo=tz)
            if begin < end:
                if remaining <= end - begin:
                    return begin + remaining
                remaining -= end - begin
        day = calendar.next_business_day(day)
        cursor = datetime.combine(day, opens, tzinfo=tz)


def _localise(start: datetime, tz: tzinfo) -> datetime:
    if not isinstance(start, datetime):
        raise TypeError(f"start must be a datetime, got {type(start).__name__}")
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError(f"naive datetime {start.isoformat()}: pass a timezone-aware datetime")
    return start.astimezone(tz)


def _check_wall_time(t: time, what: str) -> None:
    if t.tzinfo is not None:
        raise ValueError(f"{what} is a local wall-clock time and must not carry a tzinfo")


def _hours(hours: float) -> timedelta:
    if not math.isfinite(hours):
        raise ValueError(f"hours must be a finite number, got {hours}")
    return timedelta(hours=hours)
