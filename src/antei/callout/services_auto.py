"""Automatic call-out: when an incident is opened its rank's escalation policy starts by
itself, and when its first report (第1報) is issued the report goes to the policy's
management distribution through the same machinery (pages, deliveries, acknowledgement,
escalation, loud failure). Nobody has to remember to press "start" at 2 a.m.

The incident desk cannot import call-out (call-out sits above it), so these run from
`antei.incidents.hooks` after the desk's transaction commits; `CalloutConfig.ready()`
registers `on_incident_event`. Each trigger happens at most once per incident: a unique
constraint on (incident, trigger) decides between retries and concurrent workers.

Catalog: C02, M-3.3, A1-II-5, A2-RESP-1.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from antei.callout import services_paging as paging
from antei.callout.models import EscalationPolicy, EscalationRun
from antei.core import clock
from antei.core.actor import system_actor
from antei.core.errors import InvalidInput
from antei.incidents import hooks
from antei.incidents.domain import states
from antei.incidents.models import Incident

log = logging.getLogger(__name__)


def on_incident_event(event: hooks.IncidentEvent) -> EscalationRun | None:
    """The hook registered with the incident desk."""
    if event.kind == hooks.OPENED:
        return start_automatic_callout(incident_id=event.incident_id)
    if event.kind == hooks.FIRST_REPORT and event.report_id is not None:
        return send_first_report(incident_id=event.incident_id, report_id=event.report_id)
    return None


def _policy(incident: Incident) -> EscalationPolicy | None:
    try:
        return paging._policy_for(incident, None)
    except InvalidInput:  # no policy for this rank: call-out stays manual for it
        log.info("no escalation policy for %s (rank %s)", incident.number, incident.rank)
        return None


def _start(incident_id: int, trigger: str, report_id: int | None,
           now: datetime | None) -> EscalationRun | None:
    now = now or clock.now()
    with transaction.atomic():
        incident = Incident.objects.select_for_update().filter(pk=incident_id).first()
        # Gone, recorded after the fact (already over), or another institution's: no paging.
        if (incident is None or incident.is_external
                or states.Status(incident.status) not in states.ACTIVE):
            return None
        if EscalationRun.objects.filter(incident=incident, trigger=trigger).exists():
            return None  # idempotent: this trigger already paged
        policy = _policy(incident)
        if policy is None:
            return None
        try:
            return paging.start_run(actor=system_actor(), incident=incident, policy=policy,
                                    now=now, trigger=trigger, report=report_id)
        except IntegrityError:  # another process started it a moment ago
            return None
        except InvalidInput:  # e.g. a first report under a policy with no distribution step
            log.warning("no %s paging for %s: policy %s has no such step", trigger,
                        incident.number, policy.code)
            return None


def start_automatic_callout(*, incident_id: int,
                            now: datetime | None = None) -> EscalationRun | None:
    """Start the rank's policy for a newly opened incident, once (C02, A1-II-3)."""
    return _start(incident_id, paging.TRIGGER_OPENED, None, now)


# The sweep backs up the after-commit hook: an incident recorded within this window that is
# still active and has no call-out at all gets its automatic start (the hook's process may
# have died between the commit and the hook). Older incidents are left to people.
MISSED_START_WINDOW = timedelta(hours=1)
MISSED_START_GRACE = timedelta(seconds=30)  # the hook's own turn comes first


def start_missed_callouts(*, now: datetime | None = None) -> int:
    """Start the automatic call-out of recently recorded active incidents nobody paged
    (C02, A2-RESP-1: automation that silently did not run is the failure to avoid).
    Idempotent like the hook: the (incident, trigger) constraint decides."""
    now = now or clock.now()
    missed = (Incident.objects
              .filter(status__in=[str(s) for s in states.ACTIVE], is_external=False,
                      created_at__gte=now - MISSED_START_WINDOW,
                      created_at__lte=now - MISSED_START_GRACE)
              .exclude(pk__in=EscalationRun.objects.values("incident_id"))
              .values_list("pk", flat=True))
    return sum(start_automatic_callout(incident_id=pk, now=now) is not None
               for pk in list(missed))


def send_first_report(*, incident_id: int, report_id: int,
                      now: datetime | None = None) -> EscalationRun | None:
    """Page the rank policy's management distribution with the first report, once; their
    acknowledgement records that management is aware (M-3.3, A1-II-5)."""
    return _start(incident_id, paging.TRIGGER_FIRST_REPORT, report_id, now)
