"""API shapes for calendars, business days, rules and special dates."""

from __future__ import annotations

from datetime import date

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
    date: date
    is_open: bool
    reason: str


class BusinessDaysOut(Schema):
    calendar: str
    start: date = Field(..., alias="from")
    end: date = Field(..., alias="to")
    count: int
    dates: list[date]


class NextBusinessDayOut(Schema):
    calendar: str
    date: date
    next_business_day: date
    previous_business_day: date
    is_business_day: bool


class ReasonOut(Schema):
    code: str
    text: str
    catalog: list[str]


class SpecialDateOut(Schema):
    date: date
    reasons: list[ReasonOut]


class RuleEvaluateIn(Schema):
    rule: str = Field(..., min_length=1, max_length=300,
                      examples=["day 25, or previous business day if closed"])
    start: date = Field(..., alias="from")
    end: date = Field(..., alias="to")
    calendar: str = "BANK"


class RuleIssueOut(Schema):
    year: int
    month: int
    code: str
    fires: list[date]


class RuleEvaluateOut(Schema):
    rule: str
    canonical: str
    calendar: str
    count: int
    dates: list[date]
    issues: list[RuleIssueOut]
