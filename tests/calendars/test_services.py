"""Calendar writes: admins only, a reason for every override, every change audited in the
same transaction (A2-PERF-SET-5, A2-SWA-1, C10)."""

from __future__ import annotations

from datetime import date

import pytest

from antei.calendars import services
from antei.calendars.models import CalendarOverride, ServiceCalendar
from antei.core.actor import Actor, Source
from antei.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from antei.core.models import AuditEntry
from antei.core.roles import Role

pytestmark = pytest.mark.django_db

DAY = date(2027, 5, 6)


def _override_entries() -> list[str]:
    return list(AuditEntry.objects.filter(action__startswith="calendar.override")
                .order_by("seq").values_list("action", flat=True))


def test_each_override_write_adds_an_audit_entry(admin_actor):
    services.set_override(actor=admin_actor, calendar="BANK", day=DAY, is_open=False,
                          reason="臨時休業")
    services.set_override(actor=admin_actor, calendar="BANK", day=DAY, is_open=True,
                          reason="休業取りやめ")
    services.remove_override(actor=admin_actor, calendar="BANK", day=DAY)
    assert _override_entries() == ["calendar.override.create", "calendar.override.update",
                                   "calendar.override.delete"]
    update = AuditEntry.objects.get(action="calendar.override.update")
    assert update.actor == admin_actor.username
    assert update.before["is_open"] is False and update.after["is_open"] is True
    assert update.after["reason"] == "休業取りやめ"
    assert not CalendarOverride.objects.exists()


def test_an_override_replaces_the_earlier_one_for_that_date(admin_actor):
    services.set_override(actor=admin_actor, calendar="BANK", day=DAY, is_open=False,
                          reason="一回目")
    row = services.set_override(actor=admin_actor, calendar="BANK", day=DAY, is_open=False,
                                reason="  二回目  ")
    assert CalendarOverride.objects.count() == 1
    assert row.reason == "二回目"  # stripped


@pytest.mark.parametrize("reason", ["", "   "])
def test_set_override_requires_a_reason_and_writes_nothing(admin_actor, reason):
    with pytest.raises(InvalidInput) as caught:
        services.set_override(actor=admin_actor, calendar="BANK", day=DAY, is_open=False,
                              reason=reason)
    assert [e.field for e in caught.value.errors] == ["reason"]
    assert not CalendarOverride.objects.exists() and _override_entries() == []


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMIN])
def test_only_admins_change_calendars(role):
    actor = Actor(username=f"{role}-x", role=role, source=Source.WEB)
    with pytest.raises(PermissionDenied):
        services.set_override(actor=actor, calendar="BANK", day=DAY, is_open=False,
                              reason="臨時休業")
    with pytest.raises(PermissionDenied):
        services.create_channel_calendar(actor=actor, code="ATM", name="ATM")
    assert not CalendarOverride.objects.exists()
    assert not ServiceCalendar.objects.filter(code="ATM").exists()


def test_unknown_calendar_or_override_is_not_found(admin_actor):
    with pytest.raises(NotFound):
        services.set_override(actor=admin_actor, calendar="NOPE", day=DAY, is_open=False,
                              reason="x")
    with pytest.raises(NotFound):
        services.remove_override(actor=admin_actor, calendar="BANK", day=DAY)
    assert _override_entries() == []


def test_a_date_without_known_holidays_is_refused(admin_actor):
    with pytest.raises(InvalidInput) as caught:
        services.set_override(actor=admin_actor, calendar="BANK", day=date(2100, 1, 4),
                              is_open=False, reason="x")
    (error,) = caught.value.errors
    assert error.field == "date" and "2099" in error.message


def test_create_channel_calendar_is_audited_and_checked(admin_actor):
    row = services.create_channel_calendar(actor=admin_actor, code="ATM", name="ATM稼働日",
                                           open_weekdays=[6, 0, 0, 5], open_on_holidays=True,
                                           open_year_end=False)
    assert row.open_weekdays == [0, 5, 6] and not row.is_bank and not row.open_year_end
    assert AuditEntry.objects.filter(action="calendar.create", object_id=str(row.pk)).exists()
    with pytest.raises(Conflict):
        services.create_channel_calendar(actor=admin_actor, code="ATM", name="重複")
    with pytest.raises(InvalidInput) as caught:
        services.create_channel_calendar(actor=admin_actor, code="IB", name="IB",
                                         open_weekdays=[7])
    assert [e.field for e in caught.value.errors] == ["open_weekdays"]
    with pytest.raises(InvalidInput) as caught:
        services.create_channel_calendar(actor=admin_actor, code="bad code!", name="")
    assert {e.field for e in caught.value.errors} == {"code", "name"}
