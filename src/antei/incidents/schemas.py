"""API shapes for the incident desk. Times are ISO 8601 with offsets; stored in UTC."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema
from pydantic import StrictInt


class IncidentIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    rank: StrictInt = Field(..., description="1 (most severe) … n, see GET /ranks")
    systems: list[str] = Field(default_factory=list, description="system codes")
    business_functions: list[str] = Field(default_factory=list)
    detected_at: datetime
    occurred_at: datetime | None = None
    summary: str = ""
    impact_scope: str = ""
    customer_impact: str = ""
    settlement_impact: str = ""
    regulator_profile: str = Field("", description="dora | dora_ci | fsa_style | empty")
    is_external: bool = Field(False, description="a case at another institution (A1-I-13)")
    external_institution: str = ""


class IncidentPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    summary: str | None = None
    impact_scope: str | None = None
    customer_impact: str | None = None
    settlement_impact: str | None = None
    affected_count: StrictInt | None = Field(None, ge=0)
    amount_yen: StrictInt | None = Field(None, ge=0, description="integer yen")
    recovery_eta: datetime | None = None
    occurred_at: datetime | None = None
    classified_at: datetime | None = None
    regulator_profile: str | None = None
    note: str = Field("", description="what happened, for the timeline")


class MilestoneIn(Schema):
    milestone: str = Field(..., description="management_aware | first_instruction")
    at: datetime | None = None
    note: str = ""


class DeadlinesOut(Schema):
    first_report_due: datetime
    management_aware_due: datetime
    next_follow_up_due: datetime | None
    overdue: list[str]


class RegulatorDeadlineOut(Schema):
    stage: str
    due_at: datetime | None
    is_rolled: bool
    waiting_for: str | None
    explanation: str


class IncidentOut(Schema):
    id: int
    number: str
    title: str
    rank: int
    status: str
    is_external: bool
    systems: list[str]
    business_functions: list[str]
    detected_at: datetime
    occurred_at: datetime | None
    first_report_at: datetime | None
    management_aware_at: datetime | None
    first_instruction_at: datetime | None
    mitigated_at: datetime | None
    recovered_at: datetime | None
    closed_at: datetime | None
    first_report_due_at: datetime
    deadlines: DeadlinesOut


class TimelineIn(Schema):
    kind: str = Field(..., description="fact|decision|action|communication|instruction")
    text: str = Field(..., min_length=1)
    at: datetime | None = None


class TimelineOut(Schema):
    at: datetime
    kind: str
    text: str
    author: str
    source: str


class ReportIn(Schema):
    kind: str = Field(..., description="first|follow_up|final|regulator_initial|"
                                       "regulator_intermediate|regulator_final")


class ReportOut(Schema):
    id: int
    kind: str
    seq: int
    issued_at: datetime
    issued_by: str
    distribution: str
    lines: list[dict[str, Any]]
    changed: list[str]
    unknown: list[str]


class TransitionIn(Schema):
    to: str = Field(..., description="open|mitigated|recovered|closed|cancelled")
    reason: str = ""
    at: datetime | None = None


class RoleIn(Schema):
    person: str = Field(..., description="person code")


class RoleOut(Schema):
    role: str
    person: str
    department: str | None


class HQIn(Schema):
    location: str = Field(..., min_length=1, max_length=200)
    members: list[str] = Field(default_factory=list)


class AnalysisIn(Schema):
    injection_phase: str = Field("", description="requirements|design|build|test|release|"
                                                 "operations")
    cause_category: str = Field("", description="hardware|control_software|application|"
                                                "capacity|settings_limits|operations|release|"
                                                "external_connection|vendor|euc")
    direct_cause: str = ""
    root_cause: str = ""
    no_action_reason: str = ""
    horizontal_not_applicable: str = ""


class ActionIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    owner: str
    due_on: date


class HorizontalCheckIn(Schema):
    system: str
    scope: str = Field(..., min_length=1, max_length=200)
    checker: str | None = None


class HorizontalResultIn(Schema):
    result: str = Field(..., description="pending|not_affected|affected_fixed|affected_open")
    notes: str = ""


class IncidentDetailOut(IncidentOut):
    summary: str
    impact_scope: str
    customer_impact: str
    settlement_impact: str
    affected_count: int | None
    amount_yen: int | None
    recovery_eta: datetime | None
    regulator_profile: str
    regulator_deadlines: list[RegulatorDeadlineOut]
    roles: list[RoleOut]
    role_warnings: list[dict[str, Any]]
    timeline: list[TimelineOut]
    reports: list[ReportOut]
    analysis: AnalysisIn | None
    actions: list[dict[str, Any]]
    horizontal_checks: list[dict[str, Any]]


class RankOut(Schema):
    rank: int
    name: str
    definition: str
    first_report_minutes: int
    management_aware_minutes: int
    follow_up_minutes: int
    regulator_reportable: bool


class TargetIn(Schema):
    period: str = Field(..., description="month|quarter|half|year")
    cap: StrictInt = Field(..., ge=0)
    scope: str = Field("overall", description="overall|rank|business_function|system")
    scope_value: str = ""
    measures: str = ""


class TargetStatusOut(Schema):
    period: str
    scope: str
    scope_value: str | None
    cap: int
    actual: int
    remaining: int
    forecast: float
    is_breached: bool
    is_forecast_to_breach: bool
    period_start: datetime
    period_end: datetime


class ClusterAlarmOut(Schema):
    system: str
    count: int
    window_start: datetime
    window_end: datetime


class TargetsStatusOut(Schema):
    targets: list[TargetStatusOut]
    cluster_alarms: list[ClusterAlarmOut]


class CountOut(Schema):
    key: list[str]
    count: int


class RepeatOut(Schema):
    number: str
    previous: str
    system: str
    cause_category: str
    days_apart: float


class AnalyticsOut(Schema):
    incidents: int
    cause_by_phase: list[CountOut]
    cause_by_system: list[CountOut]
    repeats: list[RepeatOut]
