"""The append-only, hash-chained audit log (M-4.2 evidence; every state change is recorded).

`record()` is called by services inside their transaction, so the change and its audit
entry commit or roll back together. `verify()` walks the chain and names the first entry
whose content, order or link does not match.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, models

from antei.core import clock
from antei.core.actor import Actor
from antei.core.models import AuditEntry, AuditHead

GENESIS = "0" * 64
JsonValue = None | bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"]


def to_json_value(value: object) -> JsonValue:
    """Dates as ISO text, decimals as text, model instances as their primary key."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return to_json_value(value.pk)
    if isinstance(value, Mapping):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, Iterable):
        return [to_json_value(v) for v in value]
    return str(value)


def snapshot(instance: models.Model, *, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """The concrete field values of a row, JSON-ready; foreign keys by id."""
    skip = set(exclude)
    data: dict[str, Any] = {}
    for f in instance._meta.concrete_fields:
        if f.name in skip:
            continue
        data[f.attname] = to_json_value(getattr(instance, f.attname))
    return data


def _digest(entry: Mapping[str, Any]) -> str:
    canonical = json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _hashed_fields(e: AuditEntry) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "at": e.at.astimezone(dt.UTC).isoformat(),
        "actor": e.actor,
        "actor_user_id": e.actor_user_id,
        "source": e.source,
        "remote_addr": e.remote_addr,
        "action": e.action,
        "object_type": e.object_type,
        "object_id": e.object_id,
        "object_repr": e.object_repr,
        "before": e.before,
        "after": e.after,
        "reason": e.reason,
        "prev_hash": e.prev_hash,
    }


def record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    """Append one entry to the chain. Must run inside the service's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record() must be called inside transaction.atomic()")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
    entry = AuditEntry(
        seq=head.seq + 1,
        # Truncated to microseconds already; ISO text round-trips on both databases.
        at=clock.now(),
        actor=actor.username,
        actor_user_id=actor.user_id,
        source=actor.source.value,
        remote_addr=actor.remote_addr[:64],
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        before=to_json_value(before) if before is not None else None,
        after=to_json_value(after) if after is not None else None,
        reason=reason,
        prev_hash=head.hash,
    )
    entry.hash = _digest(_hashed_fields(entry))
    entry.save()
    head.seq, head.hash = entry.seq, entry.hash
    head.save(update_fields=["seq", "hash"])
    return entry


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str = ""


def verify() -> VerifyResult:
    """Recompute the chain; report the first entry that was edited, removed or re-ordered.

    The head is read first and only entries up to it are checked, so appends made while
    verifying cannot be mistaken for tampering.
    """
    head = AuditHead.objects.filter(id=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    entries = AuditEntry.objects.filter(seq__lte=head_seq).order_by("seq")
    for entry in entries.iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return VerifyResult(
                False, checked, expected_seq,
                f"entry {expected_seq} is missing (the next one present is {entry.seq})",
            )
        if entry.prev_hash != expected_prev:
            return VerifyResult(False, checked, entry.seq, "link to the previous entry is broken")
        if _digest(_hashed_fields(entry)) != entry.hash:
            return VerifyResult(False, checked, entry.seq, "content does not match its hash")
        expected_prev, expected_seq, checked = entry.hash, entry.seq + 1, checked + 1
    if expected_seq - 1 != head_seq or expected_prev != head_hash:
        return VerifyResult(
            False, checked, expected_seq,
            f"the chain ends at entry {expected_seq - 1} but its head records {head_seq}: "
            "entries were removed from the end",
        )
    return VerifyResult(True, checked)
