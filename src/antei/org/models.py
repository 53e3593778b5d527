"""Departments, people, contact points, vendors and their contracts (A1-II-1, C14)."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models
from django.utils.translation import gettext_lazy as _

from antei.org import domain

DEPARTMENT_KIND_LABELS = {
    "system": _("system department"), "business": _("business department"),
    "risk": _("risk management"), "audit": _("internal audit"),
    "planning": _("corporate planning"), "pr": _("public relations"),
    "customer_service": _("customer service"), "other": _("other"),
}
CONTACT_KIND_LABELS = {"email": _("e-mail"), "sms": _("SMS"), "voice": _("voice call"),
                       "webhook": _("webhook")}


def _choices(codes: tuple[str, ...],
             labels: Mapping[str, object]) -> list[tuple[str, object]]:
    return [(c, labels.get(c, c)) for c in codes]


class Department(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    kind = models.CharField(
        _("type"), max_length=24,
        choices=_choices(domain.DEPARTMENT_KINDS, DEPARTMENT_KIND_LABELS),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Vendor(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    emergency_contact = models.CharField(_("emergency contact"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class VendorContract(models.Model):
    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="contracts")
    reference = models.CharField(_("contract reference"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    services = models.JSONField(_("services"), default=list)  # subset of domain.CONTRACT_SERVICES
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["vendor__code", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "reference"], name="contract_ref_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class Person(models.Model):
    """Someone the institution calls on: staff in a department, or a vendor's engineer."""

    code = models.CharField(_("staff number"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_kana = models.CharField(_("name (kana)"), max_length=100, blank=True)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="people",
        verbose_name=_("department"),
    )
    vendor = models.ForeignKey(
        Vendor, null=True, blank=True, on_delete=models.PROTECT, related_name="people",
        verbose_name=_("vendor"),
    )
    titles = models.JSONField(_("role titles"), default=list)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(department__isnull=False, vendor__isnull=True)
                | models.Q(department__isnull=True, vendor__isnull=False),
                name="person_belongs_to_department_xor_vendor",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class ContactPoint(models.Model):
    """A way to reach a person. `verified_at` is when a test message last got through."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contact_points")
    kind = models.CharField(_("kind"), max_length=16,
                            choices=_choices(domain.CONTACT_KINDS, CONTACT_KIND_LABELS))
    address = models.CharField(_("address"), max_length=300)
    label = models.CharField(_("label"), max_length=50, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), default=1)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    class Meta:
        ordering = ["person__code", "priority", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "kind", "address"], name="contact_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.address}"
