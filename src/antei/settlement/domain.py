"""Pure rules of the unprocessed-payment desk: settlement dates of MMDD headers, the resend
order (rules as data, each position explained) and the clearing plan per channel.

No Django, no I/O; ``today``/``now`` are passed in. Arrays are numpy so a backlog of a
million items is ordered and planned with array operations.

Catalog: A2-SWA-6 (same-day first), A1-II-10 (recover what matters first, not what is
easy), A2-RESP-2 (sort the backlog), A1-II-13 (manual fallback checked against volume),
A1-II-4 (one view of the whole backlog), C03.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Final

import numpy as np
from numpy.typing import NDArray

from antei.kernels.bizcal import JST, BusinessCalendar

RULE_KINDS: Final = ("customer", "same_day", "amount", "cutoff")
# When an incident has no rules of its own: same-day first, high value first, earliest
# channel cut-off first (the default order).
DEFAULT_RULES: Final = (("same_day", ""), ("amount", ""), ("cutoff", ""))


@dataclass(frozen=True)
class Rule:
    kind: str  # one of RULE_KINDS
    customer: str = ""  # for "customer": items whose customer contains this text go first


@dataclass(frozen=True)
class Capacity:
    """A channel's throughput and service window (Asia/Tokyo wall clock) and its manual
    fallback: minutes per item by hand and the staff the plan has for it (A1-II-13)."""

    channel: str
    items_per_minute: int
    opens_at: time
    cutoff_at: time
    manual_minutes_per_item: float
    staff_available: int


DEFAULT_CAPACITY: Final = {
    "zengin": Capacity("zengin", 100, time(8, 30), time(15, 30), 3.0, 5),
    "internal": Capacity("internal", 300, time(8, 30), time(17, 0), 2.0, 5),
}


def default_capacity(channel: str) -> Capacity:
    return DEFAULT_CAPACITY.get(channel, Capacity(channel, 50, time(9, 0), time(15, 0), 5.0, 3))


def settlement_date(mmdd: str, today: date) -> date | None:
    """The date a header's MMDD (振込指定日) means: the one nearest ``today`` (a backlog
    holds dates a few days either side of the import, across a year end too)."""
    if len(mmdd) != 4 or not mmdd.isdigit():
        return None
    month, day = int(mmdd[:2]), int(mmdd[2:])
    found = []
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            found.append(date(year, month, day))
        except ValueError:
            continue
    if not found:
        return None
    return min(found, key=lambda d: abs((d - today).days))


# -- priority ----------------------------------------------------------------------------


def contains(values: Sequence[str], needle: str) -> NDArray[np.bool_]:
    """Case-insensitive substring match of one customer rule over the items."""
    wanted = needle.casefold()
    return np.fromiter((wanted in v.casefold() for v in values), dtype=np.bool_,
                       count=len(values))


def priority_order(
    rules: Sequence[Rule],
    *,
    same_day: NDArray[np.bool_],
    amount: NDArray[np.int64],
    cutoff_minute: NDArray[np.int64],
    customer_match: dict[int, NDArray[np.bool_]] | None = None,
) -> NDArray[np.intp]:
    """Row order for processing: the first rule decides, later rules break ties, then the
    original row order (stable, reproducible). ``customer_match[i]`` flags the rows rule i
    (a customer rule) matches. Catalog: A2-SWA-6, A1-II-10, A2-RESP-2."""
    n = amount.size
    keys: list[NDArray[np.int64]] = []
    for i, rule in enumerate(rules):
        if rule.kind == "customer":
            matched = (customer_match or {}).get(i, np.zeros(n, dtype=np.bool_))
            keys.append((~matched).astype(np.int64))
        elif rule.kind == "same_day":
            keys.append((~same_day).astype(np.int64))
        elif rule.kind == "amount":
            keys.append(-amount.astype(np.int64))
        elif rule.kind == "cutoff":
            keys.append(cutoff_minute.astype(np.int64))
        else:
            raise ValueError(f"unknown rule kind {rule.kind!r}")
    keys.append(np.arange(n, dtype=np.int64))
    order: NDArray[np.intp] = np.lexsort(tuple(reversed(keys)))
    return order


@dataclass(frozen=True)
class Reason:
    """Why an item sits where it does: one entry per rule, in rule order."""

    rule: str
    applies: bool
    value: str = ""


def explain(rules: Sequence[Rule], *, same_day: bool, amount: int, cutoff: time, channel: str,
            customer: str) -> list[Reason]:
    """The reasons behind one item's position (shown to the desk and the call centre)."""
    reasons = []
    for rule in rules:
        if rule.kind == "customer":
            hit = bool(rule.customer) and rule.customer.casefold() in customer.casefold()
            reasons.append(Reason("customer", hit, rule.customer))
        elif rule.kind == "same_day":
            reasons.append(Reason("same_day", same_day))
        elif rule.kind == "amount":
            reasons.append(Reason("amount", True, f"{amount:,}"))
        elif rule.kind == "cutoff":
            reasons.append(Reason("cutoff", True, f"{channel} {cutoff:%H:%M}"))
    return reasons


# -- plan --------------------------------------------------------------------------------


def service_windows(capacity: Capacity, now: datetime, calendar: BusinessCalendar,
                    days: int) -> list[tuple[datetime, datetime]]:
    """The channel's open windows from ``now`` on business days: today's rest, then whole
    days, ``days`` of them at most (UTC-aware datetimes)."""
    local = now.astimezone(JST)
    windows: list[tuple[datetime, datetime]] = []
    day = local.date()
    if not calendar.is_business_day(day):
        day = calendar.next_business_day(day)
    while len(windows) < days:
        start = datetime.combine(day, capacity.opens_at, tzinfo=JST)
        stop = datetime.combine(day, capacity.cutoff_at, tzinfo=JST)
        start = max(start, local)
        if stop > start:
            windows.append((start, stop))
        day = calendar.next_business_day(day)
    return windows


def finish_times(count: int, capacity: Capacity, now: datetime, calendar: BusinessCalendar,
                 ) -> tuple[NDArray[np.int64], list[tuple[datetime, datetime]]]:
    """When each of ``count`` queued items (in order) is done: epoch seconds, and the
    windows used. Items spill into later business days' windows when today's closes."""
    rate = max(capacity.items_per_minute, 1)
    per_day = max(int((datetime.combine(date(2000, 1, 1), capacity.cutoff_at)
                       - datetime.combine(date(2000, 1, 1), capacity.opens_at))
                      .total_seconds() // 60) * rate, 1)
    days = 2 + math.ceil(count / per_day)
    windows = service_windows(capacity, now, calendar, days)
    capacity_items = np.array([int((b - a).total_seconds() // 60) * rate for a, b in windows],
                              dtype=np.int64)
    ends = np.cumsum(capacity_items)
    k = np.arange(count, dtype=np.int64)
    window = np.searchsorted(ends, k, side="right")
    window = np.minimum(window, len(windows) - 1)
    starts = np.concatenate([[0], ends[:-1]])
    into = k - starts[window] + 1  # items done in this window, this one included
    start_epoch = np.array([int(a.timestamp()) for a, _ in windows], dtype=np.int64)
    done: NDArray[np.int64] = start_epoch[window] + np.ceil(into * 60 / rate).astype(np.int64)
    return done, windows


@dataclass(frozen=True)
class ChannelPlan:
    """One channel's part of the plan (A1-II-13: the manual figure is volume × minutes per
    item ÷ staff available)."""

    channel: str
    count: int
    total: int
    same_day_count: int
    items_per_minute: int
    cutoff: datetime | None  # today's (business day's) cut-off
    clears_at: datetime | None
    missed_count: int  # same-day items the channel cannot clear before the cut-off
    missed_total: int
    manual_minutes: float  # to do the missed items by hand with the staff available
    staff_available: int
    manual_minutes_per_item: float
    manual_feasible: bool  # the manual work fits before the cut-off
    minutes_to_cutoff: float


@dataclass(frozen=True)
class Plan:
    now: datetime
    business_day: date
    channels: list[ChannelPlan] = field(default_factory=list)

    @property
    def clears_at(self) -> datetime | None:
        times = [c.clears_at for c in self.channels if c.clears_at is not None]
        return max(times) if times else None

    @property
    def missed_count(self) -> int:
        return sum(c.missed_count for c in self.channels)


def plan_channel(capacity: Capacity, *, amount: NDArray[np.int64], same_day: NDArray[np.bool_],
                 now: datetime, calendar: BusinessCalendar) -> tuple[ChannelPlan,
                                                                     NDArray[np.int64]]:
    """Clear a channel's queue (``amount``/``same_day`` in priority order); what misses
    today's cut-off and whether staff can do it by hand in time. Catalog: A1-II-13."""
    count = int(amount.size)
    done, windows = finish_times(count, capacity, now, calendar)
    local_day = now.astimezone(JST).date()
    today_open = calendar.is_business_day(local_day)
    cutoff = datetime.combine(local_day if today_open else calendar.next_business_day(
        local_day), capacity.cutoff_at, tzinfo=JST)
    late = done > int(cutoff.timestamp()) if count else np.zeros(0, dtype=np.bool_)
    missed = late & same_day
    missed_count = int(missed.sum())
    manual = missed_count * capacity.manual_minutes_per_item / max(capacity.staff_available, 1)
    to_cutoff = max((cutoff - max(now, windows[0][0] if windows else now)).total_seconds() / 60,
                    0.0)
    clears = (datetime.fromtimestamp(int(done[-1]), tz=JST) if count else None)
    return ChannelPlan(
        channel=capacity.channel, count=count, total=int(amount.sum()),
        same_day_count=int(same_day.sum()), items_per_minute=capacity.items_per_minute,
        cutoff=cutoff, clears_at=clears, missed_count=missed_count,
        missed_total=int(amount[missed].sum()), manual_minutes=round(manual, 1),
        staff_available=capacity.staff_available,
        manual_minutes_per_item=capacity.manual_minutes_per_item,
        manual_feasible=missed_count == 0 or manual <= to_cutoff,
        minutes_to_cutoff=round(to_cutoff, 1),
    ), done


def business_day(now: datetime, calendar: BusinessCalendar) -> date:
    """The business day that counts as 'today' for same-day settlement."""
    day = now.astimezone(JST).date()
    return day if calendar.is_business_day(day) else calendar.next_business_day(day)


def minutes_of(t: time) -> int:
    return t.hour * 60 + t.minute
