"""Importing backlogs: Zengin files, CSV, Excel and JSON; every bad input of issue 8 named
by record and field with nothing left behind; re-import idempotent; one audit row a batch.

Catalog: A1-II-4 (every department's backlog in one place), A2-SWA-6, A2-RESP-2, C03.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from antei.core.errors import InvalidInput
from antei.core.models import AuditEntry
from antei.incidents.models import Incident
from antei.kernels.zengin_layout import Kind
from antei.settlement import services
from antei.settlement.models import Batch, Item
from tests import factories
from tests.settlement.conftest import item, patch, zengin_file

pytestmark = pytest.mark.django_db


def _moved_data_after_trailer() -> bytes:
    f = zengin_file(4)
    r = [f[i:i + 120] for i in range(0, len(f), 120)]
    return b"".join([r[0], r[1], r[2], r[3], r[5], r[4], r[6]])


def _short_line() -> bytes:
    lines = zengin_file(4, line_breaks=True).split(b"\r\n")
    lines[2] = lines[2][:-1]
    return b"\r\n".join(lines)


# (what, file bytes, expected kind, record, field, rule): the "Bad input" list.
BAD_FILES = [
    ("trailer mismatch", lambda: patch(zengin_file(4), 6, 1, b"000005"), None,
     6, "count", "zengin.count_mismatch"),
    ("truncated record", lambda: zengin_file(4)[:-50], None, 7, "record", "zengin.truncated"),
    ("wrong record length", _short_line, None, 3, "record", "zengin.length"),
    ("non-kana in a kana field", lambda: patch(zengin_file(4), 3, 50, b"abc"), None,
     3, "name", "zengin.not_kana"),
    ("non-digit amount", lambda: patch(zengin_file(4), 3, 80, b"00000X0000"), None,
     3, "amount", "zengin.not_digits"),
    ("data record after the trailer", _moved_data_after_trailer, None, 6, "data_kind",
     "zengin.data_after_trailer"),
    ("header for a different transfer kind", lambda: zengin_file(4, kind=Kind.SALARY), "21",
     1, "kind_code", "zengin.kind_mismatch"),
]


def _nothing_written() -> None:
    assert Batch.objects.count() == 0
    assert Item.objects.count() == 0
    assert not AuditEntry.objects.filter(action="settlement.batch.import").exists()


@pytest.mark.parametrize(("what", "make", "kind", "record", "field", "rule"), BAD_FILES,
                         ids=[b[0] for b in BAD_FILES])
def test_service_names_record_and_field_and_leaves_nothing(
        incident: Incident, what: str, make: Callable[[], bytes], kind: str | None,
        record: int, field: str, rule: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.import_batch(actor=factories.ACTOR, incident_id=incident.pk, format="zengin",
                              data=make(), kind=kind, file_name="bad.txt")
    found = {(e.field, e.rule) for e in caught.value.errors}
    assert (f"records[{record}].{field}", rule) in found
    assert any(f"レコード{record}" in str(e.message) for e in caught.value.errors)
    _nothing_written()


@pytest.mark.parametrize(("what", "make", "kind", "record", "field", "rule"), BAD_FILES,
                         ids=[b[0] for b in BAD_FILES])
def test_api_answers_422_naming_record_and_field(
        incident: Incident, api: Any, what: str, make: Callable[[], bytes], kind: str | None,
        record: int, field: str, rule: str) -> None:
    form = {"file": SimpleUploadedFile("bad.txt", make()), "format": "zengin",
            "incident_id": incident.pk}
    if kind:
        form["kind"] = kind
    response = api.client.post("/api/v1/settlement/batches", form, headers=api.headers)
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert {"field": f"records[{record}].{field}", "rule": rule} in [
        {"field": e["field"], "rule": e["rule"]} for e in errors]
    _nothing_written()


def test_a_file_imports_whole_and_again_is_idempotent(incident: Incident, api: Any) -> None:
    data = zengin_file(5)
    form = {"file": SimpleUploadedFile("sogo.txt", data), "format": "zengin",
            "incident_id": incident.pk, "department": "為替部"}
    first = api.client.post("/api/v1/settlement/batches", form, headers=api.headers)
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["item_count"] == 5 and body["total_amount"] == 15000 and body["kind"] == "21"
    # The same records with line breaks: the same content, recognised.
    again = {"file": SimpleUploadedFile("sogo2.txt", zengin_file(5, line_breaks=True)),
             "format": "zengin", "incident_id": incident.pk}
    second = api.client.post("/api/v1/settlement/batches", again, headers=api.headers)
    assert second.status_code == 200
    assert second.json()["id"] == body["id"] and second.json()["created"] is False
    assert Item.objects.count() == 5
    assert AuditEntry.objects.filter(action="settlement.batch.import").count() == 1
    items = list(Item.objects.order_by("record_number"))
    assert items[0].record_number == 2 and items[0].recipient_name == "ﾔﾏﾀﾞ ﾀﾛｳ"
    assert items[0].bank_code == "0005" and items[0].account_number == "0001000"
    assert items[0].department == "為替部" and items[0].branch == "100"
    assert items[0].customer == "ｶ)ｱﾝｴｲｼﾖｳｼﾞ"


def test_trailer_totals_beyond_the_format_are_refused(incident: Incident) -> None:
    """A trailer cannot hold over 999,999,999,999 yen: such a file is refused."""
    data = zengin_file(2, amounts=[9_999_999_999, 9_999_999_999])
    big = [data[i:i + 120] for i in range(0, len(data), 120)]
    body = [big[0]] + [big[1]] * 101 + [b"8" + b"%06d%012d" % (101, 999_999_999_999)
                                        + b" " * 101, big[-1]]
    with pytest.raises(InvalidInput) as caught:
        services.import_batch(actor=factories.ACTOR, incident_id=incident.pk, format="zengin",
                              data=b"".join(body))
    assert "zengin.total_overflow" in {e.rule for e in caught.value.errors}
    _nothing_written()


CSV = ("settlement_date,bank_code,branch_code,account_number,recipient_name,amount,customer,"
       "branch,channel\n")


def test_csv_in_cp932_imports(incident: Incident) -> None:
    text = CSV + "2026-12-03,0005,010,1234567,ﾔﾏﾀﾞ ﾀﾛｳ,50000,ｶ)ｱﾝｴｲ,101,ib\n" \
                 "2026-12-03,9,1,12345,ｽｽﾞｷ ﾊﾅｺ,7000,ｶ)ｱﾝｴｲ,102,internal\n"
    batch, created = services.import_batch(actor=factories.ACTOR, incident_id=incident.pk,
                                           format="csv", data=text.encode("cp932"),
                                           file_name="ib.csv")
    assert created and batch.item_count == 2 and batch.total_amount == 57000
    second = Item.objects.get(record_number=3)
    assert (second.bank_code, second.branch_code, second.account_number) == (
        "0009", "001", "0012345")
    assert second.channel == "internal" and second.branch == "102"


def test_free_text_is_stored_as_given_by_both_bulk_writers(incident: Incident) -> None:
    """COPY text escaping (PostgreSQL) and bound parameters (SQLite): quotes, percent
    signs, backslashes and tabs in free text arrive unchanged (A1-II-4)."""
    text = CSV + '2026-12-03,0005,010,1234567,ﾔﾏﾀﾞ ﾀﾛｳ,50000,"a\\b\tc\'d %s",101,ib\n'
    batch, created = services.import_batch(actor=factories.ACTOR, incident_id=incident.pk,
                                           format="csv", data=text.encode(),
                                           department="経理'部 %s\\", source_system="x")
    assert created and batch.item_count == 1
    stored = Item.objects.get(batch=batch)
    assert stored.customer == "a\\b\tc'd %s"
    assert stored.department == "経理'部 %s\\"
    assert (stored.batch_id, stored.incident_id, stored.status) == (batch.pk, incident.pk,
                                                                    "unprocessed")
    zengin, _ = services.import_batch(actor=factories.ACTOR, incident_id=incident.pk,
                                      format="zengin", data=zengin_file(3),
                                      department="経理'部\t%s\\", channel="ib")
    assert set(Item.objects.filter(batch=zengin).values_list("department", "channel")) == {
        ("経理'部\t%s\\", "ib")}


def test_csv_errors_name_the_row_and_column(incident: Incident) -> None:
    text = CSV + "2026-12-03,0005,010,1234567,yamada,50000,X,101,ib\n" \
                 "2026-13-03,00A5,010,1234567,ﾔﾏﾀﾞ,-5,X,101,fax\n"
    with pytest.raises(InvalidInput) as caught:
        services.import_batch(actor=factories.ACTOR, incident_id=incident.pk, format="csv",
                              data=text.encode())
    found = {(e.field, e.rule) for e in caught.value.errors}
    assert found == {("rows[2].recipient_name", "settlement_kana"),
                     ("rows[3].settlement_date", "date"), ("rows[3].bank_code",
                                                            "settlement_digits"),
                     ("rows[3].amount", "settlement_amount"),
                     ("rows[3].channel", "settlement_channel")}
    _nothing_written()


def test_csv_without_required_columns_is_refused(incident: Incident) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.import_batch(actor=factories.ACTOR, incident_id=incident.pk, format="csv",
                              data=b"bank_code,amount\n0005,100\n")
    assert caught.value.errors[0].field == "columns"
    assert "settlement_date" in str(caught.value.errors[0].message)


def test_xlsx_imports_through_the_api(incident: Incident, api: Any) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["settlement_date", "bank_code", "branch_code", "account_number",
                  "recipient_name", "amount", "branch"])
    sheet.append(["2026-12-03", "0005", "010", "0001234", "ﾀﾅｶ ｹﾝｼﾞ", 120000, "201"])
    sheet.append(["2026-12-04", 5, 10, 1235, "ｻﾄｳ ﾐﾎ", 30000, "201"])
    buffer = io.BytesIO()
    book.save(buffer)
    form = {"file": SimpleUploadedFile("branch.xlsx", buffer.getvalue()), "format": "xlsx",
            "incident_id": incident.pk, "channel": "branch"}
    response = api.client.post("/api/v1/settlement/batches", form, headers=api.headers)
    assert response.status_code == 201, response.content
    assert response.json()["item_count"] == 2
    assert set(Item.objects.values_list("account_number", flat=True)) == {"0001234", "0001235"}
    assert set(Item.objects.values_list("channel", flat=True)) == {"branch"}


def test_json_items_import_and_refuse(incident: Incident, api: Any) -> None:
    good = {"incident_id": incident.pk, "items": [item(), item(amount=20000)],
            "department": "営業統括部"}
    response = api.post("/api/v1/settlement/batches", good)
    assert response.status_code == 201, response.content
    assert api.post("/api/v1/settlement/batches", good).status_code == 200
    bad = {"incident_id": incident.pk, "items": [item(amount="12,000"), item(bank_code="")]}
    refused = api.post("/api/v1/settlement/batches", bad)
    assert refused.status_code == 422
    assert {(e["field"], e["rule"]) for e in refused.json()["errors"]} == {
        ("items[0].amount", "settlement_amount"), ("items[1].bank_code", "required")}
    assert Item.objects.count() == 2


def test_vendor_may_not_see_payment_data(incident: Incident, make_api_client: Any) -> None:
    from antei.core.roles import Role

    vendor = factories.vendor(code="VX")
    client = make_api_client(Role.VENDOR, vendor_id=vendor.pk)
    response = client.get("/api/v1/settlement/batches")
    assert response.status_code == 403


def test_import_names_unknown_incident(db: None, client: Client) -> None:
    from antei.core.errors import NotFound

    with pytest.raises(NotFound):
        services.import_batch(actor=factories.ACTOR, incident_id=999, format="json",
                              items=[item()])
