"""`antei callout smtp-inbox`: an SMTP listener that acknowledges pages from e-mail replies
(see services_inbox). Each accepted message is answered 250 with the page acknowledged; a
reply that acknowledges nothing is refused (550) so its sender learns it did not count.

Catalog: C02, A2-RESP-1.
"""

from __future__ import annotations

import asyncio
from typing import Any

from django.db import close_old_connections

from antei.core.errors import AnteiError


def accept(raw: bytes, remote_addr: str) -> str:
    """The SMTP reply for one message (runs in a worker thread: the ORM is synchronous)."""
    from antei.callout import services_inbox

    try:
        page = services_inbox.acknowledge_reply(raw=raw, remote_addr=remote_addr)
    except AnteiError as exc:
        errors = getattr(exc, "errors", None)
        reason = str(errors[0].message) if errors else exc.message
        return f"550 5.7.1 not acknowledged: {reason}"
    return f"250 OK acknowledged page {page.pk}"


def _accept_in_thread(raw: bytes, remote_addr: str) -> str:
    # A pool thread keeps its database connection between messages: drop broken ones.
    close_old_connections()
    try:
        return accept(raw, remote_addr)
    finally:
        close_old_connections()


class InboxHandler:
    """aiosmtpd handler: hands every message to `accept`."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content or b""
        peer = session.peer[0] if session.peer else ""
        return await asyncio.to_thread(_accept_in_thread, bytes(raw), str(peer))


def serve(host: str, port: int) -> None:  # pragma: no cover - runs until interrupted
    import time

    from aiosmtpd.controller import Controller

    controller = Controller(InboxHandler(), hostname=host, port=port)
    controller.start()
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()
