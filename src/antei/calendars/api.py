"""REST endpoints: business days, special dates (特異日), rule evaluation, overrides.

Catalog: A2-SWA-1, A2-SWC-3, A2-PERF-SET-5, A1-I-26, M-2.8, C10.
"""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Query, Router, Status

from antei.calendars import selectors, services
from antei.calendars.schemas import (
    BusinessDaysOut,
    CalendarOut,
    ChannelCalendarIn,
    NextBusinessDayOut,
    OverrideIn,
    OverrideOut,
    RuleEvaluateIn,
    RuleEvaluateOut,
    SpecialDateOut,
)
from antei.core.api import PROBLEM_RESPONSES, actor, require
from antei.core.roles import Perm

router = Router(tags=["calendar"])
VIEW, EDIT = require(Perm.CALENDAR_VIEW), require(Perm.CALENDAR_EDIT)


def _responses(ok: int, schema: object) -> dict[int, object]:
    return {ok: schema, **PROBLEM_RESPONSES}


@router.get("/calendar/business-days", auth=VIEW, by_alias=True,
            response=_responses(200, BusinessDaysOut))
def business_days(request: HttpRequest, start: date = Query(..., alias="from"),
                  end: date = Query(..., alias="to"), calendar: str = "BANK") -> object:
    days = selectors.business_days(calendar, start, end)
    return {"calendar": calendar, "from": start, "to": end, "count": len(days), "dates": days}


@router.get("/calendar/next-business-day", auth=VIEW,
            response=_responses(200, NextBusinessDayOut))
def next_business_day(request: HttpRequest, day: date = Query(..., alias="date"),
                      calendar: str = "BANK") -> object:
    return selectors.around(calendar, day)


@router.get("/calendar/special-dates", auth=VIEW,
            response=_responses(200, list[SpecialDateOut]))
def special_dates(request: HttpRequest, start: date = Query(..., alias="from"),
                  end: date = Query(..., alias="to"), rule: list[str] = Query([]),
                  calendar: str = "BANK") -> object:
    """Every date a test plan should cover, with reasons (code, text in the request's
    language via Accept-Language, catalog IDs)."""
    return selectors.special_dates(calendar, start, end, rules=rule)


@router.post("/calendar/rules/evaluate", auth=VIEW, response=_responses(200, RuleEvaluateOut))
def evaluate_rule(request: HttpRequest, payload: RuleEvaluateIn) -> object:
    return selectors.evaluate_rule(payload.rule, payload.calendar, payload.start, payload.end)


@router.get("/calendars", auth=VIEW, response=_responses(200, list[CalendarOut]))
def list_calendars(request: HttpRequest) -> object:
    return list(selectors.list_calendars())


@router.post("/calendars", auth=EDIT, response=_responses(201, CalendarOut))
def create_calendar(request: HttpRequest, payload: ChannelCalendarIn) -> Status[object]:
    return Status(201, services.create_channel_calendar(actor=actor(request), **payload.dict()))


@router.get("/calendars/{code}/overrides", auth=VIEW, response=_responses(200, list[OverrideOut]))
def list_overrides(request: HttpRequest, code: str) -> object:
    selectors.get_calendar_row(code)
    return [OverrideOut(calendar=code, date=o.date, is_open=o.is_open, reason=o.reason)
            for o in selectors.list_overrides(code)]


@router.put("/calendars/{code}/overrides/{day}", auth=EDIT, response=_responses(200, OverrideOut))
def set_override(request: HttpRequest, code: str, day: date, payload: OverrideIn) -> object:
    row = services.set_override(actor=actor(request), calendar=code, day=day,
                                is_open=payload.is_open, reason=payload.reason)
    return OverrideOut(calendar=code, date=row.date, is_open=row.is_open, reason=row.reason)


@router.delete("/calendars/{code}/overrides/{day}", auth=EDIT, response=_responses(204, None))
def remove_override(request: HttpRequest, code: str, day: date) -> Status[None]:
    services.remove_override(actor=actor(request), calendar=code, day=day)
    return Status(204, None)
