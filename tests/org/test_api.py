"""The organisation API through the real HTTP stack: departments, people, contact points,
vendors and contracts; status codes and problem bodies per the contract (A2-RESP-1, C14)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from antei.core.models import AuditEntry
from antei.core.roles import Role
from antei.org.models import ContactPoint, Department, Person, VendorContract
from tests import factories
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db

MakeClient = Callable[..., ApiClient]



def problem(response: Any, status: int) -> dict[str, Any]:
    """The problem body of an error response, after checking status and media type."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["code"] and body["detail"]
    return body


def rules(body: dict[str, Any]) -> set[tuple[str, str]]:
    return {(e["field"], e["rule"]) for e in body["errors"]}


# --- departments -------------------------------------------------------------------------

def test_department_crud(api: ApiClient) -> None:
    created = api.post("/api/v1/departments", {"code": "SYS-OPS", "name": "システム部",
                                               "kind": "system"})
    assert created.status_code == 201, created.content
    assert created.json() == {"code": "SYS-OPS", "name": "システム部", "name_en": "",
                              "kind": "system", "description": ""}
    assert api.get("/api/v1/departments/SYS-OPS").json()["name"] == "システム部"
    patched = api.patch("/api/v1/departments/SYS-OPS", {"name_en": "IT Operations"})
    assert patched.status_code == 200
    assert patched.json()["name_en"] == "IT Operations"
    assert patched.json()["name"] == "システム部"
    assert api.delete("/api/v1/departments/SYS-OPS").status_code == 204
    problem(api.get("/api/v1/departments/SYS-OPS"), 404)
    actions = list(AuditEntry.objects.filter(object_type="org.department")
                   .order_by("seq").values_list("action", "source"))
    assert actions == [("department.create", "api"), ("department.update", "api"),
                       ("department.delete", "api")]


def test_duplicate_department_is_409(api: ApiClient) -> None:
    factories.department(code="OPS")
    body = problem(api.post("/api/v1/departments", {"code": "OPS", "name": "x",
                                                     "kind": "system"}), 409)
    assert rules(body) == {("code", "unique")}
    assert "OPS" in body["errors"][0]["message"]


def test_invalid_department_names_every_bad_field(api: ApiClient) -> None:
    body = problem(api.post("/api/v1/departments", {"code": "bad code", "name": "x",
                                                     "kind": "sales"}), 422)
    assert rules(body) == {("code", "code_format"), ("kind", "choice")}
    assert Department.objects.count() == 0


def test_missing_fields_are_named(api: ApiClient) -> None:
    body = problem(api.post("/api/v1/departments", {"name_en": "x"}), 422)
    assert rules(body) == {("code", "required"), ("name", "required"), ("kind", "required")}


def test_too_long_name_is_named(api: ApiClient) -> None:
    body = problem(api.post("/api/v1/departments", {"code": "X", "name": "長" * 101,
                                                     "kind": "system"}), 422)
    assert rules(body) == {("name", "max_length")}


def test_body_that_is_not_json_is_400(api: ApiClient) -> None:
    response = api.client.post("/api/v1/departments", "{not json",
                               content_type="application/json", headers=api.headers)
    problem(response, 400)
    assert Department.objects.count() == 0


def test_unknown_department_is_404_on_every_verb(api: ApiClient) -> None:
    problem(api.get("/api/v1/departments/NOPE"), 404)
    problem(api.patch("/api/v1/departments/NOPE", {"name": "x"}), 404)
    problem(api.delete("/api/v1/departments/NOPE"), 404)


def test_department_in_use_is_409(api: ApiClient) -> None:
    factories.system(owner_department=factories.department(code="OPS").code)
    body = problem(api.delete("/api/v1/departments/OPS"), 409)
    assert rules(body) == {("code", "in_use")}


def test_departments_page_and_filter(api: ApiClient) -> None:
    for i in range(5):
        factories.department(code=f"D-{i}", kind="business" if i % 2 else "system")
    page = api.get("/api/v1/departments", limit=2, offset=2).json()
    assert (page["count"], page["limit"], page["offset"]) == (5, 2, 2)
    assert [d["code"] for d in page["items"]] == ["D-2", "D-3"]
    business = api.get("/api/v1/departments", kind="business").json()
    assert [d["code"] for d in business["items"]] == ["D-1", "D-3"]
    assert [d["code"] for d in api.get("/api/v1/departments", q="D-4").json()["items"]] == [
        "D-4"]


def test_page_size_is_capped(api: ApiClient) -> None:
    factories.department()
    assert api.get("/api/v1/departments", limit=100000).json()["limit"] == 500
    assert api.get("/api/v1/departments", limit=0).json()["limit"] == 1


def test_non_numeric_limit_is_422(api: ApiClient) -> None:
    body = problem(api.get("/api/v1/departments", limit="lots"), 422)
    assert rules(body) == {("limit", "integer")}


# --- authentication and roles ------------------------------------------------------------

def test_no_token_is_401(db: None) -> None:
    body = problem(Client().get("/api/v1/departments"), 401)
    assert body["code"] == "not_authenticated"


def test_bad_token_is_401(db: None) -> None:
    response = Client().get("/api/v1/people",
                            headers={"Authorization": "Bearer antei_forged-token"})
    problem(response, 401)


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.BUSINESS, Role.RISK, Role.AUDITOR,
                                  Role.EXECUTIVE])
def test_non_admins_may_read_but_not_write_the_organisation(
    make_api_client: MakeClient, role: Role,
) -> None:
    factories.department(code="OPS")
    client = make_api_client(role)
    assert client.get("/api/v1/departments").status_code == 200
    body = problem(client.post("/api/v1/departments", {"code": "NEW", "name": "x",
                                                        "kind": "system"}), 403)
    assert body["code"] == "forbidden"
    problem(client.patch("/api/v1/departments/OPS", {"name": "x"}), 403)
    problem(client.delete("/api/v1/departments/OPS"), 403)
    assert list(Department.objects.values_list("code", "name")) == [
        ("OPS", Department.objects.get().name)]
    assert not Department.objects.filter(code="NEW").exists()


def test_forbidden_write_is_refused_before_validation(make_api_client: MakeClient) -> None:
    """A role that may not act learns nothing about the input's shape: 403, not 422."""
    problem(make_api_client(Role.AUDITOR).post("/api/v1/departments", {"bogus": 1}), 403)


# --- vendors and contracts ---------------------------------------------------------------

def test_vendor_crud_with_contracts(api: ApiClient) -> None:
    created = api.post("/api/v1/vendors", {"code": "NTTD", "name": "委託先A",
                                           "emergency_contact": "03-1234-5678"})
    assert created.status_code == 201, created.content
    assert created.json()["contracts"] == []
    contract = api.post("/api/v1/vendors/NTTD/contracts", {
        "reference": "C-2024-01", "title": "勘定系運用委託", "services": ["run", "maintain"],
        "starts_on": "2024-04-01", "ends_on": "2027-03-31"})
    assert contract.status_code == 201, contract.content
    contract_id = contract.json()["id"]
    got = api.get("/api/v1/vendors/NTTD").json()
    assert [(c["reference"], c["ends_on"]) for c in got["contracts"]] == [
        ("C-2024-01", "2027-03-31")]
    assert api.patch("/api/v1/vendors/NTTD", {"name": "委託先A社"}).json()["name"] == "委託先A社"
    assert api.delete(f"/api/v1/vendors/NTTD/contracts/{contract_id}").status_code == 204
    assert not VendorContract.objects.exists()
    assert api.delete("/api/v1/vendors/NTTD").status_code == 204
    problem(api.get("/api/v1/vendors/NTTD"), 404)


def test_contract_errors(api: ApiClient) -> None:
    factories.vendor(code="NTTD")
    body = problem(api.post("/api/v1/vendors/NTTD/contracts", {
        "reference": "C-1", "title": "x", "starts_on": "2024-04-01",
        "ends_on": "2023-04-01"}), 422)
    assert rules(body) == {("ends_on", "date_order")}
    body = problem(api.post("/api/v1/vendors/NTTD/contracts", {
        "reference": "C-1", "title": "x", "starts_on": "April"}), 422)
    assert rules(body) == {("starts_on", "date")}
    problem(api.post("/api/v1/vendors/NOPE/contracts", {
        "reference": "C-1", "title": "x", "starts_on": "2024-04-01"}), 404)
    problem(api.delete("/api/v1/vendors/NTTD/contracts/999999"), 404)


def test_contract_of_another_vendor_cannot_be_deleted_through_this_one(
    api: ApiClient, admin_actor: Any,
) -> None:
    from datetime import date

    from antei.org import services

    factories.vendor(code="A")
    factories.vendor(code="B")
    contract = services.add_contract(actor=admin_actor, vendor="B", reference="C-1",
                                     title="x", starts_on=date(2024, 4, 1))
    problem(api.delete(f"/api/v1/vendors/A/contracts/{contract.pk}"), 404)
    assert VendorContract.objects.filter(pk=contract.pk).exists()


def test_duplicate_vendor_is_409(api: ApiClient) -> None:
    factories.vendor(code="NTTD")
    assert rules(problem(api.post("/api/v1/vendors", {"code": "NTTD", "name": "x"}), 409)) == {
        ("code", "unique")}


def test_vendor_user_sees_only_its_own_vendor(make_api_client: MakeClient) -> None:
    """C14: a vendor's engineers see their own company, not the bank's other vendors."""
    own = factories.vendor(code="OWN")
    factories.vendor(code="OTHER")
    client = make_api_client(Role.VENDOR, vendor_id=own.pk)
    listing = client.get("/api/v1/vendors").json()
    assert (listing["count"], [v["code"] for v in listing["items"]]) == (1, ["OWN"])
    assert client.get("/api/v1/vendors/OWN").status_code == 200
    problem(client.get("/api/v1/vendors/OTHER"), 404)


def test_vendor_user_sees_only_its_own_people(make_api_client: MakeClient) -> None:
    own = factories.vendor(code="OWN")
    other = factories.vendor(code="OTHER")
    factories.person(code="V-OWN", vendor="OWN", contact_points=[
        {"kind": "email", "address": "own@example.jp"}])
    factories.person(code="V-OTHER", vendor=other.code, contact_points=[
        {"kind": "email", "address": "other@example.jp"}])
    factories.person(code="STAFF", contact_points=[
        {"kind": "email", "address": "staff@example.jp"}])
    client = make_api_client(Role.VENDOR, vendor_id=own.pk)
    assert [p["code"] for p in client.get("/api/v1/people").json()["items"]] == ["V-OWN"]
    problem(client.get("/api/v1/people/STAFF"), 404)
    problem(client.get("/api/v1/people/V-OTHER"), 404)
    contacts = client.get("/api/v1/contact-points").json()
    assert [c["address"] for c in contacts["items"]] == ["own@example.jp"]
    assert client.get("/api/v1/departments").json()["count"] == 0


# --- people and contact points -----------------------------------------------------------

def test_person_crud_with_contact_points(api: ApiClient) -> None:
    factories.department(code="OPS")
    created = api.post("/api/v1/people", {
        "code": "E001", "name": "山田太郎", "name_kana": "ヤマダタロウ", "department": "OPS",
        "titles": ["課長"], "contact_points": [
            {"kind": "sms", "address": "090-1234-5678"},
            {"kind": "email", "address": "yamada@example.jp", "priority": 2}]})
    assert created.status_code == 201, created.content
    person = created.json()
    assert (person["department"], person["vendor"], person["is_key_person"]) == (
        "OPS", None, False)
    assert [(c["kind"], c["address"], c["verified_at"]) for c in person["contact_points"]] == [
        ("sms", "+819012345678", None), ("email", "yamada@example.jp", None)]

    added = api.post("/api/v1/people/E001/contact-points",
                     {"kind": "voice", "address": "03-1234-5678", "label": "自宅",
                      "priority": 3})
    assert added.status_code == 201, added.content
    assert (added.json()["person"], added.json()["address"]) == ("E001", "+81312345678")
    contact_id = added.json()["id"]

    patched = api.patch(f"/api/v1/contact-points/{contact_id}", {"address": "06-6123-4567"})
    assert patched.status_code == 200
    assert patched.json()["address"] == "+81661234567"
    listed = api.get("/api/v1/contact-points", person="E001").json()
    assert listed["count"] == 3
    assert api.delete(f"/api/v1/contact-points/{contact_id}").status_code == 204
    assert api.get("/api/v1/contact-points", person="E001").json()["count"] == 2

    assert api.patch("/api/v1/people/E001", {"is_active": False}).json()["is_active"] is False
    assert api.delete("/api/v1/people/E001").status_code == 204
    problem(api.get("/api/v1/people/E001"), 404)
    assert not ContactPoint.objects.exists()


def test_person_with_one_bad_contact_point_is_not_created(api: ApiClient) -> None:
    """A2-RESP-1: the bad entry is named by its position; nothing is half-written."""
    factories.department(code="OPS")
    body = problem(api.post("/api/v1/people", {
        "code": "E001", "name": "山田太郎", "department": "OPS", "contact_points": [
            {"kind": "sms", "address": "090-1234-5678"},
            {"kind": "email", "address": "yamada@example.jp"},
            {"kind": "voice", "address": "03-1234"}]}), 422)
    assert rules(body) == {("contact_points[2].address", "phone")}
    assert not Person.objects.exists() and not ContactPoint.objects.exists()


def test_person_with_unknown_department_is_422(api: ApiClient) -> None:
    body = problem(api.post("/api/v1/people", {"code": "E001", "name": "山田",
                                                "department": "NOPE"}), 422)
    assert rules(body) == {("department", "unknown")}


def test_contact_point_pydantic_errors_name_the_field(api: ApiClient) -> None:
    person = factories.person()
    body = problem(api.post(f"/api/v1/people/{person.code}/contact-points",
                            {"kind": "sms", "address": "090-1234-5678",
                             "priority": "first"}), 422)
    assert rules(body) == {("priority", "integer")}
    body = problem(api.post(f"/api/v1/people/{person.code}/contact-points",
                            {"kind": "sms"}), 422)
    assert rules(body) == {("address", "required")}


def test_contact_point_for_unknown_person_is_404(api: ApiClient) -> None:
    problem(api.post("/api/v1/people/NOPE/contact-points",
                     {"kind": "email", "address": "a@example.jp"}), 404)
    problem(api.patch("/api/v1/contact-points/999999", {"label": "x"}), 404)
    problem(api.delete("/api/v1/contact-points/999999"), 404)


def test_duplicate_contact_point_is_409(api: ApiClient) -> None:
    person = factories.person(contact_points=[{"kind": "sms", "address": "090-1234-5678"}])
    body = problem(api.post(f"/api/v1/people/{person.code}/contact-points",
                            {"kind": "sms", "address": "+81 90-1234-5678"}), 409)
    assert rules(body) == {("address", "unique")}


def test_people_filter_by_department(api: ApiClient) -> None:
    factories.department(code="OPS")
    factories.department(code="PAY", kind="business")
    for i in range(3):
        factories.person(code=f"OPS-{i}", department="OPS")
    factories.person(code="PAY-0", department="PAY")
    page = api.get("/api/v1/people", department="OPS").json()
    assert page["count"] == 3
    assert [p["code"] for p in page["items"]] == ["OPS-0", "OPS-1", "OPS-2"]
    page = api.get("/api/v1/people", department="OPS", limit=1, offset=1).json()
    assert (page["count"], [p["code"] for p in page["items"]]) == (3, ["OPS-1"])
    assert api.get("/api/v1/people", department="NOPE").json()["count"] == 0


def test_key_person_flag_is_shown(api: ApiClient, admin_actor: Any) -> None:
    """M-4.4: a person's record shows which systems depend on them."""
    from antei.inventory import services as inventory_services

    person = factories.person(code="E001")
    system = factories.system(code="CORE")
    inventory_services.add_key_person(actor=admin_actor, system=system.code,
                                      person=person.code)
    got = api.get("/api/v1/people/E001").json()
    assert (got["is_key_person"], got["key_person_for"]) == (True, ["CORE"])


def test_people_list_query_count_is_bounded(
    api: ApiClient, admin_actor: Any, django_assert_max_num_queries: Any,
) -> None:
    """Sixty people with contacts and key-person roles: a fixed number of queries."""
    from antei.inventory import services as inventory_services

    factories.department(code="OPS")
    system = factories.system(code="CORE", owner_department="OPS")
    for i in range(60):
        factories.person(code=f"E{i:03d}", department="OPS", contact_points=[
            {"kind": "email", "address": f"e{i}@example.jp"},
            {"kind": "sms", "address": f"090-1000-{i:04d}"}])
        if i % 3 == 0:
            inventory_services.add_key_person(actor=admin_actor, system=system.code,
                                              person=f"E{i:03d}")
    with django_assert_max_num_queries(10):
        response = api.get("/api/v1/people", limit=100)
    body = response.json()
    assert body["count"] == 60 and len(body["items"]) == 60
    assert all(len(p["contact_points"]) == 2 for p in body["items"])
    assert sum(p["is_key_person"] for p in body["items"]) == 20


# --- language ----------------------------------------------------------------------------

def test_field_errors_are_in_japanese_when_asked(api: ApiClient) -> None:
    person = factories.person()
    path = f"/api/v1/people/{person.code}/contact-points"
    body = {"kind": "email", "address": "   "}
    english = problem(api.client.post(path, body, content_type="application/json",
                                      headers=api.headers), 422)
    japanese = problem(api.client.post(path, body, content_type="application/json",
                                       headers={**api.headers, "Accept-Language": "ja"}), 422)
    assert rules(english) == rules(japanese) == {("address", "required")}
    assert english["errors"][0]["message"] != japanese["errors"][0]["message"]
    assert "必須" in japanese["errors"][0]["message"]


def test_not_found_is_in_japanese_when_asked(api: ApiClient) -> None:
    english = problem(api.get("/api/v1/departments/NOPE"), 404)
    response = api.client.get("/api/v1/departments/NOPE",
                              headers={**api.headers, "Accept-Language": "ja-JP,ja;q=0.9"})
    japanese = problem(response, 404)
    assert response["Content-Language"] == "ja"
    assert "NOPE" in japanese["detail"]
    assert japanese["detail"] != english["detail"]


def test_forbidden_is_in_japanese_when_asked(make_api_client: MakeClient) -> None:
    client = make_api_client(Role.AUDITOR)
    english = problem(client.delete("/api/v1/departments/X"), 403)
    japanese = problem(client.client.delete(
        "/api/v1/departments/X", headers={**client.headers, "Accept-Language": "ja"}), 403)
    assert japanese["detail"] != english["detail"]
