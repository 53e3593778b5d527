"""Intake over real HTTP requests (Django test client) for each format: dedup, resolve,
re-fire, bad payloads naming the field, unknown keys, rate limits, signatures.

Catalog: C07, A1-I-7, A2-PERF-CAP-2, A2-PERF-CAP-3.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from antei.alerts.models import Alert, AlertGroup, MessageCounter
from antei.incidents.models import Incident
from tests.alerts.conftest import am_alert, am_payload, post

pytestmark = pytest.mark.django_db

Make = Callable[..., tuple[Any, str]]


def _am(client: Client, key: str, *alerts: dict[str, Any]) -> Any:
    return post(client, f"/api/v1/intake/alertmanager/{key}", am_payload(*alerts))


def test_alertmanager_repeat_updates_one_row_without_counting_a_new_occurrence(
        make_integration: Make, core_system: Any, api: Any) -> None:
    """C07/A1-I-7: Alertmanager re-sends firing alerts by design; same startsAt -> one row,
    last_seen moves, count stays; the API lists it for its system."""
    _, key = make_integration(systems=["CORE"], auto_incident_severity="")
    client = Client()
    assert _am(client, key, am_alert(instance="a")).status_code == 200
    first = Alert.objects.get()
    response = _am(client, key, am_alert(instance="a"), am_alert(instance="a"))
    assert response.status_code == 200
    alert = Alert.objects.get()
    assert (alert.count, alert.occurrence, alert.status) == (1, 1, "firing")
    assert alert.last_seen > first.last_seen
    listed = api.get("/api/v1/alerts", status="firing", system="CORE").json()
    assert listed["count"] == 1
    assert listed["items"][0]["labels"] == {"alertname": "HighLatency", "instance": "a"}
    assert listed["items"][0]["system"] == "CORE"


def test_new_start_time_counts_resolve_closes_and_refire_is_a_new_occurrence(
        make_integration: Make, core_system: Any) -> None:
    """C07: a later startsAt while open counts; resolve closes; firing again is occurrence 2."""
    _, key = make_integration(systems=["CORE"], auto_incident_severity="")
    client = Client()
    _am(client, key, am_alert(instance="a"))
    _am(client, key, am_alert(instance="a", starts="2026-11-25T02:20:00Z"))
    assert Alert.objects.get().count == 2
    _am(client, key, am_alert(instance="a", status="resolved"))
    resolved = Alert.objects.get()
    assert resolved.status == "resolved"
    assert resolved.ends_at is not None and resolved.ends_at.isoformat().startswith("2026-11-25T03")
    _am(client, key, am_alert(instance="a", starts="2026-11-25T04:00:00Z"))
    rows = list(Alert.objects.order_by("pk").values_list("status", "occurrence"))
    assert rows == [("resolved", 1), ("firing", 2)]


def test_replay_of_a_resolved_occurrence_opens_nothing(make_integration: Make) -> None:
    """A1-I-7: a sender replaying an old payload (same startsAt) after the resolve does not
    re-open the alert nor count a new occurrence."""
    _, key = make_integration(auto_incident_severity="")
    client = Client()
    _am(client, key, am_alert(instance="a"))
    _am(client, key, am_alert(instance="a", status="resolved"))
    _am(client, key, am_alert(instance="a"))
    assert list(Alert.objects.values_list("status", "occurrence")) == [("resolved", 1)]


def test_alerts_are_grouped_by_alertname_and_system(make_integration: Make,
                                                     core_system: Any, api: Any) -> None:
    _, key = make_integration(systems=["CORE"], auto_incident_severity="")
    _am(Client(), key, am_alert(instance="a"), am_alert(instance="b"),
        am_alert(name="DiskFull", instance="a"))
    groups = api.get("/api/v1/alert-groups").json()["items"]
    assert sorted((g["labels"]["alertname"], g["firing"]) for g in groups) == [
        ("DiskFull", 1), ("HighLatency", 2)]


def test_critical_alert_on_critical_system_opens_one_incident(make_integration: Make,
                                                             core_system: Any) -> None:
    """Routing: severity critical on a critical-tier system opens an incident; the group's
    later alerts join it instead of opening another."""
    _, key = make_integration(systems=["CORE"])
    response = _am(Client(), key, am_alert(instance="a", severity="critical"))
    assert len(response.json()["incidents"]) == 1
    _am(Client(), key, am_alert(instance="b", severity="critical"))
    incident = Incident.objects.get()
    assert incident.systems.get().code == "CORE"
    assert AlertGroup.objects.get().incident_id == incident.pk
    assert Alert.objects.filter(group__incident=incident).count() == 2


def test_warning_waits_for_an_operator_to_promote(make_integration: Make, core_system: Any,
                                                  make_api_client: Callable[..., Any]) -> None:
    from antei.core.roles import Role

    _, key = make_integration(systems=["CORE"])
    _am(Client(), key, am_alert(instance="a", severity="warning"))
    assert not Incident.objects.exists()
    group = AlertGroup.objects.get()
    operator = make_api_client(Role.OPERATOR)
    answer = operator.post(f"/api/v1/alert-groups/{group.pk}/promote", {"rank": 3})
    assert answer.status_code == 200, answer.content
    assert answer.json()["incident"] == Incident.objects.get().pk
    again = operator.post(f"/api/v1/alert-groups/{group.pk}/promote", {"rank": 3})
    assert again.status_code == 409
    assert make_api_client(Role.AUDITOR).post(
        f"/api/v1/alert-groups/{group.pk}/promote", {"rank": 3}).status_code == 403
    from antei.core.models import AuditEntry

    promoted = AuditEntry.objects.get(object_type="alerts.alertgroup", action="promote")
    assert promoted.after == {"incident": Incident.objects.get().pk}
    assert promoted.source == "api"


@pytest.mark.parametrize(("mutate", "field"), [
    (lambda p: p["alerts"][1].pop("labels"), "alerts[1].labels"),
    (lambda p: p["alerts"][1]["labels"].update({"x": 3}), "alerts[1].labels.x"),
    (lambda p: p["alerts"][0].update({"startsAt": "yesterday"}), "alerts[0].startsAt"),
    (lambda p: p["alerts"][0].update({"status": "burning"}), "alerts[0].status"),
    (lambda p: p.pop("alerts"), "alerts"),
])
def test_bad_alertmanager_payload_is_422_naming_the_field_and_writes_nothing(
        make_integration: Make, mutate: Callable[[dict[str, Any]], object], field: str) -> None:
    _, key = make_integration()
    payload = am_payload(am_alert(instance="a"), am_alert(instance="b"))
    mutate(payload)
    response = post(Client(), f"/api/v1/intake/alertmanager/{key}", payload)
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]]
    assert not Alert.objects.exists()


def test_body_that_is_not_json_is_422(make_integration: Make) -> None:
    _, key = make_integration()
    response = Client().post(f"/api/v1/intake/alertmanager/{key}", "{not json",
                             content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body"


def test_unknown_key_and_key_of_another_kind_are_the_same_404(make_integration: Make) -> None:
    _, key = make_integration(kind="events")
    for url in ("/api/v1/intake/alertmanager/ak_nope", f"/api/v1/intake/alertmanager/{key}"):
        response = post(Client(), url, am_payload(am_alert()))
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == "not_found"


def test_rotated_key_replaces_the_old_one(make_integration: Make, api: Any) -> None:
    integration, key = make_integration()
    answer = api.post(f"/api/v1/integrations/{integration.pk}/rotate-key")
    assert answer.status_code == 200
    new_key = answer.json()["key"]
    assert _am(Client(), key, am_alert()).status_code == 404
    assert _am(Client(), new_key, am_alert()).status_code == 200
    from antei.core.models import AuditEntry

    rotated = AuditEntry.objects.get(action="rotate_key")
    assert rotated.after == {"key_prefix": new_key[:8]}


def test_empty_bucket_is_429_with_retry_after(make_integration: Make) -> None:
    """A2-PERF-CAP-2: over the integration's rate the sender is told when to retry."""
    _, key = make_integration(rate_per_second=0.5, burst=2)
    client = Client()
    codes = [_am(client, key, am_alert()).status_code for _ in range(3)]
    assert codes[:2] == [200, 200]
    limited = _am(client, key, am_alert())
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) >= 1
    assert limited.json()["code"] == "rate_limited"


def test_intake_over_the_concurrency_cap_is_refused_at_once(make_integration: Make,
                                                           settings: Any) -> None:
    """A2-PERF-CAP-2: with no free intake slot the request is refused (503 + Retry-After)
    instead of queueing behind the flood."""
    from antei.alerts import flow

    _, key = make_integration()
    settings.ALERTS_INTAKE_CONCURRENCY = 1
    held = flow.enter()
    assert held is not None
    try:
        busy = _am(Client(), key, am_alert())
        assert busy.status_code == 503
        assert busy["Retry-After"] == "1"
    finally:
        held.release()
    assert _am(Client(), key, am_alert()).status_code == 200


def test_grafana_signature_is_checked_when_configured(make_integration: Make) -> None:
    _, key = make_integration(kind="grafana", hmac_header="X-Grafana-Alerting-Signature",
                              hmac_secret="s3cret")
    body = json.dumps({**am_payload(am_alert()), "title": "[FIRING:1]", "message": "m"})
    url = f"/api/v1/intake/grafana/{key}"
    bad = Client().post(url, body, content_type="application/json",
                        headers={"X-Grafana-Alerting-Signature": "0" * 64})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "X-Grafana-Alerting-Signature"
    good_sig = hmac.new(b"s3cret", body.encode(), hashlib.sha256).hexdigest()
    good = Client().post(url, body, content_type="application/json",
                         headers={"X-Grafana-Alerting-Signature": good_sig})
    assert good.status_code == 200
    assert Alert.objects.count() == 1


def test_events_trigger_acknowledge_resolve(make_integration: Make) -> None:
    """PagerDuty Events v2 shape: 202 with the dedup_key; triggers with the same key are
    one alert whose count grows; resolve closes it."""
    _, key = make_integration(kind="events")
    url = f"/api/v1/intake/events/{key}"
    event = {"routing_key": "r", "event_action": "trigger", "dedup_key": "db-disk",
             "payload": {"summary": "DB disk 95%", "source": "db-1", "severity": "critical",
                         "component": "disk"}}
    first = post(Client(), url, event)
    assert first.status_code == 202
    assert first.json() == {"status": "success", "message": "Event processed",
                            "dedup_key": "db-disk"}
    post(Client(), url, event)
    alert = Alert.objects.get()
    assert (alert.count, alert.severity, alert.summary) == (2, "critical", "DB disk 95%")
    post(Client(), url, {"routing_key": "r", "event_action": "acknowledge",
                         "dedup_key": "db-disk"})
    assert Alert.objects.get().acknowledged_at is not None
    post(Client(), url, {"routing_key": "r", "event_action": "resolve", "dedup_key": "db-disk"})
    assert Alert.objects.get().status == "resolved"


def test_event_without_summary_is_422_naming_it(make_integration: Make) -> None:
    _, key = make_integration(kind="events")
    response = post(Client(), f"/api/v1/intake/events/{key}", {
        "event_action": "trigger", "payload": {"source": "x", "severity": "info"}})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["payload.summary"]


def test_message_storm_collapses_into_one_storm_alert(make_integration: Make) -> None:
    """A2-PERF-CAP-3: identical console messages are counted, not stored; over the
    threshold one storm alert says how often and since when."""
    _, key = make_integration(kind="messages", storm_threshold=100)
    url = f"/api/v1/intake/messages/{key}"
    lines = "\n".join(["IEA911E SVC DUMP FAILED"] * 60)
    for _ in range(3):
        response = Client().post(url, lines, content_type="text/plain")
        assert response.status_code == 200
    counter = MessageCounter.objects.get()
    assert counter.count == 180
    storm = Alert.objects.get(labels__alertname="MessageStorm")
    assert storm.count == 180
    assert "repeated 180 times since" in storm.summary
    assert "180 回繰り返し" in storm.summary
    assert counter.storm_alert_id == storm.pk
    # one alert for the message itself, one storm alert: not 180 rows
    assert Alert.objects.count() == 2


def test_messages_json_and_bad_message(make_integration: Make) -> None:
    _, key = make_integration(kind="messages")
    url = f"/api/v1/intake/messages/{key}"
    ok = post(Client(), url, {"messages": [{"id": "E1", "text": "disk full", "host": "h1",
                                            "severity": "error"}]})
    assert ok.status_code == 200
    assert Alert.objects.get().severity == "error"
    bad = post(Client(), url, {"messages": [{"id": "E1", "text": "x"}, {"id": "E2"}]})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "messages[1].text"


def test_create_integration_returns_key_once_and_is_audited(api: Any, core_system: Any) -> None:
    from antei.core.models import AuditEntry

    created = api.post("/api/v1/integrations", {"kind": "alertmanager", "name": "本番AM",
                                                "systems": ["CORE"],
                                                "label_mapping": {"system": "service"}})
    assert created.status_code == 201, created.content
    key = created.json()["key"]
    assert key.startswith("ak_")
    listed = api.get("/api/v1/integrations").json()
    assert "key" not in listed[0]
    assert listed[0]["key_prefix"] == key[:8]
    entry = AuditEntry.objects.get(object_type="alerts.integration", action="create")
    assert key not in json.dumps(entry.after)
    bad = api.post("/api/v1/integrations", {"kind": "nagios", "name": "x"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "kind"


def test_label_mapping_finds_the_system(make_integration: Make, core_system: Any) -> None:
    _, key = make_integration(label_mapping={"system": "service",
                                             "aliases": {"core-banking": "CORE"}},
                              auto_incident_severity="")
    _am(Client(), key, am_alert(service="core-banking"))
    assert Alert.objects.get().system == core_system
