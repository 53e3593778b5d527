"""Alert screens (htmx, Japanese by default): alerts (firing first, storm lines), groups
with promote, silences and maintenance windows, integrations (admins: create, key shown
once, rotate), heartbeats, and the coverage report.

Catalog: C07, A2-PERF-CAP-3, A2-OPS-MON-1, A2-PERF-SET-1, A2-RESP-4.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, time
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from antei.alerts import selectors, services
from antei.alerts.models import KINDS
from antei.core import clock
from antei.core.actor import Actor
from antei.core.auth import web_actor
from antei.core.errors import Conflict, InvalidInput
from antei.core.forms import ParseForm, error_messages, filters, guarded, page, page_of
from antei.core.roles import Perm
from antei.inventory import selectors as inventory_selectors

WEEKDAYS = [(0, _("Mon")), (1, _("Tue")), (2, _("Wed")), (3, _("Thu")), (4, _("Fri")),
            (5, _("Sat")), (6, _("Sun"))]
MATCH_OPS = [("=", "="), ("!=", "!="), ("=~", "=~"), ("!~", "!~")]


def _render(request: HttpRequest, template: str, context: dict[str, Any], *,
            status: int = 200, partial: str | None = None) -> HttpResponse:
    context["can_manage"] = web_actor(request).can(Perm.INTEGRATIONS_MANAGE)
    with timezone.override(clock.display_zone()):
        return page(request, template, context, status=status, partial=partial)


@guarded(Perm.ALERTS_VIEW)
def alert_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Firing first; count and last seen; storms as "repeated N times since HH:MM"."""
    chosen = filters(request, ["status", "system"])
    rows = selectors.list_alerts(actor, status=chosen["status"] or None,
                                 system=chosen["system"] or None)
    page_obj = page_of(request, rows)
    alerts = list(page_obj)
    storms = selectors.storm_lines([a.pk for a in alerts])
    return _render(request, "alerts/alert_list.html", {
        "tab": "alerts", "filters": chosen, "page": page_obj,
        "rows": [{"alert": a, "storm": storms.get(a.pk)} for a in alerts],
        "statuses": [("firing", _("firing")), ("resolved", _("resolved"))],
        "systems": list(inventory_selectors.list_systems(actor).values_list("code", "name")),
    }, partial="alerts/_alert_rows.html")


@guarded(Perm.ALERTS_VIEW)
def group_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    page_obj = page_of(request, selectors.list_groups(actor))
    return _render(request, "alerts/group_list.html", {
        "tab": "groups", "page": page_obj, "rows": list(page_obj),
        "can_promote": actor.can(Perm.ALERTS_EDIT) and actor.can(Perm.INCIDENT_EDIT)})


@require_POST
@guarded(Perm.ALERTS_EDIT)
def group_promote(request: HttpRequest, actor: Actor, group_id: int) -> HttpResponse:
    rank = request.POST.get("rank", "3")
    try:
        group = services.promote_group(actor=actor, group_id=group_id,
                                       rank=int(rank) if rank.isdigit() else 3,
                                       system=request.POST.get("system") or None)
    except (InvalidInput, Conflict) as exc:
        page_obj = page_of(request, selectors.list_groups(actor))
        return _render(request, "alerts/group_list.html", {
            "tab": "groups", "page": page_obj, "rows": list(page_obj), "can_promote": True,
            "errors": error_messages(exc)}, status=exc.http_status)
    return redirect("incident-detail", incident_id=group.incident_id)


class SilenceForm(ParseForm):
    matcher_label = forms.CharField(label=_("Label"))
    matcher_op = forms.ChoiceField(label=_("Match"), choices=MATCH_OPS)
    matcher_value = forms.CharField(label=_("Value"))
    starts_at = forms.DateTimeField(label=_("Starts (JST)"),
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=_("Ends (JST)"),
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    weekdays = forms.TypedMultipleChoiceField(label=_("Every week on"), choices=WEEKDAYS,
                                              coerce=int, widget=forms.CheckboxSelectMultiple)
    window_start = forms.TimeField(label=_("Window from (JST)"),
                                   widget=forms.TimeInput(attrs={"type": "time"}))
    window_end = forms.TimeField(label=_("Window until (JST)"),
                                 widget=forms.TimeInput(attrs={"type": "time"}))
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}))


def _aware(value: object) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=clock.display_zone())


def _silences_page(request: HttpRequest, actor: Actor, form: SilenceForm,
                   status: int = 200, errors: list[str] | None = None) -> HttpResponse:
    return _render(request, "alerts/silence_list.html", {
        "tab": "silences", "rows": selectors.list_silences(actor), "form": form,
        "can_edit": actor.can(Perm.ALERTS_EDIT), "errors": errors or []}, status=status)


@guarded(Perm.ALERTS_VIEW)
def silence_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    return _silences_page(request, actor, SilenceForm(initial={"matcher_op": "="}))


@require_POST
@guarded(Perm.ALERTS_EDIT)
def silence_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = SilenceForm(request.POST)
    form.is_valid()
    window_start, window_end = form.value("window_start"), form.value("window_end")
    days = form.cleaned_data.get("weekdays") or []
    try:
        services.create_silence(
            actor=actor, matchers=[{"label": form.text("matcher_label"),
                                    "op": form.text("matcher_op") or "=",
                                    "value": form.text("matcher_value")}],
            starts_at=_aware(form.value("starts_at")), ends_at=_aware(form.value("ends_at")),
            comment=form.text("comment"), weekdays=[int(d) for d in days],
            window_start=window_start if isinstance(window_start, time) else None,
            window_end=window_end if isinstance(window_end, time) else None)
    except (InvalidInput, Conflict) as exc:
        return _silences_page(request, actor, form, status=exc.http_status,
                              errors=error_messages(exc))
    return redirect("alerts-silences")


@require_POST
@guarded(Perm.ALERTS_EDIT)
def silence_expire(request: HttpRequest, actor: Actor, silence_id: int) -> HttpResponse:
    with contextlib.suppress(Conflict):  # already expired: the list shows it gone anyway
        services.expire_silence(actor=actor, silence_id=silence_id)
    return redirect("alerts-silences")


class IntegrationForm(ParseForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=[(k, k) for k in KINDS])
    name = forms.CharField(label=_("Name"))
    systems = forms.CharField(label=_("Systems (codes, comma-separated)"))
    system_label = forms.CharField(label=_("Label with the system code"))


def _integrations_page(request: HttpRequest, form: IntegrationForm, *, status: int = 200,
                       created: dict[str, Any] | None = None,
                       errors: list[str] | None = None) -> HttpResponse:
    return _render(request, "alerts/integration_list.html", {
        "tab": "integrations", "rows": list(selectors.list_integrations()), "form": form,
        "created": created, "errors": errors or []}, status=status)


@guarded(Perm.INTEGRATIONS_MANAGE)
def integration_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    return _integrations_page(request, IntegrationForm(initial={"kind": "alertmanager"}))


def _intake_path(kind: str, key: str) -> str:
    return f"/api/v1/heartbeats/{key}" if kind == "heartbeat" else f"/api/v1/intake/{kind}/{key}"


@require_POST
@guarded(Perm.INTEGRATIONS_MANAGE)
def integration_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The key is shown on this one answer and never again."""
    form = IntegrationForm(request.POST)
    form.is_valid()
    codes = [c.strip() for c in form.text("systems").split(",") if c.strip()]
    label = form.text("system_label")
    try:
        integration, key = services.create_integration(
            actor=actor, kind=form.text("kind"), name=form.text("name"), systems=codes,
            label_mapping={"system": label} if label else None)
    except (InvalidInput, Conflict) as exc:
        return _integrations_page(request, form, status=exc.http_status,
                                  errors=error_messages(exc))
    return _integrations_page(request, IntegrationForm(initial={"kind": "alertmanager"}),
                              status=201, created={
                                  "integration": integration, "key": key,
                                  "url": request.build_absolute_uri(
                                      _intake_path(integration.kind, key))})


@require_POST
@guarded(Perm.INTEGRATIONS_MANAGE)
def integration_rotate(request: HttpRequest, actor: Actor, integration_id: int) -> HttpResponse:
    integration, key = services.rotate_key(actor=actor, integration_id=integration_id)
    return _integrations_page(request, IntegrationForm(initial={"kind": "alertmanager"}),
                              created={"integration": integration, "key": key,
                                       "rotated": True, "url": request.build_absolute_uri(
                                           _intake_path(integration.kind, key))})


@guarded(Perm.ALERTS_VIEW)
def heartbeat_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    return _render(request, "alerts/heartbeat_list.html", {
        "tab": "heartbeats", "rows": list(selectors.list_heartbeats(actor))})


@guarded(Perm.ALERTS_VIEW)
def coverage(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Critical and standby components nobody watches (A2-OPS-MON-1)."""
    return _render(request, "alerts/coverage.html", {"tab": "coverage",
                                                     "rows": selectors.coverage(actor)})
