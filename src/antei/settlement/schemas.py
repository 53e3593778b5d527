"""API schemas of the settlement desk (C03)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from ninja import Schema
from pydantic import Field


class ItemIn(Schema):
    """One backlog item (the CSV template's columns)."""

    settlement_date: date
    bank_code: str = Field(max_length=4)
    branch_code: str = Field(max_length=3)
    account_number: str = Field(max_length=7)
    recipient_name: str = Field(description="half-width kana (Zengin set)")
    amount: int
    account_type: int = 1
    customer: str = ""
    customer_ref: str = ""
    channel: str | None = None
    department: str | None = None
    branch: str | None = None
    edi: str = ""
    designation: str = ""


class BatchJsonIn(Schema):
    incident_id: int
    items: list[dict[str, Any]]
    kind: str = "21"
    channel: str = "zengin"
    department: str = ""
    source_system: str = ""
    branch: str = ""
    file_name: str = ""


class BatchOut(Schema):
    id: int
    incident_id: int
    format: str
    file_name: str
    kind: str
    department: str
    source_system: str
    item_count: int
    total_amount: int
    content_hash: str
    imported_by: str
    imported_at: datetime
    created: bool = True


class GroupRow(Schema):
    count: int
    total: int
    keys: dict[str, Any]


class SummaryOut(Schema):
    incident_id: int
    group_by: list[str]
    rows: list[GroupRow]
    same_day: dict[str, Any]


class ChannelPlanOut(Schema):
    channel: str
    count: int
    total: int
    same_day_count: int
    items_per_minute: int
    cutoff: datetime | None
    clears_at: datetime | None
    missed_count: int
    missed_total: int
    manual_minutes: float
    manual_minutes_per_item: float
    staff_available: int
    manual_feasible: bool
    minutes_to_cutoff: float


class QueuedOut(Schema):
    id: int
    position: int
    expected_at: datetime
    reasons: list[str]
    amount: int
    settlement_date: date
    channel: str
    customer: str


class PlanOut(Schema):
    incident_id: int
    now: datetime
    business_day: date
    clears_at: datetime | None
    missed_count: int
    channels: list[ChannelPlanOut]
    next: list[QueuedOut]


class ExportIn(Schema):
    incident_id: int
    counterparty: str | None = None
    max_records: int | None = None
    account_padding: str | None = None
    line_breaks: bool | None = None


class ProcessedIn(Schema):
    incident_id: int
    ids: list[int] = []
    batch_id: int | None = None
    status: str = "processed"
    note: str = ""


class ProcessedOut(Schema):
    changed: int
    open: int


class LookupOut(Schema):
    id: int
    settlement_date: date
    bank_code: str
    branch_code: str
    account_number: str
    recipient_name: str
    amount: int
    customer: str
    customer_ref: str
    branch: str
    channel: str
    status: str
    processed_at: datetime | None
    position: int | None
    expected_at: datetime | None
    reasons: list[str]


class SuspensionIn(Schema):
    incident_id: int
    channel: str
    note: str = ""


class SuspensionOut(Schema):
    id: int
    incident_id: int
    channel: str
    suspended_at: datetime
    suspended_by: str
    resumed_at: datetime | None
    resumed_by: str
    note: str


class CapacityIn(Schema):
    incident_id: int
    channel: str
    items_per_minute: int
    opens_at: time
    cutoff_at: time
    manual_minutes_per_item: float
    staff_available: int


class RuleIn(Schema):
    kind: str
    customer: str = ""
    note: str = ""


class RulesIn(Schema):
    incident_id: int
    rules: list[RuleIn]
