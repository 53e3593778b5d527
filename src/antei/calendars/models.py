"""Service calendars and their date overrides (A2-PERF-SET-5, A2-SWA-1, C10)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

BANK = "BANK"


class ServiceCalendar(models.Model):
    """The bank calendar (code BANK, Banking Act rules) or a channel's service calendar."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    is_bank = models.BooleanField(_("bank calendar"), default=False)
    # Channel rules; ignored for the bank calendar, whose rules are the law's.
    open_weekdays = models.JSONField(_("open weekdays (0=Mon)"), default=list)
    open_on_holidays = models.BooleanField(_("open on national holidays"), default=True)
    open_year_end = models.BooleanField(_("open 31 Dec – 3 Jan"), default=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["-is_bank", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CalendarOverride(models.Model):
    """One date on which a calendar departs from its rules: closed, or open after all."""

    calendar = models.ForeignKey(ServiceCalendar, on_delete=models.CASCADE,
                                 related_name="overrides")
    date = models.DateField(_("date"))
    is_open = models.BooleanField(_("open"))
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        ordering = ["calendar__code", "date"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"],
                                               name="one_override_per_day")]

    def __str__(self) -> str:
        return f"{self.calendar.code} {self.date} {'open' if self.is_open else 'closed'}"
