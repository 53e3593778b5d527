"""The incident role matrix and its warnings (A1-II-1, M-3.2, M-3.1).

Every incident has six roles. The BoJ findings describe two failures: roles nobody holds
(reporting and liaison become confused), and everything landing on one department, usually
the system department, which must also find the cause and plan the recovery (M-3.2 (4)).
The example split in A1-II-1 is the system department on recovery and corporate planning
(経営企画) on management and authority liaison.

Warnings never block opening an incident: they are shown on it until someone fixes them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

ROLES: Final = (
    "incident_commander",
    "management_liaison",
    "recovery_lead",
    "business_lead",
    "customer_pr_lead",
    "vendor_contact",
)

ROLE_LABELS: Final[Mapping[str, tuple[str, str]]] = MappingProxyType({
    "incident_commander": ("対応責任者（インシデント・コマンダー）", "Incident commander"),
    "management_liaison": ("経営報告・当局連絡担当（経営企画）",
                           "Management and authority liaison (corporate planning)"),
    "recovery_lead": ("復旧責任者（システム部門）", "Recovery lead (system department)"),
    "business_lead": ("業務責任者（業務所管部門）", "Business lead (business department)"),
    "customer_pr_lead": ("顧客・広報対応責任者", "Customer and PR lead"),
    "vendor_contact": ("委託先窓口", "Vendor contact"),
})

# More roles than this on the system department alone is an overload warning (M-3.2 (4)).
MAX_SYSTEM_DEPARTMENT_ROLES: Final = 3


@dataclass(frozen=True)
class RoleWarning:
    """``rule``: ``role_unassigned`` (one per role), ``role_concentration`` (one department
    holds every assigned role) or ``system_department_overload``."""

    rule: str
    roles: tuple[str, ...]
    department: str | None = None


def role_warnings(
    assignments: Mapping[str, str | None],
    *,
    system_departments: Collection[str] = (),
    max_system_roles: int = MAX_SYSTEM_DEPARTMENT_ROLES,
) -> list[RoleWarning]:
    """Warnings for one incident's role matrix: role -> department code (None = nobody).

    A role missing from ``assignments`` counts as unassigned; an unknown role is a
    programming error (ValueError). ``role_concentration`` needs at least two assigned
    roles (one role in one department is just an incomplete matrix, already warned about).
    ``system_department_overload`` fires when a department listed in ``system_departments``
    (department kind "system" in the org registry) holds more than ``max_system_roles``
    roles, four or more by default. Catalog: A1-II-1, M-3.2, C02.
    """
    unknown = sorted(set(assignments) - set(ROLES))
    if unknown:
        raise ValueError(f"unknown incident roles: {', '.join(unknown)}")
    held = {role: dept for role in ROLES if (dept := (assignments.get(role) or "").strip())}
    out = [RoleWarning("role_unassigned", (role,)) for role in ROLES if role not in held]
    per_department = Counter(held.values())
    if len(held) >= 2 and len(per_department) == 1:
        (only,) = per_department
        out.append(RoleWarning("role_concentration", tuple(held), only))
    for dept, count in sorted(per_department.items()):
        if dept in system_departments and count > max_system_roles:
            roles = tuple(role for role, d in held.items() if d == dept)
            out.append(RoleWarning("system_department_overload", roles, dept))
    return out
