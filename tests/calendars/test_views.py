"""The calendar screens as staff meet them: a Japanese month grid with holidays, channel
calendars and special dates; admins open and close dates through a form, others cannot;
CSV for Excel (A2-PERF-SET-5, A2-SWA-1, A2-SWC-3, M-2.8, C10)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from antei.calendars import services
from antei.calendars.models import CalendarOverride, ServiceCalendar
from antei.core import services as core_services
from antei.core.actor import Actor
from antei.core.models import AuditEntry
from antei.core.roles import Role
from tests import factories
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

MONTH = reverse("calendar-month")
HX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def login(client: Client, admin_actor: Actor) -> Callable[..., Client]:
    """login(role) -> the test client, logged in as a new user of that role."""
    counter = {"n": 0}

    def as_role(role: Role | str = Role.ADMIN) -> Client:
        counter["n"] += 1
        vendor_id = factories.vendor().pk if role == Role.VENDOR else None
        user = core_services.create_user(actor=admin_actor, username=f"{role}-cal-{counter['n']}",
                                         role=str(role), password=PASSWORD, vendor_id=vendor_id)
        client.force_login(user)
        return client

    return as_role


def day_cell(body: str, day: str) -> str:
    """The <td> of one day in the month grid."""
    match = re.search(rf'<td data-date="{day}" class="([^"]*)"[^>]*>(.*?)</td>', body, re.S)
    assert match, f"no cell for {day}"
    return match.group(1) + " | " + match.group(2)


def month(client: Client, year: int, mon: int, **extra: str) -> str:
    response = client.get(MONTH, {"year": year, "month": mon, **extra})
    assert response.status_code == 200
    return response.content.decode()


def test_month_renders_in_japanese_by_default_then_english(login):
    client = login(Role.AUDITOR)
    body = month(client, 2027, 1)
    assert "2027年1月" in body and "元日" in body and "成人の日" in body
    assert "<th scope=\"col\" class=\"wd-6\">日</th>" in body  # Sunday first
    jan_2 = day_cell(body, "2027-01-02")
    assert "closed" in jan_2.split(" | ")[0] and "年末年始休業" in jan_2
    assert "休業" in jan_2
    assert "open" in day_cell(body, "2027-01-04").split(" | ")[0]
    assert client.post("/i18n/language", {"language": "en", "next": MONTH}).status_code == 302
    body = month(client, 2027, 1)
    assert "January 2027" in body and "New Year&#x27;s Day" in body
    assert "Year-end closure" in day_cell(body, "2027-01-02")
    assert "Coming of Age Day" in body


def test_month_shows_special_dates_and_channel_calendars(login, admin_actor):
    services.create_channel_calendar(actor=admin_actor, code="ATM", name="ATM稼働日")
    services.create_channel_calendar(actor=admin_actor, code="IB", name="IB")
    client = login(Role.OPERATOR)
    body = month(client, 2028, 2)
    leap = day_cell(body, "2028-02-29")
    assert 'data-code="leap_day"' in leap and "閏日" in leap
    assert "2028年2月29日（閏日）：日付処理・自動起動の確認（A2-SWC-3）" in body
    # National Foundation Day: the bank is closed, the ATMs run, and the kit says so.
    holiday = day_cell(body, "2028-02-11")
    assert "建国記念の日" in holiday
    assert re.search(r'is-closed"><span class="cal">BANK</span>', holiday)
    assert re.search(r'is-open"><span class="cal">ATM</span>', holiday)
    # ATM and IB both disagree: one tag in the cell, both sentences in its title and below.
    assert holiday.count('data-code="calendar_disagreement"') == 1
    assert "銀行休業・ATM稼働" in body and "銀行休業・IB稼働" in body


def test_htmx_navigation_swaps_only_the_month(login):
    client = login(Role.EXECUTIVE)
    response = client.get(MONTH, {"year": 2027, "month": 5}, headers=HX)
    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith('<div id="calendar-month"')
    assert "<html" not in body and "憲法記念日" in body
    assert "<title>" in body  # htmx sets the document title from it
    assert 'hx-get="/calendar/?year=2027&amp;month=4&amp;calendar=BANK"' in body
    assert 'hx-get="/calendar/?year=2027&amp;month=6&amp;calendar=BANK"' in body
    assert "HX-Request" in response["Vary"]
    full = client.get(MONTH, {"year": 2027, "month": 5}).content.decode()
    assert "<html" in full


def test_admin_closes_a_date_through_the_form_and_the_grid_shows_it(login):
    client = login(Role.ADMIN)
    body = month(client, 2027, 1)
    assert 'action="/calendar/overrides"' in body
    assert "open" in day_cell(body, "2027-01-05").split(" | ")[0]
    response = client.post(reverse("calendar-override"), {
        "date": "2027-01-05", "calendar": "BANK", "state": "closed",
        "reason": "勘定系システム移行", "view": "BANK"})
    assert response.status_code == 302
    assert response["Location"] == "/calendar/?year=2027&month=1&calendar=BANK"
    body = month(client, 2027, 1)
    cell = day_cell(body, "2027-01-05")
    assert "closed" in cell.split(" | ")[0] and "勘定系システム移行" in cell
    assert AuditEntry.objects.filter(action="calendar.override.create").count() == 1
    # And removing it opens the day again.
    response = client.post(reverse("calendar-override-remove"), {
        "date": "2027-01-05", "calendar": "BANK", "view": "BANK"})
    assert response.status_code == 302
    assert "open" in day_cell(month(client, 2027, 1), "2027-01-05").split(" | ")[0]
    assert AuditEntry.objects.filter(action="calendar.override.delete").count() == 1


def test_admin_opens_a_saturday(login):
    client = login(Role.ADMIN)
    client.post(reverse("calendar-override"), {
        "date": "2027-01-09", "calendar": "BANK", "state": "open", "reason": "土曜営業",
        "view": "BANK"})
    cell = day_cell(month(client, 2027, 1), "2027-01-09")
    assert "open" in cell.split(" | ")[0] and "土曜営業" in cell


def test_an_override_without_a_reason_is_refused_and_nothing_is_written(login):
    client = login(Role.ADMIN)
    response = client.post(reverse("calendar-override"), {
        "date": "2027-01-05", "calendar": "BANK", "state": "closed", "reason": "  ",
        "view": "BANK"})
    assert response.status_code == 422
    body = response.content.decode()
    assert re.search(r'<ul class="errorlist" id="id_overrideform_reason_error"><li>.+</li>', body)
    assert "2027年1月" in body  # back on the month of the date
    assert not CalendarOverride.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="calendar.override").exists()


def test_an_override_without_a_date_is_refused(login):
    client = login(Role.ADMIN)
    response = client.post(reverse("calendar-override"), {
        "calendar": "BANK", "state": "closed", "reason": "x"})
    assert response.status_code == 422 and not CalendarOverride.objects.exists()


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.OPERATOR, Role.VENDOR])
def test_non_admins_see_no_override_form_and_may_not_post(login, admin_actor, role):
    services.set_override(actor=admin_actor, calendar="BANK", day=date(2027, 1, 5),
                          is_open=False, reason="臨時休業")
    client = login(role)
    body = month(client, 2027, 1)
    assert 'action="/calendar/overrides"' not in body
    assert 'action="/calendar/overrides/remove"' not in body
    assert "臨時休業" in body  # they still see the override
    response = client.post(reverse("calendar-override"), {
        "date": "2027-01-06", "calendar": "BANK", "state": "closed", "reason": "x"})
    assert response.status_code == 403
    response = client.post(reverse("calendar-override-remove"), {
        "date": "2027-01-05", "calendar": "BANK"})
    assert response.status_code == 403
    assert CalendarOverride.objects.count() == 1
    assert client.post(reverse("calendar-create"), {"code": "ATM", "name": "x"}).status_code == 403
    assert not ServiceCalendar.objects.filter(code="ATM").exists()


def test_overrides_are_post_only_and_need_csrf(admin_actor):
    client = Client(enforce_csrf_checks=True)
    user = core_services.create_user(actor=admin_actor, username="csrf-admin", role="admin",
                                     password=PASSWORD)
    client.force_login(user)
    assert client.get(reverse("calendar-override")).status_code == 405
    response = client.post(reverse("calendar-override"), {
        "date": "2027-01-05", "calendar": "BANK", "state": "closed", "reason": "x"})
    assert response.status_code == 403 and not CalendarOverride.objects.exists()


def test_logged_out_users_are_sent_to_login(client):
    for name in ("calendar-month", "calendar-year", "calendar-list", "calendar-special-dates"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_unknown_calendar_is_404(login):
    client = login(Role.ADMIN)
    assert client.get(MONTH, {"calendar": "NOPE"}).status_code == 404
    assert client.get(reverse("calendar-special-dates"), {"calendar": "NOPE"}).status_code == 404


def test_junk_year_and_month_fall_back_to_a_real_month(login):
    client = login(Role.ADMIN)
    assert client.get(MONTH, {"year": "abc", "month": "13"}).status_code == 200
    assert "2099年12月" in month(client, 3000, 12)


def test_year_view_marks_closed_and_special_days(login, admin_actor):
    services.set_override(actor=admin_actor, calendar="BANK", day=date(2028, 3, 15),
                          is_open=False, reason="システム更改")
    client = login(Role.RISK)
    response = client.get(reverse("calendar-year"), {"year": 2028})
    body = response.content.decode()
    assert response.status_code == 200 and "2028年" in body
    assert re.search(r'data-date="2028-02-29" class="[^"]*\bspecial\b[^"]*" title="[^"]+"', body)
    assert 'data-date="2028-02-28" class="wd-0">' in body  # an ordinary Monday
    assert re.search(r'data-date="2028-01-01" class="[^"]*\bclosed holiday\b', body)
    assert re.search(r'data-date="2028-03-15" class="[^"]*\bclosed\b[^"]*\boverride\b', body)
    assert body.count('class="card"') == 12
    partial = client.get(reverse("calendar-year"), {"year": 2029}, headers=HX).content.decode()
    assert partial.lstrip().startswith('<div id="calendar-year"')


def test_calendar_list_and_create(login):
    client = login(Role.ADMIN)
    body = client.get(reverse("calendar-list")).content.decode()
    assert "銀行休業日カレンダー" in body and 'action="/calendar/calendars/new"' in body
    response = client.post(reverse("calendar-create"), {
        "code": "ATM", "name": "ATM稼働日", "open_weekdays": ["0", "1", "2", "3", "4", "5"],
        "open_on_holidays": "on"})
    assert response.status_code == 302 and response["Location"] == "/calendar/calendars/"
    atm = ServiceCalendar.objects.get(code="ATM")
    assert atm.open_weekdays == [0, 1, 2, 3, 4, 5]
    assert atm.open_on_holidays and not atm.open_year_end
    assert AuditEntry.objects.filter(action="calendar.create").exists()
    body = client.get(reverse("calendar-list")).content.decode()
    assert "ATM稼働日" in body and "月・火・水・木・金・土" in body
    # A duplicate code is refused next to the field, and nothing more is written.
    response = client.post(reverse("calendar-create"), {"code": "ATM", "name": "重複",
                                                        "open_weekdays": ["6"]})
    assert response.status_code == 422
    assert re.search(r'id="id_channelcalendarform_code_error"><li>[^<]*ATM',
                     response.content.decode())
    assert ServiceCalendar.objects.count() == 2
    # All weekdays unticked: a calendar that never opens is refused.
    response = client.post(reverse("calendar-create"), {"code": "IB", "name": "IB"})
    assert response.status_code == 422
    assert 'id="id_channelcalendarform_open_weekdays_error"' in response.content.decode()
    assert not ServiceCalendar.objects.filter(code="IB").exists()


def test_auditor_sees_calendars_without_the_create_form(login):
    body = login(Role.AUDITOR).get(reverse("calendar-list")).content.decode()
    assert "銀行休業日カレンダー" in body and "/calendar/calendars/new" not in body


def test_special_dates_page_and_rule_errors(login):
    client = login(Role.BUSINESS)
    url = reverse("calendar-special-dates")
    response = client.get(url, {"from": "2028-01-01", "to": "2028-12-31",
                                "rule": ["last business day", ""]})
    body = response.content.decode()
    assert response.status_code == 200
    assert "2028-02-29" in body and "leap_day" in body
    assert "last business day" in body  # the rule's label in the table
    response = client.get(url, {"from": "2027-02-30", "to": "2027-12-31",
                                "rule": ["day 25 fortnightly"]})
    assert response.status_code == 422
    body = response.content.decode()
    from_error = re.search(r'name="from"[^>]*aria-invalid="true">\s*<span class="error">(.*?)<',
                           body)
    assert from_error and "2027-02-30" in from_error.group(1)  # the impossible date is named
    errors = re.search(r'id="rule-1-error">(.*?)</ul>', body, re.S)
    assert errors and "fortnightly" in errors.group(1)


def test_special_dates_csv_has_a_bom_and_the_leap_day(login):
    client = login(Role.AUDITOR)
    response = client.get(reverse("calendar-special-dates"), {
        "from": "2027-01-01", "to": "2028-12-31", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="special-dates-2027-01-01_2028-12-31.csv"')
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["date", "code", "text", "catalog"]
    leap = [r for r in rows if r[1] == "leap_day"]
    assert leap and leap[0][0] == "2028-02-29" and leap[0][3] == "A2-SWC-3"
    assert leap[0][2].startswith("2028年2月29日（閏日）")


def test_calendar_days_csv(login, admin_actor):
    services.create_channel_calendar(actor=admin_actor, code="ATM", name="ATM")
    services.set_override(actor=admin_actor, calendar="ATM", day=date(2027, 1, 1),
                          is_open=False, reason="元日停止")
    client = login(Role.AUDITOR)
    response = client.get(reverse("calendar-days-csv"), {"year": 2027, "month": 1})
    assert response["Content-Disposition"] == 'attachment; filename="calendar-2027-01.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["date", "weekday", "holiday", "BANK", "ATM", "overrides"]
    assert len(rows) == 32
    assert rows[1] == ["2027-01-01", "金", "元日", "closed", "closed", "ATM: 元日停止"]
    assert rows[2][:5] == ["2027-01-02", "土", "年末年始休業", "closed", "open"]


def test_month_page_queries_do_not_grow_with_overrides(login, admin_actor):
    """A month with 60 overrides costs the same queries as one with none (a few per
    calendar); templates get plain values, never lazy rows."""
    for code in ("ATM", "IB", "CARD"):
        services.create_channel_calendar(actor=admin_actor, code=code, name=code)
    client = login(Role.ADMIN)
    month(client, 2027, 3)  # warm the session and the engine cache
    with CaptureQueriesContext(connection) as empty:
        month(client, 2027, 3)
    for day in range(1, 31):
        for code in ("BANK", "ATM"):
            services.set_override(actor=admin_actor, calendar=code, day=date(2027, 3, day),
                                  is_open=day % 2 == 0, reason=f"r{day}")
    with CaptureQueriesContext(connection) as busy:
        body = month(client, 2027, 3)
    assert body.count('<p class="ovr"') == 60
    assert len(busy.captured_queries) == len(empty.captured_queries) <= 30


def test_calendar_is_in_the_navigation(login):
    body = login(Role.VENDOR).get(reverse("home")).content.decode()
    assert 'href="/calendar/"' in body and "カレンダー" in body
