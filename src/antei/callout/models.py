"""Rosters, escalation policies and runs, pages, delivery attempts, call-out failures and
contact verifications.

Catalog: C02, A2-RESP-1, A1-II-3, A1-II-5, M-3.3.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from antei.incidents.models import Incident, Report
from antei.inventory.models import System
from antei.org.models import ContactPoint, Person


class Roster(models.Model):
    """People taking turns on call: `rotation_days` each, from `starts_on` (A1-II-3)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    rotation_days = models.PositiveSmallIntegerField(_("rotation (days)"), default=7)
    starts_on = models.DateField(_("first turn starts on"))
    handover_hour = models.PositiveSmallIntegerField(_("handover hour (JST)"), default=9)
    # always | nights | holidays | off_hours: nights and holidays follow the bank calendar
    coverage = models.CharField(_("coverage"), max_length=16, default="always")
    night_start_hour = models.PositiveSmallIntegerField(_("night starts (JST)"), default=18)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RosterMember(models.Model):
    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["roster", "position"]
        constraints = [
            models.UniqueConstraint(fields=["roster", "position"], name="roster_position_unique"),
            models.UniqueConstraint(fields=["roster", "person"], name="roster_person_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.roster.code}#{self.position} {self.person.code}"


class RosterOverride(models.Model):
    """Someone covering a turn (swap, sick leave)."""

    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="overrides")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))

    class Meta:
        ordering = ["roster", "starts_at"]

    def __str__(self) -> str:
        return f"{self.roster.code}: {self.person.code}"


class EscalationPolicy(models.Model):
    """Who is paged, in which order, for an incident of `rank` (and optionally `system`)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    system = models.ForeignKey(System, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class EscalationStep(models.Model):
    policy = models.ForeignKey(EscalationPolicy, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=16)
    wait_minutes = models.PositiveIntegerField(_("wait for acknowledgement (minutes)"))
    repeats = models.PositiveSmallIntegerField(_("repeats"), default=0)
    people = models.JSONField(_("people"), default=list)  # person codes, in call order
    roster = models.ForeignKey(Roster, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    next_step = models.PositiveSmallIntegerField(_("next step"), null=True, blank=True)

    class Meta:
        ordering = ["policy", "position"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "position"], name="step_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.policy.code} step {self.position}"


class EscalationRun(models.Model):
    """One call-out for one incident. `token` changes whenever the run moves: a timer
    carrying an older token is stale and does nothing (durable timers)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="callouts")
    policy = models.ForeignKey(EscalationPolicy, on_delete=models.PROTECT, related_name="runs")
    state = models.CharField(_("state"), max_length=16, default="active", db_index=True)
    step_index = models.PositiveSmallIntegerField(_("current step"), default=0)
    round = models.PositiveSmallIntegerField(_("round"), default=0)
    token = models.CharField(max_length=32)
    next_at = models.DateTimeField(_("next escalation at"), db_index=True)
    started_at = models.DateTimeField(_("started at"))
    started_by = models.CharField(_("started by"), max_length=150)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    # manual (someone pressed start / the API), opened (automatic when the incident was
    # opened) or first_report (the 第1報 to the management distribution): the automatic
    # ones happen once per incident, whatever retries or second workers do.
    trigger = models.CharField(_("trigger"), max_length=16, default="manual")
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [models.UniqueConstraint(
            fields=["incident", "trigger"], condition=~models.Q(trigger="manual"),
            name="one_automatic_run_per_trigger")]

    def __str__(self) -> str:
        return f"call-out {self.pk} ({self.state})"


class Page(models.Model):
    """One person paged at one step and round of a run."""

    run = models.ForeignKey(EscalationRun, on_delete=models.CASCADE, related_name="pages")
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="pages")
    step_index = models.PositiveSmallIntegerField(_("step"))
    round = models.PositiveSmallIntegerField(_("round"), default=0)
    roster = models.ForeignKey(Roster, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    status = models.CharField(_("status"), max_length=16, default="pending", db_index=True)
    channel = models.CharField(_("channel"), max_length=16, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"))
    claimed_at = models.DateTimeField(null=True, blank=True)  # a sender is delivering it
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_via = models.CharField(_("acknowledged via"), max_length=16, blank=True)

    class Meta:
        ordering = ["run", "step_index", "round", "id"]

    def __str__(self) -> str:
        return f"page {self.pk} {self.person.code} ({self.status})"


class ContactVerification(models.Model):
    """A test message that must be acknowledged within a window (A2-RESP-1)."""

    contact_point = models.ForeignKey(ContactPoint, on_delete=models.CASCADE,
                                      related_name="verifications")
    status = models.CharField(_("status"), max_length=16, default="pending")
    sent_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    requested_by = models.CharField(_("requested by"), max_length=150)

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"verification {self.pk} ({self.status})"


class Delivery(models.Model):
    """Every attempt to reach someone, with the provider's answer kept as evidence."""

    page = models.ForeignKey(Page, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="deliveries")
    verification = models.ForeignKey(ContactVerification, null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="deliveries")
    contact_point = models.ForeignKey(ContactPoint, null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=16)
    address = models.CharField(_("address"), max_length=300)
    ok = models.BooleanField(_("delivered"))
    detail = models.TextField(_("provider response"), blank=True)
    provider_id = models.CharField(_("provider id"), max_length=200, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.channel} {self.address} {'ok' if self.ok else 'failed'}"


class CalloutFailure(models.Model):
    """A step that reached nobody: raised once per step and round (A2-RESP-1)."""

    run = models.ForeignKey(EscalationRun, on_delete=models.CASCADE, related_name="failures")
    step_index = models.PositiveSmallIntegerField()
    round = models.PositiveSmallIntegerField()
    raised_at = models.DateTimeField()
    reason = models.CharField(max_length=32)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "step_index", "round", "reason"],
                                               name="one_failure_per_step_round")]

    def __str__(self) -> str:
        return f"run {self.run_id} step {self.step_index}: {self.reason}"
