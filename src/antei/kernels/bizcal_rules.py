"""Recurring bank dates written as short English rules, parsed and evaluated in bulk.

A job scheduled "on the first business day" is where A2-SWA-1's interest capitalisation
failed: the rule is data, so the special-date kit can stress every date it fires on.

Grammar (case-insensitive; commas, hyphens, underscores and "and" only separate words)::

    rule     := selector [months] [adjust]
    selector := "every business day"
              | ordinal ["last" | "to last"] "business day"      ("2nd last": last but one)
              | ("day" | "days") item {item}
    ordinal  := "first" .. "tenth" | "1st" .. "31st" | "last"
    item     := 1..31 | "last"                                  ("last": the month's last day)
    months   := "monthly" | ("of" | "in") monthset              (none given: every month)
    monthset := "each month" | "every month" | "even months" | "odd months"
              | "quarter end months" | "half year end months" | monthname {monthname}
    adjust   := ["or"] roll ["business day"] ["if closed" | "if holiday"]
              | "skip" ["if closed"] | "unadjusted"
    roll     := "following" | "next" | "preceding" | "previous"
              | "modified following" | "modified preceding"

Japanese aliases, whole text only: 毎営業日, 月初営業日, 月末営業日, 最終営業日, 第N営業日,
五十日, 年金支給日.

``adjust`` applies only to ``day`` rules (a business-day selector is never closed). Its
default is ``skip``: a day that is closed produces no date. ``unadjusted`` keeps closed days,
for jobs that run on calendar dates whatever the bank does (A2-SWC-3: control programs).
A day that a month lacks (31 in April, 29 in February of a common year) produces no date.

=============================================================  =================================
Rule                                                           Fires on
=============================================================  =================================
``every business day`` (毎営業日)                              each business day
``first business day of each month``, ``1st business day       first business day (月初営業日)
monthly``
``3rd business day of each month``                             third business day
``last business day`` (月末営業日)                              last business day of each month
``2nd last business day of March, September``                  last but one, in Mar and Sep
``last business day of quarter-end months``                    Mar, Jun, Sep, Dec month-ends
``day 25, or previous business day if closed``                 salary day (給与振込日)
``days 5,10,15,20,25,last, following business day`` (五十日)   gotoubi settlement days
``day 15 of even months, previous business day`` (年金支給日)  public pension days
``day 29 of February, unadjusted``                             leap day, open or not
=============================================================  =================================

>>> from datetime import date
>>> from antei.kernels.bizcal import BusinessCalendar
>>> rule = parse_rule("day 15 of even months, previous business day")
>>> rule.dates(BusinessCalendar.bank(), date(2026, 1, 1), date(2026, 12, 31))[:3]
[datetime.date(2026, 2, 13), datetime.date(2026, 4, 15), datetime.date(2026, 6, 15)]

Catalog: A2-SWA-1, A2-SWC-3, A1-I-8, C10.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Final

import numpy as np
from numpy.typing import NDArray

from antei.kernels.bizcal import FIRST_YEAR, LAST_YEAR, BusinessCalendar

LAST_DAY: Final = -1  # "last" in a day list: the month's final calendar day
ALL_MONTHS: Final = frozenset(range(1, 13))

_MONTH_SETS: Final = {
    "even": frozenset(range(2, 13, 2)),
    "odd": frozenset(range(1, 13, 2)),
    "quarter": frozenset({3, 6, 9, 12}),
    "half": frozenset({3, 9}),  # Japanese half years end in September and March
}
_MONTH_NAMES: Final = ("january", "february", "march", "april", "may", "june", "july",
                       "august", "september", "october", "november", "december")
_MONTHS: Final = {**{n: i for i, n in enumerate(_MONTH_NAMES, 1)},
                  **{n[:3]: i for i, n in enumerate(_MONTH_NAMES, 1)}, "sept": 9}
_ORDINAL_WORDS: Final = {w: i for i, w in enumerate(
    ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
     "tenth"), 1)}
_ALIASES: Final = {
    "毎営業日": "every business day",
    "月初営業日": "first business day of each month",
    "月末営業日": "last business day of each month",
    "最終営業日": "last business day of each month",
    "五十日": "days 5, 10, 15, 20, 25, last, following business day",
    "年金支給日": "day 15 of even months, previous business day",
}
_ADJUST_WORDS: Final = {
    "following": "following business day",
    "preceding": "previous business day",
    "modified_following": "modified following business day",
    "modified_preceding": "modified preceding business day",
    "skip": "skip if closed",
    "unadjusted": "unadjusted",
}
_NTH_ALIAS: Final = re.compile(r"第(\d+)営業日")
_ROLL_WORDS: Final = ("following", "next", "preceding", "previous", "modified", "skip",
                      "unadjusted")
_TOKEN: Final = re.compile(r"\d+[a-z]*|[a-z]+|[^\s,\-_/a-z\d]", re.IGNORECASE)


class RuleError(ValueError):
    """A rule text that does not parse: names the offending word, its position, what fits."""

    code = "bizcal.rule_invalid"

    def __init__(self, message: str, *, text: str, position: int, word: str,
                 expected: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.text, self.position, self.word, self.expected = text, position, word, expected


class RuleKind(StrEnum):
    EVERY = "every"  # every business day
    NTH = "nth"  # n-th business day of the month, from the end when negative
    DAYS = "days"  # listed calendar days of the month, then adjusted


class Adjust(StrEnum):
    """What a ``day`` rule does when the day is closed; the rolls are ``bizcal.Roll``'s."""

    FOLLOWING = "following"
    PRECEDING = "preceding"
    MODIFIED_FOLLOWING = "modified_following"
    MODIFIED_PRECEDING = "modified_preceding"
    SKIP = "skip"
    UNADJUSTED = "unadjusted"


@dataclass(frozen=True)
class Rule:
    """A parsed rule; build with ``parse_rule``. ``canonical`` parses back to an equal rule."""

    kind: RuleKind
    nth: int = 0
    days: tuple[int, ...] = ()
    months: frozenset[int] = ALL_MONTHS
    adjust: Adjust = Adjust.SKIP
    text: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        # A Rule made by hand must be as sound, and as normalised, as a parsed one.
        object.__setattr__(self, "months", frozenset(self.months))
        object.__setattr__(self, "days", _sorted_days(self.days))
        if not self.months or not self.months <= ALL_MONTHS:
            raise ValueError(f"months must be a non-empty subset of 1-12, got {self.months}")
        if self.kind is RuleKind.NTH and not 1 <= abs(self.nth) <= 31:
            raise ValueError(f"nth must be 1..31 or -31..-1, got {self.nth}")
        if self.kind is RuleKind.DAYS and (not self.days or not all(
                d == LAST_DAY or 1 <= d <= 31 for d in self.days)):
            raise ValueError(f"days must be 1-31 or LAST_DAY, got {self.days}")

    @property
    def canonical(self) -> str:
        """The rule in this module's own words, e.g. ``'day 25, previous business day'``."""
        if self.kind is RuleKind.EVERY:
            head = "every business day"
        elif self.kind is RuleKind.NTH:
            head = ("last" if self.nth == -1 else
                    f"{_ordinal(-self.nth)} last" if self.nth < 0 else _ordinal(self.nth))
            head += " business day"
        else:
            items = ", ".join("last" if d == LAST_DAY else str(d) for d in self.days)
            head = f"{'days' if len(self.days) > 1 else 'day'} {items}"
        if self.months != ALL_MONTHS:
            names = {v: k for k, v in _MONTH_SETS.items()}
            label = {"even": "even months", "odd": "odd months", "quarter": "quarter end months",
                     "half": "half year end months"}.get(names.get(self.months, ""))
            head += " of " + (label or ", ".join(
                _MONTH_NAMES[m - 1].capitalize() for m in sorted(self.months)))
        if self.kind is RuleKind.DAYS:
            head += ", " + _ADJUST_WORDS[self.adjust]
        return head

    def dates(self, calendar: BusinessCalendar, start: date, end: date) -> list[date]:
        """Dates the rule fires on in the closed range [start, end], ascending, no repeats."""
        fired: list[date] = self.date_array(calendar, start, end).tolist()
        return fired

    def date_array(self, calendar: BusinessCalendar, start: date,
                   end: date) -> NDArray[np.datetime64]:
        """As ``dates``, as ``datetime64[D]``: a century takes milliseconds."""
        if end < start:
            return np.empty(0, dtype="datetime64[D]")
        # Rolls reach across month ends, so evaluate whole months beyond both ends.
        lo_month = _month_index(start) - 2
        hi_month = _month_index(end) + 2
        lo = max(_month_start(lo_month), min(start, date(FIRST_YEAR, 1, 1)))
        hi = min(_month_start(hi_month + 1) - timedelta(1), max(end, date(LAST_YEAR, 12, 31)))
        open_days = calendar.business_day_array(lo, hi).astype(np.int64)
        months = np.arange(_month_index(lo), _month_index(hi) + 1, dtype=np.int64)
        months = months[np.isin(months % 12 + 1, sorted(self.months))]
        first, last = (np.datetime64(d, "D").astype(np.int64) for d in (start, end))
        if self.kind is RuleKind.EVERY:
            fired = open_days[(open_days >= first) & (open_days <= last)]
            if self.months != ALL_MONTHS:
                fired = fired[np.isin(_months_of(fired) % 12 + 1, sorted(self.months))]
            return fired.astype("datetime64[D]")
        if self.kind is RuleKind.NTH:
            fired = _nth(open_days, months, self.nth)
        else:
            fired = _adjust(open_days, _calendar_days(months, self.days), self.adjust)
        fired = np.sort(fired[(fired >= first) & (fired <= last)])
        # Rolls can land two days on one; sort-and-compare beats np.unique's hashing here.
        keep = np.ones(fired.size, dtype=np.bool_)
        keep[1:] = fired[1:] != fired[:-1]
        return fired[keep].astype("datetime64[D]")


@dataclass(frozen=True)
class NamedRule:
    """A rule with a business meaning; its ``code`` becomes a special-date reason code."""

    code: str
    rule: Rule
    name_ja: str
    name_en: str


def named_rule(code: str, text: str, *, name_ja: str, name_en: str) -> NamedRule:
    """Parse ``text`` and give it a stable code and bilingual name."""
    return NamedRule(code=code, rule=parse_rule(text), name_ja=name_ja, name_en=name_en)


def parse_rule(text: str) -> Rule:
    """Parse a rule (grammar in the module docstring); raise RuleError on bad input.

    >>> parse_rule("1st business day monthly") == parse_rule("first business day of each month")
    True
    >>> parse_rule("day 32")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    antei.kernels.bizcal_rules.RuleError: day '32' at position 4 in 'day 32' is not a day ...
    """
    compact = re.sub(r"\s+", "", text)
    english = _ALIASES.get(compact)
    if english is None and (m := _NTH_ALIAS.fullmatch(compact)):
        english = f"{_ordinal(int(m.group(1)))} business day of each month"
    return _Parser(english or text).parse(original=text)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = [(m.group().lower(), m.start()) for m in _TOKEN.finditer(text)]
        self.i = 0
        self.tried: list[str] = []  # what would have fitted at self.i, for the error message

    def parse(self, *, original: str) -> Rule:
        if not self.tokens:
            raise RuleError("empty rule: expected e.g. 'last business day' or 'day 25'",
                            text=self.text, position=0, word="", expected=("every", "day"))
        kind, nth, days = self._selector()
        months = self._months()
        adjust = self._adjust(kind)
        if self.i < len(self.tokens):
            self.tried.append("the end of the rule")
            raise self._error()
        return Rule(kind=kind, nth=nth, days=days, months=months, adjust=adjust, text=original)

    def _selector(self) -> tuple[RuleKind, int, tuple[int, ...]]:
        if self.accept("every", "each"):
            self._business_day()
            return RuleKind.EVERY, 0, ()
        if self.accept("day", "days"):
            days = [self._day_item()]
            while self.accept("and") or self.peek()[0][:1].isdigit() or self.peek()[0] == "last":
                days.append(self._day_item())
            return RuleKind.DAYS, 0, _sorted_days(days)
        n = self._ordinal_or_last()
        if n > 0 and (self.accept("last") or (self.accept("to") and self.expect("last"))):
            n = -n
        self._business_day()
        return RuleKind.NTH, n, ()

    def _business_day(self) -> None:
        self.expect("business")
        self.expect("day")

    def _ordinal_or_last(self) -> int:
        word = self.peek()[0]
        if self.accept("last"):
            return -1
        if word in _ORDINAL_WORDS:
            self.advance()
            return _ORDINAL_WORDS[word]
        m = re.fullmatch(r"(\d+)(st|nd|rd|th)", word)
        if m is None:
            self.tried.append("an ordinal such as 'first' or '3rd'")
            raise self._error()
        n = int(m.group(1))
        if not 1 <= n <= 31 or word != _ordinal(n):
            wanted = _ordinal(n) if 1 <= n <= 31 else "1st to 31st"
            shown = repr(wanted) if 1 <= n <= 31 else wanted
            raise self._invalid("ordinal {word} {at}: expected " + shown, (wanted,))
        self.advance()
        return n

    def _day_item(self) -> int:
        word = self.peek()[0]
        if word == "last":
            self.advance()
            return LAST_DAY
        m = re.fullmatch(r"(\d+)(st|nd|rd|th)?", word)
        if m and 1 <= int(m.group(1)) <= 31 and word in (m.group(1), _ordinal(int(m.group(1)))):
            self.advance()
            return int(m.group(1))
        if not word:
            self.tried = ["a day of the month 1-31 or 'last'"]
            raise self._error()
        raise self._invalid("day {word} {at} is not a day of the month: expected 1-31 or 'last'",
                            ("1-31", "last"))

    def _months(self) -> frozenset[int]:
        if self.accept("monthly"):
            return ALL_MONTHS
        if not self.accept("of", "in"):
            return ALL_MONTHS
        if self.accept("each", "every"):
            self.expect("month")
            return ALL_MONTHS
        if group := self.accept("even", "odd", "quarter", "half"):
            if group == "half":
                self.expect("year")
            if group in ("quarter", "half"):
                self.expect("end")
            self.expect("months")
            return _MONTH_SETS[group]
        months = {self._month_name()}
        while self.accept("and") or self.peek()[0] in _MONTHS:
            months.add(self._month_name())
        return frozenset(months)

    def _month_name(self) -> int:
        word = self.peek()[0]
        if word in _MONTHS:
            self.advance()
            return _MONTHS[word]
        self.tried.append("a month name such as 'March'")
        raise self._error()

    def _adjust(self, kind: RuleKind) -> Adjust:
        word = self.peek()[0]
        if kind is not RuleKind.DAYS:
            if word in ("or", *_ROLL_WORDS):
                raise self._invalid("{word} {at}: a business-day rule never lands on a closed "
                                    "day, so it takes no roll; rolls belong to 'day N' rules", ())
            return Adjust.SKIP
        had_or = self.accept("or")
        roll = self.accept(*_ROLL_WORDS)
        if roll is None:
            if had_or:
                raise self._error()
            return Adjust.SKIP
        if roll == "unadjusted":
            return Adjust.UNADJUSTED
        if roll == "modified":
            roll = "modified_" + self.expect("following", "preceding")
        if roll != "skip" and self.accept("business"):
            self.expect("day")
        if self.accept("if", "when"):
            self.expect("closed", "holiday")
        return Adjust({"next": "following", "previous": "preceding"}.get(roll, roll))

    # -- token stream --------------------------------------------------------------------

    def peek(self) -> tuple[str, int]:
        if self.i < len(self.tokens):
            return self.tokens[self.i]
        return "", len(self.text)

    def typed(self) -> str:
        """The current word as the user typed it (tokens are compared lower-cased)."""
        word, position = self.peek()
        return self.text[position:position + len(word)]

    def advance(self) -> None:
        self.i += 1
        self.tried = []

    def accept(self, *words: str) -> str | None:
        word = self.peek()[0]
        if word and word in words:
            self.advance()
            return word
        self.tried.extend(w for w in words if w not in self.tried)
        return None

    def expect(self, *words: str) -> str:
        word = self.accept(*words)
        if word is None:
            raise self._error()
        return word

    def _invalid(self, message: str, expected: tuple[str, ...]) -> RuleError:
        position = self.peek()[1]
        return RuleError(message.format(word=repr(self.typed()),
                                        at=f"at position {position} in {self.text!r}"),
                         text=self.text, position=position, word=self.typed(), expected=expected)

    def _error(self) -> RuleError:
        word, position = self.typed(), self.peek()[1]
        expected = tuple(self.tried)
        # Descriptions ("a month name such as 'March'") read better unquoted than words do.
        wanted = ", ".join(w if " " in w else repr(w) for w in expected)
        where = (f"rule {self.text!r} ends too early" if not word else
                 f"unexpected {word!r} at position {position} in {self.text!r}")
        return RuleError(f"{where}: expected {wanted}", text=self.text, position=position,
                         word=word, expected=expected)


def _sorted_days(days: Iterable[int]) -> tuple[int, ...]:
    return tuple(sorted(set(days), key=lambda d: (d == LAST_DAY, d)))  # "last" goes last


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _month_index(d: date) -> int:
    return (d.year - 1970) * 12 + d.month - 1  # numpy's datetime64[M] numbering


def _month_start(index: int) -> date:
    return date(1970 + index // 12, index % 12 + 1, 1)


def _months_of(days: NDArray[np.int64]) -> NDArray[np.int64]:
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def _starts(months: NDArray[np.int64]) -> NDArray[np.int64]:
    return months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def _nth(open_days: NDArray[np.int64], months: NDArray[np.int64], n: int) -> NDArray[np.int64]:
    starts, ends = _starts(months), _starts(months + 1)
    if n > 0:
        i = np.searchsorted(open_days, starts) + n - 1
        ok = i < open_days.size
        found = open_days[i[ok]]
        return found[found < ends[ok]]
    i = np.searchsorted(open_days, ends) + n
    ok = i >= 0
    found = open_days[i[ok]]
    return found[found >= starts[ok]]


def _calendar_days(months: NDArray[np.int64], days: tuple[int, ...]) -> NDArray[np.int64]:
    starts, ends = _starts(months)[:, None], _starts(months + 1)[:, None]
    wanted = np.array(days, dtype=np.int64)[None, :]
    candidates = np.where(wanted == LAST_DAY, ends - 1, starts + wanted - 1)
    return candidates[candidates < ends]


def _adjust(open_days: NDArray[np.int64], days: NDArray[np.int64],
            adjust: Adjust) -> NDArray[np.int64]:
    if adjust is Adjust.UNADJUSTED:
        return days
    if adjust is Adjust.SKIP or open_days.size == 0:
        return days[np.isin(days, open_days)]
    # No open day after (before) a candidate means the roll leaves the evaluated range, which
    # ends on a month boundary: such a roll leaves the month, and falls outside [start, end].
    after = np.searchsorted(open_days, days, side="left")
    before = np.searchsorted(open_days, days, side="right") - 1
    has_following, has_preceding = after < open_days.size, before >= 0
    following = open_days[np.minimum(after, open_days.size - 1)]
    preceding = open_days[np.maximum(before, 0)]
    if adjust is Adjust.FOLLOWING:
        return following[has_following]
    if adjust is Adjust.PRECEDING:
        return preceding[has_preceding]
    month = _months_of(days)
    if adjust is Adjust.MODIFIED_FOLLOWING:
        stays = has_following & (_months_of(following) == month)
        moved: NDArray[np.int64] = np.where(stays, following, preceding)[stays | has_preceding]
        return moved
    stays = has_preceding & (_months_of(preceding) == month)
    moved = np.where(stays, preceding, following)[stays | has_following]
    return moved


# Presets for the special-date kit; parsed at import, which costs microseconds.
SALARY_DAY: Final = named_rule("salary_day", "day 25, or previous business day if closed",
                               name_ja="給与振込日", name_en="salary day")
PENSION_DAY: Final = named_rule("pension_day", "day 15 of even months, previous business day",
                                name_ja="年金支給日", name_en="pension day")
GOTOUBI: Final = named_rule("gotoubi", "days 5,10,15,20,25,last, following business day",
                            name_ja="五十日", name_en="gotoubi settlement day")
