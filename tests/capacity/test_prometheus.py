"""The Prometheus pull against the real Prometheus (Debian package) scraping a small local
exporter every second (M-2.3, C07).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from antei.capacity import prometheus, services
from antei.capacity.models import Measurement
from antei.core.actor import Actor

pytestmark = pytest.mark.django_db
PROMETHEUS = shutil.which("prometheus") or "/usr/bin/prometheus"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Exporter(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = (b"# HELP antei_test_log_used_percent Log area used.\n"
                b"# TYPE antei_test_log_used_percent gauge\n"
                b'antei_test_log_used_percent{host="ATM-GW-02"} 73.5\n'
                b'antei_test_log_used_percent{host="ATM-GW-01"} 41\n')
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def prometheus_url(tmp_path: Path) -> Iterator[str]:
    exporter = ThreadingHTTPServer(("127.0.0.1", _free_port()), _Exporter)
    threading.Thread(target=exporter.serve_forever, daemon=True).start()
    port = _free_port()
    config = tmp_path / "prometheus.yml"
    config.write_text(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        "scrape_configs:\n  - job_name: exporter\n    static_configs:\n"
        f"      - targets: ['127.0.0.1:{exporter.server_address[1]}']\n")
    proc = subprocess.Popen(  # noqa: S603 (fixed arguments)
        [PROMETHEUS, f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'tsdb'}",
         f"--web.listen-address=127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        exporter.shutdown()
        exporter.server_close()


def _wait_for_data(url: str, expr: str) -> None:
    from antei.core import clock

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        now = clock.now()
        try:
            if prometheus.query_range(url, expr, start=now - timedelta(seconds=30),
                                      end=now, step=1):
                return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail("Prometheus had no data after 60 s")


def test_pull_stores_the_highest_series(bank: Any, admin_actor: Actor,
                                        prometheus_url: str) -> None:
    expr = "antei_test_log_used_percent"
    limit = services.create_limit(actor=admin_actor, system="GW", kind="log_area",
                                  name="ログ領域", value=100, warning=80, critical=90, unit="%",
                                  promql=expr, measurement_interval_seconds=1)
    unmapped = services.create_limit(actor=admin_actor, system="GW", kind="cpu", name="CPU",
                                     value=100, warning=80, critical=90, unit="%")
    _wait_for_data(prometheus_url, expr)
    result = prometheus.pull(actor=admin_actor, base_url=prometheus_url)
    assert result["errors"] == [] and result["limits"] == 1
    values = list(Measurement.objects.filter(limit=limit).values_list("value", flat=True))
    assert values and set(values) == {73.5}  # the fuller of the two hosts
    assert result["written"] == len(values)
    assert not Measurement.objects.filter(limit=unmapped).exists()
    again = prometheus.pull(actor=admin_actor, base_url=prometheus_url)
    assert again["errors"] == []  # starts after the latest stored reading: no duplicates
    assert Measurement.objects.filter(limit=limit).count() == len(values) + again["written"]


def test_a_broken_expression_is_reported_not_stored(bank: Any, admin_actor: Actor,
                                                    prometheus_url: str) -> None:
    services.create_limit(actor=admin_actor, system="GW", kind="cpu", name="CPU", value=100,
                          warning=80, critical=90, unit="%", promql="rate(",
                          measurement_interval_seconds=1)
    _wait_for_data(prometheus_url, "up")
    result = prometheus.pull(actor=admin_actor, base_url=prometheus_url)
    assert len(result["errors"]) == 1 and "bad_data" in result["errors"][0]
    assert Measurement.objects.count() == 0
