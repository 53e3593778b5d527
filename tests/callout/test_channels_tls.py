"""E-mail over TLS against a real local SMTP server (aiosmtpd) with a self-signed
certificate made for the test by `openssl req`: STARTTLS and implicit TLS deliver; an
untrusted certificate or a server demanding STARTTLS from a plain sender is a failed
delivery with the reason, never a silent plain-text fallback (C02, A2-RESP-1)."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from antei.callout import channels
from tests.callout.conftest import SmtpServer

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")
MESSAGE = channels.Message(subject="[antei] 障害呼出し", body="勘定系停止", ack_url="https://x/ack/1/")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(  # noqa: S603 - fixed arguments
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",  # noqa: S607
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, capture_output=True, timeout=60)
    return cert, key


class TlsSmtpServer(SmtpServer):
    """aiosmtpd with STARTTLS required, or implicit TLS; records whether each message
    arrived encrypted."""

    def __init__(self, context: ssl.SSLContext, implicit: bool) -> None:
        super().__init__()
        self.context, self.implicit = context, implicit
        self.encrypted: list[bool] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        transport = server.transport
        self.encrypted.append(session.ssl is not None or (
            transport is not None and transport.get_extra_info("ssl_object") is not None))
        return await super().handle_DATA(server, session, envelope)

    def start(self) -> None:
        if self.implicit:
            self._controller = Controller(self, hostname="127.0.0.1", port=self.port,
                                          ssl_context=self.context)
        else:
            self._controller = Controller(self, hostname="127.0.0.1", port=self.port,
                                          tls_context=self.context, require_starttls=True)
        self._controller.start()


def server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*map(str, certificate))
    return context


@pytest.fixture(params=["starttls", "ssl"])
def tls_server(request: pytest.FixtureRequest, certificate: tuple[Path, Path],
               settings: Any) -> Iterator[TlsSmtpServer]:
    server = TlsSmtpServer(server_context(certificate), implicit=request.param == "ssl")
    server.start()
    settings.SMTP_HOST, settings.SMTP_PORT = "127.0.0.1", server.port
    settings.SMTP_USER, settings.SMTP_PASSWORD = "", ""
    settings.SMTP_STARTTLS, settings.SMTP_SSL = False, False
    settings.SMTP_TLS, settings.SMTP_CA_FILE = request.param, str(certificate[0])
    settings.MAIL_FROM = "antei@bank.example"
    try:
        yield server
    finally:
        server.stop()


def test_email_over_tls_is_delivered_encrypted(tls_server: TlsSmtpServer) -> None:
    result = channels.send("email", "duty@bank.example", MESSAGE)
    assert result.ok, result.detail
    assert tls_server.encrypted == [True]
    assert "勘定系停止" in tls_server.messages[0].get_body().get_content()


def test_an_untrusted_certificate_is_a_failed_delivery(tls_server: TlsSmtpServer,
                                                       settings: Any) -> None:
    settings.SMTP_CA_FILE = ""  # the self-signed certificate is not trusted
    result = channels.send("email", "duty@bank.example", MESSAGE)
    assert not result.ok and "CERTIFICATE_VERIFY_FAILED" in result.detail
    assert tls_server.messages == []


def test_a_plain_sender_is_refused_by_a_server_that_requires_starttls(
        tls_server: TlsSmtpServer, settings: Any) -> None:
    if tls_server.implicit:
        pytest.skip("an implicit-TLS port does not speak plain SMTP at all")
    settings.SMTP_TLS = "none"
    result = channels.send("email", "duty@bank.example", MESSAGE)
    assert not result.ok and "STARTTLS" in result.detail
    assert tls_server.messages == []


def test_an_unknown_tls_mode_fails_every_send_saying_why(settings: Any) -> None:
    settings.SMTP_TLS = "yes"
    result = channels.send("email", "duty@bank.example", MESSAGE)
    assert not result.ok and "ANTEI_SMTP_TLS" in result.detail
