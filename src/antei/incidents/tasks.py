"""Background tasks of the incident desk."""

from __future__ import annotations

from django_tasks import task

from antei.incidents import services


@task()
def raise_overdue_deadlines() -> int:
    """Record each deadline that has just passed unmet (第1報, management aware, 続報,
    regulator stages) on its incident's timeline, once (M-3.3, A1-II-5)."""
    return services.raise_overdue_deadlines()
