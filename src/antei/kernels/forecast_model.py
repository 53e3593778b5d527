"""The fitting engine behind ``forecast.fit_forecast``: batched robust least squares.

Every series shares the calendar design matrix X (intercept, trend, calendar indicators) and has
one column of its own, a level-shift step. ``fit`` solves all the weighted, ridged normal
equations of a registry at once: ``w @ xx`` builds every ``XᵀW_sX`` in one matrix product
(``xx`` holds the products of each row of X with itself), the step column's few extra terms are
two more products, and ``numpy.linalg`` solves or inverts the stack. The model is described in
``antei.kernels.forecast``. Catalog: C07, M-2.3, A1-I-7, A2-PERF-CAP-5.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist
from typing import Final

import numpy as np
from numpy.typing import NDArray

from antei.kernels.bizcal import BusinessCalendar
from antei.kernels.forecast_features import FEATURE_NAMES, calendar_features

COLUMN_NAMES: Final = ("intercept", "trend", *FEATURE_NAMES[:-1], "step")
_P: Final = len(COLUMN_NAMES) - 1  # columns shared by every series; the step is its own
RIDGE: Final = 0.05  # in weight-days: an effect seen once at full weight shrinks by 5%
HUBER_K: Final = 1.345
HUBER_ROUNDS: Final = 3
RHO_MAX: Final = 0.98
STEP_LOOK_BACK: Final = 56  # days in which a level shift is looked for
STEP_MIN_AFTER: Final = 5  # readings after the shift before it can be recognised
STEP_MIN_BEFORE: Final = 28
STEP_Z: Final = 5.0  # standard errors a kept step must reach
STEP_MIN_SIGMA: Final = 1.0  # and residual scales, so a tiny step in a quiet series is ignored
TREND_Z: Final = 3.0  # a running total's acceleration is kept from this t on
_YEAR: Final = 365.0  # the trend column is in years, so all columns are O(1)
STEP_COLUMN: Final = _P
_CHUNK: Final = 2048  # series per block when the interval's quadratic forms are built


@dataclass(frozen=True, eq=False)
class ModelFit:
    """Every series' fit, in model units (log, growth or level)."""

    beta: NDArray[np.float64]  # (S, m)
    cov: NDArray[np.float64]  # (S, m, m): (XᵀWX + λ)⁻¹, unscaled
    z: NDArray[np.float64]  # (S, T): each series' own step column
    resid: NDArray[np.float64]  # (S, T), NaN where missing
    sigma: NDArray[np.float64]
    rho: NDArray[np.float64]
    step: NDArray[np.int64]  # window index of the level shift, -1 when none


def design(days: NDArray[np.datetime64], calendar: BusinessCalendar) -> NDArray[np.float64]:
    """The shared columns of ``COLUMN_NAMES`` (all but the step) for each day."""
    features = calendar_features(days, calendar)
    return np.column_stack([np.ones(days.size), features[:, -1] / _YEAR, features[:, :-1]])


def fit(x: NDArray[np.float64], y: NDArray[np.float64], half_life: float,
        steady: NDArray[np.bool_]) -> ModelFit:
    """Fit every row of ``y`` on the shared design ``x`` plus its own step column.

    ``steady`` rows (the daily growth of running totals) keep their trend, an acceleration,
    only where it is significant (|t| >= TREND_Z): extrapolated over months, a trend fitted
    to noisy daily growth is mostly noise.
    """
    n_series, n_days = y.shape
    obs = np.isfinite(y)
    y0 = np.where(obs, y, 0.0)
    base = obs * 0.5 ** ((n_days - 1 - np.arange(n_days)) / half_life)
    xx = (x[:, :, None] * x[:, None, :]).reshape(n_days, _P * _P)
    z = np.zeros((n_series, n_days))
    off = np.zeros((n_series, _P + 1), dtype=np.bool_)  # columns held at zero
    floor = 1e-9 * _row_median(np.abs(np.where(obs, y, np.nan))) + np.finfo(np.float64).tiny
    beta, cov, resid, sigma = _irls(x, xx, y0, obs, base, z, off, floor)

    def refit(rows: NDArray[np.intp]) -> tuple[NDArray[np.float64], ...]:
        return _irls(x, xx, y0[rows], obs[rows], base[rows], z[rows], off[rows], floor[rows])

    if steady.any():
        flat = steady & (np.abs(beta[:, 1]) < TREND_Z * _standard_error(cov, resid, sigma, 1))
        off[flat, 1] = True
        rows = np.flatnonzero(flat)
        beta[rows], cov[rows], resid[rows], sigma[rows] = refit(rows)
    # A level shift: refit with a step at the best split where it looks promising, and keep
    # it where significant. Significance is judged on the refitted residuals, because an
    # unmodelled step makes the residuals look strongly autocorrelated and hides itself.
    step, score = _best_split(resid)
    rows = np.flatnonzero((step >= 0) & (score >= STEP_Z / 2 * sigma))
    z[rows] = np.arange(n_days)[None, :] >= step[rows, None]
    found = refit(rows)
    size = np.abs(found[0][:, _P])
    keep = (size >= STEP_Z * _standard_error(found[1], found[2], found[3], _P)) & (
        size >= STEP_MIN_SIGMA * found[3])
    kept = rows[keep]
    beta[kept], cov[kept], resid[kept], sigma[kept] = (a[keep] for a in found)
    z[rows[~keep]] = 0.0
    step[np.setdiff1d(np.arange(n_series), kept)] = -1
    return ModelFit(beta, cov, z, resid, sigma, _lag1(resid, sigma), step)


def _standard_error(cov: NDArray[np.float64], resid: NDArray[np.float64],
                    sigma: NDArray[np.float64], column: int) -> NDArray[np.float64]:
    """A coefficient's standard error, inflated for autocorrelated residuals."""
    rho = _lag1(resid, sigma)
    se: NDArray[np.float64] = sigma * np.sqrt(
        (1 + rho) / (1 - rho) * np.maximum(cov[:, column, column], 0.0))
    return se


def _irls(x: NDArray[np.float64], xx: NDArray[np.float64], y0: NDArray[np.float64],
          obs: NDArray[np.bool_], base: NDArray[np.float64], z: NDArray[np.float64],
          off: NDArray[np.bool_], floor: NDArray[np.float64]) -> tuple[
        NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Huber-weighted least squares for every series: (beta, cov, residuals, sigma)."""
    w = base
    cov = np.empty((y0.shape[0], _P + 1, _P + 1))
    for rounds_left in range(HUBER_ROUNDS, -1, -1):  # a least-squares start, then Huber
        gram, rhs, on = _normal_equations(x, xx, z, off, w, y0)
        if rounds_left:
            beta = np.asarray(np.linalg.solve(gram, rhs[:, :, None])[:, :, 0], np.float64)
        else:  # the last round also needs (XᵀWX)⁻¹ for the intervals
            cov = np.asarray(np.linalg.inv(gram), np.float64)
            beta = (cov @ rhs[:, :, None])[:, :, 0]
            cov *= on[:, :, None] & on[:, None, :]  # a column held at zero has no variance
        resid = np.where(obs, y0 - predict(x, z, beta), np.nan)
        sigma = _robust_scale(resid, floor)
        u = np.abs(np.nan_to_num(resid / sigma[:, None]))
        w = base * np.minimum(1.0, HUBER_K / np.maximum(u, 1e-12))
    return beta, cov, resid, sigma


def _normal_equations(x: NDArray[np.float64], xx: NDArray[np.float64], z: NDArray[np.float64],
                      off: NDArray[np.bool_], w: NDArray[np.float64],
                      y0: NDArray[np.float64]) -> tuple[
        NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """Every series' weighted, ridged normal equations, and which columns are in use."""
    n_series = w.shape[0]
    gram = np.empty((n_series, _P + 1, _P + 1))
    gram[:, :_P, :_P] = (w @ xx).reshape(n_series, _P, _P)  # every XᵀW_sX in one BLAS call
    wz = w * z
    gram[:, _P, :_P] = gram[:, :_P, _P] = wz @ x
    gram[:, _P, _P] = (wz * z).sum(axis=1)
    rhs = np.column_stack([(w * y0) @ x, (wz * y0).sum(axis=1)])
    # A column held at zero (a step the series does not have, a trend it does not keep)
    # gets a unit diagonal and nothing else. The jitter keeps a series without readings
    # solvable (its forecast is then discarded).
    on = ~(off | np.column_stack([np.zeros((n_series, _P), np.bool_), ~z.any(axis=1)]))
    gram *= on[:, :, None] & on[:, None, :]
    rhs *= on
    diag = np.arange(_P + 1)
    penalty = np.zeros(_P + 1)
    penalty[2:_P] = RIDGE
    jitter = 1e-9 * (1.0 + np.abs(gram[:, diag, diag]).mean(axis=1, keepdims=True))
    gram[:, diag, diag] += penalty + jitter + ~on
    return gram, rhs, on


def predict(x: NDArray[np.float64], z: NDArray[np.float64],
             beta: NDArray[np.float64]) -> NDArray[np.float64]:
    """The model's mean on each day of ``x`` for every series (its step column ``z``)."""
    out: NDArray[np.float64] = beta[:, :_P] @ x.T + beta[:, _P:] * z
    return out


def extrapolate(fit: ModelFit, xf: NDArray[np.float64], alpha: float,
                cumulative: NDArray[np.bool_], level: NDArray[np.float64],
                backlog: NDArray[np.int64]) -> tuple[
        NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Point, lower and upper paths in model units (levels for cumulative series).

    A cumulative series' path is ``level`` plus its forecast increments, after ``backlog``
    unobserved days whose increments the forecast also adds.
    """
    n_series, n_days = fit.resid.shape
    horizon = np.arange(n_days, n_days + xf.shape[0])
    zf = np.broadcast_to((fit.step >= 0)[:, None], (n_series, xf.shape[0])).astype(np.float64)
    last = last_index(np.isfinite(fit.resid))
    anchor = np.nan_to_num(fit.resid[np.arange(n_series), np.maximum(last, 0)])
    decay = fit.rho[:, None] ** (horizon[None, :] - last[:, None])
    point = predict(xf, zf, fit.beta) + anchor[:, None] * decay
    # Parameter uncertainty xᵀ(XᵀWX)⁻¹x per series and day, a chunk of series at a time;
    # for cumulative series that of the summed increments.
    quad = np.empty_like(point)
    for lo in range(0, n_series, _CHUNK):
        hi = min(lo + _CHUNK, n_series)
        xs = np.concatenate([np.broadcast_to(xf, (hi - lo, *xf.shape)), zf[lo:hi, :, None]],
                            axis=2)
        xs[cumulative[lo:hi]] = np.cumsum(xs[cumulative[lo:hi]], axis=1)
        quad[lo:hi] = ((xs @ fit.cov[lo:hi]) * xs).sum(axis=2)
    quad = np.maximum(quad, 0.0)
    infl2 = ((1 + fit.rho) / (1 - fit.rho))[:, None]
    spread = fit.sigma[:, None] * np.sqrt(np.maximum(1 - decay**2 + infl2 * quad, 0.0))
    q_lo, q_hi = _row_quantiles(fit.resid / fit.sigma[:, None], (alpha / 2, 1 - alpha / 2))
    lower = point + np.minimum(q_lo, 0.0)[:, None] * spread
    upper = point + np.maximum(q_hi, 0.0)[:, None] * spread
    if cumulative.any():
        c = cumulative
        # Summed residuals: AR(1) variance of a sum, and the CLT for the quantiles.
        days = backlog[c, None] + np.arange(1, xf.shape[0] + 1)[None, :]
        sd = fit.sigma[c, None] * np.sqrt(infl2[c] * (days + quad[c]))
        total = level[c, None] + np.cumsum(point[c], axis=1)
        z = NormalDist().inv_cdf(1 - alpha / 2)
        point[c], lower[c], upper[c] = total, total - z * sd, total + z * sd
    return point, lower, upper


def _best_split(resid: NDArray[np.float64]) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Per series, the day of the last weeks that best splits the residual mean (-1: none),
    and its two-sample score |mean after - mean before|·sqrt(n_a·n_b/(n_a+n_b))."""
    n_series, n_days = resid.shape
    obs = np.isfinite(resid)
    tail_sum = np.cumsum(np.where(obs, resid, 0.0)[:, ::-1], axis=1)[:, ::-1]  # Σ t >= j
    tail_n = np.cumsum(obs[:, ::-1], axis=1)[:, ::-1]
    cut = np.arange(max(1, n_days - STEP_LOOK_BACK), n_days)
    if cut.size == 0:
        return np.full(n_series, -1, dtype=np.int64), np.zeros(n_series)
    a_sum, a_n = tail_sum[:, cut], tail_n[:, cut]
    b_sum, b_n = tail_sum[:, :1] - a_sum, tail_n[:, :1] - a_n
    ok = (a_n >= STEP_MIN_AFTER) & (b_n >= STEP_MIN_BEFORE)
    a_n, b_n = np.maximum(a_n, 1), np.maximum(b_n, 1)
    score = np.where(ok, np.abs(a_sum / a_n - b_sum / b_n) * np.sqrt(a_n * b_n / (a_n + b_n)),
                     -1.0)
    best = score.argmax(axis=1)
    found = ok.any(axis=1)
    return (np.where(found, cut[best], -1).astype(np.int64),
            np.where(found, score[np.arange(n_series), best], 0.0))


def _lag1(resid: NDArray[np.float64], sigma: NDArray[np.float64]) -> NDArray[np.float64]:
    z = np.clip(resid / sigma[:, None], -3.0, 3.0)  # winsorised, so one spike cannot set ρ
    a, b = z[:, 1:], z[:, :-1]
    ok = np.isfinite(a) & np.isfinite(b)
    a, b = np.where(ok, a, 0.0), np.where(ok, b, 0.0)
    den = np.sqrt((a * a).sum(axis=1) * (b * b).sum(axis=1))
    rho = np.where((ok.sum(axis=1) >= 10) & (den > 0), (a * b).sum(axis=1) / np.where(
        den > 0, den, 1.0), 0.0)
    return np.clip(rho, 0.0, RHO_MAX)


def _robust_scale(resid: NDArray[np.float64], floor: NDArray[np.float64]) -> NDArray[np.float64]:
    mad = 1.4826 * _row_median(np.abs(resid - _row_median(resid)[:, None]))
    obs = np.isfinite(resid)
    r = np.where(obs, resid, 0.0)
    peak = np.abs(r).max(axis=1, initial=0.0)
    safe = np.where(peak > 0, peak, 1.0)
    rms = peak * np.sqrt(((r / safe[:, None]) ** 2).sum(axis=1) / np.maximum(obs.sum(axis=1), 1))
    # MAD is 0 when over half the residuals are equal (a flat series); the RMS still sees
    # the rest.
    return np.maximum(np.where(mad > 0, mad, rms), floor)


def _row_median(a: NDArray[np.float64]) -> NDArray[np.float64]:
    """Median of each row's finite values (0 for a row without any)."""
    return _row_quantiles(a, (0.5, 0.5))[0]


def _row_quantiles(a: NDArray[np.float64],
                   qs: tuple[float, float]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Two quantiles (linear interpolation) of each row's finite values, 0 for empty rows.

    One sort of the whole array: ``numpy.nanquantile`` loops over rows in Python.
    """
    ordered = np.sort(np.where(np.isfinite(a), a, np.inf), axis=1)  # missing values last
    n = np.isfinite(a).sum(axis=1)
    rows = np.arange(a.shape[0])
    out = []
    for q in qs:
        pos = q * np.maximum(n - 1, 0)
        below = np.floor(pos).astype(np.intp)
        above = np.minimum(below + 1, np.maximum(n - 1, 0))
        frac = pos - below
        lo = np.where(n > 0, ordered[rows, below], 0.0)
        hi = np.where(n > 0, ordered[rows, above], 0.0)
        out.append(lo + frac * (hi - lo))
    return out[0], out[1]


def last_index(mask: NDArray[np.bool_]) -> NDArray[np.int64]:
    """Per row, the last column where ``mask`` is True, or -1."""
    idx = np.where(mask, np.arange(mask.shape[1]), -1)
    out: NDArray[np.int64] = idx.max(axis=1, initial=-1).astype(np.int64)
    return out
