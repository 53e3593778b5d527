"""The demo institution comes with a payment backlog on its exchange-system incident (C03)."""

from __future__ import annotations

import pytest

from antei import demo
from antei.core.actor import system_actor
from antei.settlement import selectors
from antei.settlement.models import Batch, IntakeSuspension, Item

pytestmark = pytest.mark.django_db


def test_demo_backlog_loads_once_and_plans() -> None:
    demo.load(actor=system_actor())
    batches = list(Batch.objects.all())
    assert {b.format for b in batches} == {"zengin", "csv"} and len(batches) == 3
    assert Item.objects.count() == 360
    incident_id = batches[0].incident_id
    assert IntakeSuspension.objects.get().channel == "ib"
    plan = selectors.plan(incident_id).plan
    assert {c.channel for c in plan.channels} == {"zengin", "ib"}
    demo.load(actor=system_actor())
    assert Batch.objects.count() == 3 and Item.objects.count() == 360
