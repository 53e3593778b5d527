"""Real local servers for call-out tests: an SMTP server (aiosmtpd), a webhook receiver and
an SMS/voice provider stand-in (http.server threads). Only the provider is a fake, because a
real one cannot run here; it sits behind the same HTTP adapter production uses.

Fixtures:
- `smtp_server`: `.port`, `.messages` (EmailMessage list), `.accounts` (user -> password for
  AUTH), `.stop()`, `.start()`. Points SMTP_HOST/SMTP_PORT at itself.
- `webhook_server`: `.url`, `.requests` ((headers, json body) list), `.raw_bodies`,
  `.paths`, `.fail_with(status)`.
- `unresponsive_server`: `.port`, `.url`; accepts connections (kernel backlog) and never
  answers, for timeout paths.
- `sms_provider`: the same shape as `webhook_server`, answering {"id": "msg-<n>"}; points
  SMS_URL/SMS_TOKEN (`.token`) at itself.
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SmtpServer:
    """aiosmtpd on 127.0.0.1; accepts every message and keeps it parsed."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.accounts: dict[str, str] = {}
        self.logins: list[str] = []
        self._controller: Controller | None = None

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content or b""
        assert isinstance(raw, bytes)
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        self.envelopes.append((str(envelope.mail_from), list(envelope.rcpt_tos)))
        return f"250 OK queued as test-{len(self.messages)}"

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any,
    ) -> AuthResult:
        if isinstance(data, LoginPassword):
            user, password = data.login.decode(), data.password.decode()
            if self.accounts.get(user) == password:
                self.logins.append(user)
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    def start(self) -> None:
        self._controller = Controller(
            self, hostname="127.0.0.1", port=self.port,
            auth_require_tls=False, authenticator=self._authenticate,
        )
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


class JsonHttpServer:
    """An http.server in a thread that records JSON POSTs and answers `respond(n)` or the
    status set by `fail_with`."""

    def __init__(self, respond: Callable[[int], dict[str, object]]) -> None:
        self.requests: list[tuple[Any, Any]] = []
        self.raw_bodies: list[bytes] = []
        self.paths: list[str] = []
        self.token = ""  # what a provider expects as its bearer token
        self._status: int | None = None
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                recorder.raw_bodies.append(raw)
                recorder.paths.append(self.path)
                recorder.requests.append((self.headers, json.loads(raw or b"null")))
                status = recorder._status or 200
                if status < 300:
                    body = json.dumps(respond(len(recorder.requests))).encode()
                else:
                    body = f"failure {status} from test server".encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # quiet test output
                pass

        self._httpd = HTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self._httpd.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}/hook"
        # A short poll keeps teardown quick; shutdown() waits for the loop to notice.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True,
        )
        self._closed = False
        self._thread.start()

    def fail_with(self, status: int | None) -> None:
        """Answer every following request with this status (None: back to 200)."""
        self._status = status

    def close(self) -> None:
        """Stop answering; later POSTs get connection refused. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    settings.SMTP_HOST, settings.SMTP_PORT = "127.0.0.1", server.port
    settings.SMTP_USER, settings.SMTP_PASSWORD = "", ""
    settings.SMTP_STARTTLS, settings.SMTP_SSL = False, False
    settings.MAIL_FROM = "antei@bank.example"
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def webhook_server() -> Iterator[JsonHttpServer]:
    server = JsonHttpServer(lambda n: {"ok": True})
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def sms_provider(settings: Any) -> Iterator[JsonHttpServer]:
    server = JsonHttpServer(lambda n: {"id": f"msg-{n}", "status": "queued"})
    server.url = f"http://127.0.0.1:{server.port}/v1/messages"
    server.token = "provider-test-token"
    settings.SMS_URL, settings.SMS_TOKEN = server.url, server.token
    try:
        yield server
    finally:
        server.close()


class UnresponsiveServer:
    """A listening socket nobody accepts on: connects succeed, replies never come."""

    def __init__(self) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(8)
        self.port = int(self._sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}/hook"

    def close(self) -> None:
        self._sock.close()


@pytest.fixture
def unresponsive_server() -> Iterator[UnresponsiveServer]:
    server = UnresponsiveServer()
    try:
        yield server
    finally:
        server.close()
