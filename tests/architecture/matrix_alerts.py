"""Role matrix rows of the alerts API (see test_role_matrix.py)."""

from __future__ import annotations

from typing import Any

from antei.core.actor import Actor
from tests.architecture.matrix import Call

EXPECTED: dict[tuple[str, str], Call] = {}


def build(actor: Actor, world: dict[str, Any]) -> dict[str, Any]:
    """Create the rows the paths above name ('@name' -> id); `world` holds the base bank
    (systems CORE and EDGE, department OPS, people P1 and P2, vendor VND, incidents)."""
    return {}
