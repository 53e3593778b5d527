"""Incident lifecycle: status transitions, the close gate and the timeline (pure; no Django).

An incident moves ``open -> mitigated -> recovered -> closed``; it may also recover without a
workaround, relapse, be reopened after closing, or be cancelled as a false alarm:

=============  ==========================================  ===================================
From           To                                          Notes
=============  ==========================================  ===================================
open           mitigated, recovered, cancelled             cancelling needs a reason
mitigated      recovered, open                             to open (workaround failed): reason
recovered      closed, open                                closing is gated; relapse: reason
closed         recovered                                   reopen, needs a reason
cancelled      open                                        reinstate, needs a reason
=============  ==========================================  ===================================

Every move backwards (to ``open`` from mitigated/recovered/cancelled, ``closed -> recovered``)
and every cancellation needs a written reason: the audit trail must say why a closed loop was
reopened or why an incident was written off. A self-transition is never valid.

Closing is the PDCA gate (A1-I-12, A1-III-10, C05): an incident cannot close until

- the cause analysis is complete: injection phase, cause category, direct cause and root
  cause (``CauseAnalysis``; the same taxonomy classifies external cases, A1-I-13, M-2.5);
- recurrence prevention is decided: at least one action with an owner and a due date, or an
  explicit justification that none is needed;
- 水平展開 (horizontal_check) is decided: tasks created, or explicitly not applicable;
- the final report has been made (a final report needs recovery, see ``reports``).

``check_timeline`` keeps the first-class timestamps in order (detected, first report,
management aware, first management instruction, mitigated, recovered, closed; C01).

Catalog: A1-I-12, A1-I-13, A1-III-10, M-2.5, M-3.1, C01, C05.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from antei.core.domain import Violation, check_choice, check_required
from antei.incidents.domain import deadlines


class Status(StrEnum):
    OPEN = "open"
    MITIGATED = "mitigated"
    RECOVERED = "recovered"
    CLOSED = "closed"
    CANCELLED = "cancelled"


STATUS_LABELS: Final[Mapping[Status, tuple[str, str]]] = MappingProxyType({
    Status.OPEN: ("対応中", "Open"),
    Status.MITIGATED: ("暫定対応済", "Mitigated"),
    Status.RECOVERED: ("復旧済", "Recovered"),
    Status.CLOSED: ("完了", "Closed"),
    Status.CANCELLED: ("取消", "Cancelled"),
})

TRANSITIONS: Final[Mapping[Status, frozenset[Status]]] = MappingProxyType({
    Status.OPEN: frozenset({Status.MITIGATED, Status.RECOVERED, Status.CANCELLED}),
    Status.MITIGATED: frozenset({Status.RECOVERED, Status.OPEN}),
    Status.RECOVERED: frozenset({Status.CLOSED, Status.OPEN}),
    Status.CLOSED: frozenset({Status.RECOVERED}),
    Status.CANCELLED: frozenset({Status.OPEN}),
})

# Moves that undo a step or write an incident off: the audit trail must say why.
REASON_REQUIRED: Final[frozenset[tuple[Status, Status]]] = frozenset({
    (Status.CLOSED, Status.RECOVERED),
    (Status.RECOVERED, Status.OPEN),
    (Status.MITIGATED, Status.OPEN),
    (Status.OPEN, Status.CANCELLED),
    (Status.CANCELLED, Status.OPEN),
})

# Statuses in which the service is (or may still be) down: follow-up reports are due.
ACTIVE: Final[frozenset[Status]] = frozenset({Status.OPEN, Status.MITIGATED})
# Statuses that count as "recovered" for a final report.
RECOVERED_OR_LATER: Final[frozenset[Status]] = frozenset({Status.RECOVERED, Status.CLOSED})


@dataclass(frozen=True)
class TransitionFacts:
    """What the close gate needs to know about an incident, computed by the service.

    ``has_root_cause_analysis``: phase, category, direct and root cause are all filled
    (``CauseAnalysis.is_complete``). ``open_recurrence_actions_decided``: at least one
    recurrence action exists, or an explicit "no action needed" justification is recorded
    (the ``open_`` prefix is kept from the issue's naming). ``horizontal_check_decided``:
    水平展開 tasks exist, or 水平展開 is explicitly marked not applicable.
    ``reason``: the free-text reason given with this transition.
    """

    has_root_cause_analysis: bool = False
    open_recurrence_actions_decided: bool = False
    horizontal_check_decided: bool = False
    has_final_report: bool = False
    reason: str = ""


def allowed_targets(current: Status) -> frozenset[Status]:
    """The statuses ``current`` may move to (before the facts are checked)."""
    return TRANSITIONS[Status(current)]


def check_transition(current: Status, to: Status, facts: TransitionFacts) -> list[Violation]:
    """Violations that stop ``current -> to``; an empty list means the move is allowed.

    An invalid move gives one ``Violation("to", "invalid_transition")`` and nothing else.
    Closing reports every missing piece at once (A1-I-12: no close without root cause):
    ``root_cause_required`` (field ``root_cause``), ``recurrence_actions_required``
    (``recurrence_actions``), ``horizontal_check_required`` (``horizontal_checks``),
    ``final_report_required`` (``final_report``). Backward moves and cancellation need
    ``reason`` (``reason_required``). Catalog: A1-I-12, A1-III-10, C05.
    """
    current, to = Status(current), Status(to)
    allowed = TRANSITIONS[current]
    if to not in allowed:
        return [Violation("to", "invalid_transition", {
            "from": current.value, "to": to.value,
            "allowed": ", ".join(sorted(s.value for s in allowed)),
        })]
    out: list[Violation] = []
    if to is Status.CLOSED:
        if not facts.has_root_cause_analysis:
            out.append(Violation("root_cause", "root_cause_required"))
        if not facts.open_recurrence_actions_decided:
            out.append(Violation("recurrence_actions", "recurrence_actions_required"))
        if not facts.horizontal_check_decided:
            out.append(Violation("horizontal_checks", "horizontal_check_required"))
        if not facts.has_final_report:
            out.append(Violation("final_report", "final_report_required"))
    if (current, to) in REASON_REQUIRED and not facts.reason.strip():
        out.append(Violation("reason", "reason_required",
                             {"from": current.value, "to": to.value}))
    return out


def reachable(start: Status) -> frozenset[Status]:
    """Every status reachable from ``start`` by valid moves (``start`` included)."""
    seen = {Status(start)}
    todo = [Status(start)]
    while todo:
        for nxt in TRANSITIONS[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return frozenset(seen)


# -- the incident timeline ---------------------------------------------------------------


def check_timeline(
    *,
    detected_at: datetime,
    now: datetime,
    occurred_at: datetime | None = None,
    first_report_at: datetime | None = None,
    management_aware_at: datetime | None = None,
    first_instruction_at: datetime | None = None,
    mitigated_at: datetime | None = None,
    recovered_at: datetime | None = None,
    closed_at: datetime | None = None,
    future_tolerance: timedelta = timedelta(minutes=5),
) -> list[Violation]:
    """Order violations among the first-class timestamps (C01, M-3.3 timing metrics).

    Detection is not before occurrence; reports, awareness, mitigation and recovery are not
    before detection; the first management instruction is not before management became
    aware; recovery not before mitigation; closing not before recovery. Rule ``date_order``
    (params ``other``: the ISO time it must not precede, ``other_field``), at most one per
    field. A timestamp more than ``future_tolerance`` after ``now`` is ``in_future`` (a typo,
    or a clock problem).
    """
    stamps = {
        "occurred_at": occurred_at, "detected_at": detected_at,
        "first_report_at": first_report_at, "management_aware_at": management_aware_at,
        "first_instruction_at": first_instruction_at, "mitigated_at": mitigated_at,
        "recovered_at": recovered_at, "closed_at": closed_at,
    }
    deadlines.require_aware(now, "now")
    for name, value in stamps.items():
        if value is not None:
            deadlines.require_aware(value, name)
    order = (
        ("detected_at", "occurred_at"), ("first_report_at", "detected_at"),
        ("management_aware_at", "detected_at"), ("first_instruction_at", "detected_at"),
        ("first_instruction_at", "management_aware_at"), ("mitigated_at", "detected_at"),
        ("recovered_at", "detected_at"), ("recovered_at", "mitigated_at"),
        ("closed_at", "detected_at"), ("closed_at", "recovered_at"),
    )
    out: list[Violation] = []
    for later, earlier in order:
        a, b = stamps[later], stamps[earlier]
        if a is not None and b is not None and a < b and later not in {v.field for v in out}:
            out.append(Violation(later, "date_order",
                                 {"other": b.isoformat(), "other_field": earlier}))
    for name, value in stamps.items():
        if value is not None and value > now + future_tolerance:
            out.append(Violation(name, "in_future", {"now": now.isoformat()}))
    return out


# -- cause analysis (the close gate's inputs) -------------------------------------------

# Where the defect entered (M-2.8 injection phase; C05 injection-phase attribution).
INJECTION_PHASES: Final = ("requirements", "design", "build", "test", "release", "operations")
INJECTION_PHASE_LABELS: Final[Mapping[str, tuple[str, str]]] = MappingProxyType({
    "requirements": ("要件定義", "Requirements"),
    "design": ("設計", "Design"),
    "build": ("製造", "Build"),
    "test": ("テスト", "Test"),
    "release": ("リリース・移行", "Release"),
    "operations": ("運用", "Operations"),
})

# One taxonomy for internal incidents and external cases (A1-I-13, M-2.5 (1)).
CAUSE_CATEGORIES: Final = (
    "hardware", "control_software", "application", "capacity", "settings_limits",
    "operations", "release", "external_connection", "vendor", "euc",
)
CAUSE_CATEGORY_LABELS: Final[Mapping[str, tuple[str, str]]] = MappingProxyType({
    "hardware": ("ハードウェア", "Hardware"),
    "control_software": ("制御ソフトウェア（OS・ミドルウェア）", "Control software"),
    "application": ("アプリケーション", "Application"),
    "capacity": ("キャパシティ", "Capacity"),
    "settings_limits": ("設定値・上限値", "Settings and limits"),
    "operations": ("オペレーション", "Operations"),
    "release": ("リリース・変更作業", "Release and change"),
    "external_connection": ("外部接続先", "External connection"),
    "vendor": ("委託先", "Vendor"),
    "euc": ("EUC", "EUC"),
})


@dataclass(frozen=True)
class CauseAnalysis:
    """The cause record an incident cannot close without (A1-I-12)."""

    injection_phase: str | None = None
    cause_category: str | None = None
    direct_cause: str | None = None
    root_cause: str | None = None

    @property
    def is_complete(self) -> bool:
        return not check_cause_analysis(self)


def check_cause_analysis(analysis: CauseAnalysis) -> list[Violation]:
    """Missing or unknown pieces of a cause analysis (A1-I-12, C05).

    The direct cause alone is not enough: the root cause is what stops a repeat.
    """
    values = {
        "injection_phase": analysis.injection_phase,
        "cause_category": analysis.cause_category,
        "direct_cause": (analysis.direct_cause or "").strip(),
        "root_cause": (analysis.root_cause or "").strip(),
    }
    out = check_required(values, list(values))
    if analysis.injection_phase:
        out += check_choice(analysis.injection_phase, INJECTION_PHASES, "injection_phase")
    if analysis.cause_category:
        out += check_choice(analysis.cause_category, CAUSE_CATEGORIES, "cause_category")
    return out


def check_recurrence_action(*, description: str, owner: str | None,
                            due_on: date | None) -> list[Violation]:
    """A recurrence-prevention action needs what it is, who owns it and when (A1-I-12)."""
    return check_required(
        {"description": description.strip(), "owner": owner, "due_on": due_on},
        ["description", "owner", "due_on"],
    )


def is_recurrence_decided(*, action_count: int, no_action_reason: str = "") -> bool:
    """At least one action, or an explicit reason why none is needed (C05)."""
    return action_count > 0 or bool(no_action_reason.strip())


def is_horizontal_check_decided(*, task_count: int, not_applicable_reason: str = "") -> bool:
    """水平展開 tasks exist, or it is explicitly marked not applicable with a reason (C05)."""
    return task_count > 0 or bool(not_applicable_reason.strip())
