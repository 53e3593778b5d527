"""A real Prometheus Alertmanager delivers to a live antei (issue 5, "Real parts").

antei runs as a real server (`antei serve`: gunicorn) on a database of its own (an SQLite
file, or on the PostgreSQL lane a PostgreSQL database); Debian's prometheus-alertmanager runs
on loopback with a webhook receiver (version 4, send_resolved) pointed at antei's intake URL.
Alerts fired into Alertmanager's /api/v2/alerts reach antei, grouped as Alertmanager grouped
them; when they end, Alertmanager's resolved notification resolves them in antei, which the
API shows. C07, A1-I-7.

`make monitoring` (a dependency of `make test`) installs the package; without the binary the
test is skipped, unless ANTEI_REQUIRE_ALERTMANAGER is set (then it fails).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.alerts.harness import (
    Alertmanager,
    AnteiServer,
    Client,
    alertmanager_available,
    file_database,
    wait_until,
)


@pytest.fixture
def antei(tmp_path: Path) -> Iterator[AnteiServer]:
    if not alertmanager_available():
        if os.environ.get("ANTEI_REQUIRE_ALERTMANAGER"):
            pytest.fail("prometheus-alertmanager is required (ANTEI_REQUIRE_ALERTMANAGER) "
                        "but missing: make monitoring")
        pytest.skip("prometheus-alertmanager is not installed (make monitoring)")
    with file_database(tmp_path, "real_alertmanager") as url:
        server = AnteiServer(tmp_path / "antei", database_url=url, workers=2)
        with server:
            yield server.migrate()


def _alert(name: str, system: str, instance: str, **extra: Any) -> dict[str, Any]:
    return {"labels": {"alertname": name, "system": system, "instance": instance,
                       "severity": "warning"},
            "annotations": {"summary": f"{name} on {instance}"},
            "generatorURL": "http://prometheus.bank.invalid/graph", **extra}


def _alerts(api: Client, status: str) -> list[dict[str, Any]]:
    code, body = api.json("GET", f"/api/v1/alerts?status={status}&limit=500")
    assert code == 200, body
    return list(body["items"])


def _by_instance(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["labels"]["instance"]: item for item in items
            if item["labels"].get("alertname") in {"DiskFull", "InstanceDown"}}


def _when(api: Client, status: str, n: int) -> dict[str, dict[str, Any]] | None:
    """The test's alerts antei shows with `status`, once there are `n` of them."""
    found = _by_instance(_alerts(api, status))
    return found if len(found) == n else None


def test_alertmanager_delivers_groups_and_resolutions_to_antei(antei: AnteiServer,
                                                              tmp_path: Path) -> None:
    key = antei.create_integration(kind="alertmanager", name="Prometheus Alertmanager",
                                   group_by=["alertname", "system"])
    token = antei.create_token()
    antei.start()
    api = Client(antei.url, headers={"Authorization": f"Bearer {token}"})
    fired = [
        _alert("DiskFull", "CORE", "core-db-1:9100"),
        _alert("DiskFull", "CORE", "core-db-2:9100"),
        _alert("DiskFull", "CORE", "core-ap-1:9100"),
        _alert("DiskFull", "EDGE", "edge-gw-1:9100"),
        _alert("InstanceDown", "CORE", "core-batch-1:9100"),
    ]
    with api, Alertmanager(tmp_path / "alertmanager", group_by=("alertname", "system"),
                           webhook_url=f"{antei.url}/api/v1/intake/alertmanager/{key}"
                           ) as manager:
        manager.start()
        manager.post_alerts(fired)

        firing = wait_until(
            lambda: _when(api, "firing", 5),
            timeout=60, what="antei to record the five alerts Alertmanager delivered")
        assert all(item["status"] == "firing" for item in firing.values())
        assert firing["core-db-1:9100"]["annotations"]["summary"] == "DiskFull on core-db-1:9100"

        # Alertmanager grouped by (alertname, system): three groups of 3, 1 and 1 alerts;
        # antei puts the alerts of each of them in one group of its own.
        delivered = [sorted(a["labels"]["instance"] for a in g["alerts"])
                     for g in manager.groups()]
        assert sorted(map(len, delivered)) == [1, 1, 3]
        antei_groups = [{firing[instance]["group"] for instance in g} for g in delivered]
        assert all(len(ids) == 1 and None not in ids for ids in antei_groups), antei_groups
        assert len(set.union(*antei_groups)) == 3

        # The CORE disks recover: Prometheus sends them with an end in the past.
        ended = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
        manager.post_alerts([{**a, "endsAt": ended} for a in fired[:3]])
        resolved = wait_until(
            lambda: _when(api, "resolved", 3),
            timeout=60, what="antei to resolve the three alerts Alertmanager resolved")
        assert set(resolved) == {"core-db-1:9100", "core-db-2:9100", "core-ap-1:9100"}
        still = _by_instance(_alerts(api, "firing"))
        assert set(still) == {"edge-gw-1:9100", "core-batch-1:9100"}
