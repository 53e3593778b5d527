"""Call-out set-up screens: rosters (with next week's coverage warnings) and escalation
policies, listed and edited through htmx forms. A refused save comes back with each rule
next to its field (status 422); a saved one redirects (HX-Redirect for htmx).

Catalog: C02, A1-II-3 (nights and holidays covered), A2-RESP-1 (nobody on call without a
verified contact), M-3.3.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from antei.callout import forms, selectors, services
from antei.core import clock
from antei.core.actor import Actor
from antei.core.errors import Conflict, InvalidInput
from antei.core.forms import INVALID, apply_errors, guarded, page, wants_partial
from antei.core.roles import Perm


def _done(request: HttpRequest, url: str) -> HttpResponse:
    if wants_partial(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _form_page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    status = INVALID if request.method == "POST" else 200
    return page(request, template, context, status=status, partial="callout/_form.html")


@guarded(Perm.INCIDENT_VIEW)
def roster_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    now = clock.now()
    rows = []
    for roster in selectors.list_rosters():
        rows.append({"roster": roster, "on_call": selectors.on_call(roster, now),
                     "members": [m.person for m in roster.members.all()],
                     "coverage": selectors.roster_coverage(roster, now)})
    with timezone.override(clock.display_zone()):
        return page(request, "callout/roster_list.html", {
            "rows": rows, "labels": forms.COVERAGE_LABELS,
            "can_edit": actor.can(Perm.CALLOUT_EDIT),
            "policies": list(selectors.list_policies()),
            "first_report_gaps": selectors.first_report_gaps()})


@require_http_methods(["GET", "POST"])
@guarded(Perm.CALLOUT_EDIT)
def roster_edit(request: HttpRequest, actor: Actor, code: str | None = None) -> HttpResponse:
    initial: dict[str, object] = {}
    if code is not None:
        roster = selectors.get_roster(code)
        initial = {"code": roster.code, "name": roster.name, "members": " ".join(
            m.person.code for m in roster.members.all()), "rotation_days": roster.rotation_days,
            "starts_on": roster.starts_on, "handover_hour": roster.handover_hour,
            "coverage": roster.coverage, "night_start_hour": roster.night_start_hour}
    form = forms.RosterForm(request.POST or None, initial=initial, editing=code is not None)
    if request.method == "POST" and form.is_valid():
        try:
            if code is None:
                services.create_roster(actor=actor, code=form.text("code"),
                                       **form.service_kwargs())
            else:
                services.update_roster(actor=actor, code=code, **form.service_kwargs())
        except (InvalidInput, Conflict) as exc:
            apply_errors(form, exc)
        else:
            return _done(request, reverse("callout-rosters"))
    title = "当番表の編集 / Edit roster" if code else "当番表の作成 / New roster"
    return _form_page(request, "callout/form_page.html", {
        "form": form, "title": title, "subject": code or "",
        "cancel_url": reverse("callout-rosters")})


@require_http_methods(["GET", "POST"])
@guarded(Perm.CALLOUT_EDIT)
def policy_edit(request: HttpRequest, actor: Actor, code: str | None = None) -> HttpResponse:
    initial: dict[str, object] = {}
    if code is not None:
        policy = selectors.get_policy_by_code(code)
        initial = {"code": policy.code, "name": policy.name, "rank": policy.rank,
                   "system": policy.system.code if policy.system else "",
                   "description": policy.description}
        for i, step in enumerate(policy.steps.all()):
            initial |= {f"step_{i}_kind": step.kind, f"step_{i}_people": " ".join(step.people),
                        f"step_{i}_roster": step.roster.code if step.roster else "",
                        f"step_{i}_wait_minutes": step.wait_minutes,
                        f"step_{i}_repeats": step.repeats,
                        f"step_{i}_next_step": (step.next_step + 1
                                                if step.next_step is not None else None)}
    form = forms.PolicyForm(request.POST or None, initial=initial, editing=code is not None)
    if request.method == "POST" and form.is_valid():
        try:
            if code is None:
                services.create_policy(actor=actor, code=form.text("code"),
                                       **form.service_kwargs())
            else:
                services.update_policy(actor=actor, code=code, **form.service_kwargs())
        except (InvalidInput, Conflict) as exc:
            forms.apply_policy_errors(form, exc)
        else:
            return _done(request, reverse("callout-rosters"))
    title = "呼出し方針の編集 / Edit escalation policy" if code else \
        "呼出し方針の作成 / New escalation policy"
    return _form_page(request, "callout/form_page.html", {
        "form": form, "title": title, "subject": code or "", "steps": form.step_rows(),
        "cancel_url": reverse("callout-rosters")})
