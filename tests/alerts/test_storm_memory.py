"""A storm of identical console messages leaves one storm alert and flat memory (issue 5
item 3, A2-PERF-CAP-3: one defect repeated per record flooded the console and starved the
CPU; identical messages must be suppressed at a constant cost per message).

100,000 identical lines of one message id go to the messages intake in 100 requests of
1,000 lines ("MSGID text", text/plain) through Django's test client, in process so that
tracemalloc sees every Python allocation the intake keeps. Afterwards antei shows one storm
alert ("repeated 100,000 times since ...") counting 100,000, and the messages themselves as
one collapsed alert counting 100,000. Memory held after the first tenth of the storm and at its end
differs by less than 2 MiB: a per-message cost of even 24 bytes kept would be 2.1 MiB.
(The 1,000,000-message storm, with the server's RSS before and after, is
`bench/intake.py --storm`; a million messages in process would take too long for `make test`.)

The second test posts 40,000 identical messages from four connections at once to antei
served for real (gunicorn, two workers): every acknowledged message is counted.
"""

from __future__ import annotations

import gc
import threading
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from antei.alerts import services
from antei.core.actor import system_actor
from tests.alerts.harness import AnteiServer, file_database
from tests.alerts.harness import Client as HttpClient

MESSAGES = 100_000
LINES = 1_000
LINE = "DBE0421E deadlock detected on table ACCT_BAL, transaction rolled back\n"
ALLOWED_GROWTH = 2 * 1024 * 1024


@pytest.fixture
def traced() -> Iterator[None]:
    tracemalloc.start()
    try:
        yield
    finally:
        tracemalloc.stop()


def _held() -> int:
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


def test_a_storm_of_one_message_id_is_one_alert_and_memory_stays_flat(
        db: None, api: Any, traced: None) -> None:
    _, key = services.create_integration(actor=system_actor(), kind="messages",
                                         name="mainframe console",
                                         rate_per_second=1_000_000.0, burst=1_000_000)
    path = f"/api/v1/intake/messages/{key}"
    body = (LINE * LINES).encode()
    client = Client()
    requests = MESSAGES // LINES
    held_after_tenth = 0
    for n in range(1, requests + 1):
        response = client.post(path, body, content_type="text/plain")
        assert response.status_code in (200, 202), (n, response.content)
        if n == requests // 10:
            held_after_tenth = _held()
    growth = _held() - held_after_tenth

    listed = api.get("/api/v1/alerts", limit=50)
    assert listed.status_code == 200, listed.content
    items = [item for item in listed.json()["items"]
             if item["labels"].get("message_id") == "DBE0421E"]
    storms = [item for item in items if item["labels"]["alertname"] == "MessageStorm"]
    assert len(storms) == 1, items
    assert storms[0]["count"] == MESSAGES
    assert storms[0]["status"] == "firing"
    assert f"repeated {MESSAGES:,} times" in storms[0]["summary"]
    # Besides the storm alert, the messages themselves are one collapsed alert, not 100,000.
    collapsed = [item for item in items if item not in storms]
    assert [item["count"] for item in collapsed] == [MESSAGES]
    assert growth < ALLOWED_GROWTH, (
        f"memory held grew by {growth / 1024:.0f} KiB over "
        f"{MESSAGES - MESSAGES // 10:,} identical messages")


def test_a_storm_posted_concurrently_to_a_real_server_counts_every_message(
        tmp_path: Path) -> None:
    """Consoles and log shippers post from several connections at once, and gunicorn's
    workers take them in parallel: the storm alert and the collapsed message alert still
    count every acknowledged message (no update lost between concurrent requests)."""
    threads, per_thread, lines = 4, 10, 1_000
    with file_database(tmp_path, "storm") as url:
        server = AnteiServer(tmp_path / "antei", database_url=url, workers=2)
        with server:
            key = server.migrate().create_integration(
                kind="messages", name="mainframe console", rate_per_second=1_000_000.0,
                burst=1_000_000)
            token = server.create_token()
            server.start()
            body = LINE * lines
            acknowledged = [0] * threads
            errors: list[str] = []

            def post(t: int) -> None:
                with HttpClient(server.url) as client:
                    sent = 0
                    while sent < per_thread:
                        status, answer = client.request("POST", f"/api/v1/intake/messages/{key}",
                                                        body, content_type="text/plain")
                        if status in (429, 503):  # flow control: send it again
                            client.close()
                            continue
                        if status >= 300:
                            errors.append(f"{status} {answer[:200]!r}")
                            return
                        sent += 1
                        acknowledged[t] += lines

            workers = [threading.Thread(target=post, args=(t,)) for t in range(threads)]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join(timeout=300)
            assert not errors, errors[:3]
            total = sum(acknowledged)
            assert total == threads * per_thread * lines
            with HttpClient(server.url,
                            headers={"Authorization": f"Bearer {token}"}) as api:
                status, listed = api.json("GET", "/api/v1/alerts?limit=50")
            assert status == 200, listed
            counts = {item["labels"]["alertname"]: item["count"] for item in listed["items"]
                      if item["labels"].get("message_id") == "DBE0421E"}
            assert counts == {"MessageStorm": total, "DBE0421E": total}, counts
