"""Incidents, their timeline, reports, roles, cause analysis, actions, 水平展開 and targets.

Catalog: C01, C04, C05, M-3.1–M-3.3, A1-II-1, A1-II-5, A1-II-7, A1-I-12..18, M-2.5, M-2.6.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from antei.inventory.models import BusinessFunction, System
from antei.org.models import Department, Person


class RankPolicy(models.Model):
    """What a rank means and the clocks it starts (first report, management aware, 続報)."""

    rank = models.PositiveSmallIntegerField(_("rank"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    definition = models.TextField(_("definition"))
    definition_en = models.TextField(_("English definition"), blank=True)
    first_report_minutes = models.PositiveIntegerField(_("first report within (minutes)"))
    management_aware_minutes = models.PositiveIntegerField(_("management aware within (minutes)"))
    follow_up_minutes = models.PositiveIntegerField(_("follow-up every (minutes, 0 = none)"))
    regulator_reportable = models.BooleanField(_("reportable to the regulator"), default=False)
    distribution = models.TextField(
        _("management distribution"), blank=True,
        help_text=_("Who receives the first report, e.g. 頭取, 担当役員, 経営企画部長"),
    )

    class Meta:
        ordering = ["rank"]

    def __str__(self) -> str:
        return f"{self.rank}: {self.name}"


class Incident(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    rank = models.PositiveSmallIntegerField(_("rank"))
    status = models.CharField(_("status"), max_length=16, default="open", db_index=True)
    is_external = models.BooleanField(
        _("external case"), default=False,
        help_text=_("An incident at another institution, kept for 'could this happen here?'"),
    )
    external_institution = models.CharField(_("institution"), max_length=100, blank=True)
    systems = models.ManyToManyField(System, blank=True, related_name="incidents",
                                     verbose_name=_("systems"))
    business_functions = models.ManyToManyField(BusinessFunction, blank=True,
                                                related_name="incidents",
                                                verbose_name=_("business functions"))
    summary = models.TextField(_("what is known"), blank=True)
    impact_scope = models.TextField(_("impact scope"), blank=True)
    customer_impact = models.TextField(_("customer impact"), blank=True)
    settlement_impact = models.TextField(_("settlement impact"), blank=True)
    affected_count = models.PositiveBigIntegerField(_("affected customers/transactions"),
                                                    null=True, blank=True)
    amount_yen = models.PositiveBigIntegerField(_("amount affected (yen)"), null=True, blank=True)
    recovery_eta = models.DateTimeField(_("expected recovery"), null=True, blank=True)
    regulator_profile = models.CharField(_("regulator profile"), max_length=32, blank=True)
    # First-class timestamps (C01): the metrics and deadlines are computed from these.
    occurred_at = models.DateTimeField(_("occurred at"), null=True, blank=True)
    detected_at = models.DateTimeField(_("detected at"))
    classified_at = models.DateTimeField(_("classified major at"), null=True, blank=True)
    first_report_at = models.DateTimeField(_("first report at"), null=True, blank=True)
    management_aware_at = models.DateTimeField(_("management aware at"), null=True, blank=True)
    first_instruction_at = models.DateTimeField(_("first management instruction at"),
                                                null=True, blank=True)
    mitigated_at = models.DateTimeField(_("mitigated at"), null=True, blank=True)
    recovered_at = models.DateTimeField(_("recovered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    opened_by = models.CharField(_("opened by"), max_length=150)
    opened_via = models.CharField(_("opened via"), max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-detected_at", "-id"]
        indexes = [models.Index(fields=["rank", "status"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class TimelineEntry(models.Model):
    """One fact, decision, action or communication: the single source for the reports."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField(_("at"), db_index=True)
    kind = models.CharField(_("kind"), max_length=16)
    text = models.TextField(_("text"))
    author = models.CharField(_("author"), max_length=150)
    source = models.CharField(_("source"), max_length=16)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"


class Report(models.Model):
    """An issued report (第1報, 続報, final, regulator stages) as it was sent."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("kind"), max_length=32)
    seq = models.PositiveSmallIntegerField(_("number"))
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.CharField(_("issued by"), max_length=150)
    distribution = models.TextField(_("distribution"), blank=True)
    facts = models.JSONField(_("facts"))  # what was known, as sent
    lines = models.JSONField(_("lines"))  # the rendered lines, both languages
    changed = models.JSONField(_("changed since previous"), default=list)

    class Meta:
        ordering = ["incident", "issued_at", "id"]
        constraints = [models.UniqueConstraint(fields=["incident", "kind", "seq"],
                                               name="report_seq_unique")]

    def __str__(self) -> str:
        return f"{self.incident.number} {self.kind} #{self.seq}"


class RoleAssignment(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=32)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="incident_roles")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    assigned_at = models.DateTimeField(_("assigned at"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incident", "role"],
                                               name="one_person_per_role")]

    def __str__(self) -> str:
        return f"{self.role}: {self.person}"


class EmergencyHQ(models.Model):
    """緊急対策本部: where it sits and who is in it (A1-II-3, A1-II-6)."""

    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="hq")
    location = models.CharField(_("location"), max_length=200)
    established_at = models.DateTimeField(_("established at"))
    members = models.ManyToManyField(Person, blank=True, related_name="+")

    def __str__(self) -> str:
        return f"HQ {self.location}"


class CauseAnalysis(models.Model):
    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="analysis")
    injection_phase = models.CharField(_("injection phase"), max_length=16, blank=True)
    cause_category = models.CharField(_("cause category"), max_length=24, blank=True)
    direct_cause = models.TextField(_("direct cause"), blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    no_action_reason = models.TextField(_("why no recurrence action is needed"), blank=True)
    horizontal_not_applicable = models.TextField(
        _("why no horizontal check (水平展開) is needed"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"analysis of {self.incident.number}"


class RecurrenceAction(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("action"), max_length=200)
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


class HorizontalCheck(models.Model):
    """水平展開: another system checked for the same defect, by whom, with what result."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE,
                                 related_name="horizontal_checks")
    system = models.ForeignKey(System, on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(_("what to check"), max_length=200)
    checker = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    result = models.CharField(_("result"), max_length=16, default="pending")
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["system__code", "id"]

    def __str__(self) -> str:
        return f"{self.system.code}: {self.result}"


class Target(models.Model):
    """An incident-count cap per period, overall or per rank/business/system (M-2.6)."""

    period = models.CharField(_("period"), max_length=8)
    cap = models.PositiveIntegerField(_("cap"))
    scope = models.CharField(_("scope"), max_length=24, default="overall")
    scope_value = models.CharField(_("scope value"), max_length=32, blank=True)
    measures = models.TextField(_("measures meant to deliver it"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "scope", "scope_value"],
                                               name="target_unique")]

    def __str__(self) -> str:
        return f"{self.period} {self.scope} {self.scope_value} ≤ {self.cap}"


class DeadlineAlert(models.Model):
    """A deadline that passed unmet, raised once by the periodic task (M-3.3)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="alerts")
    deadline = models.CharField(_("deadline"), max_length=32)
    due_at = models.DateTimeField(_("due at"))
    raised_at = models.DateTimeField(_("raised at"))

    class Meta:
        ordering = ["-raised_at"]
        constraints = [models.UniqueConstraint(fields=["incident", "deadline", "due_at"],
                                               name="one_alert_per_deadline")]

    def __str__(self) -> str:
        return f"{self.incident.number} {self.deadline} overdue"
