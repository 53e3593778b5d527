"""Calendar features for capacity forecasting: one row per day, one column per calendar effect.

Japanese bank volumes peak on days a plain weekday model cannot see: month-end, 五十日
(gotoubi) settlement days, pension days, salary day, and the first business day after a long
closure (A1-I-8, A1-I-25). ``calendar_features`` turns a date array into indicator columns
that the forecasting kernel (``antei.kernels.forecast``) regresses on, all computed with
array operations on the business-day engine (``bizcal``, ``bizcal_rules``).

Columns, in ``FEATURE_NAMES`` order (1.0 when the day has the property, else 0.0):

==================== =========================================================================
name                 meaning
==================== =========================================================================
tue .. sun           weekday one-hot, Monday the baseline (6 columns)
business_day         the calendar is open that day
month_start          first business day of the month (月初営業日)
month_end            last business day of the month (月末営業日)
gotoubi              五十日: 5/10/15/20/25/month-end, rolled to the following business day
pension_day          年金支給日: 15th of even months, rolled to the preceding business day
salary_day           給与振込日: the 25th, rolled to the preceding business day
after_long_closure   first business day after 3 or more closed days in a row (連休明け)
trend                days since ``origin`` (default: the first date), a float, not 0/1
==================== =========================================================================

Rules are evaluated on ``calendar``; pass the bank calendar for bank-driven volumes even when
the series is an ATM channel open every day, because salary and pension days follow the bank.

Catalog: C07, M-2.3, A1-I-7, A1-I-8, A1-I-25, A2-SWA-8.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from antei.kernels.bizcal import FIRST_YEAR, LAST_YEAR, BusinessCalendar
from antei.kernels.bizcal_rules import GOTOUBI, PENSION_DAY, SALARY_DAY

WEEKDAY_NAMES: Final = ("tue", "wed", "thu", "fri", "sat", "sun")
FEATURE_NAMES: Final = (*WEEKDAY_NAMES, "business_day", "month_start", "month_end", "gotoubi",
                        "pension_day", "salary_day", "after_long_closure", "trend")
LONG_CLOSURE_DAYS: Final = 3  # closed days in a row that make a long holiday (GW, New Year)
_MARGIN: Final = timedelta(45)  # look past both ends so months and closures are seen whole
_EPOCH_WEEKDAY: Final = 3  # 1970-01-01, day 0 of datetime64[D], was a Thursday


def as_days(dates: ArrayLike) -> NDArray[np.datetime64]:
    """``dates`` as a 1-D ``datetime64[D]`` array (dates, ISO strings or datetime64)."""
    days = np.asarray(dates, dtype="datetime64[D]")
    if days.ndim != 1:
        raise ValueError(f"dates must be 1-D, got shape {days.shape}")
    if np.isnat(days).any():
        raise ValueError("dates must not contain NaT")
    return days


def as_day(d: date | np.datetime64) -> np.datetime64:
    """One date (``date`` or ``datetime64``) as ``datetime64[D]``."""
    if isinstance(d, np.datetime64):
        day: np.datetime64 = d.astype("datetime64[D]")
        return day
    return np.datetime64(d, "D")


def calendar_features(dates: ArrayLike, calendar: BusinessCalendar, *,
                      origin: np.datetime64 | date | None = None) -> NDArray[np.float64]:
    """Indicator columns (``FEATURE_NAMES``) for each date: an array of shape (days, 14).

    ``origin`` fixes day 0 of the ``trend`` column, so that history and forecast dates built
    in separate calls share one time axis. Dates need not be sorted or contiguous.

    >>> from antei.kernels.bizcal import BusinessCalendar
    >>> days = np.arange("2027-04-28", "2027-05-07", dtype="datetime64[D]")
    >>> f = calendar_features(days, BusinessCalendar.bank())
    >>> col = FEATURE_NAMES.index
    >>> [str(d) for d in days[f[:, col("after_long_closure")] == 1]]   # Golden Week ends
    ['2027-05-06']
    >>> [str(d) for d in days[f[:, col("month_end")] == 1]]
    ['2027-04-30']
    """
    days = as_days(dates)
    out = np.zeros((days.size, len(FEATURE_NAMES)), dtype=np.float64)
    if days.size == 0:
        return out
    numbers = days.astype(np.int64)
    weekday = (numbers + _EPOCH_WEEKDAY) % 7  # Monday = 0
    for i in range(len(WEEKDAY_NAMES)):
        out[:, i] = weekday == i + 1
    first: date = days.min().item()
    last: date = days.max().item()
    # Widen the range, but never past the years whose holidays are known.
    lo = max(first - _MARGIN, min(first, date(FIRST_YEAR, 1, 1)))
    hi = min(last + _MARGIN, max(last, date(LAST_YEAR, 12, 31)))
    open_days = calendar.business_day_array(lo, hi).astype(np.int64)
    months = open_days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    starts = np.ones(open_days.size, dtype=np.bool_)
    starts[1:] = months[1:] != months[:-1]
    ends = np.ones(open_days.size, dtype=np.bool_)
    ends[:-1] = months[:-1] != months[1:]
    after_closure = np.zeros(open_days.size, dtype=np.bool_)
    after_closure[1:] = np.diff(open_days) > LONG_CLOSURE_DAYS
    column = FEATURE_NAMES.index
    out[:, column("business_day")] = np.isin(numbers, open_days)
    out[:, column("month_start")] = np.isin(numbers, open_days[starts])
    out[:, column("month_end")] = np.isin(numbers, open_days[ends])
    out[:, column("after_long_closure")] = np.isin(numbers, open_days[after_closure])
    for name, named in (("gotoubi", GOTOUBI), ("pension_day", PENSION_DAY),
                        ("salary_day", SALARY_DAY)):
        fired = named.rule.date_array(calendar, lo, hi).astype(np.int64)
        out[:, column(name)] = np.isin(numbers, fired)
    zero = days.min() if origin is None else as_day(origin)
    out[:, column("trend")] = (days - zero).astype(np.float64)
    return out
