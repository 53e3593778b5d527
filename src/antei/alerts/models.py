"""Alert intake rows (issue 5; C07 monitoring, A2-PERF-CAP-2/3, A2-OPS-MON-1, A1-I-7).

Uniqueness of what is open is the database's job: a partial unique index allows one
firing alert per (integration, fingerprint) and one open group per (integration,
group_key), so concurrent deliveries of the same alert cannot create two. The intake
writes these tables with set-based `INSERT ... ON CONFLICT` statements (alerts/store.py),
whose conflict targets name exactly these indexes.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from antei.inventory.models import Component, System

KINDS = ("alertmanager", "grafana", "events", "messages", "heartbeat")
SEVERITIES = ("critical", "error", "warning", "info")


class Integration(models.Model):
    """One monitoring source with its own secret key and its mapping to systems."""

    kind = models.CharField(_("kind"), max_length=16, choices=[(k, k) for k in KINDS])
    name = models.CharField(_("name"), max_length=100, unique=True)
    systems = models.ManyToManyField(System, blank=True, related_name="integrations",
                                     verbose_name=_("systems"))
    # {"system": "<label holding the system code>", "aliases": {"<label value>": "CODE"}}
    label_mapping = models.JSONField(_("label mapping"), default=dict, blank=True)
    group_by = models.JSONField(_("group by labels"), default=list, blank=True)
    group_window_minutes = models.PositiveIntegerField(_("group window (minutes)"), default=30)
    key_hash = models.CharField(max_length=64, unique=True)
    key_prefix = models.CharField(_("key prefix"), max_length=12)
    rate_per_second = models.FloatField(_("requests per second"), default=20.0)
    burst = models.PositiveIntegerField(_("burst"), default=100)
    hmac_header = models.CharField(_("signature header"), max_length=64, blank=True)
    hmac_secret = models.CharField(_("signature secret"), max_length=200, blank=True)
    # Groups with an alert at least this severe on a critical-tier system open an incident.
    auto_incident_severity = models.CharField(
        _("open an incident from severity"), max_length=16, blank=True, default="critical",
        choices=[("", "-")] + [(s, s) for s in SEVERITIES])
    # Outside business hours (bank calendar closed days, nights per the system's online
    # hours) groups at least this severe open an incident on any system: nobody watches
    # the console then. Blank: no different rule at night.
    auto_incident_outside_hours_severity = models.CharField(
        _("outside business hours, open an incident from severity"), max_length=16,
        blank=True, default="", choices=[("", "-")] + [(s, s) for s in SEVERITIES])
    incident_rank = models.PositiveSmallIntegerField(_("rank of opened incidents"), default=2)
    storm_threshold = models.PositiveIntegerField(_("storm: messages per minute"), default=100)
    heartbeat_interval_minutes = models.PositiveIntegerField(default=5)
    heartbeat_grace_minutes = models.PositiveIntegerField(default=2)
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"


class AlertGroup(models.Model):
    integration = models.ForeignKey(Integration, on_delete=models.CASCADE,
                                    related_name="groups")
    group_key = models.CharField(max_length=64)
    labels = models.JSONField(default=dict)
    status = models.CharField(max_length=16, default="open")  # open | closed
    system = models.ForeignKey(System, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    severity = models.CharField(max_length=16, default="warning")
    incident = models.ForeignKey("incidents.Incident", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="alert_groups")
    alert_count = models.PositiveIntegerField(default=0)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_seen"]
        constraints = [models.UniqueConstraint(
            fields=["integration", "group_key"], condition=Q(status="open"),
            name="alerts_one_open_group")]

    def __str__(self) -> str:
        return f"group {self.pk} {self.labels}"


class Alert(models.Model):
    # No index of its own: (integration, fingerprint) below serves it. The intake updates
    # last_seen, count, labels ... of open rows on every delivery; with no index on those
    # columns PostgreSQL updates them in place (HOT), touching no index at all.
    integration = models.ForeignKey(Integration, on_delete=models.CASCADE,
                                    related_name="alerts", db_index=False)
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(max_length=16, default="firing")  # firing | resolved
    labels = models.JSONField(default=dict)
    annotations = models.JSONField(default=dict)
    summary = models.TextField(blank=True)
    severity = models.CharField(max_length=16, default="warning")
    system = models.ForeignKey(System, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="alerts")
    starts_at = models.DateTimeField()
    last_start_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    # Reported occurrences while open: deliveries with a start time not seen before (an
    # Alertmanager re-send of the same alert updates last_seen only); for console
    # messages, the number of messages.
    count = models.PositiveBigIntegerField(default=1)
    occurrence = models.PositiveIntegerField(default=1)  # nth time this fingerprint fired
    group = models.ForeignKey(AlertGroup, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="alerts")
    silenced = models.BooleanField(default=False)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    generator_url = models.TextField(blank=True)

    class Meta:
        ordering = ["-last_seen"]
        constraints = [models.UniqueConstraint(
            fields=["integration", "fingerprint"], condition=Q(status="firing"),
            name="alerts_one_firing_alert")]
        indexes = [models.Index(fields=["integration", "fingerprint"])]

    def __str__(self) -> str:
        return self.summary[:80] or self.fingerprint[:12]


class MessageCounter(models.Model):
    """Identical console messages from one source, counted, not stored (A2-PERF-CAP-3)."""

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE,
                                    related_name="message_counters")
    message_id = models.CharField(max_length=100)
    text_hash = models.CharField(max_length=64)
    text = models.TextField()
    count = models.PositiveBigIntegerField(default=0)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    window_minute = models.BigIntegerField(default=0)  # epoch minute of the current window
    window_count = models.PositiveBigIntegerField(default=0)
    storm_alert = models.ForeignKey(Alert, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["integration", "message_id", "text_hash"], name="alerts_message_unique")]

    def __str__(self) -> str:
        return f"{self.message_id} x{self.count}"


class Silence(models.Model):
    """Matching alerts are recorded but open nothing and page no one; a weekly recurrence
    (weekdays + a local time window in the display zone) makes it a maintenance window."""

    matchers = models.JSONField(default=list)  # [{label, op, value}]
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    weekdays = models.JSONField(default=list, blank=True)  # 0 = Monday
    window_start = models.TimeField(null=True, blank=True)
    window_end = models.TimeField(null=True, blank=True)
    comment = models.TextField(blank=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    expired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"silence {self.pk}"


class Heartbeat(models.Model):
    """A dead-man's switch: something checks in every N minutes (A2-OPS-MON-1)."""

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE,
                                    related_name="heartbeats")
    name = models.CharField(max_length=100)
    system = models.ForeignKey(System, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="heartbeats")
    component = models.ForeignKey(Component, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="heartbeats")
    interval_minutes = models.PositiveIntegerField(default=5)
    grace_minutes = models.PositiveIntegerField(default=2)
    last_check_in = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    status = models.CharField(max_length=8, default="never")  # ok | late | never

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["integration", "name"],
                                               name="alerts_heartbeat_unique")]

    def __str__(self) -> str:
        return self.name
