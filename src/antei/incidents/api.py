"""REST endpoints of the incident desk (C01, C04, C05)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import translation
from ninja import Router, Status

from antei.core import clock
from antei.core.api import PROBLEM_RESPONSES, Page, actor, paginate, require
from antei.core.roles import Perm
from antei.incidents import selectors, services
from antei.incidents.models import Incident, Report
from antei.incidents.schemas import (
    ActionIn,
    AnalysisIn,
    AnalyticsOut,
    ClusterAlarmOut,
    CountOut,
    DeadlinesOut,
    HorizontalCheckIn,
    HorizontalResultIn,
    HQIn,
    IncidentDetailOut,
    IncidentIn,
    IncidentOut,
    IncidentPatch,
    MilestoneIn,
    RankOut,
    RegulatorDeadlineOut,
    RepeatOut,
    ReportIn,
    ReportOut,
    RoleIn,
    RoleOut,
    TargetIn,
    TargetsStatusOut,
    TargetStatusOut,
    TimelineIn,
    TimelineOut,
    TransitionIn,
)

router = Router(tags=["incidents"])
VIEW, EDIT = require(Perm.INCIDENT_VIEW), require(Perm.INCIDENT_EDIT)
TARGET_EDIT = require(Perm.TARGET_EDIT)


def _responses(ok: int, schema: object) -> dict[int, object]:
    return {ok: schema, **PROBLEM_RESPONSES}


def _english() -> bool:
    return (translation.get_language() or "en").startswith("en")


def _summary(i: Incident) -> IncidentOut:
    due = selectors.incident_deadlines(i, now=clock.now())
    return IncidentOut(
        id=i.pk, number=i.number, title=i.title, rank=i.rank, status=i.status,
        is_external=i.is_external, systems=sorted(s.code for s in i.systems.all()),
        business_functions=sorted(b.code for b in i.business_functions.all()),
        detected_at=i.detected_at, occurred_at=i.occurred_at,
        first_report_at=i.first_report_at, management_aware_at=i.management_aware_at,
        first_instruction_at=i.first_instruction_at, mitigated_at=i.mitigated_at,
        recovered_at=i.recovered_at, closed_at=i.closed_at,
        first_report_due_at=due.first_report_due,
        deadlines=DeadlinesOut(first_report_due=due.first_report_due,
                               management_aware_due=due.management_aware_due,
                               next_follow_up_due=due.next_follow_up_due,
                               overdue=list(due.overdue)),
    )


def _report(r: Report) -> ReportOut:
    return ReportOut(id=r.pk, kind=r.kind, seq=r.seq, issued_at=r.issued_at,
                     issued_by=r.issued_by, distribution=r.distribution, lines=r.lines,
                     changed=r.changed,
                     unknown=[line["key"] for line in r.lines if line.get("is_unknown")])


def _detail(i: Incident) -> IncidentDetailOut:
    english = _english()
    try:
        a = i.analysis
        analysis = AnalysisIn(injection_phase=a.injection_phase, cause_category=a.cause_category,
                              direct_cause=a.direct_cause, root_cause=a.root_cause,
                              no_action_reason=a.no_action_reason,
                              horizontal_not_applicable=a.horizontal_not_applicable)
    except Incident.analysis.RelatedObjectDoesNotExist:
        analysis = None
    return IncidentDetailOut(
        **_summary(i).dict(),
        summary=i.summary, impact_scope=i.impact_scope, customer_impact=i.customer_impact,
        settlement_impact=i.settlement_impact, affected_count=i.affected_count,
        amount_yen=i.amount_yen, recovery_eta=i.recovery_eta,
        regulator_profile=i.regulator_profile,
        regulator_deadlines=[
            RegulatorDeadlineOut(stage=d.stage.value, due_at=d.due_at, is_rolled=d.is_rolled,
                                 waiting_for=d.waiting_for.value if d.waiting_for else None,
                                 explanation=d.explanation_en if english else d.explanation_ja)
            for d in selectors.regulator_deadlines(i)],
        roles=[RoleOut(role=r.role, person=r.person.code,
                       department=r.department.code if r.department else None)
               for r in i.roles.all()],
        role_warnings=[{"rule": w.rule, "roles": list(w.roles), "department": w.department}
                       for w in selectors.role_warnings(i)],
        timeline=[TimelineOut(at=e.at, kind=e.kind, text=e.text, author=e.author,
                              source=e.source) for e in i.timeline.all()],
        reports=[_report(r) for r in i.reports.all()],
        analysis=analysis,
        actions=[{"id": a.pk, "title": a.title, "owner": a.owner.code, "due_on": a.due_on,
                  "done_at": a.done_at} for a in i.actions.all()],
        horizontal_checks=[{"id": h.pk, "system": h.system.code, "scope": h.scope,
                            "checker": h.checker.code if h.checker else None,
                            "result": h.result, "checked_at": h.checked_at}
                           for h in i.horizontal_checks.all()],
    )


@router.get("/ranks", auth=VIEW, response=_responses(200, list[RankOut]))
def list_ranks(request: HttpRequest) -> list[RankOut]:
    english = _english()
    return [RankOut(rank=p.rank, name=p.name_en if english else p.name_ja,
                    definition=p.definition_en if english else p.definition_ja,
                    first_report_minutes=p.first_report_minutes,
                    management_aware_minutes=p.management_aware_minutes,
                    follow_up_minutes=p.follow_up_minutes,
                    regulator_reportable=p.regulator_reportable)
            for p in selectors.rank_policies()]


@router.get("/incidents", auth=VIEW, response=_responses(200, Page[IncidentOut]))
def list_incidents(request: HttpRequest, status: str | None = None, rank: int | None = None,
                   system: str | None = None, is_external: bool | None = None,
                   q: str | None = None, limit: int = 50, offset: int = 0) -> dict[str, object]:
    rows, count, limit, offset = paginate(
        selectors.list_incidents(actor(request), status=status, rank=rank, system=system,
                                 is_external=is_external, q=q).prefetch_related("reports"),
        limit=limit, offset=offset)
    return {"items": [_summary(i) for i in rows], "count": count, "limit": limit,
            "offset": offset}


@router.post("/incidents", auth=EDIT, response=_responses(201, IncidentOut))
def open_incident(request: HttpRequest, payload: IncidentIn) -> Status[object]:
    incident = services.open_incident(actor=actor(request), **payload.dict())
    return Status(201, _summary(selectors.get_incident(actor(request), incident.pk)))


@router.get("/incidents/analytics", auth=VIEW, response=_responses(200, AnalyticsOut))
def incident_analytics(request: HttpRequest) -> object:
    """Cause × phase, system × cause and repeat incidents (M-2.5, A1-I-12, C05)."""
    data = selectors.cause_analytics(actor(request))
    return AnalyticsOut(
        incidents=data["count"],
        cause_by_phase=[CountOut(key=list(k), count=v)
                        for k, v in data["cause_by_phase"].most_common()],
        cause_by_system=[CountOut(key=list(k), count=v)
                         for k, v in data["cause_by_system"].most_common()],
        repeats=[RepeatOut(**r.__dict__) for r in data["repeats"]])


@router.get("/incidents/{incident_id}", auth=VIEW, response=_responses(200, IncidentDetailOut))
def get_incident(request: HttpRequest, incident_id: int) -> object:
    return _detail(selectors.get_incident(actor(request), incident_id))


@router.patch("/incidents/{incident_id}", auth=EDIT, response=_responses(200, IncidentDetailOut))
def update_incident(request: HttpRequest, incident_id: int, payload: IncidentPatch) -> object:
    changes = payload.dict(exclude_unset=True)
    note = changes.pop("note", "")
    selectors.get_incident(actor(request), incident_id)  # scope check before writing
    services.update_facts(actor=actor(request), incident_id=incident_id, changes=changes,  # type: ignore[arg-type]
                          note=note)
    return _detail(selectors.get_incident(actor(request), incident_id))


@router.post("/incidents/{incident_id}/milestones", auth=EDIT,
             response=_responses(200, IncidentOut))
def record_milestone(request: HttpRequest, incident_id: int, payload: MilestoneIn) -> object:
    selectors.get_incident(actor(request), incident_id)
    services.record_milestone(actor=actor(request), incident_id=incident_id, **payload.dict())
    return _summary(selectors.get_incident(actor(request), incident_id))


@router.post("/incidents/{incident_id}/timeline", auth=EDIT,
             response=_responses(201, TimelineOut))
def add_timeline(request: HttpRequest, incident_id: int, payload: TimelineIn) -> Status[object]:
    selectors.get_incident(actor(request), incident_id)
    e = services.add_timeline_entry(actor=actor(request), incident_id=incident_id,
                                    **payload.dict())
    return Status(201, TimelineOut(at=e.at, kind=e.kind, text=e.text, author=e.author,
                                   source=e.source))


@router.get("/incidents/{incident_id}/reports", auth=VIEW,
            response=_responses(200, list[ReportOut]))
def list_reports(request: HttpRequest, incident_id: int) -> list[ReportOut]:
    return [_report(r) for r in selectors.get_incident(actor(request), incident_id)
            .reports.all()]


@router.post("/incidents/{incident_id}/reports", auth=EDIT, response=_responses(201, ReportOut))
def issue_report(request: HttpRequest, incident_id: int, payload: ReportIn) -> Status[object]:
    selectors.get_incident(actor(request), incident_id)
    report = services.issue_report(actor=actor(request), incident_id=incident_id,
                                   kind=payload.kind)
    return Status(201, _report(report))


@router.post("/incidents/{incident_id}/transitions", auth=EDIT,
             response=_responses(200, IncidentOut))
def transition(request: HttpRequest, incident_id: int, payload: TransitionIn) -> object:
    """Invalid moves answer 409 with the reason (e.g. closing without a root cause)."""
    selectors.get_incident(actor(request), incident_id)
    services.transition(actor=actor(request), incident_id=incident_id, **payload.dict())
    return _summary(selectors.get_incident(actor(request), incident_id))


@router.put("/incidents/{incident_id}/roles/{role}", auth=EDIT,
            response=_responses(200, RoleOut))
def assign_role(request: HttpRequest, incident_id: int, role: str, payload: RoleIn) -> object:
    selectors.get_incident(actor(request), incident_id)
    row = services.assign_role(actor=actor(request), incident_id=incident_id, role=role,
                               person=payload.person)
    return RoleOut(role=row.role, person=row.person.code,
                   department=row.department.code if row.department else None)


@router.put("/incidents/{incident_id}/hq", auth=EDIT, response=_responses(200, HQIn))
def set_hq(request: HttpRequest, incident_id: int, payload: HQIn) -> object:
    selectors.get_incident(actor(request), incident_id)
    services.set_emergency_hq(actor=actor(request), incident_id=incident_id, **payload.dict())
    return payload


@router.put("/incidents/{incident_id}/analysis", auth=EDIT, response=_responses(200, AnalysisIn))
def record_analysis(request: HttpRequest, incident_id: int, payload: AnalysisIn) -> object:
    selectors.get_incident(actor(request), incident_id)
    services.record_cause_analysis(actor=actor(request), incident_id=incident_id,
                                   **payload.dict())
    return payload


@router.post("/incidents/{incident_id}/actions", auth=EDIT, response=_responses(201, ActionIn))
def add_action(request: HttpRequest, incident_id: int, payload: ActionIn) -> Status[object]:
    selectors.get_incident(actor(request), incident_id)
    services.add_recurrence_action(actor=actor(request), incident_id=incident_id,
                                   **payload.dict())
    return Status(201, payload)


@router.post("/incidents/{incident_id}/actions/{action_id}/done", auth=EDIT,
             response=_responses(200, dict[str, object]))
def complete_action(request: HttpRequest, incident_id: int, action_id: int) -> object:
    selectors.get_incident(actor(request), incident_id)
    row = services.complete_action(actor=actor(request), incident_id=incident_id,
                                   action_id=action_id)
    return {"id": row.pk, "title": row.title, "done_at": row.done_at}


@router.post("/incidents/{incident_id}/horizontal-checks", auth=EDIT,
             response=_responses(201, HorizontalCheckIn))
def add_horizontal_check(request: HttpRequest, incident_id: int,
                         payload: HorizontalCheckIn) -> Status[object]:
    selectors.get_incident(actor(request), incident_id)
    services.add_horizontal_check(actor=actor(request), incident_id=incident_id,
                                  **payload.dict())
    return Status(201, payload)


@router.put("/horizontal-checks/{check_id}", auth=EDIT,
            response=_responses(200, HorizontalResultIn))
def record_horizontal_result(request: HttpRequest, check_id: int,
                             payload: HorizontalResultIn) -> object:
    services.record_horizontal_result(actor=actor(request), check_id=check_id, **payload.dict())
    return payload


@router.get("/targets/status", auth=VIEW, response=_responses(200, TargetsStatusOut))
def targets_status(request: HttpRequest, period: str | None = None) -> object:
    """Incident counts against caps by rank/business/system, forecast, cluster alarms
    (M-2.6, A1-I-17, A1-I-18)."""
    statuses = selectors.target_statuses(period=period)
    return TargetsStatusOut(
        targets=[TargetStatusOut(
            period=s.target.period.value, scope=s.target.scope.value,
            scope_value=s.target.scope_value, cap=s.cap, actual=s.actual,
            remaining=s.remaining, forecast=round(s.forecast, 2), is_breached=s.is_breached,
            is_forecast_to_breach=s.is_forecast_to_breach, period_start=s.period_start,
            period_end=s.period_end) for s in statuses],
        cluster_alarms=[ClusterAlarmOut(system=a.system, count=a.count,
                                        window_start=a.window_start, window_end=a.window_end)
                        for a in selectors.cluster_alarms()],
    )


@router.put("/targets", auth=TARGET_EDIT, response=_responses(200, TargetIn))
def set_target(request: HttpRequest, payload: TargetIn) -> object:
    services.set_target(actor=actor(request), **payload.dict())
    return payload
