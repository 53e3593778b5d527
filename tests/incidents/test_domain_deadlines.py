"""Management clocks run on the wall clock (M-3.3, A1-II-5); regulator clocks run on the
bank calendar with per-regime rules (DORA-like, FSA-style example)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from antei.core.domain import Violation
from antei.incidents.domain import deadlines
from antei.incidents.domain.deadlines import (
    DEFAULT_RANKS,
    DORA,
    DORA_CREDIT_INSTITUTION,
    FSA_STYLE,
    Anchor,
    ClosedDayRule,
    Limit,
    RankPolicy,
    Stage,
    StageRule,
    Unit,
)
from antei.kernels.bizcal import JST, BusinessCalendar

BANK = BusinessCalendar.bank()
RANK1 = DEFAULT_RANKS[0]


def jst(*args: int) -> datetime:
    return datetime(*args, tzinfo=JST)  # type: ignore[misc]


def due(profile: deadlines.RegulatorProfile, stage: Stage, **anchors: datetime) -> datetime | None:
    found = {d.stage: d for d in deadlines.regulator_deadlines(profile, BANK, **anchors)}
    return found[stage].due_at


# -- acceptance example: rank 1 at 02:10 on Sunday 10 January 2027 (Monday 11th is a holiday)

SUNDAY = jst(2027, 1, 10, 2, 10)


def test_rank1_on_a_sunday_night_reaches_management_by_0240() -> None:
    """M-3.3, A1-II-5: management clocks ignore weekends and holidays."""
    d = deadlines.incident_deadlines(detected_at=SUNDAY, policy=RANK1, now=SUNDAY)
    assert d.first_report_due == jst(2027, 1, 10, 2, 40)
    assert d.management_aware_due == jst(2027, 1, 10, 2, 40)
    assert d.next_follow_up_due is None
    assert d.overdue == ()


def test_overdue_names_what_is_late_and_unmet() -> None:
    at_0241 = jst(2027, 1, 10, 2, 41)
    d = deadlines.incident_deadlines(detected_at=SUNDAY, policy=RANK1, now=at_0241)
    assert d.overdue == ("first_report", "management_aware")
    late = deadlines.incident_deadlines(detected_at=SUNDAY, policy=RANK1, now=at_0241,
                                        first_report_at=jst(2027, 1, 10, 2, 41),
                                        management_aware_at=jst(2027, 1, 10, 2, 41))
    assert late.overdue == ()
    exactly = deadlines.incident_deadlines(detected_at=SUNDAY, policy=RANK1,
                                           now=jst(2027, 1, 10, 2, 40))
    assert exactly.overdue == ()


def test_fsa_style_initial_is_due_tuesday_at_1700() -> None:
    assert due(FSA_STYLE, Stage.INITIAL, detected_at=SUNDAY) == jst(2027, 1, 12, 17, 0)


def test_dora_initial_rolls_from_sunday_0630_to_tuesday_noon() -> None:
    """min(02:30 + 4 h, 02:10 + 24 h) = Sunday 06:30, a closed day: 12:00 next business day
    (Monday 11th is Coming of Age Day). RTS 2025/301 Art. 5(4) covers the initial report."""
    [initial, *_] = deadlines.regulator_deadlines(DORA, BANK, detected_at=SUNDAY,
                                                  classified_at=jst(2027, 1, 10, 2, 30))
    assert initial.unrolled_due_at == jst(2027, 1, 10, 6, 30)
    assert initial.due_at == jst(2027, 1, 12, 12, 0)
    assert initial.is_rolled
    assert "12:00" in initial.explanation_ja
    assert initial.explanation_ja.startswith("初報: 重大分類から4時間以内かつ認知から24時間以内")
    assert "next business day" in initial.explanation_en


def test_dora_for_credit_institutions_does_not_roll_initial_or_intermediate() -> None:
    """RTS 2025/301 Art. 5(5): no weekend relief for a bank's initial/intermediate report."""
    classified = jst(2027, 1, 10, 2, 30)
    assert due(DORA_CREDIT_INSTITUTION, Stage.INITIAL, detected_at=SUNDAY,
               classified_at=classified) == jst(2027, 1, 10, 6, 30)
    # Initial on Thursday 14th 10:00 + 72 h = Sunday 17th 10:00.
    initial = jst(2027, 1, 14, 10, 0)
    assert due(DORA_CREDIT_INSTITUTION, Stage.INTERMEDIATE, detected_at=SUNDAY,
               initial_submitted_at=initial) == jst(2027, 1, 17, 10, 0)
    assert due(DORA, Stage.INTERMEDIATE, detected_at=SUNDAY,
               initial_submitted_at=initial) == jst(2027, 1, 18, 12, 0)
    assert DORA_CREDIT_INSTITUTION.stages[2] == DORA.stages[2]


def test_stages_wait_for_their_anchor() -> None:
    out = deadlines.regulator_deadlines(DORA, BANK, detected_at=SUNDAY)
    assert [(d.stage, d.due_at, d.waiting_for) for d in out] == [
        (Stage.INITIAL, None, Anchor.CLASSIFIED),
        (Stage.INTERMEDIATE, None, Anchor.INITIAL_REPORT),
        (Stage.FINAL, None, Anchor.LAST_INTERMEDIATE),
    ]
    assert "waiting for classification as major" in out[0].explanation_en


# -- DORA's two limits ------------------------------------------------------------------


def test_dora_initial_24h_after_awareness_caps_a_late_classification() -> None:
    detected = jst(2027, 1, 12, 9, 0)  # Tuesday
    assert due(DORA, Stage.INITIAL, detected_at=detected,
               classified_at=jst(2027, 1, 13, 7, 0)) == jst(2027, 1, 13, 9, 0)


def test_dora_initial_after_the_24h_mark_still_gets_four_hours() -> None:
    """Classification more than 24 h after awareness: the passed cap is ignored."""
    detected = jst(2027, 1, 12, 9, 0)
    assert due(DORA, Stage.INITIAL, detected_at=detected,
               classified_at=jst(2027, 1, 14, 10, 0)) == jst(2027, 1, 14, 14, 0)


def test_dora_final_is_one_calendar_month_after_the_last_intermediate() -> None:
    # 31 Jan + 1 month = 28 Feb 2027, a Sunday: 12:00 on Monday 1 March.
    assert due(DORA, Stage.FINAL, detected_at=SUNDAY,
               last_intermediate_at=jst(2027, 1, 31, 10, 0)) == jst(2027, 3, 1, 12, 0)


# -- Golden Week and year end ------------------------------------------------------------


def test_golden_week() -> None:
    # Friday 30 April 2027 21:00 + 4 h = Saturday 1 May; 3-5 May are holidays.
    assert due(DORA, Stage.INITIAL, detected_at=jst(2027, 4, 30, 20, 0),
               classified_at=jst(2027, 4, 30, 21, 0)) == jst(2027, 5, 6, 12, 0)
    # Detected on Showa Day (Thursday 29 April): Friday 30 April 17:00.
    assert due(FSA_STYLE, Stage.INITIAL,
               detected_at=jst(2027, 4, 29, 10, 0)) == jst(2027, 4, 30, 17, 0)
    # Detected on Friday 30 April after 17:00: Thursday 6 May 17:00.
    assert due(FSA_STYLE, Stage.INITIAL,
               detected_at=jst(2027, 4, 30, 18, 0)) == jst(2027, 5, 6, 17, 0)
    # Detected before 17:00 on a business day: the same day.
    assert due(FSA_STYLE, Stage.INITIAL,
               detected_at=jst(2027, 4, 30, 16, 59)) == jst(2027, 4, 30, 17, 0)
    # 5 business days after 30 April: 6, 7, 10, 11, 12 May.
    assert due(FSA_STYLE, Stage.INTERMEDIATE, detected_at=jst(2027, 4, 30, 10, 0),
               initial_submitted_at=jst(2027, 4, 30, 16, 0)) == jst(2027, 5, 12, 17, 0)


def test_year_end() -> None:
    # 31 Dec - 3 Jan are closed; 2028-01-04 (Tuesday) is the first business day.
    assert due(FSA_STYLE, Stage.INITIAL,
               detected_at=jst(2027, 12, 30, 18, 30)) == jst(2028, 1, 4, 17, 0)
    assert due(DORA, Stage.INITIAL, detected_at=jst(2027, 12, 30, 22, 0),
               classified_at=jst(2027, 12, 30, 23, 0)) == jst(2028, 1, 4, 12, 0)
    # Recovered 2 December + 30 days = 1 January: rolled to 4 January 17:00.
    assert due(FSA_STYLE, Stage.FINAL, detected_at=jst(2027, 12, 1, 9, 0),
               recovered_at=jst(2027, 12, 2, 10, 0)) == jst(2028, 1, 4, 17, 0)
    # 30 November + 1 month = Thursday 30 December, a business day: not moved.
    assert due(DORA, Stage.FINAL, detected_at=jst(2027, 11, 1, 9, 0),
               last_intermediate_at=jst(2027, 11, 30, 15, 0)) == jst(2027, 12, 30, 15, 0)


def test_regulator_deadlines_accept_any_aware_zone_and_answer_in_jst() -> None:
    utc_sunday = SUNDAY.astimezone(UTC)
    out = deadlines.regulator_deadlines(FSA_STYLE, BANK, detected_at=utc_sunday)
    assert out[0].due_at == jst(2027, 1, 12, 17, 0)
    assert out[0].due_at is not None and out[0].due_at.tzinfo == JST


# -- follow-up cadence -------------------------------------------------------------------


def test_follow_up_cadence_runs_from_the_latest_report() -> None:
    first = jst(2027, 1, 10, 2, 35)
    d = deadlines.incident_deadlines(detected_at=SUNDAY, policy=RANK1, first_report_at=first,
                                     now=first)
    assert d.next_follow_up_due == jst(2027, 1, 10, 3, 35)
    later = deadlines.incident_deadlines(detected_at=SUNDAY, policy=RANK1, first_report_at=first,
                                         last_report_at=jst(2027, 1, 10, 3, 30),
                                         now=jst(2027, 1, 10, 4, 31))
    assert later.next_follow_up_due == jst(2027, 1, 10, 4, 30)
    assert later.overdue == ("management_aware", "follow_up")


def test_no_cadence_for_rank_4_and_none_after_recovery() -> None:
    first = jst(2027, 1, 10, 2, 35)
    rank4 = deadlines.policy_for(4)
    assert deadlines.incident_deadlines(detected_at=SUNDAY, policy=rank4, first_report_at=first,
                                        now=first).next_follow_up_due is None
    assert deadlines.incident_deadlines(detected_at=SUNDAY, policy=RANK1, first_report_at=first,
                                        recovered_at=jst(2027, 1, 10, 3, 0),
                                        now=first).next_follow_up_due is None


def test_last_report_without_first_report_is_an_error() -> None:
    with pytest.raises(ValueError, match="last_report_at"):
        deadlines.incident_deadlines(detected_at=SUNDAY, policy=RANK1, now=SUNDAY,
                                     last_report_at=SUNDAY)


# -- ranks -------------------------------------------------------------------------------


def test_default_ranks() -> None:
    assert [(p.rank, p.first_report_minutes, p.management_aware_minutes, p.follow_up_minutes,
             p.regulator_reportable) for p in DEFAULT_RANKS] == [
        (1, 30, 30, 60, True), (2, 60, 60, 120, True), (3, 240, 240, 1440, False),
        (4, 1440, 1440, 0, False)]
    assert "決済" in DEFAULT_RANKS[0].definition_ja
    assert deadlines.check_rank_policies(DEFAULT_RANKS) == []


@pytest.mark.parametrize("rank", [0, 5, -1])
def test_rank_out_of_range_is_refused(rank: int) -> None:
    assert deadlines.check_rank(rank) == [
        Violation("rank", "choice", {"value": str(rank), "choices": "1, 2, 3, 4"})]
    with pytest.raises(ValueError):
        deadlines.policy_for(rank)


def test_configured_ranks_must_run_from_one_without_gaps() -> None:
    assert deadlines.check_rank_policies([]) == [Violation("ranks", "required")]
    gap = [DEFAULT_RANKS[0], DEFAULT_RANKS[2]]
    assert [v.rule for v in deadlines.check_rank_policies(gap)] == ["rank_sequence"]
    assert deadlines.check_rank(3, DEFAULT_RANKS[:2]) != []


def test_rank_policy_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        RankPolicy(1, "a", "a", "a", "a", 0, 30, 60, True)
    with pytest.raises(ValueError):
        RankPolicy(1, "a", "a", "a", "a", 30, 30, -1, True)


# -- profiles as data ---------------------------------------------------------------------


def test_profiles() -> None:
    assert set(deadlines.PROFILES) == {"dora", "dora_ci", "fsa_style"}
    assert FSA_STYLE.is_example and not DORA.is_example
    assert DORA.stages[0].has_two_limits and not DORA.stages[1].has_two_limits
    assert [s.stage for s in FSA_STYLE.stages] == [Stage.INITIAL, Stage.INTERMEDIATE, Stage.FINAL]
    assert all(s.closed_day is ClosedDayRule.NOON_NEXT_BUSINESS_DAY for s in DORA.stages)


def test_limits_and_stages_refuse_inconsistent_data() -> None:
    with pytest.raises(ValueError):
        Limit(Anchor.DETECTED, 4, Unit.HOURS, time(17))
    with pytest.raises(ValueError):
        Limit(Anchor.DETECTED, 1, Unit.BUSINESS_DAYS)
    with pytest.raises(ValueError):
        Limit(Anchor.DETECTED, -1, Unit.CALENDAR_DAYS)
    with pytest.raises(ValueError):
        StageRule(Stage.FINAL, (), ClosedDayRule.NONE, "", "")
    with pytest.raises(ValueError):
        StageRule(Stage.FINAL, (Limit(Anchor.RECOVERED, 1, Unit.HOURS),),
                  ClosedDayRule.NEXT_BUSINESS_DAY_AT, "", "")
    with pytest.raises(ValueError):
        deadlines.RegulatorProfile("x", "x", "x", (DORA.stages[0], DORA.stages[0]), "x")


def test_add_months_clamps_to_month_end() -> None:
    assert deadlines.add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert deadlines.add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert deadlines.add_months(date(2027, 12, 15), 1) == date(2028, 1, 15)
    assert deadlines.add_months(date(2027, 3, 31), -1) == date(2027, 2, 28)


def test_naive_input_raises() -> None:
    naive = datetime(2027, 1, 10, 2, 10)  # noqa: DTZ001
    with pytest.raises(ValueError, match="naive"):
        deadlines.incident_deadlines(detected_at=naive, policy=RANK1, now=SUNDAY)
    with pytest.raises(ValueError, match="naive"):
        deadlines.regulator_deadlines(DORA, BANK, detected_at=SUNDAY, classified_at=naive)


# -- properties ---------------------------------------------------------------------------

zones = st.sampled_from([JST, UTC, timezone(timedelta(hours=-5)), ZoneInfo("Europe/Berlin")])
moments = st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2090, 12, 31),  # noqa: DTZ001
                       timezones=zones, allow_imaginary=False)
gaps = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=60))


@given(detected=moments, policy=st.sampled_from(DEFAULT_RANKS), first=gaps, last=gaps,
       now=gaps)
def test_management_deadlines_never_precede_detection(
    detected: datetime, policy: RankPolicy, first: timedelta, last: timedelta, now: timedelta
) -> None:
    first_at = detected + first
    d = deadlines.incident_deadlines(detected_at=detected, policy=policy, first_report_at=first_at,
                                     last_report_at=first_at + last, now=detected + now)
    assert d.first_report_due > detected
    assert d.management_aware_due > detected
    if policy.follow_up_minutes:
        assert d.next_follow_up_due is not None and d.next_follow_up_due > first_at
        assert d.next_follow_up_due - (first_at + last) == timedelta(
            minutes=policy.follow_up_minutes)
    else:
        assert d.next_follow_up_due is None
    assert "first_report" not in d.overdue


@given(profile=st.sampled_from(list(deadlines.PROFILES.values())), detected=moments,
       classified=gaps, initial=gaps, intermediate=gaps, recovered=gaps)
def test_regulator_deadlines_never_precede_their_anchor(
    profile: deadlines.RegulatorProfile, detected: datetime, classified: timedelta,
    initial: timedelta, intermediate: timedelta, recovered: timedelta,
) -> None:
    anchors = {
        Anchor.DETECTED: detected, Anchor.CLASSIFIED: detected + classified,
        Anchor.INITIAL_REPORT: detected + initial,
        Anchor.LAST_INTERMEDIATE: detected + initial + intermediate,
        Anchor.RECOVERED: detected + recovered,
    }
    out = deadlines.regulator_deadlines(
        profile, BANK, detected_at=detected, classified_at=anchors[Anchor.CLASSIFIED],
        initial_submitted_at=anchors[Anchor.INITIAL_REPORT],
        last_intermediate_at=anchors[Anchor.LAST_INTERMEDIATE],
        recovered_at=anchors[Anchor.RECOVERED])
    for rule, d in zip(profile.stages, out, strict=True):
        assert d.due_at is not None and d.unrolled_due_at is not None
        assert d.due_at >= anchors[rule.limits[0].anchor] >= detected
        assert d.due_at >= d.unrolled_due_at
        local = d.due_at.astimezone(JST)
        if d.is_rolled:
            assert BANK.is_business_day(local.date())
            assert local.time() == (time(12) if rule.closed_day is
                                    ClosedDayRule.NOON_NEXT_BUSINESS_DAY else rule.roll_at)
        elif rule.closed_day is not ClosedDayRule.NONE:
            assert BANK.is_business_day(local.date())
