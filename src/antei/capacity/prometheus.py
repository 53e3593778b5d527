"""Pull measurements of PromQL-mapped limits from a Prometheus server's HTTP API (M-2.3).

For each limit with a ``promql`` expression, ``/api/v1/query_range`` is asked for the
points since the limit's latest stored reading (at most ``MAX_BACKFILL`` back), one every
``measurement_interval_seconds``; when the expression returns several series, the highest
value at each time is stored (a limit is breached by its fullest instance). Points go
through the same bulk writer as the API (upsert on (limit, at)), so overlapping pulls are
harmless. Runs from the cron table (capacity.pull_prometheus) and `antei limits pull`.
"""

from __future__ import annotations

import json
import logging
import math
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Max

from antei.capacity import services
from antei.capacity.models import Limit
from antei.core import clock
from antei.core.actor import Actor

log = logging.getLogger(__name__)
MAX_BACKFILL = timedelta(days=7)
MAX_POINTS = 10_000  # Prometheus refuses more than 11,000 points per series


def query_range(base_url: str, expr: str, *, start: datetime, end: datetime,
                step: int) -> dict[datetime, float]:
    """Time -> highest value over the returned series; raises OSError/ValueError."""
    params = urllib.parse.urlencode({"query": expr, "start": f"{start.timestamp():.3f}",
                                     "end": f"{end.timestamp():.3f}", "step": str(step)})
    url = f"{base_url.rstrip('/')}/api/v1/query_range?{params}"
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) URL: {base_url}")
    try:
        with urllib.request.urlopen(url, timeout=settings.HTTP_TIMEOUT) as resp:  # noqa: S310 (checked above)
            body = json.loads(resp.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:  # Prometheus explains a bad query in its body
        try:
            body = json.loads(exc.read().decode("utf-8"))
        except ValueError:
            raise exc from None
    if body.get("status") != "success":
        raise ValueError(f"{body.get('errorType')}: {body.get('error')}")
    out: dict[datetime, float] = {}
    for series in body["data"]["result"]:
        for ts, raw in series.get("values", []):
            value = float(raw)
            if not math.isfinite(value):
                continue
            at = datetime.fromtimestamp(float(ts), tz=UTC)
            out[at] = max(out.get(at, value), value)
    return out


def pull(*, actor: Actor, now: datetime | None = None,
         base_url: str | None = None) -> dict[str, Any]:
    """Pull every PromQL-mapped limit whose interval has passed since its latest reading."""
    url = base_url or settings.PROMETHEUS_URL
    now = now or clock.now()
    result: dict[str, Any] = {"limits": 0, "written": 0, "errors": []}
    if not url:
        return result
    rows = (Limit.objects.exclude(promql="").select_related("system")
            .annotate(last_at=Max("measurements__at")))
    for limit in rows:
        step = max(1, limit.measurement_interval_seconds)
        start = max(limit.last_at + timedelta(seconds=step) if limit.last_at else
                    now - MAX_BACKFILL, now - MAX_BACKFILL,
                    now - timedelta(seconds=step * MAX_POINTS))
        if start > now:
            continue
        try:
            points = query_range(url, limit.promql, start=start, end=now, step=step)
        except (OSError, ValueError, KeyError) as exc:
            log.warning("prometheus pull of limit %s failed: %s", limit.pk, exc)
            result["errors"].append(f"#{limit.pk} {limit}: {exc}")
            continue
        result["limits"] += 1
        if points:
            result["written"] += services.record_measurements(
                actor=actor, limit_id=limit.pk, now=now, source="prometheus",
                rows=[{"at": at, "value": v} for at, v in sorted(points.items())])
    return result
