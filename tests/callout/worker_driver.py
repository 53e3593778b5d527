"""Drives a call-out in a database shared with a real `antei worker` subprocess (used by
test_worker_kill.py): `python -m tests.callout.worker_driver setup|due|state [INCIDENT]`.
It runs in its own process, so everything it writes is committed and the incident desk's
after-commit hook starts the call-out exactly as in production. Prints JSON."""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta

import django


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "antei.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from antei.callout.models import EscalationRun, Page
    from antei.core import clock
    from antei.core.actor import system_actor
    from antei.incidents import services as incident_services
    from tests.callout.bank import make_bank

    command = argv[0]
    if command == "setup":
        if connection.vendor == "sqlite":
            call_command("migrate", interactive=False, verbosity=0)
        make_bank(system_actor(), waits=(10, 10, 10))
        incident = incident_services.open_incident(
            actor=system_actor(), title="勘定系オンライン停止", rank=1, systems=["CORE"],
            detected_at=clock.now() - timedelta(minutes=1))
        out: object = {"incident": incident.pk}
    elif command == "due":  # the current step's wait is over (as if 10 minutes passed)
        run = EscalationRun.objects.get(incident_id=int(argv[1]), trigger="opened")
        EscalationRun.objects.filter(pk=run.pk).update(
            next_at=clock.now() - timedelta(seconds=1))
        out = {"step": run.step_index}
    else:  # state
        out = [{"person": p.person.code, "step": p.step_index, "status": p.status,
                "deliveries": p.deliveries.count()}
               for p in Page.objects.filter(incident_id=int(argv[1]))
               .select_related("person").order_by("id")]
    print(json.dumps(out))  # noqa: T201 - the driver's answer to the test
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
