"""Pure rules of the intake (no database): fingerprints, severities, folding a batch,
silence matching and recurring windows, token bucket, heartbeats, storm lines.

Catalog: C07, A2-PERF-CAP-2, A2-PERF-CAP-3, A2-OPS-MON-1.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from antei.alerts import domain

JST = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 25, 2, 13, tzinfo=UTC)
labels_st = st.dictionaries(st.text(min_size=1, max_size=8), st.text(max_size=8), min_size=1,
                            max_size=6)


@given(labels_st)
def test_fingerprint_ignores_label_order(labels: dict[str, str]) -> None:
    reordered = dict(reversed(list(labels.items())))
    assert domain.fingerprint_labels(labels) == domain.fingerprint_labels(reordered)


@given(labels_st, labels_st)
def test_different_label_sets_have_different_fingerprints(a: dict[str, str],
                                                          b: dict[str, str]) -> None:
    assert (domain.fingerprint_labels(a) == domain.fingerprint_labels(b)) == (a == b)


def test_severity_words_map_to_four_levels() -> None:
    assert [domain.map_severity(w) for w in ("page", "P2", "warn", "debug", "??", None)] == [
        "critical", "error", "warning", "info", "warning", "warning"]


def _signal(fp: str, start: datetime, count: int = 1) -> domain.Signal:
    return domain.Signal(fingerprint=fp, status="firing", labels={"a": fp}, annotations={},
                         summary=fp, severity="warning", starts_at=start, count=count)


@given(st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=40),
       st.lists(st.integers(0, 3), min_size=40, max_size=40))
def test_aggregate_counts_distinct_start_times_per_fingerprint(fps: list[str],
                                                              offsets: list[int]) -> None:
    """Re-sent copies (same start) count once; each new start counts (C07)."""
    signals = [_signal(fp, NOW + timedelta(minutes=offsets[i])) for i, fp in enumerate(fps)]
    expected = {fp: len({offsets[i] for i, f in enumerate(fps) if f == fp}) for fp in fps}
    firing, resolved, acked = domain.aggregate(signals)
    assert {s.fingerprint: s.count for s in firing} == expected
    assert not resolved and not acked
    again, _, _ = domain.aggregate(signals)  # a retried transaction folds the same input
    assert {s.fingerprint: s.count for s in again} == expected


def test_additive_deliveries_always_count() -> None:
    """Console messages and event triggers are each a new report, even at the same time."""
    first, second = _signal("m", NOW, 3), _signal("m", NOW, 4)
    first.additive = second.additive = True
    firing, _, _ = domain.aggregate([first, second])
    assert [s.count for s in firing] == [7]


def test_alert_list_parser_names_the_broken_field() -> None:
    parsed = domain.parse_alert_list({"alerts": [
        {"status": "firing", "labels": {"a": "1"}},
        {"status": "firing", "labels": {"a": "1"}, "startsAt": "nope"}]}, NOW)
    assert [(v.field, v.rule) for v in parsed.violations] == [
        ("alerts[1].startsAt", "payload_datetime")]


def test_text_no_database_can_store_is_refused_not_crashed_on() -> None:
    parsed = domain.parse_alert_list({"alerts": [
        {"status": "firing", "labels": {"a": "\ud800"}}]}, NOW)
    assert [(v.field, v.rule) for v in parsed.violations] == [
        ("alerts[0].labels", "payload_string")]


def test_go_zero_time_and_nanoseconds() -> None:
    assert domain.parse_time("0001-01-01T00:00:00Z") is None
    assert domain.parse_time("2026-11-25T02:13:00.123456789Z") == datetime(
        2026, 11, 25, 2, 13, 0, 123456, tzinfo=UTC)


def test_matchers_follow_alertmanager_semantics() -> None:
    labels = {"alertname": "HighLatency", "env": "prod"}
    assert domain.matches([{"label": "alertname", "op": "=~", "value": "High.*"}], labels)
    assert not domain.matches([{"label": "alertname", "op": "=~", "value": "High"}], labels)
    assert domain.matches([{"label": "team", "op": "=", "value": ""}], labels)
    assert not domain.matches([{"label": "env", "op": "!=", "value": "prod"}], labels)
    assert domain.check_matchers([{"label": "x", "op": "=~", "value": "("}])[0].rule == "regex"


def test_overnight_window_spans_midnight_in_tokyo() -> None:
    """Saturday 22:00 - 06:00 JST: in force Sat 23:00 and Sun 05:00, not Sun 07:00 or
    Fri 23:00."""
    rule = domain.SilenceRule(({"label": "a", "op": "=", "value": "1"},),
                              NOW - timedelta(days=30), None, (5,), time(22), time(6))

    def at(day: int, hour: int) -> bool:
        local = datetime(2026, 11, day, hour, tzinfo=JST)  # 2026-11-28 is a Saturday
        return domain.is_active(rule, local.astimezone(UTC), JST)

    assert at(28, 23) and at(29, 5)
    assert not at(29, 7) and not at(27, 23)


@given(st.floats(0.5, 50), st.integers(1, 20), st.integers(1, 100))
def test_token_bucket_allows_burst_then_paces(rate: float, burst: int, tries: int) -> None:
    bucket = domain.TokenBucket(rate=rate, burst=float(burst))
    waits = [bucket.take(100.0) for _ in range(tries)]
    assert sum(1 for w in waits if w == 0) == min(tries, burst)
    assert all(w > 0 for w in waits[burst:])
    if tries > burst:
        assert bucket.take(100.0 + waits[-1] + 1e-6) == 0  # after Retry-After it goes on


def test_heartbeat_late_after_interval_plus_grace() -> None:
    assert not domain.heartbeat_is_late(NOW, NOW, 5, 2, NOW + timedelta(minutes=7))
    assert domain.heartbeat_is_late(NOW, NOW, 5, 2, NOW + timedelta(minutes=7, seconds=1))
    assert domain.heartbeat_is_late(None, NOW, 5, 2, NOW + timedelta(minutes=8))


def test_identical_messages_fold_and_the_storm_line_reads_in_both_languages() -> None:
    messages = [domain.Message("IEA911E", "dump")] * 12345 + [domain.Message("X", "y")]
    tallies = domain.tally_messages(messages)
    assert sorted((t.message_id, t.count) for t in tallies) == [("IEA911E", 12345), ("X", 1)]
    line = domain.storm_summary("IEA911E", 12345, datetime(2026, 11, 25, 2, 13, tzinfo=JST))
    assert "12,345 回繰り返し (02:13 以降)" in line
    assert "repeated 12,345 times since 02:13" in line
