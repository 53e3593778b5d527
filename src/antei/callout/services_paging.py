"""Writers for paging: start a call-out, deliver pages (falling back along contacts and the
roster), escalate on durable timers, acknowledge. One transaction each, audited in it.

How a call-out runs (durable: every fact is a row, nothing lives only in memory):
1. `page_incident` creates the run at step 0 with a fresh `token`, one *pending* page per
   recipient, and, on commit, enqueues delivery and an `escalate(run, token)` timer for
   `next_at`.
2. `deliver_pending` claims each pending page, tries the person's contact points by priority
   through `channels.send` (one Delivery row per attempt), and marks it sent or failed.
   A roster page that failed falls back to the next person on the roster. A step whose
   every page failed is recorded loudly (timeline 'CALL-OUT FAILED' + audit) and the run
   moves on at once.
3. `escalate(run, token)` acts only if the token is still the run's: a stale or duplicate
   timer does nothing. The periodic `sweep` does the same for every due run, so a lost
   timer only delays a step by one sweep.
4. Any acknowledgement stops the run (the token changes, so pending timers go stale).

Catalog: C02, A2-RESP-1, A1-II-3, A1-II-5, M-3.3.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q

from antei.callout import channels, domain, selectors
from antei.callout import services_links as links
from antei.callout.domain import PageStatus, RunState, StepKind
from antei.callout.models import (
    CalloutFailure,
    Delivery,
    EscalationPolicy,
    EscalationRun,
    Page,
    Roster,
    RosterMember,
)
from antei.core import audit, clock, registry
from antei.core.actor import Actor, system_actor
from antei.core.errors import InvalidInput
from antei.core.roles import Perm
from antei.incidents import services as incident_services
from antei.incidents.models import Incident
from antei.org.models import ContactPoint, Person

log = logging.getLogger(__name__)


def _claim_timeout() -> timedelta:
    """A sender that died mid-delivery (killed worker) has its pages retried after this."""
    return timedelta(seconds=settings.CALLOUT_CLAIM_SECONDS)


DELIVERY_CHUNK = 25  # pages per delivery task (see deliver_pending)
TRIGGER_MANUAL, TRIGGER_OPENED, TRIGGER_FIRST_REPORT = "manual", "opened", "first_report"


# --- paging --------------------------------------------------------------------------------


def _policy_for(incident: Incident, code: str | None) -> EscalationPolicy:
    if code:
        return registry.resolve_required(EscalationPolicy, "policy", code,
                                         kind="escalation policy")
    found = selectors.policy_for(incident.rank,
                                 list(incident.systems.values_list("pk", flat=True)))
    if found is None:
        raise InvalidInput.one("policy", "unknown", kind="escalation policy",
                               value=f"rank {incident.rank}")
    return found


def page_incident(*, actor: Actor, incident_id: int, policy: str | None = None,
                  now: datetime | None = None) -> EscalationRun:
    """Start the call-out for an incident: the policy for its rank (and system) unless one
    is named; step 0 is paged at once (C02, A1-II-5). Opening an incident does this by
    itself (`services_auto`); this is for a second call-out or another policy."""
    registry.require(actor, Perm.CALLOUT_EDIT)
    now = now or clock.now()
    with transaction.atomic():
        incident = registry.get(Incident, "incident", pk=incident_id)
        if (EscalationRun.objects.filter(incident=incident, state=RunState.ACTIVE)
                .exclude(trigger=TRIGGER_FIRST_REPORT).exists()):
            raise links.conflict("incident", "callout_active")
        return start_run(actor=actor, incident=incident, policy=_policy_for(incident, policy),
                         now=now)


def start_run(*, actor: Actor, incident: Incident, policy: EscalationPolicy, now: datetime,
              trigger: str = TRIGGER_MANUAL, report: int | None = None) -> EscalationRun:
    """Create the run and page its first step; the caller holds the transaction. An
    automatic trigger that already ran for the incident raises IntegrityError."""
    run = EscalationRun(incident=incident, policy=policy, token=links.new_token(),
                        next_at=now, started_at=now, started_by=actor.username,
                        trigger=trigger, report_id=report)
    steps = selectors.run_steps(run)
    if not steps:
        raise InvalidInput.one("policy", "policy_no_steps")
    run.next_at = now + timedelta(minutes=steps[0].wait_minutes)
    with transaction.atomic():  # a duplicate automatic run fails here, nothing else
        run.save()
    pages = _page_step(run, steps[0], now)
    audit.record(actor=actor, action="callout.start", obj=run,
                 after={**audit.snapshot(run), "pages": [p.person.code for p in pages]})
    what = ("第1報送付 / first report sent to management" if trigger == TRIGGER_FIRST_REPORT
            else "呼出し開始 / call-out started")
    incident_services.add_timeline_entry(
        actor=system_actor(), incident_id=incident.pk, kind="communication",
        text=f"{what}: {policy.code} — " + (", ".join(p.person.name for p in pages) or "—"))
    if not pages:
        _raise_failure(run, "no_recipients", now)
    _schedule(run)
    return run


def _on_call_reachable(roster: Roster, at: datetime) -> tuple[Person | None, Person | None]:
    """(who to page, who was skipped). A person without a verified contact point is not on
    call (A2-RESP-1): the next member on the roster who has one is paged instead. When no
    member has one, the person on call is paged anyway (trying beats paging nobody) and the
    coverage warning has said so for a week."""
    spec = selectors.roster_spec(roster)
    on_call = domain.current_on_call(spec, at)
    if on_call is None:
        return None, None
    order = [on_call, *domain.fallback_order(list(spec.members), on_call)]
    people = {p.code: p for p in Person.objects.filter(code__in=order, is_active=True)}
    verified = set(ContactPoint.objects.filter(person__code__in=order,
                                               verified_at__isnull=False)
                   .values_list("person__code", flat=True))
    chosen = next((c for c in order if c in people and c in verified), None)
    if chosen is None or chosen == on_call:
        return people.get(on_call), None
    return people[chosen], Person.objects.filter(code=on_call).first()


def _recipients(step: domain.StepSpec, at: datetime
                ) -> tuple[list[Person], Roster | None, Person | None]:
    if step.kind == StepKind.ROSTER:
        roster = Roster.objects.get(code=step.roster)
        person, skipped = _on_call_reachable(roster, at)
        return ([person] if person else []), roster, skipped
    people = {p.code: p for p in Person.objects.filter(code__in=step.people, is_active=True)}
    return [people[c] for c in step.people if c in people], None, None


def _page_step(run: EscalationRun, step: domain.StepSpec, now: datetime) -> list[Page]:
    people, roster, skipped = _recipients(step, now)
    if skipped is not None and people:
        actor = system_actor()
        audit.record(actor=actor, action="callout.page.skip_unverified", obj=run,
                     after={"skipped": skipped.code, "instead": people[0].code})
        incident_services.add_timeline_entry(
            actor=actor, incident_id=run.incident_id, kind="communication",
            text=f"当番 {skipped.name} は確認済みの連絡先がないため {people[0].name} を呼出し / "
                 f"{skipped.name} has no verified contact: calling {people[0].name}")
    return [Page.objects.create(run=run, incident_id=run.incident_id, person=p,
                                step_index=run.step_index, round=run.round, roster=roster,
                                created_at=now) for p in people]


def _schedule(run: EscalationRun) -> None:
    """On commit: deliver the new pages and set the step's timer (the sweep backs both up)."""
    run_id, token, at = run.pk, run.token, run.next_at

    def enqueue() -> None:
        from antei.callout import tasks

        tasks.deliver_pages.enqueue(run_id)
        tasks.escalate.using(run_after=at).enqueue(run_id, token)

    transaction.on_commit(enqueue, robust=True)


def _raise_failure(run: EscalationRun, reason: str, now: datetime) -> bool:
    """Record, once per step and round, that nobody could be reached: the timeline says
    CALL-OUT FAILED and the run moves on at the next sweep (A2-RESP-1)."""
    try:
        with transaction.atomic():
            CalloutFailure.objects.create(run=run, step_index=run.step_index, round=run.round,
                                          raised_at=now, reason=reason)
    except IntegrityError:
        return False
    actor = system_actor()
    tried = list(run.pages.filter(step_index=run.step_index, round=run.round)
                 .select_related("person"))
    who = ", ".join(p.person.name for p in tried) or "—"
    text = (f"CALL-OUT FAILED / 呼出し失敗: step {run.step_index + 1} "
            f"({reason}); tried: {who}. 連絡網（印刷用）で電話連絡してください / "
            f"use the printable call tree: /callout/call-tree/{run.policy_id}/")
    incident_services.add_timeline_entry(actor=actor, incident_id=run.incident_id,
                                         kind="status", text=text)
    audit.record(actor=actor, action="callout.failed", obj=run,
                 after={"step": run.step_index, "round": run.round, "reason": reason,
                        "tried": [p.person.code for p in tried]})
    if run.state == RunState.ACTIVE and reason != "exhausted":
        run.next_at, run.token = now, links.new_token()
        run.save(update_fields=["next_at", "token"])
        _schedule(run)
    return True


# --- delivery ------------------------------------------------------------------------------


def _page_message(page: Page) -> channels.Message:
    i = page.incident
    url = links.ack_url(links.sign("page", page.pk))
    report = page.run.report if page.run.trigger == TRIGGER_FIRST_REPORT else None
    if report is not None:  # the 第1報 itself, unknowns marked as such (M-3.3, A1-II-5)
        lines = "\n".join(f"{line.get('label_ja')}: {line.get('value_ja')}"
                          for line in report.lines)
        return channels.Message(
            subject=f"[antei] 第1報 / first report {i.number} R{i.rank} {i.title}",
            body=(f"第1報 / First report — {i.number} ランク{i.rank}\n{lines}\n\n"
                  f"受領したら応答してください / Acknowledge receipt: {url}\n"),
            ack_url=url, reference=f"page-{page.pk}")
    return channels.Message(
        subject=f"[antei] {i.number} R{i.rank} {i.title}",
        body=(f"障害対応の呼出しです / You are being called out.\n{i.number} ランク{i.rank}: "
              f"{i.title}\n{i.summary}\n\n受領したら応答してください / Acknowledge: {url}\n"),
        ack_url=url, reference=f"page-{page.pk}")


def deliver_pending(*, run_id: int | None = None, now: datetime | None = None,
                    limit: int | None = None) -> int:
    """Deliver pending pages (of one run, or all; at most `limit`); returns how many were
    attempted. The worker delivers in chunks of DELIVERY_CHUNK so that a due escalation
    timer of another incident runs between chunks, not after a thousand e-mails."""
    now = now or clock.now()
    attempted = 0
    for _ in range(50):  # fallback pages are created while delivering: a few passes
        stale = now - _claim_timeout()
        qs = Page.objects.filter(status=PageStatus.PENDING).filter(
            Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
        if run_id is not None:
            qs = qs.filter(run_id=run_id)
        room = 200 if limit is None else min(200, limit - attempted)
        ids = list(qs.order_by("id").values_list("id", flat=True)[:room]) if room > 0 else []
        if not ids:
            break
        for page_id in ids:
            attempted += _deliver_page(page_id, now)
    return attempted


def _deliver_page(page_id: int, now: datetime) -> int:
    # The claim is a conditional update: of two senders, one gets the row.
    claimed = (Page.objects.filter(pk=page_id, status=PageStatus.PENDING)
               .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - _claim_timeout()))
               .update(claimed_at=now))
    if not claimed:
        return 0
    page = Page.objects.select_related("person", "incident", "run__report").get(pk=page_id)
    message = _page_message(page)
    attempts: list[tuple[ContactPoint, channels.DeliveryResult]] = []
    for cp in page.person.contact_points.order_by("priority", "id"):
        result = links.send(cp.kind, cp.address, message)
        attempts.append((cp, result))
        if result.ok:
            break  # reached: later contact points are the fallbacks (A2-RESP-1)
    with transaction.atomic():
        page = registry.get(Page, "page", pk=page_id)
        for cp, r in attempts:
            Delivery.objects.create(page=page, contact_point=cp, channel=r.channel or cp.kind,
                                    address=r.address or cp.address, ok=r.ok,
                                    detail=r.detail[:4000], provider_id=r.provider_id[:200],
                                    at=now)
        if page.status != PageStatus.PENDING:  # acknowledged meanwhile (another route)
            return 1
        before = audit.snapshot(page)
        reached = next(((cp, r) for cp, r in attempts if r.ok), None)
        if reached:
            page.status, page.sent_at = PageStatus.SENT, now
            page.channel, page.address = reached[0].kind, reached[0].address
        else:
            page.status = PageStatus.FAILED
        page.save()
        audit.record(actor=system_actor(), action=f"callout.page.{page.status}", obj=page,
                     before=before, after={**audit.snapshot(page),
                                           "attempts": len(attempts)})
        run = registry.get(EscalationRun, "call-out", pk=page.run_id)
        if page.status == PageStatus.FAILED and run.state == RunState.ACTIVE:
            _fallback(run, page, now)
            _check_step_reached(run, now)
    return 1


def _fallback(run: EscalationRun, failed: Page, now: datetime) -> None:
    """A roster page that reached nobody: page the next person on the roster."""
    if failed.roster_id is None or (failed.step_index, failed.round) != (run.step_index,
                                                                         run.round):
        return
    tried = set(run.pages.filter(step_index=run.step_index, round=run.round)
                .values_list("person__code", flat=True))
    members = list(RosterMember.objects.filter(roster_id=failed.roster_id)
                   .order_by("position").values_list("person__code", flat=True))
    for code in domain.fallback_order(members, failed.person.code):
        person = Person.objects.filter(code=code, is_active=True).first()
        if code not in tried and person is not None:
            page = Page.objects.create(run=run, incident_id=run.incident_id, person=person,
                                       step_index=run.step_index, round=run.round,
                                       roster_id=failed.roster_id, created_at=now)
            audit.record(actor=system_actor(), action="callout.page.fallback", obj=page,
                         after={"instead_of": failed.person.code, "person": code})
            return


def _check_step_reached(run: EscalationRun, now: datetime) -> None:
    pages = run.pages.filter(step_index=run.step_index, round=run.round)
    if pages.exclude(status=PageStatus.FAILED).exists():
        return
    _raise_failure(run, "unreachable", now)


# --- escalation ----------------------------------------------------------------------------


def escalate(*, run_id: int, token: str, now: datetime | None = None) -> bool:
    """Move a run on if its step's wait is over and nobody acknowledged. Acts only if
    `token` is still the run's: a stale or duplicate timer does nothing (returns False)."""
    now = now or clock.now()
    actor = system_actor()
    with transaction.atomic():
        run = EscalationRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.token != token or run.state != RunState.ACTIVE:
            return False
        steps = selectors.run_steps(run)
        snapshot = domain.RunSnapshot(
            step_index=run.step_index, round=run.round, next_at=run.next_at,
            is_active=run.state == RunState.ACTIVE,
            is_acknowledged=run.pages.filter(acknowledged_at__isnull=False).exists(),
            is_unreachable=run.failures.filter(step_index=run.step_index,
                                               round=run.round).exists())
        action = domain.next_action(steps, snapshot, now)
        if action.kind in (domain.ActionKind.WAIT, domain.ActionKind.STOP):
            return False
        before = audit.snapshot(run)
        run.pages.filter(step_index=run.step_index, round=run.round,
                         status=PageStatus.SENT).update(status=PageStatus.ESCALATED)
        if action.kind is domain.ActionKind.EXHAUSTED:
            run.state, run.ended_at, run.token = RunState.EXHAUSTED, now, links.new_token()
            run.save()
            audit.record(actor=actor, action="callout.exhausted", obj=run, before=before,
                         after=audit.snapshot(run))
            _raise_failure(run, "exhausted", now)
            return True
        run.step_index, run.round, run.token = action.step_index, action.round, links.new_token()
        run.next_at = now + timedelta(minutes=steps[action.step_index].wait_minutes)
        run.save()
        pages = _page_step(run, steps[action.step_index], now)
        audit.record(actor=actor, action=f"callout.{action.kind.value}", obj=run, before=before,
                     after={**audit.snapshot(run), "pages": [p.person.code for p in pages]})
        incident_services.add_timeline_entry(
            actor=actor, incident_id=run.incident_id, kind="communication",
            text=f"呼出しエスカレーション / call-out {action.kind.value}: step "
                 f"{action.step_index + 1} — " + (", ".join(p.person.name for p in pages)
                                                  or "—"))
        if not pages:
            _raise_failure(run, "no_recipients", now)
        _schedule(run)
        return True


# --- acknowledgement -----------------------------------------------------------------------


def acknowledge_page(*, actor: Actor, page_id: int, now: datetime | None = None) -> Page:
    """Acknowledge a page (API, CLI, or a logged-in user): the call-out stops."""
    registry.require(actor, Perm.CALLOUT_EDIT)
    return acknowledge(actor, page_id, actor.source.value, now or clock.now())


def acknowledge(actor: Actor, page_id: int, via: str, now: datetime) -> Page:
    with transaction.atomic():
        page = registry.get(Page, "page", pk=page_id)
        if page.acknowledged_at is not None:
            raise links.conflict("page", "already_acknowledged")
        before = audit.snapshot(page)
        page.status, page.acknowledged_at, page.acknowledged_via = (
            PageStatus.ACKNOWLEDGED, now, via)
        page.save()
        run = registry.get(EscalationRun, "call-out", pk=page.run_id)
        if run.state == RunState.ACTIVE:
            run.state, run.ended_at, run.token = RunState.ACKNOWLEDGED, now, links.new_token()
            run.save(update_fields=["state", "ended_at", "token"])
        audit.record(actor=actor, action="callout.page.acknowledge", obj=page, before=before,
                     after=audit.snapshot(page))
        incident_services.add_timeline_entry(
            actor=system_actor(), incident_id=page.incident_id, kind="communication",
            text=f"呼出し応答 / acknowledged: {page.person.name} ({via})")
        if run.trigger == TRIGGER_FIRST_REPORT:
            _management_aware(run.incident_id, page.person.name, now)
        return page


def _management_aware(incident_id: int, who: str, now: datetime) -> None:
    """A manager acknowledged the 第1報: management is aware (the A1-II-5 SLA milestone),
    unless someone recorded it already or the timestamps would be out of order."""
    incident = Incident.objects.get(pk=incident_id)
    if incident.management_aware_at is not None:
        return
    try:
        with transaction.atomic():
            incident_services.record_milestone(
                actor=system_actor(), incident_id=incident_id, milestone="management_aware",
                at=now, note=f"第1報受領 / first report acknowledged: {who}")
    except InvalidInput:
        log.warning("management-aware not recorded for incident %s", incident_id)


