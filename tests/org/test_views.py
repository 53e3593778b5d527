"""The organisation screens as a user meets them: departments, people and their contact
points, vendors and their contracts (A1-II-1, A2-RESP-1, C14)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from django.test import Client
from django.urls import reverse

from antei.core import services as core_services
from antei.core.actor import Actor
from antei.core.models import AuditEntry
from antei.core.roles import Role
from antei.inventory import services as inventory_services
from antei.org import services as org_services
from antei.org.models import ContactPoint, Department, Person, VendorContract
from tests import factories
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


@pytest.fixture
def login(client: Client, admin_actor: Actor) -> Callable[..., Client]:
    """login(role, vendor_id=None) -> the test client, logged in as a new user of that role."""
    counter = {"n": 0}

    def as_role(role: Role | str = Role.ADMIN, *, vendor_id: int | None = None) -> Client:
        counter["n"] += 1
        user = core_services.create_user(actor=admin_actor, username=f"{role}-org-{counter['n']}",
                                         role=str(role), password=PASSWORD, vendor_id=vendor_id)
        client.force_login(user)
        return client

    return as_role


@pytest.fixture
def org() -> dict[str, object]:
    dept = factories.department(code="SYSDEPT", name="システム部", kind="system")
    biz = factories.department(code="KAWASE", name="為替業務部", kind="business")
    vendor = factories.vendor(code="NTTD", name="エヌ・ティ・ティ・データ")
    person = factories.person(code="P001", name="山田太郎", name_kana="ヤマダタロウ",
                              department=dept.code)
    return {"dept": dept, "biz": biz, "vendor": vendor, "person": person}


LISTS = [
    ("department-list", "<h1>部署</h1>", "<h1>Departments</h1>", "SYSDEPT"),
    ("person-list", "<h1>担当者</h1>", "<h1>People</h1>", "山田太郎"),
    ("vendor-list", "<h1>委託先</h1>", "<h1>Vendors</h1>", "NTTD"),
]


@pytest.mark.parametrize(("name", "ja", "en", "row"), LISTS)
def test_list_pages_render_in_japanese_then_english(login, org, name, ja, en, row):
    client = login(Role.ADMIN)
    body = client.get(reverse(name)).content.decode()
    assert ja in body and row in body
    assert client.post("/i18n/language", {"language": "en", "next": "/"}).status_code == 302
    body = client.get(reverse(name)).content.decode()
    assert en in body and row in body


@pytest.mark.parametrize("name", [n for n, *_ in LISTS])
def test_list_pages_use_a_bounded_number_of_queries(login, django_assert_max_num_queries,
                                                    name):
    dept = factories.department()
    for _ in range(30):
        v = factories.vendor()
        org_services.add_contract(actor=factories.ACTOR, vendor=v.code, reference="C-1",
                                  title="保守契約", starts_on=date(2024, 4, 1))
        factories.person(department=dept.code, contact_points=[
            {"kind": "email", "address": f"p{v.pk}@bank.example.jp"}])
    client = login(Role.ADMIN)
    with django_assert_max_num_queries(10):
        response = client.get(reverse(name))
    assert response.status_code == 200


def test_department_search_and_kind_filter(login, org):
    client = login(Role.ADMIN)
    business = client.get(reverse("department-list"), {"kind": "business"}).content.decode()
    assert "KAWASE" in business and "SYSDEPT" not in business
    partial = client.get(reverse("department-list"), {"q": "為替"}, headers=HX).content.decode()
    assert "<html" not in partial and "KAWASE" in partial and "SYSDEPT" not in partial


def test_department_create_edit_and_refusals(login):
    client = login(Role.ADMIN)
    response = client.post(reverse("department-create"),
                           {"code": "RISK", "name": "リスク統括部", "kind": "risk"})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="department.create", object_repr__startswith="RISK")
    duplicate = client.post(reverse("department-create"),
                            {"code": "RISK", "name": "別の部", "kind": "risk"})
    assert duplicate.status_code == 422
    assert "「RISK」は既に登録されています。" in duplicate.content.decode()
    bad_code = client.post(reverse("department-create"), {"code": "リスク", "name": "x",
                                                           "kind": "risk"})
    assert bad_code.status_code == 422
    assert Department.objects.count() == 1
    client.post(reverse("department-edit", args=["RISK"]),
                {"name": "リスク管理部", "kind": "risk"})
    assert Department.objects.get(code="RISK").name == "リスク管理部"


def test_department_in_use_cannot_be_deleted(login, org):
    client = login(Role.ADMIN)
    response = client.post(reverse("department-delete", args=["SYSDEPT"]))
    assert response.status_code == 422
    assert Department.objects.filter(code="SYSDEPT").exists()


# --- people and contact points (A2-RESP-1) --------------------------------------------------


def test_person_page_shows_verification_in_tokyo_time_or_not_verified(login, org):
    a = factories.ACTOR
    verified = org_services.add_contact_point(actor=a, person="P001", kind="voice",
                                              address="090-1234-5678")
    org_services.add_contact_point(actor=a, person="P001", kind="email",
                                   address="yamada@bank.example.jp", priority=2)
    # Verification is recorded by call-out (not built yet); set it as that will.
    ContactPoint.objects.filter(pk=verified.pk).update(
        verified_at=datetime(2026, 1, 5, 0, 30, tzinfo=UTC))
    client = login(Role.AUDITOR)
    body = client.get(reverse("person-detail", args=["P001"])).content.decode()
    assert "+819012345678" in body
    assert "2026-01-05 09:30" in body  # 00:30 UTC is 09:30 in Tokyo
    assert "未確認" in body
    assert reverse("contact-add", args=["P001"]) not in body  # auditors cannot add
    client.post("/i18n/language", {"language": "en", "next": "/"})
    assert "not verified" in client.get(reverse("person-detail", args=["P001"])).content.decode()


def test_adding_a_contact_point_inline(login, org):
    client = login(Role.ADMIN)
    response = client.post(reverse("contact-add", args=["P001"]),
                           {"kind": "sms", "address": "080-2222-3333", "priority": "1"},
                           headers=HX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section class="card" id="contacts">')
    assert "+818022223333" in body and "未確認" in body
    assert AuditEntry.objects.filter(action="contact_point.create").exists()


def test_a_wrong_phone_number_is_refused_in_the_section(login, org):
    client = login(Role.ADMIN)
    response = client.post(reverse("contact-add", args=["P001"]),
                           {"kind": "voice", "address": "12"}, headers=HX)
    assert response.status_code == 422
    assert "「12」は有効な電話番号ではありません" in response.content.decode()
    assert not ContactPoint.objects.exists()


def test_deleting_a_contact_point_confirms_first(login, org):
    cp = org_services.add_contact_point(actor=factories.ACTOR, person="P001", kind="email",
                                        address="old@bank.example.jp")
    client = login(Role.ADMIN)
    url = reverse("contact-delete", args=["P001", cp.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "old@bank.example.jp" in confirm.content.decode()
    assert ContactPoint.objects.filter(pk=cp.pk).exists()
    response = client.post(url, headers=HX)
    assert response.status_code == 200
    assert not ContactPoint.objects.filter(pk=cp.pk).exists()


def test_person_needs_a_department_or_a_vendor(login, org):
    client = login(Role.ADMIN)
    response = client.post(reverse("person-create"), {"code": "P002", "name": "佐藤花子"})
    assert response.status_code == 422
    assert "部署か委託先のどちらか一方" in response.content.decode()
    ok = client.post(reverse("person-create"), {"code": "P002", "name": "佐藤花子",
                                                "vendor": "NTTD", "titles": "SE、責任者"})
    assert ok.status_code == 302
    assert Person.objects.get(code="P002").titles == ["SE", "責任者"]


# --- vendors and contracts (C14) --------------------------------------------------------------


def test_vendor_page_shows_contracts_and_the_systems_it_serves(login, org):
    system = factories.system(code="CORE", name="勘定系", owner_department="SYSDEPT")
    inventory_services.assign_vendor(actor=factories.ACTOR, system=system.code,
                                     vendor="NTTD", role="build")
    inventory_services.assign_vendor(actor=factories.ACTOR, system=system.code,
                                     vendor="NTTD", role="maintain")
    client = login(Role.ADMIN)
    response = client.post(reverse("contract-add", args=["NTTD"]), {
        "reference": "K-2024-01", "title": "勘定系保守契約", "services": ["maintain", "run"],
        "starts_on": "2024-04-01"}, headers=HX)
    assert response.status_code == 200 and "K-2024-01" in response.content.decode()
    body = client.get(reverse("vendor-detail", args=["NTTD"])).content.decode()
    assert "勘定系保守契約" in body and "保守, 運用" in body
    assert "勘定系" in body and "構築, 保守" in body
    bad = client.post(reverse("contract-add", args=["NTTD"]), {
        "reference": "K-2", "title": "x", "starts_on": "2024-04-01", "ends_on": "2024-03-01"},
        headers=HX)
    assert bad.status_code == 422 and "2024-04-01 より前の日付" in bad.content.decode()
    assert VendorContract.objects.count() == 1


def test_vendor_user_sees_only_its_own_vendor(login, org):
    other = factories.vendor(code="OTHER")
    client = login(Role.VENDOR, vendor_id=org["vendor"].pk)
    body = client.get(reverse("vendor-list")).content.decode()
    assert "NTTD" in body and "OTHER" not in body
    assert client.get(reverse("vendor-detail", args=[other.code])).status_code == 404
    assert "SYSDEPT" not in client.get(reverse("department-list")).content.decode()


@pytest.mark.parametrize("name", ["department-create", "person-create", "vendor-create"])
def test_read_only_roles_cannot_open_create_pages(login, name):
    for role in (Role.AUDITOR, Role.OPERATOR):
        client = login(role)
        assert client.get(reverse(name)).status_code == 403
        assert client.post(reverse(name), {"code": "X", "name": "x"}).status_code == 403


def test_auditor_sees_no_new_or_edit_links(login, org):
    client = login(Role.AUDITOR)
    assert reverse("department-create") not in client.get(
        reverse("department-list")).content.decode()
    page = client.get(reverse("department-detail", args=["SYSDEPT"])).content.decode()
    assert reverse("department-edit", args=["SYSDEPT"]) not in page
    vendor_page = client.get(reverse("vendor-detail", args=["NTTD"])).content.decode()
    assert reverse("vendor-edit", args=["NTTD"]) not in vendor_page
    assert reverse("contract-add", args=["NTTD"]) not in vendor_page
    assert client.post(reverse("contract-add", args=["NTTD"]), {}).status_code == 403


ORG_EDIT_SCREENS = [
    ("department-create", []), ("department-edit", ["SYSDEPT"]),
    ("department-delete", ["SYSDEPT"]), ("person-create", []), ("person-edit", ["P001"]),
    ("vendor-create", []), ("vendor-edit", ["NTTD"]), ("vendor-delete", ["NTTD"]),
]


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.VENDOR])
def test_only_admins_open_organisation_edit_screens(login, org, role):
    client = login(role)
    expected = 200 if role is Role.ADMIN else 403
    for name, args in ORG_EDIT_SCREENS:
        assert client.get(reverse(name, args=args)).status_code == expected, name
