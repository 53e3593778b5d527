"""The worker's cron table: each slot of a periodic job is enqueued exactly once, however
many workers tick (durable, no duplicate work)."""

from datetime import UTC, datetime, timedelta

import pytest

from antei.core import scheduler
from antei.core.models import ScheduledRun

pytestmark = pytest.mark.django_db

JOB = scheduler.Job("test.job", "antei.incidents.tasks.raise_overdue_deadlines", 60)
NOON = datetime(2026, 11, 25, 3, 0, 10, tzinfo=UTC)


def test_two_workers_ticking_in_one_slot_enqueue_once():
    enqueued: list[str] = []
    first = scheduler.run_due(NOON, jobs=(JOB,), enqueue=enqueued.append)
    second = scheduler.run_due(NOON + timedelta(seconds=30), jobs=(JOB,),
                               enqueue=enqueued.append)
    assert first == ["test.job"]
    assert second == []
    assert enqueued == [JOB.task]


def test_the_next_slot_runs_again():
    enqueued: list[str] = []
    scheduler.run_due(NOON, jobs=(JOB,), enqueue=enqueued.append)
    scheduler.run_due(NOON + timedelta(seconds=60), jobs=(JOB,), enqueue=enqueued.append)
    assert len(enqueued) == 2
    assert ScheduledRun.objects.filter(job="test.job").count() == 2


def test_a_failed_enqueue_leaves_the_slot_free_for_the_next_tick():
    def broken(path: str) -> None:
        raise RuntimeError("queue down")

    with pytest.raises(RuntimeError):
        scheduler.run_due(NOON, jobs=(JOB,), enqueue=broken)
    assert scheduler.run_due(NOON, jobs=(JOB,), enqueue=lambda p: None) == ["test.job"]


def test_the_real_cron_table_enqueues_a_real_task():
    """The cron table's task paths resolve to django-tasks tasks the database backend takes."""
    from django_tasks_db.models import DBTaskResult

    started = scheduler.run_due(NOON)
    assert "incidents.raise_overdue_deadlines" in started
    assert DBTaskResult.objects.count() == len(scheduler.CRON)
