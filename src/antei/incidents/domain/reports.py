"""Report drafts: 第1報 (first report), 続報 (follow-up), 最終報 (final) and regulator reports.

Speed first (M-3.3, A1-II-5): the first report states the fact at once, and everything not
yet known is printed explicitly as "調査中（判明次第報告）" / "Unknown — to follow" rather
than left out, so the reader sees what is still open. A follow-up marks the lines that
changed since the previous report. A final report needs recovery.

Times render in JST ("2027年1月10日 02:10" / "10 Jan 2027 02:10 JST"); amounts are integer
yen ("1,234,567円" / "JPY 1,234,567"), never floats. Free text (impact, cause, actions) is
shown as written in both languages. Catalog: M-3.3, A1-II-5, A1-II-7, C01.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from antei.core.domain import Violation
from antei.incidents.domain import deadlines, states
from antei.kernels.bizcal import JST

UNKNOWN_JA: Final = "調査中（判明次第報告）"
UNKNOWN_EN: Final = "Unknown — to follow"
_MONTHS_EN: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class ReportKind(StrEnum):
    FIRST = "first"
    FOLLOW_UP = "follow_up"
    FINAL = "final"
    REGULATOR_INITIAL = "regulator_initial"
    REGULATOR_INTERMEDIATE = "regulator_intermediate"
    REGULATOR_FINAL = "regulator_final"


KIND_TITLES: Final[Mapping[ReportKind, tuple[str, str]]] = MappingProxyType({
    ReportKind.FIRST: ("第1報", "First report"),
    ReportKind.FOLLOW_UP: ("続報", "Follow-up report"),
    ReportKind.FINAL: ("最終報", "Final report"),
    ReportKind.REGULATOR_INITIAL: ("当局宛 初報", "Regulator: initial report"),
    ReportKind.REGULATOR_INTERMEDIATE: ("当局宛 中間報告", "Regulator: intermediate report"),
    ReportKind.REGULATOR_FINAL: ("当局宛 最終報告", "Regulator: final report"),
})
FINAL_KINDS: Final = frozenset({ReportKind.FINAL, ReportKind.REGULATOR_FINAL})
_FIRST_KINDS: Final = frozenset({ReportKind.FIRST, ReportKind.REGULATOR_INITIAL})


@dataclass(frozen=True, kw_only=True)
class Facts:
    """What is known about an incident at one moment; None (or blank, or empty) = unknown."""

    title: str
    rank: int
    systems: tuple[str, ...] = ()
    business_functions: tuple[str, ...] = ()
    occurred_at: datetime | None = None
    detected_at: datetime
    impact_scope: str | None = None  # 影響範囲 (A1-II-7)
    customer_impact: str | None = None
    settlement_impact: str | None = None
    cause: str | None = None
    current_status: states.Status
    actions_taken: str | None = None
    recovery_eta: datetime | None = None
    affected_count: int | None = None
    amount_yen: int | None = None
    next_report_at: datetime | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "systems", tuple(self.systems))
        object.__setattr__(self, "business_functions", tuple(self.business_functions))
        object.__setattr__(self, "current_status", states.Status(self.current_status))
        for name in ("occurred_at", "detected_at", "recovery_eta", "next_report_at"):
            value = getattr(self, name)
            if value is not None:
                deadlines.require_aware(value, name)
        for name in ("affected_count", "amount_yen"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise TypeError(f"{name} must be an int (integer yen, never float), "
                                f"got {type(value).__name__}")
        if self.affected_count is not None and self.affected_count < 0:
            raise ValueError(f"affected_count cannot be negative, got {self.affected_count}")


@dataclass(frozen=True)
class ReportLine:
    key: str
    label_ja: str
    label_en: str
    value_ja: str
    value_en: str
    is_unknown: bool
    changed: bool


@dataclass(frozen=True)
class ReportDraft:
    kind: ReportKind
    title_ja: str
    title_en: str
    created_at: datetime
    lines: tuple[ReportLine, ...]

    @property
    def unknown_keys(self) -> tuple[str, ...]:
        return tuple(line.key for line in self.lines if line.is_unknown)

    @property
    def changed_keys(self) -> tuple[str, ...]:
        return tuple(line.key for line in self.lines if line.changed)

    @property
    def text_ja(self) -> str:
        body = [f"■{ln.label_ja}{'（更新）' if ln.changed else ''}: {ln.value_ja}"
                for ln in self.lines]
        return "\n".join([self.title_ja, f"作成: {format_time_ja(self.created_at)}", *body])

    @property
    def text_en(self) -> str:
        body = [f"- {ln.label_en}{' (updated)' if ln.changed else ''}: {ln.value_en}"
                for ln in self.lines]
        return "\n".join([self.title_en, f"Prepared: {format_time_en(self.created_at)}", *body])


def format_time_ja(value: datetime) -> str:
    """``2027年1月10日 02:10`` (JST)."""
    t = deadlines.require_aware(value, "time").astimezone(JST)
    return f"{t.year}年{t.month}月{t.day}日 {t:%H:%M}"


def format_time_en(value: datetime) -> str:
    """``10 Jan 2027 02:10 JST``."""
    t = deadlines.require_aware(value, "time").astimezone(JST)
    return f"{t.day} {_MONTHS_EN[t.month - 1]} {t.year} {t:%H:%M} JST"


def format_yen_ja(amount: int) -> str:
    return f"{amount:,}円"


def format_yen_en(amount: int) -> str:
    return f"JPY {amount:,}"


_Render = Callable[[object], tuple[str, str]]


def _text(v: object) -> tuple[str, str]:
    return str(v).strip(), str(v).strip()


def _items(v: object) -> tuple[str, str]:
    items = [str(x) for x in v] if isinstance(v, tuple) else [str(v)]
    return "、".join(items), ", ".join(items)


def _time(v: object) -> tuple[str, str]:
    if not isinstance(v, datetime):
        raise TypeError(f"expected a datetime, got {type(v).__name__}")
    return format_time_ja(v), format_time_en(v)


def _rank(v: object) -> tuple[str, str]:
    return f"ランク{v}", f"Rank {v}"


def _status(v: object) -> tuple[str, str]:
    return states.STATUS_LABELS[states.Status(str(v))]


def _count(v: object) -> tuple[str, str]:
    return f"{v:,}件", f"{v:,}"


def _yen(v: object) -> tuple[str, str]:
    if not isinstance(v, int):
        raise TypeError(f"expected integer yen, got {type(v).__name__}")
    return format_yen_ja(v), format_yen_en(v)


# The report's lines, in the order management reads them: what, where, how bad, why, next.
LINES: Final[tuple[tuple[str, str, str, _Render], ...]] = (
    ("title", "件名", "Title", _text),
    ("rank", "障害ランク", "Rank", _rank),
    ("current_status", "現在の状況", "Current status", _status),
    ("occurred_at", "発生日時", "Occurred", _time),
    ("detected_at", "検知日時", "Detected", _time),
    ("systems", "対象システム", "Systems", _items),
    ("business_functions", "影響業務", "Business functions", _items),
    ("impact_scope", "影響範囲", "Impact scope", _text),
    ("customer_impact", "顧客影響", "Customer impact", _text),
    ("settlement_impact", "決済影響", "Settlement impact", _text),
    ("affected_count", "影響件数", "Affected count", _count),
    ("amount_yen", "影響金額", "Amount", _yen),
    ("cause", "原因", "Cause", _text),
    ("actions_taken", "対応状況", "Actions taken", _text),
    ("recovery_eta", "復旧見込み", "Expected recovery", _time),
    ("next_report_at", "次回報告予定", "Next report", _time),
)
FIELD_KEYS: Final = tuple(key for key, *_ in LINES)


def _known(facts: Facts, key: str) -> object | None:
    """The field's value, or None when it is unknown (None, blank text, empty list)."""
    value: object = getattr(facts, key)
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, tuple):
        cleaned = tuple(s.strip() for s in value if str(s).strip())
        return cleaned or None
    return value


def changed_fields(previous: Facts, current: Facts) -> tuple[str, ...]:
    """Keys whose known value differs between two reports, in report-line order.

    Unknown stays unknown whether it is None or blank; times compare as instants, so the
    same moment written in another time zone is not a change. Catalog: M-3.3, C01.
    """
    return tuple(k for k in FIELD_KEYS if _known(previous, k) != _known(current, k))


def draft(
    kind: ReportKind,
    facts: Facts,
    previous: Facts | None,
    now: datetime,
    *,
    number: int | None = None,
) -> ReportDraft:
    """A report draft with every field on its own line, unknowns spelled out (M-3.3, A1-II-5).

    ``previous`` is the facts of the last report sent; lines that differ get ``changed``.
    A first report (internal or regulator) has no previous report: passing one raises
    ValueError. ``number`` titles a follow-up "第3報" instead of "続報". The draft is not a
    permission: ask ``check_report`` whether this kind may be sent now.
    """
    kind = ReportKind(kind)
    deadlines.require_aware(now, "now")
    if previous is not None and kind in _FIRST_KINDS:
        raise ValueError(f"a {kind.value} report has no previous report")
    changed = set(changed_fields(previous, facts)) if previous is not None else set()
    lines: list[ReportLine] = []
    for key, label_ja, label_en, render in LINES:
        value = _known(facts, key)
        if value is None:
            lines.append(ReportLine(key, label_ja, label_en, UNKNOWN_JA, UNKNOWN_EN,
                                    True, key in changed))
        else:
            ja, en = render(value)
            lines.append(ReportLine(key, label_ja, label_en, ja, en, False, key in changed))
    name_ja, name_en = KIND_TITLES[kind]
    if kind is ReportKind.FOLLOW_UP and number is not None:
        name_ja, name_en = f"第{number}報", f"Report no. {number}"
    title = facts.title.strip() or UNKNOWN_JA
    return ReportDraft(
        kind=kind,
        title_ja=f"【{name_ja}】{title}",
        title_en=f"[{name_en}] {facts.title.strip() or UNKNOWN_EN}",
        created_at=now.astimezone(JST),
        lines=tuple(lines),
    )


def check_report(
    kind: ReportKind,
    *,
    status: states.Status,
    has_first_report: bool,
    has_regulator_initial: bool = False,
) -> list[Violation]:
    """Whether a report of ``kind`` may be sent now (field ``kind``).

    ``final_before_recovery``: a final report (internal or regulator) needs the incident
    recovered or closed. ``first_report_required``: a follow-up or final report needs a
    第1報 first. ``first_report_exists``: there is one 第1報; later news is a follow-up.
    ``regulator_initial_required``: regulator intermediate and final reports follow the
    regulator initial report. Catalog: M-3.3, C01.
    """
    kind, status = ReportKind(kind), states.Status(status)
    out: list[Violation] = []
    if kind is ReportKind.FIRST and has_first_report:
        out.append(Violation("kind", "first_report_exists"))
    if kind in (ReportKind.FOLLOW_UP, ReportKind.FINAL) and not has_first_report:
        out.append(Violation("kind", "first_report_required"))
    if (kind in (ReportKind.REGULATOR_INTERMEDIATE, ReportKind.REGULATOR_FINAL)
            and not has_regulator_initial):
        out.append(Violation("kind", "regulator_initial_required"))
    if kind in FINAL_KINDS and status not in states.RECOVERED_OR_LATER:
        out.append(Violation("kind", "final_before_recovery", {"status": status.value}))
    return out
