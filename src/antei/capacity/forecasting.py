"""Breach forecasts of registered limits: load each limit's daily peaks, run the batched
kernel (antei.kernels.forecast) over all of them at once, add the registry's own warnings,
and say it in plain words in the user's language.

Result per limit: ``breach_at`` (None when no breach is expected within the horizon),
``interval`` [lo, hi] (80%; hi None = beyond the horizon), ``days_to_breach``, ``warnings``
[{code, message, params}] and an ``explanation`` such as "Log area on ATM-GW-02 (standby)
reaches 100% around 14 Mar (80% interval 9–20 Mar), before the next housekeeping on 1 Apr."

Warnings (codes): insufficient_data, breached, breach_before (before the next review or
housekeeping, A2-PERF-SET-3), jump (A2-PERF-SET-2), stale, step (A2-PERF-CAP-5) from the
kernel; standby_mismatch (active and standby limits differ, A1-I-8) and margin (no
production-equivalent test and the value is less than X% above the expected peak, M-2.2)
and review_overdue (A2-PERF-SET-7) from the registry; batch_overrun (A1-I-7) and
resolution (A2-PERF-CAP-1) per batch job.

Catalog: C07, C08, M-2.2, M-2.3, A1-I-7, A1-I-8, A1-I-26, A2-SWA-8, A2-PERF-CAP-1, 5,
A2-PERF-SET-2, 3.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, Literal

import numpy as np
from django.utils import translation
from django.utils.translation import gettext as _

from antei.calendars import selectors as calendar_selectors
from antei.capacity import domain, selectors
from antei.capacity.models import KIND_LABELS, Limit
from antei.core import clock
from antei.core.actor import Actor
from antei.core.errors import InvalidInput
from antei.inventory import selectors as inventory_selectors
from antei.kernels import forecast as kernel
from antei.kernels import forecast_eval, forecast_warnings

HISTORY_DAYS = 730
HORIZON_DAYS = 180
ALPHA = 0.2
SPARK_DAYS = 90
PEAK_DAYS = 30  # the expected peak of the margin policy: last year's and the next 30 days'
BATCH_SAFETY_MINUTES = 30


def lang() -> Literal["en", "ja"]:
    return "en" if (translation.get_language() or "ja").startswith("en") else "ja"


def _day(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _fmt_day(d: date, year: int) -> str:
    if lang() == "ja":
        return (f"{d.year}年" if d.year != year else "") + f"{d.month}月{d.day}日"
    return f"{d.day} {d:%b}" + (f" {d.year}" if d.year != year else "")


def num(x: float) -> str:
    if not math.isfinite(x):
        return "-"
    return f"{x:,.0f}" if abs(x) >= 100 or x == round(x) else f"{x:.3g}"


def value_label(x: float, unit: str) -> str:
    if not unit:
        return num(x)
    return f"{num(x)}{unit}" if unit in ("%", "件", "桁", "本", "個", "回") else f"{num(x)} {unit}"


def where_label(limit: Limit) -> str:
    """"ATM-GW-02 (standby)" / "ATM-GW-02（待機系）", or the system code."""
    if limit.component is None:
        return limit.system.code
    env = limit.component.environment
    if env == "active":
        return limit.component.name
    name = {"standby": _("standby"), "development": _("development")}.get(env, env)
    return f"{limit.component.name}（{name}）" if lang() == "ja" else \
        f"{limit.component.name} ({name})"


def _metric(limit: Limit) -> str:
    """"log area" when the limit's name is just its kind, else "log area 'APL-LOG'"."""
    label = KIND_LABELS.get(limit.kind, limit.kind)
    kind = str(label)
    names = set()
    for code in ("en", "ja"):
        with translation.override(code):
            names.add(str(label).lower())
    if limit.name.lower() in names:
        return kind
    return f"{kind}「{limit.name}」" if lang() == "ja" else f"{kind} '{limit.name}'"


@dataclasses.dataclass
class Run:
    """One batched fit: the limits, their daily peaks and the kernel's forecast."""

    limits: list[Limit]
    values: np.ndarray
    grid: np.ndarray
    forecast: kernel.Forecast
    as_of: date


def fit(limits: Sequence[Limit], *, as_of: date | None = None,
        horizon_days: int = HORIZON_DAYS) -> Run:
    """Fit every limit in one batched kernel call (M-2.3)."""
    as_of = as_of or selectors.today()
    rows = list(limits)
    ids = [x.pk for x in rows]
    values, grid = selectors.daily_peaks(ids, as_of=as_of, days=HISTORY_DAYS)
    modes = [domain.forecast_mode(x.kind) for x in rows]
    fc = kernel.fit_forecast(
        values, grid, calendar_selectors.bank_calendar(), horizon_days=horizon_days,
        limits=[x.value for x in rows] or 0.0, alpha=ALPHA,
        log_scale=np.array([m == "log" for m in modes], dtype=bool),
        cumulative=np.array([m == "cumulative" for m in modes], dtype=bool))
    return Run(rows, values, grid, fc, as_of)


def _next_event(limit: Limit) -> tuple[str, date] | None:
    """The next review or housekeeping, whichever comes first."""
    found: list[tuple[date, str]] = []
    if limit.review_interval_days:
        base = limit.last_reviewed_on or selectors.today()
        found.append((base + timedelta(days=limit.review_interval_days), "review"))
    if limit.next_housekeeping_on:
        found.append((limit.next_housekeeping_on, "housekeeping"))
    if not found:
        return None
    when, what = min(found)
    return what, when


def _review_due(limit: Limit) -> date | None:
    if not limit.review_interval_days or limit.last_reviewed_on is None:
        return None
    return limit.last_reviewed_on + timedelta(days=limit.review_interval_days)


def _event_name(what: str) -> str:
    return _("next review") if what == "review" else _("next housekeeping")


def _warning_message(code: str, params: dict[str, Any], limit: Limit, year: int) -> str:
    p = params
    if code in ("jump", "stale", "step", "resolution"):
        sentence = forecast_warnings.describe(
            forecast_warnings.ForecastWarning(code, p), year=year, lang=lang())
        if sentence:
            return sentence
    if code == "insufficient_data":
        return _("Too few readings to forecast (%(n)s in the window).") % {"n": p["n_obs"]}
    if code == "breached":
        return _("Already at or above the limit: %(value)s on %(on)s.") % {
            "value": value_label(p["value"], limit.unit), "on": _fmt_day(p["on"], year)}
    if code == "breach_before":
        return _("The limit may be reached (from %(lo)s) before the %(event)s on %(date)s "
                 "(A2-PERF-SET-3).") % {"lo": _fmt_day(p["lo"], year),
                                        "event": _event_name(p["event"]),
                                        "date": _fmt_day(p["date"], year)}
    if code == "review_overdue":
        return _("The review was due on %(due)s and has not been done: a limit nobody "
                 "reviews is how interest digits stayed unchanged for decades "
                 "(A2-PERF-SET-7).") % {"due": p["due"].isoformat()}
    if code == "standby_mismatch":
        return _("%(peer)s (%(env)s) has a different limit for the same item: %(peer_value)s "
                 "instead of %(value)s. A takeover changes the limit (A1-I-8).") % {
            "peer": p["peer"], "env": _(p["environment"]),
            "peer_value": value_label(p["peer_value"], limit.unit),
            "value": value_label(limit.value, limit.unit)}
    if code == "margin":
        return _("Not tested at production-equivalent load, and the limit %(value)s is less "
                 "than %(margin)s%% above the expected peak %(peak)s (needs at least "
                 "%(required)s, M-2.2).") % {
            "value": value_label(limit.value, limit.unit), "margin": num(p["margin"]),
            "peak": value_label(p["peak"], limit.unit),
            "required": value_label(p["required"], limit.unit)}
    return code


def _peers() -> dict[int, list[domain.PeerLimit]]:
    rows = Limit.objects.select_related("system", "component")
    return domain.standby_mismatches([
        domain.PeerLimit(id=x.pk, system=x.system.code, kind=x.kind, name=x.name,
                         value=x.value, environment=x.component.environment
                         if x.component else "", component=x.component.name
                         if x.component else "") for x in rows])


def results(run: Run, *, spark: bool = False) -> list[dict[str, Any]]:
    """Per limit, in the order given: forecast, warnings and explanation (see module)."""
    fc, limits = run.forecast, run.limits
    if not limits:
        return []
    events = [_next_event(x) for x in limits]
    review = np.array([np.datetime64(e[1]) if e else np.datetime64("NaT") for e in events],
                      dtype="datetime64[D]")
    gap_days = [max(1, math.ceil(x.measurement_interval_seconds / 86400)) for x in limits]
    kernel_warnings = forecast_warnings.check_warnings(
        fc, run.values, warn_levels=[x.warning for x in limits], review_dates=review,
        today=np.datetime64(run.as_of), max_gap_days=gap_days, resolution=0.0)
    peers = _peers()
    year = run.as_of.year
    recent = run.values[:, -365:]
    out = []
    for i, limit in enumerate(limits):
        breach, lo, hi = fc.breach(i)
        days = int(fc.days_to_breach[i])
        if bool(fc.is_breached[i]):
            days, breach, lo = 0, run.as_of, lo or run.as_of
        warns: list[dict[str, Any]] = []
        for w in kernel_warnings[i]:
            params = dict(w.params)
            if w.code == "breach_before" and events[i]:
                params["event"] = events[i][0]  # type: ignore[index]
            warns.append({"code": w.code, "params": params})
        overdue = _review_due(limit)
        if overdue is not None and overdue < run.as_of:
            warns.append({"code": "review_overdue", "params": {"due": overdue}})
        for peer in peers.get(limit.pk, []):
            warns.append({"code": "standby_mismatch", "params": {
                "peer": peer.component, "environment": peer.environment,
                "peer_value": peer.value, "peer_id": peer.id}})
        with np.errstate(all="ignore"):
            seen = np.nanmax(recent[i]) if np.isfinite(recent[i]).any() else np.nan
            soon = fc.point[i, :PEAK_DAYS]
            ahead = np.nanmax(soon) if np.isfinite(soon).any() else np.nan
        peak = float(np.nanmax([seen, ahead])) if np.isfinite([seen, ahead]).any() \
            else float("nan")
        # Running totals (disk, log areas) are judged by their breach forecast and their
        # housekeeping; the margin policy is about peak load on volumes and levels.
        if domain.forecast_mode(limit.kind) != "cumulative" and domain.margin_violated(
                value=limit.value, expected_peak=peak, margin_percent=limit.margin_percent,
                has_production_equivalent_test=limit.has_production_equivalent_test):
            warns.append({"code": "margin", "params": {
                "peak": peak, "margin": limit.margin_percent,
                "required": peak * (1 + limit.margin_percent / 100)}})
        for found in warns:
            found["message"] = _warning_message(found["code"], found["params"], limit, year)
            found["params"] = {k: (v.isoformat() if isinstance(v, date) else v)
                               for k, v in found["params"].items()}
        event = events[i]
        explanation = forecast_warnings.explain(
            fc, i, metric=_metric(limit), system=where_label(limit), lang=lang(),
            limit_label=value_label(limit.value, limit.unit),
            event=(_event_name(event[0]), event[1]) if event else None)
        latest = float(fc.latest[i])
        row: dict[str, Any] = {
            "id": limit.pk, "system": limit.system.code, "system_name": limit.system.name,
            "component": limit.component.name if limit.component else None,
            "environment": limit.component.environment if limit.component else None,
            "kind": limit.kind, "name": limit.name, "value": limit.value, "unit": limit.unit,
            "warning": limit.warning, "critical": limit.critical,
            "latest": latest if math.isfinite(latest) else None,
            "latest_on": _day(kernel._day_or_none(fc.last_observed[i])),
            "usage_percent": round(100 * latest / limit.value, 1)
            if math.isfinite(latest) and limit.value else None,
            "breach_at": _day(breach), "interval": [_day(lo), _day(hi)],
            "days_to_breach": days if days >= 0 else None,
            "warnings": warns, "explanation": ("" if lang() == "ja" else " ").join(
                [explanation, *(x["message"] for x in warns
                                if x["code"] in ("standby_mismatch", "margin", "jump",
                                                 "review_overdue"))]),
        }
        if spark:
            row["spark"] = _spark(run, i)
        out.append(row)
    return out


def _spark(run: Run, i: int) -> dict[str, Any]:
    fc = run.forecast
    hist = run.values[i, -SPARK_DAYS:]
    ahead = min(SPARK_DAYS, fc.point.shape[1])
    return {"history": hist.tolist(), "point": fc.point[i, :ahead].tolist(),
            "lower": fc.lower[i, :ahead].tolist(), "upper": fc.upper[i, :ahead].tolist(),
            "limit": float(fc.limits[i]), "warning": run.limits[i].warning}


def sort_key(row: dict[str, Any]) -> tuple[int, int, str, str]:
    """Soonest breach first; limits without a breach by usage, highest first."""
    days = row["days_to_breach"]
    usage = row["usage_percent"] or 0.0
    return (0 if days is not None else 1, days if days is not None else -int(usage * 10),
            row["system"], row["name"])


def forecast_limits(actor: Actor, *, system: str | None = None, kind: str | None = None,
                    spark: bool = False, backtest: bool = False) -> list[dict[str, Any]]:
    """Every visible limit's forecast, soonest breach first (the limits board); with
    `backtest`, each with its own accuracy on its history (one batched backtest)."""
    limits = list(selectors.list_limits(actor, system=system, kind=kind))
    return sorted(_with_backtest(fit(limits), spark, backtest), key=sort_key)


def forecast_limit(actor: Actor, limit_id: int, *, spark: bool = False) -> dict[str, Any]:
    limit = selectors.get_limit(actor, limit_id)
    return _with_backtest(fit([limit]), spark, True)[0]


def _with_backtest(run: Run, spark: bool, backtest: bool) -> list[dict[str, Any]]:
    rows = results(run, spark=spark)
    accuracy = backtests(run) if backtest else [None] * len(rows)
    for row, found in zip(rows, accuracy, strict=True):
        row["backtest"] = found
    return rows


# --- backtest: the forecaster's own accuracy on each limit's history ------------------------

BACKTEST_EVERY_DAYS = 28  # a cutoff every four weeks …
BACKTEST_CUTOFFS = 12  # … over the last year or so
BACKTEST_MIN_HISTORY = 90  # readings before a cutoff for it to count
BACKTEST_MIN_AFTER = 14  # readings after a cutoff to know what happened
BACKTEST_MIN_POINTS = 3  # fewer scored cutoffs: too little history, no figure


def backtests(run: Run) -> list[dict[str, Any] | None]:
    """Per limit: fit on the days before each past cutoff, compare the predicted breach
    day with what happened (the kernel's `forecast_eval.backtest`, batched over every
    limit of the run), and say how far off it was (A1-I-9, M-2.3). None for a limit with
    fewer than BACKTEST_MIN_POINTS usable cutoffs."""
    n = len(run.limits)
    grid = run.grid.astype("datetime64[D]")
    last = grid[-1] + 1
    cuts = sorted(c for c in (last - BACKTEST_EVERY_DAYS * k
                              for k in range(1, BACKTEST_CUTOFFS + 1))
                  if grid[0] + BACKTEST_MIN_HISTORY <= c)
    if not n or len(cuts) < BACKTEST_MIN_POINTS:
        return [None] * n
    modes = [domain.forecast_mode(x.kind) for x in run.limits]
    bt = forecast_eval.backtest(
        run.values, grid, calendar_selectors.bank_calendar(), cutoffs=np.array(cuts),
        horizon_days=HORIZON_DAYS, limits=[x.value for x in run.limits], alpha=ALPHA,
        log_scale=np.array([m == "log" for m in modes], dtype=bool),
        cumulative=np.array([m == "cumulative" for m in modes], dtype=bool))
    seen = np.concatenate([np.zeros((n, 1), dtype=np.int64),
                           np.cumsum(np.isfinite(run.values), axis=1)], axis=1)
    at = np.searchsorted(grid, np.array(cuts))
    before = seen[:, at]
    after = seen[:, np.minimum(at + bt.horizon_days, grid.size)] - before
    usable = bt.scored & (before >= BACKTEST_MIN_HISTORY) & (after >= BACKTEST_MIN_AFTER)
    out: list[dict[str, Any] | None] = []
    for i in range(n):
        if int(usable[i].sum()) < BACKTEST_MIN_POINTS:
            out.append(None)
            continue
        score = forecast_eval.score_breaches(
            bt.predicted[i], bt.actual[i], horizon_days=bt.horizon_days, lo=bt.lo[i],
            hi=bt.hi[i], mask=usable[i])
        out.append(_backtest_row(score))
    return out


def _backtest_row(score: forecast_eval.BreachScore) -> dict[str, Any]:
    median = score.median_abs_error_days
    found: dict[str, Any] = {
        "points": score.cases, "breaches": score.breaches,
        "median_abs_error_days": round(median, 1) if math.isfinite(median) else None,
        "missed": score.missed, "false_alarms": score.false_alarms,
        "coverage": round(score.coverage, 3) if score.coverage is not None
        and math.isfinite(score.coverage) else None}
    params = {"points": score.cases, "breaches": score.breaches, "missed": score.missed,
              "false_alarms": score.false_alarms,
              "median": num(median) if math.isfinite(median) else ""}
    if score.breaches:
        text = _("On this limit's history the forecast was off by a median of %(median)s "
                 "days (%(points)s backtest points, %(breaches)s with a breach, %(missed)s "
                 "missed, %(false_alarms)s false alarms).") % params
    else:
        text = _("On this limit's history no breach happened after any of the %(points)s "
                 "backtest points; the forecast raised %(false_alarms)s false alarms.") % params
    found["explanation"] = text
    return found


# --- what-if --------------------------------------------------------------------------------


def _row(fc: kernel.Forecast, i: int) -> kernel.Forecast:
    keep = {"as_of", "horizon_dates", "alpha"}
    return dataclasses.replace(fc, **{
        f.name: getattr(fc, f.name)[i:i + 1] for f in dataclasses.fields(fc)
        if f.name not in keep})


def what_if(actor: Actor, *, factor: float, from_date: date,
            systems: Sequence[str] | None = None) -> dict[str, Any]:
    """"Volume × 2 from 1 Apr (campaign)": which limits break first, and along each chain
    of linked limits, which link is the bottleneck before and after (A2-PERF-CAP-5, M-2.2;
    raising the web tier alone moves the bottleneck to the application tier)."""
    if not isinstance(factor, int | float) or not 0 <= factor <= 100:
        raise InvalidInput.one("factor", "what_if_factor", value=factor)
    limits = list(selectors.list_limits(actor))
    if systems:
        limits = [x for x in limits if x.system.code in set(systems)]
    run = fit(limits)
    fc = run.forecast
    if limits:
        growth = forecast_eval.apply_factor(fc, factor=factor, from_date=from_date,
                                            scale="growth")
        level = forecast_eval.apply_factor(fc, factor=factor, from_date=from_date,
                                           scale="level")
        cum = fc.cumulative[:, None]
        after = kernel.with_paths(fc, np.where(cum, growth.point, level.point),
                                  np.where(cum, growth.lower, level.lower),
                                  np.where(cum, growth.upper, level.upper))
    else:
        after = fc
    rows = []
    for i, limit in enumerate(limits):
        b0 = fc.breach(i)[0]
        b1, lo, hi = after.breach(i)
        rows.append({"id": limit.pk, "system": limit.system.code, "name": limit.name,
                     "where": where_label(limit), "kind": limit.kind,
                     "breach_at_before": _day(b0), "breach_at": _day(b1),
                     "interval": [_day(lo), _day(hi)],
                     "days_to_breach": int(after.days_to_breach[i])
                     if after.days_to_breach[i] >= 0 else None})
    rows.sort(key=lambda r: (r["breach_at"] is None, r["breach_at"] or "", r["system"]))
    index = {x.pk: i for i, x in enumerate(limits)}
    chains = []
    for chain in domain.chains(selectors.links(list(index))):
        idx = [index[c] for c in chain]
        lims = [float(fc.limits[i]) for i in idx]
        ends: list[dict[str, Any] | None] = []
        for f in (fc, after):
            found = forecast_eval.chain_bottleneck(lims, [_row(f, i) for i in idx])
            link = int(found.link[0])
            if link < 0:
                ends.append(None)
                continue
            lim = limits[idx[link]]
            day = f.as_of + 1 + int(found.breach_day_index[0])
            ends.append({"id": lim.pk, "name": lim.name, "where": where_label(lim),
                         "breach_at": str(day.astype("datetime64[D]"))})
        chains.append({
            "links": [{"id": limits[i].pk, "name": limits[i].name,
                       "where": where_label(limits[i])} for i in idx],
            "bottleneck_before": ends[0], "bottleneck_after": ends[1],
            "moved": (ends[0] or {}).get("id") != (ends[1] or {}).get("id")})
    return {"factor": factor, "from": from_date.isoformat(), "as_of": run.as_of.isoformat(),
            "limits": rows, "chains": chains}


# --- batch windows (A1-I-7) and durations that round to zero (A2-PERF-CAP-1) ----------------


def batch_warnings(actor: Actor, system: str, *, as_of: date | None = None,
                   ) -> list[dict[str, Any]]:
    """Per batch job of a system: does its forecast end (upper band, next 30 days) cross
    the online start minus the safety margin? Do its measured durations round to zero?"""
    sys_row = inventory_selectors.get_system(actor, system)
    as_of = as_of or selectors.today()
    zone = clock.display_zone()
    since = datetime.combine(as_of - timedelta(days=HISTORY_DAYS - 1), datetime.min.time(),
                             zone)
    runs = selectors.batch_runs(sys_row.pk, since=since)
    jobs: dict[str, list[Any]] = {}
    for r in runs:
        jobs.setdefault(r.job, []).append(r)
    if not jobs:
        return []
    grid = np.arange(np.datetime64(as_of) - (HISTORY_DAYS - 1), np.datetime64(as_of) + 1)
    names = sorted(jobs)
    durations = np.full((len(names), HISTORY_DAYS), np.nan)
    starts: list[float] = []
    for j, name in enumerate(names):
        minutes = []
        for r in jobs[name]:
            local = r.started_at.astimezone(zone)
            col = (np.datetime64(local.date()) - grid[0]).astype(int)
            secs = round((r.ended_at - r.started_at).total_seconds())
            if 0 <= col < HISTORY_DAYS:
                durations[j, col] = np.fmax(durations[j, col], secs)
            minutes.append(local.hour * 60 + local.minute)
        starts.append(float(np.median(minutes[-30:])))
    fc = kernel.fit_forecast(durations, grid, calendar_selectors.bank_calendar(),
                             horizon_days=30, limits=np.inf, alpha=ALPHA)
    found = forecast_warnings.check_warnings(fc, durations, today=np.datetime64(as_of),
                                             max_gap_days=10_000, resolution=1.0)
    online = sys_row.online_start
    out = []
    year = as_of.year
    for j, name in enumerate(names):
        for w in found[j]:
            if w.code == "resolution":
                out.append({"job": name, "code": "resolution", "params": {
                    k: (v.isoformat() if isinstance(v, date) else v)
                    for k, v in w.params.items()},
                    "message": f"{name}: " + forecast_warnings.describe(w, year=year,
                                                                        lang=lang())})
        if online is None or not np.isfinite(fc.upper[j]).any():
            continue
        worst = float(np.nanmax(fc.upper[j])) / 60
        online_min = online.hour * 60 + online.minute
        room = (online_min - starts[j]) % 1440 - BATCH_SAFETY_MINUTES
        if domain.batch_overruns(duration_minutes=worst, room_minutes=room):
            start = f"{int(starts[j]) // 60:02d}:{int(starts[j]) % 60:02d}"
            out.append({"job": name, "code": "batch_overrun", "params": {
                "start": start, "duration_minutes": round(worst),
                "online_start": f"{online:%H:%M}", "margin_minutes": BATCH_SAFETY_MINUTES},
                "message": _("%(job)s (usually starting %(start)s) may run %(minutes)s "
                             "minutes in the next 30 days and end after %(online)s minus the "
                             "%(margin)s-minute safety margin (A1-I-7).") % {
                    "job": name, "start": start, "minutes": round(worst),
                    "online": f"{online:%H:%M}", "margin": BATCH_SAFETY_MINUTES}})
    return out
