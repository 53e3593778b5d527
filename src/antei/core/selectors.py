"""Reads of the audit log, users and their API tokens."""

from __future__ import annotations

from django.db.models import F, QuerySet

from antei.core.errors import NotFound
from antei.core.models import ApiToken, AuditEntry, User


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


def list_users(*, q: str | None = None, role: str | None = None,
               active: bool | None = None) -> QuerySet[User]:
    """Logins by name, with their vendor (for vendor users) loaded."""
    qs = User.objects.select_related("vendor").order_by("username")
    if q:
        qs = qs.filter(username__icontains=q)
    if role:
        qs = qs.filter(role=role)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs


def get_user(username: str) -> User:
    user = User.objects.select_related("vendor").filter(username=username).first()
    if user is None:
        raise NotFound("user", username)
    return user


def tokens_of(username: str) -> QuerySet[ApiToken]:
    """A user's API tokens, live ones first (the digest never leaves the database)."""
    return ApiToken.objects.filter(user__username=username).order_by(
        F("revoked_at").desc(nulls_first=True), "-created_at")
