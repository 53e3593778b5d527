"""REST endpoints of call-out: policies, rosters, paging, acknowledgement, contact
verification (C02, A2-RESP-1, A1-II-3, A1-II-5)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from antei.callout import selectors, services
from antei.callout.models import EscalationPolicy, Roster
from antei.callout.schemas import (
    CalloutRunOut,
    CalloutStatusOut,
    CoverageOut,
    PageIn,
    PageOut,
    PersonStatusOut,
    PolicyIn,
    PolicyOut,
    RosterIn,
    RosterOut,
    RunOut,
    ShiftIn,
    ShiftOut,
    StepOut,
    VerificationOut,
    VerificationStatusOut,
    VerifyIn,
    WarningOut,
)
from antei.core.api import PROBLEM_RESPONSES, actor, require
from antei.core.errors import InvalidInput
from antei.core.roles import Perm
from antei.incidents import selectors as incident_selectors

router = Router(tags=["call-out"])
VIEW, EDIT = require(Perm.INCIDENT_VIEW), require(Perm.CALLOUT_EDIT)


def _responses(ok: int, schema: object) -> dict[int, object]:
    return {ok: schema, **PROBLEM_RESPONSES}


def _policy(p: EscalationPolicy) -> PolicyOut:
    return PolicyOut(
        id=p.pk, code=p.code, name=p.name, rank=p.rank,
        system=p.system.code if p.system else None, description=p.description,
        steps=[StepOut(position=s.position, kind=s.kind, wait_minutes=s.wait_minutes,
                       repeats=s.repeats, people=list(s.people),
                       roster=s.roster.code if s.roster else None, next_step=s.next_step)
               for s in p.steps.all()])


def _roster(r: Roster) -> RosterOut:
    return RosterOut(id=r.pk, code=r.code, name=r.name,
                     members=[m.person.code for m in r.members.all()],
                     rotation_days=r.rotation_days, starts_on=r.starts_on,
                     handover_hour=r.handover_hour, coverage=r.coverage,
                     night_start_hour=r.night_start_hour, on_call=selectors.on_call(r))


def _page(p: dict[str, Any]) -> PageOut:
    return PageOut(id=p["id"], recipient=p["person"], recipient_name=p["person_name"],
                   step=p["step"], round=p["round"], channel=p["channel"], status=p["status"],
                   sent_at=p["sent_at"], acknowledged_at=p["acknowledged_at"],
                   acknowledged_via=p["acknowledged_via"], deliveries=p["deliveries"])


@router.get("/escalation-policies", auth=VIEW, response=_responses(200, list[PolicyOut]))
def list_policies(request: HttpRequest) -> list[PolicyOut]:
    return [_policy(p) for p in selectors.list_policies()]


@router.post("/escalation-policies", auth=EDIT, response=_responses(201, PolicyOut))
def create_policy(request: HttpRequest, payload: PolicyIn) -> Status[object]:
    """Steps run in order; a step may jump forward (`next_step`), never back (no loops)."""
    data = payload.dict()
    policy = services.create_policy(actor=actor(request), **data)
    return Status(201, _policy(selectors.get_policy(policy.pk)))


def _same_code(code: str, body_code: str) -> None:
    if body_code != code:
        raise InvalidInput.one("code", "code_fixed", value=code)


@router.put("/escalation-policies/{code}", auth=EDIT, response=_responses(200, PolicyOut))
def replace_policy(request: HttpRequest, code: str, payload: PolicyIn) -> object:
    """Replace the policy (same body as POST; the code cannot change). Refused (409
    policy_running) while a call-out of the policy is running."""
    _same_code(code, payload.code)
    policy = services.update_policy(actor=actor(request), **payload.dict())
    return _policy(selectors.get_policy(policy.pk))


@router.delete("/escalation-policies/{code}", auth=EDIT, response=_responses(204, None))
def delete_policy(request: HttpRequest, code: str) -> Status[None]:
    """Refused (409) while running (policy_running) or while an incident's call-out
    record refers to it (in_use)."""
    services.delete_policy(actor=actor(request), code=code)
    return Status(204, None)


@router.get("/rosters", auth=VIEW, response=_responses(200, list[RosterOut]))
def list_rosters(request: HttpRequest) -> list[RosterOut]:
    return [_roster(r) for r in selectors.list_rosters()]


@router.post("/rosters", auth=EDIT, response=_responses(201, RosterOut))
def create_roster(request: HttpRequest, payload: RosterIn) -> Status[object]:
    roster = services.create_roster(actor=actor(request), **payload.dict())
    return Status(201, _roster(selectors.list_rosters().get(pk=roster.pk)))


@router.put("/rosters/{code}", auth=EDIT, response=_responses(200, RosterOut))
def replace_roster(request: HttpRequest, code: str, payload: RosterIn) -> object:
    """Replace the roster's settings and members (same body as POST; shifts stay)."""
    _same_code(code, payload.code)
    roster = services.update_roster(actor=actor(request), **payload.dict())
    return _roster(selectors.list_rosters().get(pk=roster.pk))


@router.delete("/rosters/{code}", auth=EDIT, response=_responses(204, None))
def delete_roster(request: HttpRequest, code: str) -> Status[None]:
    """Refused (409 in_use) while an escalation policy's step pages the roster."""
    services.delete_roster(actor=actor(request), code=code)
    return Status(204, None)


@router.get("/rosters/{code}/coverage", auth=VIEW, response=_responses(200, CoverageOut))
def roster_coverage(request: HttpRequest, code: str) -> object:
    """Gaps in the coming week: covered time (nights / holidays by the business calendar)
    where nobody is on call or the person on call cannot be reached (A1-II-3, A2-RESP-1)."""
    return selectors.roster_coverage(selectors.get_roster(code))


@router.post("/rosters/{code}/shifts", auth=EDIT, response=_responses(201, ShiftOut))
def add_shift(request: HttpRequest, code: str, payload: ShiftIn) -> Status[object]:
    """A shift or cover; overlapping shifts for one person are a 422."""
    row = services.add_roster_override(actor=actor(request), roster=code, **payload.dict())
    return Status(201, ShiftOut(id=row.pk, roster=code, person=row.person.code,
                                starts_at=row.starts_at, ends_at=row.ends_at))


@router.post("/incidents/{incident_id}/page", auth=EDIT, response=_responses(201, RunOut))
def page_incident(request: HttpRequest, incident_id: int, payload: PageIn) -> Status[object]:
    """Start the call-out; the pages go out from the worker within seconds."""
    incident_selectors.get_incident(actor(request), incident_id)  # scope check first
    run = services.page_incident(actor=actor(request), incident_id=incident_id,
                                 policy=payload.policy)
    return Status(201, RunOut(id=run.pk, incident=incident_id, policy=run.policy.code,
                              state=run.state, step=run.step_index + 1, next_at=run.next_at,
                              pages=run.pages.count()))


@router.get("/incidents/{incident_id}/pages", auth=VIEW, response=_responses(200, list[PageOut]))
def list_pages(request: HttpRequest, incident_id: int) -> list[PageOut]:
    """Who was paged, by what, when, and who acknowledged."""
    return [_page(p) for p in selectors.list_pages(actor(request), incident_id)]


@router.get("/incidents/{incident_id}/callout", auth=VIEW,
            response=_responses(200, CalloutStatusOut))
def callout_status(request: HttpRequest, incident_id: int) -> object:
    """The incident's call-outs, who acknowledged and who has NOT, and warnings such as a
    first report (第1報) that was not paged (M-3.3, A1-II-5)."""
    view = selectors.callout_view(actor(request), incident_id)
    warning = view["first_report_warning"]
    return CalloutStatusOut(
        incident=incident_id,
        runs=[CalloutRunOut(id=r["id"], policy=r["policy"], trigger=r["trigger"],
                            state=r["state"], step=r["step"], next_at=r["next_at"])
              for r in view["runs"]],
        acknowledged=view["acknowledged"], not_acknowledged=view["not_acknowledged"],
        warnings=[WarningOut(code=warning["code"], message_ja=warning["ja"],
                             message_en=warning["en"])] if warning else [])


@router.post("/pages/{page_id}/ack", auth=EDIT, response=_responses(200, PageOut))
def acknowledge_page(request: HttpRequest, page_id: int) -> object:
    """Acknowledging stops the escalation; a second acknowledgement is a 409."""
    page = services.acknowledge_page(actor=actor(request), page_id=page_id)
    return next(_page(p) for p in selectors.list_pages(actor(request), page.incident_id)
                if p["id"] == page.pk)


@router.post("/contact-points/{contact_id}/verify", auth=EDIT,
             response=_responses(201, VerificationOut))
def verify_contact_point(request: HttpRequest, contact_id: int,
                         payload: VerifyIn) -> Status[object]:
    """Send a test message; the contact is verified when its link is followed in time."""
    row = services.verify_contact_point(actor=actor(request), contact_id=contact_id,
                                        window_minutes=payload.window_minutes)
    return Status(201, VerificationOut(id=row.pk, contact_point=contact_id, status=row.status,
                                       sent_at=row.sent_at, expires_at=row.expires_at))


@router.get("/contact-verification/status", auth=VIEW,
            response=_responses(200, VerificationStatusOut))
def verification_status(request: HttpRequest) -> object:
    rows = selectors.verification_status(actor(request))
    return VerificationStatusOut(
        people=[PersonStatusOut(person=r.code, name=r.name, contacts=r.contacts,  # type: ignore[arg-type]
                                has_verified_contact=r.has_verified_contact) for r in rows],
        unverified_people=[r.code for r in rows if not r.has_verified_contact],
        failing_contacts=[c["id"] for r in rows for c in r.contacts if c["is_failing"]])
