"""API shapes for the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema

from antei.core.models import AuditEntry


class AuditEntryOut(Schema):
    seq: int
    at: datetime
    actor: str
    source: str
    remote_addr: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    before: Any
    after: Any
    reason: str
    hash: str

    @staticmethod
    def from_row(e: AuditEntry) -> AuditEntryOut:
        return AuditEntryOut(
            seq=e.seq, at=e.at, actor=e.actor, source=e.source, remote_addr=e.remote_addr,
            action=e.action, object_type=e.object_type, object_id=e.object_id,
            object_repr=e.object_repr, before=e.before, after=e.after, reason=e.reason,
            hash=e.hash)


class AuditVerifyOut(Schema):
    ok: bool
    checked: int
    first_bad_seq: int | None
    problem: str
