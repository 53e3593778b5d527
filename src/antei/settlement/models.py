"""The unprocessed-payment desk: imported batches, their items, priority rules, channel
capacities, counterparty file rules and intake suspensions.

Catalog: C03, M-3.2, A1-II-4, A1-II-10, A1-II-13, A2-SWA-4, A2-SWA-6, A2-RESP-2, A2-RESP-3.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from antei.incidents.models import Incident

FORMATS = ("zengin", "csv", "xlsx", "json")
KINDS = {"21": _("comprehensive transfer"), "11": _("salary"), "12": _("bonus"),
         "91": _("direct debit")}
STATUSES = ("unprocessed", "processed", "manual", "cancelled")
OPEN_STATUSES = ("unprocessed",)
CHANNELS = ("zengin", "internal", "atm", "ib", "branch", "other")


class Batch(models.Model):
    """One imported file (or JSON post) of backlog items; re-importing the same content for
    the same incident is recognised by its hash (A1-II-4)."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT,
                                 related_name="settlement_batches")
    department = models.CharField(_("department"), max_length=100, blank=True)
    source_system = models.CharField(_("source system"), max_length=100, blank=True)
    format = models.CharField(_("format"), max_length=8)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_hash = models.CharField(_("content hash"), max_length=64)
    kind = models.CharField(_("kind"), max_length=2)
    item_count = models.PositiveIntegerField(_("items"))
    total_amount = models.BigIntegerField(_("total (yen)"))
    imported_by = models.CharField(_("imported by"), max_length=150)
    imported_via = models.CharField(_("imported via"), max_length=16)
    imported_at = models.DateTimeField(_("imported at"))

    class Meta:
        ordering = ["-imported_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["incident", "content_hash"],
                                               name="settlement_batch_once_per_incident")]

    def __str__(self) -> str:
        return f"{self.file_name or self.format} ({self.item_count})"


class Item(models.Model):
    """One unprocessed payment. Written in bulk by the import service only (COPY on
    PostgreSQL, executemany on SQLite), never one ORM object per record."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="items")
    # Not indexed alone: every index below starts with incident (A1-II-4 import speed).
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT,
                                 related_name="settlement_items", db_index=False)
    record_number = models.PositiveIntegerField(_("record"))
    kind = models.CharField(_("kind"), max_length=2)
    settlement_date = models.DateField(_("settlement date"))
    bank_code = models.CharField(_("bank"), max_length=4)
    branch_code = models.CharField(_("bank branch"), max_length=3)
    account_type = models.PositiveSmallIntegerField(_("account type"))
    account_number = models.CharField(_("account"), max_length=7)
    recipient_name = models.CharField(_("recipient"), max_length=30)
    amount = models.BigIntegerField(_("amount (yen)"))
    customer = models.CharField(_("customer"), max_length=60, blank=True)
    customer_ref = models.CharField(_("customer reference"), max_length=20, blank=True)
    edi = models.CharField(_("EDI"), max_length=20, blank=True)
    designation = models.CharField(_("designation"), max_length=1, blank=True)
    channel = models.CharField(_("channel"), max_length=16)
    department = models.CharField(_("department"), max_length=100, blank=True)
    branch = models.CharField(_("branch"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=12, default="unprocessed")
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    processed_by = models.CharField(_("processed by"), max_length=150, blank=True)
    # Rank as of the last change of the rules (services.rerank); the plan, the lookup and the
    # export always order afresh, so a stale or empty cache never misleads them.
    priority_rank = models.PositiveIntegerField(_("priority rank"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        # Every index is paid for on each of a million imported rows, so only what a read
        # needs: the open queue, summaries, exports and same-day lists filter by incident
        # and status (and date). The call-centre lookup and the burn-down compute the plan
        # over all open items anyway, and the lookup matches account numbers by suffix (no
        # index can serve that). batch (its FK index) serves marking a file acknowledged.
        indexes = [
            models.Index(fields=["incident", "status", "settlement_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.bank_code}-{self.branch_code} {self.account_number} {self.amount}"


class PriorityRule(models.Model):
    """One step of the resend order, as data (A2-SWA-6, A1-II-10): rules apply by
    position; `customer` rules put a named customer's items before everything else."""

    KINDS = ("customer", "same_day", "amount", "cutoff")
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE,
                                 related_name="settlement_rules")
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("rule"), max_length=12)
    customer = models.CharField(_("customer"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["incident", "position"]
        constraints = [models.UniqueConstraint(fields=["incident", "position"],
                                               name="settlement_rule_position")]

    def __str__(self) -> str:
        return f"{self.position}: {self.kind} {self.customer}".strip()


class ChannelCapacity(models.Model):
    """How fast a channel clears items and when it closes; manual staff for the rest
    (A1-II-13). Times of day are Asia/Tokyo wall-clock."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE,
                                 related_name="settlement_capacities")
    channel = models.CharField(_("channel"), max_length=16)
    items_per_minute = models.PositiveIntegerField(_("items per minute"))
    opens_at = models.TimeField(_("opens at"))
    cutoff_at = models.TimeField(_("cut-off"))
    manual_minutes_per_item = models.DecimalField(_("manual minutes per item"),
                                                  max_digits=6, decimal_places=2)
    staff_available = models.PositiveIntegerField(_("staff available"))

    class Meta:
        ordering = ["channel"]
        constraints = [models.UniqueConstraint(fields=["incident", "channel"],
                                               name="settlement_capacity_once")]

    def __str__(self) -> str:
        return f"{self.channel} {self.items_per_minute}/min"


class CounterpartyFormat(models.Model):
    """A counterparty's file rules (A2-SWA-4, A2-RESP-3): account padding, volume limits,
    line breaks."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    account_padding = models.CharField(_("account padding"), max_length=8, default="zero")
    max_records = models.PositiveIntegerField(_("records per volume"), default=999_999)
    max_total = models.BigIntegerField(_("total per volume (yen)"), default=999_999_999_999)
    line_breaks = models.BooleanField(_("CRLF after each record"), default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class IntakeSuspension(models.Model):
    """Intake of new transfer requests stopped on a channel, and when it resumed
    (A2-RESP-2: a contingency step recorded with who and when)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE,
                                 related_name="settlement_suspensions")
    channel = models.CharField(_("channel"), max_length=16)
    suspended_at = models.DateTimeField(_("suspended at"))
    suspended_by = models.CharField(_("suspended by"), max_length=150)
    resumed_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    resumed_by = models.CharField(_("resumed by"), max_length=150, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-suspended_at", "-id"]
        constraints = [models.UniqueConstraint(
            fields=["incident", "channel"], condition=models.Q(resumed_at__isnull=True),
            name="settlement_one_open_suspension")]

    def __str__(self) -> str:
        return f"{self.channel} {self.suspended_at:%Y-%m-%d %H:%M}"
