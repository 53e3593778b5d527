"""Periodic jobs from a cron table, run by `antei worker` (DESIGN: background work).

Each job runs every `every` seconds. Time is cut into slots of that length; a worker that
finds a slot unclaimed inserts (job, slot) under a unique constraint and enqueues the task.
Several workers can run side by side: the insert lets one of them win each slot, so a job
is enqueued once per slot, and a slot missed while no worker ran is simply skipped.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from antei.core import clock
from antei.core.models import ScheduledRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    task: str  # dotted path of a django-tasks Task
    every: int  # seconds


CRON: tuple[Job, ...] = (
    # Raise overdue first-report / management / follow-up / regulator deadlines (M-3.3).
    Job("incidents.raise_overdue_deadlines",
        "antei.incidents.tasks.raise_overdue_deadlines", 60),
    # Call-out: deliver pending pages, escalate unacknowledged steps whose wait is over,
    # expire unanswered contact checks (C02). Backs up the per-step timers.
    Job("callout.sweep", "antei.callout.tasks.sweep", settings.CALLOUT_SWEEP_SECONDS),
    # Capacity: pull limits mapped to PromQL from ANTEI_PROMETHEUS_URL (M-2.3, C07).
    Job("capacity.pull_prometheus", "antei.capacity.tasks.pull_prometheus", 300),
    # Alerts: re-evaluate silences/maintenance windows, missed heartbeats (A2-OPS-MON-1).
    Job("alerts.sweep", "antei.alerts.tasks.sweep", 60),
)


def slot_of(now: datetime, every: int) -> datetime:
    seconds = int(now.timestamp()) // every * every
    return datetime.fromtimestamp(seconds, tz=UTC)


def run_due(now: datetime | None = None, *, jobs: tuple[Job, ...] = CRON,
            enqueue: Callable[[str], object] | None = None) -> list[str]:
    """Claim and enqueue every job whose current slot nobody claimed; returns their names."""
    now = now or clock.now()
    worker = f"{socket.gethostname()}:{os.getpid()}"
    started = []
    for job in jobs:
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(job=job.name, slot=slot_of(now, job.every),
                                            claimed_at=now, claimed_by=worker)
                (enqueue or _enqueue)(job.task)
        except IntegrityError:
            continue  # another worker has this slot
        started.append(job.name)
    return started


def _enqueue(task_path: str) -> object:
    task = import_string(task_path)
    return task.enqueue()
