"""Organisation writers: bad input is named by field and rule, and nothing is half-written
(A2-RESP-1 contacts that really reach people, C14 vendor register)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from antei.core import clock
from antei.core.actor import Actor
from antei.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from antei.core.models import AuditEntry
from antei.core.roles import Role
from antei.org import services
from antei.org.models import ContactPoint, Department, Person, Vendor, VendorContract
from tests import factories
from tests.conftest import actor_of

pytestmark = pytest.mark.django_db


def _rules(exc: pytest.ExceptionInfo[Any]) -> list[tuple[str, str]]:
    return [(e.field, e.rule) for e in exc.value.errors]


@pytest.fixture
def ops(admin_actor: Actor) -> Department:
    return services.create_department(actor=admin_actor, code="OPS", name="システム部",
                                      kind="system")


@pytest.fixture
def vendor(admin_actor: Actor) -> Vendor:
    return services.create_vendor(actor=admin_actor, code="NTTD", name="委託先A")


# --- departments -------------------------------------------------------------------------

def test_create_department_stores_what_was_given(ops: Department) -> None:
    row = Department.objects.get(code="OPS")
    assert (row.name, row.kind) == ("システム部", "system")


def test_duplicate_department_code_is_a_conflict_naming_the_field(
    admin_actor: Actor, ops: Department,
) -> None:
    with pytest.raises(Conflict) as exc:
        services.create_department(actor=admin_actor, code="OPS", name="別部署", kind="business")
    assert _rules(exc) == [("code", "unique")]
    assert Department.objects.get(code="OPS").name == "システム部"


def test_department_input_errors_are_all_reported_at_once(admin_actor: Actor) -> None:
    with pytest.raises(InvalidInput) as exc:
        services.create_department(actor=admin_actor, code="bad code", name="", kind="sales")
    assert set(_rules(exc)) == {("code", "code_format"), ("name", "required"),
                                ("kind", "choice")}
    assert all(e.message for e in exc.value.errors)
    assert Department.objects.count() == 0


def test_update_department_changes_only_the_given_fields(
    admin_actor: Actor, ops: Department,
) -> None:
    services.update_department(actor=admin_actor, code="OPS", changes={"name_en": "IT Dept"})
    row = Department.objects.get(code="OPS")
    assert (row.name, row.name_en, row.kind) == ("システム部", "IT Dept", "system")


def test_update_department_refuses_unknown_fields(admin_actor: Actor, ops: Department) -> None:
    with pytest.raises(InvalidInput) as exc:
        services.update_department(actor=admin_actor, code="OPS",
                                   changes={"code": "NEW"})  # type: ignore[typeddict-unknown-key]
    assert _rules(exc) == [("code", "choice")]
    assert Department.objects.filter(code="OPS").exists()


def test_update_department_with_a_bad_kind_changes_nothing(
    admin_actor: Actor, ops: Department,
) -> None:
    with pytest.raises(InvalidInput) as exc:
        services.update_department(actor=admin_actor, code="OPS",
                                   changes={"name": "新", "kind": "sales"})
    assert _rules(exc) == [("kind", "choice")]
    assert Department.objects.get(code="OPS").name == "システム部"


def test_unknown_department_is_not_found(admin_actor: Actor) -> None:
    with pytest.raises(NotFound):
        services.update_department(actor=admin_actor, code="NOPE", changes={"name": "x"})
    with pytest.raises(NotFound):
        services.delete_department(actor=admin_actor, code="NOPE")


def test_deleting_a_department_that_owns_systems_is_refused(
    admin_actor: Actor, ops: Department,
) -> None:
    """A1-I-3: a system must always have an owner; removing it first is the user's job."""
    factories.system(owner_department="OPS")
    with pytest.raises(Conflict) as exc:
        services.delete_department(actor=admin_actor, code="OPS")
    assert _rules(exc) == [("code", "in_use")]
    assert "systems" in exc.value.errors[0].message
    assert Department.objects.filter(code="OPS").exists()


def test_deleting_a_department_with_staff_is_refused(admin_actor: Actor, ops: Department) -> None:
    factories.person(department="OPS")
    with pytest.raises(Conflict) as exc:
        services.delete_department(actor=admin_actor, code="OPS")
    assert _rules(exc) == [("code", "in_use")]


def test_deleting_an_unused_department_removes_it(admin_actor: Actor, ops: Department) -> None:
    services.delete_department(actor=admin_actor, code="OPS")
    assert not Department.objects.exists()
    entry = AuditEntry.objects.get(action="department.delete")
    assert entry.before is not None and entry.before["code"] == "OPS"


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMIN])
def test_only_admins_edit_the_organisation(role: Role) -> None:
    """Org data decides who gets called; only administrators change it."""
    with pytest.raises(PermissionDenied):
        services.create_department(actor=actor_of(role), code="X", name="x", kind="system")
    assert not Department.objects.exists()


# --- vendors and contracts ---------------------------------------------------------------

def test_duplicate_vendor_code_is_a_conflict(admin_actor: Actor, vendor: Vendor) -> None:
    with pytest.raises(Conflict) as exc:
        services.create_vendor(actor=admin_actor, code="NTTD", name="x")
    assert _rules(exc) == [("code", "unique")]


def test_contract_end_before_start_is_refused(admin_actor: Actor, vendor: Vendor) -> None:
    """C14: a contract's term is checked, so expiry tracking can be trusted."""
    with pytest.raises(InvalidInput) as exc:
        services.add_contract(actor=admin_actor, vendor="NTTD", reference="C-1", title="運用",
                              starts_on=date(2024, 4, 1), ends_on=date(2024, 3, 1))
    assert _rules(exc) == [("ends_on", "date_order")]
    assert not VendorContract.objects.exists()


def test_contract_services_must_be_known(admin_actor: Actor, vendor: Vendor) -> None:
    with pytest.raises(InvalidInput) as exc:
        services.add_contract(actor=admin_actor, vendor="NTTD", reference="C-1", title="運用",
                              starts_on=date(2024, 4, 1), services=["run", "catering"])
    assert _rules(exc) == [("services", "choice")]


def test_contract_reference_is_unique_per_vendor(admin_actor: Actor, vendor: Vendor) -> None:
    services.add_contract(actor=admin_actor, vendor="NTTD", reference="C-1", title="運用",
                          starts_on=date(2024, 4, 1))
    with pytest.raises(Conflict) as exc:
        services.add_contract(actor=admin_actor, vendor="NTTD", reference="C-1", title="再",
                              starts_on=date(2024, 4, 1))
    assert _rules(exc) == [("reference", "unique")]
    other = factories.vendor()
    services.add_contract(actor=admin_actor, vendor=other.code, reference="C-1", title="運用",
                          starts_on=date(2024, 4, 1))
    assert VendorContract.objects.filter(reference="C-1").count() == 2


def test_contract_for_unknown_vendor_is_not_found(admin_actor: Actor) -> None:
    with pytest.raises(NotFound):
        services.add_contract(actor=admin_actor, vendor="NOPE", reference="C-1", title="x",
                              starts_on=date(2024, 4, 1))


def test_update_contract_keeps_the_term_valid(admin_actor: Actor, vendor: Vendor) -> None:
    contract = services.add_contract(actor=admin_actor, vendor="NTTD", reference="C-1",
                                     title="運用", starts_on=date(2024, 4, 1))
    services.update_contract(actor=admin_actor, contract_id=contract.pk,
                             changes={"ends_on": date(2027, 3, 31)})
    with pytest.raises(InvalidInput) as exc:
        services.update_contract(actor=admin_actor, contract_id=contract.pk,
                                 changes={"starts_on": date(2028, 1, 1)})
    assert _rules(exc) == [("ends_on", "date_order")]
    assert VendorContract.objects.get().starts_on == date(2024, 4, 1)


def test_deleting_a_vendor_that_runs_a_system_is_refused(
    admin_actor: Actor, vendor: Vendor,
) -> None:
    """C14: the register cannot lose a vendor systems still depend on."""
    from antei.inventory import services as inventory_services

    system = factories.system()
    inventory_services.assign_vendor(actor=admin_actor, system=system.code, vendor="NTTD",
                                     role="run")
    with pytest.raises(Conflict) as exc:
        services.delete_vendor(actor=admin_actor, code="NTTD")
    assert _rules(exc) == [("code", "in_use")]
    assert Vendor.objects.filter(code="NTTD").exists()


# --- people and contact points -----------------------------------------------------------

def test_person_with_contacts_is_created_in_one_step(admin_actor: Actor, ops: Department) -> None:
    services.create_person(actor=admin_actor, code="E001", name="山田太郎", department="OPS",
                           contact_points=[
                               {"kind": "sms", "address": "090-1234-5678", "priority": 1},
                               {"kind": "email", "address": "yamada@example.jp",
                                "priority": 2}])
    person = Person.objects.get(code="E001")
    assert [(c.kind, c.address) for c in person.contact_points.order_by("priority")] == [
        ("sms", "+819012345678"), ("email", "yamada@example.jp")]


def test_person_with_one_bad_contact_creates_nothing(admin_actor: Actor, ops: Department) -> None:
    """A2-RESP-1: two good addresses and one bad one: no person, no contacts, one clear error
    pointing at the bad entry."""
    entries = AuditEntry.objects.count()
    with pytest.raises(InvalidInput) as exc:
        services.create_person(actor=admin_actor, code="E001", name="山田太郎",
                               department="OPS", contact_points=[
                                   {"kind": "sms", "address": "090-1234-5678"},
                                   {"kind": "email", "address": "yamada@example.jp"},
                                   {"kind": "voice", "address": "090-1234-567"}])
    assert _rules(exc) == [("contact_points[2].address", "phone")]
    assert "090-1234-567" in exc.value.errors[0].message
    assert not Person.objects.exists()
    assert not ContactPoint.objects.exists()
    assert AuditEntry.objects.count() == entries


def test_person_with_unknown_department_creates_nothing(admin_actor: Actor) -> None:
    with pytest.raises(InvalidInput) as exc:
        services.create_person(actor=admin_actor, code="E001", name="山田", department="NOPE",
                               contact_points=[{"kind": "email", "address": "y@example.jp"}])
    assert _rules(exc) == [("department", "unknown")]
    assert not Person.objects.exists() and not ContactPoint.objects.exists()


def test_person_needs_exactly_one_of_department_or_vendor(
    admin_actor: Actor, ops: Department, vendor: Vendor,
) -> None:
    for owners in ({}, {"department": "OPS", "vendor": "NTTD"}):
        with pytest.raises(InvalidInput) as exc:
            services.create_person(actor=admin_actor, code="E001", name="山田", **owners)
        assert _rules(exc) == [("department", "one_owner")]
    services.create_person(actor=admin_actor, code="V001", name="委託先技術者", vendor="NTTD")
    assert Person.objects.get(code="V001").vendor == vendor


def test_duplicate_staff_number_is_a_conflict(admin_actor: Actor, ops: Department) -> None:
    services.create_person(actor=admin_actor, code="E001", name="山田", department="OPS")
    with pytest.raises(Conflict) as exc:
        services.create_person(actor=admin_actor, code="E001", name="佐藤", department="OPS")
    assert _rules(exc) == [("code", "unique")]
    assert Person.objects.get().name == "山田"


def test_moving_a_person_to_a_vendor_needs_the_department_cleared(
    admin_actor: Actor, ops: Department, vendor: Vendor,
) -> None:
    services.create_person(actor=admin_actor, code="E001", name="山田", department="OPS")
    with pytest.raises(InvalidInput) as exc:
        services.update_person(actor=admin_actor, code="E001", changes={"vendor": "NTTD"})
    assert _rules(exc) == [("department", "one_owner")]
    services.update_person(actor=admin_actor, code="E001",
                           changes={"vendor": "NTTD", "department": None})
    person = Person.objects.get()
    assert (person.vendor_id, person.department_id) == (vendor.pk, None)


def test_update_person_with_unknown_department_names_it(admin_actor: Actor,
                                                        ops: Department) -> None:
    services.create_person(actor=admin_actor, code="E001", name="山田", department="OPS")
    with pytest.raises(InvalidInput) as exc:
        services.update_person(actor=admin_actor, code="E001", changes={"department": "NOPE"})
    assert _rules(exc) == [("department", "unknown")]
    assert Person.objects.get().department == ops


def test_contact_address_is_stored_normalised(admin_actor: Actor) -> None:
    person = factories.person()
    cp = services.add_contact_point(actor=admin_actor, person=person.code, kind="voice",
                                    address="(090) 8765-4321")
    assert cp.address == "+819087654321"


def test_same_number_twice_is_a_conflict_even_if_spelled_differently(admin_actor: Actor) -> None:
    person = factories.person()
    services.add_contact_point(actor=admin_actor, person=person.code, kind="sms",
                               address="090-1234-5678")
    with pytest.raises(Conflict) as exc:
        services.add_contact_point(actor=admin_actor, person=person.code, kind="sms",
                                   address="+81 90 1234 5678")
    assert _rules(exc) == [("address", "unique")]
    assert ContactPoint.objects.count() == 1


def test_bad_contact_address_is_refused_by_rule(admin_actor: Actor) -> None:
    person = factories.person()
    with pytest.raises(InvalidInput) as exc:
        services.add_contact_point(actor=admin_actor, person=person.code, kind="email",
                                   address="yamada-at-example.jp")
    assert _rules(exc) == [("address", "email")]
    assert not ContactPoint.objects.exists()


def test_changing_a_contact_address_resets_its_verification(admin_actor: Actor) -> None:
    """A2-RESP-1: a changed number has not been proven to work; it must be tested again."""
    person = factories.person()
    cp = services.add_contact_point(actor=admin_actor, person=person.code, kind="sms",
                                    address="090-1234-5678")
    ContactPoint.objects.filter(pk=cp.pk).update(verified_at=clock.now())
    services.update_contact_point(actor=admin_actor, contact_id=cp.pk,
                                  changes={"address": "080-1111-2222"})
    cp.refresh_from_db()
    assert (cp.address, cp.verified_at) == ("+818011112222", None)


def test_relabelling_a_contact_keeps_its_verification(admin_actor: Actor) -> None:
    person = factories.person()
    cp = services.add_contact_point(actor=admin_actor, person=person.code, kind="sms",
                                    address="090-1234-5678")
    verified = clock.now()
    ContactPoint.objects.filter(pk=cp.pk).update(verified_at=verified)
    services.update_contact_point(actor=admin_actor, contact_id=cp.pk,
                                  changes={"label": "私用携帯", "priority": 2,
                                           "address": "09012345678"})
    cp.refresh_from_db()
    assert cp.verified_at == verified
    assert (cp.label, cp.priority) == ("私用携帯", 2)


def test_changing_the_kind_resets_verification(admin_actor: Actor) -> None:
    person = factories.person()
    cp = services.add_contact_point(actor=admin_actor, person=person.code, kind="sms",
                                    address="090-1234-5678")
    ContactPoint.objects.filter(pk=cp.pk).update(verified_at=clock.now())
    services.update_contact_point(actor=admin_actor, contact_id=cp.pk, changes={"kind": "voice"})
    cp.refresh_from_db()
    assert (cp.kind, cp.verified_at) == ("voice", None)


def test_updating_to_a_bad_address_changes_nothing(admin_actor: Actor) -> None:
    person = factories.person()
    cp = services.add_contact_point(actor=admin_actor, person=person.code, kind="sms",
                                    address="090-1234-5678")
    with pytest.raises(InvalidInput) as exc:
        services.update_contact_point(actor=admin_actor, contact_id=cp.pk,
                                      changes={"address": "call me"})
    assert _rules(exc) == [("address", "phone")]
    cp.refresh_from_db()
    assert cp.address == "+819012345678"


def test_deleting_a_person_removes_their_contacts_and_is_audited(admin_actor: Actor) -> None:
    person = factories.person(contact_points=[{"kind": "email", "address": "a@example.jp"}])
    services.delete_person(actor=admin_actor, code=person.code)
    assert not ContactPoint.objects.exists()
    entry = AuditEntry.objects.get(action="person.delete")
    assert entry.before is not None
    assert entry.before["contact_points"] == [
        {"kind": "email", "address": "a@example.jp", "priority": 1}]


def test_deleting_a_key_person_is_refused(admin_actor: Actor) -> None:
    """M-4.4: a system's key person cannot silently disappear from the register."""
    from antei.inventory import services as inventory_services

    person = factories.person()
    system = factories.system()
    inventory_services.add_key_person(actor=admin_actor, system=system.code, person=person.code)
    with pytest.raises(Conflict) as exc:
        services.delete_person(actor=admin_actor, code=person.code)
    assert _rules(exc) == [("code", "in_use")]
    assert Person.objects.filter(code=person.code).exists()
