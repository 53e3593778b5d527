"""Demo monitoring for 東雲銀行 (issue 5): the production Prometheus/Alertmanager feeding
antei, a heartbeat integration for the core system's standby processes, a weekly
maintenance window, and a few alerts so the alert screens show something.

The FX standbys deliberately get no heartbeat: the coverage report lists them
(A2-OPS-MON-1). Keys are not kept: an admin rotates one to connect a real sender.
Idempotent: nothing is created when the Alertmanager integration already exists.
"""

from __future__ import annotations

from datetime import time, timedelta

from antei.alerts import services as alert_services
from antei.alerts.models import Integration
from antei.core import clock
from antei.core.actor import Actor

AM_NAME = "本番Prometheus (Alertmanager)"
CORE_STANDBYS = ("CORE-HOST01-S", "CORE-DB01-S", "CORE-MQ01-S")


def _alert(name: str, service: str, instance: str, severity: str, summary: str,
           starts: str, status: str = "firing") -> dict[str, object]:
    return {"status": status, "labels": {"alertname": name, "service": service,
                                         "instance": instance, "severity": severity},
            "annotations": {"summary": summary}, "startsAt": starts,
            "endsAt": starts if status == "resolved" else "0001-01-01T00:00:00Z",
            "generatorURL": "http://prometheus.shinonome.example:9090/graph"}


def load(*, actor: Actor) -> None:
    if Integration.objects.filter(name=AM_NAME).exists():
        return
    am, _key = alert_services.create_integration(
        actor=actor, kind="alertmanager", name=AM_NAME, systems=["CORE", "FX", "ATMC"],
        label_mapping={"system": "service",
                       "aliases": {"core-banking": "CORE", "fx": "FX", "atm": "ATMC"}},
        auto_incident_severity="critical", group_by=["alertname", "service"])
    hb, _key = alert_services.create_integration(
        actor=actor, kind="heartbeat", name="待機系プロセス監視", systems=[],
        auto_incident_severity="")
    for component in CORE_STANDBYS:
        alert_services.add_heartbeat(actor=actor, integration_id=hb.pk,
                                     name=f"{component} プロセス", system="CORE",
                                     component=component, interval_minutes=5)
        alert_services.check_in(integration=hb, name=f"{component} プロセス")
    now = clock.now()
    hour_ago = (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    alert_services.ingest_alert_list(integration=am, payload={"version": "4", "alerts": [
        _alert("HighQueueDepth", "fx", "FX-AP01", "warning",
               "外為送信キューの滞留が閾値超過 / FX send queue above threshold", hour_ago),
        _alert("DiskUsageHigh", "core-banking", "CORE-DB01", "warning",
               "勘定系DBのログ領域使用率 85% / core DB log area 85% full", hour_ago),
        _alert("ATMLinkFlap", "atm", "ATMC-GW01", "error",
               "ATM回線の断続 / ATM line flapping", hour_ago, status="resolved"),
    ]})
    alert_services.create_silence(
        actor=actor, matchers=[{"label": "service", "op": "=", "value": "atm"}],
        starts_at=now, ends_at=None, weekdays=[6], window_start=time(2),
        window_end=time(5), comment="ATM網 定例保守（毎週日曜 2:00–5:00）")
