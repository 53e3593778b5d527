"""Pure call-out rules: policy checks, the escalation decision, who is on call (C02, A1-II-3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from antei.callout import domain
from antei.callout.domain import ActionKind, RosterOverride, RosterSpec, RunSnapshot, StepSpec

T0 = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
STEPS = (StepSpec("person", 10, repeats=1, people=("P1",)),
         StepSpec("roster", 15, roster="DUTY"),
         StepSpec("distribution", 30, people=("CIO", "CEO")))


def rules(violations: list[domain.Violation]) -> set[tuple[str, str]]:
    return {(v.field, v.rule) for v in violations}


def test_a_policy_without_steps_is_refused_naming_the_field() -> None:
    assert ("steps", "policy_no_steps") in rules(domain.check_policy("P", "p", []))


def test_a_step_pointing_back_is_a_loop() -> None:
    steps = [StepSpec("person", 5, people=("A",)), StepSpec("person", 5, people=("B",),
                                                            next_step=0)]
    assert rules(domain.check_policy("P", "p", steps)) == {("steps[1].next_step", "step_loop")}
    itself = [StepSpec("person", 5, people=("A",), next_step=0)]
    assert ("steps[0].next_step", "step_loop") in rules(domain.check_policy("P", "p", itself))


def test_waits_repeats_and_targets_are_checked() -> None:
    steps = [StepSpec("person", 0, repeats=-1), StepSpec("roster", 5),
             StepSpec("pager", 5, people=("A",)), StepSpec("person", 5, people=("A",),
                                                           next_step=9)]
    assert rules(domain.check_policy("P", "p", steps)) == {
        ("steps[0].wait_minutes", "positive"), ("steps[0].repeats", "min_value"),
        ("steps[0].people", "required"), ("steps[1].roster", "required"),
        ("steps[2].kind", "choice"), ("steps[3].next_step", "step_range")}
    assert domain.check_policy("P", "p", STEPS) == []


def snap(**kw: object) -> RunSnapshot:
    values: dict[str, object] = {"step_index": 0, "round": 0, "next_at": T0,
                                 "is_active": True, "is_acknowledged": False} | kw
    return RunSnapshot(**values)  # type: ignore[arg-type]


def test_next_action_waits_repeats_advances_and_exhausts() -> None:
    early = T0 - timedelta(seconds=1)
    assert domain.next_action(STEPS, snap(), early).kind is ActionKind.WAIT
    assert domain.next_action(STEPS, snap(), T0) == domain.Action(ActionKind.REPEAT, 0, 1)
    assert domain.next_action(STEPS, snap(round=1), T0) == domain.Action(ActionKind.ADVANCE, 1)
    assert domain.next_action(STEPS, snap(step_index=2), T0).kind is ActionKind.EXHAUSTED
    assert domain.next_action(STEPS, snap(is_acknowledged=True), T0).kind is ActionKind.STOP
    assert domain.next_action(STEPS, snap(is_active=False), T0).kind is ActionKind.STOP


def test_a_step_that_reached_nobody_is_not_repeated() -> None:
    assert (domain.next_action(STEPS, snap(is_unreachable=True), T0)
            == domain.Action(ActionKind.ADVANCE, 1))


def test_a_jump_skips_steps() -> None:
    steps = (StepSpec("person", 5, people=("A",), next_step=2), *STEPS[1:])
    assert domain.next_action(steps, snap(), T0) == domain.Action(ActionKind.ADVANCE, 2)


@given(st.lists(st.integers(min_value=1, max_value=3), min_size=1, max_size=6),
       st.integers(min_value=0, max_value=2))
def test_every_valid_policy_ends(jumps: list[int], repeats: int) -> None:
    """Whatever forward jumps a policy has, following next_action ends in EXHAUSTED."""
    n = len(jumps)
    steps = [StepSpec("person", 1, repeats=repeats, people=("A",),
                      next_step=i + j if i + j < n and j > 1 else None)
             for i, j in enumerate(jumps)]
    assert domain.check_policy("P", "p", steps) == []
    state, now = snap(), T0
    for _ in range(n * (repeats + 1) + 1):
        action = domain.next_action(steps, state, now)
        if action.kind is ActionKind.EXHAUSTED:
            return
        state = snap(step_index=action.step_index, round=action.round)
    raise AssertionError("the policy did not end")


ROSTER = RosterSpec(members=("A", "B", "C"), rotation_days=7, starts_at=T0)


def test_on_call_rotates_by_period() -> None:
    assert domain.current_on_call(ROSTER, T0) == "A"
    assert domain.current_on_call(ROSTER, T0 + timedelta(days=6, hours=23)) == "A"
    assert domain.current_on_call(ROSTER, T0 + timedelta(days=7)) == "B"
    assert domain.current_on_call(ROSTER, T0 + timedelta(days=21)) == "A"
    assert domain.current_on_call(ROSTER, T0 - timedelta(days=30)) == "A"


def test_an_override_wins_while_it_lasts() -> None:
    roster = RosterSpec(ROSTER.members, 7, T0, overrides=(
        RosterOverride("Z", T0 + timedelta(days=1), T0 + timedelta(days=2)),))
    assert domain.current_on_call(roster, T0 + timedelta(days=1, hours=1)) == "Z"
    assert domain.current_on_call(roster, T0 + timedelta(days=2)) == "A"


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=30))
def test_on_call_is_always_a_member(hours: int, rotation: int) -> None:
    roster = RosterSpec(("A", "B", "C", "D"), rotation, T0)
    assert domain.current_on_call(roster, T0 + timedelta(hours=hours)) in roster.members


def test_fallback_order_wraps_round_without_the_failed_person() -> None:
    assert domain.fallback_order(["A", "B", "C", "D"], "C") == ["D", "A", "B"]
    assert domain.fallback_order(["A", "B"], "X") == ["A", "B"]


def test_roster_checks() -> None:
    assert rules(domain.check_roster("R", "r", ["A", "A"], 0)) == {
        ("members", "unique"), ("rotation_days", "positive")}
