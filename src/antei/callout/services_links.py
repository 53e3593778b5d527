"""Shared by paging and contact verification: signed single-use links, the safe send that
turns a channel bug into a failed delivery, and the Conflict with a field.

Catalog: C02, A2-RESP-1.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from antei.callout import channels
from antei.core.errors import Conflict, InvalidInput, field_error

log = logging.getLogger("antei.callout.services")

ACK_MAX_AGE = timedelta(hours=24)
_SIGNER_SALT = "antei.callout.ack"


def ack_url(signed: str) -> str:
    return settings.PUBLIC_URL.rstrip("/") + reverse("callout-ack", args=[signed])


def sign(kind: str, pk: int) -> str:
    return signing.TimestampSigner(salt=_SIGNER_SALT).sign(f"{kind}:{pk}")


def unsign(signed: str) -> tuple[str, int]:
    """(kind, id) of a link we signed; a tampered or expired one is InvalidInput."""
    try:
        value = signing.TimestampSigner(salt=_SIGNER_SALT).unsign(
            signed, max_age=ACK_MAX_AGE)
        kind, _, pk = value.partition(":")
        return kind, int(pk)
    except (signing.BadSignature, ValueError) as exc:
        raise InvalidInput.one("link", "link_invalid") from exc


def send(kind: str, address: str, message: channels.Message) -> channels.DeliveryResult:
    """A failing channel is a result, never an exception that stops the call-out."""
    try:
        return channels.send(kind, address, message)
    except Exception as exc:  # a channel bug must not silence the rest of the call-out
        log.exception("channel %s raised", kind)
        return channels.DeliveryResult(ok=False, channel=kind, address=address,
                                       detail=f"error: {exc!r}")


def conflict(fld: str, rule: str) -> Conflict:
    error = field_error(fld, rule)
    return Conflict(error.message, errors=[error])


def new_token() -> str:
    return uuid.uuid4().hex
