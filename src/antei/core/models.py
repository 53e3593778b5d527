"""Users, API tokens and the append-only, hash-chained audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from antei.core.actor import Source
from antei.core.roles import ROLE_LABELS, Role


class User(AbstractUser):
    """A login. `role` decides what it may do; vendor users carry the vendor they belong to."""

    role = models.CharField(
        _("role"), max_length=16, choices=[(r.value, ROLE_LABELS[r]) for r in Role],
        default=Role.AUDITOR,
    )
    vendor = models.ForeignKey(
        "org.Vendor", null=True, blank=True, on_delete=models.PROTECT, related_name="users",
        verbose_name=_("vendor"),
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role=Role.VENDOR, vendor__isnull=False)
                | (~models.Q(role=Role.VENDOR) & models.Q(vendor__isnull=True)),
                name="user_vendor_scope_matches_role",
            )
        ]


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is kept; the token itself is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user.username})"


class AuditEntry(models.Model):
    """One state change: who, when, from where, what, before/after, why.

    `hash` = SHA-256 over the canonical JSON of the entry and the previous entry's hash,
    so editing, deleting or re-ordering any row breaks the chain (`antei audit verify`).
    """

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor = models.CharField(max_length=150)
    actor_user_id = models.BigIntegerField(null=True, blank=True)
    source = models.CharField(max_length=16, choices=[(s.value, s.value) for s in Source])
    remote_addr = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, db_index=True)
    object_id = models.CharField(max_length=64, db_index=True)
    object_repr = models.CharField(max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id", "seq"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("audit entries are append-only")


class AuditHead(models.Model):
    """The single row holding the chain's tip. Locking it serialises appends."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit head at {self.seq}"


class ScheduledRun(models.Model):
    """One slot of a periodic job, claimed by exactly one worker (unique insert wins)."""

    job = models.CharField(max_length=100)
    slot = models.DateTimeField()
    claimed_at = models.DateTimeField()
    claimed_by = models.CharField(max_length=100)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="one_claim_per_slot")]

    def __str__(self) -> str:
        return f"{self.job} @ {self.slot:%Y-%m-%d %H:%M}"
