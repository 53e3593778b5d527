"""Incident-count targets, cluster alarms and response-time metrics, with a bar chart drawn
here as plain SVG (no chart library: the page must print and work without JavaScript).

Catalog: M-2.6, A1-I-17, A1-I-18 (a total within target can hide one system failing again
and again), M-3.3 and A1-II-5 (minutes to the first report against the rank's target), C04.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from antei.core import clock
from antei.core.actor import Actor
from antei.core.errors import Conflict, InvalidInput
from antei.core.forms import INVALID, apply_errors, page
from antei.core.roles import Perm
from antei.incidents import selectors, services
from antei.incidents.domain import deadlines, states, targets
from antei.incidents.forms import PERIOD_LABELS, SCOPE_LABELS, TargetForm, pick
from antei.incidents.views import desk, rank_name, system_choices

METRIC_INCIDENTS = 30  # the most recent incidents charted and tabled
LABEL_W, PLOT_W, VALUE_W = 130, 430, 90
TOP, ROW_H, BAR_H = 24, 26, 16
TICK_STEPS = (5, 10, 15, 30, 60, 120, 240, 480, 720, 1440, 2880)


def _num(value: float) -> str:
    return f"{value:.1f}"


def _minutes(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def first_report_chart(rows: Sequence[dict[str, Any]],
                       policies: Sequence[deadlines.RankPolicy]) -> dict[str, Any]:
    """Horizontal bars: minutes from detection to the first report per incident, each with
    its rank's target as a dashed line; bars over target are drawn in the alarm colour.
    Geometry only (strings for SVG attributes); the template draws it (M-3.3, A1-II-5)."""
    target_of = {p.rank: p.first_report_minutes for p in policies}
    values = [r["to_first_report"] or 0 for r in rows] + [target_of.get(r["rank"], 0)
                                                          for r in rows]
    top = max([*values, 1]) * 1.1
    step = next((s for s in TICK_STEPS if top / s <= 5), TICK_STEPS[-1] * 2)
    scale = PLOT_W / max(top, step)
    bars = []
    for i, r in enumerate(rows):
        y = TOP + i * ROW_H
        minutes, target = r["to_first_report"], target_of.get(r["rank"])
        width = max(minutes or 0, 0) * scale
        bars.append({
            "number": r["number"], "id": r["id"], "label_y": _num(y + ROW_H / 2 + 4),
            "bar_y": _num(y + (ROW_H - BAR_H) / 2), "width": _num(width),
            "has_bar": minutes is not None,
            "is_over": minutes is not None and target is not None and minutes > target,
            "target_x": _num(LABEL_W + target * scale) if target is not None else "",
            "row_top": _num(y + 2), "row_bottom": _num(y + ROW_H - 2),
            # "not reported" is written past the target line, not across it
            "value_x": _num(LABEL_W + max(width, 0 if minutes is not None or target is None
                                          else target * scale) + 6),
            "text": (gettext("%(minutes)s min") % {"minutes": _minutes(minutes)}
                     if minutes is not None else gettext("not reported")),
        })
    bottom = TOP + len(rows) * ROW_H
    ticks = [{"x": _num(LABEL_W + m * scale), "label": str(m)}
             for m in range(0, int(max(top, step)) + 1, step)]
    return {"width": LABEL_W + PLOT_W + VALUE_W, "height": bottom + 8, "bars": bars,
            "ticks": ticks, "plot_x": LABEL_W, "bottom": bottom, "tick_y": TOP - 8}


def _visible_systems(actor: Actor) -> set[str] | None:
    """A vendor sees the alarms and system targets of its own systems only (C14)."""
    if not actor.is_vendor:
        return None
    return {code for code, _label in system_choices(actor)}


def targets_context(actor: Actor, *, form: TargetForm | None = None) -> dict[str, Any]:
    now = clock.now()
    policies = selectors.rank_policies()
    visible = _visible_systems(actor)
    statuses = [s for s in selectors.target_statuses(now=now)
                if visible is None or s.target.scope is not targets.Scope.SYSTEM
                or s.target.scope_value in visible]
    statuses.sort(key=lambda s: (not s.is_breached, not s.is_forecast_to_breach,
                                 s.target.period.value, s.target.scope.value))
    alarms = [a for a in selectors.cluster_alarms(now=now)
              if visible is None or a.system in visible]
    recent = list(
        selectors.list_incidents(actor, is_external=False)
        .exclude(status=states.Status.CANCELLED.value)
        .prefetch_related(None).order_by("-detected_at", "-id")[:METRIC_INCIDENTS])
    recent.reverse()  # oldest first: the chart reads as a trend
    metrics = selectors.response_metrics(recent)
    target_of = {p.rank: p.first_report_minutes for p in policies}
    return {
        "heading": gettext("Targets and response times"),
        "targets": [{
            "period": PERIOD_LABELS[s.target.period],
            "period_name": pick(targets.period_label(s.target.period, now)),
            "scope": SCOPE_LABELS[s.target.scope], "scope_value": s.target.scope_value or "",
            "cap": s.cap, "actual": s.actual, "remaining": s.remaining,
            "forecast": f"{s.forecast:.1f}", "is_breached": s.is_breached,
            "is_forecast_to_breach": s.is_forecast_to_breach,
        } for s in statuses],
        "alarms": [{"system": a.system, "count": a.count, "first_at": a.first_at,
                    "last_at": a.last_at} for a in alarms],
        "metrics": [m | {
            "rank_name": rank_name(m["rank"], policies),
            "target": target_of.get(m["rank"]),
            "is_over": (m["to_first_report"] is not None and m["rank"] in target_of
                        and m["to_first_report"] > target_of[m["rank"]]),
            "first_report": _minutes(m["to_first_report"]),
            "management_aware": _minutes(m["to_management_aware"]),
            "first_instruction": _minutes(m["to_first_instruction"]),
            "recovery": _minutes(m["to_recovery"]),
        } for m in metrics],
        "chart": first_report_chart(metrics, policies) if metrics else None,
        "analytics": _analytics(actor),
        "can_set": actor.can(Perm.TARGET_EDIT),
        "target_form": form or TargetForm(initial={"scope": "overall"}),
    }


def _label(labels: Any, code: str) -> str:
    return pick(labels[code]) if code in labels else gettext("unknown")


def _analytics(actor: Actor) -> dict[str, Any]:
    """Cause × phase and system × cause tables, and repeats (M-2.5, A1-I-12, C05)."""
    data = selectors.cause_analytics(actor)
    by_phase = data["cause_by_phase"]
    categories = sorted({c for c, _ in by_phase})
    phases = [p for p in (*states.INJECTION_PHASES, "unknown") if any(k[1] == p for k in by_phase)]
    return {
        "phases": [_label(states.INJECTION_PHASE_LABELS, p) for p in phases],
        "rows": [{"category": _label(states.CAUSE_CATEGORY_LABELS, c),
                  "cells": [by_phase.get((c, p), 0) for p in phases],
                  "total": sum(by_phase.get((c, p), 0) for p in phases)}
                 for c in categories],
        "by_system": [{"system": s, "category": _label(states.CAUSE_CATEGORY_LABELS, c),
                       "count": n} for (s, c), n in data["cause_by_system"].most_common(10)],
        "repeats": [r | {"category": _label(states.CAUSE_CATEGORY_LABELS, r["cause_category"])}
                    for r in (rep.__dict__ for rep in data["repeats"])],
    }


@desk(Perm.INCIDENT_VIEW)
def targets_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Actual incidents against each cap with a pace forecast, breached and forecast-to-
    breach flags, cluster alarms per system, and response-time metrics (M-2.6, A1-I-17,
    A1-I-18, M-3.3, C04)."""
    return page(request, "incidents/targets.html", targets_context(actor))


@require_POST
@desk(Perm.TARGET_EDIT)
def target_set(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Set a cap (risk management, M-2.6); it replaces the cap of the same scope."""
    form = TargetForm(request.POST)
    status = INVALID
    if form.is_valid():
        try:
            services.set_target(actor=actor, **form.values())
        except (InvalidInput, Conflict) as exc:
            apply_errors(form, exc)
            status = exc.http_status
        else:
            return redirect("incident-targets")
    return page(request, "incidents/targets.html", targets_context(actor, form=form),
                status=status)
