"""What-if scaling, data-flow bottlenecks and backtests for the breach forecasts.

- ``what_if`` / ``apply_factor``: a campaign doubles volume from a date; when does each limit
  break now? (A2-PERF-CAP-5, A2-PERF-SET-2, M-2.2)
- ``chain_bottleneck``: the same flow passes input → work area → output (or web → application
  → DB), each link with its own limit; which link breaks first? (A2-PERF-CAP-3)
- ``backtest`` and ``score_breaches``: fit on the data before each cutoff and compare the
  predicted breach day with the one that happened (A1-I-9: forecast-accuracy tracking).

Scoring, per (series, cutoff) case, with ``a`` the actual and ``p`` the predicted breach day
(horizon indices, 0 = the cutoff day, -1 = none within the horizon):

- median absolute error over cases with an actual breach; a missed breach (p = -1) counts as
  predicted at the end of the horizon, so saying nothing is never the cheap answer;
- caught ≥ ``lead_days`` ahead: of the breaches at least ``lead_days`` after the cutoff, the
  share with ``0 <= p <= a``, a date one can plan against and still be in time (and, when
  intervals are given, the share whose early end ``lo <= a``);
- false alarms: cases with ``p >= 0`` where no breach happened within the horizon;
- coverage: the share of breaches whose day lies in [lo, hi] (hi = -1: beyond the horizon).

Catalog: C07, M-2.3, A1-I-9, A2-PERF-CAP-3, A2-PERF-CAP-5, A2-PERF-SET-2.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from statistics import NormalDist
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from antei.kernels.bizcal import BusinessCalendar
from antei.kernels.forecast import Forecast, first_crossing, fit_forecast, per_series, with_paths
from antei.kernels.forecast_features import as_day, as_days


def apply_factor(forecast: Forecast, *, factor: ArrayLike, from_date: np.datetime64 | date,
                 scale: Literal["level", "growth"] = "level") -> Forecast:
    """``forecast`` with its paths scaled by ``factor`` (one, or one per series) from a date.

    ``scale="level"`` multiplies the forecast values: daily volumes, daily sequence numbers.
    ``scale="growth"`` multiplies the growth from the day before ``from_date``: cumulative
    quantities such as disk or log-area usage, where a doubled volume doubles the slope.
    Breach days are recomputed against the forecast's limits.
    """
    n_series, horizon = forecast.point.shape
    f = per_series(factor, n_series, "factor")
    if np.any(~np.isfinite(f) | (f < 0)):
        raise ValueError("factor must be finite and non-negative")
    first = int((as_day(from_date) - forecast.as_of).astype(np.int64)) - 1
    on = np.arange(horizon) >= max(first, 0)
    paths = (forecast.point, forecast.lower, forecast.upper)
    if scale == "level":
        scaled = [np.where(on, p * f[:, None], p) for p in paths]
    elif scale == "growth":
        if first > 0:
            base = forecast.point[:, min(first, horizon) - 1]
        else:
            base = np.where(np.isfinite(forecast.latest), forecast.latest,
                            forecast.fitted[:, -1] if forecast.fitted.shape[1] else np.nan)
        scaled = [np.where(on, base[:, None] + f[:, None] * (p - base[:, None]), p)
                  for p in paths]
    else:
        raise ValueError(f"scale must be 'level' or 'growth', got {scale!r}")
    return with_paths(forecast, *scaled)


def what_if(
    values: ArrayLike,
    dates: ArrayLike,
    calendar: BusinessCalendar,
    *,
    factor: ArrayLike,
    from_date: np.datetime64 | date,
    limits: ArrayLike,
    horizon_days: int = 180,
    alpha: float = 0.2,
    scale: Literal["level", "growth"] = "level",
    window_days: int = 365,
    half_life_days: float = 90.0,
    log_scale: ArrayLike = False,
    cumulative: ArrayLike = False,
) -> Forecast:
    """Fit (``fit_forecast``), then scale from ``from_date`` (``apply_factor``): new breaches.

    "The campaign from 1 April doubles the volume": ``factor=2, from_date=date(2027, 4, 1)``.
    Serves A2-PERF-CAP-5, A2-PERF-SET-2 and the new-product intake check of M-2.2.
    """
    base = fit_forecast(values, dates, calendar, horizon_days=horizon_days, limits=limits,
                        alpha=alpha, window_days=window_days, half_life_days=half_life_days,
                        log_scale=log_scale, cumulative=cumulative)
    return apply_factor(base, factor=factor, from_date=from_date, scale=scale)


@dataclass(frozen=True, eq=False)
class FirstPassage:
    """When the limit is first reached by any day's reading, not by the central forecast."""

    probability: NDArray[np.float64]  # (S, H): P(limit reached on or before day k)
    day_index: NDArray[np.int64]  # (S,) first day with probability >= 0.5, -1 if none
    lo_index: NDArray[np.int64]  # first day with probability >= alpha/2
    hi_index: NDArray[np.int64]  # first day with probability >= 1 - alpha/2


def first_passage(forecast: Forecast) -> FirstPassage:
    """Breach days as a first-passage time: for a noisy daily volume, the first day whose
    reading reaches the limit usually comes before the day the central forecast does.

    Each day's forecast distribution is a split normal through ``lower``/``point``/``upper``
    (in log space for ``log_scale`` series), giving ``p_k = P(y_k >= limit)``. Days count as
    independent trials, discounted by the residual autocorrelation (an effective
    ``(1-ρ)/(1+ρ)`` trial a day), but never below the single likeliest day; a cumulative
    series only grows, so its probability is that of its likeliest day so far.
    Serves A2-SWA-8 (one peak day overflows the daily sequence number), C07.
    """
    z = NormalDist().inv_cdf(1 - forecast.alpha / 2)
    logs = forecast.log_scale[:, None]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        point, lower, upper, limit = (np.where(logs, np.log(a), a) for a in (
            forecast.point, forecast.lower, forecast.upper, forecast.limits[:, None]))
        gap = limit - point
        sd = np.where(gap >= 0, upper - point, point - lower) / z
        p_day = np.where(sd > 0, 1.0 - _normal_cdf(gap / np.where(sd > 0, sd, 1.0)),
                         (gap <= 0).astype(np.float64))
    p_day = np.clip(np.nan_to_num(p_day, nan=0.0), 0.0, 1.0 - 1e-12)
    trials = ((1 - forecast.rho) / (1 + forecast.rho))[:, None]
    independent = 1.0 - np.exp(np.cumsum(trials * np.log1p(-p_day), axis=1))
    likeliest = np.maximum.accumulate(p_day, axis=1)
    prob = np.where(forecast.cumulative[:, None], likeliest, np.maximum(likeliest, independent))
    half = forecast.alpha / 2
    return FirstPassage(prob, first_crossing(prob, 0.5), first_crossing(prob, half),
                        first_crossing(prob, 1 - half))


def _normal_cdf(x: NDArray[np.float64]) -> NDArray[np.float64]:
    # Abramowitz & Stegun 7.1.26 for erf, |error| < 1.5e-7: numpy alone has no erf.
    t = np.abs(x) / np.sqrt(2.0)
    k = 1.0 / (1.0 + 0.3275911 * t)
    poly = k * (0.254829592 + k * (-0.284496736 + k * (1.421413741 + k * (
        -1.453152027 + k * 1.061405429))))
    erf = 1.0 - poly * np.exp(-t * t)
    out: NDArray[np.float64] = 0.5 * (1.0 + np.sign(x) * erf)
    return out


@dataclass(frozen=True, eq=False)
class ChainBottleneck:
    """Per chain instance (series): the first link to breach and when; -1 for none."""

    link: NDArray[np.int64]  # (S,) first link (chain order) to breach, -1 if none does
    breach_day_index: NDArray[np.int64]  # (S,) that link's breach day
    lo_index: NDArray[np.int64]
    hi_index: NDArray[np.int64]
    link_breach_day_index: NDArray[np.int64]  # (L, S) every link's breach day
    peak_ratio: NDArray[np.float64]  # (L, S) highest point forecast / limit
    tightest: NDArray[np.int64]  # (S,) link with the highest peak_ratio, breach or not


def chain_bottleneck(limits_along_chain: ArrayLike,
                     forecasts: Forecast | Sequence[Forecast]) -> ChainBottleneck:
    """Which link of a data-flow chain breaches first (A2-PERF-CAP-3: the tier model).

    ``limits_along_chain`` has one limit per link, shape (L,), or (L, S) for S chain
    instances. ``forecasts`` is one Forecast per link (the quantity at each link), or a
    single Forecast of the flow that passes every link. Ties go to the earlier interval
    start, then to the upstream link. Forecasts are compared with these limits, not theirs.
    """
    fcs = [forecasts] if isinstance(forecasts, Forecast) else list(forecasts)
    lim = np.asarray(limits_along_chain, dtype=np.float64)
    if lim.ndim not in (1, 2) or lim.shape[0] == 0:
        raise ValueError(f"limits_along_chain must be (links,) or (links, series), got "
                         f"{lim.shape}")
    n_links = lim.shape[0]
    if len(fcs) == 1:
        fcs = fcs * n_links
    if len(fcs) != n_links:
        raise ValueError(f"{n_links} limits but {len(fcs)} forecasts")
    shape = fcs[0].point.shape
    if any(fc.point.shape != shape for fc in fcs):
        raise ValueError("every link's forecast must cover the same series and horizon")
    n_series, horizon = shape
    lim = np.broadcast_to(lim[:, None] if lim.ndim == 1 else lim, (n_links, n_series))
    point = np.stack([fc.point for fc in fcs])
    breach = first_crossing(point, lim)
    lo = first_crossing(np.stack([fc.upper for fc in fcs]), lim)
    hi = first_crossing(np.stack([fc.lower for fc in fcs]), lim)
    never = horizon + 1
    key = (np.where(breach >= 0, breach, never) * (never + 1) + np.where(lo >= 0, lo, never))
    first = key.argmin(axis=0)
    rows = np.arange(n_series)
    found = breach[first, rows] >= 0
    peak = np.where(np.isnan(point), -np.inf, point).max(axis=2, initial=-np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(np.isfinite(peak), peak / lim, np.nan)
    tightest = np.where(np.isnan(ratio), -np.inf, ratio).argmax(axis=0)
    tightest = np.where(np.isnan(ratio).all(axis=0), -1, tightest)
    return ChainBottleneck(
        link=np.where(found, first, -1).astype(np.int64),
        breach_day_index=np.where(found, breach[first, rows], -1).astype(np.int64),
        lo_index=np.where(found, lo[first, rows], -1).astype(np.int64),
        hi_index=np.where(found, hi[first, rows], -1).astype(np.int64),
        link_breach_day_index=breach, peak_ratio=ratio, tightest=tightest.astype(np.int64))


@dataclass(frozen=True)
class BreachScore:
    """Accuracy of breach-day predictions; definitions in the module docstring."""

    cases: int
    breaches: int
    median_abs_error_days: float  # NaN when nothing breached
    caught_share: float  # NaN when no breach was lead_days or more ahead
    caught_lo_share: float | None  # None when no intervals were given
    missed: int
    false_alarms: int
    false_alarm_share: float  # of the cases without a breach; NaN when there are none
    coverage: float | None  # None when no intervals were given


def score_breaches(predicted: ArrayLike, actual: ArrayLike, *, horizon_days: ArrayLike,
                   lead_days: int = 14, lo: ArrayLike | None = None,
                   hi: ArrayLike | None = None, mask: ArrayLike | None = None) -> BreachScore:
    """Score predicted against actual breach days (horizon indices, -1 for none).

    ``horizon_days`` broadcasts against the cases; ``mask`` (True = score it) drops cases,
    such as limits already breached at the cutoff, where there was nothing to predict.
    """
    p = np.asarray(predicted, dtype=np.int64)
    a = np.asarray(actual, dtype=np.int64)
    h = np.broadcast_to(np.asarray(horizon_days, dtype=np.int64), p.shape)
    keep = np.ones(p.shape, np.bool_) if mask is None else np.asarray(mask, dtype=np.bool_)
    p, a, h = p[keep], a[keep], h[keep]
    hit = a >= 0
    err = np.where(p >= 0, np.abs(p - a), h - a)[hit]
    ahead = hit & (a >= lead_days)
    caught = ahead & (p >= 0) & (p <= a)
    caught_lo: float | None = None
    coverage: float | None = None
    if lo is not None and hi is not None:
        lo_a = np.asarray(lo, dtype=np.int64)[keep]
        hi_a = np.asarray(hi, dtype=np.int64)[keep]
        caught_lo = _share(ahead & (lo_a >= 0) & (lo_a <= a), ahead)
        inside = (lo_a >= 0) & (lo_a <= a) & ((hi_a < 0) | (a <= hi_a))
        coverage = _share(hit & inside, hit)
    false = (p >= 0) & ~hit
    return BreachScore(
        cases=int(p.size), breaches=int(hit.sum()),
        median_abs_error_days=float(np.median(err)) if err.size else float("nan"),
        caught_share=_share(caught, ahead), caught_lo_share=caught_lo,
        missed=int((hit & (p < 0)).sum()), false_alarms=int(false.sum()),
        false_alarm_share=_share(false, ~hit), coverage=coverage)


@dataclass(frozen=True, eq=False)
class Backtest:
    """Predicted and actual breach days per series (rows) and cutoff (columns)."""

    cutoffs: NDArray[np.datetime64]
    horizon_days: NDArray[np.int64]  # per cutoff: the horizon the data after it allowed
    predicted: NDArray[np.int64]
    lo: NDArray[np.int64]
    hi: NDArray[np.int64]
    actual: NDArray[np.int64]
    scored: NDArray[np.bool_]  # False where the limit was already breached at the cutoff
    score: BreachScore


def backtest(
    values: ArrayLike,
    dates: ArrayLike,
    calendar: BusinessCalendar,
    *,
    cutoffs: ArrayLike,
    horizon_days: int,
    limits: ArrayLike,
    lead_days: int = 14,
    alpha: float = 0.2,
    window_days: int = 365,
    half_life_days: float = 90.0,
    log_scale: ArrayLike = False,
    cumulative: ArrayLike = False,
) -> Backtest:
    """For each cutoff, fit on the days before it and compare with what happened after.

    The horizon after a cutoff is cut to the data available. A limit already reached at
    the cutoff is not scored (there was nothing left to predict). Serves A1-I-9, M-2.3.
    """
    y = np.asarray(values, dtype=np.float64)
    y = y[None, :] if y.ndim == 1 else y
    days = as_days(dates)
    cuts = as_days(cutoffs)
    lim = per_series(limits, y.shape[0], "limits")
    shape = (y.shape[0], cuts.size)
    predicted, lo, hi, actual = (np.full(shape, -1, dtype=np.int64) for _ in range(4))
    scored = np.zeros(shape, dtype=np.bool_)
    horizons = np.zeros(cuts.size, dtype=np.int64)
    for c, cut in enumerate(cuts):
        n = int(np.searchsorted(days, cut))
        available = min(horizon_days, days.size - n)
        if n < 2 or available < 1:
            raise ValueError(f"cutoff {cut} leaves no history or no days after it")
        fc = fit_forecast(y[:, :n], days[:n], calendar, horizon_days=available, limits=lim,
                          alpha=alpha, window_days=window_days, half_life_days=half_life_days,
                          log_scale=log_scale, cumulative=cumulative)
        horizons[c] = available
        predicted[:, c], lo[:, c], hi[:, c] = fc.breach_day_index, fc.lo_index, fc.hi_index
        actual[:, c] = first_crossing(y[:, n:n + available], lim)
        scored[:, c] = ~fc.is_breached
    score = score_breaches(predicted, actual, horizon_days=horizons[None, :],
                           lead_days=lead_days, lo=lo, hi=hi, mask=scored)
    return Backtest(cuts, horizons, predicted, lo, hi, actual, scored, score)


def _share(hit: NDArray[np.bool_], of: NDArray[np.bool_]) -> float:
    n = int(of.sum())
    return float((hit & of).sum()) / n if n else float("nan")
