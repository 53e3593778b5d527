"""REST endpoints of the limits registry: limits, measurements (bulk), forecasts, what-if
and chain links (C07, C08, M-2.2, M-2.3, A2-SWA-8, A2-PERF-CAP-5, A2-PERF-SET-2/3/6/7).

Bad measurement rows: the whole request is refused (422) and every bad row is listed as
``rows[N].field`` with its rule; see antei.capacity.services.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from antei.capacity import forecasting, selectors, services
from antei.capacity.models import Limit
from antei.capacity.schemas import (
    BatchRunIn,
    ForecastOut,
    LimitIn,
    LimitOut,
    LimitPatch,
    LinkIn,
    LinkOut,
    MeasurementIn,
    MeasurementsOut,
    ResponseTimeIn,
    WhatIfIn,
    WhatIfOut,
)
from antei.core.api import PROBLEM_RESPONSES, actor, require
from antei.core.roles import Perm

router = Router(tags=["capacity"])
VIEW, EDIT = require(Perm.CAPACITY_VIEW), require(Perm.CAPACITY_EDIT)


def _responses(ok: int, schema: object) -> dict[int, object]:
    return {ok: schema, **PROBLEM_RESPONSES}


def _limit(x: Limit) -> LimitOut:
    return LimitOut(
        id=x.pk, system=x.system.code, component=x.component.name if x.component else None,
        environment=x.component.environment if x.component else None, kind=x.kind,
        layer=x.layer, name=x.name, value=x.value, unit=x.unit, overflow=x.overflow,
        warning=x.warning, critical=x.critical, margin_percent=x.margin_percent,
        has_production_equivalent_test=x.has_production_equivalent_test,
        owner_person=x.owner_person.code if x.owner_person else None,
        owner_department=x.owner_department.code if x.owner_department else None,
        review_interval_days=x.review_interval_days, last_reviewed_on=x.last_reviewed_on,
        housekeeping_interval_days=x.housekeeping_interval_days,
        next_housekeeping_on=x.next_housekeeping_on, promql=x.promql,
        measurement_interval_seconds=x.measurement_interval_seconds,
        upstream=list(x.upstream_links.values_list("upstream_id", flat=True)),
        downstream=list(x.downstream_links.values_list("downstream_id", flat=True)))


@router.get("/limits", auth=VIEW, response=_responses(200, list[ForecastOut]))
def list_limits(request: HttpRequest, system: str | None = None,
                kind: str | None = None) -> list[dict[str, Any]]:
    """Every limit with its forecast, soonest breach first (days to breach)."""
    return forecasting.forecast_limits(actor(request), system=system, kind=kind,
                                       backtest=True)


@router.post("/limits", auth=EDIT, response=_responses(201, LimitOut))
def create_limit(request: HttpRequest, payload: LimitIn) -> Status[object]:
    """Register a limit: warning <= critical <= value; numeric digits are all nines."""
    limit = services.create_limit(actor=actor(request), **payload.dict())
    return Status(201, _limit(selectors.get_limit(actor(request), limit.pk)))


@router.get("/limits/{limit_id}", auth=VIEW, response=_responses(200, LimitOut))
def get_limit(request: HttpRequest, limit_id: int) -> LimitOut:
    return _limit(selectors.get_limit(actor(request), limit_id))


@router.patch("/limits/{limit_id}", auth=EDIT, response=_responses(200, LimitOut))
def update_limit(request: HttpRequest, limit_id: int, payload: LimitPatch) -> LimitOut:
    selectors.get_limit(actor(request), limit_id)
    changes = payload.dict(exclude_unset=True)
    services.update_limit(actor=actor(request), limit_id=limit_id, changes=changes)  # type: ignore[arg-type]
    return _limit(selectors.get_limit(actor(request), limit_id))


@router.delete("/limits/{limit_id}", auth=EDIT, response=_responses(204, None))
def delete_limit(request: HttpRequest, limit_id: int) -> Status[None]:
    selectors.get_limit(actor(request), limit_id)
    services.delete_limit(actor=actor(request), limit_id=limit_id)
    return Status(204, None)


@router.post("/limits/{limit_id}/measurements", auth=EDIT,
             response=_responses(201, MeasurementsOut))
def record_measurements(request: HttpRequest, limit_id: int,
                        payload: list[MeasurementIn]) -> Status[object]:
    """Bulk: ``[{"at": ISO-8601, "value": number}]``. One bad row refuses the whole
    request (422, every bad row listed as rows[N].field); a repeated ``at`` replaces."""
    selectors.get_limit(actor(request), limit_id)
    written = services.record_measurements(actor=actor(request), limit_id=limit_id,
                                           rows=[p.dict() for p in payload])
    return Status(201, MeasurementsOut(written=written))


@router.get("/limits/{limit_id}/forecast", auth=VIEW, response=_responses(200, ForecastOut))
def forecast(request: HttpRequest, limit_id: int) -> dict[str, Any]:
    """``{breach_at, interval: [lo, hi], days_to_breach, warnings: [...]}``."""
    return forecasting.forecast_limit(actor(request), limit_id)


@router.post("/limits/{limit_id}/links", auth=EDIT, response=_responses(201, LinkOut))
def link(request: HttpRequest, limit_id: int, payload: LinkIn) -> Status[object]:
    """Data flows from this limit to ``downstream``; a cycle is refused, named."""
    selectors.get_limit(actor(request), limit_id)
    row = services.link_limits(actor=actor(request), upstream=limit_id,
                               downstream=payload.downstream)
    return Status(201, LinkOut(upstream=row.upstream_id, downstream=row.downstream_id))


@router.post("/capacity/what-if", auth=EDIT, response=_responses(200, WhatIfOut))
def what_if(request: HttpRequest, payload: WhatIfIn) -> dict[str, Any]:
    """"Volume × factor from a date": which limits break first, and each chain's
    bottleneck before and after."""
    return forecasting.what_if(actor(request), factor=payload.factor,
                               from_date=payload.from_, systems=payload.systems)


@router.post("/systems/{code}/batch-runs", auth=EDIT, response=_responses(201, MeasurementsOut))
def record_batch_runs(request: HttpRequest, code: str,
                      payload: list[BatchRunIn]) -> Status[object]:
    """Batch job runs ``[{job, started_at, ended_at, records?}]`` (A1-I-7, A2-PERF-CAP-1);
    one bad row refuses the request, a repeated (job, started_at) replaces."""
    written = services.record_batch_runs(actor=actor(request), system=code,
                                         rows=[p.dict() for p in payload])
    return Status(201, MeasurementsOut(written=written))


@router.post("/systems/{code}/response-times", auth=EDIT,
             response=_responses(201, MeasurementsOut))
def record_response_times(request: HttpRequest, code: str,
                          payload: list[ResponseTimeIn]) -> Status[object]:
    """Online response-time percentiles ``[{at, p50_ms, p95_ms, p99_ms}]`` (M-2.3)."""
    written = services.record_response_times(actor=actor(request), system=code,
                                             rows=[p.dict() for p in payload])
    return Status(201, MeasurementsOut(written=written))
