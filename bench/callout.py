"""Benchmark call-out: paging 1,000 people for one incident, and how late a due escalation
step fires while those pages are being delivered (issue 6, Performance; C02, M-3.3).

Run: .venv/bin/python bench/callout.py [--people 1000] [--runs 3] [--workers 1]

Everything is real and in production configuration: a SQLite database file in a temporary
directory (migrated here), a local SMTP server (aiosmtpd, in this process) that records
when it accepted each message, and `antei worker` subprocesses (the django-tasks database
worker plus the cron tick) doing the delivery. This process only writes what a user would:
it opens incidents through `incidents.services.open_incident`, which starts the call-out
through the after-commit hook, exactly as in production.

Figures (medians over --runs):
1. fan-out: from the call to open_incident until the SMTP server accepted the e-mail of the
   last of the N people in the rank's management distribution.
2. due-step delay: a second incident's escalation step is made due (its timer enqueued
   for time T, as the service does) 1 s after the big incident is opened; the figure is
   the time from T until that step's e-mail was accepted, under load and, for comparison,
   with the worker idle.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Recorder:
    """aiosmtpd handler: wall-clock time at which each recipient's message was accepted."""

    def __init__(self) -> None:
        self.accepted: dict[str, float] = {}
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        now = time.time()
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.accepted.setdefault(rcpt, now)
        return "250 OK"

    def wait_for(self, addresses: list[str], timeout: float = 600) -> float:
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                if all(a in self.accepted for a in addresses):
                    return max(self.accepted[a] for a in addresses)
            time.sleep(0.02)
        raise TimeoutError(f"{sum(a in self.accepted for a in addresses)}/{len(addresses)}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="antei-bench-callout-"))
    smtp_port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTEI_")} | {
        "ANTEI_VAR_DIR": str(tmp), "ANTEI_DATABASE_URL": f"sqlite:///{tmp / 'antei.sqlite3'}",
        "ANTEI_SMTP_HOST": "127.0.0.1", "ANTEI_SMTP_PORT": str(smtp_port),
        "ANTEI_MAIL_FROM": "antei@bank.example", "ANTEI_DEBUG": "0",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
        "DJANGO_SETTINGS_MODULE": "antei.settings"}
    os.environ.update(env)

    import django

    django.setup()
    from aiosmtpd.controller import Controller
    from django.core.management import call_command

    from antei.callout import services as callout_services
    from antei.callout import tasks
    from antei.callout.models import EscalationRun
    from antei.core.actor import system_actor
    from antei.incidents import services as incident_services
    from antei.inventory import services as inventory_services
    from antei.org import services as org_services
    from antei.org.models import ContactPoint

    call_command("migrate", interactive=False, verbosity=0)
    actor = system_actor()
    org_services.create_department(actor=actor, code="SYS", name="システム部", kind="system")
    inventory_services.create_system(actor=actor, code="CORE", name="勘定系",
                                     tier="important", owner_department="SYS")
    codes = [f"P{i:04d}" for i in range(args.people)] + ["B0", "B1"]
    print(f"creating {len(codes)} people …", flush=True)
    for code in codes:
        org_services.create_person(actor=actor, code=code, name=f"担当{code}", department="SYS",
                                   contact_points=[{"kind": "email",
                                                    "address": f"{code.lower()}@bank.example"}])
    now = datetime.now(tz=UTC)
    for cp_id in ContactPoint.objects.values_list("pk", flat=True):
        org_services.mark_contact_verified(actor=actor, contact_id=cp_id, at=now,
                                           evidence="bench setup")
    callout_services.create_policy(actor=actor, code="ALL", name="全員", rank=1, steps=[
        {"kind": "distribution", "people": codes[:args.people], "wait_minutes": 30}])
    callout_services.create_policy(actor=actor, code="SMALL", name="二段", rank=2, steps=[
        {"kind": "person", "people": ["B0"], "wait_minutes": 30},
        {"kind": "person", "people": ["B1"], "wait_minutes": 30}])

    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    log = (tmp / "worker.log").open("ab")
    workers = [subprocess.Popen(
        [sys.executable, "-m", "antei.cli", "worker"], env=env, cwd=ROOT, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True) for _ in range(args.workers)]
    time.sleep(3)  # the workers start up

    def small_incident(title: str) -> tuple[int, str]:
        incident = incident_services.open_incident(
            actor=actor, title=title, rank=2, systems=["CORE"],
            detected_at=datetime.now(tz=UTC))
        run = EscalationRun.objects.get(incident=incident)
        recorder.wait_for(["b0@bank.example"])
        with recorder.lock:
            recorder.accepted.pop("b0@bank.example")
        return run.pk, run.token

    def make_due(run_id: int, token: str, delay: float) -> float:
        """The step's wait runs out `delay` seconds from now: as if it was set so."""
        due = datetime.now(tz=UTC) + timedelta(seconds=delay)
        EscalationRun.objects.filter(pk=run_id).update(next_at=due)
        tasks.escalate.using(run_after=due).enqueue(run_id, token)
        return due.timestamp()

    def step_delay(due: float) -> float:
        at = recorder.wait_for(["b1@bank.example"])
        with recorder.lock:
            recorder.accepted.pop("b1@bank.example")
        return at - due

    fanout, loaded, idle = [], [], []
    addresses = [f"{c.lower()}@bank.example" for c in codes[:args.people]]
    try:
        for run in range(args.runs):
            run_id, token = small_incident(f"小規模 {run}")
            due = make_due(run_id, token, 2.0)
            idle.append(step_delay(due))

            run_id, token = small_incident(f"小規模(負荷) {run}")
            with recorder.lock:
                for a in addresses:
                    recorder.accepted.pop(a, None)
            began = time.time()
            incident_services.open_incident(
                actor=actor, title=f"全員呼出し {run}", rank=1, systems=["CORE"],
                detected_at=datetime.now(tz=UTC))
            due = make_due(run_id, token, 1.0)
            loaded.append(step_delay(due))
            fanout.append(recorder.wait_for(addresses) - began)
            print(f"run {run + 1}: fan-out {fanout[-1]:.2f} s, due step late by "
                  f"{loaded[-1]:.2f} s under load, {idle[-1]:.2f} s idle", flush=True)
    finally:
        for w in workers:
            os.killpg(w.pid, signal.SIGTERM)
            w.wait(timeout=30)
        controller.stop()

    n = args.people
    print(f"\ncall-out benchmark, SQLite, {args.workers} worker(s), medians of "
          f"{args.runs} runs")
    print(f"  paging {n} people: open → last e-mail accepted  "
          f"{statistics.median(fanout):8.2f} s  ({n / statistics.median(fanout):.0f} e-mails/s)")
    print(f"  due escalation step, worker idle: late by          "
          f"{statistics.median(idle):8.2f} s")
    print(f"  due escalation step during the {n} pages: late by "
          f"{statistics.median(loaded):8.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
