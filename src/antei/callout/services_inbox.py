"""Acknowledge a page by replying to its e-mail (C02, A2-RESP-1: whoever is paged can answer
from the mail client they were reached on).

A reply quotes the original message, which carries the signed acknowledgement link; the
link is the authority, as when it is clicked, and it must also come from one of the paged
person's own e-mail addresses, so a forwarded copy cannot acknowledge for them. `antei
callout smtp-inbox` runs a small SMTP listener that hands each message to `acknowledge_reply`
(point an MX, alias or forwarding rule for the reply address at it).
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import re
from datetime import datetime
from email.message import EmailMessage

from antei.callout import services_links as links
from antei.callout import services_paging as paging
from antei.callout.models import Page
from antei.core import clock
from antei.core.actor import Actor, Source
from antei.core.errors import InvalidInput
from antei.core.roles import Role
from antei.org.models import ContactPoint

TOKEN = re.compile(r"/ack/([A-Za-z0-9_\-]+:[0-9]+:[A-Za-z0-9_\-]+:[A-Za-z0-9_\-]+)/?")


def _text(message: EmailMessage) -> str:
    parts = [p for p in message.walk() if p.get_content_type() in ("text/plain", "text/html")]
    return "\n".join(str(p.get_content()) for p in parts)


def acknowledge_reply(*, raw: bytes, remote_addr: str = "",
                      now: datetime | None = None) -> Page:
    """Acknowledge the page whose signed link the reply quotes. Refused (InvalidInput
    `link_invalid`) without a valid page link, or when the sender is not one of the paged
    person's e-mail contacts; a page acknowledged already is a Conflict."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    if not isinstance(message, EmailMessage):  # the default policy always makes one
        raise InvalidInput.one("link", "link_invalid")
    sender = email.utils.parseaddr(str(message.get("From", "")))[1].lower()
    for token in TOKEN.findall(_text(message)):
        try:
            kind, pk = links.unsign(token)
        except InvalidInput:
            continue
        page = Page.objects.select_related("person").filter(pk=pk).first()
        if kind != "page" or page is None:
            continue
        own = {a.lower() for a in ContactPoint.objects.filter(
            person=page.person, kind="email").values_list("address", flat=True)}
        if sender not in own:
            raise InvalidInput.one("link", "link_invalid")
        actor = Actor(username=f"email:{page.person.code}", role=Role.EXECUTIVE,
                      source=Source.INTEGRATION, remote_addr=remote_addr)
        return paging.acknowledge(actor, pk, "email", now or clock.now())
    raise InvalidInput.one("link", "link_invalid")
