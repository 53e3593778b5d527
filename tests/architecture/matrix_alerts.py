"""Role matrix rows of the alerts API (see test_role_matrix.py). Intake routes are public
(key in the path): every role gets past auth, and an unknown key is 404."""

from __future__ import annotations

from typing import Any

from antei.core.actor import Actor
from tests.architecture.matrix import ADMIN_ONLY, ALERT_EDITORS, ALL, Call

_AM = {"version": "4", "status": "firing", "receiver": "antei", "groupKey": "{}:{}",
       "alerts": [{"status": "firing", "labels": {"alertname": "Up", "system": "CORE"},
                   "annotations": {}, "startsAt": "2026-01-05T00:00:00Z"}]}

EXPECTED: dict[tuple[str, str], Call] = {
    ("POST", "/integrations"): Call(ADMIN_ONLY, body={"kind": "alertmanager", "name": "新監視",
                                                      "systems": ["CORE"]}),
    ("GET", "/integrations"): Call(ADMIN_ONLY),
    ("POST", "/integrations/{integration_id}/rotate-key"): Call(
        ADMIN_ONLY, {"integration_id": "@integration"}),
    ("POST", "/intake/alertmanager/{key}"): Call(ALL, {"key": "@am_key"}, _AM, public=True),
    ("POST", "/intake/grafana/{key}"): Call(ALL, {"key": "@grafana_key"},
                                            {**_AM, "title": "t", "message": "m"}, public=True),
    ("POST", "/intake/events/{key}"): Call(ALL, {"key": "@events_key"}, {
        "routing_key": "x", "event_action": "trigger", "dedup_key": "d-1",
        "payload": {"summary": "disk full", "source": "db-1", "severity": "warning"}},
        public=True),
    ("POST", "/intake/messages/{key}"): Call(ALL, {"key": "@messages_key"}, {
        "messages": [{"id": "IEA911E", "text": "dump failed"}]}, public=True),
    ("POST", "/heartbeats/{key}"): Call(ALL, {"key": "@heartbeat_key"}, {"name": "batch"},
                                        public=True),
    ("GET", "/alerts"): Call(ALL, query={"status": "firing", "system": "CORE"}),
    ("GET", "/alerts/coverage"): Call(ALL),
    ("GET", "/alerts/{alert_id}"): Call(ALL, {"alert_id": "@alert"}),
    ("GET", "/alert-groups"): Call(ALL),
    ("GET", "/alert-groups/{group_id}"): Call(ALL, {"group_id": "@group"}),
    ("POST", "/alert-groups/{group_id}/promote"): Call(ALERT_EDITORS, {"group_id": "@group"},
                                                       {"rank": 3}),
    ("GET", "/silences"): Call(ALL),
    ("POST", "/silences"): Call(ALERT_EDITORS, body={
        "matchers": [{"label": "system", "op": "=", "value": "EDGE"}],
        "ends_at": "2030-01-01T00:00:00Z", "comment": "保守"}),
    ("DELETE", "/silences/{silence_id}"): Call(ALERT_EDITORS, {"silence_id": "@silence"}),
}


def build(actor: Actor, world: dict[str, Any]) -> dict[str, Any]:
    """Create the rows the paths above name ('@name' -> id); `world` holds the base bank
    (systems CORE and EDGE, department OPS, people P1 and P2, vendor VND, incidents)."""
    from antei.alerts import services

    made: dict[str, Any] = {}
    for kind in ("alertmanager", "grafana", "events", "messages", "heartbeat"):
        integration, key = services.create_integration(
            actor=actor, kind=kind, name=f"matrix-{kind}", systems=["CORE"],
            auto_incident_severity="")
        made[f"@{'am' if kind == 'alertmanager' else kind}_key"] = key
        if kind == "alertmanager":
            made["@integration"] = integration.pk
            services.ingest_alert_list(integration=integration, payload=_AM)
            made["@group"] = integration.groups.get().pk
            made["@alert"] = integration.alerts.get().pk
    silence = services.create_silence(
        actor=actor, matchers=[{"label": "system", "op": "=", "value": "EDGE"}],
        starts_at=None, ends_at=None, weekdays=[0, 1, 2, 3, 4], comment="夜間保守")
    made["@silence"] = silence.pk
    return made
