"""Contact verification: a test message that must be acknowledged within a window; only then
is the contact point verified. Unanswered tests expire (A2-RESP-1: a wrong number is found
before the night it matters).

Catalog: C02, A2-RESP-1.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from antei.callout import channels
from antei.callout import services_links as links
from antei.callout.models import ContactVerification, Delivery
from antei.core import audit, clock, registry
from antei.core.actor import Actor, system_actor
from antei.core.errors import InvalidInput
from antei.core.roles import Perm
from antei.org import services as org_services
from antei.org.models import ContactPoint

VERIFY_WINDOW_MINUTES = 60


# --- contact verification ------------------------------------------------------------------


def verify_contact_point(*, actor: Actor, contact_id: int,
                         window_minutes: int = VERIFY_WINDOW_MINUTES,
                         now: datetime | None = None) -> ContactVerification:
    """Send a test message that must be acknowledged within the window; only then is the
    contact point verified (A2-RESP-1: a wrong number is found before the night it matters)."""
    registry.require(actor, Perm.CALLOUT_EDIT)
    if window_minutes <= 0:
        raise InvalidInput.one("window_minutes", "positive", value=window_minutes)
    now = now or clock.now()
    with transaction.atomic():
        cp = registry.get(ContactPoint, "contact point", pk=contact_id)
        row = ContactVerification.objects.create(
            contact_point=cp, sent_at=now, expires_at=now + timedelta(minutes=window_minutes),
            requested_by=actor.username)
        audit.record(actor=actor, action="callout.verify.request", obj=row,
                     after=audit.snapshot(row))
    url = links.ack_url(links.sign("verify", row.pk))
    result = links.send(cp.kind, cp.address, channels.Message(
        subject="[antei] 連絡先確認 / contact check",
        body=(f"{cp.person.name} 様: 障害時の連絡先確認です。{window_minutes}分以内に次のリンクで"
              f"応答してください / Please confirm within {window_minutes} minutes: {url}\n"),
        ack_url=url, reference=f"verify-{row.pk}"))
    with transaction.atomic():
        row = registry.get(ContactVerification, "contact verification", pk=row.pk)
        Delivery.objects.create(verification=row, contact_point=cp, channel=cp.kind,
                                address=cp.address, ok=result.ok, detail=result.detail[:4000],
                                provider_id=result.provider_id[:200], at=now)
        if row.status == "pending":
            row.status = "sent" if result.ok else "failed"
            row.save(update_fields=["status"])
        audit.record(actor=system_actor(), action=f"callout.verify.{row.status}", obj=row,
                     after={"status": row.status, "detail": result.detail[:500]})
    return row


def verify_all(*, actor: Actor, window_minutes: int = VERIFY_WINDOW_MINUTES,
               now: datetime | None = None) -> list[ContactVerification]:
    """Test every contact point of every active person."""
    registry.require(actor, Perm.CALLOUT_EDIT)
    ids = ContactPoint.objects.filter(person__is_active=True).order_by(
        "person__code", "priority", "id").values_list("pk", flat=True)
    return [verify_contact_point(actor=actor, contact_id=pk, window_minutes=window_minutes,
                                 now=now) for pk in list(ids)]


def confirm_verification(actor: Actor, verification_id: int, now: datetime) -> None:
    with transaction.atomic():
        row = registry.get(ContactVerification, "contact verification", pk=verification_id)
        if row.confirmed_at is not None:
            raise links.conflict("link", "already_acknowledged")
        if now > row.expires_at or row.status == "expired":
            raise InvalidInput.one("link", "link_invalid")
        before = audit.snapshot(row)
        row.status, row.confirmed_at = "confirmed", now
        row.save(update_fields=["status", "confirmed_at"])
        audit.record(actor=actor, action="callout.verify.confirm", obj=row, before=before,
                     after=audit.snapshot(row))
        org_services.mark_contact_verified(actor=actor, contact_id=row.contact_point_id,
                                           at=now, evidence=f"contact verification {row.pk}")


def expire_verifications(*, now: datetime | None = None) -> int:
    """Unanswered test messages past their window become 'expired' (a failing contact)."""
    now = now or clock.now()
    expired = 0
    for pk in list(ContactVerification.objects.filter(
            status__in=["pending", "sent"], expires_at__lt=now).values_list("pk", flat=True)):
        with transaction.atomic():
            row = registry.get(ContactVerification, "contact verification", pk=pk)
            if row.status not in ("pending", "sent"):
                continue
            row.status = "expired"
            row.save(update_fields=["status"])
            audit.record(actor=system_actor(), action="callout.verify.expired", obj=row,
                         after={"status": "expired"})
            expired += 1
    return expired

