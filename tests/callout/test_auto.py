"""Automatic paging: opening an incident starts its rank's escalation policy, and issuing
the first report (第1報) sends it to the rank's management distribution through the same
machinery, without anyone pressing "start" (C02, A2-RESP-1, A1-II-5, M-3.3).

Real parts: the local SMTP server (aiosmtpd); the queued django-tasks rows are run the way
`antei worker` runs them (test_worker_kill.py runs the real worker process).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from antei.callout import services_auto
from antei.callout.models import EscalationRun, Page
from antei.core.actor import Actor
from antei.incidents import hooks
from antei.incidents import services as incident_services
from antei.incidents.models import Incident, TimelineEntry
from tests.callout.bank import EMAILS, make_bank

pytestmark = pytest.mark.django_db


def run_worker() -> None:
    """Run every task that is due, as the database worker of `antei worker` does (claim,
    call, record); in this process, so the test's transaction stays open."""
    while (row := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
        row.claim("test-worker")
        result = row.task_result
        row.set_successful(row.task.call(*result.args, **result.kwargs))


def recipients(smtp_server: Any) -> list[str]:
    return [rcpt for _, tos in smtp_server.envelopes for rcpt in tos]


def open_rank1(actor: Actor, capture: Any, rank: int = 1) -> Incident:
    with capture(execute=True):
        return incident_services.open_incident(
            actor=actor, title="勘定系オンライン停止", rank=rank, systems=["CORE"],
            detected_at=datetime.now(tz=UTC) - timedelta(minutes=2))


def test_opening_a_rank1_incident_emails_the_on_call_person_without_pressing_start(
        admin_actor: Actor, smtp_server: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    """A2-RESP-1, A1-II-3: the demo-like rank-1 policy pages the duty manager by e-mail as
    soon as the incident is opened."""
    make_bank(admin_actor)
    incident = open_rank1(admin_actor, django_capture_on_commit_callbacks)
    run = EscalationRun.objects.get(incident=incident)
    assert (run.trigger, run.policy.code, run.started_by) == ("opened", "RANK1", "system")
    run_worker()
    assert recipients(smtp_server) == [EMAILS["DUTY1"]]
    assert incident.number in str(smtp_server.messages[0]["Subject"])
    assert Page.objects.get(run=run).status == "sent"
    assert TimelineEntry.objects.filter(incident=incident,
                                        text__startswith="呼出し開始").exists()


def test_the_first_report_goes_to_the_management_distribution_and_its_ack_is_recorded(
        admin_actor: Actor, smtp_server: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    """M-3.3, A1-II-5: the 第1報 reaches management in minutes through call-out; a manager's
    acknowledgement records 'management aware' on the incident."""
    make_bank(admin_actor)
    incident = open_rank1(admin_actor, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        incident_services.issue_report(actor=admin_actor, incident_id=incident.pk,
                                       kind="first")
    run_worker()
    assert sorted(recipients(smtp_server)) == sorted(
        [EMAILS["DUTY1"], EMAILS["CIO"], EMAILS["PLAN"]])
    report_mail = next(m for m in smtp_server.messages if m["To"] == EMAILS["CIO"])
    assert "第1報" in str(report_mail["Subject"])
    body = report_mail.get_body().get_content()
    assert "勘定系オンライン停止" in body and "/ack/" in body
    first = EscalationRun.objects.get(incident=incident, trigger="first_report")
    assert first.report is not None and first.report.kind == "first"
    # The CIO follows the link in the e-mail: management is aware.
    url = body[body.index("/ack/"):].split()[0]
    assert Client().post(url).status_code == 200
    incident.refresh_from_db()
    assert incident.management_aware_at is not None
    # The call-out of the duty manager is a separate run and still escalates.
    assert EscalationRun.objects.get(incident=incident, trigger="opened").state == "active"


def test_a_second_event_does_not_page_twice(
        admin_actor: Actor, smtp_server: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    """Idempotent: a retried hook (or a second worker) pages nobody again (A2-RESP-1)."""
    make_bank(admin_actor)
    incident = open_rank1(admin_actor, django_capture_on_commit_callbacks)
    report = incident_services.issue_report(actor=admin_actor, incident_id=incident.pk,
                                            kind="first")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            hooks.run(hooks.IncidentEvent(hooks.OPENED, incident.pk))
            hooks.run(hooks.IncidentEvent(hooks.FIRST_REPORT, incident.pk, report.pk))
    run_worker()
    assert EscalationRun.objects.filter(incident=incident).count() == 2
    assert sorted(recipients(smtp_server)) == sorted(
        [EMAILS["DUTY1"], EMAILS["CIO"], EMAILS["PLAN"]])


def test_no_automatic_paging_for_external_past_or_policy_less_incidents(
        admin_actor: Actor, django_capture_on_commit_callbacks: Any) -> None:
    """External cases (another bank's failure), incidents already over when their commit
    lands (history recorded after the fact) and ranks without a policy page nobody."""
    make_bank(admin_actor)
    with django_capture_on_commit_callbacks(execute=True):
        incident_services.open_incident(
            actor=admin_actor, title="他行障害", rank=1, systems=[], is_external=True,
            external_institution="他行", detected_at=datetime.now(tz=UTC))
        past = incident_services.open_incident(
            actor=admin_actor, title="過去の障害", rank=1, systems=["CORE"],
            detected_at=datetime.now(tz=UTC) - timedelta(days=3))
        incident_services.transition(actor=admin_actor, incident_id=past.pk, to="recovered")
    open_rank1(admin_actor, django_capture_on_commit_callbacks, rank=3)
    assert not EscalationRun.objects.exists()
    assert services_auto.start_automatic_callout(incident_id=past.pk) is None


def test_the_sweep_starts_a_callout_whose_hook_never_ran(
        admin_actor: Actor, smtp_server: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    """The process that opened the incident died between its commit and the after-commit
    hook: the worker's sweep pages instead, once (A2-RESP-1: automation that silently did
    not run). Only recent, active incidents with no call-out at all; the hook gets its turn
    first, and older incidents are left to people."""
    from antei.callout import services

    make_bank(admin_actor)
    detected = datetime.now(tz=UTC) - timedelta(minutes=2)
    # Opened outside a captured commit: the hook never runs, as if the process had died.
    incident = incident_services.open_incident(
        actor=admin_actor, title="勘定系オンライン停止", rank=1, systems=["CORE"],
        detected_at=detected)
    older = incident_services.open_incident(
        actor=admin_actor, title="前日の遅延", rank=1, systems=["CORE"], detected_at=detected)
    Incident.objects.filter(pk=older.pk).update(
        created_at=datetime.now(tz=UTC) - timedelta(hours=2))
    assert not EscalationRun.objects.exists()
    created = Incident.objects.get(pk=incident.pk).created_at
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sweep(now=created + timedelta(seconds=5))["started"] == 0  # hook's turn
        assert services.sweep(now=created + timedelta(minutes=1))["started"] == 1
        assert services.sweep(now=created + timedelta(minutes=2))["started"] == 0
    run = EscalationRun.objects.get()
    assert (run.incident_id, run.trigger) == (incident.pk, "opened")
    run_worker()
    assert recipients(smtp_server) == [EMAILS["DUTY1"]]
