"""Reads of the audit log."""

from __future__ import annotations

from django.db.models import QuerySet

from antei.core.models import AuditEntry


def list_audit(*, object_type: str | None = None, object_id: str | None = None,
               actor: str | None = None, action: str | None = None) -> QuerySet[AuditEntry]:
    """Newest first: the question is usually 'what changed lately'."""
    qs = AuditEntry.objects.order_by("-seq")
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if actor:
        qs = qs.filter(actor=actor)
    if action:
        qs = qs.filter(action__startswith=action)
    return qs
