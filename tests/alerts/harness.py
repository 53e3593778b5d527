"""Real processes for the alert-intake tests and bench/intake.py (issue 5, "Real parts").

- `Alertmanager`: Debian's prometheus-alertmanager (0.25) on a free loopback port, with a
  temporary config (one route, short group_wait/group_interval, a webhook receiver with
  send_resolved when a URL is given), `--storage.path` in its own directory and clustering
  off (`--cluster.listen-address=`). `post_alerts` is its `/api/v2/alerts`.
- `AnteiServer`: antei as a real server process (`python -m antei.cli serve`, i.e. gunicorn)
  on a free loopback port against a given database (an SQLite file by default), with
  `migrate`, `python(...)` to run a snippet inside Django (create integrations, tokens,
  read rows after a crash), `kill()` (SIGKILL to gunicorn and its workers) and `stop()`.
- `file_database`: an SQLite file, or on the PostgreSQL lane a database of its own.
- `Client`: one keep-alive HTTP/1.1 connection (http.client) that reconnects when the
  server drops it (a GET on a keep-alive connection the server closed is sent again);
  `request(...)` for one-off requests.
- `wait_until`: poll a condition with a deadline (tests never sleep as an assertion).

Nothing here imports Django: the bench uses it from outside any settings.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from http import client as httpclient
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parents[2]
ALERTMANAGER = shutil.which("prometheus-alertmanager") or "/usr/bin/prometheus-alertmanager"
SECRET_KEY = "antei-test-harness-secret-key-not-for-production-0123456789"

T = TypeVar("T")


def alertmanager_available() -> bool:
    return os.access(ALERTMANAGER, os.X_OK)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(condition: Callable[[], T | None], *, timeout: float, what: str,
               interval: float = 0.1) -> T:
    """Call `condition` until it returns something truthy (returned) or `timeout` passes
    (AssertionError naming `what` and the last value or error)."""
    deadline = time.monotonic() + timeout
    last: object = None
    while True:
        try:
            value = condition()
        except (OSError, httpclient.HTTPException) as exc:  # not up yet, connection refused
            last = exc
        else:
            if value:
                return value
            last = value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what} "
                                 f"(last: {last!r})")
        time.sleep(interval)


# -- HTTP ------------------------------------------------------------------------------------


class Client:
    """A keep-alive HTTP/1.1 client for one host; reconnects after a dropped connection."""

    def __init__(self, base_url: str, *, timeout: float = 30.0,
                 headers: Mapping[str, str] | None = None) -> None:
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.timeout = timeout
        self.headers = dict(headers or {})
        self._conn: httpclient.HTTPConnection | None = None

    def request(self, method: str, path: str, body: bytes | str | None = None, *,
                content_type: str = "application/json",
                headers: Mapping[str, str] | None = None) -> tuple[int, bytes]:
        """One request; returns (status, body). Connection errors propagate (the caller
        decides whether an unanswered request counts)."""
        if isinstance(body, str):
            body = body.encode()
        sent = {**self.headers, **(headers or {})}
        if body is not None:
            sent["Content-Type"] = content_type
        reused = self._conn is not None
        if self._conn is None:
            self._conn = httpclient.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            self._conn.request(method, path, body=body, headers=sent)
            response = self._conn.getresponse()
            data = response.read()
        except (httpclient.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.close()
            if reused and method == "GET":  # the server closed an idle keep-alive connection
                return self.request(method, path, body, content_type=content_type,
                                    headers=headers)
            raise
        except Exception:
            self.close()
            raise
        if response.will_close:
            self.close()
        return response.status, data

    def json(self, method: str, path: str, payload: Any = None) -> tuple[int, Any]:
        body = None if payload is None else json.dumps(payload)
        status, data = self.request(method, path, body)
        try:
            return status, json.loads(data) if data else None
        except ValueError:
            return status, data.decode(errors="replace")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def request(method: str, url: str, payload: Any = None, *, timeout: float = 10.0,
         headers: Mapping[str, str] | None = None) -> tuple[int, Any]:
    """One request on a fresh connection; JSON in and (if it parses) out."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    with Client(f"{parts.scheme}://{parts.netloc}", timeout=timeout, headers=headers) as client:
        return client.json(method, path or "/", payload)


# -- processes -------------------------------------------------------------------------------


class _Process:
    """A child process in its own session (so signals reach its children too), its output in
    a log file that `log_tail()` reads back for failure messages."""

    name = "process"

    def __init__(self, workdir: Path) -> None:
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.log_path = self.workdir / f"{self.name}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def _spawn(self, argv: Sequence[str], env: Mapping[str, str] | None = None) -> None:
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(  # noqa: S603 - fixed argv of our own binaries
                list(argv), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env=dict(env) if env is not None else None, cwd=self.workdir,
                start_new_session=True)

    @property
    def pid(self) -> int:
        assert self.proc is not None, f"{self.name} is not running"
        return self.proc.pid

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def _signal_group(self, sig: int) -> None:
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, sig)

    def kill(self) -> None:
        """SIGKILL to the process and every child in its session: a crash, nothing flushed."""
        if self.proc is None:
            return
        self._signal_group(signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.proc = None

    def stop(self, timeout: float = 15.0) -> None:
        if self.proc is None:
            return
        self._signal_group(signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._signal_group(signal.SIGKILL)
            self.proc.wait(timeout=30)
        # workers that outlived the master (they should not) go too
        self._signal_group(signal.SIGKILL)
        self.proc = None

    def _check_alive(self) -> None:
        if self.proc is not None and self.proc.poll() is not None:
            raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n"
                               f"{self.log_tail()}")

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


class Alertmanager(_Process):
    """A real Prometheus Alertmanager on 127.0.0.1, configured for tests and benchmarks.

    With `webhook_url`, its only receiver is a webhook (version 4 payloads, send_resolved)
    to that URL; without, a receiver that sends nothing (the benchmark peer: it takes,
    de-duplicates and groups alerts in memory)."""

    name = "alertmanager"

    def __init__(self, workdir: Path, *, webhook_url: str | None = None,
                 group_by: Sequence[str] = ("alertname",), group_wait: str = "1s",
                 group_interval: str = "1s", repeat_interval: str = "4h",
                 resolve_timeout: str = "5m", max_alerts: int = 0) -> None:
        super().__init__(workdir)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        receiver: dict[str, Any] = {"name": "antei" if webhook_url else "blackhole"}
        if webhook_url:
            receiver["webhook_configs"] = [{"url": webhook_url, "send_resolved": True,
                                            "max_alerts": max_alerts}]
        self.config = {
            "global": {"resolve_timeout": resolve_timeout},
            "route": {"receiver": receiver["name"], "group_by": list(group_by),
                      "group_wait": group_wait, "group_interval": group_interval,
                      "repeat_interval": repeat_interval},
            "receivers": [receiver],
        }

    def start(self, timeout: float = 30.0) -> Self:
        if not alertmanager_available():
            raise RuntimeError(f"{ALERTMANAGER} is not installed (make monitoring)")
        config = self.workdir / "alertmanager.yml"
        config.write_text(json.dumps(self.config, indent=2))  # JSON is YAML
        storage = self.workdir / "data"
        storage.mkdir(exist_ok=True)
        self._spawn([ALERTMANAGER, f"--config.file={config}", f"--storage.path={storage}",
                     f"--web.listen-address=127.0.0.1:{self.port}",
                     "--cluster.listen-address=", "--log.level=warn"])

        def ready() -> bool:
            self._check_alive()
            return request("GET", f"{self.url}/-/ready", timeout=2)[0] == 200

        wait_until(ready, timeout=timeout, what=f"Alertmanager ready on {self.url}")
        return self

    def post_alerts(self, alerts: Sequence[Mapping[str, Any]]) -> None:
        status, body = request("POST", f"{self.url}/api/v2/alerts", list(alerts))
        if status != 200:
            raise AssertionError(f"Alertmanager refused alerts: {status} {body!r}")

    def alerts(self, **filters: str) -> list[dict[str, Any]]:
        query = "&".join(f"{k}={v}" for k, v in filters.items())
        status, body = request("GET", f"{self.url}/api/v2/alerts" + (f"?{query}" if query else ""))
        assert status == 200, body
        return list(body)

    def groups(self) -> list[dict[str, Any]]:
        status, body = request("GET", f"{self.url}/api/v2/alerts/groups")
        assert status == 200, body
        return list(body)


class AnteiServer(_Process):
    """antei served by gunicorn (`python -m antei.cli serve`) from this checkout's src/."""

    name = "antei"

    def __init__(self, workdir: Path, *, database_url: str | None = None, workers: int = 2,
                 env: Mapping[str, str] | None = None) -> None:
        super().__init__(workdir)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.database_url = database_url or f"sqlite:///{self.workdir / 'antei.sqlite3'}"
        base = {k: v for k, v in os.environ.items()
                if not k.startswith(("ANTEI_", "DJANGO_", "PYTEST_"))}
        src = str(REPO / "src")
        self.env = {
            **base,
            "PYTHONPATH": os.pathsep.join([src, *filter(None, [base.get("PYTHONPATH")])]),
            "ANTEI_VAR_DIR": str(self.workdir / "var"),
            "ANTEI_DATABASE_URL": self.database_url,
            "ANTEI_SECRET_KEY": SECRET_KEY,
            "ANTEI_LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "antei.settings",
            **(env or {}),
        }

    def cli(self, *args: str, input: str | None = None, timeout: float = 300) -> str:
        done = subprocess.run(  # noqa: S603 - our own CLI
            [sys.executable, "-m", "antei.cli", *args], env=self.env, cwd=self.workdir,
            capture_output=True, text=True, input=input, timeout=timeout, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"antei {' '.join(args)} failed ({done.returncode}):\n"
                               f"{done.stdout}\n{done.stderr}")
        return done.stdout

    def migrate(self) -> Self:
        self.cli("migrate")
        return self

    def python(self, code: str, timeout: float = 300) -> Any:
        """Run `code` inside Django (django.setup() done) in a separate process; the snippet
        sets `result`, which comes back through JSON."""
        script = ("import json, django\ndjango.setup()\nresult = None\n" + code +
                  "\nprint('\\n@@RESULT@@' + json.dumps(result, default=str))\n")
        done = subprocess.run(  # our own interpreter, the script on stdin
            [sys.executable, "-"], input=script, env=self.env, cwd=self.workdir,
            capture_output=True, text=True, timeout=timeout, check=False)
        if done.returncode != 0 or "@@RESULT@@" not in done.stdout:
            raise RuntimeError(f"snippet failed ({done.returncode}):\n{done.stdout}\n"
                               f"{done.stderr}")
        return json.loads(done.stdout.rsplit("@@RESULT@@", 1)[1])

    def start(self, timeout: float = 60.0) -> Self:
        self._spawn([sys.executable, "-m", "antei.cli", "serve", "--port", str(self.port),
                     "--workers", str(self.workers)], env=self.env)

        def healthy() -> bool:
            self._check_alive()
            return request("GET", f"{self.url}/healthz", timeout=2)[0] == 200

        wait_until(healthy, timeout=timeout, what=f"antei serving on {self.url}")
        return self

    def rss_kib(self) -> int:
        """Resident memory of gunicorn and its workers together (KiB, from /proc)."""
        return sum(rss_kib(pid) for pid in process_tree(self.pid))

    # -- set-up through the services (the contract of antei.alerts.services) ----------------

    def create_integration(self, kind: str = "alertmanager", name: str = "harness",
                           **options: Any) -> str:
        """Create an integration with the services; returns its secret key."""
        return str(self.python(
            "from antei.alerts import services\n"
            "from antei.core.actor import system_actor\n"
            f"_, result = services.create_integration(actor=system_actor(), kind={kind!r}, "
            f"name={name!r}, **{options!r})\n"))

    def create_token(self, username: str = "harness-admin", role: str = "admin") -> str:
        """An admin user and a bearer token for the API."""
        return str(self.python(
            "from antei.core import services\n"
            "from antei.core.actor import system_actor\n"
            f"services.create_user(actor=system_actor(), username={username!r}, role={role!r},"
            " password='harness-password-1234567')\n"
            f"result = services.create_token(actor=system_actor(), username={username!r})\n"))

    def create_session(self, username: str = "harness-admin") -> str:
        """A logged-in browser session for `username` (the value of the sessionid cookie)."""
        return str(self.python(
            "from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, "
            "SESSION_KEY, get_user_model\n"
            "from django.contrib.sessions.backends.db import SessionStore\n"
            f"user = get_user_model().objects.get(username={username!r})\n"
            "store = SessionStore()\n"
            "store[SESSION_KEY] = str(user.pk)\n"
            "store[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'\n"
            "store[HASH_SESSION_KEY] = user.get_session_auth_hash()\n"
            "store.create()\n"
            "result = store.session_key\n"))


# -- databases -------------------------------------------------------------------------------


@contextlib.contextmanager
def file_database(directory: Path, label: str) -> Iterator[str]:
    """A database URL a server process, its restart and a reader process share: an SQLite
    file under `directory` (SQLite lane), or on the PostgreSQL lane (ANTEI_DATABASE_URL names
    a PostgreSQL server) a database of its own, test_alerts_<label>_<xdist worker>, created
    empty and dropped afterwards."""
    url = os.environ.get("ANTEI_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{Path(directory) / f'{label}.sqlite3'}"
        return
    import psycopg

    name = f"test_alerts_{label}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- /proc -----------------------------------------------------------------------------------


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


def process_tree(root: int) -> list[int]:
    """`root` and its descendants (from /proc/*/stat parent ids)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text.rsplit(")", 1)[1].split()
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


# -- alert payloads --------------------------------------------------------------------------


def webhook_payload(alerts: Iterable[Mapping[str, Any]], *, status: str = "firing",
                    receiver: str = "antei", group_key: str = "{}:{}",
                    external_url: str = "http://alertmanager.invalid") -> dict[str, Any]:
    """Alertmanager webhook version 4 around alert objects as /api/v2/alerts takes them
    ({labels, annotations, startsAt, endsAt, generatorURL}); fingerprints filled in."""
    body = []
    for alert in alerts:
        labels = dict(alert["labels"])
        body.append({"status": alert.get("status", status), "labels": labels,
                     "annotations": dict(alert.get("annotations", {})),
                     "startsAt": alert.get("startsAt", "0001-01-01T00:00:00Z"),
                     "endsAt": alert.get("endsAt", "0001-01-01T00:00:00Z"),
                     "generatorURL": alert.get("generatorURL", ""),
                     "fingerprint": alert.get("fingerprint") or fingerprint(labels)})
    common = dict(set.intersection(*(set(a["labels"].items()) for a in body))) if body else {}
    return {"version": "4", "groupKey": group_key, "truncatedAlerts": 0, "status": status,
            "receiver": receiver, "groupLabels": {}, "commonLabels": common,
            "commonAnnotations": {}, "externalURL": external_url, "alerts": body}


def fingerprint(labels: Mapping[str, str]) -> str:
    """A stable 16-hex-digit label-set hash (the shape of Alertmanager's; not its value)."""
    import hashlib

    text = "\xff".join(f"{k}\xff{v}" for k, v in sorted(labels.items()))
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
