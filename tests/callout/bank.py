"""A demo-like institution for call-out tests: an on-call roster of two duty managers, a
department head and the management distribution (CIO, corporate planning), each with an
e-mail contact; a rank-1 policy like the demo's RANK1: roster → head → distribution."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from antei.callout import services
from antei.core.actor import Actor
from antei.org import services as org_services
from antei.org.models import ContactPoint
from tests import factories

EMAILS = {"DUTY1": "duty1@bank.example", "DUTY2": "duty2@bank.example",
          "HEAD": "head@bank.example", "CIO": "cio@bank.example", "PLAN": "plan@bank.example"}


def make_bank(actor: Actor, *, waits: tuple[int, int, int] = (10, 15, 30),
              verified: bool = True) -> dict[str, Any]:
    for code, address in EMAILS.items():
        factories.person(code=code, name=f"{code}さん", contact_points=[
            {"kind": "email", "address": address, "priority": 1}])
    if verified:
        for cp in ContactPoint.objects.all():
            org_services.mark_contact_verified(actor=actor, contact_id=cp.pk,
                                               at=datetime.now(tz=UTC), evidence="test setup")
    system = factories.system(code="CORE")
    roster = services.create_roster(actor=actor, code="OPS-DUTY", name="運用センター当番",
                                    members=["DUTY1", "DUTY2"], rotation_days=7,
                                    starts_on=datetime.now(tz=UTC).date() - timedelta(days=1))
    policy = services.create_policy(actor=actor, code="RANK1", name="ランク1 呼出し", rank=1,
                                    steps=[
        {"kind": "roster", "roster": "OPS-DUTY", "wait_minutes": waits[0]},
        {"kind": "person", "people": ["HEAD"], "wait_minutes": waits[1]},
        {"kind": "distribution", "people": ["CIO", "PLAN"], "wait_minutes": waits[2]}])
    return {"system": system, "roster": roster, "policy": policy}
