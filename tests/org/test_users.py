"""Logins and API tokens as an administrator manages them on screen (C14 scoped access,
C15 key-person risk: offboarding switches a login and its tokens off)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from antei.core import services as core_services
from antei.core.actor import Actor
from antei.core.errors import InvalidInput
from antei.core.models import AuditEntry, User
from antei.core.roles import Role
from tests import factories
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "k7#Vq!tZ2wLm"


@pytest.fixture
def login(client: Client, admin_actor: Actor) -> Callable[..., Client]:
    def as_role(role: Role | str = Role.ADMIN) -> Client:
        user = core_services.create_user(actor=admin_actor, username=f"me-{role}",
                                         role=str(role), password=PASSWORD)
        client.force_login(user)
        return client

    return as_role


def test_only_administrators_see_the_logins(login: Callable[..., Client]) -> None:
    client = login(Role.OPERATOR)
    assert client.get(reverse("user-list")).status_code == 403
    assert reverse("user-list") not in client.get(reverse("home")).content.decode()


def test_admin_creates_a_vendor_login_bound_to_its_vendor(login: Callable[..., Client]) -> None:
    vendor = factories.vendor(code="VND")
    client = login()
    response = client.post(reverse("user-create"), {
        "username": "vnd-ops", "role": "vendor", "vendor": "VND", "password": NEW_PASSWORD})
    assert response.status_code == 302
    user = User.objects.get(username="vnd-ops")
    assert (user.role, user.vendor_id) == ("vendor", vendor.pk)
    listing = client.get(reverse("user-list"), {"role": "vendor"}).content.decode()
    assert reverse("user-detail", args=["vnd-ops"]) in listing
    assert reverse("user-detail", args=["me-admin"]) not in listing


def test_bad_login_form_names_each_field_and_creates_nothing(
        login: Callable[..., Client]) -> None:
    client = login()
    before = User.objects.count()
    response = client.post(reverse("user-create"), {
        "username": "x", "role": "vendor", "vendor": "NOPE", "password": "1"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "NOPE" in page  # the unknown vendor is named
    assert User.objects.count() == before


def test_switching_a_login_off_stops_its_tokens(login: Callable[..., Client],
                                                admin_actor: Actor) -> None:
    """Offboarding: the token that worked a moment ago is refused once the login is off."""
    core_services.create_user(actor=admin_actor, username="leaver", role="operator",
                              password=PASSWORD)
    token = core_services.create_token(actor=admin_actor, username="leaver")
    api = Client(headers={"Authorization": f"Bearer {token}"})
    assert api.get("/api/v1/departments").status_code == 200
    client = login()
    response = client.post(reverse("user-update", args=["leaver"]), {"role": "operator"})
    assert response.status_code == 302
    assert api.get("/api/v1/departments").status_code == 401
    entry = AuditEntry.objects.filter(action="user.update").get()
    assert entry.before["is_active"] is True and entry.after["is_active"] is False


def test_a_token_is_shown_once_and_can_be_revoked(login: Callable[..., Client]) -> None:
    client = login()
    page = client.post(reverse("token-create", args=["me-admin"]), {"name": "監視連携"})
    assert page.status_code == 200
    text = page.content.decode()
    token = text.split('<code id="new-token">')[1].split("</code>")[0]
    api = Client(headers={"Authorization": f"Bearer {token}"})
    assert api.get("/api/v1/departments").status_code == 200
    # Reloading the page no longer shows the token: only its prefix.
    again = client.get(reverse("user-detail", args=["me-admin"])).content.decode()
    assert token not in again and token[:10] in again and "監視連携" in again
    token_id = core_services.user_for_token(token).api_tokens.get().pk  # type: ignore[union-attr]
    client.post(reverse("token-revoke", args=["me-admin", token_id]))
    assert api.get("/api/v1/departments").status_code == 401


def test_password_change_is_checked_and_takes_effect(login: Callable[..., Client],
                                                     admin_actor: Actor) -> None:
    core_services.create_user(actor=admin_actor, username="clerk", role="business",
                              password=PASSWORD)
    client = login()
    weak = client.post(reverse("user-password", args=["clerk"]), {"password": "123"})
    assert weak.status_code == 422
    assert Client().login(username="clerk", password=PASSWORD)
    client.post(reverse("user-password", args=["clerk"]), {"password": NEW_PASSWORD})
    assert Client().login(username="clerk", password=NEW_PASSWORD)
    assert not Client().login(username="clerk", password=PASSWORD)


def test_the_last_administrator_cannot_be_demoted_or_switched_off(admin_actor: Actor) -> None:
    core_services.create_user(actor=admin_actor, username="boss", role="admin",
                              password=PASSWORD)
    with pytest.raises(InvalidInput) as demoted:
        core_services.update_user(actor=admin_actor, username="boss", role="risk")
    assert [(e.field, e.rule) for e in demoted.value.errors] == [("role", "last_admin")]
    core_services.create_user(actor=admin_actor, username="deputy", role="admin",
                              password=PASSWORD)
    core_services.update_user(actor=admin_actor, username="boss", role="risk")
    assert User.objects.get(username="boss").role == "risk"


def test_nobody_switches_off_their_own_login(login: Callable[..., Client]) -> None:
    client = login()
    core_services.create_user(actor=core_services_admin(), username="spare-admin",
                              role="admin", password=PASSWORD)
    response = client.post(reverse("user-update", args=["me-admin"]), {"role": "admin"})
    assert response.status_code == 422
    assert User.objects.get(username="me-admin").is_active


def core_services_admin() -> Actor:
    from antei.core.actor import system_actor

    return system_actor()


def test_cli_switches_a_login_off_and_refuses_the_last_admin(
        admin_actor: Actor, capsys: pytest.CaptureFixture[str]) -> None:
    from antei import cli

    core_services.create_user(actor=admin_actor, username="leaver2", role="operator",
                              password=PASSWORD)
    assert cli.main(["user", "update", "--username", "leaver2", "--active", "off"]) == 0
    assert "switched off" in capsys.readouterr().out
    assert not User.objects.get(username="leaver2").is_active
    core_services.create_user(actor=admin_actor, username="only-admin", role="admin",
                              password=PASSWORD)
    code = cli.main(["user", "update", "--username", "only-admin", "--role", "risk"])
    assert code == 2
    err = capsys.readouterr().err
    assert "invalid_input" in err and "role: 有効な管理者はこのログインだけです" in err, err
