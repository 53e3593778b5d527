"""Benchmark antei.kernels.bizcal against naive day-by-day peers, in one process.

Run: .venv/bin/python bench/bizcal.py [--quick]

Workloads (2000-01-01 .. 2099-12-31 unless noted):

1. All business days of the century, as a list of dates.
2. Three rules over the century: last business day, salary day (25th, previous business
   day), gotoubi (5/10/15/20/25/month-end, following business day).
3. 2,000 ``add_business_days`` calls with random dates in 2020-2039 and n in -20..20.

Peers: a pure-Python loop asking ``jpholiday.is_holiday`` per date (what code without a
calendar engine does), and the same loop over a prebuilt ``holidays.JP`` table, the fast
naive peer. jpholiday caches what it computes, so its medians are warm; its first, cold pass
is printed separately. antei runs "warm" (the calendar's arrays already built) and "cold" (a
new calendar each run: building the arrays is in the time). Each figure is the median of
repeated runs timed with time.perf_counter; the ratio is peer median / antei warm median.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta

import holidays
import jpholiday

from antei.kernels.bizcal import BusinessCalendar
from antei.kernels.bizcal_rules import GOTOUBI, SALARY_DAY, parse_rule

START, END = date(2000, 1, 1), date(2099, 12, 31)
YEAR_END = ((12, 31), (1, 1), (1, 2), (1, 3))
RULES = (parse_rule("last business day"), SALARY_DAY.rule, GOTOUBI.rule)


def median_seconds(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


# -- naive peers ------------------------------------------------------------------------------


def jpholiday_open(d: date) -> bool:
    return d.weekday() < 5 and (d.month, d.day) not in YEAR_END and not jpholiday.is_holiday(d)


def table_open_factory() -> Callable[[date], bool]:
    table = holidays.country_holidays("JP", years=range(START.year - 1, END.year + 1))

    def is_open(d: date) -> bool:
        return d.weekday() < 5 and (d.month, d.day) not in YEAR_END and d not in table

    return is_open


def naive_business_days(is_open: Callable[[date], bool]) -> list[date]:
    out, d = [], START
    while d <= END:
        if is_open(d):
            out.append(d)
        d += timedelta(1)
    return out


def naive_roll(is_open: Callable[[date], bool], d: date, step: int) -> date:
    while not is_open(d):
        d += timedelta(step)
    return d


def naive_rules(is_open: Callable[[date], bool]) -> list[list[date]]:
    last_days, salary, gotoubi = [], [], set()
    # December 1999 too: its month-end gotoubi rolls into January 2000.
    for year, month in [(START.year - 1, 12)] + [
            (y, m) for y in range(START.year, END.year + 1) for m in range(1, 13)]:
        month_end = date(year + month // 12, month % 12 + 1, 1) - timedelta(1)
        if year >= START.year:
            last_days.append(naive_roll(is_open, month_end, -1))
            salary.append(naive_roll(is_open, date(year, month, 25), -1))
        for day in (5, 10, 15, 20, 25, month_end.day):
            rolled = naive_roll(is_open, date(year, month, day), 1)
            if START <= rolled <= END:
                gotoubi.add(rolled)
    return [last_days, salary, sorted(gotoubi)]


def naive_add(is_open: Callable[[date], bool], d: date, n: int) -> date:
    step = 1 if n >= 0 else -1
    if n == 0:
        return naive_roll(is_open, d, 1)
    for _ in range(abs(n)):
        d = naive_roll(is_open, d + timedelta(step), step)
    return d


def check_same(what: str, ours: object, peers: object) -> None:
    if ours != peers:
        raise SystemExit(f"{what}: antei and the peer disagree; not benchmarking")


# -- run --------------------------------------------------------------------------------------


def main() -> None:
    quick = "--quick" in sys.argv
    fast_runs, slow_runs = (5, 1) if quick else (21, 3)
    bank = BusinessCalendar.bank()
    table_open = table_open_factory()
    rng = random.Random(20270104)
    calls = [(date(2020, 1, 1) + timedelta(rng.randrange(7305)), rng.randint(-20, 20))
             for _ in range(2000)]

    # jpholiday computes a year's holidays on first use and caches them, so its first pass
    # is timed once, on its own, before anything warms it; the medians below are warm.
    began = time.perf_counter()
    naive_business_days(jpholiday_open)
    jp_first_pass = time.perf_counter() - began

    # The peers must compute what antei computes, or the comparison means nothing.
    check_same("business days", bank.business_days(START, END),
               naive_business_days(table_open))
    check_same("rules", [r.dates(bank, START, END) for r in RULES], naive_rules(table_open))
    check_same("add_business_days", [bank.add_business_days(d, n) for d, n in calls[:200]],
               [naive_add(jpholiday_open, d, n) for d, n in calls[:200]])

    counter = iter(range(10**9))

    def cold_calendar() -> BusinessCalendar:
        # A distinct calendar each run, so its arrays are rebuilt inside the timing.
        return BusinessCalendar.bank(name=f"cold-{next(counter)}")

    workloads: list[tuple[str, Callable[[], object], Callable[[], object],
                          Callable[[], object], Callable[[], object]]] = [
        ("business days 2000-2099 (24,458 dates)",
         lambda: bank.business_days(START, END),
         lambda: cold_calendar().business_days(START, END),
         lambda: naive_business_days(jpholiday_open),
         lambda: naive_business_days(table_open)),
        ("3 rules over 2000-2099 (last bd, salary, gotoubi)",
         lambda: [r.dates(bank, START, END) for r in RULES],
         lambda: [r.dates(cal, START, END) for cal in [cold_calendar()] for r in RULES],
         lambda: naive_rules(jpholiday_open),
         lambda: naive_rules(table_open)),
        ("2,000 add_business_days calls, |n| <= 20",
         lambda: [bank.add_business_days(d, n) for d, n in calls],
         lambda: [cal.add_business_days(d, n) for cal in [cold_calendar()] for d, n in calls],
         lambda: [naive_add(jpholiday_open, d, n) for d, n in calls],
         lambda: [naive_add(table_open, d, n) for d, n in calls]),
    ]

    print(f"antei.kernels.bizcal vs naive peers; median of {fast_runs} runs "
          f"({slow_runs} for the jpholiday peer), seconds")
    header = (f"{'workload':52} {'antei warm':>11} {'antei cold':>11} {'jpholiday':>10} "
              f"{'ratio':>8} {'holidays':>10} {'ratio':>7}")
    print(header)
    print("-" * len(header))
    for name, warm, cold, jp_peer, table_peer in workloads:
        warm_s = median_seconds(warm, fast_runs)
        cold_s = median_seconds(cold, fast_runs)
        jp_s = median_seconds(jp_peer, slow_runs)
        table_s = median_seconds(table_peer, fast_runs)
        print(f"{name:52} {warm_s:11.6f} {cold_s:11.6f} {jp_s:10.4f} {jp_s / warm_s:7.0f}x "
              f"{table_s:10.4f} {table_s / warm_s:6.0f}x")
    print("ratio = peer median / antei warm median; the cold column includes building "
          "the calendar's arrays.")
    print(f"jpholiday's first pass over the century, its caches empty: {jp_first_pass:.2f} s")


if __name__ == "__main__":
    main()
