"""The inventory screens as a user meets them: lists, the system page, forms, roles.

Catalog: A1-I-3 (connections), A1-I-5 (EUC), A1-II-2 (responsibility matrix),
M-4.4 (key persons), C06, C09, C14 (vendor scope).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from antei.core import services as core_services
from antei.core.actor import Actor
from antei.core.models import AuditEntry
from antei.core.roles import Role
from antei.inventory import services as inventory_services
from antei.inventory.models import BusinessFunction, Component, Connection, System
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
        user = core_services.create_user(actor=admin_actor, username=f"{role}-ui-{counter['n']}",
                                         role=str(role), password=PASSWORD, vendor_id=vendor_id)
        client.force_login(user)
        return client

    return as_role


def to_english(client: Client) -> None:
    response = client.post("/i18n/language", {"language": "en", "next": "/"})
    assert response.status_code == 302


def system_form(**kw: Any) -> dict[str, Any]:
    return {"code": "CORE", "name": "勘定系", "tier": "critical", "online_days": "business_days",
            "online_start": "08:00", "online_end": "21:00"} | kw


# --- lists ---------------------------------------------------------------------------------

LISTS = [
    ("system-list", "<h1>システム</h1>", "<h1>Systems</h1>"),
    ("business-function-list", "<h1>業務</h1>", "<h1>Business functions</h1>"),
    ("connection-list", "<h1>接続先</h1>", "<h1>Connections</h1>"),
    ("external-party-list", "<h1>外部接続先</h1>", "<h1>External parties</h1>"),
]


@pytest.fixture
def registry() -> dict[str, Any]:
    dept = factories.department(code="SYSDEPT", name="システム部")
    bf = factories.business_function(code="FURIKOMI", name="振込")
    core = factories.system(code="CORE", name="勘定系", tier="critical",
                            owner_department=dept.code, business_functions=[bf.code],
                            online_start=time(8, 0), online_end=time(21, 0))
    atm = factories.system(code="ATM", name="ATMシステム", owner_department=dept.code)
    zengin = inventory_services.create_external_party(
        actor=factories.ACTOR, code="ZENGIN", name="全銀システム", kind="zengin")
    inventory_services.create_connection(actor=factories.ACTOR, source="CORE",
                                         target_system="ATM", direction="both", protocol="MQ")
    inventory_services.create_connection(actor=factories.ACTOR, source="CORE",
                                         target_external="ZENGIN", direction="both",
                                         protocol="全銀TCP/IP")
    return {"dept": dept, "bf": bf, "core": core, "atm": atm, "zengin": zengin}


@pytest.mark.parametrize(("name", "ja", "en"), LISTS)
def test_list_pages_render_in_japanese_then_english(login, registry, name, ja, en):
    client = login(Role.ADMIN)
    response = client.get(reverse(name))
    assert response.status_code == 200
    body = response.content.decode()
    assert ja in body
    assert "CORE" in body or "FURIKOMI" in body or "ZENGIN" in body
    to_english(client)
    assert en in client.get(reverse(name)).content.decode()


def test_system_list_filters_search_and_htmx_partial(login, registry):
    factories.system(code="EUC1", name="融資管理表", is_euc=True,
                     owner_department=registry["dept"].code)
    client = login(Role.ADMIN)
    assert "EUC1" not in client.get(reverse("system-list"), {"euc": "no"}).content.decode()
    euc_only = client.get(reverse("system-list"), {"euc": "yes"}).content.decode()
    assert "EUC1" in euc_only and ">CORE<" not in euc_only
    critical = client.get(reverse("system-list"), {"tier": "critical"}).content.decode()
    assert ">CORE<" in critical and ">ATM<" not in critical

    partial = client.get(reverse("system-list"), {"q": "勘定"}, headers=HX)
    body = partial.content.decode()
    assert partial.status_code == 200
    assert "<html" not in body and 'id="rows"' in body
    assert ">CORE<" in body and ">ATM<" not in body


def test_system_list_pages_by_fifty(login):
    dept = factories.department()
    for i in range(55):
        factories.system(code=f"S{i:03d}", owner_department=dept.code)
    client = login(Role.ADMIN)
    first = client.get(reverse("system-list")).content.decode()
    assert "S049" in first and "S050" not in first
    assert "S050" in client.get(reverse("system-list"), {"page": 2}).content.decode()


@pytest.mark.parametrize("name", [n for n, _ja, _en in LISTS])
def test_list_pages_use_a_bounded_number_of_queries(login, django_assert_max_num_queries, name):
    dept = factories.department()
    vendor = factories.vendor()
    bf = factories.business_function()
    party = inventory_services.create_external_party(actor=factories.ACTOR, code="X",
                                                     name="外部", kind="other")
    for _ in range(30):
        s = factories.system(owner_department=dept.code, business_functions=[bf.code])
        inventory_services.assign_vendor(actor=factories.ACTOR, system=s.code,
                                         vendor=vendor.code, role="run")
        inventory_services.create_connection(actor=factories.ACTOR, source=s.code,
                                             target_external=party.code, direction="outbound")
    client = login(Role.ADMIN)
    with django_assert_max_num_queries(10):
        response = client.get(reverse(name))
    assert response.status_code == 200


# --- creating a system ---------------------------------------------------------------------


def test_creating_a_system_through_the_form_is_listed_and_audited(login):
    dept = factories.department(code="SYSDEPT")
    bf = factories.business_function(code="YOKIN")
    client = login(Role.OPERATOR)
    response = client.post(reverse("system-create"), system_form(
        owner_department=dept.code, business_functions=[bf.code], is_euc="on"))
    assert response.status_code == 302
    assert response["Location"] == reverse("system-detail", args=["CORE"])
    assert "勘定系" in client.get(reverse("system-list")).content.decode()
    system = System.objects.get(code="CORE")
    assert system.is_euc and [b.code for b in system.business_functions.all()] == ["YOKIN"]
    entry = AuditEntry.objects.get(action="system.create")
    assert entry.object_repr.startswith("CORE") and entry.source == "web"
    assert entry.actor.startswith("operator-ui")


def test_duplicate_code_shows_the_field_error_and_writes_nothing(login):
    dept = factories.department()
    factories.system(code="CORE", owner_department=dept.code)
    client = login(Role.ADMIN)
    before = AuditEntry.objects.count()
    response = client.post(reverse("system-create"), system_form(owner_department=dept.code))
    assert response.status_code == 422
    assert "「CORE」は既に登録されています。" in response.content.decode()
    assert System.objects.filter(code="CORE").count() == 1
    assert AuditEntry.objects.count() == before


def test_missing_owner_and_half_service_hours_are_named_in_english(login):
    client = login(Role.ADMIN)
    to_english(client)
    response = client.post(reverse("system-create"), system_form(online_end=""))
    body = response.content.decode()
    assert response.status_code == 422
    assert "This field is required." in body
    assert "Give both start and end times, or neither." in body
    assert not System.objects.exists()


def test_editing_a_system_changes_it(login, registry):
    client = login(Role.OPERATOR)
    form = system_form(owner_department="SYSDEPT", name="新勘定系", tier="important")
    response = client.post(reverse("system-edit", args=["CORE"]), form)
    assert response.status_code == 302
    assert System.objects.get(code="CORE").name == "新勘定系"
    assert AuditEntry.objects.filter(action="system.update").exists()


def test_delete_asks_first_then_deletes(login):
    s = factories.system(code="OLD")
    client = login(Role.ADMIN)
    confirm = client.get(reverse("system-delete", args=["OLD"]))
    assert confirm.status_code == 200 and System.objects.filter(pk=s.pk).exists()
    assert client.post(reverse("system-delete", args=["OLD"])).status_code == 302
    assert not System.objects.filter(code="OLD").exists()


# --- the system page and its inline sections -----------------------------------------------


def test_system_page_shows_what_the_system_depends_on(login, registry):
    factories.vendor(code="NTT", name="エヌ・ティ・ティ")
    person = factories.person(code="P900", name="山田太郎", department="SYSDEPT")
    a = factories.ACTOR
    inventory_services.add_component(actor=a, system="CORE", name="db-1", kind="database",
                                     environment="active")
    inventory_services.add_component(actor=a, system="CORE", name="db-2", kind="database",
                                     environment="standby", active_peer="db-1")
    inventory_services.add_batch_window(actor=a, system="CORE", name="夜間バッチ",
                                        start=time(22, 0), end=time(5, 0))
    inventory_services.assign_vendor(actor=a, system="CORE", vendor="NTT", role="maintain")
    inventory_services.set_responsibility(actor=a, system="CORE", task="volume_forecasting",
                                          department="SYSDEPT")
    inventory_services.add_key_person(actor=a, system="CORE", person=person.code, area="DB")
    client = login(Role.AUDITOR)
    body = client.get(reverse("system-detail", args=["CORE"])).content.decode()
    for text in ("システム部", "振込", "08:00–21:00", "夜間バッチ", "22:00–05:00", "db-2",
                 "エヌ・ティ・ティ", "保守", "山田太郎", "全銀システム", "ATMシステム",
                 "社内で保持すべき業務", "待機系", "稼働系"):
        assert text in body, text
    # The standby row names the active component it takes over from.
    standby_row = body[body.index("db-2"):]
    assert "db-1" in standby_row[: standby_row.index("</tr>")]


def test_standby_without_active_peer_is_refused_in_the_section(login, registry):
    client = login(Role.OPERATOR)
    response = client.post(reverse("component-add", args=["CORE"]),
                           {"name": "db-2", "kind": "database", "environment": "standby"},
                           headers=HX)
    body = response.content.decode()
    assert response.status_code == 422
    assert body.lstrip().startswith('<section class="card" id="components">')
    assert "同じシステム内の稼働系" in body
    assert not Component.objects.exists()


def test_adding_a_component_with_htmx_returns_the_updated_section(login, registry):
    client = login(Role.OPERATOR)
    client.post(reverse("component-add", args=["CORE"]),
                {"name": "ap-1", "kind": "server", "environment": "active"}, headers=HX)
    response = client.post(reverse("component-add", args=["CORE"]),
                           {"name": "ap-2", "kind": "server", "environment": "standby",
                            "active_peer": "ap-1"}, headers=HX)
    assert response.status_code == 200
    assert "ap-2" in response.content.decode()
    assert Component.objects.get(name="ap-2").active_peer.name == "ap-1"
    assert AuditEntry.objects.filter(action="component.create").count() == 2


def test_in_house_task_cannot_go_to_a_vendor(login, registry):
    factories.vendor(code="VEN")
    client = login(Role.OPERATOR)
    response = client.post(reverse("responsibility-set", args=["CORE"]),
                           {"task": "volume_forecasting", "vendor": "VEN"}, headers=HX)
    assert response.status_code == 422
    assert "社内で保持" in response.content.decode()
    assert not registry["core"].responsibilities.exists()


def test_inline_forms_without_htmx_fall_back_to_pages(login, registry):
    client = login(Role.OPERATOR)
    ok = client.post(reverse("batch-window-add", args=["CORE"]),
                     {"name": "日次", "start": "23:00", "end": "02:00", "days": "every_day"})
    assert ok.status_code == 302 and ok["Location"].endswith("#batch-windows")
    bad = client.post(reverse("batch-window-add", args=["CORE"]), {"name": "日次"})
    assert bad.status_code == 422 and "<html" in bad.content.decode()


def test_removing_a_key_person_needs_a_post(login, registry):
    person = factories.person(department="SYSDEPT")
    inventory_services.add_key_person(actor=factories.ACTOR, system="CORE", person=person.code)
    client = login(Role.OPERATOR)
    url = reverse("key-person-delete", args=["CORE", person.code])
    assert client.get(url).status_code == 200
    assert registry["core"].key_persons.count() == 1
    response = client.post(url, headers=HX)
    assert response.status_code == 200
    assert registry["core"].key_persons.count() == 0


# --- business functions, connections, external parties -------------------------------------


def test_impact_tolerance_of_zero_is_refused(login):
    client = login(Role.BUSINESS)
    response = client.post(reverse("business-function-create"), {
        "code": "FURIKOMI", "name": "振込", "criticality": "critical",
        "impact_tolerance_minutes": "0"})
    assert response.status_code == 422
    assert "0より大きい値" in response.content.decode()
    assert not BusinessFunction.objects.exists()


def test_business_function_create_and_edit(login):
    client = login(Role.BUSINESS)
    response = client.post(reverse("business-function-create"), {
        "code": "FURIKOMI", "name": "振込", "criticality": "critical",
        "impact_tolerance_minutes": "120"})
    assert response.status_code == 302
    client.post(reverse("business-function-edit", args=["FURIKOMI"]), {
        "name": "振込", "criticality": "high", "impact_tolerance_minutes": "60"})
    bf = BusinessFunction.objects.get(code="FURIKOMI")
    assert (bf.criticality, bf.impact_tolerance_minutes) == ("high", 60)


def test_connection_to_an_external_party_through_the_form(login, registry):
    client = login(Role.OPERATOR)
    response = client.post(reverse("connection-create"), {
        "source": "ATM", "target_external": "ZENGIN", "direction": "outbound",
        "protocol": "TCP"})
    assert response.status_code == 302
    assert Connection.objects.filter(source__code="ATM", target_external__code="ZENGIN").exists()
    both = client.post(reverse("connection-create"), {
        "source": "ATM", "target_system": "CORE", "target_external": "ZENGIN",
        "direction": "outbound"})
    assert both.status_code == 422
    assert Connection.objects.filter(source__code="ATM").count() == 1


def test_external_party_create(login):
    client = login(Role.OPERATOR)
    response = client.post(reverse("external-party-create"),
                           {"code": "CAFIS", "name": "CAFIS", "kind": "card_network"})
    assert response.status_code == 302
    assert "CAFIS" in client.get(reverse("external-party-list")).content.decode()


def test_external_party_edit_and_delete_through_the_forms(login, registry):
    """A1-I-3: a partner renamed on screen; deleting one still connected is refused with
    the reason, and allowed once nothing names it."""
    client = login(Role.OPERATOR)
    listing = client.get(reverse("external-party-list")).content.decode()
    assert reverse("external-party-edit", args=["ZENGIN"]) in listing
    response = client.post(reverse("external-party-edit", args=["ZENGIN"]), {
        "name": "全国銀行データ通信システム", "kind": "zengin"})
    assert response.status_code == 302
    listing = client.get(reverse("external-party-list")).content.decode()
    assert "全国銀行データ通信システム" in listing
    bad = client.post(reverse("external-party-edit", args=["ZENGIN"]),
                      {"name": "", "kind": "zengin"})
    assert bad.status_code == 422 and "この項目は必須です。" in bad.content.decode()
    refused = client.post(reverse("external-party-delete", args=["ZENGIN"]))
    assert refused.status_code == 422
    Connection.objects.filter(target_external__code="ZENGIN").delete()
    assert client.post(reverse("external-party-delete", args=["ZENGIN"])).status_code == 302
    assert "ZENGIN" not in client.get(reverse("external-party-list")).content.decode()


def test_connection_edit_changes_direction_and_protocol(login, registry):
    client = login(Role.OPERATOR)
    connection = Connection.objects.get(protocol="MQ")
    response = client.post(reverse("connection-edit", args=[connection.pk]), {
        "direction": "outbound", "protocol": "MQ (夜間バッチ)"})
    assert response.status_code == 302
    connection.refresh_from_db()
    assert (connection.direction, connection.protocol) == ("outbound", "MQ (夜間バッチ)")
    assert connection.target_system.code == "ATM"
    bad = client.post(reverse("connection-edit", args=[connection.pk]), {"direction": ""})
    assert bad.status_code == 422
    assert login(Role.AUDITOR).get(reverse("connection-edit", args=[connection.pk])
                                   ).status_code == 403


# --- roles -----------------------------------------------------------------------------------

CREATE_PAGES = ["system-create", "business-function-create", "connection-create",
                "external-party-create"]


@pytest.mark.parametrize("name", CREATE_PAGES)
def test_auditor_may_not_open_create_pages(login, name):
    client = login(Role.AUDITOR)
    assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse(name), {"code": "X"}).status_code == 403


def test_auditor_sees_no_edit_or_new_links(login, registry):
    client = login(Role.AUDITOR)
    listing = client.get(reverse("system-list")).content.decode()
    assert reverse("system-create") not in listing
    page = client.get(reverse("system-detail", args=["CORE"])).content.decode()
    assert reverse("system-edit", args=["CORE"]) not in page
    assert reverse("component-add", args=["CORE"]) not in page
    assert client.post(reverse("component-add", args=["CORE"]),
                       {"name": "x"}).status_code == 403
    assert client.get(reverse("system-edit", args=["CORE"])).status_code == 403


def test_business_role_edits_business_functions_but_not_systems(login, registry):
    client = login(Role.BUSINESS)
    assert reverse("business-function-create") in client.get(
        reverse("business-function-list")).content.decode()
    assert client.get(reverse("system-create")).status_code == 403


def test_vendor_user_sees_only_its_systems(login, registry):
    vendor = factories.vendor(code="VEN")
    inventory_services.assign_vendor(actor=factories.ACTOR, system="ATM", vendor="VEN",
                                     role="run")
    client = login(Role.VENDOR, vendor_id=vendor.pk)
    body = client.get(reverse("system-list")).content.decode()
    assert ">ATM<" in body and ">CORE<" not in body
    assert client.get(reverse("system-detail", args=["CORE"])).status_code == 404
    assert client.get(reverse("system-detail", args=["ATM"])).status_code == 200
    own = client.get(reverse("vendor-detail", args=["VEN"])).content.decode()
    assert "ATMシステム" in own and "運用" in own


def test_unknown_system_is_404(login):
    client = login(Role.ADMIN)
    assert client.get(reverse("system-detail", args=["NOPE"])).status_code == 404


# Who may open each edit screen (GET). Written out, not derived from antei.core.roles, so a
# change in the grants shows up here as a failing test.
EDITORS = {Role.ADMIN, Role.OPERATOR}
BUSINESS_EDITORS = {Role.ADMIN, Role.OPERATOR, Role.BUSINESS}
EDIT_SCREENS = [
    ("system-create", [], EDITORS),
    ("system-edit", ["CORE"], EDITORS),
    ("system-delete", ["CORE"], EDITORS),
    ("connection-create", [], EDITORS),
    ("external-party-create", [], EDITORS),
    ("business-function-create", [], BUSINESS_EDITORS),
    ("business-function-edit", ["FURIKOMI"], BUSINESS_EDITORS),
    ("business-function-delete", ["FURIKOMI"], BUSINESS_EDITORS),
]


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.VENDOR])
def test_edit_screens_open_only_for_roles_that_may_edit(login, registry, role):
    client = login(role)
    for name, args, allowed in EDIT_SCREENS:
        expected = 200 if role in allowed else 403
        assert client.get(reverse(name, args=args)).status_code == expected, name


def test_vendor_users_cannot_open_edit_screens(login, registry):
    vendor = factories.vendor()
    client = login(Role.VENDOR, vendor_id=vendor.pk)
    for name, args, _allowed in EDIT_SCREENS:
        assert client.get(reverse(name, args=args)).status_code == 403, name


def test_writes_need_the_csrf_token(registry, admin_actor):
    user = core_services.create_user(actor=admin_actor, username="csrf-admin", role="admin",
                                     password=PASSWORD)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("component-add", args=["CORE"]),
                           {"name": "x", "kind": "server", "environment": "active"})
    assert response.status_code == 403
    assert not Component.objects.exists()
