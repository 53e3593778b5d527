"""Roles and what each may do. Deny by default: a permission not listed here is refused.

The catalog asks for scoped, read-mostly access for risk, audit, management and vendors
(C14 scoped vendor access, C15 management read-only dashboards).
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    ADMIN = "admin"
    OPERATOR = "operator"  # system department
    BUSINESS = "business"  # business departments (payments, deposits, ATM, ...)
    RISK = "risk"
    AUDITOR = "auditor"  # read-only
    EXECUTIVE = "executive"  # read-only dashboards and reports
    VENDOR = "vendor"  # sees only what concerns its own vendor


ROLE_LABELS = {
    Role.ADMIN: _("Administrator"),
    Role.OPERATOR: _("Operator (system department)"),
    Role.BUSINESS: _("Business department"),
    Role.RISK: _("Risk management"),
    Role.AUDITOR: _("Auditor (read-only)"),
    Role.EXECUTIVE: _("Executive (read-only)"),
    Role.VENDOR: _("Vendor (scoped)"),
}


class Perm(StrEnum):
    ORG_VIEW = "org.view"
    ORG_EDIT = "org.edit"
    INVENTORY_VIEW = "inventory.view"
    INVENTORY_EDIT = "inventory.edit"
    BUSINESS_EDIT = "inventory.edit_business"  # business functions and their tolerances
    CALENDAR_VIEW = "calendar.view"
    CALENDAR_EDIT = "calendar.edit"  # overrides and channel calendars (admins, audited)
    INCIDENT_VIEW = "incident.view"
    INCIDENT_EDIT = "incident.edit"  # open, record, report, move, analyse
    TARGET_EDIT = "incident.target_edit"  # incident-count caps (risk management, M-2.6)
    CALLOUT_EDIT = "callout.edit"  # policies, rosters, paging, acknowledging, verifying
    ALERTS_VIEW = "alerts.view"  # alerts, groups, silences, heartbeats, coverage
    ALERTS_EDIT = "alerts.edit"  # silences, promoting groups, resolving by hand
    INTEGRATIONS_MANAGE = "alerts.integrations"  # monitoring sources and their secret keys
    CAPACITY_VIEW = "capacity.view"
    CAPACITY_EDIT = "capacity.edit"  # limits, measurements, what-if runs
    SETTLEMENT_VIEW = "settlement.view"  # unprocessed payments: customer data, not for vendors
    SETTLEMENT_EDIT = "settlement.edit"  # import, mark processed, export, suspend intake
    AUDIT_VIEW = "audit.view"
    USERS_MANAGE = "users.manage"


_READ = {Perm.ORG_VIEW, Perm.INVENTORY_VIEW, Perm.CALENDAR_VIEW, Perm.INCIDENT_VIEW,
         Perm.ALERTS_VIEW, Perm.CAPACITY_VIEW}
# Payment data names customers and amounts: the bank's own staff only.
_STAFF_READ = _READ | {Perm.SETTLEMENT_VIEW}

GRANTS: dict[Role, frozenset[Perm]] = {
    Role.ADMIN: frozenset(Perm),
    Role.OPERATOR: frozenset(_STAFF_READ | {Perm.INVENTORY_EDIT, Perm.BUSINESS_EDIT,
                                            Perm.INCIDENT_EDIT, Perm.CALLOUT_EDIT,
                                            Perm.ALERTS_EDIT, Perm.CAPACITY_EDIT,
                                            Perm.SETTLEMENT_EDIT}),
    # Business departments detect failures too (a branch, the call centre): they may open
    # and record incidents, and they own the unprocessed payments of their branches.
    Role.BUSINESS: frozenset(_STAFF_READ | {Perm.BUSINESS_EDIT, Perm.INCIDENT_EDIT,
                                            Perm.SETTLEMENT_EDIT}),
    Role.RISK: frozenset(_STAFF_READ | {Perm.AUDIT_VIEW, Perm.TARGET_EDIT}),
    Role.AUDITOR: frozenset(_STAFF_READ | {Perm.AUDIT_VIEW}),
    Role.EXECUTIVE: frozenset(_STAFF_READ),
    # A vendor reads the registry, but selectors narrow every list to its own vendor.
    Role.VENDOR: frozenset(_READ),
}


def has_perm(role: str, perm: Perm) -> bool:
    try:
        return perm in GRANTS[Role(role)]
    except ValueError:
        return False
