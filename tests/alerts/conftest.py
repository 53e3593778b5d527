"""Fixtures of the alert intake tests: integrations with their keys, payload builders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from antei.alerts import flow, services
from antei.core.actor import Actor
from tests import factories


@pytest.fixture(autouse=True)
def _fresh_buckets() -> None:
    flow.reset()


@pytest.fixture
def core_system(db: None) -> Any:
    return factories.system(code="CORE", tier="critical")


@pytest.fixture
def make_integration(db: None, admin_actor: Actor) -> Callable[..., tuple[Any, str]]:
    def make(kind: str = "alertmanager", name: str | None = None, **kw: Any) -> tuple[Any, str]:
        make.n += 1  # type: ignore[attr-defined]
        return services.create_integration(actor=admin_actor, kind=kind,
                                           name=name or f"{kind}-{make.n}", **kw)

    make.n = 0  # type: ignore[attr-defined]
    return make


def am_alert(name: str = "HighLatency", status: str = "firing",
             starts: str = "2026-11-25T02:13:00Z", **labels: str) -> dict[str, Any]:
    return {"status": status, "labels": {"alertname": name, **labels},
            "annotations": {"summary": f"{name} on {labels.get('instance', 'x')}"},
            "startsAt": starts,
            "endsAt": "2026-11-25T03:00:00Z" if status == "resolved" else "0001-01-01T00:00:00Z",
            "generatorURL": "http://prometheus:9090/graph?g0.expr=up", "fingerprint": "abc"}


def am_payload(*alerts: dict[str, Any], status: str = "firing") -> dict[str, Any]:
    return {"version": "4", "groupKey": "{}:{alertname=\"HighLatency\"}", "status": status,
            "receiver": "antei", "groupLabels": {"alertname": "HighLatency"},
            "commonLabels": {}, "commonAnnotations": {}, "externalURL": "http://am:9093",
            "truncatedAlerts": 0, "alerts": list(alerts)}


def post(client: Client, url: str, body: Any, **kw: Any) -> Any:
    return client.post(url, body, content_type="application/json", **kw)
