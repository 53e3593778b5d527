"""Writers for users and API tokens. Each runs in one transaction with its audit entry."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from antei.core import audit, clock
from antei.core.actor import Actor
from antei.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, field_error
from antei.core.models import ApiToken, User
from antei.core.roles import Perm, Role

TOKEN_PREFIX = "antei_"  # noqa: S105 - a public prefix that makes leaked tokens greppable


def _user_after(user: User) -> dict[str, object]:
    return {"username": user.username, "role": user.role, "vendor_id": user.vendor_id,
            "is_active": user.is_active}


def create_user(
    *, actor: Actor, username: str, role: str, password: str, vendor_id: int | None = None,
    email: str = "",
) -> User:
    """Create a login with a role (vendor users need the vendor they are scoped to)."""
    if not actor.can(Perm.USERS_MANAGE):
        raise PermissionDenied()
    errors = []
    if not username:
        errors.append(field_error("username", "required"))
    try:
        role_value = Role(role)
    except ValueError:
        errors.append(field_error("role", "role", value=role, choices=", ".join(Role)))
        role_value = None
    if role_value is Role.VENDOR and vendor_id is None:
        errors.append(field_error("vendor", "required"))
    if role_value is not None and role_value is not Role.VENDOR and vendor_id is not None:
        errors.append(field_error("vendor", "choice", value="vendor", choices="role=vendor"))
    candidate = User(username=username, email=email)
    try:
        password_validation.validate_password(password, candidate)
    except ValidationError as exc:
        errors.extend(field_error("password", "password", value=m) for m in exc.messages)
    if errors or role_value is None:
        raise InvalidInput(errors)
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise Conflict(errors=[field_error("username", "unique", value=username)])
        user = User(username=username, email=email, role=role_value, vendor_id=vendor_id,
                    is_staff=role_value is Role.ADMIN)
        user.set_password(password)
        try:
            user.save()
        except IntegrityError as exc:  # raced with another create of the same name
            raise Conflict(errors=[field_error("username", "unique", value=username)]) from exc
        audit.record(actor=actor, action="user.create", obj=user, after=_user_after(user))
    return user


def _locked_user(username: str) -> User:
    """The user row, locked for the rest of the transaction."""
    user = User.objects.select_for_update().filter(username=username).first()
    if user is None:
        raise NotFound("user", username)
    return user


def update_user(*, actor: Actor, username: str, role: str | None = None,
                vendor_id: int | None = None, is_active: bool | None = None) -> User:
    """Change a login's role (and the vendor a vendor user is scoped to) or switch it off.

    People leave and change jobs: switching a login off is the offboarding step, and its
    tokens stop working with it (C15 key-person risk, M-4.3). The last active administrator
    can be neither demoted nor switched off, and nobody switches off their own login, so the
    institution can never lock itself out.
    """
    if not actor.can(Perm.USERS_MANAGE):
        raise PermissionDenied()
    with transaction.atomic():
        user = _locked_user(username)
        before = _user_after(user)
        errors = []
        new_role = user.role
        if role is not None:
            try:
                new_role = Role(role)
            except ValueError:
                errors.append(field_error("role", "role", value=role, choices=", ".join(Role)))
        new_vendor = vendor_id if new_role == Role.VENDOR else None
        if new_role == Role.VENDOR and new_vendor is None:
            new_vendor = user.vendor_id
            if new_vendor is None:
                errors.append(field_error("vendor", "required"))
        active = user.is_active if is_active is None else is_active
        if not active and user.pk == actor.user_id:
            errors.append(field_error("is_active", "own_login"))
        if user.role == Role.ADMIN and user.is_active and (new_role != Role.ADMIN or not active):
            others = User.objects.filter(role=Role.ADMIN, is_active=True).exclude(pk=user.pk)
            if not others.exists():
                errors.append(field_error("role" if new_role != Role.ADMIN else "is_active",
                                          "last_admin"))
        if errors:
            raise InvalidInput(errors)
        user.role, user.vendor_id, user.is_active = new_role, new_vendor, active
        user.is_staff = new_role == Role.ADMIN
        user.save(update_fields=["role", "vendor", "is_active", "is_staff"])
        after = _user_after(user)
        if after != before:
            audit.record(actor=actor, action="user.update", obj=user, before=before,
                         after=after)
    return user


def set_password(*, actor: Actor, username: str, password: str) -> None:
    if not actor.can(Perm.USERS_MANAGE):
        raise PermissionDenied()
    with transaction.atomic():
        user = _locked_user(username)
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise InvalidInput(
                [field_error("password", "password", value=m) for m in exc.messages]
            ) from exc
        user.set_password(password)
        user.save(update_fields=["password"])
        # The password itself never enters the log, only the fact that it changed.
        audit.record(actor=actor, action="user.set_password", obj=user)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(*, actor: Actor, username: str, name: str = "") -> str:
    """Issue a bearer token for a user; returns the token (shown once, stored hashed)."""
    if not actor.can(Perm.USERS_MANAGE):
        raise PermissionDenied()
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise NotFound("user", username)
        row = ApiToken.objects.create(
            user=user, name=name, prefix=token[: len(TOKEN_PREFIX) + 4],
            digest=_digest(token), created_at=clock.now(),
        )
        audit.record(actor=actor, action="token.create", obj=row,
                     after={"user": username, "name": name, "prefix": row.prefix})
    return token


def revoke_token(*, actor: Actor, token_id: int) -> None:
    if not actor.can(Perm.USERS_MANAGE):
        raise PermissionDenied()
    with transaction.atomic():
        row = ApiToken.objects.select_for_update().filter(pk=token_id).first()
        if row is None:
            raise NotFound("token", token_id)
        row.revoked_at = clock.now()
        row.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="token.revoke", obj=row)


def user_for_token(token: str) -> User | None:
    """The active user a bearer token belongs to, or None (unknown, revoked, inactive)."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if row is None:
        return None
    # Last use is bookkeeping, not a state change: not audited, and at most once a minute.
    now = clock.now()
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user
