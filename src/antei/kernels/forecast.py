"""When will each limit break? Calendar-aware breach forecasts for many series at once.

Limits (disk and log areas, daily sequence numbers, record counts) get one measurement a day,
usually the daily peak. ``fit_forecast`` takes a whole registry of them as one array
``values[series, day]`` (NaN where a day is missing) on a contiguous daily grid and, for every
series, forecasts the next ``horizon_days`` with a prediction interval and the day the limit
is first reached (A2-SWA-8, A2-PERF-SET-3, M-2.3).

The model, per series, on the last ``window_days`` of history::

    y[t] = a + b·t + Σ c_k·calendar_k[t] + d·step[t] + u[t],     u[t] = ρ·u[t-1] + ε[t]

- ``calendar_k`` are the indicator columns of ``forecast_features.calendar_features``: weekday,
  business day, month start/end, 五十日, pension day, salary day, the day after a long closure.
  They share one design matrix, so every series is fitted by one batched solve of its own
  masked normal equations ``(Xᵀ W_s X + λ) β_s = Xᵀ W_s y_s``: one matrix product builds all
  the ``Xᵀ W_s X`` and ``numpy.linalg`` inverts the stack. ``W_s`` is zero on missing days,
  decays with age (half-life ``half_life_days``, so the trend is the recent one) and carries
  Huber weights (three reweighting rounds), so one bad reading does not bend the line. A small
  ridge ``λ`` on the calendar columns keeps an effect the window lacks (no pension day yet) at
  zero instead of making the system singular.
- ``step`` re-anchors the level after a change such as a campaign (A2-PERF-CAP-5): the day of
  the last eight weeks that best splits the residuals into two means is tried as a level shift;
  the series is refitted with a step column from that day, kept where the step is significant
  (≥ 5 standard errors, allowing for the residuals' autocorrelation) and material (≥ 1σ).
- ``u`` is the residual; its lag-1 autocorrelation ρ carries the latest deviation forward,
  decaying as ρ^h.
- ``log_scale`` series (daily volumes, daily sequence numbers) are fitted as log(y): effects
  become multiplicative, as they are for volumes, where month-end is "×1.5", not "+1,000", and a
  campaign doubles every day. ``cumulative`` series (disk and log areas, record counts) are
  fitted on their daily growth y[t] - y[t-1], so a campaign that doubles the growth is a level
  shift the step test sees, and the forecast is the latest reading plus the summed growth. Their
  trend column, an acceleration of the growth, is kept only where significant (|t| ≥ 3):
  fitted to noisy daily growth and extrapolated for months, it is mostly noise.

The interval: for plain and log series, the empirical ``alpha/2`` and ``1 - alpha/2``
quantiles of the standardised residuals, scaled by ``σ·sqrt(1 - ρ^2h + infl²·xᵀ(XᵀWX)⁻¹x)``
with ``infl² = (1+ρ)/(1-ρ)``, so it widens with the horizon as the autocorrelated error builds
up and the trend's uncertainty is extrapolated. For cumulative series, a sum of h daily
residuals: ``σ·sqrt(infl²·(h + sᵀ(XᵀWX)⁻¹s))`` with ``s`` the summed design rows, and normal
quantiles. The breach day is the first horizon day the point forecast reaches the limit; its
interval runs from the day the upper band reaches it (``lo``) to the day the lower band does
(``hi``), -1 when that does not happen within the horizon. This is a band crossing, not a
first-passage probability: for a noisy daily volume the first day that actually reaches the
limit tends to come before the point crossing, which is why ``lo`` is the date to plan by.

Assumptions: one reading per calendar day; growth roughly linear over the window (in log
space for ``log_scale``); calendar effects constant over the window; a step is a level shift
in the last eight weeks (older ones the decaying weights absorb); no housekeeping inside the
window (a sawtooth is not modelled: fit such series from the last housekeeping on).

Catalog: C07, C08, M-2.2, M-2.3, A1-I-7, A1-I-26, A2-SWA-8, A2-PERF-CAP-5, A2-PERF-SET-1..3.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from antei.kernels import forecast_model as model
from antei.kernels.bizcal import BusinessCalendar
from antei.kernels.forecast_features import as_days

COLUMN_NAMES: Final = model.COLUMN_NAMES  # the columns of Forecast.coef


@dataclass(frozen=True, eq=False)
class Forecast:
    """Forecasts for S series over H days after ``as_of``; index arrays use -1 for "none".

    ``point``/``lower``/``upper`` have shape (S, H) and ``horizon_dates[k]`` is day k;
    ``fitted`` (S, T) is the model's value on each history day (NaN before the window; for a
    cumulative series the previous reading plus the modelled growth), for sparklines.
    ``breach_day_index`` is the first k with ``point >= limit``, ``lo_index`` the first with
    ``upper >= limit`` and ``hi_index`` the first with ``lower >= limit``, so
    ``lo <= breach <= hi`` whenever they exist. Series with fewer than ``min_obs`` readings in
    the window are not ``usable``: their paths are NaN and they never breach.
    """

    as_of: np.datetime64
    horizon_dates: NDArray[np.datetime64]
    point: NDArray[np.float64]
    lower: NDArray[np.float64]
    upper: NDArray[np.float64]
    fitted: NDArray[np.float64]
    limits: NDArray[np.float64]
    alpha: float
    breach_day_index: NDArray[np.int64]
    lo_index: NDArray[np.int64]
    hi_index: NDArray[np.int64]
    latest: NDArray[np.float64]  # latest reading, NaN if none
    last_observed: NDArray[np.datetime64]  # its date, NaT if none
    n_obs: NDArray[np.int64]  # readings in the fitting window
    usable: NDArray[np.bool_]
    step_date: NDArray[np.datetime64]  # first day of a detected level shift, NaT if none
    step_size: NDArray[np.float64]  # its size: log units (log_scale), daily growth (cumulative)
    log_scale: NDArray[np.bool_]
    cumulative: NDArray[np.bool_]
    sigma: NDArray[np.float64]  # robust residual scale, model units
    rho: NDArray[np.float64]  # lag-1 residual autocorrelation
    coef: NDArray[np.float64]  # (S, len(COLUMN_NAMES)): the columns' coefficients, model units

    @property
    def days_to_breach(self) -> NDArray[np.int64]:
        """Days from ``as_of`` to the breach day (1 = tomorrow), -1 when none."""
        return np.where(self.breach_day_index >= 0, self.breach_day_index + 1, -1)

    @property
    def breach_date(self) -> NDArray[np.datetime64]:
        return self._dates(self.breach_day_index)

    @property
    def lo_date(self) -> NDArray[np.datetime64]:
        return self._dates(self.lo_index)

    @property
    def hi_date(self) -> NDArray[np.datetime64]:
        return self._dates(self.hi_index)

    @property
    def is_breached(self) -> NDArray[np.bool_]:
        """The latest reading is already at or above the limit."""
        return np.asarray(self.latest >= self.limits, dtype=np.bool_)

    def breach(self, i: int) -> tuple[date | None, date | None, date | None]:
        """(breach, lo, hi) for series ``i`` as dates, None where not within the horizon."""
        return (_day_or_none(self.breach_date[i]), _day_or_none(self.lo_date[i]),
                _day_or_none(self.hi_date[i]))

    def _dates(self, index: NDArray[np.int64]) -> NDArray[np.datetime64]:
        out = self.as_of + 1 + np.maximum(index, 0)
        return np.where(index >= 0, out, np.datetime64("NaT", "D"))


def first_crossing(paths: ArrayLike, limits: ArrayLike) -> NDArray[np.int64]:
    """Per row, the first column where ``paths >= limits`` (limits broadcast per row), or -1.

    NaN never crosses, so a series without a forecast or without a limit never breaches.
    """
    p = np.asarray(paths, dtype=np.float64)
    lim = np.asarray(limits, dtype=np.float64)
    hit = p >= (lim[..., None] if lim.ndim else lim)
    return np.where(hit.any(axis=-1), hit.argmax(axis=-1), -1).astype(np.int64)


def with_paths(forecast: Forecast, point: NDArray[np.float64], lower: NDArray[np.float64],
               upper: NDArray[np.float64], limits: ArrayLike | None = None) -> Forecast:
    """``forecast`` with new paths (and limits), its breach days recomputed."""
    lim = forecast.limits if limits is None else per_series(limits, point.shape[0], "limits")
    return replace(forecast, point=point, lower=lower, upper=upper, limits=lim,
                   breach_day_index=first_crossing(point, lim),
                   lo_index=first_crossing(upper, lim), hi_index=first_crossing(lower, lim))


def fit_forecast(
    values: ArrayLike,
    dates: ArrayLike,
    calendar: BusinessCalendar,
    *,
    horizon_days: int,
    limits: ArrayLike,
    alpha: float = 0.2,
    window_days: int = 365,
    half_life_days: float = 90.0,
    log_scale: ArrayLike = False,
    cumulative: ArrayLike = False,
    min_obs: int = 14,
) -> Forecast:
    """Fit every series of ``values[series, day]`` jointly and forecast ``horizon_days``.

    ``dates`` is the contiguous daily grid of the columns; ``limits`` one limit per series
    (or one for all; NaN or inf for none); ``alpha`` 0.2 gives an 80% interval.
    ``log_scale`` marks daily volumes to fit multiplicatively and ``cumulative`` running
    totals to fit by their daily growth (each a bool, or one per series; not both for one
    series). The model and its assumptions are in the module docstring.
    Serves M-2.3, A1-I-7, A2-SWA-8, A2-PERF-SET-3, C07, C08.
    """
    y = _values(values)
    days = as_days(dates)
    n_series, n_days = y.shape
    if days.size != n_days or n_days == 0:
        raise ValueError(f"values have {n_days} days and dates {days.size}: need the same, > 0")
    if np.any(np.diff(days.astype(np.int64)) != 1):
        raise ValueError("dates must be a contiguous daily grid (use NaN for missing days)")
    if horizon_days < 1 or window_days < 2 or half_life_days <= 0 or min_obs < 3:
        raise ValueError("horizon_days >= 1, window_days >= 2, half_life_days > 0, "
                         "min_obs >= 3 required")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
    lim = per_series(limits, n_series, "limits")
    logs, cum = (np.broadcast_to(np.asarray(a, dtype=np.bool_), (n_series,)).copy()
                 for a in (log_scale, cumulative))
    if np.any(logs & cum):
        raise ValueError("a series is either log_scale (a volume) or cumulative (a total)")
    start = max(0, n_days - window_days)
    growth = np.full_like(y, np.nan)
    growth[:, 1:] = y[:, 1:] - y[:, :-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        model_y = np.where(logs[:, None], np.log(np.where(y > 0, y, np.nan)),
                           np.where(cum[:, None], growth, y))[:, start:]
    model_y[~np.isfinite(model_y)] = np.nan
    width = model_y.shape[1]
    as_of = days[-1]
    horizon = as_of + np.arange(1, horizon_days + 1)
    design = model.design(np.concatenate([days[start:], horizon]), calendar)
    fit = model.fit(design[:width], model_y, half_life_days, cum)
    fitted = np.full((n_series, n_days), np.nan)
    fitted[:, start:] = model.predict(design[:width], fit.z, fit.beta)
    last = model.last_index(np.isfinite(y))
    rows = np.arange(n_series)
    latest = np.where(last >= 0, y[rows, np.maximum(last, 0)], np.nan)
    # A running total's level on as_of: its latest reading plus the growth of the days since.
    unseen = np.arange(n_days)[None, :] > last[:, None]
    level = latest + np.where(unseen, np.nan_to_num(fitted), 0.0).sum(axis=1)
    backlog = (n_days - 1 - last).astype(np.int64)
    point, lower, upper = model.extrapolate(fit, design[width:], alpha, cum, level, backlog)
    previous = np.full_like(y, np.nan)
    previous[:, 1:] = y[:, :-1]
    fitted = np.where(cum[:, None], previous + fitted, fitted)  # one day ahead, for sparklines
    n_obs = np.isfinite(model_y).sum(axis=1).astype(np.int64)
    usable = n_obs >= min_obs
    with np.errstate(over="ignore"):
        paths = [np.where(logs[:, None], np.exp(a), a) for a in (point, lower, upper, fitted)]
    for a in paths:
        a[~usable] = np.nan
    point, lower, upper, fitted = paths
    has_step = fit.step >= 0
    return Forecast(
        as_of=as_of, horizon_dates=horizon, point=point, lower=lower, upper=upper,
        fitted=fitted, limits=lim, alpha=alpha,
        breach_day_index=first_crossing(point, lim), lo_index=first_crossing(upper, lim),
        hi_index=first_crossing(lower, lim), latest=latest,
        last_observed=np.where(last >= 0, days[np.maximum(last, 0)], np.datetime64("NaT")),
        n_obs=n_obs, usable=usable,
        step_date=np.where(has_step, days[start:][np.maximum(fit.step, 0)],
                           np.datetime64("NaT")).astype("datetime64[D]"),
        step_size=np.where(has_step & usable, fit.beta[:, model.STEP_COLUMN], np.nan),
        log_scale=logs, cumulative=cum, sigma=fit.sigma, rho=fit.rho, coef=fit.beta,
    )


def _values(values: ArrayLike) -> NDArray[np.float64]:
    y = np.array(values, dtype=np.float64)
    if y.ndim == 1:
        y = y[None, :]
    if y.ndim != 2:
        raise ValueError(f"values must be 2-D [series, day], got shape {y.shape}")
    y[~np.isfinite(y)] = np.nan
    return y


def per_series(a: ArrayLike, n: int, what: str) -> NDArray[np.float64]:
    """``a`` (a number, or one per series) as a float array of length ``n``."""
    arr = np.asarray(a, dtype=np.float64)
    if arr.ndim > 1 or (arr.ndim == 1 and arr.size != n):
        raise ValueError(f"{what} must be a number or one per series ({n}), got shape "
                         f"{arr.shape}")
    return np.broadcast_to(arr, (n,)).copy()


def _day_or_none(d: np.datetime64) -> date | None:
    if np.isnat(d):
        return None
    day: date = d.astype("datetime64[D]").item()
    return day
