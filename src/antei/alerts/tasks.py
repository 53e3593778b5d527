"""Background work of the alerts app (durable: the state is in the database)."""

from __future__ import annotations

from django_tasks import task

from antei.alerts import services


@task()
def sweep() -> dict[str, int]:
    """Every minute from the cron table: close stale groups, re-evaluate silences whose
    window began or ended, raise missed heartbeats (A2-OPS-MON-1)."""
    return services.sweep()
