"""Reads for the incident desk: lists scoped to the actor, and the computed views (deadlines,
regulator clocks, role warnings, targets, clusters, metrics) from the pure domain rules.

Catalog: C01, C04, C05, M-2.6, M-3.3, A1-II-1, A1-I-17, A1-I-18.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, replace
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Prefetch, QuerySet

from antei.calendars import selectors as calendar_selectors
from antei.core import clock
from antei.core.actor import Actor
from antei.core.audit import to_json_value
from antei.core.errors import NotFound
from antei.incidents.domain import analytics, deadlines, reports, roles, states, targets
from antei.incidents.models import (
    Incident,
    RankPolicy,
    Report,
    RoleAssignment,
    Target,
    TimelineEntry,
)


def rank_policies() -> tuple[deadlines.RankPolicy, ...]:
    """The configured ranks; the shipped defaults until an institution sets its own."""
    rows = list(RankPolicy.objects.order_by("rank"))
    if not rows:
        return deadlines.DEFAULT_RANKS
    return tuple(
        deadlines.RankPolicy(
            rank=r.rank, name_ja=r.name, name_en=r.name_en or r.name, definition_ja=r.definition,
            definition_en=r.definition_en or r.definition,
            first_report_minutes=r.first_report_minutes,
            management_aware_minutes=r.management_aware_minutes,
            follow_up_minutes=r.follow_up_minutes, regulator_reportable=r.regulator_reportable)
        for r in rows
    )


def list_incidents(actor: Actor, *, status: str | None = None, rank: int | None = None,
                   system: str | None = None, is_external: bool | None = None,
                   q: str | None = None) -> QuerySet[Incident]:
    qs = Incident.objects.prefetch_related("systems", "business_functions")
    if actor.is_vendor:
        # A vendor sees the incidents on the systems it builds, runs or maintains (C14).
        qs = qs.filter(systems__vendor_roles__vendor_id=actor.vendor_scope).distinct()
    if status:
        qs = qs.filter(status__in=status.split(","))
    if rank is not None:
        qs = qs.filter(rank=rank)
    if system:
        qs = qs.filter(systems__code=system).distinct()
    if is_external is not None:
        qs = qs.filter(is_external=is_external)
    if q:
        qs = qs.filter(title__icontains=q)
    return qs


def get_incident(actor: Actor, incident_id: int) -> Incident:
    found = (
        list_incidents(actor)
        .prefetch_related(
            Prefetch("timeline", queryset=TimelineEntry.objects.order_by("at", "id")),
            Prefetch("reports", queryset=Report.objects.order_by("issued_at", "id")),
            Prefetch("roles", queryset=RoleAssignment.objects.select_related(
                "person", "person__vendor", "department")),
            "actions__owner", "horizontal_checks__system", "horizontal_checks__checker",
        )
        .select_related("analysis", "hq")
        .filter(pk=incident_id)
        .first()
    )
    if found is None:
        raise NotFound("incident", incident_id)
    return found


def transition_facts(incident: Incident, *, reason: str = "") -> states.TransitionFacts:
    """What the close gate needs, read from the incident's records."""
    try:
        cause = incident.analysis
    except Incident.analysis.RelatedObjectDoesNotExist:
        cause = None
    domain_cause = states.CauseAnalysis(
        injection_phase=cause.injection_phase or None if cause else None,
        cause_category=cause.cause_category or None if cause else None,
        direct_cause=cause.direct_cause if cause else None,
        root_cause=cause.root_cause if cause else None,
    )
    return states.TransitionFacts(
        has_root_cause_analysis=domain_cause.is_complete,
        open_recurrence_actions_decided=states.is_recurrence_decided(
            action_count=incident.actions.count(),
            no_action_reason=cause.no_action_reason if cause else ""),
        horizontal_check_decided=states.is_horizontal_check_decided(
            task_count=incident.horizontal_checks.count(),
            not_applicable_reason=cause.horizontal_not_applicable if cause else ""),
        has_final_report=incident.reports.filter(kind=reports.ReportKind.FINAL.value).exists(),
        reason=reason,
    )


def facts_for(incident: Incident, *, now: datetime) -> reports.Facts:
    """What is known now, as the report drafting rules see it (blank = unknown).

    The next report is due one follow-up interval after the report drafted at `now`: the
    report being sent restarts the clock, so a 第1報 already names its 続報 time (M-3.3).
    """
    cause = None
    try:
        analysis = incident.analysis
        cause = analysis.direct_cause or analysis.root_cause or None
    except Incident.analysis.RelatedObjectDoesNotExist:
        pass
    due = deadlines.incident_deadlines(
        detected_at=incident.detected_at,
        policy=deadlines.policy_for(incident.rank, rank_policies()),
        first_report_at=incident.first_report_at or now, last_report_at=now,
        recovered_at=incident.recovered_at, now=now)
    return reports.Facts(
        title=incident.title, rank=incident.rank,
        systems=tuple(sorted(f"{s.code} {s.name}" for s in incident.systems.all())),
        business_functions=tuple(sorted(b.name for b in incident.business_functions.all())),
        occurred_at=incident.occurred_at, detected_at=incident.detected_at,
        impact_scope=incident.impact_scope or None,
        customer_impact=incident.customer_impact or None,
        settlement_impact=incident.settlement_impact or None, cause=cause,
        current_status=states.Status(incident.status),
        actions_taken=_actions_taken(incident), recovery_eta=incident.recovery_eta,
        affected_count=incident.affected_count, amount_yen=incident.amount_yen,
        next_report_at=due.next_follow_up_due,
    )


def _actions_taken(incident: Incident) -> str | None:
    done = [e.text for e in incident.timeline.all() if e.kind in ("action", "decision")]
    return " / ".join(done[-5:]) or None


def facts_json(facts: reports.Facts) -> dict[str, Any]:
    data = to_json_value(asdict(facts))
    assert isinstance(data, dict)  # noqa: S101 - asdict always gives a dict
    return data


def _facts_from_json(data: dict[str, Any]) -> reports.Facts:
    values = dict(data)
    for key in ("occurred_at", "detected_at", "recovery_eta", "next_report_at"):
        if values.get(key):
            values[key] = datetime.fromisoformat(values[key])
    values["systems"] = tuple(values.get("systems") or ())
    values["business_functions"] = tuple(values.get("business_functions") or ())
    return reports.Facts(**values)


def previous_facts(issued: Sequence[Report], kind: reports.ReportKind) -> reports.Facts | None:
    """The facts of the last report in the same line (internal or regulator) for 続報 diffs."""
    if kind in (reports.ReportKind.FIRST, reports.ReportKind.REGULATOR_INITIAL):
        return None
    regulator = kind.value.startswith("regulator")
    same_line = [r for r in issued if r.kind.startswith("regulator") == regulator]
    return _facts_from_json(same_line[-1].facts) if same_line else None


def incident_deadlines(
    incident: Incident, *, now: datetime,
    policies: Sequence[deadlines.RankPolicy] | None = None,
) -> deadlines.IncidentDeadlines:
    """The management clocks of one incident (M-3.3). A list passes `policies` read once:
    rank_policies() is a query, and a page of 50 rows must not make 50 of them."""
    policy = deadlines.policy_for(incident.rank,
                                  rank_policies() if policies is None else policies)
    last_report = max((r.issued_at for r in incident.reports.all()), default=None)
    due = deadlines.incident_deadlines(
        detected_at=incident.detected_at, policy=policy,
        first_report_at=incident.first_report_at, last_report_at=last_report,
        management_aware_at=incident.management_aware_at,
        recovered_at=incident.recovered_at, now=now)
    if incident.is_external or incident.status == states.Status.CANCELLED.value:
        # Another institution's failure (A1-I-13) or a false alarm starts none of our
        # clocks: nothing is overdue and no follow-up is due.
        return replace(due, next_follow_up_due=None, overdue=())
    return due


def regulator_deadlines(incident: Incident) -> list[deadlines.StageDeadline]:
    """Regulator report clocks on the bank calendar, when the rank is reportable."""
    policy = deadlines.policy_for(incident.rank, rank_policies())
    profile = deadlines.PROFILES.get(incident.regulator_profile or "")
    if profile is None or not policy.regulator_reportable or incident.is_external:
        return []
    issued = sorted(incident.reports.all(), key=lambda r: r.issued_at)
    initial = next((r.issued_at for r in issued if r.kind == "regulator_initial"), None)
    last_intermediate = max((r.issued_at for r in issued if r.kind == "regulator_intermediate"),
                            default=None)
    return deadlines.regulator_deadlines(
        profile, calendar_selectors.bank_calendar(), detected_at=incident.detected_at,
        classified_at=incident.classified_at, initial_submitted_at=initial,
        last_intermediate_at=last_intermediate, recovered_at=incident.recovered_at)


def role_warnings(incident: Incident) -> list[roles.RoleWarning]:
    # A vendor's engineer has no department but does hold the role (for the vendor).
    assignments = {r.role: (r.department.code if r.department else
                            f"vendor:{r.person.vendor.code}" if r.person.vendor else None)
                   for r in incident.roles.all()}
    system_departments = {r.department.code for r in incident.roles.all()
                          if r.department and r.department.kind == "system"}
    return roles.role_warnings(assignments, system_departments=system_departments)


def _points(since: datetime | None = None) -> list[targets.IncidentPoint]:
    qs = (Incident.objects.exclude(status=states.Status.CANCELLED.value)
          .filter(is_external=False).prefetch_related("systems", "business_functions"))
    if since is not None:
        qs = qs.filter(detected_at__gte=since)
    return [
        targets.IncidentPoint(
            occurred_at=i.occurred_at or i.detected_at, rank=i.rank,
            systems=tuple(s.code for s in i.systems.all()),
            business_functions=tuple(b.code for b in i.business_functions.all()))
        for i in qs
    ]


def target_statuses(*, period: str | None = None,
                    now: datetime | None = None) -> list[targets.TargetStatus]:
    """Each target's actual count against its cap, with a pace forecast (M-2.6, A1-I-17)."""
    now = now or clock.now()
    rows = Target.objects.all()
    if period:
        rows = rows.filter(period=period)
    points = _points(since=now - timedelta(days=400))
    return [
        targets.target_status(
            targets.Target(period=targets.Period(r.period), cap=r.cap,
                           scope=targets.Scope(r.scope), scope_value=r.scope_value or None),
            points, now)
        for r in rows
    ]


def cluster_alarms(*, now: datetime | None = None, window_days: int = 30,
                   threshold: int = 3) -> list[targets.ClusterAlarm]:
    """Systems with several incidents in a short window, even within target (A1-I-18)."""
    now = now or clock.now()
    points = _points(since=now - timedelta(days=window_days))
    return targets.cluster_alarms(points, window=timedelta(days=window_days),
                                  threshold=threshold, now=now)


def response_metrics(incidents: Iterable[Incident]) -> list[dict[str, Any]]:
    """Minutes to first report, management aware and recovery, per incident (M-3.3)."""
    out = []
    for i in incidents:
        d = targets.durations(detected_at=i.detected_at, first_report_at=i.first_report_at,
                              management_aware_at=i.management_aware_at,
                              first_instruction_at=i.first_instruction_at,
                              recovered_at=i.recovered_at)
        out.append({"id": i.pk, "number": i.number, "rank": i.rank, **asdict(d)})
    return out


def cause_analytics(actor: Actor, *, since: datetime | None = None) -> dict[str, Any]:
    """Counts by cause × phase and system × cause, and repeats (same cause on the same
    system within a year) over internal, non-cancelled incidents (M-2.5, A1-I-12, C05)."""
    qs = (list_incidents(actor).exclude(status=states.Status.CANCELLED.value)
          .filter(is_external=False).select_related("analysis"))
    if since is not None:
        qs = qs.filter(detected_at__gte=since)
    rows = []
    for i in qs:
        try:
            a = i.analysis
            category, phase = a.cause_category or None, a.injection_phase or None
        except Incident.analysis.RelatedObjectDoesNotExist:
            category, phase = None, None
        rows.append(analytics.Analysed(i.number, i.detected_at,
                                       tuple(s.code for s in i.systems.all()), category, phase))
    return {
        "cause_by_phase": analytics.cause_by_phase(rows),
        "cause_by_system": analytics.cause_by_system(rows),
        "repeats": analytics.repeats(rows),
        "count": len(rows),
    }
