"""kill -9 in the middle of a flood loses no acknowledged alert (issue 5 item 7, Done means).

antei runs as a real server (gunicorn, `antei serve`) on a file database: an SQLite file on
the SQLite lane, a database of its own on the PostgreSQL server on the PostgreSQL lane. Client
threads post batches of distinct alerts (Alertmanager webhook v4) and note which requests were
answered 2xx; once enough were, the server and its workers get SIGKILL mid-flood. Restarted
on the same database, every acknowledged alert is there exactly once (count 1, one row),
and a replay of an acknowledged delivery after the restart updates it without counting it
twice (Alertmanager re-sends by design). A2-PERF-CAP-2, C07.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.alerts.harness import (
    AnteiServer,
    Client,
    file_database,
    wait_until,
    webhook_payload,
)

BATCH = 25
CLIENTS = 3
ACKNOWLEDGED_BEFORE_KILL = 40  # requests answered 2xx before the crash


def _batch(thread: int, n: int) -> tuple[list[str], dict[str, Any]]:
    seqs = [f"{thread}-{n}-{i}" for i in range(BATCH)]
    alerts = [{"labels": {"alertname": "DurabilityProbe", "system": "CORE", "seq": seq},
               "annotations": {"summary": f"probe {seq}"},
               "startsAt": "2026-11-25T00:00:00Z"} for seq in seqs]
    return seqs, webhook_payload(alerts, group_key='{}:{alertname="DurabilityProbe"}')


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    with file_database(tmp_path, "durability") as url:
        yield url


def _stored(server: AnteiServer) -> list[tuple[str, int, str]]:
    """(seq label, count, status) of every stored probe alert, read straight from the
    database by a separate process."""
    rows = server.python(
        "from antei.alerts.models import Alert\n"
        "result = [(a.labels.get('seq'), a.count, a.status) for a in\n"
        "          Alert.objects.filter(labels__alertname='DurabilityProbe')]\n")
    return [(str(seq), int(count), str(status)) for seq, count, status in rows]


def test_kill_9_mid_flood_loses_no_acknowledged_alert(tmp_path: Path,
                                                       database_url: str) -> None:
    server = AnteiServer(tmp_path / "antei", database_url=database_url, workers=2)
    server.migrate()
    key = server.create_integration(kind="alertmanager", name="durability",
                                    **_unthrottled())
    path = f"/api/v1/intake/alertmanager/{key}"
    server.start()

    acknowledged: dict[str, dict[str, Any]] = {}  # seq -> the payload that carried it
    sent: set[str] = set()
    refusals: list[str] = []
    lock = threading.Lock()
    crashed = threading.Event()

    def flood(thread: int) -> None:
        with Client(server.url, timeout=30) as client:
            for n in range(100_000):
                seqs, payload = _batch(thread, n)
                with lock:
                    sent.update(seqs)
                try:
                    status, body = client.json("POST", path, payload)
                except OSError:
                    if crashed.is_set():
                        return  # the server died under us: this batch is unacknowledged
                    raise
                if 200 <= status < 300:
                    with lock:
                        acknowledged.update(dict.fromkeys(seqs, payload))
                elif status in (429, 503):  # flow control: not acknowledged
                    client.close()  # its body may be left unread: a new connection
                else:
                    with lock:
                        refusals.append(f"{status} {body!r}")
                    return

    threads = [threading.Thread(target=flood, args=(t,)) for t in range(CLIENTS)]
    try:
        for thread in threads:
            thread.start()
        wait_until(lambda: len(acknowledged) >= ACKNOWLEDGED_BEFORE_KILL * BATCH or refusals,
                   timeout=120, what="acknowledged deliveries", interval=0.01)
        crashed.set()
        server.kill()  # SIGKILL to gunicorn and its workers, mid-flood
        for thread in threads:
            thread.join(timeout=60)
        assert not refusals, refusals[:3]

        rows = _stored(server)
        seen: dict[str, int] = {}
        for seq, count, status in rows:
            seen[seq] = seen.get(seq, 0) + 1
            assert status == "firing", (seq, status)
            assert count == 1, f"alert {seq} counted {count} times after one delivery"
        lost = sorted(set(acknowledged) - set(seen))
        assert not lost, f"{len(lost)} acknowledged alerts lost, e.g. {lost[:5]}"
        doubled = sorted(seq for seq, rows_of_seq in seen.items() if rows_of_seq > 1)
        assert not doubled, f"alerts stored twice: {doubled[:5]}"
        assert set(seen) <= sent
        # The flood was really cut mid-way: requests were in flight when the server died.
        assert len(sent) > len(acknowledged)

        # Restarted on the same database, it serves; Alertmanager re-sending an
        # acknowledged delivery updates the alerts without counting them twice.
        server.start()
        replay = next(iter(acknowledged.values()))
        with Client(server.url) as client:
            code, body = client.json("POST", path, replay)
        assert 200 <= code < 300, body
        after = {seq: count for seq, count, _ in _stored(server)}
        replayed = [str(a["labels"]["seq"]) for a in replay["alerts"]]
        assert all(after[seq] == 1 for seq in replayed), {s: after[s] for s in replayed}
        assert len(after) == len(seen)
    finally:
        crashed.set()
        server.kill()


def _unthrottled() -> dict[str, object]:
    """Flow control is not under test here: no 429 should cut the flood short."""
    return {"rate_per_second": 1_000_000.0, "burst": 1_000_000}
