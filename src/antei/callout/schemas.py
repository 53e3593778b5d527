"""API shapes for call-out. Times are ISO 8601 with offsets; stored in UTC."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema
from pydantic import StrictInt


class StepIn(Schema):
    kind: str = Field(..., description="person | roster | distribution (management)")
    wait_minutes: StrictInt = Field(..., description="wait for an acknowledgement (> 0)")
    repeats: StrictInt = Field(0, description="page the step again this many times (≥ 0)")
    people: list[str] = Field(default_factory=list, description="person codes, call order")
    roster: str | None = Field(None, description="roster code (kind roster)")
    next_step: StrictInt | None = Field(None, description="jump forward to this step (0-based)")


class PolicyIn(Schema):
    code: str
    name: str
    rank: StrictInt | None = Field(None, description="incidents of this rank use the policy")
    system: str | None = Field(None, description="only for incidents on this system")
    description: str = ""
    steps: list[StepIn]


class StepOut(StepIn):
    position: int


class PolicyOut(Schema):
    id: int
    code: str
    name: str
    rank: int | None
    system: str | None
    description: str
    steps: list[StepOut]


class RosterIn(Schema):
    code: str
    name: str
    members: list[str] = Field(..., description="person codes in turn order")
    rotation_days: StrictInt = 7
    starts_on: date
    handover_hour: StrictInt = Field(9, description="hour of the handover, Asia/Tokyo")
    coverage: str = Field("always", description="always | nights | holidays | off_hours "
                          "(nights and holidays from the bank's business calendar)")
    night_start_hour: StrictInt = Field(18, description="nights start at this hour, JST")


class RosterOut(Schema):
    id: int
    code: str
    name: str
    members: list[str]
    rotation_days: int
    starts_on: date
    handover_hour: int
    coverage: str
    night_start_hour: int
    on_call: str | None


class ShiftIn(Schema):
    person: str = Field(..., description="person code")
    starts_at: datetime
    ends_at: datetime


class ShiftOut(ShiftIn):
    id: int
    roster: str


class GapOut(Schema):
    starts_at: datetime
    ends_at: datetime
    reason: str = Field(..., description="nobody (no one on call) | unreachable (the person "
                        "on call is inactive or has no verified contact point)")
    person: str | None
    person_name: str


class CoverageOut(Schema):
    roster: str
    coverage: str
    since: datetime
    until: datetime = Field(..., description="a week ahead")
    members_without_verified_contact: list[str] = Field(
        ..., description="not on call until a contact is verified (A2-RESP-1)")
    gaps: list[GapOut]


class PageIn(Schema):
    policy: str | None = Field(None, description="policy code; default: by rank and system")


class RunOut(Schema):
    id: int
    incident: int
    policy: str
    state: str
    step: int
    next_at: datetime
    pages: int


class DeliveryOut(Schema):
    channel: str
    address: str
    ok: bool
    detail: str
    provider_id: str
    at: datetime


class PageOut(Schema):
    id: int
    recipient: str
    recipient_name: str
    step: int
    round: int
    channel: str
    status: str = Field(..., description="pending | sent | failed | acknowledged | escalated")
    sent_at: datetime | None
    acknowledged_at: datetime | None
    acknowledged_via: str
    deliveries: list[DeliveryOut]


class VerifyIn(Schema):
    window_minutes: StrictInt = Field(60, description="the test must be acknowledged within")


class VerificationOut(Schema):
    id: int
    contact_point: int
    status: str = Field(..., description="pending | sent | failed | confirmed | expired")
    sent_at: datetime
    expires_at: datetime


class ContactStatusOut(Schema):
    id: int
    kind: str
    address: str
    verified_at: datetime | None
    last_result: str | None
    last_sent_at: datetime | None
    is_failing: bool


class PersonStatusOut(Schema):
    person: str
    name: str
    has_verified_contact: bool
    contacts: list[ContactStatusOut]


class VerificationStatusOut(Schema):
    people: list[PersonStatusOut]
    unverified_people: list[str] = Field(..., description="no verified contact point: flagged")
    failing_contacts: list[int] = Field(..., description="last test failed or expired")


class WarningOut(Schema):
    code: str = Field(..., description="first_report_not_paged")
    message_ja: str
    message_en: str


class CalloutRunOut(Schema):
    id: int
    policy: str
    trigger: str = Field(..., description="opened | manual | first_report")
    state: str
    step: int
    next_at: datetime | None


class CalloutStatusOut(Schema):
    incident: int
    runs: list[CalloutRunOut]
    acknowledged: list[str] = Field(..., description="names of who acknowledged")
    not_acknowledged: list[str] = Field(..., description="names paged who have NOT")
    warnings: list[WarningOut] = Field(..., description="e.g. the 第1報 was not paged: "
                                       "the rank's policy has no management distribution step")
