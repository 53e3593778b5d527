"""Roster coverage a week ahead: holiday rosters take their days from the bank calendar,
uncovered time and people without a verified contact are warned about (API and rosters
page), one person's overlapping shifts are refused, and paging skips an on-call person
who has no verified contact (A1-II-3, A2-RESP-1, C02)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from antei.calendars import selectors as calendar_selectors
from antei.callout import services
from antei.callout.models import Page
from antei.core import services as core_services
from antei.core.actor import Actor
from antei.incidents import services as incident_services
from antei.incidents.models import TimelineEntry
from antei.org.models import ContactPoint
from tests.callout.bank import make_bank
from tests.conftest import PASSWORD, ApiClient

pytestmark = pytest.mark.django_db
JST = ZoneInfo("Asia/Tokyo")


def next_holiday() -> date:
    """The next day the bank is closed (a weekend at the latest), from the calendar."""
    calendar = calendar_selectors.bank_calendar()
    day = datetime.now(tz=JST).date() + timedelta(days=1)
    while calendar.is_business_day(day):
        day += timedelta(days=1)
    return day


def jst(day: date, hour: int) -> str:
    return datetime(day.year, day.month, day.day, hour, tzinfo=JST).isoformat()


def test_a_holiday_roster_warns_about_the_uncovered_afternoon_a_week_ahead(
        admin_actor: Actor, api: ApiClient) -> None:
    """A1-II-3: nights and holidays have a call-up arrangement, and its holes are visible."""
    make_bank(admin_actor)
    assert api.post("/api/v1/rosters", {
        "code": "HOL", "name": "休日当番", "members": [], "coverage": "holidays",
        "starts_on": "2026-01-05"}).status_code == 201
    day = next_holiday()
    r = api.post("/api/v1/rosters/HOL/shifts", {
        "person": "DUTY2", "starts_at": jst(day, 0), "ends_at": jst(day, 12)})
    assert r.status_code == 201, r.content
    coverage = api.get("/api/v1/rosters/HOL/coverage").json()
    gaps = [(datetime.fromisoformat(g["starts_at"]), g["reason"]) for g in coverage["gaps"]]
    assert (datetime.fromisoformat(jst(day, 12)), "nobody") in gaps
    assert datetime.fromisoformat(coverage["until"]) - datetime.fromisoformat(
        coverage["since"]) == timedelta(days=7)


def test_overlapping_shifts_for_one_person_are_refused_naming_the_field(
        admin_actor: Actor, api: ApiClient) -> None:
    make_bank(admin_actor)
    day = next_holiday()
    shift = {"person": "DUTY1", "starts_at": jst(day, 0), "ends_at": jst(day, 12)}
    assert api.post("/api/v1/rosters/OPS-DUTY/shifts", shift).status_code == 201
    r = api.post("/api/v1/rosters/OPS-DUTY/shifts", shift | {"starts_at": jst(day, 11),
                                                              "ends_at": jst(day, 20)})
    assert r.status_code == 422
    [error] = r.json()["errors"]
    assert (error["field"], error["rule"]) == ("starts_at", "shift_overlap")
    assert "DUTY1" in error["message"]
    # Someone else may take over in that time (a hand-off), and nothing half-written stays.
    assert api.post("/api/v1/rosters/OPS-DUTY/shifts", shift | {
        "person": "DUTY2", "starts_at": jst(day, 11), "ends_at": jst(day, 20)}
        ).status_code == 201


def test_a_member_without_verified_contact_is_flagged_and_skipped_when_paging(
        admin_actor: Actor, api: ApiClient, client: Client) -> None:
    """A2-RESP-1: a person with no verified contact blocks their being on call; the next
    member with one is paged instead, and the timeline says so."""
    make_bank(admin_actor)
    ContactPoint.objects.filter(person__code="DUTY1").update(verified_at=None)
    coverage = api.get("/api/v1/rosters/OPS-DUTY/coverage").json()
    assert coverage["members_without_verified_contact"] == ["DUTY1"]
    assert {(g["reason"], g["person"]) for g in coverage["gaps"]} == {("unreachable", "DUTY1")}
    incident = incident_services.open_incident(
        actor=admin_actor, title="勘定系停止", rank=1, systems=["CORE"],
        detected_at=datetime.now(tz=UTC))
    services.page_incident(actor=admin_actor, incident_id=incident.pk)
    assert [p.person.code for p in Page.objects.all()] == ["DUTY2"]
    assert TimelineEntry.objects.filter(incident=incident,
                                        text__contains="確認済みの連絡先がない").exists()
    # The rosters page shows both warnings.
    client.force_login(core_services.create_user(actor=admin_actor, username="ops",
                                                 role="operator", password=PASSWORD))
    html = client.get("/callout/rosters/").content.decode()
    assert "DUTY1さん" in html and "未確認" in html
