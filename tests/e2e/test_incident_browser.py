"""The incident desk in a real browser: an operator logs in, opens an incident through the
form, issues the first report with one click and reads it, unknowns spelled out (M-3.3,
A1-II-5, C01)."""

from __future__ import annotations

import re
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


def test_an_operator_opens_an_incident_and_issues_the_first_report(live_server, page):
    factories.system(code="CORE", name="勘定系", tier="critical")
    core_services.create_user(actor=ADMIN, username="night-desk", role=Role.OPERATOR,
                              password=PASSWORD)
    base = live_server.url
    log_in(page, base, "night-desk")

    page.click("nav.nav a:text-is('障害')")
    page.wait_for_url(f"{base}/incidents/")
    page.click("text=障害を起票")
    page.fill("input[name=title]", "勘定系オンライン停止")
    page.select_option("select[name=rank]", "1")
    page.select_option("select[name=systems]", ["CORE"])
    assert page.input_value("input[name=detected_at]")  # defaults to now, in JST
    page.fill("textarea[name=summary]", "全店で入出金不可")
    page.click("button:has-text('起票する')")
    page.wait_for_url(re.compile(r".*/incidents/\d+/$"))
    assert "INC-" in page.inner_text("h1")
    assert "勘定系オンライン停止" in page.inner_text("h1")

    page.click("button:has-text('発信: 第1報')")
    page.wait_for_url(re.compile(r".*/incidents/\d+/reports/\d+/$"))
    sheet = page.inner_text("article[lang=ja]")
    assert "【第1報】勘定系オンライン停止" in sheet
    assert "調査中（判明次第報告）" in sheet
    unknown = page.locator("article[lang=ja] tr.line.unknown").first
    assert unknown.evaluate("el => getComputedStyle(el.querySelector('td')).fontStyle") == "italic"
