"""Reads of the limits registry, scoped: a vendor user sees the limits of the systems it
builds, runs or maintains (C14), like antei.inventory.selectors.

Catalog: C07, C08, M-2.3.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from django.db.models import Count, Max, QuerySet

from antei.capacity.models import BatchRun, Limit, LimitLink, Measurement, ResponseTime
from antei.core import clock
from antei.core.actor import Actor
from antei.core.errors import NotFound
from antei.inventory import selectors as inventory_selectors


def list_limits(actor: Actor, *, system: str | None = None, kind: str | None = None,
                ids: list[int] | None = None) -> QuerySet[Limit]:
    qs = Limit.objects.select_related("system", "component", "owner_person",
                                      "owner_department")
    if actor.is_vendor:
        visible = inventory_selectors.list_systems(actor).values("pk")
        qs = qs.filter(system__in=visible)
    if system:
        qs = qs.filter(system__code=system)
    if kind:
        qs = qs.filter(kind=kind)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs


def get_limit(actor: Actor, limit_id: int) -> Limit:
    found = list_limits(actor).filter(pk=limit_id).first()
    if found is None:
        raise NotFound("limit", limit_id)
    return found


def latest_measurements(limit_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per limit: the number of readings and the time of the latest."""
    rows = (Measurement.objects.filter(limit_id__in=limit_ids).values("limit_id")
            .annotate(n=Count("id"), last=Max("at")))
    return {r["limit_id"]: {"count": r["n"], "last_at": r["last"]} for r in rows}


def list_measurements(actor: Actor, limit_id: int, *, limit: int = 200) -> list[Measurement]:
    get_limit(actor, limit_id)
    return list(Measurement.objects.filter(limit_id=limit_id).order_by("-at")[:limit])


def links(limit_ids: list[int] | None = None) -> list[tuple[int, int]]:
    qs = LimitLink.objects.all()
    if limit_ids is not None:
        qs = qs.filter(upstream_id__in=limit_ids, downstream_id__in=limit_ids)
    return list(qs.values_list("upstream_id", "downstream_id"))


def today() -> date:
    return clock.now().astimezone(clock.display_zone()).date()


def daily_peaks(limit_ids: list[int], *, as_of: date, days: int,
                ) -> tuple[np.ndarray, np.ndarray]:
    """``values[limit, day]`` (NaN where no reading): each day's highest reading, days in
    the display time zone, ending on ``as_of``; and the date grid (M-2.3 daily peaks)."""
    grid = np.arange(np.datetime64(as_of) - (days - 1), np.datetime64(as_of) + 1)
    values = np.full((len(limit_ids), days), np.nan)
    if not limit_ids:
        return values, grid
    zone = clock.display_zone()
    start = datetime.combine(as_of - timedelta(days=days - 1), datetime.min.time(), zone)
    end = datetime.combine(as_of + timedelta(days=1), datetime.min.time(), zone)
    rows = list(Measurement.objects.filter(limit_id__in=limit_ids, at__gte=start, at__lt=end)
                .values_list("limit_id", "at", "value"))
    if not rows:
        return values, grid
    index = {lid: i for i, lid in enumerate(limit_ids)}
    offset = start.utcoffset() or timedelta(0)
    r = np.fromiter((index[x[0]] for x in rows), dtype=np.int64, count=len(rows))
    seconds = np.fromiter((x[1].timestamp() for x in rows), dtype=np.float64, count=len(rows))
    local_day = np.floor((seconds + offset.total_seconds()) / 86400).astype(np.int64)
    col = local_day - grid[0].astype("datetime64[D]").astype(np.int64)
    v = np.fromiter((x[2] for x in rows), dtype=np.float64, count=len(rows))
    ok = (col >= 0) & (col < days)
    np.fmax.at(values, (r[ok], col[ok]), v[ok])
    return values, grid


def batch_runs(system_id: int, *, since: datetime) -> list[BatchRun]:
    return list(BatchRun.objects.filter(system_id=system_id, started_at__gte=since)
                .order_by("job", "started_at"))


def response_times(system_id: int, *, limit: int = 14) -> list[ResponseTime]:
    return list(ResponseTime.objects.filter(system_id=system_id).order_by("-at")[:limit])
