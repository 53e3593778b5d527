"""Counting incidents by cause, phase and system, and finding repeats (pure; no Django).

Root-cause analysis only pays off when the counts are looked at across incidents: which
phase lets defects in, which category keeps coming back on which system (M-2.5, A1-I-12,
A1-III-10 PDCA, M-1.1 injection-phase attribution).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Analysed:
    """One incident as the analytics see it; category/phase None while not analysed."""

    number: str
    detected_at: datetime
    systems: tuple[str, ...]
    cause_category: str | None
    injection_phase: str | None


@dataclass(frozen=True)
class Repeat:
    """`number` happened on `system` with the same cause category as `previous`."""

    number: str
    previous: str
    system: str
    cause_category: str
    days_apart: float


def cause_by_phase(rows: Iterable[Analysed]) -> Counter[tuple[str, str]]:
    """(cause category, injection phase) -> count; unanalysed ones count as 'unknown'."""
    return Counter((r.cause_category or "unknown", r.injection_phase or "unknown") for r in rows)


def cause_by_system(rows: Iterable[Analysed]) -> Counter[tuple[str, str]]:
    """(system, cause category) -> count; an incident on two systems counts for both."""
    return Counter((s, r.cause_category or "unknown") for r in rows for s in r.systems)


def repeats(rows: Sequence[Analysed], *, window: timedelta = timedelta(days=365)) -> list[Repeat]:
    """Incidents whose system had an incident of the same cause category within `window`
    before: the recurrence prevention of the earlier one did not hold (C05)."""
    out: list[Repeat] = []
    last: dict[tuple[str, str], Analysed] = {}
    for r in sorted(rows, key=lambda x: x.detected_at):
        if r.cause_category is None:
            continue
        for system in r.systems:
            key = (system, r.cause_category)
            before = last.get(key)
            if before is not None and r.detected_at - before.detected_at <= window:
                gap = (r.detected_at - before.detected_at).total_seconds() / 86400
                out.append(Repeat(r.number, before.number, system, r.cause_category,
                                  round(gap, 1)))
            last[key] = r
    return out
