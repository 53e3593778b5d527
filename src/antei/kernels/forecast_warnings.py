"""Warnings as data, and plain-language sentences, for the breach forecasts.

``check_warnings`` computes, for every series at once, the conditions a capacity reviewer
must see, and returns them per series as ``ForecastWarning(code, params)``:

=====================  ===================================================================
code                   fires when (params)
=====================  ===================================================================
insufficient_data      too few readings in the window to forecast (n_obs)
breached               the latest reading is at or above the limit (value, limit, on)
breach_before          the breach interval starts before the series' next review or
                       housekeeping date (date, breach, lo, hi, likely = the central
                       forecast is before it too) — A2-PERF-SET-3
jump                   the latest reading rose by at least the headroom left to the
                       warning level (to the limit once past it): one more such step
                       passes it at once (jump, headroom, level, on, threshold =
                       "warning" or "limit") — A2-PERF-SET-2
stale                  no reading for more than ``max_gap_days`` (last_seen, days)
resolution             the latest readings round to 0 at ``resolution`` while earlier ones
                       did not: a unit or precision fault, not an empty area (since,
                       last_nonzero, resolution) — A2-PERF-CAP-1
step                   a level shift was found and the forecast re-anchored (on, factor for
                       log-scale series, else size) — A2-PERF-CAP-5
=====================  ===================================================================

``explain`` turns a forecast and its warnings into sentences in English or Japanese, dates in
each language's style, e.g. "Log area on ATM-GW-02 reaches 100% around 14 Mar (80% interval
9–20 Mar), before the next archive on 1 Apr." / "ATM-GW-02のログ領域は3月14日ごろ100%に
達する見込みです（80%予測区間：3月9日〜20日）。次回のアーカイブ（4月1日）より前です。"

Catalog: C07, C08, M-2.3, A2-SWA-8, A2-PERF-CAP-1, A2-PERF-CAP-5, A2-PERF-SET-1..3.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Final, Literal

import numpy as np
from numpy.typing import ArrayLike

from antei.kernels.forecast import Forecast, per_series
from antei.kernels.forecast_features import as_day

Param = str | int | float | bool | date | None
WARNING_CODES: Final = ("insufficient_data", "breached", "breach_before", "jump", "stale",
                        "resolution", "step")
DEFAULT_WARN_RATIO: Final = 0.8
_MONTHS_EN: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                     "Nov", "Dec")


@dataclass(frozen=True)
class ForecastWarning:
    """One warning: a stable ``code`` (``WARNING_CODES``) and its parameters."""

    code: str
    params: Mapping[str, Param] = field(default_factory=dict)


def check_warnings(
    forecast: Forecast,
    values: ArrayLike,
    *,
    warn_levels: ArrayLike | None = None,
    review_dates: ArrayLike | None = None,
    today: date | np.datetime64 | None = None,
    max_gap_days: ArrayLike = 1,
    resolution: ArrayLike = 1.0,
) -> list[tuple[ForecastWarning, ...]]:
    """Warnings per series (codes and parameters in the module docstring), in code order.

    ``values`` are the readings the forecast was fitted on (same series and days);
    ``warn_levels`` default to 80% of the limits; ``review_dates`` hold each series' next
    review or housekeeping date (NaT for none); ``today`` defaults to the forecast's as-of
    day. Serves A2-SWA-8, A2-PERF-CAP-1, A2-PERF-SET-2, A2-PERF-SET-3, C07, C08.
    """
    y = np.asarray(values, dtype=np.float64)
    y = y[None, :] if y.ndim == 1 else y
    n_series, n_days = forecast.fitted.shape
    if y.shape != (n_series, n_days):
        raise ValueError(f"values have shape {y.shape}, the forecast {(n_series, n_days)}")
    days = forecast.as_of - np.arange(n_days - 1, -1, -1)
    limit = forecast.limits
    warn = (DEFAULT_WARN_RATIO * limit if warn_levels is None
            else per_series(warn_levels, n_series, "warn_levels"))
    obs = np.isfinite(y)
    t = np.arange(n_days)
    last = np.where(obs, t, -1).max(axis=1, initial=-1)
    before = np.where(obs & (t < last[:, None]), t, -1).max(axis=1, initial=-1)
    rows = np.arange(n_series)
    latest = np.where(last >= 0, y[rows, np.maximum(last, 0)], np.nan)
    previous = np.where(before >= 0, y[rows, np.maximum(before, 0)], np.nan)
    with np.errstate(invalid="ignore"):
        breached = latest >= limit
        jump = latest - previous
        level = np.where(latest < warn, warn, limit)
        headroom = level - latest
        jumped = (jump > 0) & (jump >= headroom) & ~breached & np.isfinite(level)
    now = forecast.as_of if today is None else as_day(today)
    gap = (now - np.where(last >= 0, days[np.maximum(last, 0)], days[0] - 1)).astype(np.int64)
    stale = gap > per_series(max_gap_days, n_series, "max_gap_days")
    res = per_series(resolution, n_series, "resolution")
    zero = obs & (np.abs(y) < res[:, None] / 2)
    nonzero = np.where(obs & ~zero, t, -1).max(axis=1, initial=-1)
    rounds_to_zero = (last >= 0) & zero[rows, np.maximum(last, 0)] & (nonzero >= 0)
    since = np.where(obs & (t > nonzero[:, None]), t, n_days).min(axis=1, initial=n_days)
    review = (np.full(n_series, np.datetime64("NaT"), dtype="datetime64[D]")
              if review_dates is None else
              np.broadcast_to(np.asarray(review_dates, dtype="datetime64[D]"), (n_series,)))
    lo_date, breach_date = forecast.lo_date, forecast.breach_date
    before_review = ~np.isnat(review) & ~np.isnat(lo_date) & (lo_date < review) & ~breached
    fired = {
        "insufficient_data": ~forecast.usable, "breached": breached,
        "breach_before": before_review, "jump": jumped, "stale": stale,
        "resolution": rounds_to_zero, "step": ~np.isnat(forecast.step_date),
    }
    out: list[list[ForecastWarning]] = [[] for _ in range(n_series)]
    for code in WARNING_CODES:
        for i in np.flatnonzero(fired[code]).tolist():
            params: dict[str, Param]
            if code == "insufficient_data":
                params = {"n_obs": int(forecast.n_obs[i])}
            elif code == "breached":
                params = {"value": float(latest[i]), "limit": float(limit[i]),
                          "on": _date(days[last[i]])}
            elif code == "breach_before":
                params = {"date": _date(review[i]), "breach": _date(breach_date[i]),
                          "lo": _date(lo_date[i]), "hi": _date(forecast.hi_date[i]),
                          "likely": bool(breach_date[i] < review[i])}
            elif code == "jump":
                params = {"jump": float(jump[i]), "headroom": float(headroom[i]),
                          "level": float(level[i]), "on": _date(days[last[i]]),
                          "threshold": "warning" if latest[i] < warn[i] else "limit"}
            elif code == "stale":
                params = {"last_seen": _date(days[last[i]]) if last[i] >= 0 else None,
                          "days": int(gap[i])}
            elif code == "resolution":
                params = {"since": _date(days[since[i]]), "last_nonzero": _date(days[nonzero[i]]),
                          "resolution": float(res[i])}
            else:
                size = float(forecast.step_size[i])
                params = ({"on": _date(forecast.step_date[i]), "factor": float(np.exp(size))}
                          if forecast.log_scale[i] else
                          {"on": _date(forecast.step_date[i]), "size": size})
            out[i].append(ForecastWarning(code, params))
    return [tuple(w) for w in out]


def explain(
    forecast: Forecast,
    i: int,
    *,
    metric: str,
    system: str,
    lang: Literal["en", "ja"] = "en",
    limit_label: str | None = None,
    event: tuple[str, date] | None = None,
    warnings: Sequence[ForecastWarning] = (),
) -> str:
    """Plain-language sentences on series ``i``: when it breaches, with its interval.

    ``metric`` and ``system`` name the series in ``lang`` ("log area" / "ログ領域");
    ``event`` is the next review or housekeeping as (name in ``lang``, date), e.g.
    ("next archive", date(2027, 4, 1)) or ("次回のアーカイブ", ...); ``warnings`` add a
    sentence each (``check_warnings(...)[i]``). Serves M-2.3, A2-PERF-SET-3, C07.
    """
    if lang not in ("en", "ja"):
        raise ValueError(f"lang must be 'en' or 'ja', got {lang!r}")
    ja = lang == "ja"
    year = _date(forecast.as_of).year
    fmt = _day_ja if ja else _day_en
    limit = limit_label or _num(float(forecast.limits[i]))
    pct = round(100 * (1 - forecast.alpha))
    breach, lo, hi = forecast.breach(i)
    end = _date(forecast.horizon_dates[-1])
    if not forecast.usable[i]:
        n = int(forecast.n_obs[i])
        main = (f"{system}の{metric}は測定値が少なく予測できません（期間内{n}件）。" if ja else
                f"{_cap(metric)} on {system}: too few readings to forecast ({n} in the window).")
    elif forecast.is_breached[i]:
        seen = _date(forecast.last_observed[i])
        value = _num(float(forecast.latest[i]))
        main = (f"{system}の{metric}はすでに{limit}以上です（{fmt(seen, year)}の測定値{value}）。"
                if ja else f"{_cap(metric)} on {system} is already at or above {limit} "
                f"(latest reading {value} on {fmt(seen, year)}).")
    elif breach is not None and lo is not None:
        span = _range(lo, hi, end, year, ja)
        main = (f"{system}の{metric}は{fmt(breach, year)}ごろ{limit}に達する見込みです"
                f"（{pct}%予測区間：{span}）。" if ja else
                f"{_cap(metric)} on {system} reaches {limit} around {fmt(breach, year)} "
                f"({pct}% interval {span})")
        main += _event(event, breach, lo, year, ja)
    elif lo is not None:
        main = (f"{system}の{metric}は{fmt(end, year)}まで{limit}未満の見込みですが、"
                f"{fmt(lo, year)}以降に達する可能性があります（{pct}%予測区間）。" if ja else
                f"{_cap(metric)} on {system} stays below {limit} through {fmt(end, year)} on "
                f"the central forecast, but may reach it from {fmt(lo, year)} "
                f"({pct}% interval)")
        main += _event(event, None, lo, year, ja)
    else:
        main = (f"{system}の{metric}は{fmt(end, year)}まで{limit}未満の見込みです"
                f"（{pct}%予測区間）。" if ja else
                f"{_cap(metric)} on {system} stays below {limit} through {fmt(end, year)} "
                f"({pct}% interval).")
    extra = [s for w in warnings if (s := _warning_sentence(w, year, ja))]
    return ("" if ja else " ").join([main, *extra])


def describe(w: ForecastWarning, *, year: int, lang: Literal["en", "ja"] = "en") -> str:
    """The sentence ``explain`` adds for warning ``w`` ("" for codes it states in its main
    sentence: insufficient_data, breached, breach_before); dates without ``year``."""
    return _warning_sentence(w, year, lang == "ja")


def _event(event: tuple[str, date] | None, breach: date | None, lo: date, year: int,
           ja: bool) -> str:
    if event is None:
        return "" if ja else "."
    name, when = event
    on = _day_ja(when, year) if ja else _day_en(when, year)
    if breach is not None and breach < when:
        return f"{name}（{on}）より前です。" if ja else f", before the {name} on {on}."
    if lo < when:
        return (f"{name}（{on}）より前になる可能性があります。" if ja else
                f", possibly before the {name} on {on}.")
    return f"{name}（{on}）より後です。" if ja else f", after the {name} on {on}."


def _warning_sentence(w: ForecastWarning, year: int, ja: bool) -> str:
    p = w.params
    fmt = _day_ja if ja else _day_en
    if w.code == "jump":
        jump, room, level = (_num(_float(p[k])) for k in ("jump", "headroom", "level"))
        limit = p.get("threshold") == "limit"
        if ja:
            what = "上限" if limit else "警告閾値"
            then = "上限を一度に超える" if limit else "警告が出ないまま閾値を超える"
            return (f"直近の測定値は前回から{jump}増え、{what}{level}までの残り{room}を"
                    f"上回りました。同じ幅の増加で{then}おそれがあります（A2-PERF-SET-2）。")
        what = "limit" if limit else "warning level"
        then = "passes the limit at once" if limit else "passes it without a warning"
        return (f"The latest reading rose by {jump}, more than the {room} left to the {what} "
                f"{level}: one more such step {then} (A2-PERF-SET-2).")
    if w.code == "stale":
        seen = p["last_seen"]
        if not isinstance(seen, date):
            return "測定値がありません。" if ja else "There are no readings."
        days = p["days"]
        return (f"{fmt(seen, year)}以降、測定値がありません（{days}日間）。予測が古い可能性が"
                f"あります。" if ja else f"No reading since {fmt(seen, year)} ({days} days): "
                f"the forecast may be out of date.")
    if w.code == "resolution" and isinstance(since := p["since"], date):
        return (f"{fmt(since, year)}以降の測定値は0に丸められています（それ以前は0ではありません"
                f"でした）。測定の単位・精度を確認してください（A2-PERF-CAP-1）。" if ja else
                f"Readings since {fmt(since, year)} round to 0 while earlier ones did not: "
                f"check the unit and precision of the measurement (A2-PERF-CAP-1).")
    if w.code == "step" and isinstance(on := p["on"], date):
        size = (f"×{_float(p['factor']):.2g}" if "factor" in p else
                f"{_float(p['size']):+,.3g}")
        return (f"{fmt(on, year)}から水準が変わりました（{size}）。新しい水準から予測しています。"
                if ja else f"The level changed on {fmt(on, year)} ({size}); the forecast "
                f"starts from the new level.")
    return ""


def _range(lo: date, hi: date | None, end: date, year: int, ja: bool) -> str:
    if hi is None:
        return (f"{_day_ja(lo, year)}〜{_day_ja(end, year)}以降" if ja else
                f"{_day_en(lo, year)} to after {_day_en(end, year)}")
    if lo == hi:
        return _day_ja(lo, year) if ja else _day_en(lo, year)
    same_month = (lo.year, lo.month) == (hi.year, hi.month)
    if ja:
        tail = f"{hi.day}日" if same_month else _day_ja(hi, lo.year)
        return f"{_day_ja(lo, year)}〜{tail}"
    if same_month:
        suffix = f" {lo.year}" if lo.year != year else ""
        return f"{lo.day}–{hi.day} {_MONTHS_EN[lo.month - 1]}{suffix}"
    return f"{_day_en(lo, year)} – {_day_en(hi, year)}"


def _day_en(d: date, year: int) -> str:
    return f"{d.day} {_MONTHS_EN[d.month - 1]}" + (f" {d.year}" if d.year != year else "")


def _day_ja(d: date, year: int) -> str:
    return (f"{d.year}年" if d.year != year else "") + f"{d.month}月{d.day}日"


def _num(x: float) -> str:
    if not np.isfinite(x):
        return str(x)
    return f"{x:,.0f}" if abs(x) >= 100 or x == round(x) else f"{x:.3g}"


def _float(p: Param) -> float:
    return float(p) if isinstance(p, int | float) else float("nan")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _date(d: np.datetime64) -> date:
    day = as_day(d).item()
    if not isinstance(day, date):
        raise ValueError(f"expected a date, got {d}")
    return day
