"""The registry in a real browser: an administrator registers a system through the form
and finds it in the systems list (M-2.1, C06)."""

from __future__ import annotations

from typing import Any

import pytest

from antei.core import services as core_services
from antei.core.actor import Actor, Source
from antei.core.roles import Role
from tests import factories
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ADMIN = Actor(username="e2e-admin", role=Role.ADMIN, source=Source.CLI)


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_an_admin_registers_a_system_and_sees_it_listed(live_server, page):
    factories.department(code="SYSDEPT", name="システム部")
    core_services.create_user(actor=ADMIN, username="registrar", role=Role.ADMIN,
                              password=PASSWORD)
    base = live_server.url
    log_in(page, base, "registrar")

    page.click("nav.nav a:text-is('システム')")
    page.wait_for_url(f"{base}/systems/")
    page.click("a.button:has-text('新規')")
    page.wait_for_url(f"{base}/systems/new")
    page.fill("input[name=code]", "ATM-01")
    page.fill("input[name=name]", "ATMシステム")
    page.select_option("select[name=tier]", "critical")
    page.select_option("select[name=owner_department]", "SYSDEPT")
    page.click("button[type=submit]:has-text('保存')")
    page.wait_for_url(f"{base}/systems/ATM-01/")

    page.goto(f"{base}/systems/")
    row = page.locator("#rows tr", has_text="ATM-01")
    assert row.count() == 1
    assert "ATMシステム" in row.inner_text()
    assert "システム部" in row.inner_text()
