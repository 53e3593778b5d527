"""The calendar API as a client meets it: business days across the year-end closure, the
special-date kit (特異日), rule evaluation, overrides (A2-SWA-1, A2-SWC-3, A2-PERF-SET-5,
M-2.8, C10)."""

from __future__ import annotations

from typing import Any

import pytest

from antei.core.models import AuditEntry
from antei.core.roles import Role

pytestmark = pytest.mark.django_db

SALARY = "day 25, or previous business day if closed"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _reasons(body: list[dict]) -> dict[str, set[str]]:
    return {row["date"]: {r["code"] for r in row["reasons"]} for row in body}


def _problem_fields(response) -> list[str]:
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    return [e["field"] for e in response.json()["errors"]]


def test_business_days_skip_the_year_end_closure(api):
    response = api.get("/api/v1/calendar/business-days", **{"from": "2026-12-28",
                                                             "to": "2027-01-06"})
    assert response.status_code == 200
    body = response.json()
    assert body["dates"] == ["2026-12-28", "2026-12-29", "2026-12-30",
                             "2027-01-04", "2027-01-05", "2027-01-06"]
    assert body["count"] == 6 and body["from"] == "2026-12-28" and body["calendar"] == "BANK"


def test_next_business_day(api):
    body = api.get("/api/v1/calendar/next-business-day", date="2026-12-30").json()
    assert body["next_business_day"] == "2027-01-04"
    assert body["previous_business_day"] == "2026-12-29" and body["is_business_day"] is True


def test_special_dates_2028_cover_leap_day_year_end_golden_week_and_volume_days(api):
    response = api.get("/api/v1/calendar/special-dates", **{"from": "2028-01-01",
                                                            "to": "2028-12-31"})
    assert response.status_code == 200
    found = _reasons(response.json())
    assert "leap_day" in found["2028-02-29"]  # A2-SWC-3
    assert "year_end_closure" in found["2028-12-31"]
    assert "leap_year" in found["2028-12-31"]
    assert "jan_2_closed" in found["2028-01-02"]  # A2-PERF-SET-5
    # Golden Week 2028: 1-2 May are business days, so the long run is 3-7 May.
    assert "long_holiday_start" in found["2028-05-03"]
    assert "after_long_holiday" in found["2028-05-08"]
    all_codes = set().union(*found.values())
    assert {"salary_day", "pension_day", "gotoubi", "last_business_day",
            "fiscal_year_end"} <= all_codes


def test_special_dates_are_english_by_default_and_japanese_on_request(api):
    params = {"from": "2028-02-29", "to": "2028-02-29"}
    english = api.get("/api/v1/calendar/special-dates", **params).json()
    assert english[0]["reasons"][0]["text"].startswith("29 February 2028 (leap day)")
    japanese = api.client.get("/api/v1/calendar/special-dates", params,
                              headers={**api.headers, "Accept-Language": "ja"}).json()
    assert japanese[0]["reasons"][0]["text"].startswith("2028年2月29日（閏日）")


def test_special_dates_take_a_systems_rules(api):
    response = api.get("/api/v1/calendar/special-dates", **{
        "from": "2027-01-01", "to": "2027-12-31", "rule": ["day 31", "last business day"]})
    found = _reasons(response.json())
    assert "rule_1" in found["2027-03-31"] and "rule_2" in found["2027-03-31"]
    assert "rule_collision" in found["2027-03-31"]


def test_evaluate_a_rule(api):
    response = api.post("/api/v1/calendar/rules/evaluate",
                        {"rule": SALARY, "from": "2027-01-01", "to": "2027-12-31"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 12 and len(body["dates"]) == 12
    assert "2027-04-23" in body["dates"]  # 25 April 2027 is a Sunday: Friday the 23rd
    assert "2027-04-25" not in body["dates"]
    assert body["issues"] == []


@pytest.mark.parametrize(("payload", "field", "word"), [
    ({"rule": "day 25 fortnightly"}, "rule", "fortnightly"),
    ({"rule": "day 32"}, "rule", "32"),
    ({"from": "2027-02-30"}, "from", None),
    ({"to": "2027-13-01"}, "to", None),
    ({"from": "2027-12-31", "to": "2027-01-01"}, "to", None),
    ({"from": "1850-01-01", "to": "2099-12-31"}, "to", None),  # over 200 years
])
def test_evaluate_refuses_bad_input_naming_the_field(api, payload, field, word):
    body = {"rule": SALARY, "from": "2027-01-01", "to": "2027-12-31", **payload}
    response = api.post("/api/v1/calendar/rules/evaluate", body)
    assert _problem_fields(response) == [field]
    if word:
        assert word in response.json()["errors"][0]["message"]


def test_bad_query_dates_name_the_field(api):
    response = api.get("/api/v1/calendar/business-days", **{"from": "2027-02-30",
                                                             "to": "2027-03-01"})
    assert _problem_fields(response) == ["from"]
    response = api.get("/api/v1/calendar/special-dates", **{
        "from": "2027-01-01", "to": "2027-01-31", "rule": "every other tuesday"})
    assert _problem_fields(response) == ["rule[1]"]


def test_unknown_calendar_is_404(api):
    response = api.get("/api/v1/calendar/business-days", **{
        "from": "2027-01-01", "to": "2027-01-31", "calendar": "NOPE"})
    assert response.status_code == 404
    assert api.get("/api/v1/calendars/NOPE/overrides").status_code == 404
    put = api.put("/api/v1/calendars/NOPE/overrides/2027-01-05",
                  {"is_open": False, "reason": "x"})
    assert put.status_code == 404


def test_admin_sets_and_removes_an_override_and_the_answers_follow(api):
    url = "/api/v1/calendars/BANK/overrides/2027-01-04"
    response = api.put(url, {"is_open": False, "reason": "システム移行"})
    assert response.status_code == 200
    assert response.json() == {"calendar": "BANK", "date": "2027-01-04", "is_open": False,
                               "reason": "システム移行"}
    body = api.get("/api/v1/calendar/next-business-day", date="2026-12-30").json()
    assert body["next_business_day"] == "2027-01-05"
    listed = api.get("/api/v1/calendars/BANK/overrides").json()
    assert [o["date"] for o in listed] == ["2027-01-04"]
    assert api.delete(url).status_code == 204
    body = api.get("/api/v1/calendar/next-business-day", date="2026-12-30").json()
    assert body["next_business_day"] == "2027-01-04"
    assert api.delete(url).status_code == 404
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"calendar.override.create", "calendar.override.delete"} <= actions


def test_an_override_needs_a_reason(api):
    response = api.put("/api/v1/calendars/BANK/overrides/2027-01-04",
                       {"is_open": False, "reason": ""})
    assert _problem_fields(response) == ["reason"]
    assert api.get("/api/v1/calendars/BANK/overrides").json() == []


def test_operators_read_but_may_not_change_calendars(make_api_client, api):
    operator = make_api_client(Role.OPERATOR)
    url = "/api/v1/calendars/BANK/overrides/2027-01-04"
    assert operator.put(url, {"is_open": False, "reason": "x"}).status_code == 403
    api.put(url, {"is_open": False, "reason": "臨時休業"})
    assert operator.delete(url).status_code == 403
    assert operator.post("/api/v1/calendars", {"code": "ATM", "name": "ATM"}).status_code == 403
    assert operator.get("/api/v1/calendars/BANK/overrides").status_code == 200
    assert len(operator.get("/api/v1/calendars/BANK/overrides").json()) == 1


def test_create_a_channel_calendar(api):
    response = api.post("/api/v1/calendars", {"code": "ATM", "name": "ATM稼働日",
                                              "open_on_holidays": True})
    assert response.status_code == 201
    assert response.json()["open_weekdays"] == [0, 1, 2, 3, 4, 5, 6]
    codes = [c["code"] for c in api.get("/api/v1/calendars").json()]
    assert codes == ["BANK", "ATM"]
    assert api.post("/api/v1/calendars", {"code": "ATM", "name": "x"}).status_code == 409
    found = _reasons(api.get("/api/v1/calendar/special-dates",
                             **{"from": "2027-01-01", "to": "2027-01-31"}).json())
    assert "calendar_disagreement" in found["2027-01-11"]


def test_next_business_day_past_the_known_years_is_422_not_500(api):
    """31 Dec 2099 has no next business day the engine knows (holidays end in 2099)."""
    response = api.get("/api/v1/calendar/next-business-day", date="2099-12-31")
    assert _problem_fields(response) == ["date"]
    assert "2099" in response.json()["errors"][0]["message"]


def test_a_channel_open_on_no_weekday_is_refused(api):
    response = api.post("/api/v1/calendars", {"code": "NEVER", "name": "x",
                                              "open_weekdays": []})
    assert _problem_fields(response) == ["open_weekdays"]
