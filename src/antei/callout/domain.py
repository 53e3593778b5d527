"""Pure call-out rules (no Django, no I/O, time passed in): escalation policy checks, what an
escalation run does next, and who is on call in a roster.

Catalog: C02, A2-RESP-1 (nobody called, everyone assumed someone had been), A1-II-3 (nights
and holidays: rosters), A1-II-5, M-3.3.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

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
                 rotation_days: int) -> list[Violation]:
    out = check_code(code)
    if not name.strip():
        out.append(Violation("name", "required"))
    if not members:
        out.append(Violation("members", "required"))
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
