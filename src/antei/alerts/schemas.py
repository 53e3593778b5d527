"""API shapes of the alerts app."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from ninja import Field, Schema


class IntegrationIn(Schema):
    kind: str
    name: str
    systems: list[str] = []
    label_mapping: dict[str, Any] | None = None
    group_by: list[str] | None = None
    rate_per_second: float | None = None
    burst: int | None = None
    hmac_header: str | None = None
    hmac_secret: str | None = None
    auto_incident_severity: str | None = None
    auto_incident_outside_hours_severity: str | None = None
    storm_threshold: int | None = None


class IntegrationOut(Schema):
    id: int
    kind: str
    name: str
    systems: list[str]
    label_mapping: dict[str, Any]
    key_prefix: str
    rate_per_second: float
    burst: int
    enabled: bool
    intake_url: str


class IntegrationKeyOut(IntegrationOut):
    key: str = Field(description="The secret key: shown this once, only its hash is kept.")


class AlertOut(Schema):
    id: int
    integration: str
    fingerprint: str
    status: str
    severity: str
    summary: str
    labels: dict[str, str]
    annotations: dict[str, Any]
    system: str | None
    starts_at: datetime
    ends_at: datetime | None
    first_seen: datetime
    last_seen: datetime
    count: int
    occurrence: int
    group: int | None
    silenced: bool
    generator_url: str


class GroupOut(Schema):
    id: int
    integration: str
    status: str
    labels: dict[str, str]
    system: str | None
    severity: str
    incident: int | None
    alert_count: int
    firing: int
    first_seen: datetime
    last_seen: datetime


class PromoteIn(Schema):
    rank: int = 3
    system: str | None = None


class MatcherIn(Schema):
    label: str
    op: str = "="
    value: str = ""


class SilenceIn(Schema):
    matchers: list[MatcherIn]
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    comment: str = ""
    weekdays: list[int] = []
    window_start: time | None = None
    window_end: time | None = None


class SilenceOut(Schema):
    id: int
    matchers: list[dict[str, str]]
    starts_at: datetime
    ends_at: datetime | None
    weekdays: list[int]
    window_start: time | None
    window_end: time | None
    comment: str
    created_by: str
    expired_at: datetime | None
    is_active: bool


class CoverageOut(Schema):
    system: str
    system_name: str
    tier: str
    component: str
    environment: str
    reason: str
