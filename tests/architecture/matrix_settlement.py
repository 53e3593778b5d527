"""Role matrix rows of the settlement API (see test_role_matrix.py): payment data is for
the bank's own staff (not vendors); the system and business departments edit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from antei.core.actor import Actor
from antei.settlement import selectors, services
from tests.architecture.matrix import SETTLEMENT_EDITORS, STAFF, Call

ITEM = {"settlement_date": datetime.now(tz=UTC).date().isoformat(), "bank_code": "0005",
        "branch_code": "010", "account_number": "1234567", "recipient_name": "ﾔﾏﾀﾞ ﾀﾛｳ",
        "amount": 10000, "branch": "101"}

EXPECTED: dict[tuple[str, str], Call] = {
    ("POST", "/settlement/batches"): Call(SETTLEMENT_EDITORS, body={
        "incident_id": "@settlement_incident", "items": [ITEM | {"amount": 20000}]}),
    ("GET", "/settlement/batches"): Call(STAFF),
    ("GET", "/settlement/summary"): Call(STAFF, query={"incident": "@settlement_incident",
                                                       "group_by": "branch,status"}),
    ("GET", "/settlement/plan"): Call(STAFF, query={"incident": "@settlement_incident"}),
    ("POST", "/settlement/exports"): Call(SETTLEMENT_EDITORS,
                                          body={"incident_id": "@settlement_incident"}),
    ("POST", "/settlement/items/processed"): Call(SETTLEMENT_EDITORS, body={
        "incident_id": "@settlement_incident", "ids": ["@settlement_item"]}),
    ("GET", "/settlement/items"): Call(STAFF, query={"incident": "@settlement_incident",
                                                     "branch": "101"}),
    ("POST", "/settlement/suspensions"): Call(SETTLEMENT_EDITORS, body={
        "incident_id": "@settlement_incident", "channel": "ib"}),
    ("POST", "/settlement/suspensions/resume"): Call(SETTLEMENT_EDITORS, body={
        "incident_id": "@settlement_incident", "channel": "atm"}),
    ("GET", "/settlement/suspensions"): Call(STAFF, query={"incident": "@settlement_incident"}),
    ("PUT", "/settlement/capacities"): Call(SETTLEMENT_EDITORS, body={
        "incident_id": "@settlement_incident", "channel": "zengin", "items_per_minute": 80,
        "opens_at": "08:30", "cutoff_at": "15:30", "manual_minutes_per_item": 3,
        "staff_available": 4}),
    ("PUT", "/settlement/rules"): Call(SETTLEMENT_EDITORS, body={
        "incident_id": "@settlement_incident",
        "rules": [{"kind": "same_day"}, {"kind": "amount"}]}),
}


def build(actor: Actor, world: dict[str, Any]) -> dict[str, Any]:
    """Create the rows the paths above name ('@name' -> id); `world` holds the base bank
    (systems CORE and EDGE, department OPS, people P1 and P2, vendor VND, incidents)."""
    incident = world["@incident"]
    services.import_batch(actor=actor, incident_id=incident, format="json", items=[ITEM])
    services.suspend_intake(actor=actor, incident_id=incident, channel="atm")
    first = selectors.lookup(incident, branch="101")[0]["item"].pk
    return {"@settlement_incident": incident, "@settlement_item": first}
