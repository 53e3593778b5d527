"""Report drafts: the 第1報 goes out at once with unknowns spelled out (M-3.3, A1-II-5);
follow-ups show what changed; a final report needs recovery (C01)."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from antei.core.domain import Violation
from antei.incidents.domain import reports
from antei.incidents.domain.reports import Facts, ReportKind
from antei.incidents.domain.states import Status
from antei.kernels.bizcal import JST

DETECTED = datetime(2027, 1, 10, 2, 10, tzinfo=JST)
NOW = datetime(2027, 1, 10, 2, 25, tzinfo=JST)

FIRST = Facts(
    title="勘定系オンライン停止",
    rank=1,
    systems=("CORE-01",),
    detected_at=DETECTED,
    current_status=Status.OPEN,
)


def line(draft: reports.ReportDraft, key: str) -> reports.ReportLine:
    return next(ln for ln in draft.lines if ln.key == key)


def test_first_report_states_the_fact_and_spells_out_every_unknown() -> None:
    """M-3.3 / A1-II-5: nothing is left out because it is not yet known."""
    d = reports.draft(ReportKind.FIRST, FIRST, None, NOW)
    assert d.title_ja == "【第1報】勘定系オンライン停止"
    assert d.title_en == "[First report] 勘定系オンライン停止"
    assert [ln.key for ln in d.lines] == list(reports.FIELD_KEYS)
    assert line(d, "detected_at").value_ja == "2027年1月10日 02:10"
    assert line(d, "detected_at").value_en == "10 Jan 2027 02:10 JST"
    assert line(d, "current_status").value_ja == "対応中"
    assert line(d, "systems").value_ja == "CORE-01"
    cause = line(d, "cause")
    assert (cause.value_ja, cause.value_en, cause.is_unknown) == (
        "調査中（判明次第報告）", "Unknown — to follow", True)
    assert set(d.unknown_keys) == {
        "occurred_at", "business_functions", "impact_scope", "customer_impact",
        "settlement_impact", "affected_count", "amount_yen", "cause", "actions_taken",
        "recovery_eta", "next_report_at"}
    assert d.changed_keys == ()
    assert "■原因: 調査中（判明次第報告）" in d.text_ja
    assert "- Cause: Unknown — to follow" in d.text_en


def test_amounts_counts_and_lists_render_in_both_languages() -> None:
    facts = replace(FIRST, amount_yen=1_234_567, affected_count=12_345,
                    business_functions=("振込", "口座振替"), systems=("CORE-01", "ATM"))
    d = reports.draft(ReportKind.FIRST, facts, None, NOW)
    assert (line(d, "amount_yen").value_ja, line(d, "amount_yen").value_en) == (
        "1,234,567円", "JPY 1,234,567")
    assert (line(d, "affected_count").value_ja, line(d, "affected_count").value_en) == (
        "12,345件", "12,345")
    assert line(d, "business_functions").value_ja == "振込、口座振替"
    assert line(d, "systems").value_en == "CORE-01, ATM"


def test_times_render_in_jst_whatever_zone_they_were_given_in() -> None:
    facts = replace(FIRST, recovery_eta=datetime(2027, 1, 9, 23, 0, tzinfo=UTC))
    d = reports.draft(ReportKind.FIRST, facts, None, NOW)
    assert line(d, "recovery_eta").value_ja == "2027年1月10日 08:00"
    assert d.created_at == NOW and d.created_at.tzinfo == JST


def test_follow_up_marks_what_changed_since_the_previous_report() -> None:
    later = replace(FIRST, impact_scope="全店舗の窓口・ATMで入出金不可",
                    current_status=Status.MITIGATED,
                    recovery_eta=datetime(2027, 1, 10, 9, 0, tzinfo=JST))
    d = reports.draft(ReportKind.FOLLOW_UP, later, FIRST, NOW + timedelta(hours=1), number=2)
    assert d.title_ja == "【第2報】勘定系オンライン停止"
    assert d.title_en == "[Report no. 2] 勘定系オンライン停止"
    assert d.changed_keys == ("current_status", "impact_scope", "recovery_eta")
    assert not line(d, "title").changed
    assert line(d, "cause").is_unknown and not line(d, "cause").changed
    assert "■影響範囲（更新）: 全店舗の窓口・ATMで入出金不可" in d.text_ja
    assert reports.draft(ReportKind.FOLLOW_UP, later, FIRST, NOW).title_ja.startswith("【続報】")


def test_blank_and_none_are_the_same_unknown() -> None:
    blank = replace(FIRST, cause="  ", business_functions=("",))
    assert reports.changed_fields(FIRST, blank) == ()
    d = reports.draft(ReportKind.FIRST, blank, None, NOW)
    assert line(d, "cause").is_unknown and line(d, "business_functions").is_unknown


def test_the_same_instant_in_another_zone_is_not_a_change() -> None:
    moved = replace(FIRST, detected_at=DETECTED.astimezone(UTC))
    assert reports.changed_fields(FIRST, moved) == ()


def test_a_first_report_has_no_previous_report() -> None:
    with pytest.raises(ValueError):
        reports.draft(ReportKind.FIRST, FIRST, FIRST, NOW)


def test_facts_refuse_floats_for_money_and_naive_times() -> None:
    with pytest.raises(TypeError, match="integer yen"):
        replace(FIRST, amount_yen=1234.5)
    with pytest.raises(ValueError, match="naive"):
        replace(FIRST, detected_at=datetime(2027, 1, 10, 2, 10))  # noqa: DTZ001
    with pytest.raises(ValueError, match="naive"):
        reports.draft(ReportKind.FIRST, FIRST, None, datetime(2027, 1, 10, 2, 25))  # noqa: DTZ001


# -- check_report --------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.OPEN, Status.MITIGATED, Status.CANCELLED])
def test_final_report_before_recovery_is_refused(status: Status) -> None:
    assert reports.check_report(ReportKind.FINAL, status=status, has_first_report=True) == [
        Violation("kind", "final_before_recovery", {"status": status.value})]
    assert [v.rule for v in reports.check_report(
        ReportKind.REGULATOR_FINAL, status=status, has_first_report=True,
        has_regulator_initial=True)] == ["final_before_recovery"]


@pytest.mark.parametrize("status", [Status.RECOVERED, Status.CLOSED])
def test_final_report_after_recovery_is_allowed(status: Status) -> None:
    assert reports.check_report(ReportKind.FINAL, status=status, has_first_report=True) == []


def test_follow_up_before_a_first_report_is_refused() -> None:
    assert reports.check_report(ReportKind.FOLLOW_UP, status=Status.OPEN,
                                has_first_report=False) == [
        Violation("kind", "first_report_required")]
    assert reports.check_report(ReportKind.FOLLOW_UP, status=Status.OPEN,
                                has_first_report=True) == []


def test_only_one_first_report() -> None:
    assert reports.check_report(ReportKind.FIRST, status=Status.OPEN, has_first_report=False) == []
    assert [v.rule for v in reports.check_report(
        ReportKind.FIRST, status=Status.OPEN, has_first_report=True)] == ["first_report_exists"]


def test_regulator_reports_follow_the_regulator_initial() -> None:
    assert reports.check_report(ReportKind.REGULATOR_INITIAL, status=Status.OPEN,
                                has_first_report=False) == []
    assert [v.rule for v in reports.check_report(
        ReportKind.REGULATOR_INTERMEDIATE, status=Status.OPEN, has_first_report=True)] == [
        "regulator_initial_required"]


# -- properties ---------------------------------------------------------------------------

texts = st.one_of(st.none(), st.sampled_from(["", " ", "ATM停止", "調査中", "振込遅延 120件"]))
times = st.one_of(st.none(), st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2040, 1, 1),  # noqa: DTZ001
    timezones=st.just(JST)))
facts_strategy = st.builds(
    Facts,
    title=st.sampled_from(["勘定系停止", "ATM障害"]),
    rank=st.integers(1, 4),
    systems=st.lists(st.sampled_from(["CORE-01", "ATM", "IB"]), max_size=2).map(tuple),
    business_functions=st.lists(st.sampled_from(["振込", "融資"]), max_size=2).map(tuple),
    occurred_at=times,
    detected_at=st.just(DETECTED),
    impact_scope=texts, customer_impact=texts, settlement_impact=texts, cause=texts,
    current_status=st.sampled_from(list(Status)),
    actions_taken=texts,
    recovery_eta=times,
    affected_count=st.one_of(st.none(), st.integers(0, 10**7)),
    amount_yen=st.one_of(st.none(), st.integers(0, 10**12)),
    next_report_at=times,
)


@given(a=facts_strategy, b=facts_strategy)
def test_changed_fields_is_symmetric_and_empty_on_itself(a: Facts, b: Facts) -> None:
    assert reports.changed_fields(a, a) == ()
    assert reports.changed_fields(a, b) == reports.changed_fields(b, a)
    assert set(reports.changed_fields(a, b)) <= {f.name for f in fields(Facts)}


@given(prev=facts_strategy, cur=facts_strategy)
def test_every_unknown_renders_explicitly_and_changes_match(prev: Facts, cur: Facts) -> None:
    d = reports.draft(ReportKind.FOLLOW_UP, cur, prev, NOW)
    for ln in d.lines:
        value = getattr(cur, ln.key)
        blank = value is None or (isinstance(value, str | tuple) and not
                                  "".join(map(str, value) if isinstance(value, tuple)
                                          else value).strip())
        assert ln.is_unknown is blank
        if ln.is_unknown:
            assert (ln.value_ja, ln.value_en) == (reports.UNKNOWN_JA, reports.UNKNOWN_EN)
        else:
            assert ln.value_ja and ln.value_en
    assert d.changed_keys == reports.changed_fields(prev, cur)
