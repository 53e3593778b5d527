"""Vendor users see only the alerts of their vendor's systems (C14 scoped vendor access):
alerts, groups, heartbeats, coverage and silences of other systems are hidden, through the
API and the screens; a foreign group is 404.

Catalog: C07, C14.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from antei.alerts import services
from antei.alerts.models import AlertGroup
from antei.core import services as core_services
from antei.core.actor import Actor
from antei.core.roles import Role
from antei.inventory import services as inventory_services
from tests import factories
from tests.alerts.conftest import am_alert, am_payload
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(make_integration: Callable[..., Any], admin_actor: Actor) -> dict[str, Any]:
    """Vendor VND runs MINE; OTHER belongs to nobody; one alert on each and one without
    a system; a heartbeat and an unmonitored active component on each system."""
    vendor = factories.vendor(code="VND")
    factories.system(code="MINE", tier="critical")
    factories.system(code="OTHER", tier="critical")
    inventory_services.assign_vendor(actor=admin_actor, system="MINE", vendor="VND",
                                     role="run")
    am, _ = make_integration(auto_incident_severity="")
    services.ingest_alert_list(integration=am, payload=am_payload(
        am_alert(name="MineDown", instance="m", system="MINE"),
        am_alert(name="OtherDown", instance="o", system="OTHER"),
        am_alert(name="NoSystem", instance="n")))
    hb, _ = make_integration(kind="heartbeat", name="hb")
    services.add_heartbeat(actor=admin_actor, integration_id=hb.pk, name="mine-batch",
                           system="MINE")
    services.add_heartbeat(actor=admin_actor, integration_id=hb.pk, name="other-batch",
                           system="OTHER")
    for code in ("MINE", "OTHER"):
        inventory_services.add_component(actor=admin_actor, system=code,
                                         name=f"{code.lower()}-app", kind="server",
                                         environment="active")
    for code in ("MINE", "OTHER"):
        services.create_silence(actor=admin_actor, matchers=[
            {"label": "system", "op": "=", "value": code}], starts_at=None, ends_at=None,
            weekdays=[6], comment=f"{code}保守")
    groups = {g.labels["alertname"]: g.pk for g in AlertGroup.objects.all()}
    return {"vendor_id": vendor.pk, "groups": groups}


def test_vendor_api_sees_only_its_systems(bank: dict[str, Any],
                                          make_api_client: Callable[..., Any]) -> None:
    vendor = make_api_client(Role.VENDOR, vendor_id=bank["vendor_id"])
    alerts = vendor.get("/api/v1/alerts").json()
    assert [a["summary"] for a in alerts["items"]] == ["MineDown on m"]
    assert alerts["count"] == 1
    assert vendor.get("/api/v1/alerts", system="OTHER").json()["count"] == 0
    groups = vendor.get("/api/v1/alert-groups").json()["items"]
    assert [g["labels"]["alertname"] for g in groups] == ["MineDown"]
    assert vendor.get(f"/api/v1/alert-groups/{bank['groups']['MineDown']}").status_code == 200
    for foreign in ("OtherDown", "NoSystem"):
        assert vendor.get(f"/api/v1/alert-groups/{bank['groups'][foreign]}").status_code == 404
    other_alert = AlertGroup.objects.get(pk=bank["groups"]["OtherDown"]).alerts.get().pk
    assert vendor.get(f"/api/v1/alerts/{other_alert}").status_code == 404
    assert [c["component"] for c in vendor.get("/api/v1/alerts/coverage").json()] == [
        "mine-app"]
    assert [s["comment"] for s in vendor.get("/api/v1/silences").json()] == ["MINE保守"]
    # Staff still see everything.
    operator = make_api_client(Role.OPERATOR)
    assert operator.get("/api/v1/alerts").json()["count"] == 3
    assert operator.get(f"/api/v1/alerts/{other_alert}").status_code == 200
    assert len(operator.get("/api/v1/alerts/coverage").json()) == 2


def test_a_vendor_cannot_promote_a_foreign_group(bank: dict[str, Any],
                                                 make_api_client: Callable[..., Any]) -> None:
    vendor = make_api_client(Role.VENDOR, vendor_id=bank["vendor_id"])
    response = vendor.post(f"/api/v1/alert-groups/{bank['groups']['OtherDown']}/promote",
                           {"rank": 3})
    assert response.status_code in (403, 404)
    assert AlertGroup.objects.get(pk=bank["groups"]["OtherDown"]).incident_id is None


def test_vendor_screens_show_only_its_systems(bank: dict[str, Any], client: Client,
                                              admin_actor: Actor) -> None:
    user = core_services.create_user(actor=admin_actor, username="vendor-al", role="vendor",
                                     password=PASSWORD, vendor_id=bank["vendor_id"])
    client.force_login(user)
    page = client.get(reverse("alerts-list")).content.decode()
    assert "MineDown on m" in page
    assert "OtherDown" not in page and "NoSystem" not in page
    groups = client.get(reverse("alerts-groups")).content.decode()
    assert "MineDown" in groups and "OtherDown" not in groups
    beats = client.get(reverse("alerts-heartbeats")).content.decode()
    assert "mine-batch" in beats and "other-batch" not in beats
    cover = client.get(reverse("alerts-coverage")).content.decode()
    assert "mine-app" in cover and "other-app" not in cover
    silences = client.get(reverse("alerts-silences")).content.decode()
    assert "MINE保守" in silences and "OTHER保守" not in silences
