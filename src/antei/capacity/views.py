"""Screens of the limits registry: the board sorted by days to breach with SVG sparklines,
a system's limits (with its batch-window warnings), a limit's page, the what-if form, and
create/edit/delete.

Catalog: C07, C08, M-2.2, M-2.3, A1-I-7, A2-SWA-8, A2-PERF-CAP-5, A2-PERF-SET-3.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from antei.capacity import charts, domain, forecasting, selectors, services
from antei.capacity.forms import LimitForm, WhatIfForm
from antei.capacity.models import KIND_LABELS, Limit
from antei.core import clock
from antei.core.actor import Actor
from antei.core.errors import Conflict, InvalidInput
from antei.core.forms import apply_errors, filters, guarded, page
from antei.core.roles import Perm
from antei.inventory import selectors as inventory_selectors
from antei.org import selectors as org_selectors
from antei.org.forms import Choices, coded, labelled
from antei.org.views import confirm_delete, form_page


def _systems(actor: Actor) -> Choices:
    return coded(inventory_selectors.list_systems(actor).prefetch_related(None)
                 .values_list("code", "name"))


def _with_charts(rows: list[dict[str, Any]], width: int = 220,
                 height: int = 44) -> list[dict[str, Any]]:
    for r in rows:
        r["chart"] = charts.sparkline(r.pop("spark"), width=width, height=height,
                                      label=r["name"])
        r["kind_label"] = KIND_LABELS.get(r["kind"], r["kind"])
    return rows


@guarded(Perm.CAPACITY_VIEW)
def board(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Every limit, soonest breach first, with its sparkline and warnings (M-2.3)."""
    chosen = filters(request, ["system", "kind"])
    rows = forecasting.forecast_limits(actor, system=chosen["system"] or None,
                                       kind=chosen["kind"] or None, spark=True)
    return page(request, "capacity/board.html", {
        "heading": _("Limits"), "rows": _with_charts(rows), "filters": chosen,
        "systems": _systems(actor), "kinds": labelled(domain.KINDS, KIND_LABELS),
        "can_edit": actor.can(Perm.CAPACITY_EDIT),
    }, partial="capacity/_board_rows.html")


@guarded(Perm.CAPACITY_VIEW)
def system_limits(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    """One system's limits and its batch-window warnings (A1-I-7, A2-PERF-CAP-1)."""
    system = inventory_selectors.get_system(actor, code)
    rows = forecasting.forecast_limits(actor, system=code, spark=True, backtest=True)
    with timezone.override(clock.display_zone()):
        return _system_page(request, actor, system, rows)


def _system_page(request: HttpRequest, actor: Actor, system: Any,
                 rows: list[dict[str, Any]]) -> HttpResponse:
    code = system.code
    return page(request, "capacity/system.html", {
        "system": system, "rows": _with_charts(rows),
        "batch_warnings": forecasting.batch_warnings(actor, code),
        "response_times": selectors.response_times(system.pk),
        "can_edit": actor.can(Perm.CAPACITY_EDIT),
    })


@guarded(Perm.CAPACITY_VIEW)
def limit_detail(request: HttpRequest, actor: Actor, limit_id: int) -> HttpResponse:
    limit = selectors.get_limit(actor, limit_id)
    row = _with_charts([forecasting.forecast_limit(actor, limit_id, spark=True)],
                       width=640, height=160)[0]
    edges = selectors.links()
    names = dict(Limit.objects.values_list("pk", "name"))
    with timezone.override(clock.display_zone()):
        return page(request, "capacity/limit_detail.html", {
            "limit": limit, "row": row,
            "measurements": selectors.list_measurements(actor, limit_id, limit=60),
            "upstream": [(a, names.get(a)) for a, b in edges if b == limit.pk],
            "downstream": [(b, names.get(b)) for a, b in edges if a == limit.pk],
            "can_edit": actor.can(Perm.CAPACITY_EDIT),
        })


def _form(request: HttpRequest, actor: Actor, **kw: Any) -> LimitForm:
    depts = coded(org_selectors.list_departments(actor).values_list("code", "name"))
    return LimitForm(request.POST or None, systems=_systems(actor), departments=depts, **kw)


@require_http_methods(["GET", "POST"])
@guarded(Perm.CAPACITY_EDIT)
def limit_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = _form(request, actor, initial={"system": request.GET.get("system", ""),
                                          "margin_percent": 20, "layer": "application"})
    if request.method == "POST" and form.is_valid():
        try:
            limit = services.create_limit(actor=actor, **form.values())
        except (InvalidInput, Conflict) as exc:
            apply_errors(form, exc)
        else:
            return redirect("limit-detail", limit_id=limit.pk)
    return form_page(request, form, _("New limit"), reverse("limit-board"))


@require_http_methods(["GET", "POST"])
@guarded(Perm.CAPACITY_EDIT)
def limit_edit(request: HttpRequest, actor: Actor, limit_id: int) -> HttpResponse:
    limit = selectors.get_limit(actor, limit_id)
    initial = {f: getattr(limit, f) for f in (
        "kind", "name", "layer", "value", "unit", "overflow", "warning", "critical",
        "margin_percent", "has_production_equivalent_test", "review_interval_days",
        "last_reviewed_on", "housekeeping_interval_days", "next_housekeeping_on", "promql",
        "measurement_interval_seconds")}
    initial.update(system=limit.system.code,
                   component=limit.component.name if limit.component else "",
                   owner_department=limit.owner_department.code
                   if limit.owner_department else "")
    form = _form(request, actor, initial=initial)
    form.fields["system"].disabled = True
    if request.method == "POST" and form.is_valid():
        values = form.values()
        values.pop("system")
        try:
            services.update_limit(actor=actor, limit_id=limit_id, changes=values)  # type: ignore[arg-type]
        except (InvalidInput, Conflict) as exc:
            apply_errors(form, exc)
        else:
            return redirect("limit-detail", limit_id=limit_id)
    return form_page(request, form, _("Edit limit"),
                     reverse("limit-detail", args=[limit_id]), subject=str(limit))


@require_http_methods(["GET", "POST"])
@guarded(Perm.CAPACITY_EDIT)
def limit_delete(request: HttpRequest, actor: Actor, limit_id: int) -> HttpResponse:
    limit = selectors.get_limit(actor, limit_id)
    return confirm_delete(
        request, subject=str(limit), cancel_url=reverse("limit-detail", args=[limit_id]),
        done_url=reverse("limit-board"),
        delete=lambda: services.delete_limit(actor=actor, limit_id=limit_id))


@require_http_methods(["GET", "POST"])
@guarded(Perm.CAPACITY_VIEW)
def what_if(request: HttpRequest, actor: Actor) -> HttpResponse:
    """"Volume × 2 from 1 April": which limits break first, the bottleneck of each chain
    before and after (A2-PERF-CAP-5, M-2.2). Running it needs capacity editing rights."""
    form = WhatIfForm(request.POST or None, systems=_systems(actor),
                      initial={"factor": 2.0, "from_date": selectors.today()})
    result = None
    status = 200
    if request.method == "POST" and actor.can(Perm.CAPACITY_EDIT) and form.is_valid():
        factor, start = form.value("factor"), form.value("from_date")
        if start is None:
            form.add_error("from_date", InvalidInput.one("from_date", "required").message)
        try:
            if start is not None:
                system = form.optional("system")
                result = forecasting.what_if(actor, factor=factor,  # type: ignore[arg-type]
                                             from_date=start,  # type: ignore[arg-type]
                                             systems=[system] if system else None)
        except InvalidInput as exc:
            apply_errors(form, exc)
        if form.errors:
            status = 422
    return page(request, "capacity/what_if.html", {
        "form": form, "result": result, "can_run": actor.can(Perm.CAPACITY_EDIT),
    }, status=status)
