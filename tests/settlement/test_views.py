"""The desk pages as a user meets them: Japanese by default, the plan, totals, burn-down,
suspend/resume, import, export, lookup; vendors are refused.

Catalog: A1-II-4, M-3.2, A1-II-13, A2-RESP-2, A2-RESP-3, C03.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from antei.core import services as core_services
from antei.core.actor import Actor
from antei.core.models import AuditEntry
from antei.core.roles import Role
from antei.incidents.models import Incident
from antei.settlement.models import Batch, IntakeSuspension, Item
from tests import factories
from tests.conftest import PASSWORD
from tests.settlement.conftest import patch, zengin_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(client: Client, admin_actor: Actor) -> Callable[..., Client]:
    counter = {"n": 0}

    def as_role(role: Role = Role.BUSINESS, *, vendor_id: int | None = None) -> Client:
        counter["n"] += 1
        user = core_services.create_user(actor=admin_actor, username=f"{role}-stl-{counter['n']}",
                                         role=str(role), password=PASSWORD, vendor_id=vendor_id)
        client.force_login(user)
        return client

    return as_role


def upload(client: Client, incident: Incident, data: bytes, **form: str) -> str:
    response = client.post(reverse("settlement-import", args=[incident.pk]),
                           {"file": SimpleUploadedFile("sogo.txt", data), "format": "zengin",
                            **form}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_desk_in_japanese_with_plan_totals_and_burndown(incident: Incident,
                                                        login: Callable[..., Client]) -> None:
    client = login()
    html = upload(client, incident, zengin_file(6), department="為替部")
    assert "6件" in html or "6 件" in html or "取り込みました" in html
    assert "未処理" in html and "当日決済" in html and "処理計画" in html
    assert "<svg" in html and "バーンダウン" in html
    assert "為替部" in html and "21,000" in html
    index = client.get(reverse("settlement-index")).content.decode()
    assert incident.number in index and "未処理決済" in index


def test_refused_file_shows_record_and_field_and_leaves_nothing(
        incident: Incident, login: Callable[..., Client]) -> None:
    html = upload(login(), incident, patch(zengin_file(4), 3, 80, b"00000X0000"))
    assert "records[3].amount" in html and "レコード3" in html
    assert Batch.objects.count() == 0 and Item.objects.count() == 0


def test_suspend_resume_and_the_page_shows_who(incident: Incident,
                                               login: Callable[..., Client]) -> None:
    client = login()
    client.post(reverse("settlement-suspend", args=[incident.pk]),
                {"channel": "ib", "note": "受付停止"})
    row = IntakeSuspension.objects.get()
    html = client.get(reverse("settlement-desk", args=[incident.pk])).content.decode()
    assert "受付停止" in html and row.suspended_by in html and "受付再開" in html
    client.post(reverse("settlement-resume", args=[incident.pk]), {"channel": "ib"})
    row.refresh_from_db()
    assert row.resumed_at is not None and row.resumed_by == row.suspended_by
    assert AuditEntry.objects.filter(action="settlement.intake.resume",
                                     source="web").exists()


def test_export_button_downloads_a_zip(incident: Incident, login: Callable[..., Client]) -> None:
    client = login()
    upload(client, incident, zengin_file(5))
    response = client.post(reverse("settlement-export", args=[incident.pk]),
                           {"max_records": "2"})
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert len([n for n in names if n.startswith("zengin/")]) == 3


def test_lookup_fragment(incident: Incident, login: Callable[..., Client]) -> None:
    client = login()
    upload(client, incident, zengin_file(4))
    response = client.get(reverse("settlement-lookup", args=[incident.pk]),
                          {"account": "1001"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and "0001001" in html and "未処理" in html
    assert "ｽｽﾞｷ ﾊﾅｺ" in html


def test_acknowledging_a_batch_marks_its_items(incident: Incident,
                                               login: Callable[..., Client]) -> None:
    client = login()
    upload(client, incident, zengin_file(4))
    batch = Batch.objects.get()
    client.post(reverse("settlement-ack", args=[incident.pk]), {"batch_id": str(batch.pk)})
    assert set(Item.objects.values_list("status", flat=True)) == {"processed"}


def test_read_only_roles_see_no_edit_forms_and_vendors_are_refused(
        incident: Incident, login: Callable[..., Client]) -> None:
    html = login(Role.AUDITOR).get(reverse("settlement-desk", args=[incident.pk])
                                   ).content.decode()
    assert 'name="file"' not in html and "settlement-suspend" not in html
    assert "/suspend" not in html
    refused = login(Role.AUDITOR).post(reverse("settlement-suspend", args=[incident.pk]),
                                       {"channel": "ib"})
    assert refused.status_code == 403
    vendor = factories.vendor(code="VZ")
    client = login(Role.VENDOR, vendor_id=vendor.pk)
    assert client.get(reverse("settlement-desk", args=[incident.pk])).status_code == 403
    assert client.get(reverse("settlement-index")).status_code == 403
