"""HTTP channels: webhooks (Slack, Teams or generic signed JSON) and the SMS/voice provider
adapter. Both POST JSON with urllib and turn every outcome into a `DeliveryResult`.

Catalog: C02, A2-RESP-1, A1-II-3, M-3.3.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import IO

from django.conf import settings

from antei.callout.channels import DeliveryResult, Message, body_with_ack, error_text, one_line

SIGNATURE_HEADER = "X-Antei-Signature"
EXCERPT_BYTES = 500
SMS_TEXT_MAX = 300  # before the link: a few concatenated SMS segments, not a wall of text
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
USER_AGENT = "antei-callout/1"


@dataclass(frozen=True)
class HttpOutcome:
    """What came back from one POST: a status (None when no response), body and error."""

    status: int | None
    body: bytes = b""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def excerpt(self) -> str:
        return self.body[:EXCERPT_BYTES].decode("utf-8", errors="replace").strip()

    def detail(self) -> str:
        if self.status is None:
            return self.error
        return f"HTTP {self.status} {self.excerpt()}".strip()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirected POST would arrive as a GET without the body, and look delivered."""

    def redirect_request(
        self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
        headers: http.client.HTTPMessage, newurl: str,
    ) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def post_json(url: str, body: bytes, headers: dict[str, str], timeout: float) -> HttpOutcome:
    """POST a JSON body; never raises for network or HTTP errors (A2-RESP-1)."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        return HttpOutcome(None, error=f"not an http(s) URL: {url}")
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url, data=body, method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT,
                 **headers},
    )
    try:
        with _opener.open(request, timeout=timeout) as response:
            return HttpOutcome(response.status, response.read(EXCERPT_BYTES * 8))
    except urllib.error.HTTPError as error:
        with error:  # holds the socket; closing it avoids a ResourceWarning
            return HttpOutcome(error.code, error.read(EXCERPT_BYTES))
    except urllib.error.URLError as error:  # no response: refused, timed out, DNS, TLS
        reason = error.reason
        text = error_text(reason) if isinstance(reason, BaseException) else str(reason)
        return HttpOutcome(None, error=text)
    except (OSError, http.client.HTTPException, ValueError) as error:
        return HttpOutcome(None, error=error_text(error))


def sign(body: bytes, secret: str) -> str:
    """`sha256=<hex>` HMAC of the raw body, as GitHub and Slack receivers expect."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def webhook_style(url: str) -> str:
    """slack | teams | generic, from the host or an explicit `format=` query parameter."""
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "").lower()
    wanted = urllib.parse.parse_qs(parts.query).get("format", [""])[0].lower()
    if wanted in ("slack", "teams", "generic"):
        return wanted
    if host == "hooks.slack.com":
        return "slack"
    if host.endswith("webhook.office.com") or host.endswith(".logic.azure.com"):
        return "teams"
    return "generic"


def webhook_payload(style: str, message: Message) -> dict[str, object]:
    """The JSON document for one style: Slack `text`, a Teams MessageCard, or generic."""
    subject = one_line(message.subject)
    if style == "slack":
        lines = [f"*{subject}*", message.body.rstrip()]
        if message.ack_url:
            lines.append(f"<{message.ack_url}|受領確認>")
        if message.reference:
            lines.append(f"参照番号: {message.reference}")
        return {"text": "\n".join(line for line in lines if line)}
    if style == "teams":
        card: dict[str, object] = {
            "@type": "MessageCard", "@context": "https://schema.org/extensions",
            "summary": subject, "title": subject,
            "text": body_with_ack(message).replace("\n", "  \n"),  # Teams markdown line breaks
        }
        if message.ack_url:
            card["potentialAction"] = [{
                "@type": "OpenUri", "name": "受領確認",
                "targets": [{"os": "default", "uri": message.ack_url}],
            }]
        return card
    payload: dict[str, object] = {
        "subject": subject, "body": message.body, "ack_url": message.ack_url,
        "reference": message.reference,
    }
    if message.extra:
        payload["extra"] = dict(message.extra)
    return payload


@dataclass(frozen=True)
class WebhookChannel:
    """POST to a chat or on-call webhook (C02, A1-II-3, M-3.3). 2xx is delivered; any other
    status, a timeout or a refused connection is ok=False with the status and body excerpt
    (A2-RESP-1). With a secret, every body is signed: `X-Antei-Signature: sha256=<hex>`."""

    secret: str = ""
    timeout: float = 5.0
    kind: str = "webhook"

    @classmethod
    def from_settings(cls) -> WebhookChannel:
        return cls(secret=settings.WEBHOOK_SECRET, timeout=settings.HTTP_TIMEOUT)

    def send(self, address: str, message: Message) -> DeliveryResult:
        style = webhook_style(address)
        body = json.dumps(webhook_payload(style, message), ensure_ascii=False).encode()
        headers = {SIGNATURE_HEADER: sign(body, self.secret)} if self.secret else {}
        outcome = post_json(address, body, headers, self.timeout)
        return DeliveryResult(outcome.ok, self.kind, address, outcome.detail())


def provider_text(kind: str, message: Message) -> str:
    """What the phone shows or says. SMS: subject, a trimmed body and the link. Voice: the
    subject, body and reference read aloud; a spoken URL helps nobody."""
    subject = one_line(message.subject)
    if kind == "voice":
        parts = [subject, message.body.strip()]
        if message.reference:
            parts.append(f"参照番号 {message.reference}")
        return "。".join(p.rstrip("。") for p in parts if p) + "。"
    text = "\n".join(p for p in (subject, message.body.strip()) if p)
    if len(text) > SMS_TEXT_MAX:
        text = text[: SMS_TEXT_MAX - 1] + "…"
    return "\n".join(p for p in (text, message.ack_url) if p)


def _provider_id(body: bytes) -> str:
    try:
        data = json.loads(body or b"null")
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    for key in ("id", "sid", "message_id"):
        if data.get(key) not in (None, ""):
            return str(data[key])
    return ""


@dataclass(frozen=True)
class ProviderChannel:
    """SMS or voice through one provider HTTP API (C02, A2-RESP-1, A1-II-3, M-3.3).

    POSTs {"to", "kind", "text", "reference", "ack_url"} with `Authorization: Bearer <token>`;
    the response's `id` becomes `provider_id`, for matching the provider's status callbacks.
    """

    kind: str
    url: str
    token: str = ""
    timeout: float = 5.0

    @classmethod
    def from_settings(cls, kind: str) -> ProviderChannel:
        return cls(kind=kind, url=settings.SMS_URL, token=settings.SMS_TOKEN,
                   timeout=settings.HTTP_TIMEOUT)

    def send(self, address: str, message: Message) -> DeliveryResult:
        if not self.url:
            return DeliveryResult(False, self.kind, address, "no SMS provider configured")
        if not E164.match(address):
            return DeliveryResult(False, self.kind, address, f"not an E.164 number: {address}")
        payload = {
            "to": address, "kind": self.kind, "text": provider_text(self.kind, message),
            "reference": message.reference, "ack_url": message.ack_url,
        }
        body = json.dumps(payload, ensure_ascii=False).encode()
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        outcome = post_json(self.url, body, headers, self.timeout)
        provider_id = _provider_id(outcome.body) if outcome.ok else ""
        return DeliveryResult(outcome.ok, self.kind, address, outcome.detail(), provider_id)
