"""Benchmark alert intake against a real Prometheus Alertmanager (issue 5, Performance).

Run: .venv/bin/python bench/intake.py [--alerts 100000] [--distinct 1000] [--batch 100]
     [--runs 5] [--clients 4] [--workers 2] [--postgres URL] [--side antei|alertmanager]
     .venv/bin/python bench/intake.py --flood [--seconds 20] [--page /alerts/]
     .venv/bin/python bench/intake.py --storm [--messages 1000000] [--lines 1000]

Throughput (default): one deterministic stream of ``--alerts`` alerts drawn in a fixed order
from ``--distinct`` label sets (Prometheus re-sending what still fires: the same labels, the
same startsAt, a moving endsAt), cut into batches of ``--batch``, is posted

- to a real Alertmanager (Debian's prometheus-alertmanager, started here on loopback,
  clustering off, a receiver that sends nothing) at ``/api/v2/alerts`` as the list of alert
  objects {labels, annotations, startsAt, endsAt, generatorURL} Prometheus sends; it
  de-duplicates and groups them in memory;
- to antei served for real (``antei serve``: gunicorn, ``--workers`` processes x 4 threads,
  SQLite file by default, PostgreSQL with ``--postgres``) at
  ``/api/v1/intake/alertmanager/{key}``, the same alerts in the webhook version-4 envelope
  Alertmanager itself sends (fingerprints included); antei answers 2xx only after the batch
  is committed.

Both get the same pre-encoded bodies from the same client: ``--clients`` threads, each with
one keep-alive http.client connection, taking batches in order. A run's alerts/s is the
stream's size over the wall time from the first request to the last answer; each run uses
its own label sets (a ``run`` label), so every run does the same work (``--distinct`` new
alerts, the rest repeats); an unrecorded warm-up of a tenth of the stream goes first.
Printed: per side the median, min and max over ``--runs`` runs, p50/p99 batch latency
(of all batches of all runs), the ratio of the medians, and a check that each side holds
exactly ``--distinct`` x (runs + 1) alerts afterwards. A 429 or 503 (flow control) is
counted and retried after 50 ms (not after its Retry-After: the bench measures intake).

--flood: the UI, API and health check during a flood. Samples GET /healthz, a UI page
(``--page``, logged in) and GET /api/v1/alerts one after another, first with antei idle, then
while ``--clients`` threads flood intake for ``--seconds``; prints median/p99 of each, idle
vs flood, and what the flood achieved (alerts/s, 429/503 answers).

--storm: ``--messages`` identical messages of one message id posted as text/plain lines
("MSGID text") in requests of ``--lines`` lines to ``/api/v1/intake/messages/{key}``; prints
messages/s, the storm alert(s) antei shows with their count checked against the messages
acknowledged, and the server's resident memory (gunicorn + workers, and per process) after
the first 10 % (posted from several fresh connections, so every worker has served intake)
and at the end.

The PostgreSQL lane creates its own database (antei_bench_intake_<pid>: parallel runs do not
collide) on the server ``--postgres``
names and drops it afterwards. The machine these figures come from is shared: quote medians.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.alerts.harness import (  # noqa: E402 - after the path is set
    Alertmanager,
    AnteiServer,
    Client,
    alertmanager_available,
    fingerprint,
    process_tree,
    rss_kib,
)

SYSTEMS = ("CORE", "ATM", "IB", "SWIFT", "ZENGIN", "EDGE", "DWH", "HR")
ALERTNAMES = ("InstanceDown", "HighLatency", "DiskFull", "QueueBacklog", "BatchLate",
              "CertExpiring", "ReplicationLag", "ErrorRate", "StandbyDown", "LinkFlap")
SEVERITIES = ("critical", "warning", "info")
PG_BENCH_DB = f"antei_bench_intake_{os.getpid()}"  # own name: parallel runs never collide


# -- the stream ------------------------------------------------------------------------------


def label_set(k: int, run: int) -> dict[str, str]:
    return {"alertname": ALERTNAMES[k % len(ALERTNAMES)], "system": SYSTEMS[k % len(SYSTEMS)],
            "severity": SEVERITIES[k % len(SEVERITIES)], "instance": f"host-{k:05d}:9100",
            "job": "node", "run": str(run)}


def stream(n: int, distinct: int, run: int, now: datetime) -> list[dict[str, Any]]:
    """n alert objects; alert i has label set (i * 7919) mod distinct (all sets appear, in a
    scattered fixed order), startsAt fixed per set, endsAt moving with i."""
    starts = (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    alerts = []
    for i in range(n):
        k = (i * 7919) % distinct if distinct > 1 else 0
        labels = label_set(k, run)
        ends = (now + timedelta(minutes=5, milliseconds=i)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        alerts.append({
            "labels": labels,
            "annotations": {"summary": f"{labels['alertname']} on {labels['instance']}",
                            "description": f"{labels['system']} {labels['alertname']} "
                                           f"(set {k})"},
            "startsAt": starts, "endsAt": ends,
            "generatorURL": f"http://prometheus.bank.invalid/graph?g0.expr=up%7Bset%3D{k}%7D",
        })
    return alerts


def alertmanager_bodies(alerts: list[dict[str, Any]], batch: int) -> list[bytes]:
    return [json.dumps(alerts[i:i + batch]).encode() for i in range(0, len(alerts), batch)]


def webhook_bodies(alerts: list[dict[str, Any]], batch: int) -> list[bytes]:
    """The same alerts as Alertmanager's webhook (version 4) would deliver them."""
    bodies = []
    for i in range(0, len(alerts), batch):
        chunk = [{"status": "firing", **a, "fingerprint": fingerprint(a["labels"])}
                 for a in alerts[i:i + batch]]
        bodies.append(json.dumps({
            "version": "4", "groupKey": '{}:{job="node"}', "truncatedAlerts": 0,
            "status": "firing", "receiver": "antei", "groupLabels": {"job": "node"},
            "commonLabels": {"job": "node"}, "commonAnnotations": {},
            "externalURL": "http://alertmanager.bank.invalid:9093", "alerts": chunk,
        }).encode())
    return bodies


# -- posting ---------------------------------------------------------------------------------


@dataclass
class Posted:
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    throttled: int = 0
    failures: list[str] = field(default_factory=list)


def post_all(base_url: str, path: str, bodies: Sequence[bytes], clients: int, *,
             content_type: str = "application/json", stop: threading.Event | None = None,
             loop: bool = False) -> Posted:
    """Post every body once (or, with `loop`, round and round until `stop`) from `clients`
    keep-alive connections; 429/503 answers are counted and retried."""
    result = Posted()
    lock = threading.Lock()
    cursor = iter(range(len(bodies) * (10**9 if loop else 1)))

    def worker() -> None:
        latencies: list[float] = []
        with Client(base_url, timeout=120) as client:
            while stop is None or not stop.is_set():
                with lock:
                    index = next(cursor, None)
                if index is None:
                    break
                body = bodies[index % len(bodies)]
                began = time.perf_counter()
                while True:
                    try:
                        status, answer = client.request("POST", path, body,
                                                        content_type=content_type)
                    except OSError as exc:
                        with lock:
                            result.failures.append(repr(exc))
                        return
                    if status in (429, 503):  # flow control: retry shortly (counted)
                        client.close()  # the refused body may be left unread: new connection
                        with lock:
                            result.throttled += 1
                        time.sleep(0.05)
                        continue
                    break
                latencies.append(time.perf_counter() - began)
                if status >= 300:
                    with lock:
                        result.failures.append(f"{status} {answer[:300]!r}")
                    return
        with lock:
            result.latencies.extend(latencies)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - began
    return result


def quantile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


# -- the sides -------------------------------------------------------------------------------


class Side:
    name = ""
    url = ""
    path = ""

    def bodies(self, alerts: list[dict[str, Any]], batch: int) -> list[bytes]:
        raise NotImplementedError

    def held(self) -> int:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class AlertmanagerSide(Side):
    name = "alertmanager"
    path = "/api/v2/alerts"

    def __init__(self, workdir: Path) -> None:
        # The stream's 10 alert names x run: group by alertname like a usual route does.
        self.process = Alertmanager(workdir, group_by=("alertname",), group_wait="30s",
                                    group_interval="5m").start()
        self.url = self.process.url

    def bodies(self, alerts: list[dict[str, Any]], batch: int) -> list[bytes]:
        return alertmanager_bodies(alerts, batch)

    def held(self) -> int:
        return len(self.process.alerts(active="true", silenced="false", inhibited="false"))

    def close(self) -> None:
        self.process.stop()


class AnteiSide(Side):
    name = "antei"

    def __init__(self, workdir: Path, *, database_url: str | None, workers: int,
                 kind: str = "alertmanager") -> None:
        self.process = AnteiServer(workdir, database_url=database_url, workers=workers)
        self.process.migrate()
        # No per-integration limit: the bench measures intake, not the token bucket (a
        # flood then meets only the global cap on concurrent intake work).
        self.key = self.process.create_integration(kind=kind, name=f"bench {kind}",
                                                   rate_per_second=1e9, burst=10**9)
        self.token = self.process.create_token()
        self.process.start()
        self.url = self.process.url
        self.path = f"/api/v1/intake/{kind}/{self.key}"

    def bodies(self, alerts: list[dict[str, Any]], batch: int) -> list[bytes]:
        return webhook_bodies(alerts, batch)

    def api(self, path: str) -> Any:
        with Client(self.url, headers={"Authorization": f"Bearer {self.token}"}) as client:
            status, body = client.json("GET", path)
        if status != 200:
            raise SystemExit(f"GET {path}: {status} {body!r}")
        return body

    def held(self) -> int:
        return int(self.api("/api/v1/alerts?status=firing&limit=1")["count"])

    def close(self) -> None:
        self.process.stop()


# -- modes -----------------------------------------------------------------------------------


def throughput(args: argparse.Namespace, workdir: Path, database_url: str | None) -> None:
    sides: list[Side] = []
    if args.side in (None, "alertmanager"):
        if not alertmanager_available():
            raise SystemExit("prometheus-alertmanager is missing: make monitoring")
        sides.append(AlertmanagerSide(workdir / "alertmanager"))
    if args.side in (None, "antei"):
        sides.append(AnteiSide(workdir / "antei", database_url=database_url,
                               workers=args.workers))
    now = datetime.now(UTC)
    rates: dict[str, list[float]] = {s.name: [] for s in sides}
    latencies: dict[str, list[float]] = {s.name: [] for s in sides}
    throttled = dict.fromkeys(rates, 0)
    try:
        for side in sides:  # one unrecorded warm-up run each (caches, heaps, connections)
            warm_up = stream(max(args.alerts // 10, args.distinct), args.distinct, 0, now)
            warm = post_all(side.url, side.path, side.bodies(warm_up, args.batch),
                            args.clients)
            if warm.failures:
                raise SystemExit(f"{side.name}: warm-up failed: {warm.failures[0]}")
        for run in range(1, args.runs + 1):
            alerts = stream(args.alerts, args.distinct, run, now)
            # alternate which side goes first, so neither always gets the cooler machine
            for side in sides if run % 2 else reversed(sides):
                posted = post_all(side.url, side.path, side.bodies(alerts, args.batch),
                                  args.clients)
                if posted.failures:
                    raise SystemExit(f"{side.name}: {len(posted.failures)} failed requests, "
                                     f"first: {posted.failures[0]}")
                rates[side.name].append(args.alerts / posted.seconds)
                latencies[side.name].extend(posted.latencies)
                throttled[side.name] += posted.throttled
                print(f"run {run} {side.name:13} {args.alerts / posted.seconds:10,.0f} alerts/s "
                      f"({posted.seconds:.2f} s)", flush=True)
        held = {side.name: side.held() for side in sides}
    finally:
        for side in sides:
            side.close()

    lane = "PostgreSQL" if database_url else "SQLite"
    print(f"\n{args.alerts:,} alerts, {args.distinct:,} distinct label sets, batches of "
          f"{args.batch}, {args.clients} client threads, {args.runs} runs; antei: "
          f"{args.workers} gunicorn workers x 4 threads, {lane}")
    print(f"\n{'side':13} {'median':>10} {'min':>10} {'max':>10}  {'p50 batch':>10} "
          f"{'p99 batch':>10}  {'429/503':>7}  held")
    for name, values in rates.items():
        print(f"{name:13} {statistics.median(values):10,.0f} {min(values):10,.0f} "
              f"{max(values):10,.0f}  {quantile(latencies[name], .5) * 1e3:8.1f}ms "
              f"{quantile(latencies[name], .99) * 1e3:8.1f}ms  {throttled[name]:7}  "
              f"{held[name]:,}")
    print("(alerts/s; batch latency = request sent to answer read, all runs)")
    expected = args.distinct * (args.runs + 1)  # + the warm-up's
    for name, count in held.items():
        verdict = "ok" if count == expected else "WRONG"
        print(f"{name}: holds {count:,} firing alerts, expected {expected:,}: {verdict}")
    if len(rates) == 2:
        ratio = statistics.median(rates["antei"]) / statistics.median(rates["alertmanager"])
        print(f"ratio antei / alertmanager (medians): {ratio:.2f}")


def probe(client: Client, path: str, seconds: float, stop: threading.Event | None = None
          ) -> list[float]:
    """GET `path` back to back for `seconds`; latencies of 2xx answers (others fail)."""
    latencies = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline and not (stop and stop.is_set()):
        began = time.perf_counter()
        status, body = client.request("GET", path)
        if status != 200:
            raise SystemExit(f"GET {path}: {status} {body[:300]!r}")
        latencies.append(time.perf_counter() - began)
        time.sleep(0.02)
    return latencies


def flood(args: argparse.Namespace, workdir: Path, database_url: str | None) -> None:
    side = AnteiSide(workdir / "antei", database_url=database_url, workers=args.workers)
    try:
        session = side.process.create_session()
        with Client(side.url, headers={"Cookie": f"sessionid={session}"}) as client:
            if client.request("GET", args.page)[0] == 404:
                print(f"{args.page} does not exist (yet): sampling the home page / instead")
                args.page = "/"
        targets: dict[str, Client] = {
            "/healthz": Client(side.url),
            f"{args.page} (UI)": Client(side.url, headers={"Cookie": f"sessionid={session}"}),
            "/api/v1/alerts": Client(side.url,
                                     headers={"Authorization": f"Bearer {side.token}"}),
        }
        paths = {"/healthz": "/healthz", f"{args.page} (UI)": args.page,
                 "/api/v1/alerts": "/api/v1/alerts?status=firing&limit=50"}
        # some alerts first, so the pages have rows to show
        seed = side.bodies(stream(args.distinct, args.distinct, 0, datetime.now(UTC)),
                           args.batch)
        if (posted := post_all(side.url, side.path, seed, 1)).failures:
            raise SystemExit(f"seeding failed: {posted.failures[0]}")

        def sample(stop: threading.Event | None) -> dict[str, list[float]]:
            out: dict[str, list[float]] = {name: [] for name in targets}
            deadline = time.perf_counter() + args.seconds
            while time.perf_counter() < deadline and not (stop and stop.is_set()):
                for name, client in targets.items():
                    out[name] += probe(client, paths[name], 0.0001)
            return out

        idle = sample(None)
        bodies = side.bodies(stream(args.alerts, args.distinct, 1, datetime.now(UTC)),
                             args.batch)
        stop = threading.Event()
        flooded: dict[str, Posted] = {}
        flooder = threading.Thread(target=lambda: flooded.setdefault("r", post_all(
            side.url, side.path, bodies, args.clients, stop=stop, loop=True)))
        flooder.start()
        time.sleep(1.0)  # let the flood reach full speed
        busy = sample(None)
        stop.set()
        flooder.join()
        for client in targets.values():
            client.close()
    finally:
        side.close()
    result = flooded["r"]
    sent = len(result.latencies) * args.batch
    print(f"\nflood: {args.clients} client threads posting batches of {args.batch} for "
          f"{result.seconds:.1f} s: {sent / result.seconds:,.0f} alerts/s accepted, "
          f"{result.throttled} answered 429/503, {len(result.failures)} failed")
    print(f"\n{'probe':28} {'idle p50':>9} {'idle p99':>9} {'flood p50':>10} {'flood p99':>10}"
          f" {'n idle/flood':>13}")
    for name in targets:
        a, b = idle[name], busy[name]
        print(f"{name:28} {quantile(a, .5) * 1e3:7.1f}ms {quantile(a, .99) * 1e3:7.1f}ms "
              f"{quantile(b, .5) * 1e3:8.1f}ms {quantile(b, .99) * 1e3:8.1f}ms "
              f"{len(a):6}/{len(b):<6}")
    if result.failures:
        print(f"first failure: {result.failures[0]}")


def storm(args: argparse.Namespace, workdir: Path, database_url: str | None) -> None:
    side = AnteiSide(workdir / "antei", database_url=database_url, workers=args.workers,
                     kind="messages")
    line = "DBE0421E deadlock detected on table ACCT_BAL, transaction rolled back\n"
    body = (line * args.lines).encode()
    requests = args.messages // args.lines
    tenth = max(1, requests // 10)
    try:
        # The first tenth from several fresh connections at once, so that every gunicorn
        # worker has served intake (imports, caches, connections) before the baseline.
        first = post_all(side.url, side.path, [body] * tenth,
                         max(args.clients, 4 * args.workers), content_type="text/plain")
        rss_first = {pid: rss_kib(pid) for pid in process_tree(side.process.pid)}
        rest = post_all(side.url, side.path, [body] * (requests - tenth), args.clients,
                        content_type="text/plain")
        rss_last = {pid: rss_kib(pid) for pid in process_tree(side.process.pid)}
        alerts = side.api("/api/v1/alerts?limit=50")
    finally:
        side.close()
    failures = first.failures + rest.failures
    seconds = first.seconds + rest.seconds
    print(f"\nstorm: {requests * args.lines:,} identical messages (one message id) in "
          f"{requests:,} requests of {args.lines:,} lines, {args.clients} client threads")
    print(f"  {requests * args.lines / seconds:,.0f} messages/s; batch p50 "
          f"{quantile(first.latencies + rest.latencies, .5) * 1e3:.1f} ms, p99 "
          f"{quantile(first.latencies + rest.latencies, .99) * 1e3:.1f} ms; "
          f"{first.throttled + rest.throttled} answered 429/503; {len(failures)} failed")
    before, after = sum(rss_first.values()), sum(rss_last.values())
    print(f"  server RSS (gunicorn + workers): {before / 1024:.1f} MiB after the first 10 %, "
          f"{after / 1024:.1f} MiB at the end ({(after - before) / 1024:+.1f} MiB); per "
          "process: " + ", ".join(f"{(rss_last.get(pid, 0) - kib) / 1024:+.1f}"
                                  for pid, kib in rss_first.items()) + " MiB")
    sent = (len(first.latencies) + len(rest.latencies)) * args.lines  # answered 2xx
    print(f"  antei shows {alerts['count']} alert(s) ({sent:,} messages acknowledged):")
    for item in alerts["items"][:5]:
        verdict = "ok" if item["count"] == sent else f"WRONG: {item['count'] - sent:+,}"
        print(f"    {item['labels'].get('alertname')}: count {item['count']:,} ({verdict}), "
              f"{item['status']}, \"{item['summary'][:90]}\"")
    if failures:
        print(f"  first failure: {failures[0]}")


# -- PostgreSQL lane -------------------------------------------------------------------------


def postgres_database(url: str, *, drop: bool = False) -> str:
    """Create (or drop) the bench's own database on the server `url` names; returns its URL."""
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    if parts.path.strip("/") == PG_BENCH_DB:
        raise SystemExit("--postgres names the server (e.g. .../postgres), not the bench db")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_BENCH_DB}" WITH (FORCE)')
        if not drop:
            conn.execute(f'CREATE DATABASE "{PG_BENCH_DB}"')
    return urlunsplit(parts._replace(path=f"/{PG_BENCH_DB}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--flood", action="store_true", help="UI/API/health latency in a flood")
    mode.add_argument("--storm", action="store_true", help="identical-message storm")
    parser.add_argument("--alerts", type=int, default=100_000)
    parser.add_argument("--distinct", type=int, default=1_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="antei's gunicorn workers")
    parser.add_argument("--side", choices=("antei", "alertmanager"), help="only one side")
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL server (own database)")
    parser.add_argument("--seconds", type=float, default=15.0, help="--flood: flood length")
    parser.add_argument("--page", default="/alerts/",
                        help="--flood: the UI page sampled (/ if it does not exist)")
    parser.add_argument("--messages", type=int, default=1_000_000, help="--storm")
    parser.add_argument("--lines", type=int, default=1_000, help="--storm: lines a request")
    parser.add_argument("--dir", type=Path, help="keep databases and logs here")
    args = parser.parse_args()

    run: Callable[[argparse.Namespace, Path, str | None], None]
    run = flood if args.flood else storm if args.storm else throughput
    database_url = postgres_database(args.postgres) if args.postgres else None
    try:
        if args.dir:
            args.dir.mkdir(parents=True, exist_ok=True)
            run(args, args.dir, database_url)
        else:
            with tempfile.TemporaryDirectory(prefix="antei-bench-intake-") as tmp:
                run(args, Path(tmp), database_url)
    finally:
        if args.postgres:
            postgres_database(args.postgres, drop=True)


if __name__ == "__main__":
    main()
