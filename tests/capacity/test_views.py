"""The limits screens as a user meets them, in Japanese by default: the board with SVG
sparklines sorted by days to breach, a system's limits, a limit's page, create with a
refused level, the what-if form, vendor scope (C07, C08, C14, M-2.3, A2-PERF-CAP-5).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from antei.capacity import services
from antei.capacity.models import Limit
from antei.core import services as core_services
from antei.core.actor import Actor
from antei.core.roles import Role
from tests.capacity.conftest import trend
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(client: Client, admin_actor: Actor) -> Callable[..., Client]:
    counter = {"n": 0}

    def as_role(role: Role | str = Role.ADMIN, *, vendor_id: int | None = None) -> Client:
        counter["n"] += 1
        user = core_services.create_user(actor=admin_actor, username=f"{role}-cap-{counter['n']}",
                                         role=str(role), password=PASSWORD, vendor_id=vendor_id)
        client.force_login(user)
        return client

    return as_role


@pytest.fixture
def limits(make_limit: Callable[..., Limit], feed: Callable[..., int]) -> list[Limit]:
    fast = make_limit(component="ATM-GW-02", kind="log_area", name="ログ領域")
    feed(fast, trend(90, 40.0, 0.5, noise=0.1))
    slow = make_limit(system="HOST", kind="disk", name="データ領域")
    feed(slow, trend(90, 10.0, 0.3, noise=0.1))
    return [fast, slow]


def test_board_in_japanese_sorted_with_sparklines(limits: list[Limit],
                                                  login: Callable[..., Client]) -> None:
    html = login().get("/limits/").content.decode()
    assert "上限管理" in html and "上限到達までの日数" in html
    assert html.count("<svg class=\"spark\"") == 2
    assert html.index("ログ領域") < html.index("データ領域")  # sooner breach first
    assert "（待機系）" in html or "(待機系)" in html
    partial = login().get("/limits/", {"system": "HOST"}, headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert "データ領域" in body and "ログ領域" not in body and "<html" not in body


def test_limit_page_explains_in_plain_japanese(limits: list[Limit],
                                               login: Callable[..., Client]) -> None:
    html = login().get(f"/limits/{limits[0].pk}/").content.decode()
    assert "ATM-GW-02（待機系）のログ領域は" in html and "100%に達する見込みです" in html
    assert "<svg" in html and "最新の測定値" in html


def test_system_page_and_navigation(limits: list[Limit], login: Callable[..., Client]) -> None:
    client = login()
    html = client.get("/limits/system/GW/").content.decode()
    assert "ログ領域" in html and "データ領域" not in html
    assert 'href="/limits/"' in client.get("/").content.decode()


def test_create_form_refuses_a_warning_above_the_limit(bank: Any,
                                                        login: Callable[..., Client]) -> None:
    client = login()
    form = {"system": "GW", "kind": "cpu", "name": "CPU", "layer": "os", "value": "100",
            "overflow": "stop", "warning": "120", "critical": "90", "margin_percent": "20"}
    refused = client.post("/limits/new", form)
    assert refused.status_code == 422
    assert "超えてはいけません" in refused.content.decode()
    assert Limit.objects.count() == 0
    done = client.post("/limits/new", {**form, "warning": "80"})
    assert done.status_code == 302 and Limit.objects.get().warning == 80


def test_what_if_form_shows_breaches(limits: list[Limit], admin_actor: Actor,
                                     login: Callable[..., Client]) -> None:
    services.link_limits(actor=admin_actor, upstream=limits[1].pk, downstream=limits[0].pk)
    client = login()
    assert client.get("/limits/what-if").status_code == 200
    html = client.post("/limits/what-if", {"factor": "3", "from_date": "2020-01-01"}
                       ).content.decode()
    assert "先に上限に達する項目" in html and "データ領域 (HOST) → ログ領域" in html
    auditor = login(Role.AUDITOR).post("/limits/what-if", {"factor": "3",
                                                           "from_date": "2020-01-01"})
    assert "先に上限に達する項目" not in auditor.content.decode()


def test_vendor_sees_only_its_systems(limits: list[Limit], bank: dict[str, Any],
                                      login: Callable[..., Client]) -> None:
    client = login(Role.VENDOR, vendor_id=bank["vendor_id"])
    html = client.get("/limits/").content.decode()
    assert "ログ領域" in html and "データ領域" not in html
    assert client.get(f"/limits/{limits[1].pk}/").status_code == 404
    assert client.get("/limits/new").status_code == 403
