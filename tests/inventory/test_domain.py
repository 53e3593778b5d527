"""Pure rules of the inventory: standby pairs, connections, impact tolerances and the
responsibility matrix (A1-I-3, A1-I-9, A1-II-2, A2-OPS-MON-1, A2-PERF-SET-4)."""

from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from antei.core.domain import Violation
from antei.inventory import domain


def _component(environment: str, peer: str | None = None, *, peer_environment: str | None = None,
               peer_same_system: bool = False) -> list[tuple[str, str]]:
    values = {"name": "app-2", "kind": "server", "environment": environment,
              "active_peer": peer}
    return [(v.field, v.rule) for v in domain.check_component(
        values, peer_environment=peer_environment, peer_same_system=peer_same_system)]


def test_active_component_needs_no_peer() -> None:
    assert _component("active") == []
    assert _component("development") == []


def test_standby_without_active_peer_is_refused() -> None:
    """A2-OPS-MON-1, A2-PERF-SET-4: an unpaired standby is how a stopped standby goes
    unnoticed until the day it is needed."""
    assert _component("standby") == [("active_peer", "standby_needs_active")]
    assert _component("standby", "") == [("active_peer", "standby_needs_active")]


def test_standby_with_an_active_peer_in_the_same_system_is_accepted() -> None:
    assert _component("standby", "app-1", peer_environment="active",
                      peer_same_system=True) == []


@pytest.mark.parametrize(("peer_environment", "same_system"), [
    ("standby", True), ("development", True), ("active", False), (None, False),
])
def test_standby_peer_must_be_active_and_in_the_same_system(
    peer_environment: str | None, same_system: bool,
) -> None:
    assert _component("standby", "app-1", peer_environment=peer_environment,
                      peer_same_system=same_system) == [("active_peer", "peer_not_active")]


def test_only_a_standby_names_an_active_peer() -> None:
    assert _component("active", "app-1", peer_environment="active",
                      peer_same_system=True) == [("active_peer", "choice")]


def test_component_kind_and_environment_are_from_the_lists() -> None:
    problems = domain.check_component(
        {"name": "", "kind": "toaster", "environment": "prod"},
        peer_environment=None, peer_same_system=False)
    assert {(v.field, v.rule) for v in problems} == {
        ("name", "required"), ("kind", "choice"), ("environment", "choice")}


def test_connection_to_itself_is_refused() -> None:
    """A1-I-3: a self-loop is a data-entry mistake that would hide the real dependency."""
    assert domain.check_connection({"source": "CORE", "target_system": "CORE",
                                    "direction": "both"}) == [
        Violation("target_system", "self_connection")]


@pytest.mark.parametrize("targets", [
    {}, {"target_system": "ATM", "target_external": "ZENGIN"},
    {"target_system": "", "target_external": None},
])
def test_connection_needs_exactly_one_target(targets: dict[str, str | None]) -> None:
    problems = domain.check_connection({"source": "CORE", "direction": "outbound"} | targets)
    assert problems == [Violation("target_system", "one_target")]


@pytest.mark.parametrize("targets", [{"target_system": "ATM"}, {"target_external": "ZENGIN"}])
def test_connection_to_a_system_or_an_external_party_is_accepted(
    targets: dict[str, str],
) -> None:
    assert domain.check_connection({"source": "CORE", "direction": "both"} | targets) == []


@given(source=st.text(min_size=1, max_size=8), target=st.text(min_size=1, max_size=8))
def test_self_connection_is_refused_exactly_when_source_is_target(source: str,
                                                                   target: str) -> None:
    rules = [v.rule for v in domain.check_connection(
        {"source": source, "target_system": target, "direction": "both"})]
    assert ("self_connection" in rules) == (source == target)


def _bf(tolerance: object) -> list[Violation]:
    return domain.check_business_function({"code": "PAY", "name": "為替", "criticality": "high",
                                           "impact_tolerance_minutes": tolerance})


@given(st.integers(max_value=0))
def test_impact_tolerance_of_zero_or_less_is_refused(tolerance: int) -> None:
    """An impact tolerance of 0 minutes means no outage is tolerable: not a usable target."""
    assert _bf(tolerance) == [Violation("impact_tolerance_minutes", "positive",
                                        {"value": tolerance})]


@given(st.integers(min_value=1, max_value=10**9))
def test_positive_impact_tolerance_is_accepted(tolerance: int) -> None:
    assert _bf(tolerance) == []


@pytest.mark.parametrize("tolerance", [True, "60", 1.5, None])
def test_impact_tolerance_must_be_a_whole_number(tolerance: object) -> None:
    rules = [v.rule for v in _bf(tolerance)]
    assert rules == (["required"] if tolerance is None else ["positive"])


def test_criticality_must_be_known() -> None:
    problems = domain.check_business_function(
        {"code": "PAY", "name": "為替", "criticality": "urgent", "impact_tolerance_minutes": 60})
    assert [(v.field, v.rule) for v in problems] == [("criticality", "choice")]


def test_system_online_window_needs_both_ends() -> None:
    base = {"code": "CORE", "name": "勘定系", "tier": "critical", "owner_department": "OPS",
            "online_days": "business_days"}
    assert domain.check_system(base | {"online_start": time(8), "online_end": time(21)}) == []
    assert [(v.field, v.rule) for v in domain.check_system(
        base | {"online_start": time(8)})] == [("online_end", "time_window")]


def test_system_last_change_not_before_in_service() -> None:
    base = {"code": "CORE", "name": "勘定系", "tier": "critical", "owner_department": "OPS",
            "online_days": "business_days", "in_service_since": date(2010, 1, 4)}
    assert [(v.field, v.rule) for v in domain.check_system(
        base | {"last_major_change": date(2009, 5, 1)})] == [("last_major_change", "date_order")]


def _resp(task: str, *, department: str | None = None, vendor: str | None = None,
          in_house: bool = False) -> list[tuple[str, str]]:
    return [(v.field, v.rule) for v in domain.check_responsibility(
        {"task": task, "department": department, "vendor": vendor,
         "must_stay_in_house": in_house})]


def test_volume_forecasting_is_in_house_by_default() -> None:
    """A1-I-9 / M-2.4: the vendor's low forecast let capacity run out; the bank keeps it."""
    assert "volume_forecasting" in domain.IN_HOUSE_BY_DEFAULT
    assert "volume_forecasting" in domain.RESPONSIBILITY_TASKS


def test_in_house_task_cannot_go_to_a_vendor() -> None:
    assert _resp("volume_forecasting", vendor="VND", in_house=True) == [
        ("vendor", "in_house_task")]
    assert _resp("volume_forecasting", department="OPS", in_house=True) == []


def test_outsourceable_task_can_go_to_a_vendor() -> None:
    """A1-II-2: monitoring may be outsourced, and the matrix says to whom."""
    assert _resp("monitoring", vendor="VND") == []


@given(task=st.sampled_from(domain.RESPONSIBILITY_TASKS), in_house=st.booleans(),
       owner=st.sampled_from(["department", "vendor", "both", "none"]))
def test_responsibility_rules(task: str, in_house: bool, owner: str) -> None:
    """Exactly one owner; an in-house task is refused only when a vendor would own it."""
    department = "OPS" if owner in ("department", "both") else None
    vendor = "VND" if owner in ("vendor", "both") else None
    rules = _resp(task, department=department, vendor=vendor, in_house=in_house)
    assert (("department", "one_owner") in rules) == (owner in ("both", "none"))
    assert (("vendor", "in_house_task") in rules) == (in_house and vendor is not None)


def test_unknown_task_is_refused() -> None:
    assert ("task", "choice") in _resp("coffee", department="OPS")


def test_batch_window_times_must_be_times() -> None:
    ok = {"name": "夜間", "start": time(22), "end": time(2), "days": "business_days"}
    assert domain.check_batch_window(ok) == []
    assert [(v.field, v.rule) for v in domain.check_batch_window(
        ok | {"start": "25:00"})] == [("start", "time")]
