"""The incident page: header, clocks, what may be done next, and every section.

One context builder (`detail_context`) feeds the whole page and each htmx section, from one
prefetched incident, as plain dicts: templates never touch lazy ORM relations.
Edit forms are built only for roles that may edit (deny by default).

Catalog: M-3.3, A1-II-1, A1-II-5, A1-II-7, A1-I-12, C01, C05.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from antei.core import clock
from antei.core.actor import Actor
from antei.core.forms import page
from antei.core.roles import Perm
from antei.incidents import selectors
from antei.incidents.domain import deadlines, reports, roles, states
from antei.incidents.forms import (
    HORIZONTAL_RESULT_LABELS,
    MILESTONE_LABELS,
    TIMELINE_KIND_LABELS,
    ActionForm,
    AnalysisForm,
    CheckForm,
    Choices,
    FactsForm,
    HQForm,
    RoleForm,
    TimelineForm,
    TransitionForm,
    is_japanese,
    pick,
    report_kind_label,
    status_label,
)
from antei.incidents.models import Incident
from antei.incidents.views import (
    DEADLINE_LABELS,
    desk,
    is_watched,
    people_choices,
    rank_name,
    system_choices,
)

STAGE_LABELS = {
    deadlines.Stage.INITIAL: _("initial report"),
    deadlines.Stage.INTERMEDIATE: _("intermediate report"),
    deadlines.Stage.FINAL: _("final report"),
}
INTERNAL_KINDS = (reports.ReportKind.FIRST, reports.ReportKind.FOLLOW_UP,
                  reports.ReportKind.FINAL)
REGULATOR_KINDS = (reports.ReportKind.REGULATOR_INITIAL,
                   reports.ReportKind.REGULATOR_INTERMEDIATE,
                   reports.ReportKind.REGULATOR_FINAL)
# The section ids of the page; each is also an htmx swap target.
SECTIONS = ("status", "facts", "timeline", "roles", "hq", "analysis", "actions", "checks")


def span(delta: timedelta) -> str:
    """A duration as management reads it: '25 min', '3 h 05 min', '2 d 4 h'."""
    minutes = int(abs(delta).total_seconds() // 60)
    if minutes < 60:
        return gettext("%(minutes)s min") % {"minutes": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return gettext("%(hours)s h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
    days, hours = divmod(hours, 24)
    return gettext("%(days)s d %(hours)s h") % {"days": days, "hours": hours}


def _clock(key: str, due: datetime | None, done: datetime | None, *, overdue: bool,
           now: datetime) -> dict[str, Any]:
    left = None
    if due is not None and done is None:
        left = span(due - now)
    return {"key": key, "label": DEADLINE_LABELS[key], "due": due, "done": done,
            "is_overdue": overdue, "left": left}


def clocks(incident: Incident, policies: tuple[deadlines.RankPolicy, ...],
           now: datetime) -> list[dict[str, Any]]:
    """第1報, management aware and the next follow-up, overdue ones flagged (M-3.3)."""
    if incident.is_external:
        return []
    due = selectors.incident_deadlines(incident, now=now, policies=policies)
    overdue = set(due.overdue) if is_watched(incident) else set()
    return [
        _clock("first_report", due.first_report_due, incident.first_report_at,
               overdue="first_report" in overdue, now=now),
        _clock("management_aware", due.management_aware_due, incident.management_aware_at,
               overdue="management_aware" in overdue, now=now),
        _clock("follow_up", due.next_follow_up_due, None,
               overdue="follow_up" in overdue, now=now),
    ]


def regulator_clocks(incident: Incident, now: datetime) -> list[dict[str, Any]]:
    """The regulator stages on the bank calendar, with why each falls when it does."""
    issued = {r.kind for r in incident.reports.all()}
    out = []
    for d in selectors.regulator_deadlines(incident):
        done = f"regulator_{d.stage.value}" in issued
        out.append({
            "stage": d.stage.value, "label": STAGE_LABELS[d.stage], "due": d.due_at,
            "is_rolled": d.is_rolled, "is_waiting": d.waiting_for is not None,
            "explanation": d.explanation_ja if is_japanese() else d.explanation_en,
            "is_done": done,
            "is_overdue": (d.due_at is not None and d.due_at < now and not done
                           and is_watched(incident)),
        })
    return out


def report_kinds(incident: Incident, *, regulated: bool) -> list[tuple[str, str]]:
    """The reports that may be issued now (reports.check_report), in the order used."""
    issued = list(incident.reports.all())
    kinds = INTERNAL_KINDS + (REGULATOR_KINDS if regulated else ())
    return [(k.value, report_kind_label(k.value)) for k in kinds if not reports.check_report(
        k, status=states.Status(incident.status),
        has_first_report=any(r.kind == reports.ReportKind.FIRST for r in issued),
        has_regulator_initial=any(r.kind == reports.ReportKind.REGULATOR_INITIAL
                                  for r in issued))]


def transitions(incident: Incident) -> Choices:
    allowed = states.allowed_targets(states.Status(incident.status))
    return [(s.value, status_label(s.value)) for s in states.Status if s in allowed]


def role_rows(incident: Incident) -> list[dict[str, Any]]:
    held = {r.role: r for r in incident.roles.all()}
    return [{"role": role, "label": pick(roles.ROLE_LABELS[role]),
             "person": held[role].person if role in held else None,
             "department": held[role].department if role in held else None}
            for role in roles.ROLES]


def role_warning_messages(incident: Incident) -> list[str]:
    """Unassigned roles and one department carrying everything (A1-II-1, M-3.2 (4))."""
    names = {r.department.code: r.department.name for r in incident.roles.all()
             if r.department}
    # The selector names a vendor's engineers' side "vendor:<code>" (no department).
    names |= {f"vendor:{r.person.vendor.code}": r.person.vendor.name
              for r in incident.roles.all() if r.person.vendor_id and r.person.vendor}
    found = selectors.role_warnings(incident)
    out = []
    unassigned = [pick(roles.ROLE_LABELS[w.roles[0]]) for w in found
                  if w.rule == "role_unassigned"]
    if unassigned:
        out.append(gettext("Nobody holds: %(roles)s.") % {"roles": "、".join(unassigned)
                                                         if is_japanese()
                                                         else ", ".join(unassigned)})
    for w in found:
        dept = names.get(w.department or "", w.department or "")
        if w.rule == "role_concentration":
            out.append(gettext(
                "Every assigned role sits in one department (%(department)s): split recovery "
                "from management and authority liaison (A1-II-1).") % {"department": dept})
        elif w.rule == "system_department_overload":
            out.append(gettext(
                "The system department %(department)s holds %(count)s roles while it must "
                "also find the cause and recover (M-3.2).") % {"department": dept,
                                                               "count": len(w.roles)})
    return out


def close_gate(incident: Incident) -> list[dict[str, Any]]:
    """What closing will ask for, ticked off as it is done (A1-I-12, C05)."""
    facts = selectors.transition_facts(incident)
    return [
        {"label": _("Cause analysis complete"), "ok": facts.has_root_cause_analysis},
        {"label": _("Recurrence prevention decided"),
         "ok": facts.open_recurrence_actions_decided},
        {"label": _("Horizontal checks (水平展開) decided"), "ok": facts.horizontal_check_decided},
        {"label": _("Final report issued"), "ok": facts.has_final_report},
    ]


def _analysis(incident: Incident) -> dict[str, str] | None:
    try:
        a = incident.analysis
    except Incident.analysis.RelatedObjectDoesNotExist:
        return None
    return {
        "injection_phase": a.injection_phase, "cause_category": a.cause_category,
        "injection_phase_label": (pick(states.INJECTION_PHASE_LABELS[a.injection_phase])
                                  if a.injection_phase in states.INJECTION_PHASE_LABELS
                                  else a.injection_phase),
        "cause_category_label": (pick(states.CAUSE_CATEGORY_LABELS[a.cause_category])
                                 if a.cause_category in states.CAUSE_CATEGORY_LABELS
                                 else a.cause_category),
        "direct_cause": a.direct_cause, "root_cause": a.root_cause,
        "no_action_reason": a.no_action_reason,
        "horizontal_not_applicable": a.horizontal_not_applicable,
    }


def _hq(incident: Incident) -> dict[str, Any] | None:
    try:
        hq = incident.hq
    except Incident.hq.RelatedObjectDoesNotExist:
        return None
    return {"location": hq.location, "established_at": hq.established_at,
            "members": [(p.code, p.name) for p in hq.members.all()]}


def _forms(actor: Actor, incident: Incident, analysis: dict[str, str] | None,
           hq: dict[str, Any] | None) -> dict[str, forms.Form]:
    people = people_choices(actor)
    return {
        "facts_form": FactsForm(initial={n: getattr(incident, n) for n in FactsForm.FIELDS}),
        "transition_form": TransitionForm(allowed=transitions(incident)),
        "timeline_form": TimelineForm(),
        "role_form": RoleForm(people=people),
        "hq_form": HQForm(people=people, initial={
            "location": hq["location"], "members": [c for c, _n in hq["members"]]} if hq
            else None),
        "analysis_form": AnalysisForm(initial=analysis),
        "action_form": ActionForm(people=people),
        "check_form": CheckForm(systems=system_choices(actor), people=people),
    }


def detail_context(actor: Actor, incident: Incident, *, bound: dict[str, forms.Form] | None = None,
                   errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """Everything the incident page shows. `bound` replaces a blank form with the one just
    refused (its errors in place); `errors` are messages per section."""
    now = clock.now()
    policies = selectors.rank_policies()
    ja = is_japanese()
    try:
        policy: deadlines.RankPolicy | None = deadlines.policy_for(incident.rank, policies)
    except ValueError:
        policy = None
    regulator = regulator_clocks(incident, now)
    analysis = _analysis(incident)
    hq = _hq(incident)
    can_edit = actor.can(Perm.INCIDENT_EDIT)
    ctx: dict[str, Any] = {
        "incident": {
            "id": incident.pk, "number": incident.number, "title": incident.title,
            "rank": incident.rank, "rank_name": rank_name(incident.rank, policies),
            "rank_definition": (policy.definition_ja if ja else policy.definition_en)
            if policy else "",
            "status": incident.status, "status_label": status_label(incident.status),
            "is_external": incident.is_external,
            "external_institution": incident.external_institution,
            "systems": sorted((s.code, s.name) for s in incident.systems.all()),
            "business_functions": sorted((b.code, b.name)
                                         for b in incident.business_functions.all()),
            "summary": incident.summary, "impact_scope": incident.impact_scope,
            "customer_impact": incident.customer_impact,
            "settlement_impact": incident.settlement_impact,
            "affected_count": (f"{incident.affected_count:,}"
                               if incident.affected_count is not None else None),
            "amount_yen": (pick((reports.format_yen_ja(incident.amount_yen),
                                 reports.format_yen_en(incident.amount_yen)))
                           if incident.amount_yen is not None else None),
            "recovery_eta": incident.recovery_eta, "occurred_at": incident.occurred_at,
            "detected_at": incident.detected_at, "classified_at": incident.classified_at,
            "first_report_at": incident.first_report_at,
            "management_aware_at": incident.management_aware_at,
            "first_instruction_at": incident.first_instruction_at,
            "mitigated_at": incident.mitigated_at, "recovered_at": incident.recovered_at,
            "closed_at": incident.closed_at, "opened_by": incident.opened_by,
            "regulator_profile": (pick((p.name_ja, p.name_en))
                                  if (p := deadlines.PROFILES.get(incident.regulator_profile))
                                  else ""),
        },
        "clocks": clocks(incident, policies, now),
        "regulator": regulator,
        "reports": [{"id": r.pk, "label": report_kind_label(r.kind), "seq": r.seq,
                     "issued_at": r.issued_at, "issued_by": r.issued_by}
                    for r in incident.reports.all()],
        "timeline": [{"at": e.at, "kind": e.kind,
                      "kind_label": TIMELINE_KIND_LABELS.get(e.kind, e.kind), "text": e.text,
                      "author": e.author} for e in reversed(list(incident.timeline.all()))],
        "roles": role_rows(incident),
        "role_warnings": role_warning_messages(incident),
        "hq": hq,
        "analysis": analysis,
        "close_gate": close_gate(incident),
        "actions": [{"id": a.pk, "title": a.title, "owner": a.owner, "due_on": a.due_on,
                     "done_at": a.done_at} for a in incident.actions.all()],
        "checks": [{"id": h.pk, "system": h.system, "scope": h.scope, "checker": h.checker,
                    "result": h.result,
                    "result_label": HORIZONTAL_RESULT_LABELS.get(h.result, h.result),
                    "checked_at": h.checked_at, "notes": h.notes}
                   for h in incident.horizontal_checks.all()],
        "result_choices": list(HORIZONTAL_RESULT_LABELS.items()),
        "can_edit": can_edit,
        "errors": {s: [] for s in SECTIONS} | (errors or {}),
    }
    if can_edit:
        ctx |= {
            "report_kinds": report_kinds(incident, regulated=bool(regulator)),
            "milestones": [(k, v) for k, v in MILESTONE_LABELS.items()
                           if getattr(incident, f"{k}_at") is None],
            **_forms(actor, incident, analysis, hq),
        }
        ctx |= bound or {}
    return ctx


@desk(Perm.INCIDENT_VIEW)
def incident_detail(request: HttpRequest, actor: Actor, incident_id: int) -> HttpResponse:
    """The incident page: number, title, rank, status, the deadline clocks with overdue
    highlighted, regulator stages with explanations, the reports and status moves allowed
    now, facts, timeline, roles and their warnings, the emergency HQ, cause analysis,
    recurrence actions and 水平展開 (M-3.3, A1-II-1, A1-II-5, A1-II-7, A1-I-12, C01, C05)."""
    incident = selectors.get_incident(actor, incident_id)
    return page(request, "incidents/incident_detail.html", detail_context(actor, incident))
