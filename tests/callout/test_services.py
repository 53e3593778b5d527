"""Call-out services against the database: paging, fallback, durable escalation with tokens,
acknowledgement (link, API), loud failure, contact verification (C02, A2-RESP-1, M-3.3).

Channels are replaced by a deterministic fake here (escalation logic only); the channels'
own tests use a real SMTP server, and one test below sends through it end to end.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from antei.callout import channels, selectors, services
from antei.callout.models import Delivery, EscalationRun, Page
from antei.core.actor import Actor
from antei.core.errors import Conflict, InvalidInput
from antei.core.models import AuditEntry
from antei.incidents import services as incident_services
from antei.incidents.models import Incident, TimelineEntry
from antei.org.models import ContactPoint
from tests import factories

pytestmark = pytest.mark.django_db


class FakeChannels:
    """Records every send; addresses in `failing` fail like an SMTP 550 would."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, channels.Message]] = []
        self.failing: set[str] = set()

    def __call__(self, kind: str, address: str,
                 message: channels.Message) -> channels.DeliveryResult:
        self.sent.append((kind, address, message))
        ok = address not in self.failing
        return channels.DeliveryResult(ok=ok, channel=kind, address=address,
                                       detail="250 OK" if ok else "550 no such user",
                                       provider_id=f"id-{len(self.sent)}" if ok else "")

    def to(self, address: str) -> int:
        return sum(1 for _, a, _ in self.sent if a == address)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeChannels:
    sender = FakeChannels()
    monkeypatch.setattr(channels, "send", sender)
    return sender


def person(code: str, *emails: str) -> None:
    factories.person(code=code, contact_points=[
        {"kind": "email", "address": e, "priority": i} for i, e in enumerate(emails, 1)])


@pytest.fixture
def bank(admin_actor: Actor) -> dict[str, Any]:
    """Two duty engineers, a manager, the CIO; a rank-1 policy: duty → manager → CIO."""
    person("DUTY1", "duty1@example.jp", "duty1-home@example.jp")
    person("DUTY2", "duty2@example.jp")
    person("MGR", "mgr@example.jp")
    person("CIO", "cio@example.jp")
    system = factories.system(code="CORE")
    services.create_roster(actor=admin_actor, code="OPS", name="運用当番",
                           members=["DUTY1", "DUTY2"], rotation_days=7,
                           starts_on=datetime.now(tz=UTC).date() - timedelta(days=1))
    policy = services.create_policy(actor=admin_actor, code="R1", name="ランク1", rank=1, steps=[
        {"kind": "roster", "roster": "OPS", "wait_minutes": 10},
        {"kind": "person", "people": ["MGR"], "wait_minutes": 10, "repeats": 1},
        {"kind": "distribution", "people": ["CIO"], "wait_minutes": 30}])
    incident = incident_services.open_incident(
        actor=admin_actor, title="勘定系停止", rank=1, systems=[system.code],
        detected_at=datetime.now(tz=UTC) - timedelta(minutes=5))
    return {"policy": policy, "incident": incident}


def start(admin_actor: Actor, incident: Incident) -> EscalationRun:
    run = services.page_incident(actor=admin_actor, incident_id=incident.pk)
    services.deliver_pending(run_id=run.pk)
    return run


def pages(run: EscalationRun) -> list[tuple[str, int, str]]:
    return [(p.person.code, p.step_index, p.status)
            for p in Page.objects.filter(run=run).select_related("person").order_by("id")]


def test_paging_reaches_the_on_call_person_and_records_the_delivery(
        admin_actor: Actor, bank: dict[str, Any], fake: FakeChannels) -> None:
    run = start(admin_actor, bank["incident"])
    assert run.policy.code == "R1"  # chosen by rank
    assert pages(run) == [("DUTY1", 0, "sent")]
    assert fake.to("duty1@example.jp") == 1 and fake.to("duty1-home@example.jp") == 0
    message = fake.sent[0][2]
    assert "/ack/" in message.ack_url and bank["incident"].number in message.subject
    d = Delivery.objects.get()
    assert (d.ok, d.address, d.detail, d.provider_id) == (True, "duty1@example.jp", "250 OK",
                                                          "id-1")
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"callout.start", "callout.page.sent"} <= actions


def test_a_failing_contact_falls_back_to_the_next_contact_point(
        admin_actor: Actor, bank: dict[str, Any], fake: FakeChannels) -> None:
    fake.failing = {"duty1@example.jp"}
    run = start(admin_actor, bank["incident"])
    assert pages(run) == [("DUTY1", 0, "sent")]
    page = Page.objects.get()
    assert page.address == "duty1-home@example.jp"
    assert list(page.deliveries.values_list("address", "ok")) == [
        ("duty1@example.jp", False), ("duty1-home@example.jp", True)]


def test_an_unreachable_on_call_person_falls_back_to_the_next_on_the_roster(
        admin_actor: Actor, bank: dict[str, Any], fake: FakeChannels) -> None:
    fake.failing = {"duty1@example.jp", "duty1-home@example.jp"}
    run = start(admin_actor, bank["incident"])
    assert pages(run) == [("DUTY1", 0, "failed"), ("DUTY2", 0, "sent")]
    services.sweep(now=run.next_at)
    # Who was sent to and did not answer is 'escalated'; who could not be reached stays failed.
    assert pages(run)[:2] == [("DUTY1", 0, "failed"), ("DUTY2", 0, "escalated")]
    assert not TimelineEntry.objects.filter(text__startswith="CALL-OUT FAILED").exists()


def test_nobody_reachable_is_recorded_loudly_and_the_run_moves_on(
        admin_actor: Actor, bank: dict[str, Any], fake: FakeChannels) -> None:
    fake.failing = {"duty1@example.jp", "duty1-home@example.jp", "duty2@example.jp"}
    run = start(admin_actor, bank["incident"])
    failed = TimelineEntry.objects.filter(incident=bank["incident"],
                                          text__startswith="CALL-OUT FAILED")
    assert failed.count() == 1
    assert "/callout/call-tree/" in failed.get().text
    assert AuditEntry.objects.filter(action="callout.failed").count() == 1
    run.refresh_from_db()
    # Not waiting 10 minutes on a step that reached nobody: the next sweep escalates.
    assert services.sweep(now=run.next_at)["escalated"] == 1
    assert pages(run)[-1] == ("MGR", 1, "sent")


def test_an_unacknowledged_page_escalates_after_the_wait(
        admin_actor: Actor, bank: dict[str, Any], fake: FakeChannels) -> None:
    run = start(admin_actor, bank["incident"])
    assert services.sweep(now=run.next_at - timedelta(seconds=1))["escalated"] == 0
    assert services.sweep(now=run.next_at + timedelta(seconds=1))["escalated"] == 1
    assert pages(run) == [("DUTY1", 0, "escalated"), ("MGR", 1, "sent")]
    assert AuditEntry.objects.filter(action="callout.advance").count() == 1
    assert TimelineEntry.objects.filter(text__contains="call-out advance").exists()


def test_repeats_then_management_then_exhaustion_is_recorded(
        admin_actor: Actor, bank: dict[str, Any], fake: FakeChannels) -> None:
    run = start(admin_actor, bank["incident"])
    for _ in range(4):
        run.refresh_from_db()
        services.sweep(now=run.next_at)
    run.refresh_from_db()
    assert [(c, s) for c, s, _ in pages(run)] == [("DUTY1", 0), ("MGR", 1), ("MGR", 1),
                                                  ("CIO", 2)]
    assert run.state == "exhausted"
    assert TimelineEntry.objects.filter(text__startswith="CALL-OUT FAILED",
                                        text__contains="exhausted").count() == 1


def test_a_stale_token_does_nothing_and_a_double_sweep_sends_once(
        admin_actor: Actor, bank: dict[str, Any], fake: FakeChannels) -> None:
    run = start(admin_actor, bank["incident"])
    old_token, later = run.token, run.next_at + timedelta(minutes=1)
    assert services.escalate(run_id=run.pk, token="not-the-token", now=later) is False
    assert services.escalate(run_id=run.pk, token=old_token, now=later) is True
    services.deliver_pending(run_id=run.pk, now=later)
    # The timer that carried the old token fires late, and the sweep runs twice: no effect.
    assert services.escalate(run_id=run.pk, token=old_token, now=later) is False
    services.sweep(now=later)
    services.sweep(now=later)
    assert fake.to("mgr@example.jp") == 1
    assert len(pages(run)) == 2


def test_acknowledgement_stops_the_escalation(
        admin_actor: Actor, bank: dict[str, Any], fake: FakeChannels) -> None:
    run = start(admin_actor, bank["incident"])
    page = Page.objects.get()
    services.acknowledge_page(actor=admin_actor, page_id=page.pk)
    run.refresh_from_db()
    assert run.state == "acknowledged"
    assert services.sweep(now=run.next_at + timedelta(hours=1))["escalated"] == 0
    assert fake.to("mgr@example.jp") == 0
    with pytest.raises(Conflict):
        services.acknowledge_page(actor=admin_actor, page_id=page.pk)
    assert AuditEntry.objects.filter(action="callout.page.acknowledge").count() == 1
    view = selectors.callout_view(admin_actor, bank["incident"].pk)
    assert view["acknowledged"] == [page.person.name] and view["not_acknowledged"] == []


def test_the_live_view_names_who_has_not_acknowledged(
        admin_actor: Actor, bank: dict[str, Any], fake: FakeChannels) -> None:
    run = start(admin_actor, bank["incident"])
    services.sweep(now=run.next_at)
    view = selectors.callout_view(admin_actor, bank["incident"].pk)
    assert view["acknowledged"] == []
    assert len(view["not_acknowledged"]) == 2
    assert view["runs"][0]["step"] == 2


def test_one_call_out_at_a_time_and_no_policy_is_an_input_error(
        admin_actor: Actor, bank: dict[str, Any], fake: FakeChannels) -> None:
    start(admin_actor, bank["incident"])
    with pytest.raises(Conflict):
        services.page_incident(actor=admin_actor, incident_id=bank["incident"].pk)
    other = incident_services.open_incident(
        actor=admin_actor, title="軽微", rank=3, systems=["CORE"],
        detected_at=datetime.now(tz=UTC))
    with pytest.raises(InvalidInput) as exc:
        services.page_incident(actor=admin_actor, incident_id=other.pk)
    assert exc.value.errors[0].field == "policy"


def test_ack_link_works_without_login_once_and_refuses_tampering(
        admin_actor: Actor, bank: dict[str, Any], fake: FakeChannels) -> None:
    start(admin_actor, bank["incident"])
    url = fake.sent[0][2].ack_url
    path = url[url.index("/ack/"):]
    anonymous = Client()
    shown = anonymous.get(path)
    assert shown.status_code == 200 and "応答する / Acknowledge" in shown.content.decode()
    assert Page.objects.get().acknowledged_at is None  # a GET (link scanner) changes nothing
    assert anonymous.post(path).status_code == 200
    page = Page.objects.get()
    assert (page.status, page.acknowledged_via) == ("acknowledged", "link")
    assert anonymous.post(path).status_code == 409  # single use
    tampered = path.replace("page:", "page:9")
    assert anonymous.post(tampered).status_code == 400
    assert anonymous.post(path[:-3] + "xx/").status_code == 400
    entry = AuditEntry.objects.get(action="callout.page.acknowledge")
    assert entry.actor == f"link:{page.person.code}" and entry.source == "web"


def test_verification_sends_a_test_and_the_link_verifies_the_contact(
        admin_actor: Actor, bank: dict[str, Any], fake: FakeChannels) -> None:
    cp = ContactPoint.objects.get(address="mgr@example.jp")
    row = services.verify_contact_point(actor=admin_actor, contact_id=cp.pk)
    assert row.status == "sent" and fake.to("mgr@example.jp") == 1
    flagged = {r.code for r in selectors.verification_status(admin_actor)
               if not r.has_verified_contact}
    assert {"DUTY1", "DUTY2", "MGR", "CIO"} <= flagged
    url = fake.sent[-1][2].ack_url
    assert Client().post(url[url.index("/ack/"):]).status_code == 200
    cp.refresh_from_db()
    assert cp.verified_at is not None
    flagged = {r.code for r in selectors.verification_status(admin_actor)
               if not r.has_verified_contact}
    assert "MGR" not in flagged and "CIO" in flagged
    assert AuditEntry.objects.filter(action="contact_point.verified").count() == 1


def test_a_failing_or_unanswered_check_is_listed_as_failing(
        admin_actor: Actor, bank: dict[str, Any], fake: FakeChannels) -> None:
    fake.failing = {"cio@example.jp"}
    cio = ContactPoint.objects.get(address="cio@example.jp")
    mgr = ContactPoint.objects.get(address="mgr@example.jp")
    assert services.verify_contact_point(actor=admin_actor, contact_id=cio.pk).status == "failed"
    row = services.verify_contact_point(actor=admin_actor, contact_id=mgr.pk, window_minutes=5)
    assert services.sweep(now=row.expires_at + timedelta(seconds=1))["expired"] == 1
    failing = {c["address"] for r in selectors.verification_status(admin_actor)
               for c in r.contacts if c["is_failing"]}
    assert failing == {"cio@example.jp", "mgr@example.jp"}
    url = fake.sent[-1][2].ack_url
    assert Client().post(url[url.index("/ack/"):]).status_code == 400  # too late
    mgr.refresh_from_db()
    assert mgr.verified_at is None


def test_the_call_tree_lists_names_numbers_and_order(bank: dict[str, Any]) -> None:
    tree = selectors.call_tree(bank["policy"].pk)
    assert [[p["code"] for p in s["people"]] for s in tree["steps"]] == [
        ["DUTY1", "DUTY2"], ["MGR"], ["CIO"]]
    assert tree["steps"][0]["people"][0]["contacts"][1]["address"] == "duty1-home@example.jp"


def test_policy_validation_names_the_field(admin_actor: Actor, bank: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput) as exc:
        services.create_policy(actor=admin_actor, code="BAD", name="x", steps=[
            {"kind": "person", "people": ["MGR"], "wait_minutes": 5},
            {"kind": "person", "people": ["CIO"], "wait_minutes": 5, "next_step": 0}])
    assert [(e.field, e.rule) for e in exc.value.errors] == [("steps[1].next_step", "step_loop")]
    with pytest.raises(InvalidInput) as exc:
        services.create_policy(actor=admin_actor, code="BAD", name="x", steps=[
            {"kind": "person", "people": ["NOBODY"], "wait_minutes": 5}])
    assert exc.value.errors[0].field == "steps[0].people"


def test_email_page_through_a_real_smtp_server(
        admin_actor: Actor, bank: dict[str, Any], smtp_server: Any) -> None:
    run = start(admin_actor, bank["incident"])
    assert pages(run) == [("DUTY1", 0, "sent")]
    assert len(smtp_server.messages) == 1
    assert "/ack/" in smtp_server.messages[0].get_body().get_content()
    assert Delivery.objects.get().ok
