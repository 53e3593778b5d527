"""The role matrix warns when a role is unassigned or one department holds everything
(A1-II-1), and when the system department is overloaded (M-3.2 (4))."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from antei.incidents.domain import roles
from antei.incidents.domain.roles import ROLES, RoleWarning

SPLIT = {
    "incident_commander": "SYS",
    "management_liaison": "PLAN",  # 経営企画, as in A1-II-1
    "recovery_lead": "SYS",
    "business_lead": "OPS",
    "customer_pr_lead": "PR",
    "vendor_contact": "SYS",
}


def test_a_split_matrix_has_no_warnings() -> None:
    assert roles.role_warnings(SPLIT, system_departments={"SYS"}) == []


def test_unassigned_roles_are_named_one_by_one() -> None:
    out = roles.role_warnings({**SPLIT, "customer_pr_lead": None, "vendor_contact": " "})
    assert out == [RoleWarning("role_unassigned", ("customer_pr_lead",)),
                   RoleWarning("role_unassigned", ("vendor_contact",))]
    missing = roles.role_warnings({})
    assert [w.roles[0] for w in missing] == list(ROLES)


def test_one_department_holding_every_role_is_a_concentration() -> None:
    """A1-II-1: reporting, liaison and recovery all in one department."""
    out = roles.role_warnings(dict.fromkeys(ROLES, "SYS"))
    assert out == [RoleWarning("role_concentration", ROLES, "SYS")]


def test_concentration_counts_assigned_roles_only() -> None:
    partial = {"incident_commander": "SYS", "recovery_lead": "SYS"}
    rules = [w.rule for w in roles.role_warnings(partial)]
    assert rules.count("role_unassigned") == 4
    assert "role_concentration" in rules
    single = roles.role_warnings({"recovery_lead": "SYS"})
    assert "role_concentration" not in [w.rule for w in single]


def test_four_roles_on_the_system_department_is_an_overload() -> None:
    overloaded = {**SPLIT, "business_lead": "SYS"}
    assert roles.role_warnings(overloaded, system_departments={"SYS"}) == [
        RoleWarning("system_department_overload",
                    ("incident_commander", "recovery_lead", "business_lead", "vendor_contact"),
                    "SYS")]
    # The same spread on a non-system department is not an overload.
    assert roles.role_warnings(overloaded, system_departments={"IT"}) == []


def test_unknown_roles_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="tea_maker"):
        roles.role_warnings({"tea_maker": "SYS"})


def test_every_role_has_bilingual_labels() -> None:
    assert set(roles.ROLE_LABELS) == set(ROLES)
    assert "経営企画" in roles.ROLE_LABELS["management_liaison"][0]


@given(st.dictionaries(st.sampled_from(ROLES), st.one_of(st.none(), st.sampled_from(
    ["SYS", "PLAN", "OPS"]))))
def test_warnings_match_the_matrix(assignments: dict[str, str | None]) -> None:
    out = roles.role_warnings(assignments, system_departments={"SYS"})
    held = {r: d for r, d in assignments.items() if d}
    unassigned = [w.roles[0] for w in out if w.rule == "role_unassigned"]
    assert unassigned == [r for r in ROLES if r not in held]
    concentrated = len(held) >= 2 and len(set(held.values())) == 1
    assert any(w.rule == "role_concentration" for w in out) is concentrated
    overload = list(held.values()).count("SYS") >= 4
    assert any(w.rule == "system_department_overload" for w in out) is overload
