"""The SMTP server stops in the middle of an escalation: the next channel (SMS through the
provider adapter) is used, and a step that reaches nobody is raised loudly with the
printable call tree (A2-RESP-1, C02, A1-II-3). Real SMTP server (aiosmtpd) and a local
provider stand-in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from antei.callout import selectors, services
from antei.callout.models import Page
from antei.core import services as core_services
from antei.core.actor import Actor
from antei.incidents import services as incident_services
from antei.incidents.models import TimelineEntry
from antei.org import services as org_services
from tests.callout.bank import EMAILS, make_bank
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_smtp_stopping_mid_escalation_falls_back_to_sms_then_raises_the_call_tree(
        admin_actor: Actor, smtp_server: Any, sms_provider: Any, client: Client) -> None:
    make_bank(admin_actor)
    org_services.add_contact_point(actor=admin_actor, person="HEAD", kind="sms",
                                   address="+819012345678", priority=2)
    incident = incident_services.open_incident(
        actor=admin_actor, title="勘定系停止", rank=1, systems=["CORE"],
        detected_at=datetime.now(tz=UTC) - timedelta(minutes=1))
    run = services.page_incident(actor=admin_actor, incident_id=incident.pk)
    services.deliver_pending(run_id=run.pk)
    assert [tos for _, tos in smtp_server.envelopes] == [[EMAILS["DUTY1"]]]

    smtp_server.stop()  # the mail relay dies while nobody has acknowledged
    run.refresh_from_db()
    services.sweep(now=run.next_at)
    head = Page.objects.get(run=run, person__code="HEAD")
    assert (head.status, head.channel, head.address) == ("sent", "sms", "+819012345678")
    attempts = list(head.deliveries.values_list("channel", "ok"))
    assert attempts == [("email", False), ("sms", True)]
    assert sms_provider.requests[0][1]["to"] == "+819012345678"

    run.refresh_from_db()
    services.sweep(now=run.next_at)  # management has e-mail only: nobody is reached
    failed = TimelineEntry.objects.get(incident=incident, text__startswith="CALL-OUT FAILED")
    assert "CIOさん" in failed.text and f"/callout/call-tree/{run.policy_id}/" in failed.text
    view = selectors.callout_view(admin_actor, incident.pk)
    assert view["runs"][0]["failures"][0]["reason"] == "unreachable"
    client.force_login(core_services.create_user(actor=admin_actor, username="desk",
                                                  role="operator", password=PASSWORD))
    tree = client.get(f"/callout/call-tree/{run.policy_id}/").content.decode()
    assert "+819012345678" in tree and "CIOさん" in tree

