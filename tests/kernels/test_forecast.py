"""Calendar-aware breach forecasting: features, fit, breach dates, warnings, sentences.

Pure tests on synthetic series whose truth is known. Catalog: C07, C08, M-2.2, M-2.3,
A1-I-7, A1-I-9, A2-SWA-8, A2-PERF-CAP-1, A2-PERF-CAP-3, A2-PERF-CAP-5, A2-PERF-SET-1..3.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.typing import NDArray

from antei.kernels.bizcal import BusinessCalendar
from antei.kernels.forecast import Forecast, first_crossing, fit_forecast
from antei.kernels.forecast_eval import (
    apply_factor,
    backtest,
    chain_bottleneck,
    first_passage,
    score_breaches,
    what_if,
)
from antei.kernels.forecast_features import FEATURE_NAMES, calendar_features
from antei.kernels.forecast_warnings import check_warnings, explain

BANK = BusinessCalendar.bank()
START = np.datetime64("2026-01-05")
Array = NDArray[np.float64]


def days(n: int, start: np.datetime64 = START) -> NDArray[np.datetime64]:
    return start + np.arange(n)


def columns(dates: NDArray[np.datetime64]) -> dict[str, Array]:
    f = calendar_features(dates, BANK)
    return {name: f[:, i] for i, name in enumerate(FEATURE_NAMES)}


def calendar_volume(dates: NDArray[np.datetime64]) -> Array:
    """Trend plus month-end, 五十日 and business-day effects: a daily peak with known truth."""
    c = columns(dates)
    return (1000 + 2.0 * c["trend"] + 300 * c["month_end"] + 150 * c["gotoubi"]
            + 200 * c["business_day"])


def clear_target(mean: Array, first: int, *, margin: float) -> tuple[int, float]:
    """A day whose mean tops every earlier future mean by ``margin``, and a limit between."""
    for k in range(first, mean.size):
        peak_before = mean[:k].max()
        if mean[k] - peak_before >= margin:
            return k, (mean[k] + peak_before) / 2
    raise AssertionError("no clear breach day in the synthetic path")


# -- calendar features ---------------------------------------------------------------------------


def test_calendar_features_mark_bank_days() -> None:
    """A1-I-8: month start/end, 五十日, pension and salary days, after Golden Week."""
    d = np.arange("2027-04-01", "2027-05-08", dtype="datetime64[D]")
    c = columns(d)

    def on(name: str) -> list[str]:
        return [str(x) for x in d[c[name] == 1]]

    assert on("month_start") == ["2027-04-01", "2027-05-06"]
    assert on("month_end") == ["2027-04-30"]
    assert on("pension_day") == ["2027-04-15"]
    assert on("salary_day") == ["2027-04-23"]  # the 25th is a Sunday
    assert on("after_long_closure") == ["2027-05-06"]  # 1-5 May closed, 29 Apr too
    assert "2027-04-05" in on("gotoubi") and "2027-05-06" in on("gotoubi")  # 5 May closed
    assert c["trend"][-1] == d.size - 1
    weekdays = np.column_stack([c[n] for n in ("tue", "wed", "thu", "fri", "sat", "sun")])
    assert (weekdays.sum(axis=1) <= 1).all()
    assert weekdays[0].tolist() == [0, 0, 1, 0, 0, 0]  # 1 April 2027 is a Thursday


def test_trend_origin_is_shared() -> None:
    f = calendar_features(days(3, START + 10), BANK, origin=START)
    assert f[:, FEATURE_NAMES.index("trend")].tolist() == [10.0, 11.0, 12.0]


# -- fitting and breach dates ----------------------------------------------------------------------


def test_breach_predicted_within_days_of_truth() -> None:
    """M-2.3, A2-SWA-8: trend + month-end + 五十日 + noise; the peak that breaks is found."""
    n, horizon = 400, 150
    mean = calendar_volume(days(n + horizon))
    target, limit = clear_target(mean[n:], 40, margin=60)
    rng = np.random.default_rng(7)
    values = mean[None, :n] + rng.normal(0, 20, (4, n))
    fc = fit_forecast(values, days(n), BANK, horizon_days=horizon, limits=limit)
    assert np.abs(fc.breach_day_index - target).max() <= 3
    assert (fc.days_to_breach == fc.breach_day_index + 1).all()
    assert (fc.breach_date == fc.as_of + 1 + fc.breach_day_index).all()
    month_end = fc.coef[:, 2 + FEATURE_NAMES.index("month_end")]
    assert np.allclose(month_end, 300, atol=40)


def test_log_scale_volume_breaches_on_its_peak_day() -> None:
    """A2-SWA-8: a daily sequence number whose peaks are "×1.5", not "+500"."""
    n, horizon = 500, 180
    d = days(n + horizon)
    c = columns(d)
    mean = 5e4 * (1 + 0.6 * c["trend"] / 365) * np.exp(
        0.4 * c["month_end"] + 0.2 * c["gotoubi"] + 0.3 * c["after_long_closure"]
        - 0.7 * (1 - c["business_day"]))
    target, limit = clear_target(mean[n:], 30, margin=0.04 * mean[n:].max())
    rng = np.random.default_rng(11)
    values = mean[None, :n] * np.exp(rng.normal(0, 0.02, (3, n)))
    fc = fit_forecast(values, d[:n], BANK, horizon_days=horizon, limits=limit, log_scale=True)
    assert np.abs(fc.breach_day_index - target).max() <= 3


def test_step_change_reanchors_the_level() -> None:
    """A2-PERF-CAP-5: a campaign doubles the volume 20 days ago; the forecast follows."""
    n, horizon, jump = 300, 120, 280
    d = days(n + horizon)
    c = columns(d)
    mean = 2e4 * (1 + 0.2 * c["trend"] / 365) * np.exp(0.3 * c["month_end"]
                                                        - 0.6 * (1 - c["business_day"]))
    doubled = mean * np.where(np.arange(d.size) >= jump, 2.0, 1.0)
    rng = np.random.default_rng(3)
    noise = np.exp(rng.normal(0, 0.03, (2, n)))
    values = np.vstack([doubled[:n], mean[:n]]) * noise
    target, limit = clear_target(doubled[n:], 20, margin=0.03 * doubled[n:].max())
    fc = fit_forecast(values, d[:n], BANK, horizon_days=horizon, limits=limit, log_scale=True)
    assert abs(int((fc.step_date[0] - d[jump]).astype(int))) <= 2
    assert np.isclose(np.exp(fc.step_size[0]), 2.0, rtol=0.1)
    assert np.isnat(fc.step_date[1])  # no campaign, no step
    assert np.allclose(fc.point[0] / doubled[n:], 1.0, atol=0.12)
    assert abs(fc.breach_day_index[0] - target) <= 3
    assert fc.breach_day_index[1] == -1  # without the campaign the limit holds


def test_cumulative_series_follows_doubled_growth() -> None:
    """A2-PERF-SET-3: a log area whose daily growth doubles 30 days ago fills much sooner."""
    n, horizon, jump = 400, 180, 370
    d = days(n + horizon)
    c = columns(d)
    growth = 10.0 * (1 + 0.5 * c["business_day"] + c["month_end"])
    growth = growth * np.where(np.arange(d.size) >= jump, 2.0, 1.0)
    rng = np.random.default_rng(5)
    level = 1000 + np.cumsum(growth * np.exp(rng.normal(0, 0.1, d.size)))
    expected = level[n - 1] + np.cumsum(growth[n:])
    limit = expected[89]
    fc = fit_forecast(level[:n], d[:n], BANK, horizon_days=horizon, limits=limit,
                      cumulative=True)
    assert abs(int((fc.step_date[0] - d[jump]).astype(int))) <= 3
    assert abs(fc.breach_day_index[0] - 89) <= 5
    assert fc.lo_index[0] <= fc.breach_day_index[0] <= fc.hi_index[0]


def test_series_that_never_breaches_has_no_dates() -> None:
    rng = np.random.default_rng(1)
    values = 50 + rng.normal(0, 2, (1, 200))
    fc = fit_forecast(values, days(200), BANK, horizon_days=90, limits=500)
    assert fc.breach(0) == (None, None, None)
    assert fc.breach_day_index[0] == fc.lo_index[0] == fc.hi_index[0] == -1
    assert fc.days_to_breach[0] == -1


def test_nan_gaps_are_tolerated() -> None:
    """Missing days and a two-week outage of the collector change nothing essential."""
    n, horizon = 400, 150
    mean = calendar_volume(days(n + horizon))
    target, limit = clear_target(mean[n:], 40, margin=60)
    rng = np.random.default_rng(9)
    values = mean[None, :n] + rng.normal(0, 20, (2, n))
    values[rng.random(values.shape) < 0.2] = np.nan
    values[:, 200:214] = np.nan
    values[1, -3:] = np.nan  # the last three days not collected yet
    fc = fit_forecast(values, days(n), BANK, horizon_days=horizon, limits=limit)
    assert np.isfinite(fc.point).all() and np.isfinite(fc.upper).all()
    assert np.abs(fc.breach_day_index - target).max() <= 3


def test_interval_contains_the_point_estimate() -> None:
    rng = np.random.default_rng(2)
    n = 200
    trend = np.linspace(0, rng.uniform(10, 60), n)
    values = 100 + trend[None, :] * rng.uniform(0.5, 2, (40, 1)) + rng.normal(0, 5, (40, n))
    fc = fit_forecast(values, days(n), BANK, horizon_days=180,
                      limits=rng.uniform(120, 200, 40))
    assert (fc.lower <= fc.point).all() and (fc.point <= fc.upper).all()
    hit = fc.breach_day_index >= 0
    assert hit.any()
    assert (fc.lo_index[hit] >= 0).all() and (fc.lo_index[hit] <= fc.breach_day_index[hit]).all()
    assert ((fc.hi_index[hit] == -1) | (fc.hi_index[hit] >= fc.breach_day_index[hit])).all()
    width = fc.upper - fc.lower
    assert (width[:, -7:].mean(axis=1) > width[:, :7].mean(axis=1)).all()  # wider further out


def test_vectorised_fit_equals_a_loop_over_series() -> None:
    n, horizon = 300, 90
    d = days(n)
    rng = np.random.default_rng(4)
    mean = calendar_volume(d)
    values = np.vstack([
        mean + rng.normal(0, 20, n),
        np.exp(np.log(mean) + rng.normal(0, 0.03, n)),
        np.cumsum(5 + rng.random(n)),
        np.where(rng.random(n) < 0.3, np.nan, mean + rng.normal(0, 20, n)),
        mean * np.where(np.arange(n) >= n - 15, 1.8, 1.0),
    ])
    logs = np.array([False, True, False, False, True])
    cum = np.array([False, False, True, False, False])
    limits = np.array([2000.0, 2000.0, 2500.0, 2000.0, 4000.0])
    batch = fit_forecast(values, d, BANK, horizon_days=horizon, limits=limits, log_scale=logs,
                         cumulative=cum)
    for i in range(values.shape[0]):
        one = fit_forecast(values[i], d, BANK, horizon_days=horizon, limits=limits[i],
                           log_scale=logs[i], cumulative=cum[i])
        for name in ("point", "lower", "upper", "fitted", "coef", "sigma", "rho"):
            np.testing.assert_allclose(getattr(one, name)[0], getattr(batch, name)[i],
                                       rtol=1e-7, atol=1e-9, err_msg=name)
        for name in ("breach_day_index", "lo_index", "hi_index", "step_date"):
            np.testing.assert_array_equal(getattr(one, name), getattr(batch, name)[i:i + 1],
                                          err_msg=name)
    assert not np.isnat(batch.step_date[4])  # the batch includes a re-anchored series


def test_inputs_are_checked() -> None:
    with pytest.raises(ValueError, match="contiguous"):
        fit_forecast(np.ones((1, 3)), np.array(["2026-01-01", "2026-01-02", "2026-01-04"],
                                               dtype="datetime64[D]"),
                     BANK, horizon_days=5, limits=2)
    with pytest.raises(ValueError, match="either"):
        fit_forecast(np.ones((1, 30)), days(30), BANK, horizon_days=5, limits=2,
                     log_scale=True, cumulative=True)
    with pytest.raises(ValueError, match="one per series"):
        fit_forecast(np.ones((2, 30)), days(30), BANK, horizon_days=5, limits=[1, 2, 3])


def test_too_few_readings_are_not_forecast() -> None:
    values = np.full((1, 60), np.nan)
    values[0, -5:] = [1, 2, 3, 4, 5]
    fc = fit_forecast(values, days(60), BANK, horizon_days=30, limits=10)
    assert not fc.usable[0] and np.isnan(fc.point).all() and fc.breach_day_index[0] == -1


# -- warnings --------------------------------------------------------------------------------------


def _fit(values: Array, limits: float) -> Forecast:
    return fit_forecast(values, days(values.shape[1]), BANK, horizon_days=60, limits=limits)


def test_jump_warning_fires_when_one_step_would_skip_the_warning_level() -> None:
    """A2-PERF-SET-2: usage jumps past the limit in one step; warn before it can."""
    base = np.linspace(50, 60, 100)
    values = np.vstack([base, base, base, base])
    values[0, -1] = 75  # +15 with 5 left to the warning level 80
    values[1, -1] = 61  # an ordinary day
    values[2, -2:] = [85, 92]  # past the warning level: +7 with 8 left to the limit
    values[3, -2:] = [78, 92]  # +14 with 8 left to the limit
    warnings = check_warnings(_fit(values, 100), values)
    jumps = [[w for w in ws if w.code == "jump"] for ws in warnings]
    assert jumps[0][0].params["level"] == 80
    assert jumps[0][0].params["jump"] == pytest.approx(75 - base[-2])
    assert jumps[0][0].params["headroom"] == 5
    assert jumps[1] == [] and jumps[2] == []
    assert jumps[3][0].params["level"] == 100 and jumps[3][0].params["threshold"] == "limit"


def test_stale_warning() -> None:
    values = np.vstack([np.linspace(1, 10, 100)] * 2)
    values[1, -5:] = np.nan
    warnings = check_warnings(_fit(values, 100), values)
    stale = [w for w in warnings[1] if w.code == "stale"]
    assert not any(w.code == "stale" for w in warnings[0])
    assert stale[0].params == {"last_seen": date(2026, 4, 9), "days": 5}
    later = check_warnings(_fit(values, 100), values, today=date(2026, 4, 20))
    assert any(w.code == "stale" for w in later[0])


def test_resolution_warning() -> None:
    """A2-PERF-CAP-1: a faster CPU made the recorded time round to 0 seconds."""
    values = np.vstack([np.full(100, 3.0)] * 2)
    values[0, -4:] = [0.2, 0.0, 0.3, 0.1]  # rounds to 0 at a resolution of 1
    values[1, -4:] = [0.2, 0.0, 0.3, 0.9]
    warnings = check_warnings(_fit(values, 10), values)
    found = [w for w in warnings[0] if w.code == "resolution"]
    assert found[0].params == {"since": date(2026, 4, 11), "last_nonzero": date(2026, 4, 10),
                               "resolution": 1.0}
    assert not any(w.code == "resolution" for w in warnings[1])
    fine = check_warnings(_fit(values, 10), values, resolution=0.01)
    assert not any(w.code == "resolution" for w in fine[0])


def test_breach_before_review_warning() -> None:
    """A2-PERF-SET-3: the disk fills before the six-monthly archive."""
    values = np.arange(100.0) + np.random.default_rng(0).normal(0, 1, (2, 100))
    fc = _fit(values, 130)
    breach = fc.breach(0)[0]
    assert breach is not None
    reviews = np.array([np.datetime64(breach) + 20, np.datetime64(breach) - 25])
    warnings = check_warnings(fc, values, review_dates=reviews)
    before = [w for w in warnings[0] if w.code == "breach_before"]
    assert before[0].params["likely"] is True and before[0].params["breach"] == breach
    assert not any(w.code == "breach_before" for w in warnings[1])


def test_breached_and_insufficient_data_warnings() -> None:
    values = np.vstack([np.linspace(1, 12, 100), np.full(100, np.nan)])
    warnings = check_warnings(_fit(values, 10), values)
    assert [w.code for w in warnings[0]][:1] == ["breached"]
    assert [w.code for w in warnings[1]] == ["insufficient_data", "stale"]


# -- explanations ----------------------------------------------------------------------------------


def _log_area() -> tuple[Forecast, Array]:
    n = 120
    start = np.datetime64("2027-02-28") - (n - 1)
    rng = np.random.default_rng(12)
    values = (20 + 0.5 * np.arange(n) + rng.normal(0, 0.3, n))[None, :]
    limit = 20 + 0.5 * (n - 1 + 14) - 0.25  # reached around 14 March 2027
    fc = fit_forecast(values, start + np.arange(n), BANK, horizon_days=90, limits=limit)
    return fc, values


def test_explanation_names_the_dates_in_both_languages() -> None:
    """M-2.3: a reviewer reads when, how sure, and whether it comes before the archive."""
    fc, _ = _log_area()
    breach, lo, hi = fc.breach(0)
    assert breach is not None and lo is not None and hi is not None
    assert abs((breach - date(2027, 3, 14)).days) <= 2
    en = explain(fc, 0, metric="log area", system="ATM-GW-02", limit_label="100%",
                 event=("next archive", date(2027, 4, 1)))
    assert en.startswith(f"Log area on ATM-GW-02 reaches 100% around {breach.day} Mar (80% ")
    assert f"{lo.day}" in en and f"{hi.day}" in en and "Mar" in en
    assert en.endswith("before the next archive on 1 Apr.")
    ja = explain(fc, 0, lang="ja", metric="ログ領域", system="ATM-GW-02", limit_label="100%",
                 event=("次回のアーカイブ", date(2027, 4, 1)))
    assert ja.startswith(f"ATM-GW-02のログ領域は3月{breach.day}日ごろ100%に達する見込みです")
    assert f"（80%予測区間：3月{lo.day}日〜" in ja
    assert ja.endswith("次回のアーカイブ（4月1日）より前です。")


def test_explanation_without_breach_and_with_warnings() -> None:
    fc, values = _log_area()
    far = fit_forecast(values, fc.as_of - np.arange(values.shape[1] - 1, -1, -1), BANK,
                       horizon_days=90, limits=1e6)
    assert explain(far, 0, metric="log area", system="X") == (
        "Log area on X stays below 1,000,000 through 29 May (80% interval).")
    assert explain(far, 0, lang="ja", metric="ログ領域", system="X") == (
        "Xのログ領域は5月29日まで1,000,000未満の見込みです（80%予測区間）。")
    jumped = values.copy()
    jumped[0, -1] += 4  # to about 83.5, with a warning level of 85
    warnings = check_warnings(fc, jumped, warn_levels=85)
    text = explain(fc, 0, lang="ja", metric="ログ領域", system="X", warnings=warnings[0])
    assert "A2-PERF-SET-2" in text


def test_explanation_across_a_year_end_shows_the_year() -> None:
    n = 100
    start = np.datetime64("2026-12-20") - (n - 1)
    values = (np.arange(n) * 1.0)[None, :]
    fc = fit_forecast(values, start + np.arange(n), BANK, horizon_days=60, limits=n + 20)
    text = explain(fc, 0, metric="record count", system="CIF")
    assert "2027" in text
    assert "2027年1月" in explain(fc, 0, lang="ja", metric="件数", system="CIF")


# -- what-if, chains, backtests --------------------------------------------------------------------


def test_what_if_doubling_breaches_earlier() -> None:
    """A2-PERF-CAP-5: a campaign from a date doubles volume; the limit breaks sooner."""
    n = 300
    rng = np.random.default_rng(6)
    d = days(n)
    values = calendar_volume(d)[None, :] + rng.normal(0, 20, (1, n))
    base = fit_forecast(values, d, BANK, horizon_days=180, limits=2600)
    start = d[-1] + 30
    doubled = what_if(values, d, BANK, factor=2.0, from_date=start, limits=2600,
                      horizon_days=180)
    assert doubled.breach_day_index[0] >= 0
    assert base.breach_day_index[0] == -1 or (
        doubled.breach_day_index[0] < base.breach_day_index[0])
    assert doubled.breach_day_index[0] >= 29  # nothing changes before the campaign
    np.testing.assert_allclose(doubled.point[0, 29:], 2 * base.point[0, 29:])
    same = apply_factor(base, factor=1.0, from_date=start)
    np.testing.assert_array_equal(same.point, base.point)


def test_what_if_growth_scales_a_running_total() -> None:
    fc = fit_forecast(np.arange(100.0), days(100), BANK, horizon_days=50, limits=1e9)
    doubled = apply_factor(fc, factor=2.0, from_date=days(100)[-1] + 1, scale="growth")
    np.testing.assert_allclose(np.diff(doubled.point[0]), 2 * np.diff(fc.point[0]), atol=1e-6)


def test_chain_bottleneck_finds_the_first_link_to_break() -> None:
    """A2-PERF-CAP-3: input -> work area -> output; the narrowest link breaks first."""
    flow = fit_forecast(np.linspace(100, 500, 200), days(200), BANK, horizon_days=365,
                        limits=np.inf)
    chain = chain_bottleneck([900, 700, 800], flow)
    assert chain.link.tolist() == [1]
    per_link = chain.link_breach_day_index[:, 0]
    assert per_link[1] < per_link[2] < per_link[0]
    assert chain.breach_day_index[0] == per_link[1]
    wide = chain_bottleneck([1e6, 1e6], [flow, flow])
    assert wide.link.tolist() == [-1] and wide.tightest.tolist() == [0]


def test_backtest_scores_predicted_against_actual_breaches() -> None:
    """A1-I-9: forecast-accuracy tracking, cutoff by cutoff."""
    n = 500
    rng = np.random.default_rng(8)
    values = 100 + 0.5 * np.arange(n)[None, :] + rng.normal(0, 1, (3, n))
    limits = np.array([240.0, 300.0, 1e6])
    result = backtest(values, days(n), BANK, cutoffs=days(n)[[300, 330]], horizon_days=120,
                      limits=limits)
    assert result.predicted.shape == (3, 2) and result.horizon_days.tolist() == [120, 120]
    assert result.score.median_abs_error_days <= 3
    assert result.score.false_alarms == 0
    assert not result.scored[0].any()  # already breached at both cutoffs
    assert result.actual[1].tolist() == pytest.approx([100, 70], abs=3)
    assert result.actual[2].tolist() == [-1, -1]


def test_score_breaches_definitions() -> None:
    score = score_breaches([10, -1, 30, 5], [12, 20, 25, -1], horizon_days=60, lead_days=10,
                           lo=[8, -1, 20, 3], hi=[14, -1, -1, 9])
    assert score.breaches == 3 and score.missed == 1 and score.false_alarms == 1
    assert score.median_abs_error_days == 5  # errors 2, 40 (missed: 60 - 20), 5
    assert score.caught_share == pytest.approx(1 / 3)  # only 10 <= 12 of the three
    assert score.coverage == pytest.approx(2 / 3)


def test_first_passage_sees_a_noisy_peak_before_the_central_forecast() -> None:
    """A2-SWA-8: one noisy day overflows even though the typical day stays below."""
    rng = np.random.default_rng(10)
    values = 100 + rng.normal(0, 10, (1, 300))
    fc = fit_forecast(values, days(300), BANK, horizon_days=120, limits=118)
    passage = first_passage(fc)
    assert fc.breach_day_index[0] == -1
    assert 0 <= passage.day_index[0] < 60
    assert (np.diff(passage.probability[0]) >= 0).all()


# -- properties ------------------------------------------------------------------------------------

finite_values = st.floats(-1e6, 1e6, allow_nan=False)


@settings(deadline=None, max_examples=40)
@given(st.integers(20, 120).flatmap(
    lambda n: arrays(np.float64, (2, n), elements=finite_values)))
def test_forecasts_are_finite_for_finite_inputs(values: Array) -> None:
    fc = fit_forecast(values, days(values.shape[1]), BANK, horizon_days=60, limits=0.0)
    for path in (fc.point, fc.lower, fc.upper):
        assert np.isfinite(path).all()
    assert (fc.lower <= fc.point).all() and (fc.point <= fc.upper).all()


@settings(deadline=None, max_examples=40)
@given(arrays(np.float64, 60, elements=finite_values),
       st.floats(-2e6, 2e6), st.floats(0, 2e6))
def test_a_higher_limit_never_breaches_earlier(values: Array, limit: float,
                                               more: float) -> None:
    fc = fit_forecast(np.vstack([values, values]), days(60), BANK, horizon_days=90,
                      limits=[limit, limit + more])
    for index in (fc.breach_day_index, fc.lo_index, fc.hi_index):
        low, high = index.tolist()
        assert high == -1 or (low != -1 and low <= high)


@given(arrays(np.float64, (3, 30), elements=st.floats(-10, 10)), st.floats(-10, 10))
def test_first_crossing_matches_a_loop(paths: Array, limit: float) -> None:
    found = first_crossing(paths, limit)
    for row, k in zip(paths, found.tolist(), strict=True):
        hits = [i for i, v in enumerate(row) if v >= limit]
        assert k == (hits[0] if hits else -1)
