"""`antei alerts …` (C07, A2-OPS-MON-1): create an integration (key printed once), list
alerts, the coverage report."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from antei import cli
from tests.alerts.conftest import am_alert, am_payload, post

pytestmark = pytest.mark.django_db


def run(capsys: Any, *argv: str) -> tuple[int, str]:
    code = cli.main(["alerts", *argv])
    out, _err = capsys.readouterr()
    return code, out


def test_create_integration_prints_a_working_key_and_list_shows_the_alert(
        capsys: Any, core_system: Any) -> None:
    code, out = run(capsys, "integration", "create", "--kind", "alertmanager", "--name", "AM",
                    "--system", "CORE")
    assert code == 0
    key = next(line.split()[1] for line in out.splitlines() if line.startswith("key:"))
    response = post(Client(), f"/api/v1/intake/alertmanager/{key}",
                    am_payload(am_alert(instance="web-1")))
    assert response.status_code == 200
    code, out = run(capsys, "list", "--status", "firing")
    assert code == 0
    assert "HighLatency on web-1" in out and "CORE" in out


def test_unknown_system_exits_2(capsys: Any) -> None:
    assert cli.main(["alerts", "integration", "create", "--kind", "alertmanager",
                     "--name", "AM", "--system", "NOPE"]) == 2


def test_coverage_names_the_unmonitored_component(capsys: Any, core_system: Any,
                                                  admin_actor: Any) -> None:
    from antei.inventory import services as inventory_services

    inventory_services.add_component(actor=admin_actor, system="CORE", name="app-1",
                                     kind="server", environment="active")
    code, out = run(capsys, "coverage")
    assert code == 1
    assert "app-1" in out and "1 components with no monitoring" in out
    code, out = run(capsys, "integration", "create", "--kind", "heartbeat", "--name", "HB")
    integration_id = out.split()[1]
    code, out = run(capsys, "heartbeat", "add", "--integration", integration_id, "--name",
                    "app-1 process", "--system", "CORE", "--component", "app-1")
    assert code == 0
    code, out = run(capsys, "coverage")
    assert code == 0 and "0 components" in out
