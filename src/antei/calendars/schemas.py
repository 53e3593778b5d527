"""API shapes for calendars, business days, rules and special dates."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class CalendarOut(Schema):
    code: str
    name: str
    name_en: str
    is_bank: bool
    open_weekdays: list[int]
    open_on_holidays: bool
    open_year_end: bool
    description: str


class ChannelCalendarIn(Schema):
    code: str = Field(..., min_length=1, max_length=32)
    name: str = Field(..., min_length=1, max_length=100)
    name_en: str = Field("", max_length=100)
    open_weekdays: list[int] = Field(default_factory=lambda: [0, 1, 2, 3, 4, 5, 6],
                                     description="0 = Monday … 6 = Sunday")
    open_on_holidays: bool = True
    open_year_end: bool = True
    description: str = ""


class OverrideIn(Schema):
    is_open: bool
    reason: str = Field(..., min_length=1, max_length=200)


class OverrideOut(Schema):
    calendar: str
    date: dt.date
    is_open: bool
    reason: str


class BusinessDaysOut(Schema):
    calendar: str
    start: dt.date = Field(..., alias="from")
    end: dt.date = Field(..., alias="to")
    count: int
    dates: list[dt.date]


class NextBusinessDayOut(Schema):
    calendar: str
    date: dt.date
    next_business_day: dt.date
    previous_business_day: dt.date
    is_business_day: bool


class ReasonOut(Schema):
    code: str
    text: str
    catalog: list[str]


class SpecialDateOut(Schema):
    date: dt.date
    reasons: list[ReasonOut]


class RuleEvaluateIn(Schema):
    rule: str = Field(..., min_length=1, max_length=300,
                      examples=["day 25, or previous business day if closed"])
    start: dt.date = Field(..., alias="from")
    end: dt.date = Field(..., alias="to")
    calendar: str = "BANK"


class RuleIssueOut(Schema):
    year: int
    month: int
    code: str
    fires: list[dt.date]


class RuleEvaluateOut(Schema):
    rule: str
    canonical: str
    calendar: str
    count: int
    dates: list[dt.date]
    issues: list[RuleIssueOut]
