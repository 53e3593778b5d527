"""Pure call-out rules (no Django, no I/O, time passed in): escalation policy checks, what an
escalation run does next, and who is on call in a roster.

Catalog: C02, A2-RESP-1 (nobody called, everyone assumed someone had been), A1-II-3 (nights
and holidays: rosters), A1-II-5, M-3.3.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from itertools import pairwise

from antei.core.domain import Violation, check_choice, check_code


class StepKind(StrEnum):
    PERSON = "person"  # page named people
    ROSTER = "roster"  # page whoever is on call (falls back along the roster)
    DISTRIBUTION = "distribution"  # the management distribution: everyone listed


class PageStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    ACKNOWLEDGED = "acknowledged"
    ESCALATED = "escalated"


class RunState(StrEnum):
    ACTIVE = "active"
    ACKNOWLEDGED = "acknowledged"
    EXHAUSTED = "exhausted"


@dataclass(frozen=True)
class StepSpec:
    """One escalation step. `next_step` jumps forward (default: the following step)."""

    kind: str
    wait_minutes: int
    repeats: int = 0
    people: tuple[str, ...] = ()
    roster: str | None = None
    next_step: int | None = None


def check_policy(code: str, name: str, steps: Sequence[StepSpec]) -> list[Violation]:
    """A policy needs a code, a name and ≥1 step; waits > 0; repeats ≥ 0; a step may only
    jump forward (a loop would page the same people for ever and hide that nobody answers)."""
    out = check_code(code)
    if not name.strip():
        out.append(Violation("name", "required"))
    if not steps:
        out.append(Violation("steps", "policy_no_steps"))
    for i, step in enumerate(steps):
        at = f"steps[{i}]"
        kind_problems = check_choice(step.kind, [k.value for k in StepKind], f"{at}.kind")
        out += kind_problems
        if step.wait_minutes <= 0:
            out.append(Violation(f"{at}.wait_minutes", "positive", {"value": step.wait_minutes}))
        if step.repeats < 0:
            out.append(Violation(f"{at}.repeats", "min_value", {"min": 0}))
        if not kind_problems:
            if step.kind == StepKind.ROSTER and not step.roster:
                out.append(Violation(f"{at}.roster", "required"))
            if step.kind != StepKind.ROSTER and not step.people:
                out.append(Violation(f"{at}.people", "required"))
        if step.next_step is not None:
            if step.next_step <= i:
                out.append(Violation(f"{at}.next_step", "step_loop",
                                     {"value": step.next_step, "step": i}))
            elif step.next_step >= len(steps):
                out.append(Violation(f"{at}.next_step", "step_range",
                                     {"value": step.next_step}))
    return out


def following_step(steps: Sequence[StepSpec], index: int) -> int | None:
    """The step after `index`, or None when the policy is exhausted."""
    jump = steps[index].next_step
    nxt = jump if jump is not None else index + 1
    return nxt if nxt < len(steps) else None


class ActionKind(StrEnum):
    WAIT = "wait"  # not due yet
    STOP = "stop"  # acknowledged or no longer active: nothing to do
    REPEAT = "repeat"  # page the same step again
    ADVANCE = "advance"  # page the next step
    EXHAUSTED = "exhausted"  # no step left and nobody acknowledged


@dataclass(frozen=True)
class RunSnapshot:
    step_index: int
    round: int  # 0 for the first paging of a step, 1.. for repeats
    next_at: datetime
    is_active: bool
    is_acknowledged: bool
    is_unreachable: bool = False  # nobody of the current step could be reached


@dataclass(frozen=True)
class Action:
    kind: ActionKind
    step_index: int
    round: int = 0


def next_action(steps: Sequence[StepSpec], run: RunSnapshot, now: datetime) -> Action:
    """What an escalation run does at `now`.

    A step that reached nobody is not repeated (the same channels just failed): the run
    moves on at once. Otherwise a step is repeated `repeats` times, then the next one.
    """
    if not run.is_active or run.is_acknowledged:
        return Action(ActionKind.STOP, run.step_index, run.round)
    if now < run.next_at:
        return Action(ActionKind.WAIT, run.step_index, run.round)
    step = steps[run.step_index]
    if not run.is_unreachable and run.round < step.repeats:
        return Action(ActionKind.REPEAT, run.step_index, run.round + 1)
    nxt = following_step(steps, run.step_index)
    if nxt is None:
        return Action(ActionKind.EXHAUSTED, run.step_index, run.round)
    return Action(ActionKind.ADVANCE, nxt, 0)


@dataclass(frozen=True)
class RosterOverride:
    person: str
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class RosterSpec:
    """An ordered list of people taking turns of `rotation_days`, the first turn starting
    at `starts_at` (the handover time in the institution's zone)."""

    members: tuple[str, ...]
    rotation_days: int
    starts_at: datetime
    overrides: tuple[RosterOverride, ...] = ()


def check_roster(code: str, name: str, members: Sequence[str],
                 rotation_days: int, coverage: str = "always",
                 night_start_hour: int = 18) -> list[Violation]:
    """Members may be empty: such a roster is covered by its shifts (overrides) only."""
    out = check_code(code)
    if not name.strip():
        out.append(Violation("name", "required"))
    out += check_choice(coverage, [c.value for c in Coverage], "coverage")
    if not 0 <= night_start_hour <= 23:
        out.append(Violation("night_start_hour", "choice",
                             {"value": night_start_hour, "choices": "0–23"}))
    if rotation_days <= 0:
        out.append(Violation("rotation_days", "positive", {"value": rotation_days}))
    dupes = sorted({m for m in members if list(members).count(m) > 1})
    if dupes:
        out.append(Violation("members", "unique", {"value": ", ".join(dupes)}))
    return out


def current_on_call(roster: RosterSpec, at: datetime) -> str | None:
    """Who is on call at `at`: an override covering `at` wins (the latest-starting one),
    else the member whose turn it is. Before the first turn, the first member."""
    covering = [o for o in roster.overrides if o.starts_at <= at < o.ends_at]
    if covering:
        return max(covering, key=lambda o: o.starts_at).person
    if not roster.members:
        return None
    if at < roster.starts_at:
        return roster.members[0]
    turns = (at - roster.starts_at) // timedelta(days=roster.rotation_days)
    return roster.members[turns % len(roster.members)]


def fallback_order(members: Sequence[str], start: str) -> list[str]:
    """The roster after `start`, wrapping round, without `start`: who to try when the
    on-call person cannot be reached (A2-RESP-1)."""
    if start not in members:
        return list(members)
    i = list(members).index(start)
    return [*members[i + 1:], *members[:i]]


# --- coverage: who is on call when, and where nobody is (A1-II-3) ---------------------------


class Coverage(StrEnum):
    """When a roster must have someone on call. Nights and holidays follow the business
    calendar: a night runs from `night_start_hour` on a business day to the handover hour
    of the next day; a holiday is a whole non-business day (weekend, holiday, 12/31–1/3)."""

    ALWAYS = "always"
    NIGHTS = "nights"
    HOLIDAYS = "holidays"
    OFF_HOURS = "off_hours"  # nights and holidays


Window = tuple[datetime, datetime]


def _merge(windows: Sequence[Window]) -> list[Window]:
    out: list[Window] = []
    for a, b in sorted(windows):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def covered_windows(coverage: str, days: Sequence[tuple[date, bool]], zone: tzinfo,
                    handover_hour: int, night_start_hour: int) -> list[Window]:
    """The times a roster must cover, from `days` ((day, is_business_day), consecutive,
    in the institution's zone). ALWAYS covers every listed day whole."""
    def at(d: date, hour: int) -> datetime:
        return datetime.combine(d, time(hour), tzinfo=zone)

    out: list[Window] = []
    for d, is_business in days:
        whole = (at(d, 0), at(d + timedelta(days=1), 0))
        if coverage == Coverage.ALWAYS:
            out.append(whole)
            continue
        if not is_business and coverage in (Coverage.HOLIDAYS, Coverage.OFF_HOURS):
            out.append(whole)
        if is_business and coverage in (Coverage.NIGHTS, Coverage.OFF_HOURS):
            out.append((at(d, night_start_hour), at(d + timedelta(days=1), handover_hour)))
    return _merge(out)


@dataclass(frozen=True)
class Gap:
    """A stretch of covered time where nobody can be called: `reason` nobody (no member,
    no shift) or unreachable (`person` is on call but inactive or without a verified
    contact point, A2-RESP-1)."""

    starts_at: datetime
    ends_at: datetime
    reason: str
    person: str | None = None


def coverage_gaps(roster: RosterSpec, windows: Sequence[Window], start: datetime,
                  end: datetime, unreachable: frozenset[str] = frozenset()) -> list[Gap]:
    """Every gap in [start, end) within `windows`: the roster is evaluated at each point
    where the answer can change (window edges, handovers, shift edges)."""
    clipped = [(max(a, start), min(b, end)) for a, b in windows if a < end and b > start]
    points = {p for w in clipped for p in w}
    if roster.members and roster.rotation_days > 0:
        period = timedelta(days=roster.rotation_days)
        t = roster.starts_at + max(0, (start - roster.starts_at) // period) * period
        while t < end:
            if t > start:
                points.add(t)
            t += period
    points |= {p for o in roster.overrides for p in (o.starts_at, o.ends_at) if start < p < end}
    ordered = sorted(points)
    gaps: list[Gap] = []
    for a, b in pairwise(ordered):
        if not any(w0 <= a < w1 for w0, w1 in clipped):
            continue
        who = current_on_call(roster, a)
        reason = ("nobody" if who is None
                  else "unreachable" if who in unreachable else None)
        if reason is None:
            continue
        person = None if reason == "nobody" else who
        last = gaps[-1] if gaps else None
        if last and last.ends_at == a and (last.reason, last.person) == (reason, person):
            gaps[-1] = Gap(last.starts_at, b, reason, person)
        else:
            gaps.append(Gap(a, b, reason, person))
    return gaps


def overlapping_shift(shifts: Sequence[RosterOverride],
                      new: RosterOverride) -> RosterOverride | None:
    """An existing shift of the same person overlapping `new`: one person cannot hold
    two shifts at once (the second would hide a gap)."""
    return next((s for s in shifts if s.person == new.person
                 and s.starts_at < new.ends_at and new.starts_at < s.ends_at), None)


@dataclass(frozen=True)
class FirstReportGap:
    """Why the first report (第1報) of a rank is not paged to management: no policy for
    the rank, or its policy has no management distribution step (M-3.3, A1-II-5)."""

    rank: int
    policy: str | None  # None: no policy for the rank at all

    @property
    def ja(self) -> str:
        if self.policy is None:
            return f"ランク{self.rank}の呼出し方針がありません"
        return f"ランク{self.rank}の方針 {self.policy} に経営陣配信の手順がありません"

    @property
    def en(self) -> str:
        if self.policy is None:
            return f"there is no rank-{self.rank} escalation policy"
        return (f"the rank-{self.rank} policy {self.policy} has no management distribution "
                f"step")


def first_report_gap(rank: int, policy: str | None,
                     step_kinds: Sequence[str]) -> FirstReportGap | None:
    """The gap when the rank's policy (None: none) cannot page the first report."""
    if policy is not None and StepKind.DISTRIBUTION in step_kinds:
        return None
    return FirstReportGap(rank, policy)
