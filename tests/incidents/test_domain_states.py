"""Incident status transitions and the close gate: no incident closes without a root cause,
recurrence decision, 水平展開 decision and final report (A1-I-12, A1-III-10, C05)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from antei.core.domain import Violation
from antei.incidents.domain import states
from antei.incidents.domain.states import Status, TransitionFacts
from antei.kernels.bizcal import JST

statuses = st.sampled_from(list(Status))
facts = st.builds(
    TransitionFacts,
    has_root_cause_analysis=st.booleans(),
    open_recurrence_actions_decided=st.booleans(),
    horizontal_check_decided=st.booleans(),
    has_final_report=st.booleans(),
    reason=st.sampled_from(["", "  ", "再発: 14:05 に再度停止"]),
)
COMPLETE = TransitionFacts(has_root_cause_analysis=True, open_recurrence_actions_decided=True,
                           horizontal_check_decided=True, has_final_report=True)
KNOWN_RULES = {"invalid_transition", "root_cause_required", "recurrence_actions_required",
               "horizontal_check_required", "final_report_required", "reason_required"}


def _is_complete(f: TransitionFacts) -> bool:
    return (f.has_root_cause_analysis and f.open_recurrence_actions_decided
            and f.horizontal_check_decided and f.has_final_report)


@given(status=statuses, f=facts)
def test_self_transitions_are_invalid(status: Status, f: TransitionFacts) -> None:
    assert states.check_transition(status, status, f) == [
        Violation("to", "invalid_transition", {
            "from": status.value, "to": status.value,
            "allowed": ", ".join(sorted(s.value for s in states.TRANSITIONS[status])),
        })
    ]


def test_every_status_is_reachable_from_open() -> None:
    assert states.reachable(Status.OPEN) == frozenset(Status)


def test_every_status_can_get_back_to_open() -> None:
    """No dead end: a closed or cancelled incident can always be reopened."""
    for status in Status:
        assert Status.OPEN in states.reachable(status)


@given(current=statuses, to=statuses, f=facts)
def test_a_move_outside_the_graph_gives_only_invalid_transition(
    current: Status, to: Status, f: TransitionFacts
) -> None:
    out = states.check_transition(current, to, f)
    assert {v.rule for v in out} <= KNOWN_RULES
    if to not in states.allowed_targets(current):
        assert [v.rule for v in out] == ["invalid_transition"]
        assert out[0].field == "to"
    else:
        assert "invalid_transition" not in {v.rule for v in out}


@given(steps=st.lists(st.tuples(statuses, facts), max_size=30))
def test_no_path_reaches_closed_without_the_facts(
    steps: list[tuple[Status, TransitionFacts]],
) -> None:
    """A1-I-12: whatever sequence of moves is tried, closing needs all four facts."""
    current = Status.OPEN
    for to, f in steps:
        if not states.check_transition(current, to, f):
            if to is Status.CLOSED:
                assert _is_complete(f)
            current = to


@given(f=facts)
def test_closing_reports_every_missing_piece_at_once(f: TransitionFacts) -> None:
    rules = {v.rule for v in states.check_transition(Status.RECOVERED, Status.CLOSED, f)}
    assert ("root_cause_required" in rules) is not f.has_root_cause_analysis
    assert ("recurrence_actions_required" in rules) is not f.open_recurrence_actions_decided
    assert ("horizontal_check_required" in rules) is not f.horizontal_check_decided
    assert ("final_report_required" in rules) is not f.has_final_report
    assert "reason_required" not in rules


def test_closing_without_root_cause_is_refused() -> None:
    f = TransitionFacts(has_root_cause_analysis=False, open_recurrence_actions_decided=True,
                        horizontal_check_decided=True, has_final_report=True)
    assert states.check_transition(Status.RECOVERED, Status.CLOSED, f) == [
        Violation("root_cause", "root_cause_required")
    ]
    assert states.check_transition(Status.RECOVERED, Status.CLOSED, COMPLETE) == []


def test_open_cannot_jump_to_closed() -> None:
    out = states.check_transition(Status.OPEN, Status.CLOSED, COMPLETE)
    assert [v.rule for v in out] == ["invalid_transition"]


@pytest.mark.parametrize(("current", "to"), sorted(states.REASON_REQUIRED))
def test_backward_moves_and_cancelling_need_a_reason(current: Status, to: Status) -> None:
    assert states.check_transition(current, to, TransitionFacts(reason="  ")) == [
        Violation("reason", "reason_required", {"from": current.value, "to": to.value})
    ]
    assert states.check_transition(current, to, TransitionFacts(reason="誤検知")) == []


def test_reopen_after_close_needs_a_reason_but_not_the_close_facts() -> None:
    assert [v.rule for v in states.check_transition(Status.CLOSED, Status.RECOVERED,
                                                    TransitionFacts())] == ["reason_required"]


def test_forward_moves_need_no_reason() -> None:
    for current, to in [(Status.OPEN, Status.MITIGATED), (Status.OPEN, Status.RECOVERED),
                        (Status.MITIGATED, Status.RECOVERED)]:
        assert states.check_transition(current, to, TransitionFacts()) == []


def test_string_values_are_accepted() -> None:
    assert states.check_transition("open", "mitigated", TransitionFacts()) == []  # type: ignore[arg-type]


# -- cause analysis ----------------------------------------------------------------------


def test_cause_analysis_needs_phase_category_direct_and_root_cause() -> None:
    """A1-I-12: a direct cause alone does not complete the analysis."""
    partial = states.CauseAnalysis(injection_phase="design", cause_category="application",
                                   direct_cause="閾値の設定誤り", root_cause="  ")
    assert states.check_cause_analysis(partial) == [Violation("root_cause", "required")]
    assert not partial.is_complete
    full = states.CauseAnalysis(injection_phase="design", cause_category="settings_limits",
                                direct_cause="閾値の設定誤り",
                                root_cause="設計レビューで上限値の妥当性を確認する手順がない")
    assert full.is_complete


def test_cause_taxonomy_rejects_unknown_codes() -> None:
    bad = states.CauseAnalysis(injection_phase="coding", cause_category="gremlins",
                               direct_cause="x", root_cause="y")
    assert [(v.field, v.rule) for v in states.check_cause_analysis(bad)] == [
        ("injection_phase", "choice"), ("cause_category", "choice")]


def test_taxonomies_have_bilingual_labels() -> None:
    assert set(states.INJECTION_PHASE_LABELS) == set(states.INJECTION_PHASES)
    assert set(states.CAUSE_CATEGORY_LABELS) == set(states.CAUSE_CATEGORIES)
    assert set(states.STATUS_LABELS) == set(Status)


def test_recurrence_action_needs_owner_and_due_date() -> None:
    assert states.check_recurrence_action(description="監視閾値の見直し", owner=None,
                                          due_on=None) == [
        Violation("owner", "required"), Violation("due_on", "required")]
    assert states.check_recurrence_action(description="監視閾値の見直し", owner="SYS-OPS",
                                          due_on=date(2027, 3, 31)) == []


def test_recurrence_and_horizontal_decisions() -> None:
    assert states.is_recurrence_decided(action_count=1)
    assert states.is_recurrence_decided(action_count=0, no_action_reason="ハード故障、交換済み")
    assert not states.is_recurrence_decided(action_count=0, no_action_reason=" ")
    assert states.is_horizontal_check_decided(task_count=0, not_applicable_reason="同種構成なし")
    assert not states.is_horizontal_check_decided(task_count=0)


# -- timeline ----------------------------------------------------------------------------

T0 = datetime(2027, 1, 10, 2, 10, tzinfo=JST)


def test_detected_before_occurred_is_refused() -> None:
    out = states.check_timeline(detected_at=T0, occurred_at=T0 + timedelta(minutes=5),
                                now=T0 + timedelta(hours=1))
    assert out == [Violation("detected_at", "date_order", {
        "other": (T0 + timedelta(minutes=5)).isoformat(), "other_field": "occurred_at"})]


def test_a_consistent_timeline_passes() -> None:
    m = timedelta(minutes=1)
    assert states.check_timeline(
        occurred_at=T0 - 5 * m, detected_at=T0, first_report_at=T0 + 20 * m,
        management_aware_at=T0 + 25 * m, first_instruction_at=T0 + 40 * m,
        mitigated_at=T0 + 90 * m, recovered_at=T0 + 180 * m, closed_at=T0 + 30 * 24 * 60 * m,
        now=T0 + 31 * 24 * 60 * m,
    ) == []


def test_timeline_order_and_future_checks() -> None:
    out = states.check_timeline(detected_at=T0, first_report_at=T0 - timedelta(minutes=1),
                                management_aware_at=T0 + timedelta(minutes=30),
                                first_instruction_at=T0 + timedelta(minutes=10),
                                recovered_at=T0 + timedelta(days=2), now=T0 + timedelta(days=1))
    assert [(v.field, v.rule) for v in out] == [
        ("first_report_at", "date_order"), ("first_instruction_at", "date_order"),
        ("recovered_at", "in_future")]


def test_naive_timestamps_raise() -> None:
    with pytest.raises(ValueError, match="naive"):
        states.check_timeline(detected_at=datetime(2027, 1, 10, 2, 10), now=T0)  # noqa: DTZ001
