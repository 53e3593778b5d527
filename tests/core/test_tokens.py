"""Bearer tokens: they authenticate until revoked or their user is deactivated, and only
their SHA-256 is kept, so a copy of the database does not hand out API access."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from antei.core import services as core_services
from antei.core.actor import Actor
from antei.core.errors import NotFound, PermissionDenied
from antei.core.models import ApiToken, AuditEntry, User
from antei.core.roles import Role
from tests.conftest import PASSWORD, actor_of

pytestmark = pytest.mark.django_db



@pytest.fixture
def token(admin_actor: Actor) -> str:
    core_services.create_user(actor=admin_actor, username="ops1", role="operator",
                              password=PASSWORD)
    return core_services.create_token(actor=admin_actor, username="ops1", name="monitoring")


def _get(token: str, path: str = "/api/v1/systems") -> Any:
    return Client().get(path, headers={"Authorization": f"Bearer {token}"})


def test_token_authenticates(token: str) -> None:
    response = _get(token)
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_token_acts_as_its_user(token: str) -> None:
    """The user behind the token is the one the audit log names (M-4.2)."""
    response = Client().post(
        "/api/v1/external-parties",
        {"code": "ZENGIN", "name": "全銀システム", "kind": "zengin"},
        content_type="application/json", headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.content
    entry = AuditEntry.objects.get(action="external_party.create")
    assert (entry.actor, entry.source) == ("ops1", "api")
    assert entry.actor_user_id == User.objects.get(username="ops1").pk


def test_each_token_is_different(admin_actor: Actor, token: str) -> None:
    second = core_services.create_token(actor=admin_actor, username="ops1")
    assert second != token
    assert _get(second).status_code == 200


def test_revoked_token_is_refused(admin_actor: Actor, token: str) -> None:
    assert _get(token).status_code == 200
    core_services.revoke_token(actor=admin_actor, token_id=ApiToken.objects.get().pk)
    response = _get(token)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_revoking_one_token_keeps_the_others(admin_actor: Actor, token: str) -> None:
    other = core_services.create_token(actor=admin_actor, username="ops1", name="cli")
    core_services.revoke_token(actor=admin_actor,
                               token_id=ApiToken.objects.get(name="monitoring").pk)
    assert _get(token).status_code == 401
    assert _get(other).status_code == 200


def test_inactive_users_token_is_refused(token: str) -> None:
    User.objects.filter(username="ops1").update(is_active=False)
    assert _get(token).status_code == 401


def test_token_is_not_issued_for_an_inactive_user(admin_actor: Actor, token: str) -> None:
    User.objects.filter(username="ops1").update(is_active=False)
    with pytest.raises(NotFound):
        core_services.create_token(actor=admin_actor, username="ops1")


@pytest.mark.parametrize("bad", [
    "", "antei_", "antei_not-a-real-token", "not-even-prefixed", "Bearer", "x" * 500,
])
def test_unknown_tokens_are_refused(db: None, bad: str) -> None:
    assert _get(bad).status_code == 401


def test_a_tampered_token_is_refused(token: str) -> None:
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert _get(flipped).status_code == 401


def test_other_auth_schemes_are_refused(token: str) -> None:
    response = Client().get("/api/v1/systems", headers={"Authorization": f"Basic {token}"})
    assert response.status_code == 401


def test_only_the_digest_is_stored(token: str) -> None:
    row = ApiToken.objects.get()
    assert row.digest == hashlib.sha256(token.encode()).hexdigest()
    assert token.startswith(row.prefix)
    assert len(row.prefix) < 16 < len(token)


def test_the_token_itself_is_nowhere_in_the_database(token: str) -> None:
    """A full dump of every table (audit log included) never contains the token."""
    _get(token)  # a use updates bookkeeping columns; they must not leak it either
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    text = dump.getvalue()
    assert ApiToken.objects.get().digest in text  # the dump really covers the table
    assert token not in text
    assert token[len(core_services.TOKEN_PREFIX) + 4:] not in text


def test_use_is_recorded_as_last_used(token: str) -> None:
    assert ApiToken.objects.get().last_used_at is None
    _get(token)
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMIN])
def test_only_admins_issue_or_revoke_tokens(token: str, role: Role) -> None:
    with pytest.raises(PermissionDenied):
        core_services.create_token(actor=actor_of(role), username="ops1")
    with pytest.raises(PermissionDenied):
        core_services.revoke_token(actor=actor_of(role), token_id=ApiToken.objects.get().pk)
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 1
