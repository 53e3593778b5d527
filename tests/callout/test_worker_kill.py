"""A killed worker neither loses an escalation step nor sends one twice (issue 6, Real parts
item 5; C02, A2-RESP-1, A1-II-3).

`antei worker` runs as a real subprocess on a database shared with the test: a SQLite file
in a temporary directory, or (PostgreSQL lane) the test database pytest-django created. A
driver subprocess (tests/callout/worker_driver.py) opens the incident, which starts the
call-out by itself, and makes each step's wait run out. The worker is killed with SIGKILL
while it is in the middle of delivering the second step's e-mail (the SMTP server holds
the RCPT reply); a new worker finishes the job. The real SMTP server then holds exactly
one e-mail per person and step.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings as django_settings
from django.db import connection

import antei
from tests.callout.bank import EMAILS
from tests.callout.conftest import SmtpServer

ROOT = Path(__file__).resolve().parents[2]
SRC = Path(antei.__file__).resolve().parents[1]
TIMEOUT = 60.0


class HoldingSmtpServer(SmtpServer):
    """Holds the RCPT reply for one address the first time: the sender is mid-delivery."""

    def __init__(self, hold: str) -> None:
        super().__init__()
        self.hold = hold
        self.holding = threading.Event()

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        if address == self.hold and not self.holding.is_set():
            self.holding.set()
            await asyncio.sleep(4)
        envelope.rcpt_tos.append(address)
        return "250 OK"


def wait_for(what: str, check: Callable[[], bool]) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


@pytest.fixture
def shared_db(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """Environment naming a database both this test and the subprocesses reach."""
    env = {"ANTEI_VAR_DIR": str(tmp_path / "var")}
    if django_settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        env["ANTEI_DATABASE_URL"] = f"sqlite:///{tmp_path / 'antei.sqlite3'}"
        return env
    request.getfixturevalue("transactional_db")  # committed rows, flushed afterwards
    db = connection.settings_dict
    env["ANTEI_DATABASE_URL"] = (f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
                                 f"{db['PORT'] or 5432}/{db['NAME']}")
    return env


@pytest.fixture
def smtp() -> Iterator[HoldingSmtpServer]:
    server = HoldingSmtpServer(hold=EMAILS["HEAD"])
    server.start()
    try:
        yield server
    finally:
        server.stop()


def environment(shared_db: dict[str, str], smtp: SmtpServer) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTEI_")}
    return env | shared_db | {
        "PYTHONPATH": f"{SRC}{os.pathsep}{ROOT}", "DJANGO_SETTINGS_MODULE": "antei.settings",
        "ANTEI_DEBUG": "0", "ANTEI_SMTP_HOST": "127.0.0.1", "ANTEI_SMTP_PORT": str(smtp.port),
        "ANTEI_MAIL_FROM": "antei@bank.example", "ANTEI_CALLOUT_SWEEP_SECONDS": "1",
        "ANTEI_CALLOUT_CLAIM_SECONDS": "6"}


def drive(env: dict[str, str], *args: object) -> Any:
    done = subprocess.run(  # noqa: S603 - our own driver, fixed arguments
        [sys.executable, "-m", "tests.callout.worker_driver", *map(str, args)], env=env,
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "antei.cli", "worker"], env=env, cwd=ROOT, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True)


def kill(worker: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
    os.killpg(worker.pid, sig)
    worker.wait(timeout=30)


def test_a_worker_killed_mid_escalation_loses_no_step_and_sends_none_twice(
        shared_db: dict[str, str], smtp: HoldingSmtpServer, tmp_path: Path) -> None:
    """A2-RESP-1, C02: durable timers; each step's e-mail arrives exactly once."""
    env = environment(shared_db, smtp)
    incident = drive(env, "setup")["incident"]
    log = tmp_path / "worker.log"
    worker = start_worker(env, log)
    try:
        def received(address: str) -> int:
            return sum(tos.count(address) for _, tos in smtp.envelopes)

        wait_for("step 1 e-mail to the duty manager", lambda: received(EMAILS["DUTY1"]) == 1)
        assert drive(env, "due", incident) == {"step": 0}
        # The worker escalates and is killed while the SMTP server holds its RCPT.
        wait_for("the worker to be mid-delivery of step 2", smtp.holding.is_set)
        kill(worker)
        assert received(EMAILS["HEAD"]) == 0
        worker = start_worker(env, log)
        wait_for("step 2 e-mail after the restart", lambda: received(EMAILS["HEAD"]) == 1)
        assert drive(env, "due", incident) == {"step": 1}
        wait_for("step 3 (management distribution)",
                 lambda: received(EMAILS["CIO"]) == 1 and received(EMAILS["PLAN"]) == 1)
        time.sleep(4)  # several more sweeps and timers: nothing may be sent again
    finally:
        if worker.poll() is None:
            kill(worker, signal.SIGTERM)
    assert sorted(rcpt for _, tos in smtp.envelopes for rcpt in tos) == sorted(
        EMAILS[c] for c in ("DUTY1", "HEAD", "CIO", "PLAN")), log.read_text()[-3000:]
    state = drive(env, "state", incident)
    assert [(p["person"], p["step"], p["status"]) for p in state] == [
        ("DUTY1", 0, "escalated"), ("HEAD", 1, "escalated"), ("CIO", 2, "sent"),
        ("PLAN", 2, "sent")]
    # The attempt the kill interrupted left no record; the retry is the one delivery.
    assert [p["deliveries"] for p in state] == [1, 1, 1, 1]
