"""Incident ranks, management clocks and regulator report deadlines (the order of the
timestamps themselves is checked by ``states.check_timeline``).

Two kinds of clock, deliberately different:

- **Management clocks** (第1報, management aware, follow-up cadence) run on the wall clock,
  24/7, never on business days: a rank-1 failure at 02:10 on a Sunday must reach management
  by 02:40 (M-3.3, A1-II-5). They are set per rank by ``RankPolicy``.
- **Regulator clocks** (initial / intermediate / final) follow a regime described as data
  (``RegulatorProfile``) and use the bank's ``BusinessCalendar``: a limit may count business
  days, and a deadline falling on a closed day may move to a business day.

All datetimes must be timezone-aware (naive input raises ValueError); results are in ``tz``
(JST unless told). Arithmetic in hours is done on the absolute instant, not the wall clock.

Catalog: M-3.1, M-3.3, A1-II-5, A1-II-7, C01.
"""

from __future__ import annotations

import calendar as _gregorian
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from antei.core.domain import Violation, check_choice
from antei.kernels.bizcal import JST, BusinessCalendar, business_day_deadline


def require_aware(value: datetime, name: str) -> datetime:
    """``value`` unchanged if it is a timezone-aware datetime; ValueError if naive."""
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} is a naive datetime ({value.isoformat()}): pass an aware one")
    return value


def _plus(start: datetime, delta: timedelta, tz: tzinfo) -> datetime:
    # Through UTC: aware + timedelta is wall-clock arithmetic in Python, wrong across DST.
    return (start.astimezone(UTC) + delta).astimezone(tz)


# -- ranks and management clocks --------------------------------------------------------


@dataclass(frozen=True)
class RankPolicy:
    """One incident rank and its management clocks, in minutes from detection.

    ``follow_up_minutes`` = 0 means no follow-up cadence. ``regulator_reportable`` says
    whether incidents of this rank start the regulator clocks.
    """

    rank: int
    name_ja: str
    name_en: str
    definition_ja: str
    definition_en: str
    first_report_minutes: int
    management_aware_minutes: int
    follow_up_minutes: int
    regulator_reportable: bool

    def __post_init__(self) -> None:
        if self.rank < 1:
            raise ValueError(f"rank must be 1 or more, got {self.rank}")
        if self.first_report_minutes <= 0 or self.management_aware_minutes <= 0:
            raise ValueError("first report and management-aware minutes must be positive")
        if self.follow_up_minutes < 0:
            raise ValueError("follow_up_minutes must be 0 (no cadence) or positive")


DEFAULT_RANKS: Final[tuple[RankPolicy, ...]] = (
    RankPolicy(1, "ランク1（重大）", "Rank 1 (critical)",
               "顧客・決済に影響のある重要システムの障害",
               "Failure of a critical system with customer or settlement impact",
               30, 30, 60, True),
    RankPolicy(2, "ランク2（高）", "Rank 2 (major)",
               "顧客影響のある障害、または決済影響のない重要システムの障害",
               "Customer impact, or a critical-system failure without settlement impact",
               60, 60, 120, True),
    RankPolicy(3, "ランク3（中）", "Rank 3 (moderate)",
               "顧客影響はないが業務に影響のある障害（代替手段あり）",
               "Business impact without customer impact; a workaround exists",
               240, 240, 1440, False),
    RankPolicy(4, "ランク4（軽微）", "Rank 4 (minor)",
               "業務影響のない障害（冗長構成による自動切替など）",
               "No business impact (e.g. automatic failover to a standby)",
               1440, 1440, 0, False),
)


def check_rank(rank: int, policies: Iterable[RankPolicy] = DEFAULT_RANKS) -> list[Violation]:
    """``rank`` must be one of the configured ranks (rule ``choice``; C01)."""
    return check_choice(str(rank), [str(p.rank) for p in policies], "rank")


def check_rank_policies(policies: Iterable[RankPolicy]) -> list[Violation]:
    """A configured rank set is non-empty and numbered 1..n without gaps (1 = most severe)."""
    ranks = sorted(p.rank for p in policies)
    if not ranks:
        return [Violation("ranks", "required")]
    if ranks != list(range(1, len(ranks) + 1)):
        return [Violation("ranks", "rank_sequence", {"value": ", ".join(map(str, ranks))})]
    return []


def policy_for(rank: int, policies: Iterable[RankPolicy] = DEFAULT_RANKS) -> RankPolicy:
    """The policy of ``rank``; ValueError when the rank is not configured."""
    for p in policies:
        if p.rank == rank:
            return p
    raise ValueError(f"rank {rank} is not configured")


@dataclass(frozen=True)
class IncidentDeadlines:
    """Management deadlines of one incident; ``overdue`` names those past due and unmet:
    ``first_report``, ``management_aware``, ``follow_up``."""

    first_report_due: datetime
    management_aware_due: datetime
    next_follow_up_due: datetime | None
    overdue: tuple[str, ...]


def incident_deadlines(
    *,
    detected_at: datetime,
    policy: RankPolicy,
    first_report_at: datetime | None = None,
    last_report_at: datetime | None = None,
    management_aware_at: datetime | None = None,
    recovered_at: datetime | None = None,
    now: datetime,
    tz: tzinfo = JST,
) -> IncidentDeadlines:
    """Wall-clock deadlines for 第1報, management awareness and the next follow-up (M-3.3).

    The follow-up clock starts at the first report and restarts at each later report
    (``last_report_at``, which defaults to the first report); it is None when the rank has
    no cadence, before the first report, and once the incident has recovered (the final
    report closes the loop). A deadline is overdue when ``now`` is strictly after it and the
    thing is not done; a late first report is done, not overdue. Catalog: M-3.3, A1-II-5.
    """
    require_aware(detected_at, "detected_at")
    require_aware(now, "now")
    for name, value in (("first_report_at", first_report_at), ("last_report_at", last_report_at),
                        ("management_aware_at", management_aware_at),
                        ("recovered_at", recovered_at)):
        if value is not None:
            require_aware(value, name)
    if last_report_at is not None and first_report_at is None:
        raise ValueError("last_report_at given without first_report_at")
    first_due = _plus(detected_at, timedelta(minutes=policy.first_report_minutes), tz)
    aware_due = _plus(detected_at, timedelta(minutes=policy.management_aware_minutes), tz)
    follow_due: datetime | None = None
    if policy.follow_up_minutes and first_report_at is not None and recovered_at is None:
        last = first_report_at if last_report_at is None else max(first_report_at, last_report_at)
        follow_due = _plus(last, timedelta(minutes=policy.follow_up_minutes), tz)
    overdue: list[str] = []
    if first_report_at is None and now > first_due:
        overdue.append("first_report")
    if management_aware_at is None and now > aware_due:
        overdue.append("management_aware")
    if follow_due is not None and now > follow_due:
        overdue.append("follow_up")
    return IncidentDeadlines(first_due, aware_due, follow_due, tuple(overdue))


# -- regulator profiles ------------------------------------------------------------------


class Stage(StrEnum):
    INITIAL = "initial"
    INTERMEDIATE = "intermediate"
    FINAL = "final"


class Anchor(StrEnum):
    """The event a regulator clock starts from."""

    DETECTED = "detected"  # the bank became aware (DORA "awareness")
    CLASSIFIED = "classified"  # classified as major / reportable
    INITIAL_REPORT = "initial_report"  # the initial report was submitted
    LAST_INTERMEDIATE = "last_intermediate"  # the latest intermediate report was submitted
    RECOVERED = "recovered"  # regular activities recovered


ANCHOR_LABELS: Final[Mapping[Anchor, tuple[str, str]]] = MappingProxyType({
    Anchor.DETECTED: ("障害の認知", "awareness of the incident"),
    Anchor.CLASSIFIED: ("重大障害への分類", "classification as major"),
    Anchor.INITIAL_REPORT: ("初報の提出", "submission of the initial report"),
    Anchor.LAST_INTERMEDIATE: ("最新の中間報告の提出", "submission of the latest intermediate"),
    Anchor.RECOVERED: ("復旧", "recovery"),
})


class Unit(StrEnum):
    HOURS = "hours"  # absolute hours on the clock
    CALENDAR_DAYS = "calendar_days"
    BUSINESS_DAYS = "business_days"  # counted as bizcal.business_day_deadline counts them
    MONTHS = "months"  # same day next month, clamped to the month's last day


class ClosedDayRule(StrEnum):
    """What happens to a deadline whose local date is closed in the bank calendar."""

    NONE = "none"  # stays where it is
    NOON_NEXT_BUSINESS_DAY = "noon_next_business_day"  # DORA RTS Art. 5(4)
    NEXT_BUSINESS_DAY_AT = "next_business_day_at"  # next business day at ``roll_at``


@dataclass(frozen=True)
class Limit:
    """``amount`` ``unit``s after ``anchor``; day units end at ``at`` (else the anchor's time)."""

    anchor: Anchor
    amount: int
    unit: Unit
    at: time | None = None

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise ValueError(f"a limit cannot be negative, got {self.amount}")
        if self.unit is Unit.HOURS and self.at is not None:
            raise ValueError("an hours limit has no time of day")
        if self.unit is Unit.BUSINESS_DAYS and self.at is None:
            raise ValueError("a business-days limit needs a time of day ('at')")
        if self.at is not None and self.at.tzinfo is not None:
            raise ValueError("'at' is a local wall-clock time and must not carry a tzinfo")


@dataclass(frozen=True)
class StageRule:
    """One report stage. ``limits[0]`` is the trigger limit; further limits are caps.

    The deadline is the earliest limit, except that a cap falling before the trigger event
    is ignored: DORA's "4 h after classification, and no later than 24 h after awareness"
    still gives 4 h when classification comes more than 24 h after awareness.
    """

    stage: Stage
    limits: tuple[Limit, ...]
    closed_day: ClosedDayRule
    note_ja: str
    note_en: str
    roll_at: time | None = None

    def __post_init__(self) -> None:
        if not self.limits:
            raise ValueError(f"stage {self.stage} needs at least one limit")
        if self.closed_day is ClosedDayRule.NEXT_BUSINESS_DAY_AT and self.roll_at is None:
            raise ValueError("next_business_day_at needs roll_at")

    @property
    def has_two_limits(self) -> bool:
        return len(self.limits) > 1


@dataclass(frozen=True)
class RegulatorProfile:
    """A reporting regime as data: its stages, their clocks and closed-day rules."""

    code: str
    name_ja: str
    name_en: str
    stages: tuple[StageRule, ...]
    source: str
    is_example: bool = False

    def __post_init__(self) -> None:
        codes = [s.stage for s in self.stages]
        if len(set(codes)) != len(codes):
            raise ValueError(f"profile {self.code!r} repeats a stage: {codes}")


# The general rule of Commission Delegated Regulation (EU) 2025/301 (RTS on incident
# reporting), Art. 5: the weekend/holiday relief of Art. 5(4) covers the initial notification,
# the intermediate and the final report alike, so the roll applies to every stage. "Bank
# holiday in the Member State" becomes a closed day of the calendar passed in. Credit
# institutions lose the relief for initial and intermediate reports: see the next profile.
DORA: Final = RegulatorProfile(
    code="dora",
    name_ja="EU DORA型（一般）",
    name_en="EU DORA-like (general rule)",
    stages=(
        StageRule(Stage.INITIAL,
                  (Limit(Anchor.CLASSIFIED, 4, Unit.HOURS), Limit(Anchor.DETECTED, 24, Unit.HOURS)),
                  ClosedDayRule.NOON_NEXT_BUSINESS_DAY,
                  "初報: 重大分類から4時間以内かつ認知から24時間以内（DORA）",
                  "Initial: within 4 h of classification as major and 24 h of awareness (DORA)"),
        StageRule(Stage.INTERMEDIATE, (Limit(Anchor.INITIAL_REPORT, 72, Unit.HOURS),),
                  ClosedDayRule.NOON_NEXT_BUSINESS_DAY,
                  "中間報告: 初報提出から72時間以内（DORA）",
                  "Intermediate: within 72 h of the initial notification (DORA)"),
        StageRule(Stage.FINAL, (Limit(Anchor.LAST_INTERMEDIATE, 1, Unit.MONTHS),),
                  ClosedDayRule.NOON_NEXT_BUSINESS_DAY,
                  "最終報告: 最新の中間報告から1か月以内（DORA）",
                  "Final: within 1 month of the latest intermediate report (DORA)"),
    ),
    source="Regulation (EU) 2022/2554 Art. 19(4); Delegated Regulation (EU) 2025/301 Art. 5",
)

# Art. 5(5) of the same RTS withdraws the weekend/holiday relief for initial notifications
# and intermediate reports of credit institutions, central counterparties, trading-venue
# operators and NIS2 essential/important entities: for them only the final report rolls.
DORA_CREDIT_INSTITUTION: Final = RegulatorProfile(
    code="dora_ci",
    name_ja="EU DORA型（信用機関等: 初報・中間報告は休日繰延なし）",
    name_en="EU DORA-like (credit institutions: no closed-day relief for initial/intermediate)",
    stages=(replace(DORA.stages[0], closed_day=ClosedDayRule.NONE),
            replace(DORA.stages[1], closed_day=ClosedDayRule.NONE), DORA.stages[2]),
    source="Delegated Regulation (EU) 2025/301 Art. 5(4)-(5)",
)

_FIVE_PM = time(17)

# An example only, not the FSA's text: the supervisory guidelines ask for failure reports
# "without delay" and set no clock, so each bank writes down its own reading. This is one.
FSA_STYLE: Final = RegulatorProfile(
    code="fsa_style",
    name_ja="金融庁型（例）",
    name_en="Japanese FSA-style (example)",
    stages=(
        StageRule(Stage.INITIAL, (Limit(Anchor.DETECTED, 0, Unit.BUSINESS_DAYS, _FIVE_PM),),
                  ClosedDayRule.NEXT_BUSINESS_DAY_AT,
                  "初報: 遅滞なく＝検知当日17:00まで"
                  "（17時以降・休業日の検知は翌営業日17:00）（例）",
                  "Initial: without delay = by 17:00 on the day of detection (next business "
                  "day if detected after 17:00 or on a closed day) (example)",
                  roll_at=_FIVE_PM),
        StageRule(Stage.INTERMEDIATE,
                  (Limit(Anchor.INITIAL_REPORT, 5, Unit.BUSINESS_DAYS, _FIVE_PM),),
                  ClosedDayRule.NEXT_BUSINESS_DAY_AT,
                  "中間報告: 初報から5営業日以内の17:00まで（例）",
                  "Intermediate: by 17:00 on the 5th business day after the initial report "
                  "(example)",
                  roll_at=_FIVE_PM),
        StageRule(Stage.FINAL, (Limit(Anchor.RECOVERED, 30, Unit.CALENDAR_DAYS, _FIVE_PM),),
                  ClosedDayRule.NEXT_BUSINESS_DAY_AT,
                  "最終報告: 復旧から30日以内の17:00まで（休業日は翌営業日）（例）",
                  "Final: by 17:00 30 days after recovery (next business day if closed) "
                  "(example)",
                  roll_at=_FIVE_PM),
    ),
    source="Example interpretation of 障害発生等報告 'without delay'; not regulatory text",
    is_example=True,
)

PROFILES: Final[Mapping[str, RegulatorProfile]] = MappingProxyType(
    {p.code: p for p in (DORA, DORA_CREDIT_INSTITUTION, FSA_STYLE)}
)


@dataclass(frozen=True)
class StageDeadline:
    """One stage's deadline; ``due_at`` is None while ``waiting_for`` has not happened."""

    stage: Stage
    due_at: datetime | None
    unrolled_due_at: datetime | None  # before the closed-day rule moved it
    is_rolled: bool
    waiting_for: Anchor | None
    explanation_ja: str
    explanation_en: str


def regulator_deadlines(
    profile: RegulatorProfile,
    calendar: BusinessCalendar,
    *,
    detected_at: datetime,
    classified_at: datetime | None = None,
    initial_submitted_at: datetime | None = None,
    last_intermediate_at: datetime | None = None,
    recovered_at: datetime | None = None,
    tz: tzinfo = JST,
) -> list[StageDeadline]:
    """Each stage's deadline under ``profile`` on ``calendar``, in the profile's stage order.

    Limits are computed from their anchors, the earliest applicable one wins (see
    ``StageRule``), then the stage's closed-day rule is applied to that deadline's local date
    in ``tz``. Whether an incident is reportable at all is the rank's decision
    (``RankPolicy.regulator_reportable``), not this function's. Catalog: M-3.2, A1-II-1, C01.
    """
    anchors: dict[Anchor, datetime | None] = {
        Anchor.DETECTED: require_aware(detected_at, "detected_at"),
        Anchor.CLASSIFIED: classified_at, Anchor.INITIAL_REPORT: initial_submitted_at,
        Anchor.LAST_INTERMEDIATE: last_intermediate_at, Anchor.RECOVERED: recovered_at,
    }
    for anchor, value in anchors.items():
        if value is not None:
            require_aware(value, f"{anchor.value}_at")
    out: list[StageDeadline] = []
    for rule in profile.stages:
        trigger = rule.limits[0]
        start = anchors[trigger.anchor]
        if start is None:
            ja, en = ANCHOR_LABELS[trigger.anchor]
            out.append(StageDeadline(rule.stage, None, None, False, trigger.anchor,
                                     f"{rule.note_ja}（起算点未到来: {ja}）",
                                     f"{rule.note_en} (waiting for {en})"))
            continue
        due = _limit_due(trigger, start, calendar, tz)
        for cap in rule.limits[1:]:
            cap_start = anchors[cap.anchor]
            if cap_start is not None:
                cap_due = _limit_due(cap, cap_start, calendar, tz)
                if cap_due >= start:
                    due = min(due, cap_due)
        rolled = _roll(due, rule, calendar, tz)
        moved = rolled != due
        ja, en = rule.note_ja, rule.note_en
        if moved:
            at = rolled.strftime("%H:%M")
            ja += f"（休業日のため翌営業日{at}に繰延）"
            en += f" (closed day: moved to {at} on the next business day)"
        out.append(StageDeadline(rule.stage, rolled, due, moved, None, ja, en))
    return out


def _limit_due(limit: Limit, start: datetime, calendar: BusinessCalendar,
               tz: tzinfo) -> datetime:
    if limit.unit is Unit.HOURS:
        return _plus(start, timedelta(hours=limit.amount), tz)
    if limit.unit is Unit.BUSINESS_DAYS:
        if limit.at is None:  # Limit.__post_init__ refuses this; keeps mypy informed
            raise ValueError("a business-days limit needs a time of day ('at')")
        return business_day_deadline(start, calendar, business_days=limit.amount,
                                     at=limit.at, tz=tz)
    local = start.astimezone(tz)
    day = (local.date() + timedelta(days=limit.amount) if limit.unit is Unit.CALENDAR_DAYS
           else add_months(local.date(), limit.amount))
    return datetime.combine(day, limit.at or local.time(), tzinfo=tz)


def _roll(due: datetime, rule: StageRule, calendar: BusinessCalendar, tz: tzinfo) -> datetime:
    local = due.astimezone(tz)
    if rule.closed_day is ClosedDayRule.NONE or calendar.is_business_day(local.date()):
        return local
    at = time(12) if rule.closed_day is ClosedDayRule.NOON_NEXT_BUSINESS_DAY else rule.roll_at
    if at is None:  # StageRule.__post_init__ refuses this; keeps mypy informed
        raise ValueError("next_business_day_at needs roll_at")
    return datetime.combine(calendar.next_business_day(local.date()), at, tzinfo=tz)


def add_months(d: date, months: int) -> date:
    """``d`` moved by ``months``, clamped to the target month's last day (31 Jan + 1 = 28 Feb)."""
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    last = _gregorian.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(d.day, last))
