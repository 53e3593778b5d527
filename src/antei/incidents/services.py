"""Writers for the incident desk: open, record, report, move, analyse. One transaction each,
audited in it; the timeline is written alongside every change so reports have one source.

Catalog: C01, C04, C05, M-3.1–M-3.3, A1-II-1, A1-II-5, A1-II-7, A1-I-12, A1-I-13, M-2.5.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TypedDict, TypeVar

from django.db import IntegrityError, transaction

from antei.core import audit, clock, registry
from antei.core.actor import Actor, system_actor
from antei.core.domain import Violation, check_choice
from antei.core.errors import Conflict, InvalidInput, field_error
from antei.core.roles import Perm
from antei.incidents import hooks, selectors
from antei.incidents.domain import deadlines, reports, roles, states, targets
from antei.incidents.models import (
    CauseAnalysis,
    DeadlineAlert,
    EmergencyHQ,
    HorizontalCheck,
    Incident,
    RankPolicy,
    RecurrenceAction,
    Report,
    RoleAssignment,
    Target,
    TimelineEntry,
)
from antei.inventory.models import BusinessFunction, System
from antei.org.models import Person

R = TypeVar("R", System, BusinessFunction)

TIMELINE_KINDS = ("fact", "decision", "action", "communication", "instruction", "status",
                  "report")
FUTURE_TOLERANCE = timedelta(minutes=5)
HORIZONTAL_RESULTS = ("pending", "not_affected", "affected_fixed", "affected_open")


class FactChanges(TypedDict, total=False):
    title: str
    summary: str
    impact_scope: str
    customer_impact: str
    settlement_impact: str
    affected_count: int | None
    amount_yen: int | None
    recovery_eta: datetime | None
    occurred_at: datetime | None
    classified_at: datetime | None
    regulator_profile: str


def incident_snapshot(incident: Incident) -> dict[str, object]:
    data = audit.snapshot(incident)
    data["systems"] = sorted(s.code for s in incident.systems.all())
    data["business_functions"] = sorted(b.code for b in incident.business_functions.all())
    return data


def _lookup(model: type[R], codes: Sequence[str], fld: str, kind: str) -> list[R]:
    found = {row.code: row for row in model.objects.filter(code__in=list(codes))}
    missing = [c for c in codes if c not in found]
    if missing:
        raise InvalidInput.one(fld, "unknown", kind=kind, value=", ".join(missing))
    return [found[c] for c in codes]


def _next_number(year: int) -> str:
    prefix = f"INC-{year}-"
    last = (Incident.objects.filter(number__startswith=prefix).order_by("-number")
            .values_list("number", flat=True).first())
    return f"{prefix}{int(last[len(prefix):]) + 1 if last else 1:04d}"


def _timeline(incident: Incident, actor: Actor, kind: str, text: str,
              at: datetime | None = None) -> TimelineEntry:
    return TimelineEntry.objects.create(incident=incident, at=at or clock.now(), kind=kind,
                                        text=text, author=actor.username,
                                        source=actor.source.value)


def _check_profile(code: str) -> None:
    if code and code not in deadlines.PROFILES:
        registry.reject(check_choice(code, tuple(deadlines.PROFILES), "regulator_profile"))


def _past_or_now(at: datetime | None, fld: str = "at") -> datetime:
    """`at` when something is recorded after the fact (history, the demo), else now; a time
    in the future is a typo and refused."""
    now = clock.now()
    if at is None:
        return now
    if at > now + FUTURE_TOLERANCE:
        raise InvalidInput.one(fld, "in_future")
    return at


def open_incident(
    *, actor: Actor, title: str, rank: int, systems: Sequence[str], detected_at: datetime,
    business_functions: Sequence[str] = (), occurred_at: datetime | None = None,
    summary: str = "", impact_scope: str = "", customer_impact: str = "",
    settlement_impact: str = "", regulator_profile: str = "", is_external: bool = False,
    external_institution: str = "",
) -> Incident:
    """Open an incident in one step; the first-report clock starts at detection (M-3.3).

    External cases (other institutions' failures, A1-I-13) are recorded with
    `is_external=True` and start no clocks.
    """
    registry.require(actor, Perm.INCIDENT_EDIT)
    problems: list[Violation] = []
    if not title.strip():
        problems.append(Violation("title", "required"))
    policies = selectors.rank_policies()
    problems += deadlines.check_rank(rank, policies)
    if not systems and not is_external:
        problems.append(Violation("systems", "required"))
    problems += states.check_timeline(detected_at=detected_at, occurred_at=occurred_at,
                                      now=clock.now())
    registry.reject(problems)
    _check_profile(regulator_profile)
    with transaction.atomic():
        found_systems = _lookup(System, systems, "systems", "system")
        found_functions = _lookup(BusinessFunction, business_functions, "business_functions",
                                  "business function")
        incident = Incident(
            title=title.strip(), rank=rank, status=states.Status.OPEN.value,
            is_external=is_external, external_institution=external_institution,
            summary=summary, impact_scope=impact_scope, customer_impact=customer_impact,
            settlement_impact=settlement_impact, regulator_profile=regulator_profile,
            occurred_at=occurred_at, detected_at=detected_at, opened_by=actor.username,
            opened_via=actor.source.value,
        )
        for _attempt in range(5):  # two desks opening at once: the unique number decides
            incident.number = _next_number(detected_at.astimezone(clock.display_zone()).year)
            try:
                with transaction.atomic():
                    incident.save()
                break
            except IntegrityError:
                continue
        else:
            raise Conflict("could not allocate an incident number; try again")
        incident.systems.set(found_systems)
        incident.business_functions.set(found_functions)
        _timeline(incident, actor, "fact", summary or title, at=detected_at)
        audit.record(actor=actor, action="incident.open", obj=incident,
                     after=incident_snapshot(incident))
        if not is_external:  # call-out starts on commit (antei.incidents.hooks)
            hooks.emit_on_commit(hooks.IncidentEvent(hooks.OPENED, incident.pk))
        return incident


def update_facts(*, actor: Actor, incident_id: int, changes: FactChanges,
                 note: str = "", at: datetime | None = None) -> Incident:
    """Record what became known (impact scope, counts, ETA...): the next 続報 shows it.
    `at` dates the timeline entry when the fact is recorded after the fact."""
    registry.require(actor, Perm.INCIDENT_EDIT)
    registry.unknown_fields(changes, FactChanges.__annotations__)
    when = _past_or_now(at)
    if "regulator_profile" in changes:
        _check_profile(str(changes["regulator_profile"]))
    with transaction.atomic():
        incident = registry.get(Incident, "incident", pk=incident_id)
        before = incident_snapshot(incident)
        counts = {k: changes.get(k) for k in ("affected_count", "amount_yen")}
        registry.reject(Violation(k, "min_value", {"min": 0, "value": v})
                        for k, v in counts.items() if isinstance(v, int) and v < 0)
        for k, v in changes.items():
            setattr(incident, k, v)
        registry.reject(states.check_timeline(
            detected_at=incident.detected_at, occurred_at=incident.occurred_at,
            now=clock.now()))
        incident.save()
        changed = ", ".join(sorted(k for k in changes if before.get(k) != audit.to_json_value(
            getattr(incident, k))))
        _timeline(incident, actor, "fact", note or f"updated: {changed or '-'}", at=when)
        audit.record(actor=actor, action="incident.update", obj=incident, before=before,
                     after=incident_snapshot(incident), reason=note)
        return incident


MILESTONES = {"management_aware": "management_aware_at",
              "first_instruction": "first_instruction_at"}


def record_milestone(*, actor: Actor, incident_id: int, milestone: str,
                     at: datetime | None = None, note: str = "") -> Incident:
    """Management became aware / gave its first instruction (C01 SLA timestamps)."""
    registry.require(actor, Perm.INCIDENT_EDIT)
    registry.reject(check_choice(milestone, tuple(MILESTONES), "milestone"))
    when = at or clock.now()
    with transaction.atomic():
        incident = registry.get(Incident, "incident", pk=incident_id)
        before = incident_snapshot(incident)
        setattr(incident, MILESTONES[milestone], when)
        registry.reject(_timeline_violations(incident))
        incident.save()
        kind = "instruction" if milestone == "first_instruction" else "communication"
        _timeline(incident, actor, kind, note or milestone.replace("_", " "), at=when)
        audit.record(actor=actor, action=f"incident.{milestone}", obj=incident, before=before,
                     after=incident_snapshot(incident), reason=note)
        return incident


def _timeline_violations(incident: Incident) -> list[Violation]:
    return states.check_timeline(
        detected_at=incident.detected_at, occurred_at=incident.occurred_at,
        first_report_at=incident.first_report_at,
        management_aware_at=incident.management_aware_at,
        first_instruction_at=incident.first_instruction_at,
        mitigated_at=incident.mitigated_at, recovered_at=incident.recovered_at,
        closed_at=incident.closed_at, now=clock.now())


def add_timeline_entry(*, actor: Actor, incident_id: int, kind: str, text: str,
                       at: datetime | None = None) -> TimelineEntry:
    registry.require(actor, Perm.INCIDENT_EDIT)
    problems = check_choice(kind, TIMELINE_KINDS, "kind")
    if not text.strip():
        problems.append(Violation("text", "required"))
    registry.reject(problems)
    with transaction.atomic():
        incident = registry.get(Incident, "incident", pk=incident_id)
        if at is not None and at > clock.now() + FUTURE_TOLERANCE:
            raise InvalidInput.one("at", "in_future")
        entry = _timeline(incident, actor, kind, text.strip(), at=at)
        audit.record(actor=actor, action="incident.timeline", obj=incident,
                     after={"kind": kind, "text": entry.text, "at": entry.at})
        return entry


STATUS_STAMPS = {states.Status.MITIGATED: "mitigated_at", states.Status.RECOVERED: "recovered_at",
                 states.Status.CLOSED: "closed_at"}


def transition(*, actor: Actor, incident_id: int, to: str, reason: str = "",
               at: datetime | None = None) -> Incident:
    """Move an incident; closing is gated on root cause, actions, 水平展開 and the final
    report (A1-I-12, A1-III-10). Refusals are Conflicts that say what is missing."""
    registry.require(actor, Perm.INCIDENT_EDIT)
    registry.reject(check_choice(to, [s.value for s in states.Status], "to"))
    with transaction.atomic():
        incident = registry.get(Incident, "incident", pk=incident_id)
        facts = selectors.transition_facts(incident, reason=reason)
        problems = states.check_transition(states.Status(incident.status), states.Status(to),
                                           facts)
        if problems:
            raise Conflict(InvalidInput.from_violations(problems).message,
                           errors=InvalidInput.from_violations(problems).errors)
        before = incident_snapshot(incident)
        target = states.Status(to)
        when = at or clock.now()
        if target in STATUS_STAMPS and (getattr(incident, STATUS_STAMPS[target]) is None
                                        or target is states.Status.CLOSED):
            setattr(incident, STATUS_STAMPS[target], when)
        if target is states.Status.OPEN:  # relapse: the service is down again
            incident.recovered_at = None
            incident.closed_at = None
        if target is states.Status.RECOVERED:
            incident.closed_at = None
        incident.status = target.value
        registry.reject(_timeline_violations(incident))
        incident.save()
        _timeline(incident, actor, "status",
                  f"{before['status']} → {target.value}" + (f": {reason}" if reason else ""),
                  at=when)
        audit.record(actor=actor, action="incident.transition", obj=incident, before=before,
                     after=incident_snapshot(incident), reason=reason)
        return incident


def issue_report(*, actor: Actor, incident_id: int, kind: str,
                 issued_at: datetime | None = None) -> Report:
    """Issue a report drafted from what is known now; unknowns say so (M-3.3, A1-II-5).

    The first report sets `first_report_at`; its recipients are the rank's management
    distribution, reached through the call-out machinery via `hooks` after commit.
    `issued_at` records a report that was sent earlier (not in the future, not before
    detection); it defaults to now.
    """
    registry.require(actor, Perm.INCIDENT_EDIT)
    registry.reject(check_choice(kind, [k.value for k in reports.ReportKind], "kind"))
    report_kind = reports.ReportKind(kind)
    now = _past_or_now(issued_at, "issued_at")
    with transaction.atomic():
        incident = registry.get(Incident, "incident", pk=incident_id)
        if now < incident.detected_at:
            raise InvalidInput.one("issued_at", "date_order",
                                   other=incident.detected_at.isoformat(),
                                   other_field="detected_at")
        issued = list(incident.reports.order_by("issued_at", "id"))
        problems = reports.check_report(
            report_kind, status=states.Status(incident.status),
            has_first_report=any(r.kind == reports.ReportKind.FIRST for r in issued),
            has_regulator_initial=any(r.kind == reports.ReportKind.REGULATOR_INITIAL
                                      for r in issued))
        if problems:
            raise Conflict(InvalidInput.from_violations(problems).message,
                           errors=InvalidInput.from_violations(problems).errors)
        facts = selectors.facts_for(incident, now=now)
        previous = selectors.previous_facts(issued, report_kind)
        seq = sum(1 for r in issued if r.kind == report_kind.value) + 1
        number = (sum(1 for r in issued if r.kind in ("first", "follow_up")) + 1
                  if report_kind is reports.ReportKind.FOLLOW_UP else None)
        drafted = reports.draft(report_kind, facts, previous, now, number=number)
        policy = deadlines.policy_for(incident.rank, selectors.rank_policies())
        distribution = (RankPolicy.objects.filter(rank=incident.rank)
                        .values_list("distribution", flat=True).first() or "")
        report = Report.objects.create(
            incident=incident, kind=report_kind.value, seq=seq, issued_at=now,
            issued_by=actor.username, distribution=distribution,
            facts=selectors.facts_json(facts),
            lines=[line.__dict__ for line in drafted.lines],
            changed=list(drafted.changed_keys),
        )
        before = incident_snapshot(incident)
        if report_kind is reports.ReportKind.FIRST:
            incident.first_report_at = now
            incident.save(update_fields=["first_report_at"])
            # Delivered to the rank's management distribution on commit (call-out).
            hooks.emit_on_commit(hooks.IncidentEvent(hooks.FIRST_REPORT, incident.pk,
                                                     report.pk))
        _timeline(incident, actor, "report", f"{drafted.title_ja} ({policy.name_ja})", at=now)
        audit.record(actor=actor, action=f"incident.report.{report_kind.value}", obj=incident,
                     before=before, after={"report": report.pk, "kind": report.kind,
                                           "seq": report.seq, "changed": report.changed})
        return report


def assign_role(*, actor: Actor, incident_id: int, role: str, person: str,
                at: datetime | None = None) -> RoleAssignment:
    """Name who holds an incident role (A1-II-1); replaces the previous holder. `at` dates
    an assignment recorded after the fact (default now)."""
    registry.require(actor, Perm.INCIDENT_EDIT)
    registry.reject(check_choice(role, roles.ROLES, "role"))
    when = _past_or_now(at)
    with transaction.atomic():
        incident = registry.get(Incident, "incident", pk=incident_id)
        who = registry.resolve_required(Person, "person", person, kind="person")
        row = RoleAssignment.objects.filter(incident=incident, role=role).first()
        before = audit.snapshot(row) if row else None
        row = row or RoleAssignment(incident=incident, role=role)
        row.person, row.department, row.assigned_at = who, who.department, when
        row.save()
        _timeline(incident, actor, "decision", f"{role}: {who.name}", at=when)
        audit.record(actor=actor, action="incident.role", obj=incident, before=before,
                     after=audit.snapshot(row))
        return row


def set_emergency_hq(*, actor: Actor, incident_id: int, location: str,
                     members: Sequence[str] = ()) -> EmergencyHQ:
    """Set up the emergency HQ (緊急対策本部): where, and who is in it (A1-II-3, A1-II-6)."""
    registry.require(actor, Perm.INCIDENT_EDIT)
    if not location.strip():
        raise InvalidInput.one("location", "required")
    with transaction.atomic():
        incident = registry.get(Incident, "incident", pk=incident_id)
        people = list(Person.objects.filter(code__in=list(members)))
        missing = sorted(set(members) - {p.code for p in people})
        if missing:
            raise InvalidInput.one("members", "unknown", kind="person", value=", ".join(missing))
        hq, _created = EmergencyHQ.objects.get_or_create(
            incident=incident, defaults={"location": location, "established_at": clock.now()})
        hq.location = location
        hq.save()
        hq.members.set(people)
        _timeline(incident, actor, "decision", f"HQ: {location}")
        audit.record(actor=actor, action="incident.hq", obj=incident,
                     after={"location": location, "members": sorted(members)})
        return hq


def record_cause_analysis(
    *, actor: Actor, incident_id: int, injection_phase: str = "", cause_category: str = "",
    direct_cause: str = "", root_cause: str = "", no_action_reason: str = "",
    horizontal_not_applicable: str = "",
) -> CauseAnalysis:
    """Save the cause analysis; partial saves are allowed, closing checks completeness."""
    registry.require(actor, Perm.INCIDENT_EDIT)
    analysis = states.CauseAnalysis(injection_phase=injection_phase or None,
                                    cause_category=cause_category or None,
                                    direct_cause=direct_cause, root_cause=root_cause)
    # Only wrong choices are errors here; missing pieces are what the close gate reports.
    registry.reject(v for v in states.check_cause_analysis(analysis) if v.rule != "required")
    with transaction.atomic():
        incident = registry.get(Incident, "incident", pk=incident_id)
        row, _ = CauseAnalysis.objects.get_or_create(incident=incident)
        before = audit.snapshot(row)
        row.injection_phase, row.cause_category = injection_phase, cause_category
        row.direct_cause, row.root_cause = direct_cause, root_cause
        row.no_action_reason = no_action_reason
        row.horizontal_not_applicable = horizontal_not_applicable
        row.save()
        audit.record(actor=actor, action="incident.analysis", obj=incident, before=before,
                     after=audit.snapshot(row, exclude=["updated_at"]))
        return row


def add_recurrence_action(*, actor: Actor, incident_id: int, title: str, owner: str,
                          due_on: date) -> RecurrenceAction:
    registry.require(actor, Perm.INCIDENT_EDIT)
    registry.reject(states.check_recurrence_action(description=title, owner=owner,
                                                   due_on=due_on))
    with transaction.atomic():
        incident = registry.get(Incident, "incident", pk=incident_id)
        who = registry.resolve_required(Person, "owner", owner, kind="person")
        row = RecurrenceAction.objects.create(incident=incident, title=title.strip(),
                                              owner=who, due_on=due_on)
        audit.record(actor=actor, action="incident.action", obj=incident,
                     after=audit.snapshot(row))
        return row


def complete_action(*, actor: Actor, incident_id: int, action_id: int,
                    at: datetime | None = None) -> RecurrenceAction:
    """Mark a recurrence-prevention action done: the PDCA loop closes on evidence (A1-III-10)."""
    registry.require(actor, Perm.INCIDENT_EDIT)
    when = _past_or_now(at, "at")
    with transaction.atomic():
        row = registry.get(RecurrenceAction, "recurrence action", pk=action_id,
                           incident_id=incident_id)
        if row.done_at is not None:
            raise Conflict(errors=[field_error("action", "already_done")])
        before = audit.snapshot(row)
        row.done_at = when
        row.save(update_fields=["done_at"])
        _timeline(row.incident, actor, "action", f"done: {row.title}", at=when)
        audit.record(actor=actor, action="incident.action_done", obj=row.incident,
                     before=before, after=audit.snapshot(row))
        return row


def add_horizontal_check(*, actor: Actor, incident_id: int, system: str, scope: str,
                         checker: str | None = None) -> HorizontalCheck:
    """A 水平展開 task: check `system` for the same defect (A1-I-24, C05)."""
    registry.require(actor, Perm.INCIDENT_EDIT)
    if not scope.strip():
        raise InvalidInput.one("scope", "required")
    with transaction.atomic():
        incident = registry.get(Incident, "incident", pk=incident_id)
        row = HorizontalCheck.objects.create(
            incident=incident,
            system=registry.resolve_required(System, "system", system, kind="system"),
            scope=scope.strip(),
            checker=registry.resolve(Person, "checker", checker, kind="person"))
        audit.record(actor=actor, action="incident.horizontal_check", obj=incident,
                     after=audit.snapshot(row))
        return row


def record_horizontal_result(*, actor: Actor, check_id: int, result: str,
                             notes: str = "", at: datetime | None = None) -> HorizontalCheck:
    registry.require(actor, Perm.INCIDENT_EDIT)
    registry.reject(check_choice(result, HORIZONTAL_RESULTS, "result"))
    when = _past_or_now(at)
    with transaction.atomic():
        row = registry.get(HorizontalCheck, "horizontal check", pk=check_id)
        before = audit.snapshot(row)
        row.result, row.notes = result, notes
        row.checked_at = when if result != "pending" else None
        row.save()
        audit.record(actor=actor, action="incident.horizontal_result", obj=row.incident,
                     before=before, after=audit.snapshot(row))
        return row


def set_target(*, actor: Actor, period: str, cap: int, scope: str = "overall",
               scope_value: str = "", measures: str = "") -> Target:
    """Set an incident-count cap (M-2.6, A1-I-18); replaces the cap for the same scope."""
    registry.require(actor, Perm.TARGET_EDIT)
    registry.reject(targets.check_target(period=period, cap=cap, scope=scope,
                                         scope_value=scope_value or None))
    with transaction.atomic():
        row = Target.objects.filter(period=period, scope=scope, scope_value=scope_value).first()
        before = audit.snapshot(row) if row else None
        row = row or Target(period=period, scope=scope, scope_value=scope_value)
        row.cap, row.measures = cap, measures
        row.save()
        audit.record(actor=actor, action="target.set", obj=row, before=before,
                     after=audit.snapshot(row))
        return row


def raise_overdue_deadlines(*, now: datetime | None = None) -> int:
    """Put every newly missed deadline of an active incident on its timeline, once.

    Run every minute by the worker (core.scheduler). A deadline already raised is not
    raised again (unique incident/deadline/due time); returns how many were raised.
    """
    now = now or clock.now()
    actor = system_actor()
    raised = 0
    active = (Incident.objects.filter(status__in=[s.value for s in states.ACTIVE],
                                      is_external=False)
              .prefetch_related("reports"))
    for incident in active:
        due = selectors.incident_deadlines(incident, now=now)
        stamps = {"first_report": due.first_report_due,
                  "management_aware": due.management_aware_due,
                  "follow_up": due.next_follow_up_due}
        for stage in selectors.regulator_deadlines(incident):
            if stage.due_at is not None and stage.due_at < now and not any(
                    r.kind == f"regulator_{stage.stage.value}" for r in incident.reports.all()):
                stamps[f"regulator_{stage.stage.value}"] = stage.due_at
        overdue = [(k, v) for k, v in stamps.items()
                   if v is not None and (k in due.overdue or k.startswith("regulator_"))]
        for key, due_at in overdue:
            with transaction.atomic():
                _, created = DeadlineAlert.objects.get_or_create(
                    incident=incident, deadline=key, due_at=due_at,
                    defaults={"raised_at": now})
                if not created:
                    continue
                _timeline(incident, actor, "status", f"OVERDUE: {key} (due {due_at.isoformat()})",
                          at=now)
                audit.record(actor=actor, action="incident.overdue", obj=incident,
                             after={"deadline": key, "due_at": due_at})
                raised += 1
    return raised
