"""Pure rules of the limits registry: vocabularies, limit validation, chain cycles, and
the registry-level warnings the forecast kernel cannot see (no Django).

Catalog: C07, C08, M-2.2, A2-SWA-8, A2-PERF-SET-1..3, 6, 7, A2-PERF-CAP-1.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from antei.core.domain import Violation, check_choice

KINDS: Final = ("cpu", "memory", "disk", "log_area", "network", "connection_pool",
                "queue_depth", "sequence_per_day", "numeric_digits", "input_records",
                "output_records", "work_area", "file_size", "licence_count", "other")
LAYERS: Final = ("os", "dbms", "package", "application")
OVERFLOWS: Final = ("stop", "wrap", "truncate", "reject")
# Running totals (fitted on their daily growth) and daily volumes (fitted in log space):
# see antei.kernels.forecast. Everything else is a level (utilisation, pool in use).
CUMULATIVE_KINDS: Final = frozenset({"disk", "log_area", "work_area", "file_size"})
VOLUME_KINDS: Final = frozenset({"sequence_per_day", "input_records", "output_records",
                                 "queue_depth"})
MAX_VALUE: Final = 1e18


def forecast_mode(kind: str) -> str:
    """'cumulative', 'log' or 'level': how the kernel fits this kind of limit."""
    if kind in CUMULATIVE_KINDS:
        return "cumulative"
    if kind in VOLUME_KINDS:
        return "log"
    return "level"


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    f = float(value)
    return f if math.isfinite(f) else None


def check_limit(values: Mapping[str, object]) -> list[Violation]:
    """A limit's own rules: choices, warning <= critical <= value (A2-PERF-SET-1/2), a
    numeric-digits limit is all nines (the largest value N digits hold, A2-PERF-SET-7), a
    daily sequence number is whole (A2-SWA-8), margin 0–1000%, positive intervals."""
    out: list[Violation] = []
    for name, choices in (("kind", KINDS), ("layer", LAYERS), ("overflow", OVERFLOWS)):
        if values.get(name) in (None, ""):
            out.append(Violation(name, "required"))
        else:
            out += check_choice(str(values[name]), choices, name)
    if not str(values.get("name") or "").strip():
        out.append(Violation("name", "required"))
    elif len(str(values["name"])) > 100:
        out.append(Violation("name", "max_length", {"max": 100}))
    nums: dict[str, float] = {}
    for name in ("value", "warning", "critical"):
        raw = values.get(name)
        if raw is None:
            out.append(Violation(name, "required"))
            continue
        num = _number(raw)
        if num is None:
            out.append(Violation(name, "number", {"value": raw}))
        elif not 0 < num <= MAX_VALUE:
            out.append(Violation(name, "positive", {"value": raw}))
        else:
            nums[name] = num
    if "warning" in nums and "critical" in nums and nums["warning"] > nums["critical"]:
        out.append(Violation("warning", "level_order", {"other": "critical",
                                                        "value": _fmt(nums["critical"])}))
    if "critical" in nums and "value" in nums and nums["critical"] > nums["value"]:
        out.append(Violation("critical", "level_order", {"other": "value",
                                                         "value": _fmt(nums["value"])}))
    if ("warning" in nums and "value" in nums and "critical" not in nums
            and nums["warning"] > nums["value"]):
        out.append(Violation("warning", "level_order", {"other": "value",
                                                        "value": _fmt(nums["value"])}))
    kind, value = values.get("kind"), nums.get("value")
    if kind == "numeric_digits" and value is not None and not _all_nines(value):
        out.append(Violation("value", "digits", {"value": _fmt(value)}))
    if kind in ("sequence_per_day", "licence_count") and value is not None \
            and value != int(value):
        out.append(Violation("value", "integer"))
    margin = values.get("margin_percent")
    if margin is not None and (_number(margin) is None or not 0 <= float(margin) <= 1000):  # type: ignore[arg-type]
        out.append(Violation("margin_percent", "margin_range", {"value": margin}))
    for name in ("review_interval_days", "housekeeping_interval_days",
                 "measurement_interval_seconds"):
        raw = values.get(name)
        if raw is not None and (not isinstance(raw, int) or isinstance(raw, bool) or raw <= 0):
            out.append(Violation(name, "positive", {"value": raw}))
    return out


def _all_nines(value: float) -> bool:
    if value != int(value) or value < 9:
        return False
    return set(str(int(value))) == {"9"}


def digits_of(value: float) -> int:
    """The number of digits a numeric-digits limit allows (999,999 -> 6)."""
    return len(str(int(value)))


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if x == int(x) else f"{x:,.6g}"


def find_cycle(edges: Iterable[tuple[int, int]], new: tuple[int, int]) -> list[int] | None:
    """The cycle adding ``new`` (upstream -> downstream) would close, as the path of limit
    ids from downstream back to upstream, or None (the chain stays a DAG)."""
    up, down = new
    if up == down:
        return [up, up]
    graph: dict[int, list[int]] = {}
    for a, b in edges:
        graph.setdefault(a, []).append(b)
    # Is there a path down -> ... -> up already? Then up -> down closes it.
    stack: list[tuple[int, list[int]]] = [(down, [down])]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        if node == up:
            return [up, *path]
        if node in seen:
            continue
        seen.add(node)
        for nxt in graph.get(node, ()):
            stack.append((nxt, [*path, nxt]))
    return None


def chains(edges: Sequence[tuple[int, int]]) -> list[list[int]]:
    """Every path from a source (no upstream) to a sink (no downstream) of the link graph:
    the data flows (input -> work area -> output) whose tightest link matters."""
    downs: dict[int, list[int]] = {}
    has_up: set[int] = set()
    nodes: set[int] = set()
    for a, b in edges:
        downs.setdefault(a, []).append(b)
        has_up.add(b)
        nodes.update((a, b))
    out: list[list[int]] = []

    def walk(path: list[int]) -> None:
        nxt = downs.get(path[-1], [])
        if not nxt:
            out.append(path)
            return
        for n in sorted(nxt):
            walk([*path, n])

    for start in sorted(nodes - has_up):
        walk([start])
    return out


@dataclass(frozen=True)
class PeerLimit:
    """A limit as the active/standby comparison sees it."""

    id: int
    system: str
    kind: str
    name: str
    value: float
    environment: str  # of its component: active, standby, development, or "" for none
    component: str


def standby_mismatches(limits: Sequence[PeerLimit]) -> dict[int, list[PeerLimit]]:
    """Per limit id, the peers (same system, kind and name; one active, one standby) whose
    value differs: a standby that takes over with a smaller file limit fails at the first
    big day (A1-I-8, C08 active/standby parity)."""
    groups: dict[tuple[str, str, str], list[PeerLimit]] = {}
    for lim in limits:
        if lim.environment in ("active", "standby"):
            groups.setdefault((lim.system, lim.kind, lim.name), []).append(lim)
    out: dict[int, list[PeerLimit]] = {}
    for group in groups.values():
        for a in group:
            for b in group:
                if a.environment != b.environment and a.value != b.value:
                    out.setdefault(a.id, []).append(b)
    return out


def margin_violated(*, value: float, expected_peak: float, margin_percent: float,
                    has_production_equivalent_test: bool) -> bool:
    """M-2.2 / A2-PERF-CAP-3: without a production-equivalent load test, the set value must
    stay at least ``margin_percent`` above the expected peak."""
    if has_production_equivalent_test or not math.isfinite(expected_peak):
        return False
    return value < expected_peak * (1 + margin_percent / 100)


def batch_overruns(*, duration_minutes: float, room_minutes: float) -> bool:
    """A1-I-7 / A2-OPS-PROC-1: the batch's forecast duration does not fit between its usual
    start and the online start minus the safety margin."""
    return math.isfinite(duration_minutes) and duration_minutes > room_minutes
