"""Acknowledging a page by replying to its e-mail (C02, A2-RESP-1): the reply quotes the
signed link and comes from the paged person's own address. Real SMTP both ways: the page
goes out through the local aiosmtpd server, the reply comes in through the inbox listener
that `antei callout smtp-inbox` runs."""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from antei.callout import inbox, services
from antei.callout.models import EscalationRun, Page
from antei.core.actor import Actor
from antei.incidents import services as incident_services
from tests.callout.bank import EMAILS, make_bank
from tests.callout.conftest import free_port


def reply_to(original: EmailMessage, sender: str, mangle: Any = str) -> bytes:
    reply = EmailMessage()
    reply["From"], reply["To"] = sender, str(original["From"])
    reply["Subject"] = "Re: " + str(original["Subject"])
    reply["In-Reply-To"] = str(original["Message-ID"])
    quoted = "\n".join("> " + line for line in original.get_body().get_content().splitlines())
    reply.set_content(mangle(f"了解、向かいます。\n\n{quoted}\n"))
    return reply.as_bytes()


def paged(admin_actor: Actor, smtp_server: Any) -> tuple[EscalationRun, EmailMessage]:
    make_bank(admin_actor)
    incident = incident_services.open_incident(
        actor=admin_actor, title="勘定系停止", rank=1, systems=["CORE"],
        detected_at=datetime.now(tz=UTC) - timedelta(minutes=1))
    # Started on commit by the desk's hook when the test commits; by hand otherwise.
    run = (EscalationRun.objects.filter(incident=incident).first()
           or services.page_incident(actor=admin_actor, incident_id=incident.pk))
    services.deliver_pending(run_id=run.pk)
    return run, smtp_server.messages[0]


@pytest.mark.django_db(transaction=True)
def test_a_reply_through_the_inbox_listener_acknowledges_and_stops_the_escalation(
        admin_actor: Actor, smtp_server: Any) -> None:
    run, page_mail = paged(admin_actor, smtp_server)
    port = free_port()
    controller = Controller(inbox.InboxHandler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            # Someone else forwarding the page cannot acknowledge it for the duty manager.
            with pytest.raises(smtplib.SMTPDataError) as refused:
                smtp.sendmail("boss@elsewhere.example", ["antei@bank.example"],
                              reply_to(page_mail, "boss@elsewhere.example"))
            assert refused.value.smtp_code == 550
            smtp.sendmail(EMAILS["DUTY1"], ["antei@bank.example"],
                          reply_to(page_mail, EMAILS["DUTY1"]))
    finally:
        controller.stop()
    page = Page.objects.get(run=run)
    assert (page.status, page.acknowledged_via) == ("acknowledged", "email")
    run.refresh_from_db()
    assert run.state == "acknowledged"


@pytest.mark.django_db
def test_a_reply_without_a_valid_link_acknowledges_nothing(
        admin_actor: Actor, smtp_server: Any) -> None:
    run, page_mail = paged(admin_actor, smtp_server)
    tampered = reply_to(page_mail, EMAILS["DUTY1"],
                        lambda text: text.replace("/ack/page:", "/ack/page:9"))
    assert inbox.accept(tampered, "127.0.0.1").startswith("550")
    assert inbox.accept(b"From: " + EMAILS["DUTY1"].encode() + b"\r\n\r\nok\r\n",
                        "127.0.0.1").startswith("550")
    assert Page.objects.get(run=run).acknowledged_at is None
    assert inbox.accept(reply_to(page_mail, EMAILS["DUTY1"]), "127.0.0.1").startswith("250")
    assert inbox.accept(reply_to(page_mail, EMAILS["DUTY1"]), "127.0.0.1").startswith("550")
