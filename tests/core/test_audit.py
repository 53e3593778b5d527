"""The hash-chained audit log is evidence (M-4.2): every write is recorded with who, where
from, what and before/after, and any later edit, removal or truncation is detected."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from datetime import date, time, timedelta
from typing import Any

import pytest
from django.db import connection, connections
from django.db.models import F

from antei.core import audit
from antei.core import services as core_services
from antei.core.actor import Actor, Source
from antei.core.errors import AnteiError, Conflict, InvalidInput
from antei.core.models import ApiToken, AuditEntry, AuditHead, User
from antei.core.roles import Role
from antei.inventory import services as inventory_services
from antei.inventory.models import (
    BatchWindow,
    BusinessFunction,
    Component,
    Connection,
    Responsibility,
    System,
)
from antei.org import services as org_services
from antei.org.models import ContactPoint, Department, Person, VendorContract
from tests import factories
from tests.threads import in_thread

PASSWORD = "correct-horse-battery-staple-7"

ALICE = Actor(username="alice", role=Role.ADMIN, source=Source.WEB, user_id=7,
              remote_addr="10.0.0.5")



@pytest.fixture
def world(db: None) -> dict[str, Any]:
    """A small registry: a department owning a system, a vendor with a contract, people."""
    dept = factories.department(code="OPS")
    vendor = factories.vendor(code="VND")
    contract = org_services.add_contract(actor=ALICE, vendor="VND", reference="C-1",
                                         title="運用委託", starts_on=date(2024, 4, 1))
    person = factories.person(code="P1", department="OPS", contact_points=[
        {"kind": "email", "address": "p1@example.jp"}])
    bf = factories.business_function(code="PAY")
    system = factories.system(code="CORE", owner_department="OPS", business_functions=["PAY"])
    other = factories.system(code="EDGE", owner_department="OPS")
    party = inventory_services.create_external_party(actor=ALICE, code="ZENGIN", name="全銀",
                                                     kind="zengin")
    return {"dept": dept, "vendor": vendor, "contract": contract, "person": person, "bf": bf,
            "system": system, "other": other, "party": party}


def _window_id(w: dict[str, Any]) -> int:
    return inventory_services.add_batch_window(
        actor=factories.ACTOR, system="CORE", name="夜間", start=time(22), end=time(2)).pk


def _connection_id(w: dict[str, Any]) -> int:
    return inventory_services.create_connection(
        actor=factories.ACTOR, source="CORE", target_system="EDGE", direction="outbound").pk


def _token_id(w: dict[str, Any]) -> int:
    core_services.create_user(actor=factories.ACTOR, username="bob", role="operator",
                              password=PASSWORD)
    core_services.create_token(actor=factories.ACTOR, username="bob")
    return ApiToken.objects.get(user__username="bob").pk


# (action, call, expects_before, expects_after). Each call is made by ALICE after the
# `world` fixture exists; setup it needs is done by the factory actor first.
WRITES: list[tuple[str, Callable[[dict[str, Any]], object], bool, bool]] = [
    ("department.create", lambda w: org_services.create_department(
        actor=ALICE, code="NEW", name="新部署", kind="business"), False, True),
    ("department.update", lambda w: org_services.update_department(
        actor=ALICE, code="OPS", changes={"name": "運用部"}), True, True),
    ("department.delete", lambda w: org_services.delete_department(
        actor=ALICE, code=factories.department().code), True, False),
    ("vendor.create", lambda w: org_services.create_vendor(
        actor=ALICE, code="NEWV", name="新委託先"), False, True),
    ("vendor.update", lambda w: org_services.update_vendor(
        actor=ALICE, code="VND", changes={"emergency_contact": "03-1234-5678"}), True, True),
    ("vendor.delete", lambda w: org_services.delete_vendor(
        actor=ALICE, code=factories.vendor().code), True, False),
    ("vendor_contract.create", lambda w: org_services.add_contract(
        actor=ALICE, vendor="VND", reference="C-2", title="保守",
        starts_on=date(2024, 4, 1)), False, True),
    ("vendor_contract.update", lambda w: org_services.update_contract(
        actor=ALICE, contract_id=w["contract"].pk, changes={"title": "保守委託"}), True, True),
    ("vendor_contract.delete", lambda w: org_services.delete_contract(
        actor=ALICE, vendor="VND", contract_id=w["contract"].pk), True, False),
    ("person.create", lambda w: org_services.create_person(
        actor=ALICE, code="P9", name="新人", department="OPS"), False, True),
    ("person.update", lambda w: org_services.update_person(
        actor=ALICE, code="P1", changes={"name": "改名"}), True, True),
    ("person.delete", lambda w: org_services.delete_person(
        actor=ALICE, code="P1"), True, False),
    ("contact_point.create", lambda w: org_services.add_contact_point(
        actor=ALICE, person="P1", kind="sms", address="090-1234-5678"), False, True),
    ("contact_point.update", lambda w: org_services.update_contact_point(
        actor=ALICE, contact_id=ContactPoint.objects.get().pk, changes={"label": "私用"}),
     True, True),
    ("contact_point.delete", lambda w: org_services.delete_contact_point(
        actor=ALICE, contact_id=ContactPoint.objects.get().pk), True, False),
    ("business_function.create", lambda w: inventory_services.create_business_function(
        actor=ALICE, code="ATM", name="ATM", criticality="critical",
        impact_tolerance_minutes=30), False, True),
    ("business_function.update", lambda w: inventory_services.update_business_function(
        actor=ALICE, code="PAY", changes={"impact_tolerance_minutes": 60}), True, True),
    ("business_function.delete", lambda w: inventory_services.delete_business_function(
        actor=ALICE, code=factories.business_function().code), True, False),
    ("system.create", lambda w: inventory_services.create_system(
        actor=ALICE, code="NEWS", name="新システム", tier="standard",
        owner_department="OPS"), False, True),
    ("system.update", lambda w: inventory_services.update_system(
        actor=ALICE, code="CORE", changes={"tier": "critical"}), True, True),
    ("system.delete", lambda w: inventory_services.delete_system(
        actor=ALICE, code="EDGE"), True, False),
    ("batch_window.create", lambda w: inventory_services.add_batch_window(
        actor=ALICE, system="CORE", name="月次", start=time(1), end=time(5)), False, True),
    ("batch_window.delete", lambda w: inventory_services.delete_batch_window(
        actor=ALICE, system="CORE", window_id=_window_id(w)), True, False),
    ("component.create", lambda w: inventory_services.add_component(
        actor=ALICE, system="CORE", name="app-1", kind="server", environment="active"),
     False, True),
    ("component.update", lambda w: inventory_services.update_component(
        actor=ALICE, system="CORE", name=inventory_services.add_component(
            actor=factories.ACTOR, system="CORE", name="db-1", kind="database",
            environment="active").name, changes={"version": "19c"}), True, True),
    ("component.delete", lambda w: inventory_services.delete_component(
        actor=ALICE, system="CORE", name=inventory_services.add_component(
            actor=factories.ACTOR, system="CORE", name="nw-1", kind="network",
            environment="active").name), True, False),
    ("external_party.create", lambda w: inventory_services.create_external_party(
        actor=ALICE, code="CARD", name="カード", kind="card_network"), False, True),
    ("connection.create", lambda w: inventory_services.create_connection(
        actor=ALICE, source="CORE", target_external="ZENGIN", direction="both"), False, True),
    ("connection.delete", lambda w: inventory_services.delete_connection(
        actor=ALICE, connection_id=_connection_id(w)), True, False),
    ("system_vendor.create", lambda w: inventory_services.assign_vendor(
        actor=ALICE, system="CORE", vendor="VND", role="run"), False, True),
    ("system_vendor.delete", lambda w: (
        inventory_services.assign_vendor(actor=factories.ACTOR, system="CORE", vendor="VND",
                                         role="maintain"),
        inventory_services.unassign_vendor(actor=ALICE, system="CORE", vendor="VND",
                                           role="maintain")), True, False),
    ("responsibility.create", lambda w: inventory_services.set_responsibility(
        actor=ALICE, system="CORE", task="monitoring", vendor="VND"), False, True),
    ("responsibility.update", lambda w: (
        inventory_services.set_responsibility(actor=factories.ACTOR, system="CORE",
                                              task="recovery", vendor="VND"),
        inventory_services.set_responsibility(actor=ALICE, system="CORE", task="recovery",
                                              department="OPS")), True, True),
    ("key_person.create", lambda w: inventory_services.add_key_person(
        actor=ALICE, system="CORE", person="P1", area="勘定系バッチ"), False, True),
    ("key_person.delete", lambda w: (
        inventory_services.add_key_person(actor=factories.ACTOR, system="CORE", person="P1"),
        inventory_services.remove_key_person(actor=ALICE, system="CORE", person="P1")),
     True, False),
    ("user.create", lambda w: core_services.create_user(
        actor=ALICE, username="carol", role="auditor", password=PASSWORD), False, True),
    ("token.create", lambda w: (
        core_services.create_user(actor=factories.ACTOR, username="dave", role="risk",
                                  password=PASSWORD),
        core_services.create_token(actor=ALICE, username="dave")), False, True),
]


@pytest.mark.parametrize(("action", "call", "has_before", "has_after"), WRITES,
                         ids=[w[0] for w in WRITES])
def test_every_service_write_is_recorded_with_actor_source_and_change(
    world: dict[str, Any], action: str, call: Callable[[dict[str, Any]], object],
    has_before: bool, has_after: bool,
) -> None:
    """M-4.2: each write leaves an entry naming who, through which door, what, before/after."""
    call(world)
    entry = AuditEntry.objects.filter(actor="alice").order_by("-seq").first()
    assert entry is not None, f"{action} left no audit entry"
    assert entry.action == action
    assert (entry.actor, entry.actor_user_id, entry.source, entry.remote_addr) == (
        "alice", 7, "web", "10.0.0.5")
    assert entry.object_type and entry.object_id
    assert (entry.before is not None) == has_before
    assert (entry.after is not None) == has_after
    assert audit.verify().ok


@pytest.mark.parametrize(("action", "call"), [
    ("user.set_password", lambda: core_services.set_password(
        actor=ALICE, username="bob", password="another-long-passphrase-9")),
    ("token.revoke", lambda: core_services.revoke_token(
        actor=ALICE, token_id=ApiToken.objects.get().pk)),
])
def test_account_changes_are_recorded_without_secrets(
    db: None, action: str, call: Callable[[], object],
) -> None:
    """M-4.2: password and token changes are evidenced, but the secret never enters the log."""
    _token_id({})
    call()
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert (entry.action, entry.actor, entry.source) == (action, "alice", "web")
    assert "another-long-passphrase-9" not in str(entry.after) + str(entry.before)


def test_update_records_the_old_and_the_new_value(world: dict[str, Any]) -> None:
    """M-4.2: an auditor can read what a field was and what it became."""
    inventory_services.update_business_function(
        actor=ALICE, code="PAY", changes={"impact_tolerance_minutes": 45})
    entry = AuditEntry.objects.filter(action="business_function.update").get()
    assert entry.before is not None and entry.after is not None
    assert entry.before["impact_tolerance_minutes"] == 120
    assert entry.after["impact_tolerance_minutes"] == 45
    assert entry.object_repr.startswith("PAY")


def test_system_snapshot_names_its_business_functions(world: dict[str, Any]) -> None:
    """A1-I-3 / M-4.2: the system's audit entry shows which business functions it serves."""
    factories.business_function(code="ATM")
    inventory_services.update_system(actor=ALICE, code="CORE",
                                     changes={"business_functions": ["PAY", "ATM"]})
    entry = AuditEntry.objects.filter(action="system.update").get()
    assert entry.before is not None and entry.after is not None
    assert entry.before["business_functions"] == ["PAY"]
    assert entry.after["business_functions"] == ["ATM", "PAY"]


def test_clean_chain_verifies(world: dict[str, Any]) -> None:
    """M-4.2: an untouched log verifies, and every entry is checked."""
    result = audit.verify()
    total = AuditEntry.objects.count()
    assert total > 5
    assert (result.ok, result.checked, result.first_bad_seq) == (True, total, None)


def test_empty_chain_verifies(db: None) -> None:
    result = audit.verify()
    assert (result.ok, result.checked) == (True, 0)


def test_entries_chain_to_each_other(world: dict[str, Any]) -> None:
    """Each entry carries the previous entry's hash; the first links to the genesis hash."""
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert entries[0].prev_hash == audit.GENESIS
    for prev, entry in itertools.pairwise(entries):
        assert entry.prev_hash == prev.hash
    head = AuditHead.objects.get()
    assert (head.seq, head.hash) == (entries[-1].seq, entries[-1].hash)


@pytest.mark.parametrize(("column", "value"), [
    ("after", {"name": "改ざん"}),
    ("before", {"code": "X"}),
    ("actor", "mallory"),
    ("actor_user_id", 999),
    ("source", "cli"),
    ("remote_addr", "192.0.2.1"),
    ("action", "department.delete"),
    ("object_type", "org.vendor"),
    ("object_id", "424242"),
    ("object_repr", "something else"),
    ("reason", "covering tracks"),
    ("prev_hash", "f" * 64),
    ("hash", "e" * 64),
])
def test_editing_any_column_is_detected(world: dict[str, Any], column: str,
                                        value: object) -> None:
    """M-4.2: an UPDATE behind the application's back names the edited entry."""
    target = AuditEntry.objects.order_by("seq")[3].seq
    AuditEntry.objects.filter(seq=target).update(**{column: value})
    result = audit.verify()
    assert not result.ok
    assert result.first_bad_seq == target
    assert result.problem


def test_editing_the_timestamp_is_detected(world: dict[str, Any]) -> None:
    """Back-dating an entry is tampering too."""
    target = AuditEntry.objects.order_by("seq")[2].seq
    AuditEntry.objects.filter(seq=target).update(at=F("at") - timedelta(seconds=1))
    result = audit.verify()
    assert (result.ok, result.first_bad_seq) == (False, target)


def test_editing_through_raw_sql_is_detected(world: dict[str, Any]) -> None:
    """M-4.2: even a DBA's direct UPDATE is caught."""
    target = AuditEntry.objects.order_by("seq")[1].seq
    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET actor = %s WHERE seq = %s",  # noqa: S608
                       ["root", target])
    result = audit.verify()
    assert (result.ok, result.first_bad_seq) == (False, target)


def test_rewriting_an_entry_and_its_hash_breaks_the_next_link(world: dict[str, Any]) -> None:
    """Recomputing the edited entry's own hash does not help: the next entry no longer
    links to it."""
    entries = list(AuditEntry.objects.order_by("seq"))
    victim = entries[2]
    victim.after = {"name": "改ざん"}
    forged = audit._digest(audit._hashed_fields(victim))
    AuditEntry.objects.filter(seq=victim.seq).update(after=victim.after, hash=forged)
    result = audit.verify()
    assert (result.ok, result.first_bad_seq) == (False, entries[3].seq)


def test_deleting_a_middle_entry_is_detected(world: dict[str, Any]) -> None:
    """M-4.2: a removed entry is named by its sequence number."""
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    middle = seqs[len(seqs) // 2]
    AuditEntry.objects.filter(seq=middle).delete()
    result = audit.verify()
    assert (result.ok, result.first_bad_seq) == (False, middle)
    assert str(middle) in result.problem


def test_deleting_the_last_entries_is_detected(world: dict[str, Any]) -> None:
    """M-4.2: truncating the tail is caught by the head, which still records the old end."""
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    AuditEntry.objects.filter(seq__gt=seqs[-3]).delete()
    result = audit.verify()
    assert not result.ok
    assert result.first_bad_seq == seqs[-3] + 1
    assert "removed" in result.problem


def test_deleting_every_entry_is_detected(world: dict[str, Any]) -> None:
    AuditEntry.objects.all().delete()
    result = audit.verify()
    assert (result.ok, result.first_bad_seq) == (False, 1)


def test_model_refuses_to_save_an_existing_entry(world: dict[str, Any]) -> None:
    entry = AuditEntry.objects.order_by("seq").first()
    assert entry is not None
    entry.actor = "mallory"
    with pytest.raises(RuntimeError, match="append-only"):
        entry.save()
    assert AuditEntry.objects.filter(actor="mallory").count() == 0


def test_model_refuses_to_delete_an_entry(world: dict[str, Any]) -> None:
    entry = AuditEntry.objects.order_by("seq").first()
    assert entry is not None
    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError, match="append-only"):
        entry.delete()
    assert AuditEntry.objects.count() == before
    assert audit.verify().ok


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused() -> None:
    """An entry that could commit without its change (or vice versa) is no evidence."""
    with pytest.raises(RuntimeError, match="transaction"):
        audit.record(actor=ALICE, action="test.outside", object_type="x", object_id="1")
    assert AuditEntry.objects.count() == 0


FAILING_CALLS: list[tuple[str, Callable[[], object], type[AnteiError]]] = [
    ("person with a bad contact", lambda: org_services.create_person(
        actor=ALICE, code="P2", name="山田", department="OPS", contact_points=[
            {"kind": "email", "address": "yamada@example.jp"},
            {"kind": "sms", "address": "090-1234-5678"},
            {"kind": "voice", "address": "not a number"}]), InvalidInput),
    ("system with unknown department", lambda: inventory_services.create_system(
        actor=ALICE, code="S2", name="x", tier="standard", owner_department="NOPE"),
     InvalidInput),
    ("system with unknown business function", lambda: inventory_services.create_system(
        actor=ALICE, code="S3", name="x", tier="standard", owner_department="OPS",
        business_functions=["PAY", "NOPE"]), InvalidInput),
    ("business function with tolerance 0", lambda: inventory_services.create_business_function(
        actor=ALICE, code="BF0", name="x", criticality="high", impact_tolerance_minutes=0),
     InvalidInput),
    ("connection to itself", lambda: inventory_services.create_connection(
        actor=ALICE, source="CORE", target_system="CORE", direction="both"), InvalidInput),
    ("standby without peer", lambda: inventory_services.add_component(
        actor=ALICE, system="CORE", name="sb", kind="server", environment="standby"),
     InvalidInput),
    ("volume forecasting to a vendor", lambda: inventory_services.set_responsibility(
        actor=ALICE, system="CORE", task="volume_forecasting", vendor="VND"), InvalidInput),
    ("duplicate department", lambda: org_services.create_department(
        actor=ALICE, code="OPS", name="x", kind="system"), Conflict),
    ("update with unknown business function", lambda: inventory_services.update_system(
        actor=ALICE, code="CORE", changes={"name": "改", "business_functions": ["NOPE"]}),
     InvalidInput),
]

MODELS = [Department, Person, ContactPoint, VendorContract, BusinessFunction, System,
          Component, Connection, Responsibility, BatchWindow, User]


@pytest.mark.parametrize(("label", "call", "error"), FAILING_CALLS,
                         ids=[f[0] for f in FAILING_CALLS])
def test_failed_call_leaves_no_entry_and_no_row(
    world: dict[str, Any], label: str, call: Callable[[], object], error: type[AnteiError],
) -> None:
    """Bad input changes nothing: no row, no audit entry, the chain still verifies."""
    entries = AuditEntry.objects.count()
    rows = {m.__name__: m.objects.count() for m in MODELS}
    names = set(System.objects.values_list("name", flat=True))
    with pytest.raises(error):
        call()
    assert AuditEntry.objects.count() == entries
    assert {m.__name__: m.objects.count() for m in MODELS} == rows
    assert set(System.objects.values_list("name", flat=True)) == names
    assert audit.verify().ok


APPENDS_PER_THREAD = 15


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_valid_chain(threads_database: None) -> None:
    """Two writers at once still produce one gap-free chain (appends serialise on the head)."""
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def write(prefix: str) -> None:
        try:
            start.wait(timeout=10)
            for i in range(APPENDS_PER_THREAD):
                org_services.create_department(actor=ALICE, code=f"{prefix}{i}",
                                               name=f"部署{prefix}{i}", kind="system")
        except BaseException as exc:  # the main thread reports it
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(p,)) for p in ("A", "B")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert failures == []

    def chain() -> tuple[int, list[int], audit.VerifyResult]:
        seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
        return Department.objects.count(), seqs, audit.verify()

    departments, seqs, result = in_thread(chain)
    assert departments == 2 * APPENDS_PER_THREAD
    assert seqs == list(range(1, 2 * APPENDS_PER_THREAD + 1))
    assert (result.ok, result.checked) == (True, 2 * APPENDS_PER_THREAD)


# --- the audit API (risk and auditors read the evidence) --------------------------------

@pytest.fixture
def auditor_api(world: dict[str, Any], make_api_client: Callable[..., Any]) -> Any:
    return make_api_client(Role.AUDITOR)


def test_audit_api_lists_entries_newest_first_with_filters(auditor_api: Any) -> None:
    """M-4.2: an auditor pulls the trail for one object, one person or one kind of change."""
    inventory_services.update_system(actor=ALICE, code="CORE", changes={"tier": "critical"})
    page = auditor_api.get("/api/v1/audit", limit=5).json()
    total = AuditEntry.objects.count()
    assert (page["count"], page["limit"], len(page["items"])) == (total, 5, 5)
    seqs = [e["seq"] for e in page["items"]]
    assert seqs == sorted(seqs, reverse=True) and seqs[0] == total
    newest = page["items"][0]
    assert (newest["action"], newest["actor"], newest["source"]) == (
        "system.update", "alice", "web")
    assert newest["before"]["tier"] == "important" and newest["after"]["tier"] == "critical"

    system_id = str(System.objects.get(code="CORE").pk)
    trail = auditor_api.get("/api/v1/audit", object_type="inventory.system",
                            object_id=system_id).json()
    assert [e["action"] for e in trail["items"]] == ["system.update", "system.create"]
    by_alice = auditor_api.get("/api/v1/audit", actor="alice").json()
    assert {e["actor"] for e in by_alice["items"]} == {"alice"}
    creates = auditor_api.get("/api/v1/audit", action="department.").json()
    assert {e["action"] for e in creates["items"]} == {"department.create"}
    second = auditor_api.get("/api/v1/audit", limit=5, offset=5).json()
    assert [e["seq"] for e in second["items"]] == [s - 5 for s in seqs]


def test_audit_verify_api_reports_ok_then_tampering(auditor_api: Any) -> None:
    clean = auditor_api.get("/api/v1/audit/verify").json()
    assert clean == {"ok": True, "checked": AuditEntry.objects.count(), "first_bad_seq": None,
                     "problem": ""}
    AuditEntry.objects.filter(seq=4).update(actor="mallory")
    tampered = auditor_api.get("/api/v1/audit/verify").json()
    assert (tampered["ok"], tampered["first_bad_seq"], tampered["checked"]) == (False, 4, 3)
    assert tampered["problem"]


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.BUSINESS, Role.EXECUTIVE])
def test_audit_api_is_for_risk_and_audit(world: dict[str, Any],
                                         make_api_client: Callable[..., Any],
                                         role: Role) -> None:
    client = make_api_client(role)
    for path in ("/api/v1/audit", "/api/v1/audit/verify"):
        response = client.get(path)
        assert response.status_code == 403
        assert response["Content-Type"] == "application/problem+json"
