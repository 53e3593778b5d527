"""Writers for calendars: channel calendars and date overrides, audited (A2-PERF-SET-5)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction

from antei.calendars import domain
from antei.calendars.models import CalendarOverride, ServiceCalendar
from antei.core import audit, registry
from antei.core.actor import Actor
from antei.core.errors import InvalidInput
from antei.core.roles import Perm
from antei.kernels import bizcal


def create_channel_calendar(
    *, actor: Actor, code: str, name: str, open_weekdays: Sequence[int] = (0, 1, 2, 3, 4, 5, 6),
    open_on_holidays: bool = True, open_year_end: bool = True, name_en: str = "",
    description: str = "",
) -> ServiceCalendar:
    """A channel whose service days differ from the bank's (an ATM open on holidays)."""
    registry.require(actor, Perm.CALENDAR_EDIT)
    registry.reject(domain.check_channel(
        {"code": code, "name": name, "open_weekdays": list(open_weekdays)}))
    with transaction.atomic():
        registry.ensure_unique(ServiceCalendar, "code", code)
        return registry.save_new(
            actor=actor, action="calendar.create",
            instance=ServiceCalendar(code=code, name=name, name_en=name_en, is_bank=False,
                                     open_weekdays=sorted(set(open_weekdays)),
                                     open_on_holidays=open_on_holidays,
                                     open_year_end=open_year_end, description=description))


def set_override(*, actor: Actor, calendar: str, day: date, is_open: bool,
                 reason: str) -> CalendarOverride:
    """Open or close one date in a calendar; replaces an earlier override of that date."""
    registry.require(actor, Perm.CALENDAR_EDIT)
    if not reason.strip():
        raise InvalidInput.one("reason", "required")
    if not bizcal.FIRST_YEAR <= day.year <= bizcal.LAST_YEAR:
        # Same words as the selectors' range check: "at most 200 years" misled here.
        raise InvalidInput.one("date", "calendar_rule",
                               value=f"{day.isoformat()}: national holidays are known only "
                                     f"for {bizcal.FIRST_YEAR}–{bizcal.LAST_YEAR}")
    with transaction.atomic():
        owner = registry.get(ServiceCalendar, "calendar", code=calendar)
        row = CalendarOverride.objects.select_for_update().filter(calendar=owner,
                                                                  date=day).first()
        if row is None:
            return registry.save_new(
                actor=actor, action="calendar.override.create",
                instance=CalendarOverride(calendar=owner, date=day, is_open=is_open,
                                          reason=reason.strip()))
        before = audit.snapshot(row)
        row.is_open, row.reason = is_open, reason.strip()
        return registry.save_changed(actor=actor, instance=row, before=before,
                                     action="calendar.override.update")


def remove_override(*, actor: Actor, calendar: str, day: date) -> None:
    registry.require(actor, Perm.CALENDAR_EDIT)
    with transaction.atomic():
        row = registry.get(CalendarOverride, "override", calendar__code=calendar, date=day)
        registry.delete(actor=actor, instance=row, action="calendar.override.delete")
