"""Delivery channels behind one interface: e-mail (SMTP), webhooks (Slack/Teams-compatible
or generic JSON with an HMAC signature) and SMS/voice through a provider adapter.

Every attempt returns a `DeliveryResult`; the caller records it (who, what, when, result,
provider response). A channel never raises for a delivery failure: failure is a result,
so escalation can fall back to the next channel or person (A2-RESP-1).

Catalog: C02 (call-out), A2-RESP-1 (contacts that really reach people), A1-II-3 (the
contact system works out of hours), M-3.3 (people are told in minutes).
"""

from __future__ import annotations

import email.policy
import email.utils
import re
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Protocol

from django.conf import settings

from antei.core import domain as core_domain
from antei.core import errors
from antei.org import domain as org_domain

ACK_LABEL = "受領確認（クリックで応答）"
REFERENCE_LABEL = "参照番号"
REFERENCE_HEADER = "X-Antei-Reference"
TLS_MODES = ("starttls", "ssl", "none")


@dataclass(frozen=True)
class Message:
    """What to deliver. `ack_url` is the signed single-use acknowledgement link."""

    subject: str
    body: str
    ack_url: str = ""
    reference: str = ""  # page or verification id, for replies and provider callbacks
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DeliveryResult:
    ok: bool
    channel: str  # email | sms | voice | webhook
    address: str
    detail: str  # provider response or error text, kept for the record
    provider_id: str = ""


class Channel(Protocol):
    """One way of reaching a person. `kind` is a contact kind: email | sms | voice | webhook."""

    @property
    def kind(self) -> str: ...

    def send(self, address: str, message: Message) -> DeliveryResult: ...


def one_line(text: str) -> str:
    """Header-safe text: a subject with a line break would otherwise split the header."""
    return " ".join(text.split())


def body_with_ack(message: Message) -> str:
    """The body, followed by the acknowledgement link and reference unless the caller's body
    already carries them: the link must reach the person on every channel (A2-RESP-1)."""
    lines = [message.body.rstrip()]
    if message.ack_url and message.ack_url not in message.body:
        lines += ["", f"{ACK_LABEL}:", message.ack_url]
    if message.reference and message.reference not in message.body:
        lines += ["", f"{REFERENCE_LABEL}: {message.reference}"]
    return "\n".join(lines).lstrip("\n") + "\n"


def error_text(error: BaseException) -> str:
    """An exception as text for the delivery record; some (timeouts) have an empty str()."""
    return str(error) or type(error).__name__


def _reply_text(code: int, reply: bytes) -> str:
    return f"{code} {reply.decode('utf-8', errors='replace')}".strip()


@dataclass(frozen=True)
class EmailChannel:
    """E-mail through any SMTP server (C02, A2-RESP-1, A1-II-3, M-3.3).

    UTF-8 throughout (RFC 2047 subject, base64 body) so Japanese survives 7-bit relays. The
    reference travels in `X-Antei-Reference` and in the Message-ID, so replies (whose
    In-Reply-To repeats it) can be matched to the page.
    """

    host: str
    port: int
    mail_from: str
    timeout: float = 10.0
    user: str = ""
    password: str = ""
    starttls: bool = False
    use_ssl: bool = False
    ca_file: str = ""  # a CA (or self-signed certificate) to trust besides the system's
    config_error: str = ""  # a misconfiguration: every send fails saying so
    kind: str = "email"

    @classmethod
    def from_settings(cls) -> EmailChannel:
        """ANTEI_SMTP_TLS (starttls | ssl | none) wins over ANTEI_SMTP_STARTTLS/_SSL."""
        starttls, use_ssl, problem = settings.SMTP_STARTTLS, settings.SMTP_SSL, ""
        mode = getattr(settings, "SMTP_TLS", "")
        if mode:
            if mode in TLS_MODES:
                starttls, use_ssl = mode == "starttls", mode == "ssl"
            else:
                problem = f"ANTEI_SMTP_TLS must be one of {', '.join(TLS_MODES)}, not {mode!r}"
        return cls(
            host=settings.SMTP_HOST, port=settings.SMTP_PORT, mail_from=settings.MAIL_FROM,
            timeout=settings.SMTP_TIMEOUT, user=settings.SMTP_USER,
            password=settings.SMTP_PASSWORD, starttls=starttls, use_ssl=use_ssl,
            ca_file=getattr(settings, "SMTP_CA_FILE", ""), config_error=problem,
        )

    def _tls(self) -> ssl.SSLContext:
        """Certificates and host names are always verified (a relay that cannot prove who
        it is may be reading the call-out); trust an own CA with ANTEI_SMTP_CA_FILE."""
        return ssl.create_default_context(cafile=self.ca_file or None)

    def build(self, address: str, message: Message) -> EmailMessage:
        """The e-mail as it will be sent (exposed for previews and tests)."""
        mail = EmailMessage(policy=email.policy.SMTP)
        mail["From"] = self.mail_from
        mail["To"] = address
        mail["Subject"] = one_line(message.subject)
        mail["Date"] = email.utils.formatdate(usegmt=True)
        domain = self.mail_from.rpartition("@")[2] or "localhost"
        idstring = re.sub(r"[^A-Za-z0-9.-]", "-", message.reference) or None
        mail["Message-ID"] = email.utils.make_msgid(idstring=idstring, domain=domain)
        if message.reference:
            mail[REFERENCE_HEADER] = one_line(message.reference)
        # RFC 3834: keeps out-of-office replies from answering a call-out with a call-out.
        mail["Auto-Submitted"] = "auto-generated"
        mail.set_content(body_with_ack(message), charset="utf-8", cte="base64")
        return mail

    def send(self, address: str, message: Message) -> DeliveryResult:
        """Send one e-mail. Refused connections, timeouts, TLS and SMTP errors come back as
        ok=False with the error text; acceptance as ok=True with the server's reply."""
        if self.config_error:
            return DeliveryResult(False, self.kind, address, self.config_error)
        try:
            mail = self.build(address, message)
            reply = self._transmit(address, mail)
        except (smtplib.SMTPException, OSError, ValueError) as error:
            return DeliveryResult(False, self.kind, address, error_text(error))
        return DeliveryResult(True, self.kind, address, reply)

    def _connect(self) -> smtplib.SMTP:
        if self.use_ssl:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                    context=self._tls())
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)

    def _transmit(self, address: str, mail: EmailMessage) -> str:
        # smtplib.sendmail drops the final DATA reply (the queue id); the steps are spelled out
        # to keep it for the delivery record.
        with self._connect() as smtp:
            if self.starttls and not self.use_ssl:
                smtp.starttls(context=self._tls())
            smtp.ehlo_or_helo_if_needed()
            if self.user:
                smtp.login(self.user, self.password)
            code, reply = smtp.mail(self.mail_from)
            if code != 250:
                raise smtplib.SMTPSenderRefused(code, reply, self.mail_from)
            code, reply = smtp.rcpt(address)
            if code not in (250, 251):
                raise smtplib.SMTPRecipientsRefused({address: (code, reply)})
            code, reply = smtp.data(mail.as_bytes())
            if code != 250:
                raise smtplib.SMTPDataError(code, reply)
            return _reply_text(code, reply)


def channel_for(kind: str) -> Channel:
    """The channel for a contact kind, configured from settings now (C02, A2-RESP-1).
    An unknown kind is a caller's mistake, not a delivery failure: it raises InvalidInput."""
    # Imported here: channels_http builds on this module's Message and DeliveryResult.
    from antei.callout import channels_http

    if kind == "email":
        return EmailChannel.from_settings()
    if kind == "webhook":
        return channels_http.WebhookChannel.from_settings()
    if kind in ("sms", "voice"):
        return channels_http.ProviderChannel.from_settings(kind)
    raise errors.InvalidInput.from_violations(
        core_domain.check_choice(kind, org_domain.CONTACT_KINDS, "kind")
    )


def send(kind: str, address: str, message: Message) -> DeliveryResult:
    """Deliver one message on one channel; never raises for a delivery failure, so the
    caller can record the result and fall back (A2-RESP-1, A1-II-3, M-3.3, C02)."""
    return channel_for(kind).send(address, message)
