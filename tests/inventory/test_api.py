"""The inventory API through the real HTTP stack: business functions, systems and what hangs
off them, external parties and connections (A1-I-3, A1-I-5, A1-I-9, A1-II-2, M-2.4,
A2-OPS-MON-1, A2-PERF-SET-4, C14 vendor scope)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from antei.core.actor import Actor
from antei.core.models import AuditEntry
from antei.core.roles import Role
from antei.inventory import services
from antei.inventory.models import BusinessFunction, Component, Connection, System
from tests import factories
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db

MakeClient = Callable[..., ApiClient]



def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["code"] and body["detail"]
    return body


def rules(body: dict[str, Any]) -> set[tuple[str, str]]:
    return {(e["field"], e["rule"]) for e in body["errors"]}


def codes(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["items"]]


@pytest.fixture
def core(db: None) -> System:
    """勘定系 CORE, owned by the system department OPS, serving 為替 PAY."""
    factories.department(code="OPS")
    factories.business_function(code="PAY", name="為替", criticality="critical",
                                impact_tolerance_minutes=60)
    return factories.system(code="CORE", name="勘定系", tier="critical", owner_department="OPS",
                            business_functions=["PAY"])


# --- business functions ------------------------------------------------------------------

def test_business_function_crud(api: ApiClient) -> None:
    factories.department(code="PAYD", kind="business")
    created = api.post("/api/v1/business-functions", {
        "code": "PAY", "name": "為替", "criticality": "critical",
        "impact_tolerance_minutes": 120, "owner_department": "PAYD"})
    assert created.status_code == 201, created.content
    assert created.json()["owner_department"] == "PAYD"
    assert api.get("/api/v1/business-functions/PAY").json()["impact_tolerance_minutes"] == 120
    patched = api.patch("/api/v1/business-functions/PAY", {"impact_tolerance_minutes": 60})
    assert patched.json()["impact_tolerance_minutes"] == 60
    assert codes(api.get("/api/v1/business-functions", criticality="critical")) == ["PAY"]
    assert codes(api.get("/api/v1/business-functions", criticality="low")) == []
    assert api.delete("/api/v1/business-functions/PAY").status_code == 204
    problem(api.get("/api/v1/business-functions/PAY"), 404)


@pytest.mark.parametrize(("value", "rule"), [
    ("abc", "integer"), (1.5, "integer"), ([60], "integer"), (0, "positive"),
    (-30, "positive"),
])
def test_impact_tolerance_errors_name_the_field(api: ApiClient, value: object,
                                                rule: str) -> None:
    body = problem(api.post("/api/v1/business-functions", {
        "code": "PAY", "name": "為替", "criticality": "high",
        "impact_tolerance_minutes": value}), 422)
    assert rules(body) == {("impact_tolerance_minutes", rule)}
    assert not BusinessFunction.objects.exists()


def test_business_function_missing_fields(api: ApiClient) -> None:
    body = problem(api.post("/api/v1/business-functions", {"code": "PAY"}), 422)
    assert rules(body) == {("name", "required"), ("criticality", "required"),
                           ("impact_tolerance_minutes", "required")}


def test_business_function_unknown_owner_is_422(api: ApiClient) -> None:
    body = problem(api.post("/api/v1/business-functions", {
        "code": "PAY", "name": "為替", "criticality": "high", "impact_tolerance_minutes": 60,
        "owner_department": "NOPE"}), 422)
    assert rules(body) == {("owner_department", "unknown")}


def test_business_function_duplicate_is_409_and_in_use_is_409(api: ApiClient,
                                                               core: System) -> None:
    body = problem(api.post("/api/v1/business-functions", {
        "code": "PAY", "name": "x", "criticality": "high", "impact_tolerance_minutes": 5}), 409)
    assert rules(body) == {("code", "unique")}
    body = problem(api.delete("/api/v1/business-functions/PAY"), 409)
    assert rules(body) == {("code", "in_use")}


def test_business_department_edits_business_functions_not_systems(
    make_api_client: MakeClient, core: System,
) -> None:
    client = make_api_client(Role.BUSINESS)
    response = client.patch("/api/v1/business-functions/PAY", {"impact_tolerance_minutes": 30})
    assert response.status_code == 200, response.content
    problem(client.patch("/api/v1/systems/CORE", {"name": "x"}), 403)
    assert System.objects.get().name == "勘定系"


# --- systems -----------------------------------------------------------------------------

def test_system_crud(api: ApiClient, core: System) -> None:
    created = api.post("/api/v1/systems", {
        "code": "ATM", "name": "ATMシステム", "tier": "important", "owner_department": "OPS",
        "business_functions": ["PAY"], "online_start": "07:00", "online_end": "23:00",
        "online_days": "every_day", "in_service_since": "2015-05-01"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["business_functions"], body["online_start"], body["vendors"]) == (
        ["PAY"], "07:00:00", [])
    patched = api.patch("/api/v1/systems/ATM", {"tier": "critical",
                                                "last_major_change": "2023-11-20"})
    assert patched.status_code == 200, patched.content
    assert (patched.json()["tier"], patched.json()["last_major_change"]) == (
        "critical", "2023-11-20")
    assert api.get("/api/v1/systems/ATM").json()["name"] == "ATMシステム"
    assert api.delete("/api/v1/systems/ATM").status_code == 204
    problem(api.get("/api/v1/systems/ATM"), 404)
    problem(api.patch("/api/v1/systems/ATM", {"name": "x"}), 404)
    problem(api.delete("/api/v1/systems/ATM"), 404)


def test_system_with_unknown_department_is_422_naming_the_field(api: ApiClient) -> None:
    body = problem(api.post("/api/v1/systems", {"code": "CORE", "name": "勘定系",
                                                "tier": "critical",
                                                "owner_department": "NOPE"}), 422)
    assert rules(body) == {("owner_department", "unknown")}
    assert "NOPE" in body["errors"][0]["message"]
    assert not System.objects.exists()


def test_system_bad_types_and_values_are_all_named(api: ApiClient, core: System) -> None:
    body = problem(api.post("/api/v1/systems", {
        "code": "X", "name": "x", "tier": "critical", "owner_department": "OPS",
        "in_service_since": "yesterday", "online_start": "8 o'clock"}), 422)
    assert rules(body) == {("in_service_since", "date"), ("online_start", "time")}
    body = problem(api.post("/api/v1/systems", {
        "code": "X", "name": "x", "tier": "gold", "owner_department": "OPS",
        "online_start": "08:00"}), 422)
    assert rules(body) == {("tier", "choice"), ("online_end", "time_window")}


def test_duplicate_system_is_409(api: ApiClient, core: System) -> None:
    body = problem(api.post("/api/v1/systems", {"code": "CORE", "name": "x", "tier": "critical",
                                                "owner_department": "OPS"}), 409)
    assert rules(body) == {("code", "unique")}


def test_system_filters(api: ApiClient, admin_actor: Actor, core: System) -> None:
    """A1-I-3 / A1-I-5: the inventory answers 'which systems…' by tier, owner, business,
    vendor and EUC."""
    factories.department(code="PAYD", kind="business")
    factories.business_function(code="ATM")
    vendor = factories.vendor(code="VND")
    factories.system(code="ATM-SYS", tier="important", owner_department="OPS",
                     business_functions=["ATM"])
    factories.system(code="EUC-1", name="照合マクロ", tier="standard", owner_department="PAYD",
                     is_euc=True, business_functions=["PAY"])
    services.assign_vendor(actor=admin_actor, system="ATM-SYS", vendor=vendor.code, role="run")
    services.assign_vendor(actor=admin_actor, system="ATM-SYS", vendor=vendor.code,
                           role="maintain")

    assert codes(api.get("/api/v1/systems")) == ["ATM-SYS", "CORE", "EUC-1"]
    assert codes(api.get("/api/v1/systems", tier="critical")) == ["CORE"]
    assert codes(api.get("/api/v1/systems", department="PAYD")) == ["EUC-1"]
    assert codes(api.get("/api/v1/systems", business_function="PAY")) == ["CORE", "EUC-1"]
    vendor_page = api.get("/api/v1/systems", vendor="VND")
    assert codes(vendor_page) == ["ATM-SYS"]
    assert vendor_page.json()["count"] == 1  # two roles, one system
    assert codes(api.get("/api/v1/systems", is_euc="true")) == ["EUC-1"]
    assert codes(api.get("/api/v1/systems", is_euc="false")) == ["ATM-SYS", "CORE"]
    assert codes(api.get("/api/v1/systems", q="照合")) == ["EUC-1"]
    assert codes(api.get("/api/v1/systems", q="atm")) == ["ATM-SYS"]
    assert codes(api.get("/api/v1/systems", tier="critical", department="PAYD")) == []


def test_systems_pagination(api: ApiClient) -> None:
    dept = factories.department(code="OPS")
    for i in range(7):
        factories.system(code=f"S{i:02d}", owner_department=dept.code)
    page = api.get("/api/v1/systems", limit=3, offset=3).json()
    assert (page["count"], page["limit"], page["offset"]) == (7, 3, 3)
    assert [s["code"] for s in page["items"]] == ["S03", "S04", "S05"]
    last = api.get("/api/v1/systems", limit=3, offset=6).json()
    assert [s["code"] for s in last["items"]] == ["S06"]
    beyond = api.get("/api/v1/systems", limit=3, offset=50).json()
    assert (beyond["count"], beyond["items"]) == (7, [])


def test_systems_list_query_count_is_bounded(
    api: ApiClient, admin_actor: Actor, django_assert_max_num_queries: Any,
) -> None:
    """Sixty systems with business functions and vendors: a fixed number of queries."""
    dept = factories.department(code="OPS")
    bfs = [factories.business_function(code=f"BF{i}").code for i in range(3)]
    vendors = [factories.vendor(code=f"V{i}").code for i in range(3)]
    for i in range(60):
        factories.system(code=f"S{i:03d}", owner_department=dept.code,
                         business_functions=bfs[: 1 + i % 3])
        services.assign_vendor(actor=admin_actor, system=f"S{i:03d}", vendor=vendors[i % 3],
                               role="run")
    with django_assert_max_num_queries(10):
        response = api.get("/api/v1/systems", limit=100)
    body = response.json()
    assert body["count"] == 60 and len(body["items"]) == 60
    assert all(s["vendors"] and s["business_functions"] for s in body["items"])


# --- components --------------------------------------------------------------------------

def test_component_crud_and_standby_rule(api: ApiClient, core: System) -> None:
    """A2-OPS-MON-1 / A2-PERF-SET-4: a standby must name the active it takes over from."""
    base = "/api/v1/systems/CORE/components"
    body = problem(api.post(base, {"name": "app-2", "kind": "server",
                                   "environment": "standby"}), 422)
    assert rules(body) == {("active_peer", "standby_needs_active")}
    assert not Component.objects.exists()

    assert api.post(base, {"name": "app-1", "kind": "server", "environment": "active",
                           "hostname": "core-app1", "site": "東京"}).status_code == 201
    standby = api.post(base, {"name": "app-2", "kind": "server", "environment": "standby",
                              "active_peer": "app-1", "site": "大阪"})
    assert standby.status_code == 201, standby.content
    assert (standby.json()["system"], standby.json()["active_peer"]) == ("CORE", "app-1")

    assert [c["name"] for c in api.get(base).json()] == ["app-1", "app-2"]
    assert [c["name"] for c in api.get(base, environment="standby").json()] == ["app-2"]
    assert api.get(f"{base}/app-1").json()["hostname"] == "core-app1"
    assert api.patch(f"{base}/app-1", {"version": "RHEL 9"}).json()["version"] == "RHEL 9"
    assert rules(problem(api.patch(f"{base}/app-1", {"environment": "development"}), 422)) == {
        ("environment", "in_use")}
    assert rules(problem(api.delete(f"{base}/app-1"), 409)) == {("code", "in_use")}
    assert api.delete(f"{base}/app-2").status_code == 204
    assert api.delete(f"{base}/app-1").status_code == 204
    assert api.get(base).json() == []


def test_unknown_component_404_names_the_component(api: ApiClient, core: System) -> None:
    for response in (api.get("/api/v1/systems/CORE/components/app-9"),
                     api.patch("/api/v1/systems/CORE/components/app-9", {"version": "1"}),
                     api.delete("/api/v1/systems/CORE/components/app-9")):
        assert "app-9" in problem(response, 404)["detail"]
    problem(api.get("/api/v1/systems/NOPE/components"), 404)
    problem(api.post("/api/v1/systems/NOPE/components",
                     {"name": "x", "kind": "server", "environment": "active"}), 404)


def test_duplicate_component_is_409(api: ApiClient, core: System) -> None:
    payload = {"name": "db-1", "kind": "database", "environment": "active"}
    assert api.post("/api/v1/systems/CORE/components", payload).status_code == 201
    body = problem(api.post("/api/v1/systems/CORE/components", payload), 409)
    assert rules(body) == {("name", "unique")}


# --- batch windows, vendors, responsibilities, key persons -------------------------------

def test_batch_windows(api: ApiClient, core: System) -> None:
    base = "/api/v1/systems/CORE/batch-windows"
    created = api.post(base, {"name": "夜間バッチ", "start": "22:00", "end": "02:30"})
    assert created.status_code == 201, created.content
    window_id = created.json()["id"]
    assert [(w["name"], w["start"], w["end"], w["days"]) for w in api.get(base).json()] == [
        ("夜間バッチ", "22:00:00", "02:30:00", "business_days")]
    assert rules(problem(api.post(base, {"name": "夜間バッチ", "start": "23:00",
                                         "end": "03:00"}), 409)) == {("name", "unique")}
    assert rules(problem(api.post(base, {"name": "x", "start": "23:00", "end": "03:00",
                                         "days": "sundays"}), 422)) == {("days", "choice")}
    assert rules(problem(api.post(base, {"name": "x", "start": "23:00"}), 422)) == {
        ("end", "required")}
    assert api.delete(f"{base}/{window_id}").status_code == 204
    problem(api.delete(f"{base}/{window_id}"), 404)
    assert api.get(base).json() == []


def test_system_vendors(api: ApiClient, core: System) -> None:
    """C14: who builds, runs and maintains each system."""
    factories.vendor(code="VND")
    base = "/api/v1/systems/CORE/vendors"
    assert api.post(base, {"vendor": "VND", "role": "run"}).status_code == 201
    assert api.post(base, {"vendor": "VND", "role": "maintain"}).status_code == 201
    assert api.get(base).json() == [{"vendor": "VND", "role": "maintain"},
                                    {"vendor": "VND", "role": "run"}]
    problem(api.post(base, {"vendor": "VND", "role": "run"}), 409)
    assert rules(problem(api.post(base, {"vendor": "NOPE", "role": "run"}), 422)) == {
        ("vendor", "unknown")}
    assert rules(problem(api.post(base, {"vendor": "VND", "role": "advise"}), 422)) == {
        ("role", "choice")}
    assert api.delete(f"{base}/VND/run").status_code == 204
    problem(api.delete(f"{base}/VND/run"), 404)
    assert api.get(base).json() == [{"vendor": "VND", "role": "maintain"}]


def test_responsibility_matrix(api: ApiClient, core: System) -> None:
    """A1-II-2, A1-I-9 / M-2.4: volume forecasting stays in-house by default and cannot be
    handed to a vendor; monitoring can."""
    factories.vendor(code="VND")
    base = "/api/v1/systems/CORE/responsibilities"
    forecast = api.put(base, {"task": "volume_forecasting", "department": "OPS"})
    assert forecast.status_code == 200, forecast.content
    assert forecast.json()["must_stay_in_house"] is True
    body = problem(api.put(base, {"task": "volume_forecasting", "vendor": "VND"}), 422)
    assert rules(body) == {("vendor", "in_house_task")}
    monitoring = api.put(base, {"task": "monitoring", "vendor": "VND", "notes": "24時間監視"})
    assert monitoring.json() == {"task": "monitoring", "department": None, "vendor": "VND",
                                 "must_stay_in_house": False, "notes": "24時間監視"}
    assert rules(problem(api.put(base, {"task": "monitoring"}), 422)) == {
        ("department", "one_owner")}
    assert rules(problem(api.put(base, {"task": "coffee", "department": "OPS"}), 422)) == {
        ("task", "choice")}
    listed = api.get(base).json()
    assert [(r["task"], r["department"], r["vendor"]) for r in listed] == [
        ("monitoring", None, "VND"), ("volume_forecasting", "OPS", None)]
    problem(api.put("/api/v1/systems/NOPE/responsibilities",
                    {"task": "monitoring", "department": "OPS"}), 404)


def test_key_persons(api: ApiClient, core: System) -> None:
    factories.person(code="E001")
    base = "/api/v1/systems/CORE/key-persons"
    created = api.post(base, {"person": "E001", "area": "勘定系バッチ"})
    assert created.status_code == 201, created.content
    assert api.get(base).json() == [{"person": "E001", "area": "勘定系バッチ"}]
    problem(api.post(base, {"person": "E001"}), 409)
    assert rules(problem(api.post(base, {"person": "NOPE"}), 422)) == {("person", "unknown")}
    assert api.delete(f"{base}/E001").status_code == 204
    problem(api.delete(f"{base}/E001"), 404)
    assert api.get(base).json() == []


# --- external parties and connections ----------------------------------------------------

def test_external_parties_and_connections(api: ApiClient, core: System) -> None:
    """A1-I-3: the configuration map includes partners outside the bank."""
    created = api.post("/api/v1/external-parties", {"code": "ZENGIN", "name": "全銀システム",
                                                    "kind": "zengin"})
    assert created.status_code == 201, created.content
    problem(api.post("/api/v1/external-parties", {"code": "ZENGIN", "name": "x",
                                                  "kind": "zengin"}), 409)
    assert rules(problem(api.post("/api/v1/external-parties", {
        "code": "X", "name": "x", "kind": "friend"}), 422)) == {("kind", "choice")}
    assert [p["code"] for p in api.get("/api/v1/external-parties").json()] == ["ZENGIN"]

    factories.system(code="ATM", owner_department="OPS")
    to_zengin = api.post("/api/v1/connections", {"source": "CORE", "target_external": "ZENGIN",
                                                 "direction": "both", "protocol": "全銀TCP/IP"})
    assert to_zengin.status_code == 201, to_zengin.content
    to_atm = api.post("/api/v1/connections", {"source": "ATM", "target_system": "CORE",
                                              "direction": "outbound"})
    assert to_atm.status_code == 201
    got = api.get(f"/api/v1/connections/{to_zengin.json()['id']}").json()
    assert (got["source"], got["target_external"], got["target_system"]) == (
        "CORE", "ZENGIN", None)

    everything = api.get("/api/v1/connections").json()
    assert everything["count"] == 2
    by_system = api.get("/api/v1/connections", system="ATM").json()
    assert [c["source"] for c in by_system["items"]] == ["ATM"]
    by_partner = api.get("/api/v1/connections", external="ZENGIN").json()
    assert [c["id"] for c in by_partner["items"]] == [to_zengin.json()["id"]]

    assert api.delete(f"/api/v1/connections/{to_atm.json()['id']}").status_code == 204
    problem(api.get(f"/api/v1/connections/{to_atm.json()['id']}"), 404)
    problem(api.delete(f"/api/v1/connections/{to_atm.json()['id']}"), 404)
    assert Connection.objects.count() == 1


def test_connection_errors(api: ApiClient, core: System) -> None:
    body = problem(api.post("/api/v1/connections", {"source": "CORE", "target_system": "CORE",
                                                    "direction": "both"}), 422)
    assert rules(body) == {("target_system", "self_connection")}
    body = problem(api.post("/api/v1/connections", {"source": "CORE", "direction": "both"}),
                   422)
    assert rules(body) == {("target_system", "one_target")}
    body = problem(api.post("/api/v1/connections", {"source": "CORE", "target_system": "NOPE",
                                                    "direction": "sideways"}), 422)
    assert rules(body) == {("direction", "choice")}
    body = problem(api.post("/api/v1/connections", {"source": "CORE", "target_system": "NOPE",
                                                    "direction": "both"}), 422)
    assert rules(body) == {("target_system", "unknown")}
    body = problem(api.post("/api/v1/connections", {"target_system": "CORE"}), 422)
    assert rules(body) == {("source", "required"), ("direction", "required")}
    assert not Connection.objects.exists()


def test_external_party_is_edited_and_deleted_only_when_unconnected(
        api: ApiClient, core: System) -> None:
    """A1-I-3: the partner map stays correct as partners change; a party a connection
    still names cannot be deleted (the map would lose an end)."""
    api.post("/api/v1/external-parties", {"code": "ZENGIN", "name": "全銀", "kind": "zengin"})
    api.post("/api/v1/connections", {"source": "CORE", "target_external": "ZENGIN",
                                     "direction": "both"})
    renamed = api.patch("/api/v1/external-parties/ZENGIN",
                        {"name": "全国銀行データ通信システム", "name_en": "Zengin-Net"})
    assert renamed.status_code == 200, renamed.content
    assert api.get("/api/v1/external-parties/ZENGIN").json()["name_en"] == "Zengin-Net"
    body = problem(api.patch("/api/v1/external-parties/ZENGIN", {"kind": "friend"}), 422)
    assert rules(body) == {("kind", "choice")}
    assert rules(problem(api.delete("/api/v1/external-parties/ZENGIN"), 409)) == {
        ("code", "in_use")}
    problem(api.patch("/api/v1/external-parties/NOPE", {"name": "x"}), 404)
    connection = Connection.objects.get()
    assert api.delete(f"/api/v1/connections/{connection.pk}").status_code == 204
    assert api.delete("/api/v1/external-parties/ZENGIN").status_code == 204
    problem(api.get("/api/v1/external-parties/ZENGIN"), 404)


def test_connection_is_edited_but_keeps_its_ends(api: ApiClient, core: System) -> None:
    factories.system(code="ATM", owner_department="OPS")
    first = api.post("/api/v1/connections", {"source": "ATM", "target_system": "CORE",
                                             "direction": "outbound", "protocol": "MQ"}).json()
    second = api.post("/api/v1/connections", {"source": "ATM", "target_system": "CORE",
                                              "direction": "outbound", "protocol": "HTTP"}).json()
    changed = api.patch(f"/api/v1/connections/{first['id']}",
                        {"direction": "both", "description": "夜間は片方向"})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["direction"], changed.json()["target_system"]) == ("both", "CORE")
    assert rules(problem(api.patch(f"/api/v1/connections/{first['id']}",
                                   {"direction": "sideways"}), 422)) == {("direction", "choice")}
    assert rules(problem(api.patch(f"/api/v1/connections/{first['id']}",
                                   {"protocol": "HTTP"}), 409)) == {("protocol", "unique")}
    # an end is not editable: the schema refuses it by name, nothing changes
    body = problem(api.patch(f"/api/v1/connections/{second['id']}", {"target_system": "ATM"}),
                   422)
    assert "target_system" in {e["field"] for e in body["errors"]}
    assert Connection.objects.get(pk=second["id"]).target_system.code == "CORE"  # type: ignore[union-attr]


# --- vendor scope ------------------------------------------------------------------------

@pytest.fixture
def vendor_world(admin_actor: Actor, core: System) -> dict[str, int]:
    """Vendor OWN runs CORE; vendor OTHER runs HIDDEN; both connect to ZENGIN."""
    own = factories.vendor(code="OWN")
    other = factories.vendor(code="OTHER")
    factories.business_function(code="SECRET")
    factories.system(code="HIDDEN", owner_department="OPS", business_functions=["SECRET"])
    factories.system(code="LONELY", owner_department="OPS")
    services.assign_vendor(actor=admin_actor, system="CORE", vendor="OWN", role="run")
    services.assign_vendor(actor=admin_actor, system="HIDDEN", vendor="OTHER", role="run")
    services.create_external_party(actor=admin_actor, code="ZENGIN", name="全銀",
                                   kind="zengin")
    services.create_external_party(actor=admin_actor, code="CARD", name="カード",
                                   kind="card_network")
    services.create_connection(actor=admin_actor, source="CORE", target_external="ZENGIN",
                               direction="both")
    hidden = services.create_connection(actor=admin_actor, source="HIDDEN",
                                        target_external="CARD", direction="both")
    return {"own": own.pk, "other": other.pk, "hidden_connection": hidden.pk}


def test_vendor_sees_only_the_systems_it_serves(make_api_client: MakeClient,
                                                vendor_world: dict[str, int]) -> None:
    """C14: a vendor's engineers see the systems their company builds, runs or maintains."""
    client = make_api_client(Role.VENDOR, vendor_id=vendor_world["own"])
    assert codes(client.get("/api/v1/systems")) == ["CORE"]
    assert client.get("/api/v1/systems").json()["count"] == 1
    assert client.get("/api/v1/systems/CORE").status_code == 200
    for path in ("/api/v1/systems/HIDDEN", "/api/v1/systems/LONELY",
                 "/api/v1/systems/HIDDEN/components", "/api/v1/systems/HIDDEN/batch-windows",
                 "/api/v1/systems/HIDDEN/vendors", "/api/v1/systems/HIDDEN/responsibilities",
                 "/api/v1/systems/HIDDEN/key-persons",
                 f"/api/v1/connections/{vendor_world['hidden_connection']}",
                 "/api/v1/business-functions/SECRET"):
        problem(client.get(path), 404)
    assert codes(client.get("/api/v1/systems", vendor="OTHER")) == []
    assert codes(client.get("/api/v1/business-functions")) == ["PAY"]
    assert [c["source"] for c in client.get("/api/v1/connections").json()["items"]] == ["CORE"]
    assert [p["code"] for p in client.get("/api/v1/external-parties").json()] == ["ZENGIN"]


def test_vendor_cannot_write_the_inventory(make_api_client: MakeClient,
                                           vendor_world: dict[str, int]) -> None:
    client = make_api_client(Role.VENDOR, vendor_id=vendor_world["own"])
    problem(client.patch("/api/v1/systems/CORE", {"name": "x"}), 403)
    problem(client.post("/api/v1/systems/CORE/components",
                        {"name": "x", "kind": "server", "environment": "active"}), 403)
    assert System.objects.get(code="CORE").name == "勘定系"


def test_vendor_user_without_assignments_sees_nothing(make_api_client: MakeClient,
                                                      core: System) -> None:
    lonely = factories.vendor(code="NEW")
    client = make_api_client(Role.VENDOR, vendor_id=lonely.pk)
    assert client.get("/api/v1/systems").json()["count"] == 0
    assert client.get("/api/v1/connections").json()["count"] == 0
    problem(client.get("/api/v1/systems/CORE"), 404)


# --- audit trail of API writes -----------------------------------------------------------

def test_api_writes_are_audited_with_the_api_source(api: ApiClient, core: System) -> None:
    """M-4.2: a change made through the API names the token's user and the 'api' door."""
    api.patch("/api/v1/systems/CORE", {"description": "メインフレーム"})
    entry = AuditEntry.objects.filter(action="system.update").get()
    assert entry.source == "api"
    assert entry.actor.startswith("admin-")
    assert entry.remote_addr == "127.0.0.1"
    assert entry.before is not None and entry.after is not None
    assert (entry.before["description"], entry.after["description"]) == ("", "メインフレーム")


def test_no_token_is_401_on_inventory(db: None) -> None:
    for path in ("/api/v1/systems", "/api/v1/systems/CORE", "/api/v1/connections"):
        assert problem(Client().get(path), 401)["code"] == "not_authenticated"
