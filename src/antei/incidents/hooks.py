"""After-commit hooks: apps above the incident desk (call-out) react when an incident is
opened or its first report (第1報) is issued, without the desk importing them.

An app registers a callable from its AppConfig.ready(); the desk emits an `IncidentEvent`
inside its transaction and the callables run once it has committed (never for a rolled-back
change). A failing hook is logged and does not stop the others. Hooks must be idempotent:
an event can be emitted again (a retried request), and they run in the committing process.

Catalog: M-3.3, A1-II-5 (the first report reaches management through the call-out
machinery), C01, C02.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.db import transaction

log = logging.getLogger(__name__)

OPENED = "opened"
FIRST_REPORT = "first_report"


@dataclass(frozen=True)
class IncidentEvent:
    kind: str  # OPENED | FIRST_REPORT
    incident_id: int
    report_id: int | None = None


Hook = Callable[[IncidentEvent], object]
_hooks: list[Hook] = []


def register(hook: Hook) -> None:
    """Run `hook(event)` after every committed incident event (registering twice: once)."""
    if hook not in _hooks:
        _hooks.append(hook)


def unregister(hook: Hook) -> None:
    if hook in _hooks:
        _hooks.remove(hook)


def emit_on_commit(event: IncidentEvent) -> None:
    transaction.on_commit(partial(run, event))


def run(event: IncidentEvent) -> None:
    """Call every hook now (the desk calls this on commit)."""
    for hook in list(_hooks):
        try:
            hook(event)
        except Exception:  # one app's failure must not keep the others from hearing it
            log.exception("incident hook %r failed for %s", hook, event)
