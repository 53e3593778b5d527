"""Writers for call-out: rosters and escalation policies here; paging and escalation in
`services_paging`, contact verification in `services_verify`, signed links in
`services_links`. Every public writer is importable from this module. One transaction each,
audited in it.

Catalog: C02, A2-RESP-1, A1-II-3, A1-II-5, M-3.3.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from django.db import transaction

from antei.callout import domain, selectors, services_auto, services_paging, services_verify
from antei.callout import services_links as links
from antei.callout.models import (
    EscalationPolicy,
    EscalationRun,
    EscalationStep,
    Roster,
    RosterMember,
    RosterOverride,
)
from antei.callout.services_links import ACK_MAX_AGE, ack_url, sign
from antei.callout.services_paging import (
    acknowledge_page,
    deliver_pending,
    escalate,
    page_incident,
)
from antei.callout.services_verify import (
    VERIFY_WINDOW_MINUTES,
    expire_verifications,
    verify_all,
    verify_contact_point,
)
from antei.core import audit, clock, registry
from antei.core.actor import Actor, Source
from antei.core.domain import Violation
from antei.core.errors import Conflict, InvalidInput, field_error
from antei.core.roles import Perm, Role
from antei.inventory.models import System
from antei.org.models import Person

__all__ = [
    "ACK_MAX_AGE", "VERIFY_WINDOW_MINUTES", "ack_url", "acknowledge_link", "acknowledge_page",
    "add_roster_override", "create_policy", "create_roster", "delete_policy", "delete_roster",
    "deliver_pending", "describe_link", "escalate", "expire_verifications", "page_incident",
    "sign", "sweep", "update_policy", "update_roster", "verify_all", "verify_contact_point",
]


# --- rosters -------------------------------------------------------------------------------


def _roster_problems(code: str, name: str, members: Sequence[str], rotation_days: int,
                     handover_hour: int, coverage: str,
                     night_start_hour: int) -> list[Violation]:
    problems = domain.check_roster(code, name, members, rotation_days, coverage,
                                   night_start_hour)
    if not 0 <= handover_hour <= 23:
        problems.append(Violation("handover_hour", "choice", {
            "value": handover_hour, "choices": "0–23"}))
    return problems


def create_roster(*, actor: Actor, code: str, name: str, members: Sequence[str],
                  rotation_days: int = 7, starts_on: date, handover_hour: int = 9,
                  coverage: str = "always", night_start_hour: int = 18) -> Roster:
    """An on-call roster: people in turn, `rotation_days` each, covering all the time or
    only nights / holidays / both by the business calendar (A1-II-3). With no members it
    is covered by its shifts only."""
    registry.require(actor, Perm.CALLOUT_EDIT)
    registry.reject(_roster_problems(code, name, members, rotation_days, handover_hour,
                                     coverage, night_start_hour))
    with transaction.atomic():
        registry.ensure_unique(Roster, "code", code)
        people = _people(members, "members")
        roster = Roster.objects.create(code=code, name=name.strip(), rotation_days=rotation_days,
                                       starts_on=starts_on, handover_hour=handover_hour,
                                       coverage=coverage, night_start_hour=night_start_hour)
        RosterMember.objects.bulk_create(RosterMember(roster=roster, person=p, position=i)
                                         for i, p in enumerate(people))
        audit.record(actor=actor, action="callout.roster.create", obj=roster,
                     after={**audit.snapshot(roster), "members": list(members)})
        return roster


def update_roster(*, actor: Actor, code: str, name: str, members: Sequence[str],
                  rotation_days: int, starts_on: date, handover_hour: int,
                  coverage: str, night_start_hour: int) -> Roster:
    """Replace a roster's settings and members (the code stays)."""
    registry.require(actor, Perm.CALLOUT_EDIT)
    registry.reject(_roster_problems(code, name, members, rotation_days, handover_hour,
                                     coverage, night_start_hour))
    with transaction.atomic():
        roster = registry.get(Roster, "roster", code=code)
        before = {**audit.snapshot(roster), "members": list(
            roster.members.order_by("position").values_list("person__code", flat=True))}
        people = _people(members, "members")
        roster.name, roster.rotation_days, roster.starts_on = name.strip(), rotation_days, starts_on
        roster.handover_hour, roster.coverage = handover_hour, coverage
        roster.night_start_hour = night_start_hour
        roster.save()
        roster.members.all().delete()
        RosterMember.objects.bulk_create(RosterMember(roster=roster, person=p, position=i)
                                         for i, p in enumerate(people))
        audit.record(actor=actor, action="callout.roster.update", obj=roster, before=before,
                     after={**audit.snapshot(roster), "members": list(members)})
        return roster


def delete_roster(*, actor: Actor, code: str) -> None:
    """Remove a roster with its members and shifts. Refused (409 in_use) while a policy
    step pages it."""
    registry.require(actor, Perm.CALLOUT_EDIT)
    with transaction.atomic():
        roster = registry.get(Roster, "roster", code=code)
        users = sorted(set(EscalationStep.objects.filter(roster=roster)
                           .values_list("policy__code", flat=True)))
        if users:
            raise Conflict(errors=[field_error("code", "in_use", what=", ".join(users))])
        before = {**audit.snapshot(roster), "members": list(
            roster.members.order_by("position").values_list("person__code", flat=True))}
        registry.delete(actor=actor, instance=roster, action="callout.roster.delete",
                        before=before)


def add_roster_override(*, actor: Actor, roster: str, person: str, starts_at: datetime,
                        ends_at: datetime) -> RosterOverride:
    """A shift: someone is on call from `starts_at` until `ends_at` (a swap, sick leave, or
    the shifts of a roster without rotation). One person cannot hold two overlapping
    shifts in a roster: refused naming the shift it overlaps."""
    registry.require(actor, Perm.CALLOUT_EDIT)
    if ends_at <= starts_at:
        raise InvalidInput.one("ends_at", "date_order", other=starts_at.isoformat())
    with transaction.atomic():
        row = registry.get(Roster, "roster", code=roster)
        who = registry.resolve_required(Person, "person", person, kind="person")
        existing = [domain.RosterOverride(who.code, o.starts_at, o.ends_at)
                    for o in RosterOverride.objects.filter(roster=row, person=who)]
        clash = domain.overlapping_shift(existing, domain.RosterOverride(who.code, starts_at,
                                                                         ends_at))
        if clash is not None:
            zone = clock.display_zone()
            raise InvalidInput.one(
                "starts_at", "shift_overlap", person=who.code,
                other=f"{clash.starts_at.astimezone(zone):%Y-%m-%d %H:%M}–"
                      f"{clash.ends_at.astimezone(zone):%Y-%m-%d %H:%M}")
        shift = RosterOverride.objects.create(roster=row, person=who, starts_at=starts_at,
                                              ends_at=ends_at)
        audit.record(actor=actor, action="callout.roster.override", obj=row,
                     after=audit.snapshot(shift))
        return shift


def _people(codes: Sequence[str], fld: str) -> list[Person]:
    found = {p.code: p for p in Person.objects.filter(code__in=list(codes))}
    missing = [c for c in codes if c not in found]
    if missing:
        raise InvalidInput.one(fld, "unknown", kind="person", value=", ".join(missing))
    return [found[c] for c in codes]


# --- escalation policies -------------------------------------------------------------------


def _step_spec(raw: Mapping[str, object]) -> domain.StepSpec:
    nxt = raw.get("next_step")
    return domain.StepSpec(
        kind=str(raw.get("kind") or ""), wait_minutes=int(str(raw.get("wait_minutes") or 0)),
        repeats=int(str(raw.get("repeats") or 0)),
        people=tuple(str(p) for p in raw.get("people") or ()),  # type: ignore[attr-defined]
        roster=str(raw["roster"]) if raw.get("roster") else None,
        next_step=int(str(nxt)) if nxt is not None else None)


def _policy_problems(code: str, name: str, specs: Sequence[domain.StepSpec],
                     rank: int | None) -> list[Violation]:
    problems = domain.check_policy(code, name, specs)
    if rank is not None and rank < 1:
        problems.append(Violation("rank", "positive", {"value": rank}))
    return problems


def _write_steps(policy: EscalationPolicy, specs: Sequence[domain.StepSpec]) -> None:
    for i, spec in enumerate(specs):
        _people(spec.people, f"steps[{i}].people")
        EscalationStep.objects.create(
            policy=policy, position=i, kind=spec.kind, wait_minutes=spec.wait_minutes,
            repeats=spec.repeats, people=list(spec.people), next_step=spec.next_step,
            roster=registry.resolve(Roster, f"steps[{i}].roster", spec.roster,
                                    kind="roster"))


def create_policy(*, actor: Actor, code: str, name: str, steps: Sequence[Mapping[str, object]],
                  rank: int | None = None, system: str | None = None,
                  description: str = "") -> EscalationPolicy:
    """An escalation policy: ordered steps, each waiting for an acknowledgement, repeated,
    then the next (C02, M-3.3). Refuses empty policies, zero waits and loops."""
    registry.require(actor, Perm.CALLOUT_EDIT)
    specs = [_step_spec(s) for s in steps]
    registry.reject(_policy_problems(code, name, specs, rank))
    with transaction.atomic():
        registry.ensure_unique(EscalationPolicy, "code", code)
        policy = EscalationPolicy.objects.create(
            code=code, name=name.strip(), rank=rank, description=description,
            system=registry.resolve(System, "system", system, kind="system"))
        _write_steps(policy, specs)
        audit.record(actor=actor, action="callout.policy.create", obj=policy,
                     after={**audit.snapshot(policy), "steps": [s.__dict__ for s in specs]})
        return policy


def update_policy(*, actor: Actor, code: str, name: str, steps: Sequence[Mapping[str, object]],
                  rank: int | None = None, system: str | None = None,
                  description: str = "") -> EscalationPolicy:
    """Replace a policy's settings and steps. Refused while one of its call-outs is
    running: the run walks the steps by position."""
    registry.require(actor, Perm.CALLOUT_EDIT)
    specs = [_step_spec(s) for s in steps]
    registry.reject(_policy_problems(code, name, specs, rank))
    with transaction.atomic():
        policy = registry.get(EscalationPolicy, "escalation policy", code=code)
        if policy.runs.filter(state=domain.RunState.ACTIVE).exists():
            raise links.conflict("policy", "policy_running")
        before = {**audit.snapshot(policy), "steps": [
            s.__dict__ for s in selectors.step_specs(policy)]}
        policy.name, policy.rank, policy.description = name.strip(), rank, description
        policy.system = registry.resolve(System, "system", system, kind="system")
        policy.save()
        policy.steps.all().delete()
        _write_steps(policy, specs)
        audit.record(actor=actor, action="callout.policy.update", obj=policy, before=before,
                     after={**audit.snapshot(policy), "steps": [s.__dict__ for s in specs]})
        return policy


def delete_policy(*, actor: Actor, code: str) -> None:
    """Remove a policy and its steps. Refused (409 in_use) while a call-out of it is
    running or any incident's call-out record still refers to it (the record of who was
    paged stays complete)."""
    registry.require(actor, Perm.CALLOUT_EDIT)
    with transaction.atomic():
        policy = registry.get(EscalationPolicy, "escalation policy", code=code)
        if policy.runs.filter(state=domain.RunState.ACTIVE).exists():
            raise links.conflict("code", "policy_running")
        if policy.runs.exists():
            raise Conflict(errors=[field_error("code", "in_use", what=", ".join(
                f"#{i}" for i in sorted(set(policy.runs.values_list("incident_id",
                                                                    flat=True)))))])
        before = {**audit.snapshot(policy), "steps": [
            s.__dict__ for s in selectors.step_specs(policy)]}
        registry.delete(actor=actor, instance=policy, action="callout.policy.delete",
                        before=before)


# --- the worker's pass and signed links ----------------------------------------------------


def sweep(*, now: datetime | None = None) -> dict[str, int]:
    """The worker's periodic pass (every ANTEI_CALLOUT_SWEEP_SECONDS): move every due run
    on (each with its current token: a lost timer costs one sweep), deliver a chunk of what
    is pending (queueing the rest), expire unanswered verifications."""
    now = now or clock.now()
    moved = 0
    due = EscalationRun.objects.filter(state=domain.RunState.ACTIVE, next_at__lte=now)
    for run_id, token in list(due.values_list("pk", "token")):
        if escalate(run_id=run_id, token=token, now=now):
            moved += 1
    delivered = deliver_pending(now=now, limit=services_paging.DELIVERY_CHUNK)
    if delivered >= services_paging.DELIVERY_CHUNK:
        from antei.callout import tasks

        transaction.on_commit(lambda: tasks.deliver_pages.enqueue(None), robust=True)
    return {"delivered": delivered, "escalated": moved, "expired": expire_verifications(now=now),
            "started": services_auto.start_missed_callouts(now=now)}


def describe_link(signed: str) -> dict[str, object]:
    """What a link acknowledges, for the confirmation page (nothing is changed)."""
    kind, pk = links.unsign(signed)
    return selectors.link_target(kind, pk)


def acknowledge_link(*, signed: str, remote_addr: str = "",
                     now: datetime | None = None) -> dict[str, object]:
    """Acknowledge through a signed single-use link; works without logging in. A tampered,
    expired or used link is refused."""
    now = now or clock.now()
    kind, pk = links.unsign(signed)
    target = selectors.link_target(kind, pk)
    # The person paged may have no account: the link is their authority, for this one row.
    actor = Actor(username=f"link:{target['person']}", role=Role.EXECUTIVE, source=Source.WEB,
                  remote_addr=remote_addr)
    if kind == "page":
        services_paging.acknowledge(actor, pk, "link", now)
    elif kind == "verify":
        services_verify.confirm_verification(actor, pk, now)
    else:  # signed by us, but for something this version does not know
        raise InvalidInput.one("link", "link_invalid")
    return target


