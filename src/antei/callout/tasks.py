"""Background tasks of call-out: deliver pages, the per-step timer, and the sweep that
backs both up (durable: the state is in the database, a lost task only delays a step)."""

from __future__ import annotations

from django_tasks import task

from antei.callout import services, services_paging

CHUNK = services_paging.DELIVERY_CHUNK


def deliver_chunk(run_id: int | None) -> int:
    """Deliver one chunk; if there may be more, queue the next chunk behind any timer
    that is due meanwhile (the queue runs due timers first)."""
    done = services.deliver_pending(run_id=run_id, limit=CHUNK)
    if done >= CHUNK:
        deliver_pages.enqueue(run_id)
    return done


@task()
def deliver_pages(run_id: int | None) -> int:
    """Send a run's (or every) pending pages, a chunk at a time (C02, A2-RESP-1)."""
    return deliver_chunk(run_id)


@task()
def escalate(run_id: int, token: str) -> bool:
    """A step's timer: acts only if `token` is still the run's current one."""
    moved = services.escalate(run_id=run_id, token=token)
    if moved:
        deliver_chunk(run_id)
    return moved


@task()
def sweep() -> dict[str, int]:
    """Every 30 s from the cron table: deliver, escalate due runs, expire verifications."""
    return services.sweep()
