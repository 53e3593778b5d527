"""Garbage never crashes the importer: any bytes, as any format, end in either a batch or
a clear refusal (InvalidInput with field and rule), never a stray exception and never a
partial batch.

Catalog: A2-SWA-6, A1-II-4, C03.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from antei.core.errors import InvalidInput
from antei.incidents.models import Incident
from antei.settlement import services
from antei.settlement.models import Batch, Item
from tests import factories
from tests.settlement.conftest import zengin_file

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


def _import(incident: Incident, data: bytes, fmt: str) -> None:
    before = (Batch.objects.count(), Item.objects.count())
    try:
        with transaction.atomic():
            batch, created = services.import_batch(actor=factories.ACTOR,
                                                   incident_id=incident.pk, format=fmt,
                                                   data=data)
    except InvalidInput as exc:
        assert exc.errors, "a refusal names what is wrong"
        assert all(e.field and e.rule and str(e.message) for e in exc.errors)
        assert (Batch.objects.count(), Item.objects.count()) == before
        return
    if created:
        assert Item.objects.filter(batch=batch).count() == batch.item_count


@FUZZ
@given(data=st.binary(max_size=2000), fmt=st.sampled_from(["zengin", "csv", "xlsx"]))
def test_random_bytes(incident: Incident, data: bytes, fmt: str) -> None:
    _import(incident, data, fmt)


@FUZZ
@given(flips=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), min_size=1,
                      max_size=8),
       cut=st.integers(0, 40), line_breaks=st.booleans())
def test_damaged_zengin_files(incident: Incident, flips: list[tuple[int, int]], cut: int,
                              line_breaks: bool) -> None:
    data = bytearray(zengin_file(5, line_breaks=line_breaks))
    for at, value in flips:
        data[at % len(data)] = value
    _import(incident, bytes(data[: len(data) - cut]), "zengin")


@FUZZ
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_csv_text(incident: Incident, text: str) -> None:
    header = "settlement_date,bank_code,branch_code,account_number,recipient_name,amount\n"
    _import(incident, (header + text).encode("utf-8"), "csv")
