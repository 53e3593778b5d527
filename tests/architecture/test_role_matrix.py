"""Every API operation against every role (deny by default; C14 scoped vendors, C15
read-only management, M-4.2 audit evidence for risk and audit only).

The expectation table below is written out here, not derived from antei.core.roles, so a
change to the grants that opens or closes an operation shows up as a failing test. A new
route that is not in the table fails `test_every_operation_is_classified`: classify it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from django.test import Client

from antei.api import api as antei_api
from antei.calendars import services as calendar_services
from antei.callout import services as callout_services
from antei.core import services as core_services
from antei.core.actor import Actor
from antei.core.roles import Role
from antei.incidents import services as incident_services
from antei.inventory import services as inventory_services
from antei.org import services as org_services
from tests import factories
from tests.architecture import matrix_alerts, matrix_capacity, matrix_settlement
from tests.architecture.matrix import (
    ADMIN_ONLY,
    ALL,
    AUDIT_READERS,
    BUSINESS_EDITORS,
    CALLOUT_EDITORS,
    INCIDENT_EDITORS,
    INVENTORY_EDITORS,
    TARGET_EDITORS,
    Call,
)
from tests.conftest import PASSWORD

CALENDAR_DAY = "2030-01-07"

EXPECTED: dict[tuple[str, str], Call] = {
    # --- organisation: everyone reads, only admins write ---------------------------------
    ("GET", "/departments"): Call(ALL),
    ("POST", "/departments"): Call(ADMIN_ONLY, body={"code": "NEW", "name": "新部署",
                                                     "kind": "business"}),
    ("GET", "/departments/{code}"): Call(ALL, {"code": "OPS"}),
    ("PATCH", "/departments/{code}"): Call(ADMIN_ONLY, {"code": "OPS"}, {"name": "運用部"}),
    ("DELETE", "/departments/{code}"): Call(ADMIN_ONLY, {"code": "SPARE"}),
    ("GET", "/vendors"): Call(ALL),
    ("POST", "/vendors"): Call(ADMIN_ONLY, body={"code": "NEWV", "name": "新委託先"}),
    ("GET", "/vendors/{code}"): Call(ALL, {"code": "VND"}),
    ("PATCH", "/vendors/{code}"): Call(ADMIN_ONLY, {"code": "VND"}, {"name": "委託先A社"}),
    ("DELETE", "/vendors/{code}"): Call(ADMIN_ONLY, {"code": "SPARE-V"}),
    ("POST", "/vendors/{code}/contracts"): Call(
        ADMIN_ONLY, {"code": "VND"}, {"reference": "C-2", "title": "保守",
                                      "starts_on": "2024-04-01"}),
    ("DELETE", "/vendors/{code}/contracts/{contract_id}"): Call(
        ADMIN_ONLY, {"code": "VND", "contract_id": "@contract"}),
    ("GET", "/people"): Call(ALL),
    ("POST", "/people"): Call(ADMIN_ONLY, body={"code": "P9", "name": "新人",
                                                "department": "OPS"}),
    ("GET", "/people/{code}"): Call(ALL, {"code": "P1"}),
    ("PATCH", "/people/{code}"): Call(ADMIN_ONLY, {"code": "P1"}, {"name": "改名"}),
    ("DELETE", "/people/{code}"): Call(ADMIN_ONLY, {"code": "P2"}),
    ("GET", "/contact-points"): Call(ALL),
    ("POST", "/people/{code}/contact-points"): Call(
        ADMIN_ONLY, {"code": "P1"}, {"kind": "sms", "address": "090-1234-5678"}),
    ("PATCH", "/contact-points/{contact_id}"): Call(
        ADMIN_ONLY, {"contact_id": "@contact"}, {"label": "私用"}),
    ("DELETE", "/contact-points/{contact_id}"): Call(ADMIN_ONLY, {"contact_id": "@contact"}),
    # --- business functions: the business edits its own tolerances ----------------------
    ("GET", "/business-functions"): Call(ALL),
    ("POST", "/business-functions"): Call(
        BUSINESS_EDITORS, body={"code": "ATM", "name": "ATM", "criticality": "critical",
                                "impact_tolerance_minutes": 30}),
    ("GET", "/business-functions/{code}"): Call(ALL, {"code": "PAY"}),
    ("PATCH", "/business-functions/{code}"): Call(
        BUSINESS_EDITORS, {"code": "PAY"}, {"impact_tolerance_minutes": 45}),
    ("DELETE", "/business-functions/{code}"): Call(BUSINESS_EDITORS, {"code": "SPARE-BF"}),
    # --- systems and what hangs off them: admins and operators write --------------------
    ("GET", "/systems"): Call(ALL),
    ("POST", "/systems"): Call(INVENTORY_EDITORS, body={
        "code": "NEWS", "name": "新システム", "tier": "standard", "owner_department": "OPS"}),
    ("GET", "/systems/{code}"): Call(ALL, {"code": "CORE"}),
    ("PATCH", "/systems/{code}"): Call(INVENTORY_EDITORS, {"code": "CORE"}, {"tier": "critical"}),
    ("DELETE", "/systems/{code}"): Call(INVENTORY_EDITORS, {"code": "EDGE"}),
    ("GET", "/systems/{code}/batch-windows"): Call(ALL, {"code": "CORE"}),
    ("POST", "/systems/{code}/batch-windows"): Call(
        INVENTORY_EDITORS, {"code": "CORE"}, {"name": "月次", "start": "01:00", "end": "05:00"}),
    ("DELETE", "/systems/{code}/batch-windows/{window_id}"): Call(
        INVENTORY_EDITORS, {"code": "CORE", "window_id": "@window"}),
    ("GET", "/systems/{code}/vendors"): Call(ALL, {"code": "CORE"}),
    ("POST", "/systems/{code}/vendors"): Call(
        INVENTORY_EDITORS, {"code": "CORE"}, {"vendor": "VND", "role": "build"}),
    ("DELETE", "/systems/{code}/vendors/{vendor}/{role}"): Call(
        INVENTORY_EDITORS, {"code": "CORE", "vendor": "VND", "role": "maintain"}),
    ("GET", "/systems/{code}/responsibilities"): Call(ALL, {"code": "CORE"}),
    ("PUT", "/systems/{code}/responsibilities"): Call(
        INVENTORY_EDITORS, {"code": "CORE"}, {"task": "recovery", "department": "OPS"}),
    ("GET", "/systems/{code}/key-persons"): Call(ALL, {"code": "CORE"}),
    ("POST", "/systems/{code}/key-persons"): Call(
        INVENTORY_EDITORS, {"code": "CORE"}, {"person": "P2", "area": "バッチ"}),
    ("DELETE", "/systems/{code}/key-persons/{person}"): Call(
        INVENTORY_EDITORS, {"code": "CORE", "person": "P1"}),
    ("GET", "/systems/{code}/components"): Call(ALL, {"code": "CORE"}),
    ("POST", "/systems/{code}/components"): Call(
        INVENTORY_EDITORS, {"code": "CORE"}, {"name": "db-1", "kind": "database",
                                              "environment": "active"}),
    ("GET", "/systems/{code}/components/{name}"): Call(ALL, {"code": "CORE", "name": "app-1"}),
    ("PATCH", "/systems/{code}/components/{name}"): Call(
        INVENTORY_EDITORS, {"code": "CORE", "name": "app-1"}, {"version": "RHEL 9"}),
    ("DELETE", "/systems/{code}/components/{name}"): Call(
        INVENTORY_EDITORS, {"code": "CORE", "name": "app-1"}),
    ("GET", "/external-parties"): Call(ALL),
    ("POST", "/external-parties"): Call(INVENTORY_EDITORS, body={
        "code": "CARD", "name": "カード", "kind": "card_network"}),
    ("GET", "/external-parties/{code}"): Call(ALL, {"code": "ZENGIN"}),
    ("PATCH", "/external-parties/{code}"): Call(INVENTORY_EDITORS, {"code": "ZENGIN"},
                                                {"name": "全国銀行データ通信システム"}),
    ("DELETE", "/external-parties/{code}"): Call(INVENTORY_EDITORS, {"code": "SPARE-EP"}),
    ("GET", "/connections"): Call(ALL),
    ("POST", "/connections"): Call(INVENTORY_EDITORS, body={
        "source": "EDGE", "target_external": "ZENGIN", "direction": "outbound"}),
    ("GET", "/connections/{connection_id}"): Call(ALL, {"connection_id": "@connection"}),
    ("PATCH", "/connections/{connection_id}"): Call(
        INVENTORY_EDITORS, {"connection_id": "@connection"}, {"protocol": "全銀TCP/IP"}),
    ("DELETE", "/connections/{connection_id}"): Call(
        INVENTORY_EDITORS, {"connection_id": "@connection"}),
    # --- calendars: everyone reads and evaluates rules; only admins change calendars ----
    ("GET", "/calendar/business-days"): Call(
        ALL, query={"from": "2030-01-01", "to": "2030-01-31"}),
    ("GET", "/calendar/next-business-day"): Call(ALL, query={"date": "2030-01-05"}),
    ("GET", "/calendar/special-dates"): Call(
        ALL, query={"from": "2030-01-01", "to": "2030-03-31"}),
    ("POST", "/calendar/rules/evaluate"): Call(ALL, body={
        "rule": "day 25, or previous business day if closed", "from": "2030-01-01",
        "to": "2030-12-31"}),
    ("GET", "/calendars"): Call(ALL),
    ("POST", "/calendars"): Call(ADMIN_ONLY, body={"code": "ATM-CAL", "name": "ATM稼働日"}),
    ("GET", "/calendars/{code}/overrides"): Call(ALL, {"code": "BANK"}),
    ("PUT", "/calendars/{code}/overrides/{day}"): Call(
        ADMIN_ONLY, {"code": "BANK", "day": "2030-01-08"},
        {"is_open": False, "reason": "システム移行"}),
    ("DELETE", "/calendars/{code}/overrides/{day}"): Call(
        ADMIN_ONLY, {"code": "BANK", "day": CALENDAR_DAY}),
    # --- incident desk: system and business departments run it; everyone reads --------
    ("GET", "/ranks"): Call(ALL),
    ("GET", "/incidents"): Call(ALL),
    ("POST", "/incidents"): Call(INCIDENT_EDITORS, body={
        "title": "ATM停止", "rank": 2, "systems": ["CORE"],
        "detected_at": "2026-01-05T09:00:00+09:00"}),
    ("GET", "/incidents/analytics"): Call(ALL),
    ("GET", "/incidents/{incident_id}"): Call(ALL, {"incident_id": "@incident"}),
    ("PATCH", "/incidents/{incident_id}"): Call(
        INCIDENT_EDITORS, {"incident_id": "@incident"}, {"impact_scope": "全店"}),
    ("POST", "/incidents/{incident_id}/milestones"): Call(
        INCIDENT_EDITORS, {"incident_id": "@incident"}, {"milestone": "management_aware"}),
    ("POST", "/incidents/{incident_id}/timeline"): Call(
        INCIDENT_EDITORS, {"incident_id": "@incident"}, {"kind": "fact", "text": "再起動"}),
    ("GET", "/incidents/{incident_id}/reports"): Call(ALL, {"incident_id": "@incident"}),
    ("POST", "/incidents/{incident_id}/reports"): Call(
        INCIDENT_EDITORS, {"incident_id": "@incident"}, {"kind": "first"}),
    ("POST", "/incidents/{incident_id}/transitions"): Call(
        INCIDENT_EDITORS, {"incident_id": "@incident"}, {"to": "mitigated"}),
    ("PUT", "/incidents/{incident_id}/roles/{role}"): Call(
        INCIDENT_EDITORS, {"incident_id": "@incident", "role": "recovery_lead"},
        {"person": "P1"}),
    ("PUT", "/incidents/{incident_id}/hq"): Call(
        INCIDENT_EDITORS, {"incident_id": "@incident"}, {"location": "本店5F", "members": ["P1"]}),
    ("PUT", "/incidents/{incident_id}/analysis"): Call(
        INCIDENT_EDITORS, {"incident_id": "@incident"}, {"direct_cause": "ディスク満杯"}),
    ("POST", "/incidents/{incident_id}/actions"): Call(
        INCIDENT_EDITORS, {"incident_id": "@incident"},
        {"title": "監視追加", "owner": "P1", "due_on": "2027-03-31"}),
    ("POST", "/incidents/{incident_id}/actions/{action_id}/done"): Call(
        INCIDENT_EDITORS, {"incident_id": "@incident", "action_id": "@action"}),
    ("POST", "/incidents/{incident_id}/horizontal-checks"): Call(
        INCIDENT_EDITORS, {"incident_id": "@incident"}, {"system": "EDGE", "scope": "同種設定"}),
    ("PUT", "/horizontal-checks/{check_id}"): Call(
        INCIDENT_EDITORS, {"check_id": "@hcheck"}, {"result": "not_affected"}),
    ("GET", "/targets/status"): Call(ALL),
    ("PUT", "/targets"): Call(TARGET_EDITORS, body={"period": "month", "cap": 5}),
    # --- call-out: the system department runs it; everyone reads who was paged ---------
    ("GET", "/escalation-policies"): Call(ALL),
    ("POST", "/escalation-policies"): Call(CALLOUT_EDITORS, body={
        "code": "R2", "name": "ランク2", "rank": 2,
        "steps": [{"kind": "person", "people": ["P1"], "wait_minutes": 10}]}),
    ("PUT", "/escalation-policies/{code}"): Call(CALLOUT_EDITORS, {"code": "SPARE-P"}, body={
        "code": "SPARE-P", "name": "予備", "rank": 3,
        "steps": [{"kind": "roster", "roster": "DUTY", "wait_minutes": 15}]}),
    ("DELETE", "/escalation-policies/{code}"): Call(CALLOUT_EDITORS, {"code": "SPARE-P"}),
    ("GET", "/rosters"): Call(ALL),
    ("PUT", "/rosters/{code}"): Call(CALLOUT_EDITORS, {"code": "DUTY"}, body={
        "code": "DUTY", "name": "当番", "members": ["P1", "P2"], "starts_on": "2026-01-05"}),
    ("DELETE", "/rosters/{code}"): Call(CALLOUT_EDITORS, {"code": "SPARE-R"}),
    ("POST", "/rosters"): Call(CALLOUT_EDITORS, body={
        "code": "NIGHT", "name": "夜間当番", "members": ["P1", "P2"],
        "starts_on": "2026-01-05"}),
    ("GET", "/rosters/{code}/coverage"): Call(ALL, {"code": "DUTY"}),
    ("POST", "/rosters/{code}/shifts"): Call(CALLOUT_EDITORS, {"code": "DUTY"}, body={
        "person": "P1", "starts_at": "2026-02-01T09:00:00+09:00",
        "ends_at": "2026-02-01T18:00:00+09:00"}),
    ("POST", "/incidents/{incident_id}/page"): Call(
        CALLOUT_EDITORS, {"incident_id": "@incident"}, {}),
    ("GET", "/incidents/{incident_id}/pages"): Call(ALL, {"incident_id": "@paged"}),
    ("GET", "/incidents/{incident_id}/callout"): Call(ALL, {"incident_id": "@paged"}),
    ("POST", "/pages/{page_id}/ack"): Call(CALLOUT_EDITORS, {"page_id": "@page"}),
    ("POST", "/contact-points/{contact_id}/verify"): Call(
        CALLOUT_EDITORS, {"contact_id": "@contact"}, {"window_minutes": 30}),
    ("GET", "/contact-verification/status"): Call(ALL),
    # --- audit evidence: risk management and auditors (and admins) ----------------------
    ("GET", "/audit"): Call(AUDIT_READERS),
    ("GET", "/audit/verify"): Call(AUDIT_READERS),
}

# Apps added later keep their rows in their own table (tests/architecture/matrix_<app>.py):
# each has EXPECTED and a build(actor, world) that adds the rows its paths name.
APP_TABLES = (matrix_alerts, matrix_capacity, matrix_settlement)
for _table in APP_TABLES:
    EXPECTED.update(_table.EXPECTED)


def _operations() -> list[tuple[str, str]]:
    """Every (method, path) the API serves, read from the routers themselves."""
    found = []
    for prefix, router in antei_api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                full = "/" + "/".join(p for p in f"{prefix}/{path}".split("/") if p)
                found.extend((method.upper(), full) for method in operation.methods)
    return sorted(set(found))


OPERATIONS = _operations()
MATRIX = [(method, path, role) for method, path in OPERATIONS for role in Role]


def _id(method: str, path: str) -> str:
    return f"{method} {path}"


def test_every_operation_is_classified() -> None:
    """A route nobody classified is a route nobody decided the access of."""
    unclassified = [_id(*op) for op in OPERATIONS if op not in EXPECTED]
    stale = [_id(*op) for op in EXPECTED if op not in OPERATIONS]
    assert unclassified == [], "add these operations to EXPECTED"
    assert stale == [], "these operations no longer exist; remove them from EXPECTED"


def test_the_walk_finds_the_whole_api() -> None:
    """Guard the walker itself: it must see what the OpenAPI document lists."""
    schema = antei_api.get_openapi_schema(path_prefix="")
    documented = sorted(
        (method.upper(), "/" + path.strip("/"))
        for path, methods in schema["paths"].items() for method in methods
    )
    assert documented == OPERATIONS
    assert len(OPERATIONS) >= 50



@pytest.fixture
def world(db: None) -> dict[str, Any]:
    """A small bank: every row a path above names exists, so each call can succeed."""
    actor = factories.ACTOR
    factories.department(code="OPS")
    factories.department(code="SPARE")
    vendor = factories.vendor(code="VND")
    factories.vendor(code="SPARE-V")
    contract = org_services.add_contract(actor=actor, vendor="VND", reference="C-1",
                                         title="運用委託", starts_on=date(2024, 4, 1))
    p1 = factories.person(code="P1", department="OPS", contact_points=[
        {"kind": "email", "address": "p1@example.jp"}])
    factories.person(code="P2", department="OPS")
    factories.business_function(code="PAY")
    factories.business_function(code="SPARE-BF")
    factories.system(code="CORE", owner_department="OPS", business_functions=["PAY"])
    factories.system(code="EDGE", owner_department="OPS")
    inventory_services.add_component(actor=actor, system="CORE", name="app-1", kind="server",
                                     environment="active")
    window = inventory_services.add_batch_window(actor=actor, system="CORE", name="夜間",
                                                 start=time(22), end=time(2))
    for role in ("run", "maintain"):
        inventory_services.assign_vendor(actor=actor, system="CORE", vendor="VND", role=role)
    inventory_services.set_responsibility(actor=actor, system="CORE", task="monitoring",
                                          department="OPS")
    inventory_services.add_key_person(actor=actor, system="CORE", person="P1")
    inventory_services.create_external_party(actor=actor, code="ZENGIN", name="全銀",
                                             kind="zengin")
    inventory_services.create_external_party(actor=actor, code="SPARE-EP", name="予備",
                                             kind="other")
    connection = inventory_services.create_connection(
        actor=actor, source="CORE", target_external="ZENGIN", direction="both")
    calendar_services.set_override(actor=actor, calendar="BANK",
                                   day=date.fromisoformat(CALENDAR_DAY), is_open=False,
                                   reason="臨時休業")
    incident = incident_services.open_incident(
        actor=actor, title="勘定系遅延", rank=1, systems=["CORE"],
        detected_at=datetime.now(tz=UTC) - timedelta(hours=1))
    check = incident_services.add_horizontal_check(actor=actor, incident_id=incident.pk,
                                                   system="CORE", scope="同種設定")
    action = incident_services.add_recurrence_action(
        actor=actor, incident_id=incident.pk, title="監視追加", owner="P1",
        due_on=date(2027, 3, 31))
    callout_services.create_roster(actor=actor, code="DUTY", name="当番", members=["P1"],
                                   starts_on=date(2026, 1, 5))
    callout_services.create_policy(actor=actor, code="R1", name="ランク1", rank=1, steps=[
        {"kind": "roster", "roster": "DUTY", "wait_minutes": 10},
        {"kind": "distribution", "people": ["P1", "P2"], "wait_minutes": 30}])
    callout_services.create_roster(actor=actor, code="SPARE-R", name="予備", members=["P1"],
                                   starts_on=date(2026, 1, 5))
    callout_services.create_policy(actor=actor, code="SPARE-P", name="予備", steps=[
        {"kind": "person", "people": ["P1"], "wait_minutes": 10}])
    paged = incident_services.open_incident(
        actor=actor, title="為替遅延", rank=1, systems=["CORE"],
        detected_at=datetime.now(tz=UTC) - timedelta(hours=1))
    run = callout_services.page_incident(actor=actor, incident_id=paged.pk)
    world = {"vendor_id": vendor.pk, "@contract": contract.pk,
            "@paged": paged.pk, "@page": run.pages.get().pk,
            "@incident": incident.pk, "@hcheck": check.pk, "@action": action.pk,
            "@contact": p1.contact_points.get().pk, "@window": window.pk,
            "@connection": connection.pk}
    for table in APP_TABLES:
        world.update(table.build(actor, world))
    return world


def _client_for(role: Role, world: dict[str, Any], admin_actor: Actor) -> Client:
    username = f"matrix-{role}"
    core_services.create_user(actor=admin_actor, username=username, role=str(role),
                              password=PASSWORD,
                              vendor_id=world["vendor_id"] if role is Role.VENDOR else None)
    token = core_services.create_token(actor=admin_actor, username=username)
    return Client(headers={"Authorization": f"Bearer {token}"})


def _resolve(value: Any, world: dict[str, Any] | None) -> Any:
    """'@name' anywhere in a path value, query or body -> the world's row id."""
    if isinstance(value, str) and value.startswith("@") and world:
        return world[value]
    if isinstance(value, list):
        return [_resolve(v, world) for v in value]
    if isinstance(value, dict):
        return {k: _resolve(v, world) for k, v in value.items()}
    return value


def _call(client: Client, method: str, path: str, world: dict[str, Any] | None) -> Any:
    spec = EXPECTED[(method, path)]
    values = _resolve(spec.path, world)
    url = "/api/v1" + re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), "X")), path)
    send: Callable[..., Any] = getattr(client, method.lower())
    if method == "GET":
        return send(url, {k: str(v) for k, v in _resolve(spec.query, world).items()})
    if spec.body is None:
        return send(url)
    return send(url, _resolve(spec.body, world), content_type="application/json")


def _require_classified(method: str, path: str) -> None:
    if (method, path) not in EXPECTED:
        pytest.fail(f"{_id(method, path)} is not in EXPECTED: classify it")


@pytest.mark.parametrize(("method", "path", "role"), MATRIX,
                         ids=[f"{_id(m, p)} as {r}" for m, p, r in MATRIX])
def test_role_may_or_may_not_call(world: dict[str, Any], admin_actor: Actor, method: str,
                                  path: str, role: Role) -> None:
    """Denied means exactly 403 (problem JSON); allowed means the role gets past auth."""
    _require_classified(method, path)
    response = _call(_client_for(role, world, admin_actor), method, path, world)
    if role in EXPECTED[(method, path)].allowed:
        assert response.status_code not in (401, 403), response.content
    else:
        assert response.status_code == 403, response.content
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == "forbidden"


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[_id(*op) for op in OPERATIONS])
def test_admin_request_in_the_table_succeeds(world: dict[str, Any], admin_actor: Actor,
                                             method: str, path: str) -> None:
    """The table's requests are real ones: as admin each succeeds, so 'allowed' above is
    checked against a call that does something, not one that fails for another reason."""
    _require_classified(method, path)
    response = _call(_client_for(Role.ADMIN, world, admin_actor), method, path, world)
    assert 200 <= response.status_code < 300, response.content


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[_id(*op) for op in OPERATIONS])
def test_anonymous_call_is_401(db: None, method: str, path: str) -> None:
    """Without a token: 401. Key-authenticated intake routes (the key is in the path)
    answer an unknown key with 404 instead, and never reveal whether a key exists."""
    _require_classified(method, path)
    response = _call(Client(), method, path, None)
    expected = 404 if EXPECTED[(method, path)].public else 401
    assert response.status_code == expected, response.content
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[_id(*op) for op in OPERATIONS])
def test_unknown_token_is_401(db: None, method: str, path: str) -> None:
    _require_classified(method, path)
    client = Client(headers={"Authorization": "Bearer antei_not-a-token"})
    expected = 404 if EXPECTED[(method, path)].public else 401
    assert _call(client, method, path, None).status_code == expected
