"""Writers for the inventory. One transaction each, audited in it.

Catalog: M-2.1, A1-I-3, A1-I-5, A1-I-9, A1-I-11, A1-II-2, C06, C09, C14.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time
from typing import TypedDict

from django.db import transaction

from antei.core import audit, registry
from antei.core.actor import Actor
from antei.core.domain import check_choice
from antei.core.errors import Conflict, InvalidInput, field_error
from antei.core.roles import Perm
from antei.inventory import domain
from antei.inventory.models import (
    BatchWindow,
    BusinessFunction,
    Component,
    Connection,
    ExternalParty,
    KeyPerson,
    Responsibility,
    System,
    SystemVendor,
)
from antei.org.models import Department, Person, Vendor


class BusinessFunctionChanges(TypedDict, total=False):
    name: str
    name_en: str
    criticality: str
    impact_tolerance_minutes: int
    owner_department: str | None
    description: str


class ExternalPartyChanges(TypedDict, total=False):
    name: str
    name_en: str
    kind: str
    description: str


class ConnectionChanges(TypedDict, total=False):
    direction: str
    protocol: str
    description: str


class SystemChanges(TypedDict, total=False):
    name: str
    name_en: str
    tier: str
    owner_department: str
    business_functions: list[str]
    is_euc: bool
    in_service_since: date | None
    last_major_change: date | None
    online_start: time | None
    online_end: time | None
    online_days: str
    description: str


class ComponentChanges(TypedDict, total=False):
    name: str
    kind: str
    environment: str
    active_peer: str | None
    hostname: str
    site: str
    version: str
    description: str


# --- business functions ------------------------------------------------------------------

def _bf_values(bf: BusinessFunction) -> dict[str, object]:
    return {"code": bf.code, "name": bf.name, "criticality": bf.criticality,
            "impact_tolerance_minutes": bf.impact_tolerance_minutes}


def create_business_function(
    *, actor: Actor, code: str, name: str, criticality: str, impact_tolerance_minutes: int,
    owner_department: str | None = None, name_en: str = "", description: str = "",
) -> BusinessFunction:
    registry.require(actor, Perm.BUSINESS_EDIT)
    bf = BusinessFunction(code=code, name=name, name_en=name_en, criticality=criticality,
                          impact_tolerance_minutes=impact_tolerance_minutes,
                          description=description)
    registry.reject(domain.check_business_function(_bf_values(bf)))
    with transaction.atomic():
        registry.ensure_unique(BusinessFunction, "code", code)
        bf.owner_department = registry.resolve(Department, "owner_department",
                                               owner_department, kind="department")
        return registry.save_new(actor=actor, instance=bf, action="business_function.create")


def update_business_function(
    *, actor: Actor, code: str, changes: BusinessFunctionChanges,
) -> BusinessFunction:
    registry.require(actor, Perm.BUSINESS_EDIT)
    registry.unknown_fields(changes, BusinessFunctionChanges.__annotations__)
    with transaction.atomic():
        bf = registry.get(BusinessFunction, "business function", code=code)
        before = audit.snapshot(bf)
        for k, v in changes.items():
            if k == "owner_department":
                bf.owner_department = registry.resolve(Department, k, v, kind="department")  # type: ignore[arg-type]
            else:
                setattr(bf, k, v)
        registry.reject(domain.check_business_function(_bf_values(bf)))
        return registry.save_changed(actor=actor, instance=bf, before=before,
                                     action="business_function.update")


def delete_business_function(*, actor: Actor, code: str) -> None:
    registry.require(actor, Perm.BUSINESS_EDIT)
    with transaction.atomic():
        bf = registry.get(BusinessFunction, "business function", code=code)
        if bf.systems.exists():
            # Same answer as any other row still referenced (registry.delete): 409 in_use.
            raise Conflict(errors=[field_error("code", "in_use", what="systems")])
        registry.delete(actor=actor, instance=bf, action="business_function.delete")


# --- systems -----------------------------------------------------------------------------

def system_snapshot(system: System) -> dict[str, object]:
    data = audit.snapshot(system)
    data["business_functions"] = sorted(bf.code for bf in system.business_functions.all())
    return data


def _system_values(s: System, owner_code: str | None) -> dict[str, object]:
    return {"code": s.code, "name": s.name, "tier": s.tier, "owner_department": owner_code,
            "online_days": s.online_days, "in_service_since": s.in_service_since,
            "last_major_change": s.last_major_change, "online_start": s.online_start,
            "online_end": s.online_end}


def _business_functions(codes: Sequence[str]) -> list[BusinessFunction]:
    found = {bf.code: bf for bf in BusinessFunction.objects.filter(code__in=list(codes))}
    missing = [c for c in codes if c not in found]
    if missing:
        raise InvalidInput.one("business_functions", "unknown", kind="business function",
                               value=", ".join(missing))
    return [found[c] for c in codes]


def create_system(
    *, actor: Actor, code: str, name: str, tier: str, owner_department: str,
    business_functions: Sequence[str] = (), is_euc: bool = False, name_en: str = "",
    in_service_since: date | None = None, last_major_change: date | None = None,
    online_start: time | None = None, online_end: time | None = None,
    online_days: str = "business_days", description: str = "",
) -> System:
    """Register a system. EUC systems (業務部署所管) are registered like any other (A1-I-5)."""
    registry.require(actor, Perm.INVENTORY_EDIT)
    system = System(code=code, name=name, name_en=name_en, tier=tier, is_euc=is_euc,
                    in_service_since=in_service_since, last_major_change=last_major_change,
                    online_start=online_start, online_end=online_end,
                    online_days=online_days, description=description)
    registry.reject(domain.check_system(_system_values(system, owner_department)))
    with transaction.atomic():
        registry.ensure_unique(System, "code", code)
        system.owner_department = registry.resolve(  # type: ignore[assignment]
            Department, "owner_department", owner_department, kind="department")
        functions = _business_functions(business_functions)
        system.save()
        system.business_functions.set(functions)
        audit.record(actor=actor, action="system.create", obj=system,
                     after=system_snapshot(system))
        return system


def update_system(*, actor: Actor, code: str, changes: SystemChanges) -> System:
    registry.require(actor, Perm.INVENTORY_EDIT)
    registry.unknown_fields(changes, SystemChanges.__annotations__)
    with transaction.atomic():
        system = registry.get(System, "system", code=code)
        before = system_snapshot(system)
        functions = None
        for k, v in changes.items():
            if k == "owner_department":
                system.owner_department = registry.resolve(  # type: ignore[assignment]
                    Department, k, v, kind="department")  # type: ignore[arg-type]
            elif k == "business_functions":
                functions = _business_functions(v)  # type: ignore[arg-type]
            else:
                setattr(system, k, v)
        owner = system.owner_department.code if system.owner_department_id else None
        registry.reject(domain.check_system(_system_values(system, owner)))
        system.save()
        if functions is not None:
            system.business_functions.set(functions)
        audit.record(actor=actor, action="system.update", obj=system, before=before,
                     after=system_snapshot(system))
        return system


def delete_system(*, actor: Actor, code: str) -> None:
    registry.require(actor, Perm.INVENTORY_EDIT)
    with transaction.atomic():
        system = registry.get(System, "system", code=code)
        registry.delete(actor=actor, instance=system, action="system.delete",
                        before=system_snapshot(system))


def add_batch_window(
    *, actor: Actor, system: str, name: str, start: time, end: time,
    days: str = "business_days",
) -> BatchWindow:
    registry.require(actor, Perm.INVENTORY_EDIT)
    registry.reject(domain.check_batch_window(
        {"name": name, "start": start, "end": end, "days": days}))
    with transaction.atomic():
        owner = registry.get(System, "system", code=system)
        registry.ensure_unique(BatchWindow, "name", name, scope={"system": owner})
        return registry.save_new(actor=actor, action="batch_window.create",
                                 instance=BatchWindow(system=owner, name=name, start=start,
                                                      end=end, days=days))


def delete_batch_window(*, actor: Actor, system: str, window_id: int) -> None:
    registry.require(actor, Perm.INVENTORY_EDIT)
    with transaction.atomic():
        window = registry.get(BatchWindow, "batch window", pk=window_id, system__code=system)
        registry.delete(actor=actor, instance=window, action="batch_window.delete")


# --- components --------------------------------------------------------------------------

def _check_component(system: System, c: Component, peer_name: str | None) -> None:
    peer = None
    if peer_name:
        peer = Component.objects.filter(system=system, name=peer_name).first()
    registry.reject(domain.check_component(
        {"name": c.name, "kind": c.kind, "environment": c.environment, "active_peer": peer_name},
        peer_environment=peer.environment if peer else None,
        peer_same_system=peer is not None,
    ))
    c.active_peer = peer


def add_component(
    *, actor: Actor, system: str, name: str, kind: str, environment: str,
    active_peer: str | None = None, hostname: str = "", site: str = "", version: str = "",
    description: str = "",
) -> Component:
    """Add a component; a standby names its active peer (A2-OPS-MON-1, A2-PERF-SET-4)."""
    registry.require(actor, Perm.INVENTORY_EDIT)
    with transaction.atomic():
        owner = registry.get(System, "system", code=system)
        component = Component(system=owner, name=name, kind=kind, environment=environment,
                              hostname=hostname, site=site, version=version,
                              description=description)
        _check_component(owner, component, active_peer)
        registry.ensure_unique(Component, "name", name, scope={"system": owner})
        return registry.save_new(actor=actor, instance=component, action="component.create")


def update_component(
    *, actor: Actor, system: str, name: str, changes: ComponentChanges,
) -> Component:
    registry.require(actor, Perm.INVENTORY_EDIT)
    registry.unknown_fields(changes, ComponentChanges.__annotations__)
    with transaction.atomic():
        component = registry.get(Component, "component", system__code=system, name=name)
        before = audit.snapshot(component)
        peer_name = component.active_peer.name if component.active_peer else None
        for k, v in changes.items():
            if k == "active_peer":
                peer_name = v  # type: ignore[assignment]
            else:
                setattr(component, k, v)
        if component.environment != "active" and component.standbys.exists():
            raise InvalidInput.one("environment", "in_use", what="standby components")
        _check_component(component.system, component, peer_name)
        registry.ensure_unique(Component, "name", component.name, exclude_pk=component.pk,
                               scope={"system": component.system})
        return registry.save_changed(actor=actor, instance=component, before=before,
                                     action="component.update")


def delete_component(*, actor: Actor, system: str, name: str) -> None:
    registry.require(actor, Perm.INVENTORY_EDIT)
    with transaction.atomic():
        component = registry.get(Component, "component", system__code=system, name=name)
        registry.delete(actor=actor, instance=component, action="component.delete")


# --- external parties and connections ----------------------------------------------------

def create_external_party(
    *, actor: Actor, code: str, name: str, kind: str, name_en: str = "", description: str = "",
) -> ExternalParty:
    registry.require(actor, Perm.INVENTORY_EDIT)
    registry.reject(domain.check_external_party({"code": code, "name": name, "kind": kind}))
    with transaction.atomic():
        registry.ensure_unique(ExternalParty, "code", code)
        return registry.save_new(
            actor=actor, action="external_party.create",
            instance=ExternalParty(code=code, name=name, name_en=name_en, kind=kind,
                                   description=description))


def update_external_party(*, actor: Actor, code: str,
                          changes: ExternalPartyChanges) -> ExternalParty:
    """Rename or reclassify a party (its code stays: connections and imports name it)."""
    registry.require(actor, Perm.INVENTORY_EDIT)
    registry.unknown_fields(changes, ExternalPartyChanges.__annotations__)
    with transaction.atomic():
        party = registry.get(ExternalParty, "external party", code=code)
        before = audit.snapshot(party)
        for k, v in changes.items():
            setattr(party, k, v)
        registry.reject(domain.check_external_party(
            {"code": party.code, "name": party.name, "kind": party.kind}))
        return registry.save_changed(actor=actor, instance=party, before=before,
                                     action="external_party.update")


def delete_external_party(*, actor: Actor, code: str) -> None:
    """Only a party no connection names: the connection map must not lose an end (A1-I-3)."""
    registry.require(actor, Perm.INVENTORY_EDIT)
    with transaction.atomic():
        party = registry.get(ExternalParty, "external party", code=code)
        registry.delete(actor=actor, instance=party, action="external_party.delete")


def create_connection(
    *, actor: Actor, source: str, direction: str, target_system: str | None = None,
    target_external: str | None = None, protocol: str = "", description: str = "",
) -> Connection:
    """Connect a system to another system or an external party (A1-I-3, C09)."""
    registry.require(actor, Perm.INVENTORY_EDIT)
    registry.reject(domain.check_connection(
        {"source": source, "target_system": target_system, "target_external": target_external,
         "direction": direction}))
    with transaction.atomic():
        connection = Connection(
            source=registry.resolve(System, "source", source, kind="system"),
            target_system=registry.resolve(System, "target_system", target_system,
                                           kind="system"),
            target_external=registry.resolve(ExternalParty, "target_external", target_external,
                                             kind="external party"),
            direction=direction, protocol=protocol, description=description,
        )
        duplicate = Connection.objects.filter(
            source=connection.source, target_system=connection.target_system,
            target_external=connection.target_external, protocol=protocol).exists()
        if duplicate:
            raise Conflict(errors=[field_error("protocol", "unique", value=protocol or "-")])
        return registry.save_new(actor=actor, instance=connection, action="connection.create")


def update_connection(*, actor: Actor, connection_id: int,
                      changes: ConnectionChanges) -> Connection:
    """Change direction, protocol or description. The two ends define the connection: a
    different end is a different connection (delete and create), so the history stays true."""
    registry.require(actor, Perm.INVENTORY_EDIT)
    registry.unknown_fields(changes, ConnectionChanges.__annotations__)
    with transaction.atomic():
        connection = registry.get(Connection, "connection", pk=connection_id)
        before = audit.snapshot(connection)
        for k, v in changes.items():
            setattr(connection, k, v)
        registry.reject(domain.check_connection({
            "source": connection.source.code, "direction": connection.direction,
            "target_system": connection.target_system.code if connection.target_system else None,
            "target_external": (connection.target_external.code
                                if connection.target_external else None)}))
        duplicate = Connection.objects.filter(
            source=connection.source, target_system=connection.target_system,
            target_external=connection.target_external, protocol=connection.protocol,
        ).exclude(pk=connection.pk).exists()
        if duplicate:
            raise Conflict(errors=[field_error("protocol", "unique",
                                               value=connection.protocol or "-")])
        return registry.save_changed(actor=actor, instance=connection, before=before,
                                     action="connection.update")


def delete_connection(*, actor: Actor, connection_id: int) -> None:
    registry.require(actor, Perm.INVENTORY_EDIT)
    with transaction.atomic():
        connection = registry.get(Connection, "connection", pk=connection_id)
        registry.delete(actor=actor, instance=connection, action="connection.delete")


# --- vendors, responsibilities and key persons per system --------------------------------

def assign_vendor(*, actor: Actor, system: str, vendor: str, role: str) -> SystemVendor:
    registry.require(actor, Perm.INVENTORY_EDIT)
    registry.reject(check_choice(role, domain.VENDOR_ROLES, "role"))
    with transaction.atomic():
        owner = registry.get(System, "system", code=system)
        who = registry.resolve(Vendor, "vendor", vendor, kind="vendor")
        registry.ensure_unique(SystemVendor, "role", role, scope={"system": owner, "vendor": who})
        return registry.save_new(actor=actor, action="system_vendor.create",
                                 instance=SystemVendor(system=owner, vendor=who, role=role))


def unassign_vendor(*, actor: Actor, system: str, vendor: str, role: str) -> None:
    registry.require(actor, Perm.INVENTORY_EDIT)
    with transaction.atomic():
        row = registry.get(SystemVendor, "vendor role", system__code=system,
                           vendor__code=vendor, role=role)
        registry.delete(actor=actor, instance=row, action="system_vendor.delete")


def set_responsibility(
    *, actor: Actor, system: str, task: str, department: str | None = None,
    vendor: str | None = None, must_stay_in_house: bool | None = None, notes: str = "",
) -> Responsibility:
    """Say who does `task` for `system`; replaces the previous owner (A1-II-2, A1-I-9).

    `must_stay_in_house` defaults to the task's standing rule (volume forecasting: yes).
    """
    registry.require(actor, Perm.INVENTORY_EDIT)
    in_house = (task in domain.IN_HOUSE_BY_DEFAULT if must_stay_in_house is None
                else must_stay_in_house)
    registry.reject(domain.check_responsibility(
        {"task": task, "department": department, "vendor": vendor,
         "must_stay_in_house": in_house}))
    with transaction.atomic():
        owner = registry.get(System, "system", code=system)
        row = Responsibility.objects.select_for_update().filter(system=owner, task=task).first()
        before = audit.snapshot(row) if row else None
        row = row or Responsibility(system=owner, task=task)
        row.department = registry.resolve(Department, "department", department,
                                          kind="department")
        row.vendor = registry.resolve(Vendor, "vendor", vendor, kind="vendor")
        row.must_stay_in_house, row.notes = in_house, notes
        if before is None:
            return registry.save_new(actor=actor, instance=row, action="responsibility.create")
        return registry.save_changed(actor=actor, instance=row, before=before,
                                     action="responsibility.update")


def add_key_person(*, actor: Actor, system: str, person: str, area: str = "") -> KeyPerson:
    registry.require(actor, Perm.INVENTORY_EDIT)
    with transaction.atomic():
        owner = registry.get(System, "system", code=system)
        who = registry.resolve(Person, "person", person, kind="person")
        registry.ensure_unique(KeyPerson, "person", who, scope={"system": owner})
        return registry.save_new(actor=actor, action="key_person.create",
                                 instance=KeyPerson(system=owner, person=who, area=area))


def remove_key_person(*, actor: Actor, system: str, person: str) -> None:
    registry.require(actor, Perm.INVENTORY_EDIT)
    with transaction.atomic():
        row = registry.get(KeyPerson, "key person", system__code=system, person__code=person)
        registry.delete(actor=actor, instance=row, action="key_person.delete")
