"""Cause × phase × system counts and repeat detection (M-2.5, A1-I-12, A1-III-10, C05)."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from antei.incidents.domain.analytics import Analysed, cause_by_phase, cause_by_system, repeats

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def row(n: int, days: float, systems=("CORE",), category="capacity", phase="operations"):
    return Analysed(f"INC-{n}", T0 + timedelta(days=days), tuple(systems), category, phase)


def test_counts_by_cause_and_phase_name_unanalysed_as_unknown():
    counts = cause_by_phase([row(1, 0), row(2, 1), row(3, 2, category=None, phase=None)])
    assert counts[("capacity", "operations")] == 2
    assert counts[("unknown", "unknown")] == 1


def test_an_incident_on_two_systems_counts_for_each():
    counts = cause_by_system([row(1, 0, systems=("CORE", "FX"))])
    assert counts[("CORE", "capacity")] == 1
    assert counts[("FX", "capacity")] == 1


def test_same_cause_on_the_same_system_within_the_window_is_a_repeat():
    found = repeats([row(1, 0), row(2, 100), row(3, 600)])
    assert [(r.number, r.previous) for r in found] == [("INC-2", "INC-1")]
    assert found[0].days_apart == 100


def test_a_different_cause_or_system_is_not_a_repeat():
    assert repeats([row(1, 0), row(2, 10, category="release"), row(3, 20, systems=("FX",))]) == []


@given(st.lists(st.floats(min_value=0, max_value=2000), max_size=30))
def test_a_repeat_always_points_back_in_time_within_the_window(offsets):
    rows = [row(i, d) for i, d in enumerate(offsets)]
    by_number = {r.number: r for r in rows}
    for rep in repeats(rows, window=timedelta(days=365)):
        gap = by_number[rep.number].detected_at - by_number[rep.previous].detected_at
        assert timedelta(0) <= gap <= timedelta(days=365)
