"""Turn a logged-in user (session or bearer token) into an `Actor` with a source."""

from __future__ import annotations

from django.http import HttpRequest

from antei.core.actor import Actor, Source
from antei.core.models import User
from antei.core.roles import Role


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def actor_for(user: User, source: Source, remote_addr: str = "") -> Actor:
    try:
        role = Role(user.role)
    except ValueError:  # a role removed from the code: the user can do nothing
        role = Role.VENDOR
    return Actor(username=user.username, role=role, source=source, user_id=user.pk,
                 vendor_id=user.vendor_id, remote_addr=remote_addr)


def web_actor(request: HttpRequest) -> Actor:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - LoginRequiredMiddleware guarantees it
    return actor_for(user, Source.WEB, client_address(request))
