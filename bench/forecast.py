"""Benchmark antei's breach forecast against predict_linear and AutoETS on the same data.

Run: .venv/bin/python bench/forecast.py [--series 10000] [--days 730] [--horizon 180]
                                        [--ets-series 500] [--ets-jobs 2] [--seed 20270401]

Data: ``--series`` synthetic daily-peak series of ``--days`` history on the Japanese bank
calendar (from 2024-01-01), plus ``--horizon`` days of future drawn from the same process,
never shown to any method. 60% are daily volumes (daily sequence numbers): a linear trend
times multiplicative weekday, closed-day, month-start, month-end, 五十日, pension-day,
salary-day and after-long-closure effects, with AR(1) log-normal noise of 2-8%. 40% are
cumulative levels (log areas): the running sum of such a volume with 25% noise on each day's
growth (a random walk with drift), read with a measurement noise of 0.2% of the level. 30% of
series get a step (×1.5-2.5 in volume, so in slope for levels), two thirds of them in the
last eight weeks; 10% one bad reading (×1.5-3); 3% of readings are missing and 5% of series
lose 14 days in a row. Limits sit on the noise-free future path, at its running peak on a
target day plus 0-3%: day 60-180 after the cutoff for 60% of series, day 14-59 for 10%; for
30% the limit is 1.25-2× the peak, never reached. No limit is below the last 90 days' peak.
The actual breach day is the first future day whose drawn reading reaches the limit.

Methods, all given the same history and limits:

- antei: ``fit_forecast`` with ``log_scale`` for the daily volumes and ``cumulative`` for the
  levels (the limits registry knows a daily count from a running total); its breach day is
  the first day the point forecast reaches the limit, its interval the band crossings.
- antei, first passage: the same fit read by ``forecast_eval.first_passage``: the first day
  the probability that some reading has reached the limit passes 50%.
- antei, kind not set: every series fitted as a plain level, to show what the setting is worth.
- predict_linear: Prometheus' ``predict_linear(v[6d], t)``, a least-squares line through the
  last six daily readings, extrapolated.
- AutoETS: statsforecast ``AutoETS(season_length=7)`` (model chosen per series by AICc), 80%
  interval, missing days interpolated linearly; on a random subsample (``--ets-series``)
  because it fits series one at a time, with antei and predict_linear scored on the same
  subsample; its time for the full set is extrapolated (and marked so).
- oracle: the crossing of the true noise-free path, the best a point forecast can do. For
  daily volumes it is far from the actual day: a noisy peak day reaches the limit first.

Scoring (``antei.kernels.forecast_eval.score_breaches``; columns explained in the output):
median absolute error of the predicted breach day over series that breached (a missed breach
counts as predicted at the horizon's end), caught ≥ 14 days ahead (predicted no later than the
actual day, of breaches at least 14 days out), false alarms (a breach predicted within the
horizon, none happened), coverage of the 80% breach interval. Results are shown for all
series and for each kind. Wall time is ``time.perf_counter`` around the call: antei includes
building the calendar features; numpy's BLAS uses every CPU, AutoETS ``--ets-jobs``
processes.
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from antei.kernels.bizcal import BusinessCalendar
from antei.kernels.forecast import first_crossing, fit_forecast
from antei.kernels.forecast_eval import BreachScore, first_passage, score_breaches
from antei.kernels.forecast_features import FEATURE_NAMES, calendar_features

START = np.datetime64("2024-01-01")
BANK = BusinessCalendar.bank()
Array = NDArray[np.float64]


@dataclass
class Synthetic:
    dates: NDArray[np.datetime64]  # history dates
    history: Array  # (S, days), NaN where missing
    future: Array  # (S, horizon), complete
    limits: Array
    volume: NDArray[np.bool_]  # daily volume (True) or cumulative level
    step_day: NDArray[np.int64]  # history day of the step, -1 if none
    expected: Array  # (S, horizon) noise-free future: the oracle's forecast
    actual: NDArray[np.int64]  # first future day at or above the limit, -1 if none


def generate(n_series: int, n_days: int, horizon: int, seed: int) -> Synthetic:
    rng = np.random.default_rng(seed)
    total = n_days + horizon
    dates = START + np.arange(total)
    f = calendar_features(dates, BANK)
    col = {name: f[:, i] for i, name in enumerate(FEATURE_NAMES)}
    t = np.arange(total, dtype=np.float64)
    # Calendar effects in log space: one column per effect, one coefficient per series.
    indicators = np.stack([col["tue"], col["wed"], col["thu"], col["fri"],
                           1.0 - col["business_day"], col["month_start"], col["month_end"],
                           col["gotoubi"], col["pension_day"], col["salary_day"],
                           col["after_long_closure"]])
    u = rng.uniform
    effects = np.column_stack([
        rng.normal(-0.05, 0.03, n_series), rng.normal(-0.05, 0.03, n_series),
        rng.normal(-0.03, 0.03, n_series), rng.normal(0.08, 0.03, n_series),
        np.log(u(0.3, 0.7, n_series)), np.log(u(1.0, 1.3, n_series)),
        np.log(u(1.2, 1.8, n_series)), np.log(u(1.05, 1.35, n_series)),
        np.log(u(1.0, 1.4, n_series)), np.log(u(1.0, 1.3, n_series)),
        np.log(u(1.2, 1.8, n_series))])
    calendar = np.exp(effects @ indicators)  # (S, total)
    step = np.ones((n_series, total))
    has_step = rng.random(n_series) < 0.3
    recent = rng.random(n_series) < 2 / 3
    step_day = np.where(recent, rng.integers(n_days - 56, n_days - 7, n_series),
                        rng.integers(n_days - 300, n_days - 60, n_series))
    step = np.where(has_step[:, None] & (t[None, :] >= step_day[:, None]),
                    u(1.5, 2.5, n_series)[:, None], 1.0)
    growth = 1.0 + u(0.05, 0.8, n_series)[:, None] * t[None, :] / 365
    # AR(1) log noise, stationary from day 0.
    rho, sd = u(0.0, 0.4, n_series), u(0.02, 0.08, n_series)
    eps = rng.normal(0.0, 1.0, (n_series, total)) * (sd * np.sqrt(1 - rho**2))[:, None]
    noise = np.empty_like(eps)
    noise[:, 0] = rng.normal(0.0, 1.0, n_series) * sd
    for i in range(1, total):
        noise[:, i] = rho * noise[:, i - 1] + eps[:, i]
    base = np.exp(u(np.log(1e3), np.log(1e6), n_series))[:, None]
    mean_volume = base * growth * calendar * step
    drawn_volume = mean_volume * np.exp(noise)
    # Levels: the running sum of a volume (increments 0.05-0.4% of the start level a day).
    level0 = u(100.0, 1000.0, n_series)[:, None]
    rate = level0 * u(0.0005, 0.004, n_series)[:, None]
    increment_noise = np.exp(rng.normal(0.0, 0.25, (n_series, total)))
    mean_increment = rate * calendar * step * np.exp(0.25**2 / 2)
    drawn_level = level0 + np.cumsum(rate * calendar * step * increment_noise, axis=1)
    drawn_level += rng.normal(0.0, 1.0, (n_series, total)) * 0.002 * level0
    volume = rng.random(n_series) < 0.6
    drawn = np.where(volume[:, None], drawn_volume, drawn_level)
    history, future = drawn[:, :n_days].copy(), drawn[:, n_days:].copy()
    recent_peak = history[:, -90:].max(axis=1)  # before the damage below
    # Expected future: the noise-free volume, or today's level plus expected increments.
    expected = np.where(volume[:, None], mean_volume[:, n_days:],
                        drawn_level[:, n_days - 1:n_days]
                        + np.cumsum(mean_increment[:, n_days:], axis=1))
    # Damage the history: bad readings, missing days, 14-day outages.
    spike = rng.random(n_series) < 0.1
    spike_day = rng.integers(0, n_days - 7, n_series)
    rows = np.flatnonzero(spike)
    history[rows, spike_day[rows]] *= u(1.5, 3.0, rows.size)
    history[rng.random(history.shape) < 0.03] = np.nan
    gap = np.flatnonzero(rng.random(n_series) < 0.05)
    gap_start = rng.integers(0, n_days - 44, gap.size)
    for r, g in zip(gap.tolist(), gap_start.tolist(), strict=True):
        history[r, g:g + 14] = np.nan
    # Limits on the expected path: the running peak on a target day, never already reached.
    kind = rng.random(n_series)
    target = np.where(kind < 0.6, rng.integers(60, 181, n_series),
                      rng.integers(14, 60, n_series))
    target = np.minimum(target, horizon - 1)
    running_peak = np.maximum.accumulate(expected, axis=1)
    limits = running_peak[np.arange(n_series), target] * u(1.0, 1.03, n_series)
    never = kind >= 0.7
    limits[never] = expected[never].max(axis=1) * u(1.25, 2.0, int(never.sum()))
    limits = np.maximum(limits, 1.02 * recent_peak)
    return Synthetic(dates[:n_days], history, future, limits, volume,
                     np.where(has_step, step_day, -1), expected,
                     first_crossing(future, limits))


def predict_linear(history: Array, limits: Array, horizon: int) -> NDArray[np.int64]:
    """Prometheus predict_linear(v[6d], t): a line through the last six daily readings."""
    y = history[:, -6:]
    x = np.arange(-5.0, 1.0)  # 0 is the last history day
    ok = np.isfinite(y)
    n = ok.sum(axis=1)
    xm = np.where(ok, x, 0.0).sum(axis=1) / np.maximum(n, 1)
    ym = np.where(ok, y, 0.0).sum(axis=1) / np.maximum(n, 1)
    dx = np.where(ok, x[None, :] - xm[:, None], 0.0)
    sxx = (dx**2).sum(axis=1)
    slope = (dx * np.where(ok, y - ym[:, None], 0.0)).sum(axis=1) / np.where(sxx > 0, sxx, 1)
    path = (ym - slope * xm)[:, None] + slope[:, None] * np.arange(1, horizon + 1)[None, :]
    path[n < 2] = np.nan
    return first_crossing(path, limits)


def auto_ets(data: Synthetic, rows: NDArray[np.int64], horizon: int,
             jobs: int) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], float]:
    import pandas as pd
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS

    y = data.history[rows].copy()
    x = np.arange(y.shape[1])
    for i in range(y.shape[0]):  # ETS needs complete series: interpolate the gaps
        ok = np.isfinite(y[i])
        y[i] = np.interp(x, x[ok], y[i, ok])
    frame = pd.DataFrame({"unique_id": np.repeat(rows, y.shape[1]),
                          "ds": np.tile(data.dates, rows.size), "y": y.ravel()})
    model = StatsForecast(models=[AutoETS(season_length=7)], freq="D", n_jobs=jobs)
    began = time.perf_counter()
    out = model.forecast(df=frame, h=horizon, level=[80])
    seconds = time.perf_counter() - began
    out = out.sort_values(["unique_id", "ds"])
    shape = (rows.size, horizon)
    limits = data.limits[rows]
    mean, low, high = (out[c].to_numpy(np.float64).reshape(shape)
                       for c in ("AutoETS", "AutoETS-lo-80", "AutoETS-hi-80"))
    return (first_crossing(mean, limits), first_crossing(high, limits),
            first_crossing(low, limits), seconds)


@dataclass
class Run:
    name: str
    rows: NDArray[np.int64]  # the series it ran on
    predicted: NDArray[np.int64]
    lo: NDArray[np.int64] | None
    hi: NDArray[np.int64] | None
    seconds: float | None  # None: not a method (the oracle)


def run_antei(data: Synthetic, rows: NDArray[np.int64], horizon: int,
              kinds: bool) -> tuple[Run, Run]:
    """Point crossing and first passage from one fit (``kinds``: log/cumulative set)."""
    volume = data.volume[rows]
    began = time.perf_counter()
    fc = fit_forecast(data.history[rows], data.dates, BANK, horizon_days=horizon,
                      limits=data.limits[rows], log_scale=volume & kinds,
                      cumulative=~volume & kinds)
    fitted = time.perf_counter() - began
    passage = first_passage(fc)
    both = time.perf_counter() - began
    name = "antei" if kinds else "antei, kind not set"
    return (Run(name, rows, fc.breach_day_index, fc.lo_index, fc.hi_index, fitted),
            Run(f"{name}, first passage", rows, passage.day_index, passage.lo_index,
                passage.hi_index, both))


def run_linear(data: Synthetic, rows: NDArray[np.int64], horizon: int) -> Run:
    began = time.perf_counter()
    predicted = predict_linear(data.history[rows], data.limits[rows], horizon)
    return Run("predict_linear 6d", rows, predicted, None, None, time.perf_counter() - began)


def oracle(data: Synthetic, rows: NDArray[np.int64]) -> Run:
    return Run("oracle: true mean path", rows, first_crossing(data.expected[rows],
                                                             data.limits[rows]), None, None, None)


HEADER = (f"{'method':30} {'series':>7} {'breach':>6} {'med|err|':>8} {'caught14':>8} "
          f"{'lo<=act':>7} {'falseA':>6} {'falseA%':>7} {'missed':>6} {'cover80':>7} "
          f"{'wall s':>8} {'ms/series':>9}")


def table(title: str, runs: list[Run], data: Synthetic, horizon: int,
          subset: NDArray[np.bool_] | None = None) -> dict[str, BreachScore]:
    print(f"\n{title}")
    print(HEADER)
    print("-" * len(HEADER))
    scores = {}
    for r in runs:
        keep = np.ones(r.rows.size, np.bool_) if subset is None else subset[r.rows]
        s = score_breaches(r.predicted[keep], data.actual[r.rows][keep], horizon_days=horizon,
                           lo=None if r.lo is None else r.lo[keep],
                           hi=None if r.hi is None else r.hi[keep])
        scores[r.name] = s
        lo = "-" if s.caught_lo_share is None else f"{s.caught_lo_share:.1%}"
        cov = "-" if s.coverage is None else f"{s.coverage:.1%}"
        wall = ("-", "-") if r.seconds is None or subset is not None else (
            f"{r.seconds:.2f}", f"{1e3 * r.seconds / r.rows.size:.3f}")
        print(f"{r.name:30} {int(keep.sum()):>7,} {s.breaches:>6,} "
              f"{s.median_abs_error_days:8.1f} {s.caught_share:8.1%} {lo:>7} "
              f"{s.false_alarms:>6,} {s.false_alarm_share:7.1%} {s.missed:>6,} {cov:>7} "
              f"{wall[0]:>8} {wall[1]:>9}")
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--horizon", type=int, default=180)
    parser.add_argument("--ets-series", type=int, default=500,
                        help="AutoETS subsample size (0 = skip AutoETS)")
    parser.add_argument("--ets-jobs", type=int, default=2,
                        help="AutoETS worker processes (numpy's BLAS uses every CPU too)")
    parser.add_argument("--seed", type=int, default=20270401)
    args = parser.parse_args()
    h = args.horizon
    began = time.perf_counter()
    data = generate(args.series, args.days, h, args.seed)
    print(f"data: {args.series:,} series x {args.days} days (+{h} future days), generated in "
          f"{time.perf_counter() - began:.1f} s; {data.volume.mean():.0%} daily volumes, "
          f"{(data.step_day >= 0).mean():.0%} with a step; {(data.actual >= 0).mean():.0%} "
          f"breach within {h} days, {(data.actual >= 60).mean():.0%} on day 60 or later; "
          f"{os.cpu_count()} CPUs")
    print("columns: breach = series that breach; med|err| = median |predicted - actual| "
          "breach day over them (a miss counts as the horizon's end); caught14 = predicted "
          "on or before the actual day, of breaches >= 14 days out; lo<=act = the same for "
          "the interval's early end; falseA = breach predicted, none happened (% of those "
          "without a breach); missed = breach, none predicted; cover80 = actual day inside "
          "the 80% breach interval")
    every = np.arange(args.series)
    antei, passage = run_antei(data, every, h, True)
    plain, _ = run_antei(data, every, h, False)
    linear = run_linear(data, every, h)
    runs = [antei, passage, plain, linear, oracle(data, every)]
    full = table(f"all {args.series:,} series", runs, data, h)
    table("daily volumes (log_scale): breaches happen on peak days", runs, data, h,
          data.volume)
    table("cumulative levels (cumulative): breaches follow the trend", runs, data, h,
          ~data.volume)
    a, p = full["antei"], full["predict_linear 6d"]
    print(f"\nratios (all series): predict_linear/antei median |err| "
          f"{p.median_abs_error_days / a.median_abs_error_days:.1f}x, false alarms "
          f"{p.false_alarms / max(a.false_alarms, 1):.1f}x; antei wall / predict_linear wall "
          f"{antei.seconds / (linear.seconds or 1e-9):,.0f}x "
          f"({1e3 * (antei.seconds or 0) / args.series:.3f} ms per series)")
    if args.ets_series <= 0:
        return
    try:
        import statsforecast  # noqa: F401
    except ImportError:
        print("\nstatsforecast is not installed: AutoETS skipped")
        return
    n = min(args.ets_series, args.series)
    rows = np.sort(np.random.default_rng(args.seed + 1).choice(args.series, n, replace=False))
    predicted, lo, hi, ets_s = auto_ets(data, rows, h, args.ets_jobs)
    ets = Run("AutoETS(season_length=7)", rows, predicted, lo, hi, ets_s)
    sub_antei, sub_passage = run_antei(data, rows, h, True)
    sub = table(f"random subsample of {n:,} series (AutoETS would take about "
                f"{ets_s * args.series / n:,.0f} s for all {args.series:,}; it ran on "
                f"{args.ets_jobs} processes)",
                [sub_antei, sub_passage, run_linear(data, rows, h), ets, oracle(data, rows)],
                data, h)
    e, a = sub["AutoETS(season_length=7)"], sub["antei"]
    print(f"\nratios (subsample): AutoETS/antei median |err| "
          f"{e.median_abs_error_days / a.median_abs_error_days:.1f}x; AutoETS time per series "
          f"/ antei time per series (antei on all {args.series:,}) "
          f"{ets_s / n / ((antei.seconds or 1.0) / args.series):,.0f}x")


if __name__ == "__main__":
    main()
