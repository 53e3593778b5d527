"""Business functions, systems and what they are made of and connected to (C06, C09)."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models
from django.utils.translation import gettext_lazy as _

from antei.inventory import domain
from antei.org.models import Department, Person, Vendor


def _choices(codes: tuple[str, ...],
             labels: Mapping[str, object]) -> list[tuple[str, object]]:
    return [(c, labels.get(c, c)) for c in codes]


CRITICALITY_LABELS = {"critical": _("critical"), "high": _("high"), "medium": _("medium"),
                      "low": _("low")}
TIER_LABELS = {"critical": _("critical"), "important": _("important"),
               "standard": _("standard")}
SERVICE_DAY_LABELS = {"business_days": _("business days"), "weekdays": _("weekdays"),
                      "every_day": _("every day")}
ENVIRONMENT_LABELS = {"active": _("active"), "standby": _("standby"),
                      "development": _("development")}
COMPONENT_KIND_LABELS = {"server": _("server"), "database": _("database"),
                         "network": _("network device"), "storage": _("storage"),
                         "package": _("package"), "middleware": _("middleware"),
                         "terminal": _("terminal"), "other": _("other")}
DIRECTION_LABELS = {"outbound": _("outbound"), "inbound": _("inbound"),
                    "both": _("both directions")}
EXTERNAL_KIND_LABELS = {"zengin": _("Zengin network"), "card_network": _("card network"),
                        "other_bank": _("other bank"),
                        "outsourced_centre": _("outsourced centre"),
                        "clearing": _("clearing house"), "government": _("authority"),
                        "other": _("other")}
VENDOR_ROLE_LABELS = {"build": _("builds"), "run": _("runs"), "maintain": _("maintains")}
TASK_LABELS = {"monitoring": _("monitoring"), "recovery": _("recovery"),
               "bug_notice_intake": _("vendor bug-notice intake"),
               "volume_forecasting": _("volume forecasting"),
               "capacity_review": _("capacity review"), "change_release": _("change & release"),
               "backup": _("backup"), "customer_notice": _("customer notices")}


class BusinessFunction(models.Model):
    """A business (業務) the institution offers, with its impact tolerance."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    criticality = models.CharField(_("criticality"), max_length=16,
                                   choices=_choices(domain.CRITICALITIES, CRITICALITY_LABELS))
    impact_tolerance_minutes = models.PositiveIntegerField(_("impact tolerance (minutes)"))
    owner_department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT,
        related_name="business_functions", verbose_name=_("owner department"),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [models.CheckConstraint(condition=models.Q(impact_tolerance_minutes__gt=0),
                                              name="impact_tolerance_positive")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class System(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    tier = models.CharField(_("tier"), max_length=16, choices=_choices(domain.TIERS, TIER_LABELS))
    owner_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="systems",
        verbose_name=_("owner department"),
    )
    business_functions = models.ManyToManyField(
        BusinessFunction, blank=True, related_name="systems", verbose_name=_("business functions"),
    )
    is_euc = models.BooleanField(_("EUC (owned by a business department)"), default=False)
    in_service_since = models.DateField(_("in service since"), null=True, blank=True)
    last_major_change = models.DateField(_("last major change"), null=True, blank=True)
    online_start = models.TimeField(_("online start"), null=True, blank=True)
    online_end = models.TimeField(_("online end"), null=True, blank=True)
    online_days = models.CharField(_("online days"), max_length=16, default="business_days",
                                   choices=_choices(domain.SERVICE_DAYS, SERVICE_DAY_LABELS))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class BatchWindow(models.Model):
    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name="batch_windows")
    name = models.CharField(_("name"), max_length=100)
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))  # earlier than start means it runs past midnight
    days = models.CharField(_("days"), max_length=16, default="business_days",
                            choices=_choices(domain.SERVICE_DAYS, SERVICE_DAY_LABELS))

    class Meta:
        ordering = ["system__code", "start"]
        constraints = [models.UniqueConstraint(fields=["system", "name"],
                                               name="batch_window_unique")]

    def __str__(self) -> str:
        return f"{self.name} {self.start:%H:%M}–{self.end:%H:%M}"


class Component(models.Model):
    """A server, database, network device or package of a system, in one environment role."""

    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name="components")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16,
                            choices=_choices(domain.COMPONENT_KINDS, COMPONENT_KIND_LABELS))
    environment = models.CharField(_("environment role"), max_length=16,
                                   choices=_choices(domain.ENVIRONMENTS, ENVIRONMENT_LABELS))
    active_peer = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="standbys",
        verbose_name=_("active peer"),
    )
    hostname = models.CharField(_("host name"), max_length=100, blank=True)
    site = models.CharField(_("site"), max_length=100, blank=True)
    version = models.CharField(_("version"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["system__code", "name"]
        constraints = [models.UniqueConstraint(fields=["system", "name"],
                                               name="component_name_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.environment})"


class ExternalParty(models.Model):
    """Someone outside the institution a system connects to: Zengin, card networks, ..."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=24,
                            choices=_choices(domain.EXTERNAL_KINDS, EXTERNAL_KIND_LABELS))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Connection(models.Model):
    source = models.ForeignKey(System, on_delete=models.CASCADE,
                               related_name="outgoing_connections", verbose_name=_("source"))
    target_system = models.ForeignKey(
        System, null=True, blank=True, on_delete=models.CASCADE,
        related_name="incoming_connections", verbose_name=_("target system"),
    )
    target_external = models.ForeignKey(
        ExternalParty, null=True, blank=True, on_delete=models.PROTECT,
        related_name="connections", verbose_name=_("external party"),
    )
    direction = models.CharField(_("direction"), max_length=16,
                                 choices=_choices(domain.DIRECTIONS, DIRECTION_LABELS))
    protocol = models.CharField(_("protocol"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["source__code", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_system__isnull=False, target_external__isnull=True)
                | models.Q(target_system__isnull=True, target_external__isnull=False),
                name="connection_has_one_target",
            ),
            models.CheckConstraint(condition=~models.Q(source=models.F("target_system")),
                                   name="connection_not_to_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.source.code} → {self.target_code} ({self.protocol})"

    @property
    def target_code(self) -> str:
        target = self.target_system or self.target_external
        return target.code if target else ""


class SystemVendor(models.Model):
    """Which vendor builds, runs or maintains a system (C14)."""

    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name="vendor_roles")
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="system_roles")
    role = models.CharField(_("role"), max_length=16,
                            choices=_choices(domain.VENDOR_ROLES, VENDOR_ROLE_LABELS))

    class Meta:
        ordering = ["system__code", "vendor__code", "role"]
        constraints = [models.UniqueConstraint(fields=["system", "vendor", "role"],
                                               name="system_vendor_role_unique")]

    def __str__(self) -> str:
        return f"{self.vendor.code} {self.role} {self.system.code}"


class Responsibility(models.Model):
    """One row of a system's responsibility matrix: who does this task (A1-II-2)."""

    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name="responsibilities")
    task = models.CharField(_("task"), max_length=32,
                            choices=_choices(domain.RESPONSIBILITY_TASKS, TASK_LABELS))
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="responsibilities",
                                   verbose_name=_("department"))
    vendor = models.ForeignKey(Vendor, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="responsibilities", verbose_name=_("vendor"))
    must_stay_in_house = models.BooleanField(_("must stay in-house"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["system__code", "task"]
        constraints = [
            models.UniqueConstraint(fields=["system", "task"], name="responsibility_unique"),
            models.CheckConstraint(
                condition=models.Q(department__isnull=False, vendor__isnull=True)
                | models.Q(department__isnull=True, vendor__isnull=False),
                name="responsibility_has_one_owner",
            ),
            models.CheckConstraint(
                condition=~models.Q(must_stay_in_house=True, vendor__isnull=False),
                name="in_house_task_not_vendor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.system.code} {self.task}"


class KeyPerson(models.Model):
    """A person the system depends on (キーパーソン): know-how that leaves with them (M-4.4)."""

    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name="key_persons")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="key_for")
    area = models.CharField(_("area of knowledge"), max_length=200, blank=True)

    class Meta:
        ordering = ["system__code", "person__code"]
        constraints = [models.UniqueConstraint(fields=["system", "person"],
                                               name="key_person_unique")]

    def __str__(self) -> str:
        return f"{self.person} @ {self.system.code}"
