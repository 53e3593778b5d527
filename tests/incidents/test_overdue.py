"""The periodic task raises a missed first-report deadline once, on the incident's timeline
and in the audit log (M-3.3, A1-II-5)."""

from datetime import timedelta

import pytest

from antei.core import clock
from antei.core.models import AuditEntry
from antei.incidents import services
from antei.incidents.models import DeadlineAlert, TimelineEntry
from tests import factories

pytestmark = pytest.mark.django_db


def _incident(minutes_ago: int, rank: int = 1):
    system = factories.system(code="CORE")
    return services.open_incident(actor=factories.ACTOR, title="勘定系停止", rank=rank,
                                  systems=[system.code],
                                  detected_at=clock.now() - timedelta(minutes=minutes_ago))


def test_missed_first_report_is_raised_once():
    incident = _incident(minutes_ago=45)  # rank 1: first report due after 30 minutes
    assert services.raise_overdue_deadlines() >= 1
    assert services.raise_overdue_deadlines() == 0
    alerts = set(DeadlineAlert.objects.filter(incident=incident)
                 .values_list("deadline", flat=True))
    assert "first_report" in alerts
    assert TimelineEntry.objects.filter(incident=incident, text__startswith="OVERDUE").exists()
    assert AuditEntry.objects.filter(action="incident.overdue").count() == len(alerts)


def test_nothing_is_raised_before_the_deadline():
    _incident(minutes_ago=5)
    assert services.raise_overdue_deadlines() == 0


def test_a_first_report_in_time_stops_the_first_report_alarm():
    incident = _incident(minutes_ago=10)
    services.issue_report(actor=factories.ACTOR, incident_id=incident.pk, kind="first")
    services.raise_overdue_deadlines(now=clock.now() + timedelta(minutes=25))
    assert not DeadlineAlert.objects.filter(incident=incident, deadline="first_report").exists()
