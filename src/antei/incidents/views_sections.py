"""What can be done on the incident page; every write goes through incidents.services.

Reports, status moves and milestones are plain POSTs: a report opens the report page, a
move or milestone returns to the incident; a refusal (409, e.g. closing without a cause
analysis) shows the incident again with the reasons, nothing written. The sections (facts,
timeline, roles, HQ, cause analysis, actions, 水平展開) post with htmx and get their
section back, 422/409 with the errors in place; the timeline, which most writes add to,
comes along out of band. Without JavaScript a success returns to the page.

Catalog: M-3.3, A1-II-1, A1-II-5, A1-II-7, A1-I-12, C01, C05.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from antei.core.actor import Actor
from antei.core.errors import Conflict, InvalidInput
from antei.core.forms import INVALID, ParseForm, apply_errors, error_messages, page, wants_partial
from antei.core.roles import Perm
from antei.incidents import selectors, services
from antei.incidents.forms import (
    ActionForm,
    AnalysisForm,
    CheckForm,
    CheckResultForm,
    FactsForm,
    HQForm,
    RoleForm,
    TimelineForm,
    TransitionForm,
)
from antei.incidents.views import desk, people_choices, system_choices
from antei.incidents.views_detail import detail_context, transitions


def _respond(request: HttpRequest, actor: Actor, incident_id: int, section: str, *,
             bound: dict[str, forms.Form] | None = None, errors: list[str] | None = None,
             status: int = 200) -> HttpResponse:
    """The section (htmx) or the whole page, after a write or a refusal."""
    incident = selectors.get_incident(actor, incident_id)
    ctx = detail_context(actor, incident, bound=bound, errors={section: errors or []})
    if wants_partial(request) and section != "status":
        ctx["section_template"] = f"incidents/_{section}.html"
        ctx["section"] = section
        return page(request, "incidents/_section_response.html", ctx, status=status)
    return page(request, "incidents/incident_detail.html", ctx, status=status)


def _done(request: HttpRequest, actor: Actor, incident_id: int, section: str) -> HttpResponse:
    if wants_partial(request) and section != "status":
        return _respond(request, actor, incident_id, section)
    return redirect(reverse("incident-detail", args=[incident_id]) + f"#{section}")


def _submit(request: HttpRequest, actor: Actor, incident_id: int, section: str,
            name: str, form: ParseForm, write: Callable[[ParseForm], object]) -> HttpResponse:
    """Parse, write through the service, answer; a refusal keeps the form and its errors."""
    status = INVALID
    if form.is_valid():
        try:
            write(form)
        except (InvalidInput, Conflict) as exc:
            apply_errors(form, exc)
            status = exc.http_status
        else:
            return _done(request, actor, incident_id, section)
    return _respond(request, actor, incident_id, section, bound={name: form}, status=status)


def _scoped(actor: Actor, incident_id: int) -> int:
    """The incident must be one this actor sees (a vendor: its own systems) before a write."""
    return selectors.get_incident(actor, incident_id).pk


# --- reports, status, milestones (the page header) ------------------------------------------


@require_POST
@desk(Perm.INCIDENT_EDIT)
def report_issue(request: HttpRequest, actor: Actor, incident_id: int) -> HttpResponse:
    """One click: the report is drafted from what is known now, unknowns marked, and shown
    ready to read or print (M-3.3, A1-II-5). Refused kinds answer 409 with the reason."""
    pk = _scoped(actor, incident_id)
    try:
        report = services.issue_report(actor=actor, incident_id=pk,
                                       kind=request.POST.get("kind", ""))
    except (InvalidInput, Conflict) as exc:
        return _respond(request, actor, pk, "status", errors=error_messages(exc),
                        status=exc.http_status)
    return redirect("incident-report", incident_id=pk, report_id=report.pk)


@require_POST
@desk(Perm.INCIDENT_EDIT)
def transition(request: HttpRequest, actor: Actor, incident_id: int) -> HttpResponse:
    """Move the status; closing is refused until the cause analysis, recurrence actions,
    水平展開 and the final report are done, and the page says which (A1-I-12, C05)."""
    incident = selectors.get_incident(actor, incident_id)
    form = TransitionForm(request.POST, allowed=transitions(incident))
    return _submit(request, actor, incident.pk, "status", "transition_form", form,
                   lambda f: services.transition(actor=actor, incident_id=incident.pk,
                                                 to=f.text("to"), reason=f.text("reason")))


@require_POST
@desk(Perm.INCIDENT_EDIT)
def milestone(request: HttpRequest, actor: Actor, incident_id: int) -> HttpResponse:
    """Management became aware / gave its first instruction, now (C01, M-3.3)."""
    pk = _scoped(actor, incident_id)
    try:
        services.record_milestone(actor=actor, incident_id=pk,
                                  milestone=request.POST.get("milestone", ""),
                                  note=request.POST.get("note", "").strip())
    except (InvalidInput, Conflict) as exc:
        return _respond(request, actor, pk, "status", errors=error_messages(exc),
                        status=exc.http_status)
    return redirect(reverse("incident-detail", args=[pk]) + "#status")


# --- sections ------------------------------------------------------------------------------


@require_POST
@desk(Perm.INCIDENT_EDIT)
def facts_update(request: HttpRequest, actor: Actor, incident_id: int) -> HttpResponse:
    """What became known; the timeline records it and the next follow-up marks it (A1-II-7)."""
    pk = _scoped(actor, incident_id)
    return _submit(request, actor, pk, "facts", "facts_form", FactsForm(request.POST),
                   lambda f: services.update_facts(actor=actor, incident_id=pk,
                                                   changes=f.changes(),  # type: ignore[attr-defined]
                                                   note=f.text("note")))


@require_POST
@desk(Perm.INCIDENT_EDIT)
def timeline_add(request: HttpRequest, actor: Actor, incident_id: int) -> HttpResponse:
    pk = _scoped(actor, incident_id)
    return _submit(request, actor, pk, "timeline", "timeline_form", TimelineForm(request.POST),
                   lambda f: services.add_timeline_entry(actor=actor, incident_id=pk,
                                                         kind=f.text("kind"),
                                                         text=f.text("entry")))


@require_POST
@desk(Perm.INCIDENT_EDIT)
def role_assign(request: HttpRequest, actor: Actor, incident_id: int) -> HttpResponse:
    """Name who holds an incident role; the page warns of gaps and concentration (A1-II-1)."""
    pk = _scoped(actor, incident_id)
    return _submit(request, actor, pk, "roles", "role_form",
                   RoleForm(request.POST, people=people_choices(actor)),
                   lambda f: services.assign_role(actor=actor, incident_id=pk,
                                                  role=f.text("role"), person=f.text("person")))


@require_POST
@desk(Perm.INCIDENT_EDIT)
def hq_set(request: HttpRequest, actor: Actor, incident_id: int) -> HttpResponse:
    pk = _scoped(actor, incident_id)
    return _submit(request, actor, pk, "hq", "hq_form",
                   HQForm(request.POST, people=people_choices(actor)),
                   lambda f: services.set_emergency_hq(
                       actor=actor, incident_id=pk, location=f.text("location"),
                       members=list(f.value("members") or [])))  # type: ignore[call-overload]


@require_POST
@desk(Perm.INCIDENT_EDIT)
def analysis_save(request: HttpRequest, actor: Actor, incident_id: int) -> HttpResponse:
    """Cause analysis: injection phase, category, direct and root cause (A1-I-12, C05)."""
    pk = _scoped(actor, incident_id)
    return _submit(request, actor, pk, "analysis", "analysis_form", AnalysisForm(request.POST),
                   lambda f: services.record_cause_analysis(
                       actor=actor, incident_id=pk, **f.values()))  # type: ignore[attr-defined]


@require_POST
@desk(Perm.INCIDENT_EDIT)
def action_add(request: HttpRequest, actor: Actor, incident_id: int) -> HttpResponse:
    """A recurrence-prevention action with an owner and a due date (A1-I-12)."""
    pk = _scoped(actor, incident_id)
    return _submit(request, actor, pk, "actions", "action_form",
                   ActionForm(request.POST, people=people_choices(actor)),
                   lambda f: services.add_recurrence_action(
                       actor=actor, incident_id=pk, title=f.text("title"),
                       owner=f.text("owner"), due_on=f.value("due_on")))  # type: ignore[arg-type]


@require_POST
@desk(Perm.INCIDENT_EDIT)
def action_done(request: HttpRequest, actor: Actor, incident_id: int,
                action_id: int) -> HttpResponse:
    """Mark a recurrence-prevention action done (A1-III-10)."""
    pk = _scoped(actor, incident_id)
    try:
        services.complete_action(actor=actor, incident_id=pk, action_id=action_id)
    except (InvalidInput, Conflict) as exc:
        return _respond(request, actor, pk, "actions", status=exc.http_status)
    return _done(request, actor, pk, "actions")


@require_POST
@desk(Perm.INCIDENT_EDIT)
def check_add(request: HttpRequest, actor: Actor, incident_id: int) -> HttpResponse:
    """水平展開: check another system for the same defect (C05)."""
    pk = _scoped(actor, incident_id)
    return _submit(request, actor, pk, "checks", "check_form",
                   CheckForm(request.POST, systems=system_choices(actor),
                             people=people_choices(actor)),
                   lambda f: services.add_horizontal_check(
                       actor=actor, incident_id=pk, system=f.text("system"),
                       scope=f.text("scope"), checker=f.optional("checker")))


@require_POST
@desk(Perm.INCIDENT_EDIT)
def check_result(request: HttpRequest, actor: Actor, incident_id: int,
                 check_id: int) -> HttpResponse:
    """Record what a 水平展開 check found (C05)."""
    incident = selectors.get_incident(actor, incident_id)
    if not any(h.pk == check_id for h in incident.horizontal_checks.all()):
        raise Http404
    form = CheckResultForm(request.POST)
    status = INVALID
    errors: list[str] = []
    if form.is_valid():
        try:
            services.record_horizontal_result(actor=actor, check_id=check_id,
                                              result=form.text("result"),
                                              notes=form.text("notes"))
        except (InvalidInput, Conflict) as exc:
            errors, status = error_messages(exc), exc.http_status
        else:
            return _done(request, actor, incident.pk, "checks")
    else:
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
    return _respond(request, actor, incident.pk, "checks", errors=errors, status=status)
