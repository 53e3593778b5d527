"""Special dates (特異日) to test against: what the business calendar makes unusual, and why.

Failures cluster on dates a test plan forgot: interest capitalisation skipped because the 1st
was a holiday (A2-SWA-1), automatic start-up failing on 29 February (A2-SWC-3), ATMs stopped
because 2 January was set as a plain holiday (A2-PERF-SET-5), and volume peaking after long
closures rather than at month-end (A1-I-25, A1-I-8). ``special_dates`` lists such dates for a
range, each with stable reason codes and a sentence in Japanese and English, for test plans,
performance-test plans and the go-live judgement (A1-I-26, M-2.8, C10).

Reason codes (stable; the catalog IDs each one serves are in ``Reason.catalog``):

=====================================  ===========================================================
code                                   date it marks
=====================================  ===========================================================
leap_day                               29 February
leap_year                              31 December of a leap year (day 366)
iso_53_week_year                       Monday of ISO week 53, in years that have one
month_start_closed                     a 1st of the month that is closed
first_business_day_after_month_start   the first business day of a month whose 1st is closed
month_end_closed                       a last calendar day of the month that is closed
last_business_day                      the last business day of each month
fiscal_year_end / half_year_end /      last business day of March / September / June and
quarter_end                            December (Japanese fiscal year ends 31 March)
year_end_closure                       31 December, first day of the 31 Dec - 3 Jan closure
jan_2_closed                           2 January: channel "holiday with service" settings
first_business_day_of_year             the first business day of January
long_holiday_start                     first day of 3+ consecutive closed days (GW, SW, New Year)
after_long_holiday                     the business day after such a run: a volume peak
<NamedRule.code>                       a rule's fire date: salary_day, pension_day, gotoubi...
rule_collision                         two or more rules fire on the same day
rule_unsatisfiable / rule_multiple_    1st of a month where a rule never fires / fires twice
fires / rule_fires_outside_months      or more / fires outside its months (``check_rule``)
calendar_disagreement                  bank and a channel calendar disagree (plain weekends aside)
=====================================  ===========================================================
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

import numpy as np

from antei.kernels.bizcal import FIRST_YEAR, LAST_YEAR, BusinessCalendar, national_holidays
from antei.kernels.bizcal_rules import NamedRule, Rule, RuleKind

_MONTHS_EN: Final = ("January", "February", "March", "April", "May", "June", "July",
                     "August", "September", "October", "November", "December")
_LONG_RUN: Final = 3  # closed days in a row that make a "long holiday"
_PERIOD_ENDS: Final = {  # the Japanese fiscal year ends on 31 March
    3: ("fiscal_year_end", "年度末最終営業日", "last business day of the fiscal year"),
    6: ("quarter_end", "四半期末最終営業日", "last business day of the quarter"),
    9: ("half_year_end", "上期末最終営業日", "last business day of the half year"),
    12: ("quarter_end", "四半期末・年内最終営業日", "last business day of the quarter and year"),
}


@dataclass(frozen=True)
class Reason:
    """Why a date is special: a stable ``code`` plus sentences for people."""

    code: str
    text_ja: str
    text_en: str
    catalog: tuple[str, ...] = ()


@dataclass(frozen=True)
class SpecialDate:
    date: date
    reasons: tuple[Reason, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)


@dataclass(frozen=True)
class RuleMonthIssue:
    """A month where a rule does not fire as often as it reads (``check_rule``)."""

    year: int
    month: int
    code: str  # rule_unsatisfiable | rule_multiple_fires | rule_fires_outside_months
    fires: tuple[date, ...]
    expected: int  # fires a monthly rule should have in this month (1 or 0)


@dataclass(frozen=True)
class CalendarDisagreement:
    date: date
    a_open: bool
    b_open: bool


def special_dates(
    calendar: BusinessCalendar,
    start: date,
    end: date,
    *,
    rules: Sequence[NamedRule] = (),
    channel_calendars: Sequence[BusinessCalendar] = (),
) -> list[SpecialDate]:
    """Special dates in the closed range [start, end], by date, each date's reasons merged.

    ``rules`` add their fire dates (and collisions, and months where they misfire);
    ``channel_calendars`` add the dates where a channel's service days differ from
    ``calendar`` other than on ordinary weekends (A2-PERF-SET-5).

    >>> from antei.kernels.bizcal_rules import SALARY_DAY
    >>> days = special_dates(BusinessCalendar.bank(), date(2028, 2, 29), date(2028, 2, 29))
    >>> days[0].reasons[0].text_ja
    '2028年2月29日（閏日）：日付処理・自動起動の確認（A2-SWC-3）'
    >>> days[0].reasons[0].text_en
    '29 February 2028 (leap day): check date handling and automatic start-up (A2-SWC-3)'
    """
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    found = _Found(start, end)
    _calendar_facts(found, start, end)
    _month_facts(found, calendar, start, end)
    _long_holidays(found, calendar, start, end)
    _rule_facts(found, calendar, start, end, rules)
    for channel in channel_calendars:
        _channel_facts(found, calendar, channel, start, end)
    return found.result()


def check_rule(rule: Rule, calendar: BusinessCalendar, *, start_year: int,
               years: int = 1) -> list[RuleMonthIssue]:
    """Months of ``years`` years from ``start_year`` where ``rule`` misfires.

    Counted by the month each fire date falls in, so rolls across month ends show:

    - ``rule_unsatisfiable``: a month the rule selects, where it fires zero times ("day 31"
      in April; "day 1, preceding" when the 1st is closed and the roll leaves the month).
    - ``rule_multiple_fires``: a monthly rule (an n-th business day, or a single day) firing
      twice or more in one month.
    - ``rule_fires_outside_months``: a monthly rule firing in a month it does not select.

    Multi-day rules (五十日) are only checked for months with no fires; "every business day"
    is never checked.

    >>> from antei.kernels.bizcal_rules import parse_rule
    >>> rule = parse_rule("day 1, preceding")    # 1 May 2027 is a Saturday
    >>> for issue in check_rule(rule, BusinessCalendar.bank(), start_year=2027)[:3]:
    ...     print(issue.month, issue.code, [str(d) for d in issue.fires])
    1 rule_unsatisfiable []
    4 rule_multiple_fires ['2027-04-01', '2027-04-30']
    5 rule_unsatisfiable []
    """
    if rule.kind is RuleKind.EVERY:
        return []
    monthly = rule.kind is RuleKind.NTH or len(rule.days) == 1
    fires = rule.dates(calendar, date(start_year, 1, 1), date(start_year + years - 1, 12, 31))
    by_month: dict[tuple[int, int], list[date]] = {}
    for d in fires:
        by_month.setdefault((d.year, d.month), []).append(d)
    issues: list[RuleMonthIssue] = []
    for year in range(start_year, start_year + years):
        for month in range(1, 13):
            fired = tuple(by_month.get((year, month), ()))
            selected = month in rule.months
            if selected and not fired:
                code = "rule_unsatisfiable"
            elif monthly and selected and len(fired) >= 2:
                code = "rule_multiple_fires"
            elif monthly and not selected and fired:
                code = "rule_fires_outside_months"
            else:
                continue
            issues.append(RuleMonthIssue(year, month, code, fired, int(selected)))
    return issues


def calendar_disagreements(a: BusinessCalendar, b: BusinessCalendar, start: date,
                           end: date) -> list[CalendarDisagreement]:
    """Dates in [start, end] that one calendar opens and the other closes.

    The validator of A2-PERF-SET-5: compare the ATM calendar about to be loaded with the
    service-day calendar the business approved, and every differing date is listed.

    >>> approved = BusinessCalendar.channel("ATM (approved)")
    >>> loaded = BusinessCalendar.channel("ATM (loaded)", extra_closed=[date(2027, 1, 2)])
    >>> calendar_disagreements(approved, loaded, date(2027, 1, 1), date(2027, 1, 31))
    [CalendarDisagreement(date=datetime.date(2027, 1, 2), a_open=True, b_open=False)]
    """
    a_days = a.business_day_array(start, end)
    b_days = b.business_day_array(start, end)
    differing: list[date] = np.setxor1d(a_days, b_days).tolist()
    a_open = set(np.intersect1d(a_days, np.array(differing, dtype="datetime64[D]")).tolist())
    return [CalendarDisagreement(d, d in a_open, d not in a_open) for d in differing]


# -- collecting --------------------------------------------------------------------------


class _Found:
    def __init__(self, start: date, end: date) -> None:
        self.start, self.end = start, end
        self.reasons: dict[date, list[Reason]] = {}

    def add(self, d: date, code: str, label: tuple[str, str], action: tuple[str, str],
            catalog: tuple[str, ...] = ()) -> None:
        """Record a reason worded as "<date> (<label>): <action> (<catalog IDs>)"."""
        if not self.start <= d <= self.end:
            return
        cite_ja = f"（{'、'.join(catalog)}）" if catalog else ""
        cite_en = f" ({', '.join(catalog)})" if catalog else ""
        reason = Reason(
            code=code,
            text_ja=f"{_ja(d)}（{label[0]}）：{action[0]}{cite_ja}",
            text_en=f"{_en(d)} ({label[1]}): {action[1]}{cite_en}",
            catalog=catalog,
        )
        listed = self.reasons.setdefault(d, [])
        if reason not in listed:
            listed.append(reason)

    def result(self) -> list[SpecialDate]:
        return [SpecialDate(d, tuple(self.reasons[d])) for d in sorted(self.reasons)]


def _ja(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _en(d: date) -> str:
    return f"{d.day} {_MONTHS_EN[d.month - 1]} {d.year}"


def _months(start: date, end: date) -> list[tuple[int, int]]:
    first, last = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    return [(i // 12, i % 12 + 1) for i in range(first, last + 1)]


def _month_end(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(1)


# -- what makes a date special -------------------------------------------------------------


def _calendar_facts(found: _Found, start: date, end: date) -> None:
    for year in range(start.year, end.year + 1):
        if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
            found.add(date(year, 2, 29), "leap_day", ("閏日", "leap day"),
                      ("日付処理・自動起動の確認", "check date handling and automatic start-up"),
                      ("A2-SWC-3",))
            found.add(date(year, 12, 31), "leap_year", ("閏年の366日目", "day 366 of a leap year"),
                      ("年間通算日・366日での日数計算の確認",
                       "check day-of-year counters and 366-day interest calculations"),
                      ("A2-SWC-3",))
        if date(year, 12, 28).isocalendar().week == 53:  # 28 Dec is always in the last week
            found.add(date.fromisocalendar(year, 53, 1), "iso_53_week_year",
                      ("ISO週番号の第53週", "ISO week 53"),
                      ("週番号を使う処理の確認", "check processing keyed on week numbers"),
                      ("A2-SWC-3",))


def _month_facts(found: _Found, calendar: BusinessCalendar, start: date, end: date) -> None:
    for year, month in _months(start, end):
        try:
            first_open = calendar.first_business_day(year, month)
            last_open = calendar.last_business_day(year, month)
        except ValueError:  # a channel calendar may close a whole month
            continue
        first_day, last_day = date(year, month, 1), _month_end(year, month)
        if first_open != first_day:
            found.add(first_day, "month_start_closed", ("月初日が休業日", "the 1st is closed"),
                      ("月初処理が翌営業日に確実に行われるかの確認",
                       "check that month-start jobs run on the next business day"),
                      ("A2-SWA-1",))
            found.add(first_open, "first_business_day_after_month_start",
                      ("休業日明けの月初営業日", "first business day, the 1st being closed"),
                      ("元加など月初処理の実行確認",
                       "check that month-start processing such as interest capitalisation runs"),
                      ("A2-SWA-1",))
        if last_open != last_day:
            found.add(last_day, "month_end_closed", ("月末日が休業日", "month-end is closed"),
                      ("月末処理が前営業日に行われるかの確認",
                       "check that month-end jobs run on the business day before"),
                      ("A2-SWA-1",))
        found.add(last_open, "last_business_day", ("月末営業日", "last business day of the month"),
                  ("月末処理と取引集中の確認", "check month-end processing and peak volume"),
                  ("A1-I-8",))
        if period := _PERIOD_ENDS.get(month):
            found.add(last_open, period[0], (period[1], period[2]),
                      ("期末処理と取引集中の確認", "check period-end processing and peak volume"),
                      ("A1-I-8",))
        if month == 1:
            found.add(first_open, "first_business_day_of_year",
                      ("年初の営業日", "first business day of the year"),
                      ("年始処理と取引集中の確認", "check year-start processing and peak volume"),
                      ("A2-SWA-1", "A1-I-25"))
            if not calendar.is_business_day(date(year, 1, 2)):
                found.add(date(year, 1, 2), "jan_2_closed",
                          ("銀行休業日", "bank holiday"),
                          ("ATM等チャネルの「休日（稼働）」設定と既定値の確認",
                           "check that ATM and other channels are set to 'holiday with service' "
                           "and what the 'holiday' default does"),
                          ("A2-PERF-SET-5",))
        if month == 12 and not calendar.is_business_day(date(year, 12, 31)):
            found.add(date(year, 12, 31), "year_end_closure",
                      ("年末年始休業の初日", "first day of the year-end closure"),
                      ("1月3日までの休業中（銀行法施行令第5条）の無人運転・バッチの確認",
                       "check unattended operation and batches through 3 January "
                       "(Banking Act Enforcement Order art. 5)"),
                      ("A2-SWC-3",))


def _long_holidays(found: _Found, calendar: BusinessCalendar, start: date, end: date) -> None:
    # Runs are gaps between business days; look past both ends to see whole runs.
    lo = max(start - timedelta(31), min(start, date(FIRST_YEAR, 1, 1)))
    hi = min(end + timedelta(31), max(end, date(LAST_YEAR, 12, 31)))
    open_days = calendar.business_day_array(lo, hi)
    long_gaps = np.flatnonzero(np.diff(open_days).astype(np.int64) > _LONG_RUN)
    for i in long_gaps.tolist():
        before: date = open_days[i].item()
        after: date = open_days[i + 1].item()
        length = (after - before).days - 1
        run = [before + timedelta(i) for i in range(1, length + 1)]
        name_ja, name_en = _run_name(run)
        found.add(run[0], "long_holiday_start",
                  (f"{name_ja}{length}連休の初日", f"first day of a {length}-day {name_en}closure"),
                  (f"{run[-1].month}月{run[-1].day}日までの無人運転・バッチ・監視体制の確認",
                   f"check unattended operation, batches and monitoring until "
                   f"{run[-1].day} {_MONTHS_EN[run[-1].month - 1]}"),
                  ("A2-SWC-3", "A2-SWA-1"))
        found.add(after, "after_long_holiday",
                  (f"{name_ja}{length}連休明けの営業日",
                   f"first business day after a {length}-day {name_en}closure"),
                  ("連休中に滞留した取引の集中に備えた性能確認",
                   "performance-test for the volume that built up during the closure"),
                  ("A1-I-25", "A1-I-8"))


def _run_name(run: list[date]) -> tuple[str, str]:
    names = [name for d in run if (name := national_holidays(d.year).get(d))]
    if any((d.month, d.day) == (1, 1) for d in run):
        return "年末年始の", "New Year "
    if any((d.month, d.day) == (5, 3) for d in run):
        return "ゴールデンウィークの", "Golden Week "
    if {"敬老の日", "秋分の日"} <= set(names):
        return "シルバーウィークの", "Silver Week "
    return (f"{'・'.join(names)}を含む" if names else ""), ""


def _rule_facts(found: _Found, calendar: BusinessCalendar, start: date, end: date,
                rules: Sequence[NamedRule]) -> None:
    fired_by: dict[date, list[NamedRule]] = {}
    for named in rules:
        text = named.rule.text or named.rule.canonical
        for d in named.rule.dates(calendar, start, end):
            fired_by.setdefault(d, []).append(named)
            found.add(d, named.code, (named.name_ja, named.name_en),
                      (f"ルール「{text}」の実行日", f"fire date of rule '{text}'"), ("A1-I-8",))
        for issue in check_rule(named.rule, calendar, start_year=start.year,
                                years=end.year - start.year + 1):
            first = max(date(issue.year, issue.month, 1), start)
            if first <= min(_month_end(issue.year, issue.month), end):
                _add_issue(found, first, named, issue)
    for d, named_rules in fired_by.items():
        if len(Counter(n.code for n in named_rules)) >= 2:
            found.add(d, "rule_collision", ("複数ルールの同日実行", "rules coincide"),
                      ("・".join(n.name_ja for n in named_rules) + "が重なる：処理量の合算を確認",
                       ", ".join(n.name_en for n in named_rules)
                       + " fall on the same day: check the combined volume"),
                      ("A1-I-25", "A1-I-8"))


def _add_issue(found: _Found, first: date, named: NamedRule, issue: RuleMonthIssue) -> None:
    text = named.rule.text or named.rule.canonical
    month_ja = f"{issue.year}年{issue.month}月"
    month_en = f"{_MONTHS_EN[issue.month - 1]} {issue.year}"
    count = len(issue.fires)
    found.add(first, issue.code,
              (f"{named.name_ja}の実行回数に注意", f"{named.name_en}: check the fire count"),
              (f"ルール「{text}」は{month_ja}に{count}回実行（想定{issue.expected}回）。"
               f"意図どおりか確認",
               f"rule '{text}' fires {count} times in {month_en}, {issue.expected} expected: "
               f"check this is intended"),
              ("A2-SWA-1", "M-2.8"))


def _channel_facts(found: _Found, bank: BusinessCalendar, channel: BusinessCalendar,
                   start: date, end: date) -> None:
    for gap in calendar_disagreements(bank, channel, start, end):
        d = gap.date
        if _is_plain_weekend(d, bank, channel):
            continue
        if gap.b_open:
            label = (f"銀行休業・{channel.name}稼働", f"bank closed, {channel.name} open")
            action = (f"{channel.name}の稼働日設定（休日稼働）と既定値の確認",
                      f"check the {channel.name} service-day setting and its default")
        else:
            label = (f"銀行営業・{channel.name}停止", f"bank open, {channel.name} closed")
            action = (f"{channel.name}停止が意図どおりか確認",
                      f"check that stopping {channel.name} is intended")
        found.add(d, "calendar_disagreement", label, action, ("A2-PERF-SET-5",))


def _is_plain_weekend(d: date, *calendars: BusinessCalendar) -> bool:
    """A Saturday or Sunday that no holiday, year-end rule or override touches."""
    return (d.weekday() >= 5 and d not in national_holidays(d.year)
            and (d.month, d.day) not in ((12, 31), (1, 1), (1, 2), (1, 3))
            and not any(d in c.extra_closed or d in c.extra_open for c in calendars))
