"""Forecasts of registered limits and their warnings, each with a series that triggers it
and one that does not; what-if with a bottleneck that moves along a chain.

Catalog: M-2.2, M-2.3, A1-I-7, A1-I-8, A2-SWA-8, A2-PERF-CAP-1, A2-PERF-CAP-5,
A2-PERF-SET-2, A2-PERF-SET-3, C07, C08.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
import pytest
from django.utils import translation

from antei.capacity import forecasting, selectors, services
from antei.capacity.models import Limit
from antei.core import clock
from antei.core.actor import Actor
from antei.inventory import services as inventory_services
from tests.capacity.conftest import trend

pytestmark = pytest.mark.django_db


def _codes(row: dict[str, Any]) -> list[str]:
    return [w["code"] for w in row["warnings"]]


def _forecast(actor: Actor, limit: Limit) -> dict[str, Any]:
    with translation.override("en"):
        return forecasting.forecast_limit(actor, limit.pk)


def test_a_growing_log_area_breach_is_found_with_an_interval(
        make_limit: Callable[..., Limit], feed: Callable[..., int], admin_actor: Actor) -> None:
    """Log area on the standby grows 0.5 %/day from 40%: 100% in about 40 days."""
    limit = make_limit(component="ATM-GW-02")
    feed(limit, trend(120, 0.0, 0.5, noise=0.2) - 0.5 * 119 + 80)  # ends at ~80%
    row = _forecast(admin_actor, limit)
    assert row["days_to_breach"] is not None and 30 <= row["days_to_breach"] <= 50
    lo, hi = row["interval"]
    assert lo is not None and lo <= row["breach_at"] <= (hi or "9999")
    assert row["explanation"].startswith("Log area on ATM-GW-02 (standby) reaches 100%")
    with translation.override("ja"):
        ja = forecasting.forecast_limit(admin_actor, limit.pk)["explanation"]
    assert "ATM-GW-02（待機系）" in ja and "100%に達する見込み" in ja


def test_a_flat_series_breaches_nothing(make_limit: Callable[..., Limit],
                                        feed: Callable[..., int], admin_actor: Actor) -> None:
    limit = make_limit(kind="cpu", name="CPU使用率")
    feed(limit, trend(120, 35.0, 0.0, noise=2.0))
    row = _forecast(admin_actor, limit)
    assert row["breach_at"] is None and row["days_to_breach"] is None
    assert _codes(row) == []


def test_breach_before_the_next_housekeeping(make_limit: Callable[..., Limit],
                                             feed: Callable[..., int],
                                             admin_actor: Actor) -> None:
    """A2-PERF-SET-3: the disk fills before the next archive; after it is fine."""
    today = selectors.today()
    early = make_limit(kind="disk", name="アーカイブ前ディスク",
                       next_housekeeping_on=today + timedelta(days=90))
    late = make_limit(kind="disk", name="アーカイブ後ディスク",
                      next_housekeeping_on=today + timedelta(days=10))
    series = trend(120, 20.0, 0.4, noise=0.1)  # ~68% now: ~80 days to 100%
    feed(early, series)
    feed(late, series)
    row = _forecast(admin_actor, early)
    assert "breach_before" in _codes(row)
    warning = next(w for w in row["warnings"] if w["code"] == "breach_before")
    assert warning["params"]["event"] == "housekeeping"
    assert "before the next housekeeping" in row["explanation"]
    assert "breach_before" not in _codes(_forecast(admin_actor, late))


def test_jump_larger_than_the_headroom(make_limit: Callable[..., Limit],
                                       feed: Callable[..., int], admin_actor: Actor) -> None:
    """A2-PERF-SET-2: one step from 60 to 75 with 5 left to the warning level (80)."""
    jumped = make_limit(kind="connection_pool", name="接続プール", value=100.0)
    calm = make_limit(kind="connection_pool", name="接続プール2", value=100.0)
    base = list(trend(60, 60.0, 0.0, noise=0.5))
    feed(jumped, [*base, 75.0])
    feed(calm, [*base, 61.0])
    assert "jump" in _codes(_forecast(admin_actor, jumped))
    assert "jump" not in _codes(_forecast(admin_actor, calm))


def test_stale_when_no_reading_for_longer_than_its_interval(
        make_limit: Callable[..., Limit], feed: Callable[..., int], admin_actor: Actor) -> None:
    stale = make_limit(kind="memory", name="メモリ")
    fresh = make_limit(kind="memory", name="メモリ2")
    today = selectors.today()
    feed(stale, trend(60, 50.0, 0.0), end=today - timedelta(days=5))
    feed(fresh, trend(60, 50.0, 0.0), end=today)
    row = _forecast(admin_actor, stale)
    assert "stale" in _codes(row)
    assert next(w for w in row["warnings"] if w["code"] == "stale")["params"]["days"] == 5
    assert "stale" not in _codes(_forecast(admin_actor, fresh))


def test_active_and_standby_limits_that_differ(make_limit: Callable[..., Limit],
                                               admin_actor: Actor) -> None:
    """A1-I-8 / C08: the standby's file limit is smaller than its active's."""
    active = make_limit(kind="file_size", name="取引ファイル", component="ATM-GW-01",
                        value=2000.0, warning=1600.0, critical=1800.0, unit="MB")
    standby = make_limit(kind="file_size", name="取引ファイル", component="ATM-GW-02",
                         value=1000.0, warning=800.0, critical=900.0, unit="MB")
    same_a = make_limit(kind="cpu", name="CPU", component="ATM-GW-01")
    same_s = make_limit(kind="cpu", name="CPU", component="ATM-GW-02")
    row = _forecast(admin_actor, standby)
    warning = next(w for w in row["warnings"] if w["code"] == "standby_mismatch")
    assert warning["params"]["peer"] == "ATM-GW-01"
    assert "2,000 MB" in warning["message"]
    assert "standby_mismatch" in _codes(_forecast(admin_actor, active))
    assert "standby_mismatch" not in _codes(_forecast(admin_actor, same_a))
    assert "standby_mismatch" not in _codes(_forecast(admin_actor, same_s))


def test_margin_policy_without_a_production_equivalent_test(
        make_limit: Callable[..., Limit], feed: Callable[..., int], admin_actor: Actor) -> None:
    """M-2.2: untested, the value must be >= 30% above the expected peak (70 -> 91)."""
    thin = make_limit(kind="queue_depth", name="キュー", value=85.0, warning=75.0,
                      critical=80.0, unit="件", margin_percent=30.0)
    tested = make_limit(kind="queue_depth", name="キュー2", value=85.0, warning=75.0,
                        critical=80.0, unit="件", margin_percent=30.0,
                        has_production_equivalent_test=True)
    roomy = make_limit(kind="queue_depth", name="キュー3", value=200.0, warning=150.0,
                       critical=180.0, unit="件", margin_percent=30.0)
    for limit in (thin, tested, roomy):
        feed(limit, np.where(np.arange(90) % 30 == 0, 70.0, 40.0))
    row = _forecast(admin_actor, thin)
    assert "margin" in _codes(row)
    assert "margin" not in _codes(_forecast(admin_actor, tested))
    assert "margin" not in _codes(_forecast(admin_actor, roomy))


def test_batch_window_overrun_and_durations_rounding_to_zero(
        bank: Any, admin_actor: Actor) -> None:
    """A1-I-7: the batch grows towards the 07:00 online start; A2-PERF-CAP-1: a faster
    CPU made another job's measured time round to 0 s."""
    inventory_services.update_system(actor=admin_actor, code="HOST", changes={
        "online_start": time(7, 0), "online_end": time(21, 0)})
    zone = clock.display_zone()
    today = selectors.today()
    rows = []
    for d in range(90):
        day = today - timedelta(days=89 - d)
        start = datetime.combine(day, time(1, 0), zone)
        rows.append({"job": "夜間バッチ", "started_at": start,
                     "ended_at": start + timedelta(minutes=200 + 2 * d)})  # 5h20m by now
        rows.append({"job": "利息計算", "started_at": start + timedelta(minutes=10),
                     "ended_at": start + timedelta(minutes=10, seconds=3 if d < 80 else 0)})
        rows.append({"job": "短い照合", "started_at": start + timedelta(minutes=20),
                     "ended_at": start + timedelta(minutes=50)})
    services.record_batch_runs(actor=admin_actor, system="HOST", rows=rows)
    with translation.override("en"):
        found = forecasting.batch_warnings(admin_actor, "HOST")
    by_job = {(w["job"], w["code"]) for w in found}
    assert ("夜間バッチ", "batch_overrun") in by_job
    assert ("利息計算", "resolution") in by_job
    assert not {c for j, c in by_job if j == "短い照合"}


def test_what_if_moves_the_bottleneck_along_a_chain(make_limit: Callable[..., Limit],
                                                    feed: Callable[..., int],
                                                    admin_actor: Actor) -> None:
    """A2-PERF-CAP-5: the web tier is the bottleneck today; with volume × 2 the app tier,
    which has less room for growth, breaks first (the bottleneck moves)."""
    web = make_limit(kind="input_records", name="Web受付件数", value=12_000.0,
                     warning=10_000.0, critical=11_000.0, unit="件")
    app = make_limit(kind="output_records", name="AP処理件数", value=18_000.0,
                     warning=15_000.0, critical=16_000.0, unit="件")
    services.link_limits(actor=admin_actor, upstream=web.pk, downstream=app.pk)
    days = 200
    rng = np.random.default_rng(3)
    # Web: 6,000 a day now, doubling every 60 days; the app tier: a flat 12,000.
    web_series = 6_000 * np.exp(np.log(2) * (np.arange(days) - days + 1) / 60) \
        * rng.lognormal(0, .01, days)
    app_series = 12_000 + rng.normal(0, 50, days)
    feed(web, web_series)
    feed(app, app_series)
    today = selectors.today()
    base = forecasting.what_if(admin_actor, factor=1.0, from_date=today)
    chain = base["chains"][0]
    assert [x["id"] for x in chain["links"]] == [web.pk, app.pk]
    assert chain["bottleneck_before"]["id"] == web.pk
    doubled = forecasting.what_if(admin_actor, factor=1.6,
                                  from_date=today + timedelta(days=10))
    chain = doubled["chains"][0]
    assert chain["bottleneck_before"]["id"] == web.pk
    assert chain["bottleneck_after"]["id"] == app.pk and chain["moved"]
    first = doubled["limits"][0]
    assert first["breach_at"] is not None
    assert first["breach_at"] <= (first["breach_at_before"] or "9999")


def test_board_is_sorted_by_days_to_breach(make_limit: Callable[..., Limit],
                                           feed: Callable[..., int],
                                           admin_actor: Actor) -> None:
    slow = make_limit(kind="disk", name="遅い")
    fast = make_limit(kind="disk", name="速い")
    none = make_limit(kind="cpu", name="平坦")
    feed(slow, trend(90, 10.0, 0.3, noise=0.05))
    feed(fast, trend(90, 30.0, 0.6, noise=0.05))
    feed(none, trend(90, 30.0, 0.0))
    rows = forecasting.forecast_limits(admin_actor)
    assert [r["id"] for r in rows] == [fast.pk, slow.pk, none.pk]


def test_what_if_checks_its_factor(bank: Any, admin_actor: Actor) -> None:
    from antei.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as exc:
        forecasting.what_if(admin_actor, factor=-1.0, from_date=date(2030, 1, 1))
    assert exc.value.errors[0].field == "factor"


def test_margin_policy_leaves_running_totals_to_the_breach_forecast(
        make_limit: Callable[..., Limit], feed: Callable[..., int], admin_actor: Actor) -> None:
    disk = make_limit(kind="disk", name="ディスク", margin_percent=30.0)
    feed(disk, trend(90, 60.0, 0.2, noise=0.05))  # ~78% now, peak well within 30% of 100
    assert "margin" not in _codes(_forecast(admin_actor, disk))
