"""The demo bank's limits hold the three cases issue 7 asks for, and load idempotently.

Catalog: A2-SWA-8, A2-PERF-SET-3, A1-I-8, A1-I-26, C07, C08.
"""

from __future__ import annotations

import pytest

from antei import demo
from antei.capacity import forecasting, selectors
from antei.capacity.models import Limit, Measurement
from antei.core.actor import system_actor

pytestmark = pytest.mark.django_db


def test_demo_has_the_three_cases_and_loads_once() -> None:
    actor = system_actor()
    demo.load(actor=actor)
    count = Measurement.objects.count()
    assert count > 10 * 700  # two years of daily peaks
    rows = {(r["system"], r["component"], r["name"]): r
            for r in forecasting.forecast_limits(actor)}
    today = selectors.today()
    # 1. a limit that breaches next month, before its next archive
    log = rows[("ATMC", "ATMC-SV01", "ログ領域")]
    assert log["days_to_breach"] is not None and 15 <= log["days_to_breach"] <= 50
    assert "breach_before" in {w["code"] for w in log["warnings"]}
    # 2. the daily sequence number near its maximum on month-ends
    seq = Limit.objects.get(name="振込受付通番")
    peaks = {m.at.astimezone(selectors.clock.display_zone()).date(): m.value
             for m in Measurement.objects.filter(limit=seq)}
    month_end_max = max(v for d, v in peaks.items() if (d.month, d.year) != (today.month,
                                                                             today.year)
                        and v > 0)
    assert 0.85 * 99_999 <= month_end_max < 99_999
    ordinary = sorted(peaks.values())[len(peaks) // 2]
    assert ordinary < 0.5 * 99_999  # only the month-end peak comes near it (A1-I-26)
    # 3. the standby's file limit is smaller than its active's
    standby = rows[("FX", "FX-AP01-S", "全銀送信ファイル")]
    assert standby["value"] < rows[("FX", "FX-AP01", "全銀送信ファイル")]["value"]
    assert "standby_mismatch" in {w["code"] for w in standby["warnings"]}
    # idempotent: a second load writes nothing
    limits = Limit.objects.count()
    demo.load(actor=actor)
    assert (Limit.objects.count(), Measurement.objects.count()) == (limits, count)


def test_demo_batch_runs_warn_of_the_online_start_and_zero_durations() -> None:
    """A1-I-7 and A2-PERF-CAP-1 on the demo bank's system pages."""
    actor = system_actor()
    demo.load(actor=actor)
    core = {w["code"] for w in forecasting.batch_warnings(actor, "CORE")}
    loans = {w["code"] for w in forecasting.batch_warnings(actor, "LOANS")}
    assert "batch_overrun" in core
    assert "resolution" in loans
