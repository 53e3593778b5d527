"""Background tasks of the limits registry."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from antei.capacity import prometheus
from antei.core.actor import Source, system_actor


@task()
def pull_prometheus() -> dict[str, Any]:
    """Every 5 minutes from the cron table: pull PromQL-mapped limits (M-2.3, C07)."""
    return prometheus.pull(actor=system_actor(Source.INTEGRATION))
