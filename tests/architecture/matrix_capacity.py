"""Role matrix rows of the capacity API (see test_role_matrix.py)."""

from __future__ import annotations

from typing import Any

from antei.capacity import services as capacity_services
from antei.core.actor import Actor
from antei.core.roles import Role
from tests.architecture.matrix import CAPACITY_EDITORS, Call

ALL_ROLES = frozenset(Role)
LIMIT = {"system": "CORE", "kind": "disk", "name": "新ディスク", "value": 500, "unit": "GB",
         "warning": 400, "critical": 450}

EXPECTED: dict[tuple[str, str], Call] = {
    ("GET", "/limits"): Call(ALL_ROLES),
    ("POST", "/limits"): Call(CAPACITY_EDITORS, body=LIMIT),
    ("GET", "/limits/{limit_id}"): Call(ALL_ROLES, {"limit_id": "@limit"}),
    ("PATCH", "/limits/{limit_id}"): Call(CAPACITY_EDITORS, {"limit_id": "@limit"},
                                          {"unit": "%"}),
    ("DELETE", "/limits/{limit_id}"): Call(CAPACITY_EDITORS, {"limit_id": "@spare_limit"}),
    ("POST", "/limits/{limit_id}/measurements"): Call(
        CAPACITY_EDITORS, {"limit_id": "@limit"},
        [{"at": "2026-01-05T09:00:00+09:00", "value": 41.5}]),  # type: ignore[arg-type]
    ("GET", "/limits/{limit_id}/forecast"): Call(ALL_ROLES, {"limit_id": "@limit"}),
    ("POST", "/limits/{limit_id}/links"): Call(CAPACITY_EDITORS, {"limit_id": "@limit"},
                                               {"downstream": "@link_to"}),
    ("POST", "/systems/{code}/batch-runs"): Call(
        CAPACITY_EDITORS, {"code": "CORE"},
        [{"job": "夜間", "started_at": "2026-01-05T23:30:00+09:00",  # type: ignore[arg-type]
          "ended_at": "2026-01-06T05:10:00+09:00", "records": 120000}]),
    ("POST", "/systems/{code}/response-times"): Call(
        CAPACITY_EDITORS, {"code": "CORE"},
        [{"at": "2026-01-05T10:00:00+09:00", "p50_ms": 120,  # type: ignore[arg-type]
          "p95_ms": 480, "p99_ms": 900}]),
    ("POST", "/capacity/what-if"): Call(CAPACITY_EDITORS, body={"factor": 2.0,
                                                                "from": "2030-04-01"}),
}


def build(actor: Actor, world: dict[str, Any]) -> dict[str, Any]:
    """Create the rows the paths above name ('@name' -> id); `world` holds the base bank
    (systems CORE and EDGE, department OPS, people P1 and P2, vendor VND, incidents)."""
    def make(name: str) -> int:
        return capacity_services.create_limit(actor=actor, system="CORE", kind="log_area",
                                              name=name, value=100, warning=80,
                                              critical=90, unit="%").pk

    return {"@limit": make("ログ領域"), "@spare_limit": make("予備"),
            "@link_to": make("出力")}
