"""API shapes of the limits registry (C07, C08)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ninja import Field, Schema


class LimitIn(Schema):
    system: str
    component: str | None = None
    kind: str
    name: str
    value: float
    unit: str = ""
    warning: float
    critical: float
    layer: str = "application"
    overflow: str = "stop"
    margin_percent: float = 20.0
    has_production_equivalent_test: bool = False
    owner_person: str | None = None
    owner_department: str | None = None
    review_interval_days: int | None = None
    last_reviewed_on: date | None = None
    housekeeping_interval_days: int | None = None
    next_housekeeping_on: date | None = None
    promql: str = ""
    measurement_interval_seconds: int = 86400
    description: str = ""


class LimitPatch(Schema):
    component: str | None = None
    kind: str | None = None
    name: str | None = None
    value: float | None = None
    unit: str | None = None
    warning: float | None = None
    critical: float | None = None
    layer: str | None = None
    overflow: str | None = None
    margin_percent: float | None = None
    has_production_equivalent_test: bool | None = None
    owner_person: str | None = None
    owner_department: str | None = None
    review_interval_days: int | None = None
    last_reviewed_on: date | None = None
    housekeeping_interval_days: int | None = None
    next_housekeeping_on: date | None = None
    promql: str | None = None
    measurement_interval_seconds: int | None = None
    description: str | None = None


class LimitOut(Schema):
    id: int
    system: str
    component: str | None
    environment: str | None
    kind: str
    layer: str
    name: str
    value: float
    unit: str
    overflow: str
    warning: float
    critical: float
    margin_percent: float
    has_production_equivalent_test: bool
    owner_person: str | None
    owner_department: str | None
    review_interval_days: int | None
    last_reviewed_on: date | None
    housekeeping_interval_days: int | None
    next_housekeeping_on: date | None
    promql: str
    measurement_interval_seconds: int
    upstream: list[int]
    downstream: list[int]


class WarningOut(Schema):
    code: str
    message: str
    params: dict[str, Any]


class BacktestOut(Schema):
    """The forecaster's accuracy on this limit's own history: at each past cutoff (every
    28 days over the last year) it forecast from the days before and is compared with
    what happened (A1-I-9)."""

    points: int = Field(..., description="cutoffs scored")
    breaches: int = Field(..., description="cutoffs after which the limit was reached")
    median_abs_error_days: float | None = Field(
        ..., description="median error of the predicted breach date, days (null: no breach)")
    missed: int = Field(..., description="breaches the forecast did not predict")
    false_alarms: int = Field(..., description="breaches predicted that did not happen")
    coverage: float | None = Field(..., description="share of breaches inside the interval")
    explanation: str


class ForecastOut(Schema):
    """``breach_at`` is null when no breach is expected within the horizon (180 days)."""

    id: int
    system: str
    component: str | None
    name: str
    kind: str
    value: float
    unit: str
    latest: float | None
    latest_on: str | None
    usage_percent: float | None
    breach_at: str | None
    interval: list[str | None]
    days_to_breach: int | None
    warnings: list[WarningOut]
    explanation: str
    backtest: BacktestOut | None = Field(
        None, description="accuracy on this limit's history; null when too little history")


class MeasurementIn(Schema):
    """Both fields are checked by the service, so a bad row is reported with its number."""

    at: Any = None
    value: Any = None


class MeasurementsOut(Schema):
    written: int


class LinkIn(Schema):
    downstream: int


class LinkOut(Schema):
    upstream: int
    downstream: int


class WhatIfIn(Schema):
    factor: float
    from_: date = Field(..., alias="from")
    systems: list[str] | None = None


class WhatIfLimitOut(Schema):
    id: int
    system: str
    name: str
    where: str
    kind: str
    breach_at_before: str | None
    breach_at: str | None
    interval: list[str | None]
    days_to_breach: int | None


class BottleneckOut(Schema):
    id: int
    name: str
    where: str
    breach_at: str


class ChainLinkOut(Schema):
    id: int
    name: str
    where: str


class ChainOut(Schema):
    links: list[ChainLinkOut]
    bottleneck_before: BottleneckOut | None
    bottleneck_after: BottleneckOut | None
    moved: bool


class WhatIfOut(Schema):
    factor: float
    from_: str = Field(..., alias="from")
    as_of: str
    limits: list[WhatIfLimitOut]
    chains: list[ChainOut]


class BatchRunIn(Schema):
    job: Any = None
    started_at: Any = None
    ended_at: Any = None
    records: Any = None


class ResponseTimeIn(Schema):
    at: Any = None
    p50_ms: Any = None
    p95_ms: Any = None
    p99_ms: Any = None
