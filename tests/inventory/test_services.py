"""Inventory writers: systems, components, connections and the responsibility matrix.
Bad input is named by field and rule; nothing is half-written (A1-I-3, A1-I-5, A1-I-9,
A1-II-2, A2-OPS-MON-1, A2-PERF-SET-4, M-2.4)."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest

from antei.core.actor import Actor
from antei.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from antei.core.models import AuditEntry
from antei.core.roles import Role
from antei.inventory import services
from antei.inventory.models import (
    BatchWindow,
    BusinessFunction,
    Component,
    Connection,
    Responsibility,
    System,
)
from tests import factories
from tests.conftest import actor_of

pytestmark = pytest.mark.django_db


def _rules(exc: pytest.ExceptionInfo[Any]) -> list[tuple[str, str]]:
    return [(e.field, e.rule) for e in exc.value.errors]


@pytest.fixture
def system(db: None) -> System:
    factories.department(code="OPS")
    factories.business_function(code="PAY")
    return factories.system(code="CORE", owner_department="OPS", business_functions=["PAY"])


# --- business functions ------------------------------------------------------------------

@pytest.mark.parametrize("tolerance", [0, -1, -1440])
def test_impact_tolerance_must_be_positive(admin_actor: Actor, tolerance: int) -> None:
    with pytest.raises(InvalidInput) as exc:
        services.create_business_function(actor=admin_actor, code="PAY", name="為替",
                                          criticality="critical",
                                          impact_tolerance_minutes=tolerance)
    assert _rules(exc) == [("impact_tolerance_minutes", "positive")]
    assert str(tolerance) in exc.value.errors[0].message
    assert not BusinessFunction.objects.exists()


def test_update_to_zero_tolerance_is_refused(admin_actor: Actor, system: System) -> None:
    with pytest.raises(InvalidInput) as exc:
        services.update_business_function(actor=admin_actor, code="PAY",
                                          changes={"impact_tolerance_minutes": 0})
    assert _rules(exc) == [("impact_tolerance_minutes", "positive")]
    assert BusinessFunction.objects.get(code="PAY").impact_tolerance_minutes == 120


def test_business_function_owner_must_exist(admin_actor: Actor) -> None:
    with pytest.raises(InvalidInput) as exc:
        services.create_business_function(actor=admin_actor, code="PAY", name="為替",
                                          criticality="high", impact_tolerance_minutes=60,
                                          owner_department="NOPE")
    assert _rules(exc) == [("owner_department", "unknown")]
    assert not BusinessFunction.objects.exists()


def test_duplicate_business_function_is_a_conflict(admin_actor: Actor, system: System) -> None:
    with pytest.raises(Conflict) as exc:
        services.create_business_function(actor=admin_actor, code="PAY", name="x",
                                          criticality="low", impact_tolerance_minutes=10)
    assert _rules(exc) == [("code", "unique")]


def test_business_departments_set_tolerances(system: System) -> None:
    """The business owns its impact tolerance; operators may edit it too, auditors may not."""
    services.update_business_function(actor=actor_of(Role.BUSINESS), code="PAY",
                                      changes={"impact_tolerance_minutes": 30})
    assert BusinessFunction.objects.get(code="PAY").impact_tolerance_minutes == 30
    with pytest.raises(PermissionDenied):
        services.update_business_function(actor=actor_of(Role.AUDITOR), code="PAY",
                                          changes={"impact_tolerance_minutes": 5})
    assert BusinessFunction.objects.get(code="PAY").impact_tolerance_minutes == 30


def test_business_function_served_by_a_system_cannot_be_deleted(
    admin_actor: Actor, system: System,
) -> None:
    with pytest.raises(Conflict) as exc:
        services.delete_business_function(actor=admin_actor, code="PAY")
    assert _rules(exc) == [("code", "in_use")]
    assert BusinessFunction.objects.filter(code="PAY").exists()


# --- systems -----------------------------------------------------------------------------

def test_system_with_unknown_department_names_the_field(admin_actor: Actor) -> None:
    with pytest.raises(InvalidInput) as exc:
        services.create_system(actor=admin_actor, code="CORE", name="勘定系", tier="critical",
                               owner_department="NOPE")
    assert _rules(exc) == [("owner_department", "unknown")]
    assert "NOPE" in exc.value.errors[0].message
    assert not System.objects.exists()


def test_system_with_unknown_business_function_creates_nothing(admin_actor: Actor) -> None:
    factories.department(code="OPS")
    with pytest.raises(InvalidInput) as exc:
        services.create_system(actor=admin_actor, code="CORE", name="勘定系", tier="critical",
                               owner_department="OPS", business_functions=["NOPE"])
    assert _rules(exc) == [("business_functions", "unknown")]
    assert not System.objects.exists()


def test_duplicate_system_code_is_a_conflict(admin_actor: Actor, system: System) -> None:
    with pytest.raises(Conflict) as exc:
        services.create_system(actor=admin_actor, code="CORE", name="別", tier="standard",
                               owner_department="OPS")
    assert _rules(exc) == [("code", "unique")]
    assert System.objects.get(code="CORE").name != "別"


def test_system_input_errors_are_reported_together(admin_actor: Actor) -> None:
    with pytest.raises(InvalidInput) as exc:
        services.create_system(actor=admin_actor, code="", name="", tier="top",
                               owner_department="", online_start=time(8),
                               in_service_since=date(2020, 1, 1),
                               last_major_change=date(2019, 1, 1))
    assert set(_rules(exc)) == {
        ("code", "required"), ("name", "required"), ("owner_department", "required"),
        ("tier", "choice"), ("online_end", "time_window"), ("last_major_change", "date_order")}


def test_euc_is_registered_like_any_system(admin_actor: Actor) -> None:
    """A1-I-5: spreadsheets and tools a business department runs are in the inventory."""
    factories.department(code="PAYD", kind="business")
    euc = services.create_system(actor=admin_actor, code="EUC-RECON", name="照合マクロ",
                                 tier="standard", owner_department="PAYD", is_euc=True)
    assert System.objects.get(code="EUC-RECON").is_euc
    assert euc.owner_department.kind == "business"


def test_update_system_replaces_business_functions(admin_actor: Actor, system: System) -> None:
    factories.business_function(code="ATM")
    services.update_system(actor=admin_actor, code="CORE",
                           changes={"business_functions": ["ATM"]})
    assert list(system.business_functions.values_list("code", flat=True)) == ["ATM"]


def test_update_system_with_bad_input_changes_nothing(admin_actor: Actor,
                                                      system: System) -> None:
    with pytest.raises(InvalidInput) as exc:
        services.update_system(actor=admin_actor, code="CORE",
                               changes={"name": "新勘定系", "tier": "gold"})
    assert _rules(exc) == [("tier", "choice")]
    assert System.objects.get(code="CORE").name != "新勘定系"


def test_system_owner_cannot_be_removed(admin_actor: Actor, system: System) -> None:
    with pytest.raises(InvalidInput) as exc:
        services.update_system(actor=admin_actor, code="CORE",
                               changes={"owner_department": None})  # type: ignore[typeddict-item]
    assert _rules(exc) == [("owner_department", "required")]
    assert System.objects.get(code="CORE").owner_department.code == "OPS"


@pytest.mark.parametrize("role", [Role.BUSINESS, Role.RISK, Role.AUDITOR, Role.EXECUTIVE,
                                  Role.VENDOR])
def test_only_admins_and_operators_edit_systems(role: Role) -> None:
    factories.department(code="OPS")
    with pytest.raises(PermissionDenied):
        services.create_system(actor=actor_of(role), code="CORE", name="x", tier="critical",
                               owner_department="OPS")
    services.create_system(actor=actor_of(Role.OPERATOR), code="CORE", name="x",
                           tier="critical", owner_department="OPS")
    assert System.objects.count() == 1


# --- components --------------------------------------------------------------------------

def test_standby_without_active_peer_is_refused(admin_actor: Actor, system: System) -> None:
    """A2-OPS-MON-1 / A2-PERF-SET-4: a standby nobody pairs with an active goes unwatched."""
    with pytest.raises(InvalidInput) as exc:
        services.add_component(actor=admin_actor, system="CORE", name="app-2", kind="server",
                               environment="standby")
    assert _rules(exc) == [("active_peer", "standby_needs_active")]
    assert not Component.objects.exists()


def test_standby_with_its_active_peer_is_accepted(admin_actor: Actor, system: System) -> None:
    services.add_component(actor=admin_actor, system="CORE", name="app-1", kind="server",
                           environment="active")
    standby = services.add_component(actor=admin_actor, system="CORE", name="app-2",
                                     kind="server", environment="standby", active_peer="app-1")
    assert standby.active_peer is not None and standby.active_peer.name == "app-1"


def test_standby_peer_must_be_active(admin_actor: Actor, system: System) -> None:
    services.add_component(actor=admin_actor, system="CORE", name="dev-1", kind="server",
                           environment="development")
    with pytest.raises(InvalidInput) as exc:
        services.add_component(actor=admin_actor, system="CORE", name="app-2", kind="server",
                               environment="standby", active_peer="dev-1")
    assert _rules(exc) == [("active_peer", "peer_not_active")]


def test_standby_peer_must_be_in_the_same_system(admin_actor: Actor, system: System) -> None:
    other = factories.system(owner_department="OPS")
    services.add_component(actor=admin_actor, system=other.code, name="app-1", kind="server",
                           environment="active")
    with pytest.raises(InvalidInput) as exc:
        services.add_component(actor=admin_actor, system="CORE", name="app-2", kind="server",
                               environment="standby", active_peer="app-1")
    assert _rules(exc) == [("active_peer", "peer_not_active")]
    assert not Component.objects.filter(system=system).exists()


def test_active_with_standbys_cannot_stop_being_active(admin_actor: Actor,
                                                      system: System) -> None:
    services.add_component(actor=admin_actor, system="CORE", name="app-1", kind="server",
                           environment="active")
    services.add_component(actor=admin_actor, system="CORE", name="app-2", kind="server",
                           environment="standby", active_peer="app-1")
    with pytest.raises(InvalidInput) as exc:
        services.update_component(actor=admin_actor, system="CORE", name="app-1",
                                  changes={"environment": "development"})
    assert _rules(exc) == [("environment", "in_use")]
    assert Component.objects.get(name="app-1").environment == "active"


def test_deleting_an_active_with_standbys_is_refused(admin_actor: Actor, system: System) -> None:
    services.add_component(actor=admin_actor, system="CORE", name="app-1", kind="server",
                           environment="active")
    services.add_component(actor=admin_actor, system="CORE", name="app-2", kind="server",
                           environment="standby", active_peer="app-1")
    with pytest.raises(Conflict) as exc:
        services.delete_component(actor=admin_actor, system="CORE", name="app-1")
    assert _rules(exc) == [("code", "in_use")]
    assert Component.objects.count() == 2


def test_duplicate_component_name_in_a_system_is_a_conflict(admin_actor: Actor,
                                                            system: System) -> None:
    services.add_component(actor=admin_actor, system="CORE", name="db-1", kind="database",
                           environment="active")
    with pytest.raises(Conflict) as exc:
        services.add_component(actor=admin_actor, system="CORE", name="db-1", kind="database",
                               environment="active")
    assert _rules(exc) == [("name", "unique")]


def test_component_of_unknown_system_is_not_found(admin_actor: Actor) -> None:
    with pytest.raises(NotFound):
        services.add_component(actor=admin_actor, system="NOPE", name="x", kind="server",
                               environment="active")


# --- connections -------------------------------------------------------------------------

def test_connection_to_itself_is_refused(admin_actor: Actor, system: System) -> None:
    with pytest.raises(InvalidInput) as exc:
        services.create_connection(actor=admin_actor, source="CORE", target_system="CORE",
                                   direction="both")
    assert _rules(exc) == [("target_system", "self_connection")]
    assert not Connection.objects.exists()


def test_connection_needs_exactly_one_target(admin_actor: Actor, system: System) -> None:
    services.create_external_party(actor=admin_actor, code="ZENGIN", name="全銀", kind="zengin")
    other = factories.system(owner_department="OPS")
    with pytest.raises(InvalidInput) as exc:
        services.create_connection(actor=admin_actor, source="CORE", target_system=other.code,
                                   target_external="ZENGIN", direction="both")
    assert _rules(exc) == [("target_system", "one_target")]
    assert not Connection.objects.exists()


def test_connection_to_an_external_party(admin_actor: Actor, system: System) -> None:
    """A1-I-3: the map includes partners outside the bank (Zengin, card networks)."""
    services.create_external_party(actor=admin_actor, code="ZENGIN", name="全銀", kind="zengin")
    conn = services.create_connection(actor=admin_actor, source="CORE",
                                      target_external="ZENGIN", direction="outbound",
                                      protocol="全銀TCP/IP")
    assert conn.target_code == "ZENGIN"


@pytest.mark.parametrize(("field", "kwargs"), [
    ("source", {"source": "NOPE", "target_external": "ZENGIN"}),
    ("target_system", {"source": "CORE", "target_system": "NOPE"}),
    ("target_external", {"source": "CORE", "target_external": "NOPE"}),
])
def test_connection_ends_must_exist(admin_actor: Actor, system: System, field: str,
                                    kwargs: dict[str, str]) -> None:
    services.create_external_party(actor=admin_actor, code="ZENGIN", name="全銀", kind="zengin")
    with pytest.raises(InvalidInput) as exc:
        services.create_connection(actor=admin_actor, direction="both", **kwargs)
    assert _rules(exc) == [(field, "unknown")]


def test_external_party_in_use_cannot_be_dropped_by_system_delete(
    admin_actor: Actor, system: System,
) -> None:
    """Deleting a system removes its connections, but the partner stays registered."""
    services.create_external_party(actor=admin_actor, code="ZENGIN", name="全銀", kind="zengin")
    services.create_connection(actor=admin_actor, source="CORE", target_external="ZENGIN",
                               direction="both")
    services.delete_system(actor=admin_actor, code="CORE")
    assert not Connection.objects.exists()
    from antei.inventory.models import ExternalParty

    assert ExternalParty.objects.filter(code="ZENGIN").exists()


# --- responsibility matrix and vendors ---------------------------------------------------

def test_volume_forecasting_defaults_to_in_house(admin_actor: Actor, system: System) -> None:
    """A1-I-9 / M-2.4: volume forecasting stays with the bank unless someone says otherwise."""
    row = services.set_responsibility(actor=admin_actor, system="CORE",
                                      task="volume_forecasting", department="OPS")
    assert row.must_stay_in_house is True
    monitoring = services.set_responsibility(actor=admin_actor, system="CORE",
                                             task="monitoring", department="OPS")
    assert monitoring.must_stay_in_house is False


def test_volume_forecasting_refuses_a_vendor_owner(admin_actor: Actor, system: System) -> None:
    vendor = factories.vendor()
    with pytest.raises(InvalidInput) as exc:
        services.set_responsibility(actor=admin_actor, system="CORE",
                                    task="volume_forecasting", vendor=vendor.code)
    assert _rules(exc) == [("vendor", "in_house_task")]
    assert not Responsibility.objects.exists()


def test_moving_an_in_house_task_to_a_vendor_keeps_the_old_owner(admin_actor: Actor,
                                                                 system: System) -> None:
    vendor = factories.vendor()
    services.set_responsibility(actor=admin_actor, system="CORE", task="volume_forecasting",
                                department="OPS")
    with pytest.raises(InvalidInput):
        services.set_responsibility(actor=admin_actor, system="CORE",
                                    task="volume_forecasting", vendor=vendor.code)
    row = Responsibility.objects.get()
    assert (row.department.code if row.department else None, row.vendor) == ("OPS", None)


def test_an_outsourced_task_names_its_vendor(admin_actor: Actor, system: System) -> None:
    """A1-II-2: the matrix says who monitors, and the new answer replaces the old one."""
    vendor = factories.vendor()
    services.set_responsibility(actor=admin_actor, system="CORE", task="monitoring",
                                department="OPS")
    services.set_responsibility(actor=admin_actor, system="CORE", task="monitoring",
                                vendor=vendor.code)
    row = Responsibility.objects.get()
    assert (row.department, row.vendor) == (None, vendor)
    entry = AuditEntry.objects.filter(action="responsibility.update").get()
    assert entry.before is not None and entry.after is not None
    assert entry.before["vendor_id"] is None
    assert entry.after["vendor_id"] == vendor.pk


def test_responsibility_with_unknown_owner_names_it(admin_actor: Actor, system: System) -> None:
    with pytest.raises(InvalidInput) as exc:
        services.set_responsibility(actor=admin_actor, system="CORE", task="monitoring",
                                    vendor="NOPE")
    assert _rules(exc) == [("vendor", "unknown")]


def test_vendor_role_is_unique_and_known(admin_actor: Actor, system: System) -> None:
    vendor = factories.vendor()
    services.assign_vendor(actor=admin_actor, system="CORE", vendor=vendor.code, role="run")
    with pytest.raises(Conflict):
        services.assign_vendor(actor=admin_actor, system="CORE", vendor=vendor.code, role="run")
    with pytest.raises(InvalidInput) as exc:
        services.assign_vendor(actor=admin_actor, system="CORE", vendor=vendor.code,
                               role="advise")
    assert _rules(exc) == [("role", "choice")]


def test_batch_window_name_is_unique_per_system(admin_actor: Actor, system: System) -> None:
    services.add_batch_window(actor=admin_actor, system="CORE", name="夜間", start=time(22),
                              end=time(2))
    with pytest.raises(Conflict) as exc:
        services.add_batch_window(actor=admin_actor, system="CORE", name="夜間",
                                  start=time(23), end=time(3))
    assert _rules(exc) == [("name", "unique")]
    assert BatchWindow.objects.get().start == time(22)


def test_key_person_is_listed_once(admin_actor: Actor, system: System) -> None:
    person = factories.person()
    services.add_key_person(actor=admin_actor, system="CORE", person=person.code)
    with pytest.raises(Conflict) as exc:
        services.add_key_person(actor=admin_actor, system="CORE", person=person.code)
    assert _rules(exc) == [("person", "unique")]
