"""Reads for call-out: policies and rosters as plain values for the pure rules, the live
view of an incident's call-out (who was paged, by what, when, who acknowledged and who
has NOT), the printable call tree and the contact-verification status.

Catalog: C02, A2-RESP-1, A1-II-3, A1-II-5.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Prefetch, QuerySet

from antei.calendars import selectors as calendar_selectors
from antei.callout import domain
from antei.callout.models import (
    ContactVerification,
    Delivery,
    EscalationPolicy,
    EscalationRun,
    Page,
    Roster,
)
from antei.core import clock
from antei.core.actor import Actor
from antei.core.errors import InvalidInput, NotFound
from antei.incidents import selectors as incident_selectors
from antei.incidents.models import Incident, RankPolicy
from antei.org.models import ContactPoint, Person


def list_policies() -> QuerySet[EscalationPolicy]:
    return EscalationPolicy.objects.select_related("system").prefetch_related(
        "steps__roster")


def get_policy(policy_id: int) -> EscalationPolicy:
    found = list_policies().filter(pk=policy_id).first()
    if found is None:
        raise NotFound("escalation policy", policy_id)
    return found


def get_policy_by_code(code: str) -> EscalationPolicy:
    found = list_policies().filter(code=code).first()
    if found is None:
        raise NotFound("escalation policy", code)
    return found


def list_rosters() -> QuerySet[Roster]:
    return Roster.objects.prefetch_related("members__person", "overrides__person")


def policy_for(rank: int, system_ids: Sequence[int]) -> EscalationPolicy | None:
    """The policy an incident of `rank` on these systems gets: the rank's policy for one
    of its systems, else the rank's general one (first by code)."""
    by_rank = EscalationPolicy.objects.filter(rank=rank).order_by("code")
    return (by_rank.filter(system__in=list(system_ids)).first()
            or by_rank.filter(system__isnull=True).first())


def _step_kinds(policy: EscalationPolicy | None) -> list[str]:
    return [] if policy is None else list(policy.steps.values_list("kind", flat=True))


def first_report_warning(incident: Incident) -> dict[str, str] | None:
    """Said on the incident's call-out: its first report (第1報) was not (or will not be)
    paged to management, and why (M-3.3, A1-II-5). None when it was, or can be."""
    if EscalationRun.objects.filter(incident=incident, trigger="first_report").exists():
        return None
    policy = policy_for(incident.rank, list(incident.systems.values_list("pk", flat=True)))
    gap = domain.first_report_gap(incident.rank, policy.code if policy else None,
                                  _step_kinds(policy))
    if gap is None:
        return None
    if incident.first_report_at is not None:
        return {"code": "first_report_not_paged", "issued": "true",
                "ja": f"第1報は呼出しで送られていません: {gap.ja}",
                "en": f"第1報 was not paged: {gap.en}"}
    return {"code": "first_report_not_paged", "issued": "false",
            "ja": f"第1報は呼出しで送られません: {gap.ja}",
            "en": f"第1報 will not be paged: {gap.en}"}


def first_report_gaps() -> list[domain.FirstReportGap]:
    """Every defined rank whose first report cannot reach management by call-out: no
    policy for the rank, or a policy of it without a distribution step (for risk
    management; M-3.3, A1-II-5)."""
    ranks = list(RankPolicy.objects.order_by("rank").values_list("rank", flat=True))
    policies = (EscalationPolicy.objects.filter(rank__isnull=False).order_by("rank", "code")
                .prefetch_related("steps"))
    by_rank: dict[int, list[EscalationPolicy]] = {}
    for p in policies:
        by_rank.setdefault(int(p.rank or 0), []).append(p)
    gaps = []
    for rank in sorted(set(ranks) | set(by_rank)):
        found: list[EscalationPolicy | None] = list(by_rank.get(rank, [])) or [None]
        for policy in found:
            kinds = [] if policy is None else [s.kind for s in policy.steps.all()]
            gap = domain.first_report_gap(rank, policy.code if policy else None, kinds)
            if gap is not None:
                gaps.append(gap)
    return gaps


def get_roster(code: str) -> Roster:
    found = list_rosters().filter(code=code).first()
    if found is None:
        raise NotFound("roster", code)
    return found


def step_specs(policy: EscalationPolicy) -> list[domain.StepSpec]:
    return [domain.StepSpec(kind=s.kind, wait_minutes=s.wait_minutes, repeats=s.repeats,
                            people=tuple(s.people), roster=s.roster.code if s.roster else None,
                            next_step=s.next_step)
            for s in policy.steps.select_related("roster").order_by("position")]


def run_steps(run: EscalationRun) -> list[domain.StepSpec]:
    """The steps a run walks: its policy's, or for a first report (第1報) only the
    policy's management distribution steps, in order (M-3.3, A1-II-5)."""
    steps = step_specs(run.policy)
    if run.trigger != "first_report":
        return steps
    return [replace(s, next_step=None) for s in steps if s.kind == domain.StepKind.DISTRIBUTION]


def roster_start(roster: Roster) -> datetime:
    """The first turn begins at the handover hour, in the institution's zone."""
    return datetime.combine(roster.starts_on, time(roster.handover_hour),
                            tzinfo=clock.display_zone())


def roster_spec(roster: Roster) -> domain.RosterSpec:
    return domain.RosterSpec(
        members=tuple(m.person.code for m in roster.members.select_related("person")
                      .order_by("position")),
        rotation_days=roster.rotation_days, starts_at=roster_start(roster),
        overrides=tuple(domain.RosterOverride(o.person.code, o.starts_at, o.ends_at)
                        for o in roster.overrides.select_related("person")))


def on_call(roster: Roster, at: datetime | None = None) -> str | None:
    return domain.current_on_call(roster_spec(roster), at or clock.now())


def link_target(kind: str, pk: int) -> dict[str, object]:
    """What a signed link points at; refused (as an invalid link) when it is gone."""
    if kind == "page":
        page = Page.objects.select_related("person", "incident").filter(pk=pk).first()
        if page is not None:
            return {"kind": kind, "id": pk, "person": page.person.code,
                    "person_name": page.person.name, "incident": page.incident.number,
                    "title": page.incident.title, "is_done": page.acknowledged_at is not None}
    if kind == "verify":
        row = (ContactVerification.objects.select_related("contact_point__person")
               .filter(pk=pk).first())
        if row is not None:
            cp = row.contact_point
            return {"kind": kind, "id": pk, "person": cp.person.code,
                    "person_name": cp.person.name, "incident": "",
                    "title": f"{cp.kind}: {cp.address}", "is_done": row.confirmed_at is not None}
    raise InvalidInput.one("link", "link_invalid")


# --- the live view -------------------------------------------------------------------------


def _delivery(d: Delivery) -> dict[str, Any]:
    return {"channel": d.channel, "address": d.address, "ok": d.ok, "detail": d.detail,
            "provider_id": d.provider_id, "at": d.at}


def _page(p: Page) -> dict[str, Any]:
    return {"id": p.pk, "person": p.person.code, "person_name": p.person.name,
            "step": p.step_index + 1, "round": p.round, "status": p.status,
            "channel": p.channel, "address": p.address, "sent_at": p.sent_at,
            "acknowledged_at": p.acknowledged_at, "acknowledged_via": p.acknowledged_via,
            "deliveries": [_delivery(d) for d in p.deliveries.all()]}


def list_pages(actor: Actor, incident_id: int) -> list[dict[str, Any]]:
    """Every page of an incident's call-outs with its delivery attempts (scope-checked)."""
    incident_selectors.get_incident(actor, incident_id)
    pages = (Page.objects.filter(incident_id=incident_id).select_related("person")
             .prefetch_related(Prefetch("deliveries", queryset=Delivery.objects.order_by(
                 "at", "id"))).order_by("run_id", "step_index", "round", "id"))
    return [_page(p) for p in pages]


def callout_view(actor: Actor, incident_id: int) -> dict[str, Any]:
    """Runs, pages, and the two lists that matter at 2 a.m.: who acknowledged, who has NOT."""
    incident = incident_selectors.get_incident(actor, incident_id)
    pages = list_pages(actor, incident_id)
    runs = list(EscalationRun.objects.filter(incident_id=incident_id)
                .select_related("policy").prefetch_related("failures"))
    acked = sorted({p["person_name"] for p in pages if p["acknowledged_at"]})
    return {
        "first_report_warning": first_report_warning(incident),
        "incident": {"id": incident.pk, "number": incident.number, "title": incident.title,
                     "rank": incident.rank},
        "runs": [{"id": r.pk, "policy": r.policy.code, "policy_id": r.policy_id,
                  "trigger": r.trigger,
                  "state": r.state, "step": r.step_index + 1, "next_at": r.next_at,
                  "started_at": r.started_at, "started_by": r.started_by,
                  "failures": [{"step": f.step_index + 1, "reason": f.reason,
                                "at": f.raised_at} for f in r.failures.all()]}
                 for r in runs],
        "pages": pages,
        "acknowledged": acked,
        "not_acknowledged": sorted({p["person_name"] for p in pages
                                    if not p["acknowledged_at"]} - set(acked)),
    }


# --- the printable call tree ---------------------------------------------------------------


def call_tree(policy_id: int, at: datetime | None = None) -> dict[str, Any]:
    """Names, numbers and order for calling by hand when automatic call-out fails."""
    policy = get_policy(policy_id)
    at = at or clock.now()
    steps = []
    for spec, row in zip(step_specs(policy), policy.steps.order_by("position"), strict=True):
        codes: list[str] = list(spec.people)
        note = ""
        if row.roster is not None:
            members = list(roster_spec(row.roster).members)
            current = on_call(row.roster, at)
            codes = [current, *domain.fallback_order(members, current)] if current else members
            note = row.roster.name
        people = {p.code: p for p in Person.objects.filter(code__in=codes).prefetch_related(
            Prefetch("contact_points", queryset=ContactPoint.objects.order_by("priority", "id")))}
        steps.append({
            "position": row.position + 1, "kind": row.kind, "wait_minutes": row.wait_minutes,
            "repeats": row.repeats, "roster": note,
            "people": [{"code": c, "name": people[c].name, "titles": people[c].titles,
                        "contacts": [{"kind": cp.kind, "address": cp.address,
                                      "label": cp.label, "verified_at": cp.verified_at}
                                     for cp in people[c].contact_points.all()]}
                       for c in codes if c in people]})
    return {"policy": {"id": policy.pk, "code": policy.code, "name": policy.name,
                       "rank": policy.rank}, "steps": steps, "at": at}


# --- contact verification ------------------------------------------------------------------


@dataclass
class PersonContactStatus:
    code: str
    name: str
    contacts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def has_verified_contact(self) -> bool:
        return any(c["verified_at"] for c in self.contacts)


def verification_status(actor: Actor) -> list[PersonContactStatus]:
    """Every active person with each contact's verification and last test result; a person
    without one verified contact is flagged (A2-RESP-1)."""
    people = Person.objects.filter(is_active=True).order_by("code").prefetch_related(
        Prefetch("contact_points", queryset=ContactPoint.objects.order_by("priority", "id")
                 .prefetch_related(Prefetch("verifications",
                                            queryset=ContactVerification.objects.order_by(
                                                "-sent_at", "-id")))))
    if actor.is_vendor:
        people = people.filter(vendor_id=actor.vendor_scope)
    out = []
    for p in people:
        row = PersonContactStatus(code=p.code, name=p.name)
        for cp in p.contact_points.all():
            last = next(iter(cp.verifications.all()), None)
            row.contacts.append({
                "id": cp.pk, "kind": cp.kind, "address": cp.address,
                "verified_at": cp.verified_at,
                "last_result": last.status if last else None,
                "last_sent_at": last.sent_at if last else None,
                "is_failing": bool(last and last.status in ("failed", "expired"))})
        out.append(row)
    return out


# --- roster coverage -----------------------------------------------------------------------

COVERAGE_HORIZON_DAYS = 7


def _people_without_verified_contact(codes: set[str]) -> set[str]:
    """Of `codes`, who cannot be on call: inactive, or no verified contact (A2-RESP-1)."""
    ok = set(Person.objects.filter(code__in=codes, is_active=True,
                                   contact_points__verified_at__isnull=False)
             .values_list("code", flat=True))
    return codes - ok


def roster_coverage(roster: Roster, now: datetime | None = None,
                    days: int = COVERAGE_HORIZON_DAYS) -> dict[str, Any]:
    """Gaps in the next `days` (default a week ahead): covered time where nobody is on
    call or the person on call has no verified contact; nights and holidays follow the
    bank calendar (A1-II-3, A2-RESP-1)."""
    now = now or clock.now()
    zone = clock.display_zone()
    spec = roster_spec(roster)
    first = now.astimezone(zone).date() - timedelta(days=1)  # a night begun yesterday
    calendar = calendar_selectors.bank_calendar()
    span = [(first + timedelta(days=i), calendar.is_business_day(first + timedelta(days=i)))
            for i in range(days + 2)]
    windows = domain.covered_windows(roster.coverage, span, zone, roster.handover_hour,
                                     roster.night_start_hour)
    codes = set(spec.members) | {o.person for o in spec.overrides}
    unverified = _people_without_verified_contact(codes)
    gaps = domain.coverage_gaps(spec, windows, now, now + timedelta(days=days),
                                frozenset(unverified))
    names = dict(Person.objects.filter(code__in=codes).values_list("code", "name"))
    return {
        "roster": roster.code, "coverage": roster.coverage, "since": now,
        "until": now + timedelta(days=days),
        "members_without_verified_contact": sorted(c for c in unverified if c in spec.members),
        "gaps": [{"starts_at": g.starts_at, "ends_at": g.ends_at, "reason": g.reason,
                  "person": g.person, "person_name": names.get(g.person or "", "")}
                 for g in gaps]}
