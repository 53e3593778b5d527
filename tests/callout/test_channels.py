"""Delivery channels against real local servers: mail really arrives over SMTP, webhooks and
the SMS provider really receive HTTP POSTs (A2-RESP-1, A1-II-3, M-3.3, C02)."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import pytest

from antei.callout import channels, channels_http
from antei.core import errors

ACK_URL = "https://antei.bank.example/ack/8f3a1c?sig=abc123"
MESSAGE = channels.Message(
    subject="【障害】勘定系システム 第1報 — 至急確認してください",
    body="ATM の取引が全店で停止しています。\n影響: 入出金不可",
    ack_url=ACK_URL,
    reference="PAGE-2024-0042",
)


# -- e-mail -----------------------------------------------------------------------------


def test_email_arrives_with_japanese_subject_and_ack_link(smtp_server: Any) -> None:
    result = channels.send("email", "tanaka@bank.example", MESSAGE)

    assert result.ok, result.detail
    assert result.channel == "email"
    assert "queued as test-1" in result.detail  # the server's reply is kept for the record
    [mail] = smtp_server.messages
    assert mail["Subject"] == MESSAGE.subject
    assert mail["From"] == "antei@bank.example"
    assert mail["To"] == "tanaka@bank.example"
    assert mail["X-Antei-Reference"] == "PAGE-2024-0042"
    assert "PAGE-2024-0042" in mail["Message-ID"]
    body = mail.get_content()
    assert "ATM の取引が全店で停止しています。" in body
    assert ACK_URL in body
    assert smtp_server.envelopes == [("antei@bank.example", ["tanaka@bank.example"])]


def test_email_ack_link_is_not_repeated_when_the_body_has_it(smtp_server: Any) -> None:
    message = channels.Message(subject="確認", body=f"こちら: {ACK_URL}", ack_url=ACK_URL)

    assert channels.send("email", "sato@bank.example", message).ok
    assert smtp_server.messages[0].get_content().count(ACK_URL) == 1


def test_email_subject_line_break_cannot_inject_headers(smtp_server: Any) -> None:
    message = channels.Message(subject="件名\nBcc: attacker@evil.example", body="本文")

    assert channels.send("email", "sato@bank.example", message).ok
    [mail] = smtp_server.messages
    assert mail["Bcc"] is None
    assert smtp_server.envelopes[0][1] == ["sato@bank.example"]


def test_stopped_smtp_server_is_a_failed_delivery_not_an_exception(smtp_server: Any) -> None:
    smtp_server.stop()

    result = channels.send("email", "tanaka@bank.example", MESSAGE)

    assert not result.ok
    assert "refused" in result.detail.lower()

    smtp_server.start()
    assert channels.send("email", "tanaka@bank.example", MESSAGE).ok
    assert len(smtp_server.messages) == 1


def test_smtp_server_that_never_answers_times_out_as_a_failure(
    unresponsive_server: Any, settings: Any,
) -> None:
    settings.SMTP_HOST, settings.SMTP_PORT = "127.0.0.1", unresponsive_server.port
    settings.SMTP_TIMEOUT = 0.2

    result = channels.send("email", "tanaka@bank.example", MESSAGE)

    assert not result.ok
    assert "timed out" in result.detail


def test_email_logs_in_when_a_user_is_configured(smtp_server: Any, settings: Any) -> None:
    smtp_server.accounts["antei"] = "mail-password"
    settings.SMTP_USER, settings.SMTP_PASSWORD = "antei", "mail-password"

    assert channels.send("email", "tanaka@bank.example", MESSAGE).ok
    assert smtp_server.logins == ["antei"]


def test_email_wrong_password_is_a_failed_delivery(smtp_server: Any, settings: Any) -> None:
    smtp_server.accounts["antei"] = "mail-password"
    settings.SMTP_USER, settings.SMTP_PASSWORD = "antei", "wrong"

    result = channels.send("email", "tanaka@bank.example", MESSAGE)

    assert not result.ok
    assert "535" in result.detail
    assert smtp_server.messages == []


# -- webhooks ---------------------------------------------------------------------------


def test_generic_webhook_is_signed_with_the_secret(webhook_server: Any, settings: Any) -> None:
    settings.WEBHOOK_SECRET = "shared-secret"

    result = channels.send("webhook", webhook_server.url, MESSAGE)

    assert result.ok, result.detail
    assert result.detail.startswith("HTTP 200")
    [(headers, body)] = webhook_server.requests
    assert body == {
        "subject": MESSAGE.subject, "body": MESSAGE.body, "ack_url": ACK_URL,
        "reference": "PAGE-2024-0042",
    }
    expected = hmac.new(b"shared-secret", webhook_server.raw_bodies[0], hashlib.sha256)
    assert headers["X-Antei-Signature"] == f"sha256={expected.hexdigest()}"
    assert headers["Content-Type"].startswith("application/json")


def test_generic_webhook_without_secret_is_unsigned(webhook_server: Any, settings: Any) -> None:
    settings.WEBHOOK_SECRET = ""

    assert channels.send("webhook", webhook_server.url, MESSAGE).ok
    [(headers, _body)] = webhook_server.requests
    assert headers["X-Antei-Signature"] is None


def test_slack_style_webhook_gets_text(webhook_server: Any) -> None:
    url = f"{webhook_server.url}?format=slack"

    assert channels.send("webhook", url, MESSAGE).ok
    [(_headers, body)] = webhook_server.requests
    assert set(body) == {"text"}
    assert MESSAGE.subject in body["text"]
    assert f"<{ACK_URL}|" in body["text"]
    assert webhook_server.paths == ["/hook?format=slack"]


def test_teams_style_webhook_gets_a_message_card(webhook_server: Any) -> None:
    assert channels.send("webhook", f"{webhook_server.url}?format=teams", MESSAGE).ok
    [(_headers, body)] = webhook_server.requests
    assert body["@type"] == "MessageCard"
    assert body["title"] == MESSAGE.subject
    assert ACK_URL in body["text"]
    assert body["potentialAction"][0]["targets"][0]["uri"] == ACK_URL


@pytest.mark.parametrize(
    ("url", "style"),
    [
        ("https://hooks.slack.com/services/T0/B0/XYZ", "slack"),
        ("https://bank.webhook.office.com/webhookb2/abc", "teams"),
        ("https://oncall.bank.example/hooks/antei", "generic"),
        ("https://oncall.bank.example/hooks/antei?format=teams", "teams"),
    ],
)
def test_webhook_style_follows_host_or_format(url: str, style: str) -> None:
    assert channels_http.webhook_style(url) == style


def test_webhook_500_is_a_failed_delivery_with_status(webhook_server: Any) -> None:
    webhook_server.fail_with(500)

    result = channels.send("webhook", webhook_server.url, MESSAGE)

    assert not result.ok
    assert "500" in result.detail
    assert "failure 500 from test server" in result.detail
    assert len(webhook_server.requests) == 1


def test_webhook_connection_refused_is_a_failed_delivery(webhook_server: Any) -> None:
    url = webhook_server.url
    webhook_server.close()

    result = channels.send("webhook", url, MESSAGE)

    assert not result.ok
    assert "refused" in result.detail.lower()


def test_webhook_that_never_answers_times_out_as_a_failure(
    unresponsive_server: Any, settings: Any,
) -> None:
    settings.HTTP_TIMEOUT = 0.2

    result = channels.send("webhook", unresponsive_server.url, MESSAGE)

    assert not result.ok
    assert "timed out" in result.detail


def test_webhook_rejects_non_http_addresses() -> None:
    result = channels.send("webhook", "file:///etc/passwd", MESSAGE)

    assert not result.ok
    assert "http" in result.detail


# -- SMS and voice through the provider -------------------------------------------------


@pytest.mark.parametrize("kind", ["sms", "voice"])
def test_provider_gets_token_and_e164_number(sms_provider: Any, kind: str) -> None:
    result = channels.send(kind, "+819012345678", MESSAGE)

    assert result.ok, result.detail
    assert result.channel == kind
    assert result.provider_id == "msg-1"
    [(headers, body)] = sms_provider.requests
    assert headers["Authorization"] == "Bearer provider-test-token"
    assert body["to"] == "+819012345678"
    assert body["kind"] == kind
    assert body["reference"] == "PAGE-2024-0042"
    assert MESSAGE.subject in body["text"]


def test_sms_text_carries_the_ack_link_and_voice_does_not(sms_provider: Any) -> None:
    channels.send("sms", "+819012345678", MESSAGE)
    channels.send("voice", "+819012345678", MESSAGE)

    sms_body, voice_body = (body for _headers, body in sms_provider.requests)
    assert ACK_URL in sms_body["text"]
    assert ACK_URL not in voice_body["text"]
    assert "PAGE-2024-0042" in voice_body["text"]


def test_provider_error_is_a_failed_delivery_without_id(sms_provider: Any) -> None:
    sms_provider.fail_with(503)

    result = channels.send("sms", "+819012345678", MESSAGE)

    assert not result.ok
    assert "503" in result.detail
    assert result.provider_id == ""


def test_no_provider_configured(settings: Any) -> None:
    settings.SMS_URL = ""

    result = channels.send("sms", "+819012345678", MESSAGE)

    assert not result.ok
    assert result.detail == "no SMS provider configured"


def test_provider_refuses_a_number_that_is_not_e164(sms_provider: Any) -> None:
    result = channels.send("sms", "090-1234-5678", MESSAGE)

    assert not result.ok
    assert "E.164" in result.detail
    assert sms_provider.requests == []


def test_unknown_kind_is_a_caller_error() -> None:
    with pytest.raises(errors.InvalidInput):
        channels.channel_for("fax")
