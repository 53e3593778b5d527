"""Writers for the organisation registry. One transaction each, audited in it.

Catalog: A1-II-1 (who does what), A2-RESP-1 (contacts that really reach people),
C14 (vendor register and contracts).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TypedDict

from django.db import transaction

from antei.core import audit, registry
from antei.core.actor import Actor
from antei.core.domain import Violation
from antei.core.roles import Perm
from antei.org import domain
from antei.org.models import ContactPoint, Department, Person, Vendor, VendorContract


class DepartmentChanges(TypedDict, total=False):
    name: str
    name_en: str
    kind: str
    description: str


class VendorChanges(TypedDict, total=False):
    name: str
    name_en: str
    emergency_contact: str
    description: str


class ContractChanges(TypedDict, total=False):
    title: str
    services: list[str]
    starts_on: date
    ends_on: date | None
    description: str


class PersonChanges(TypedDict, total=False):
    name: str
    name_kana: str
    name_en: str
    department: str | None
    vendor: str | None
    titles: list[str]
    is_active: bool


class ContactChanges(TypedDict, total=False):
    kind: str
    address: str
    label: str
    priority: int


# --- departments -------------------------------------------------------------------------

def create_department(
    *, actor: Actor, code: str, name: str, kind: str, name_en: str = "", description: str = "",
) -> Department:
    registry.require(actor, Perm.ORG_EDIT)
    registry.reject(domain.check_department({"code": code, "name": name, "kind": kind}))
    with transaction.atomic():
        registry.ensure_unique(Department, "code", code)
        return registry.save_new(
            actor=actor, action="department.create",
            instance=Department(code=code, name=name, name_en=name_en, kind=kind,
                                description=description),
        )


def update_department(*, actor: Actor, code: str, changes: DepartmentChanges) -> Department:
    registry.require(actor, Perm.ORG_EDIT)
    registry.unknown_fields(changes, DepartmentChanges.__annotations__)
    with transaction.atomic():
        dept: Department = registry.get(Department, "department", code=code)
        before = audit.snapshot(dept)
        for k, v in changes.items():
            setattr(dept, k, v)
        registry.reject(domain.check_department(
            {"code": dept.code, "name": dept.name, "kind": dept.kind}))
        return registry.save_changed(actor=actor, instance=dept, before=before,
                                     action="department.update")


def delete_department(*, actor: Actor, code: str) -> None:
    registry.require(actor, Perm.ORG_EDIT)
    with transaction.atomic():
        registry.delete(actor=actor, instance=registry.get(Department, "department", code=code),
                        action="department.delete")


# --- vendors and contracts ---------------------------------------------------------------

def create_vendor(
    *, actor: Actor, code: str, name: str, name_en: str = "", emergency_contact: str = "",
    description: str = "",
) -> Vendor:
    registry.require(actor, Perm.ORG_EDIT)
    registry.reject(domain.check_vendor({"code": code, "name": name}))
    with transaction.atomic():
        registry.ensure_unique(Vendor, "code", code)
        return registry.save_new(
            actor=actor, action="vendor.create",
            instance=Vendor(code=code, name=name, name_en=name_en,
                            emergency_contact=emergency_contact, description=description),
        )


def update_vendor(*, actor: Actor, code: str, changes: VendorChanges) -> Vendor:
    registry.require(actor, Perm.ORG_EDIT)
    registry.unknown_fields(changes, VendorChanges.__annotations__)
    with transaction.atomic():
        vendor: Vendor = registry.get(Vendor, "vendor", code=code)
        before = audit.snapshot(vendor)
        for k, v in changes.items():
            setattr(vendor, k, v)
        registry.reject(domain.check_vendor({"code": vendor.code, "name": vendor.name}))
        return registry.save_changed(actor=actor, instance=vendor, before=before,
                                     action="vendor.update")


def delete_vendor(*, actor: Actor, code: str) -> None:
    registry.require(actor, Perm.ORG_EDIT)
    with transaction.atomic():
        registry.delete(actor=actor, instance=registry.get(Vendor, "vendor", code=code),
                        action="vendor.delete")


def add_contract(
    *, actor: Actor, vendor: str, reference: str, title: str, starts_on: date,
    services: Sequence[str] = (), ends_on: date | None = None, description: str = "",
) -> VendorContract:
    registry.require(actor, Perm.ORG_EDIT)
    values = {"reference": reference, "title": title, "starts_on": starts_on,
              "ends_on": ends_on, "services": list(services)}
    registry.reject(domain.check_contract(values))
    with transaction.atomic():
        owner: Vendor = registry.get(Vendor, "vendor", code=vendor)
        registry.ensure_unique(VendorContract, "reference", reference, scope={"vendor": owner})
        return registry.save_new(
            actor=actor, action="vendor_contract.create",
            instance=VendorContract(vendor=owner, reference=reference, title=title,
                                    services=list(services), starts_on=starts_on,
                                    ends_on=ends_on, description=description),
        )


def update_contract(*, actor: Actor, contract_id: int, changes: ContractChanges) -> VendorContract:
    registry.require(actor, Perm.ORG_EDIT)
    registry.unknown_fields(changes, ContractChanges.__annotations__)
    with transaction.atomic():
        contract = registry.get(VendorContract, "contract", pk=contract_id)
        before = audit.snapshot(contract)
        for k, v in changes.items():
            setattr(contract, k, v)
        registry.reject(domain.check_contract({
            "reference": contract.reference, "title": contract.title,
            "starts_on": contract.starts_on, "ends_on": contract.ends_on,
            "services": contract.services}))
        return registry.save_changed(actor=actor, instance=contract, before=before,
                                     action="vendor_contract.update")


def delete_contract(*, actor: Actor, vendor: str, contract_id: int) -> None:
    registry.require(actor, Perm.ORG_EDIT)
    with transaction.atomic():
        contract = registry.get(VendorContract, "contract", pk=contract_id, vendor__code=vendor)
        registry.delete(actor=actor, instance=contract, action="vendor_contract.delete")


# --- people and contact points -----------------------------------------------------------

def _person_after(person: Person) -> dict[str, object]:
    data = audit.snapshot(person)
    data["contact_points"] = [
        {"kind": c.kind, "address": c.address, "priority": c.priority}
        for c in person.contact_points.all()
    ]
    return data


def create_person(
    *, actor: Actor, code: str, name: str, department: str | None = None,
    vendor: str | None = None, titles: Sequence[str] = (), name_kana: str = "",
    name_en: str = "", contact_points: Sequence[Mapping[str, object]] = (),
) -> Person:
    """Register a person with their contact points in one step (all or nothing)."""
    registry.require(actor, Perm.ORG_EDIT)
    registry.reject(domain.check_person(
        {"code": code, "name": name, "department": department, "vendor": vendor}))
    cleaned = _clean_contacts(contact_points)
    with transaction.atomic():
        registry.ensure_unique(Person, "code", code)
        person = Person(
            code=code, name=name, name_kana=name_kana, name_en=name_en, titles=list(titles),
            department=registry.resolve(Department, "department", department,
                                        kind="department"),
            vendor=registry.resolve(Vendor, "vendor", vendor, kind="vendor"),
        )
        person.save()
        ContactPoint.objects.bulk_create(
            ContactPoint(person=person, kind=k, address=a, label=lbl, priority=p)
            for k, a, lbl, p in cleaned
        )
        audit.record(actor=actor, action="person.create", obj=person, after=_person_after(person))
        return person


def _clean_contacts(
    contact_points: Sequence[Mapping[str, object]],
) -> list[tuple[str, str, str, int]]:
    cleaned, problems = [], []
    seen: set[tuple[str, str]] = set()
    for i, cp in enumerate(contact_points):
        address, found = domain.normalise_contact(str(cp.get("kind", "")),
                                                  str(cp.get("address", "")))
        problems += [Violation(f"contact_points[{i}].{v.field}", v.rule, v.params) for v in found]
        # Two spellings of one number normalise to the same address: say so, field by field.
        key = (str(cp.get("kind")), address)
        if not found and key in seen:
            problems.append(Violation(f"contact_points[{i}].address", "unique",
                                      {"value": address}))
        seen.add(key)
        cleaned.append((str(cp.get("kind")), address, str(cp.get("label") or ""),
                        int(str(cp.get("priority") or 1))))
    registry.reject(problems)
    return cleaned


def update_person(*, actor: Actor, code: str, changes: PersonChanges) -> Person:
    registry.require(actor, Perm.ORG_EDIT)
    registry.unknown_fields(changes, PersonChanges.__annotations__)
    with transaction.atomic():
        person: Person = registry.get(Person, "person", code=code)
        before = _person_after(person)
        for k, v in changes.items():
            if k == "department":
                person.department = registry.resolve(Department, k, v, kind="department")  # type: ignore[arg-type]
            elif k == "vendor":
                person.vendor = registry.resolve(Vendor, k, v, kind="vendor")  # type: ignore[arg-type]
            else:
                setattr(person, k, v)
        registry.reject(domain.check_person({
            "code": person.code, "name": person.name,
            "department": person.department_id, "vendor": person.vendor_id}))
        return registry.save_changed(actor=actor, instance=person, before=before,
                                     action="person.update", after=_person_after)


def delete_person(*, actor: Actor, code: str) -> None:
    registry.require(actor, Perm.ORG_EDIT)
    with transaction.atomic():
        person: Person = registry.get(Person, "person", code=code)
        registry.delete(actor=actor, instance=person, action="person.delete",
                        before=_person_after(person))


def add_contact_point(
    *, actor: Actor, person: str, kind: str, address: str, label: str = "", priority: int = 1,
) -> ContactPoint:
    registry.require(actor, Perm.ORG_EDIT)
    normalised, problems = domain.normalise_contact(kind, address)
    registry.reject(problems)
    with transaction.atomic():
        owner: Person = registry.get(Person, "person", code=person)
        registry.ensure_unique(ContactPoint, "address", normalised,
                               scope={"person": owner, "kind": kind})
        return registry.save_new(
            actor=actor, action="contact_point.create",
            instance=ContactPoint(person=owner, kind=kind, address=normalised, label=label,
                                  priority=priority),
        )


def update_contact_point(*, actor: Actor, contact_id: int, changes: ContactChanges) -> ContactPoint:
    """Changing where a contact points un-verifies it: it must be proven again (A2-RESP-1)."""
    registry.require(actor, Perm.ORG_EDIT)
    registry.unknown_fields(changes, ContactChanges.__annotations__)
    with transaction.atomic():
        cp = registry.get(ContactPoint, "contact point", pk=contact_id)
        before = audit.snapshot(cp)
        for k, v in changes.items():
            setattr(cp, k, v)
        normalised, problems = domain.normalise_contact(cp.kind, cp.address)
        registry.reject(problems)
        if (normalised, cp.kind) != (before["address"], before["kind"]):
            cp.verified_at = None
        cp.address = normalised
        return registry.save_changed(actor=actor, instance=cp, before=before,
                                     action="contact_point.update")


def delete_contact_point(*, actor: Actor, contact_id: int) -> None:
    registry.require(actor, Perm.ORG_EDIT)
    with transaction.atomic():
        cp = registry.get(ContactPoint, "contact point", pk=contact_id)
        registry.delete(actor=actor, instance=cp, action="contact_point.delete")


def mark_contact_verified(*, actor: Actor, contact_id: int, at: datetime,
                          evidence: str) -> ContactPoint:
    """The contact point reached its person: a test message sent to it was acknowledged
    (A2-RESP-1). No permission is checked here because the proof is the acknowledgement
    itself (the person may have no account); `evidence` names it (e.g. the verification)
    and is kept in the audit entry. No route reaches this directly."""
    with transaction.atomic():
        cp: ContactPoint = registry.get(ContactPoint, "contact point", pk=contact_id)
        before = audit.snapshot(cp)
        cp.verified_at = at
        cp.save(update_fields=["verified_at"])
        audit.record(actor=actor, action="contact_point.verified", obj=cp, before=before,
                     after=audit.snapshot(cp), reason=evidence)
        return cp
