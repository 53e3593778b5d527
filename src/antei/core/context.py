"""Template context every page gets: the navigation, filtered by what the user may see."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from antei.core.auth import web_actor
from antei.core.models import User
from antei.core.roles import Perm

# (url name, label, permission). One list drives the menu, so every screen is reachable from
# the navigation in both languages: what an incident night needs first, the registry after.
NAVIGATION = [
    ("home", _("Home"), None),
    ("incident-list", _("Incidents"), Perm.INCIDENT_VIEW),
    ("callout-rosters", _("Call-out"), Perm.INCIDENT_VIEW),
    ("alerts-list", _("Alerts"), Perm.ALERTS_VIEW),
    ("settlement-index", _("Unprocessed payments"), Perm.SETTLEMENT_VIEW),
    ("limit-board", _("Limits"), Perm.CAPACITY_VIEW),
    ("system-list", _("Systems"), Perm.INVENTORY_VIEW),
    ("business-function-list", _("Business functions"), Perm.INVENTORY_VIEW),
    ("connection-list", _("Connections"), Perm.INVENTORY_VIEW),
    ("external-party-list", _("External parties"), Perm.INVENTORY_VIEW),
    ("department-list", _("Departments"), Perm.ORG_VIEW),
    ("person-list", _("People"), Perm.ORG_VIEW),
    ("vendor-list", _("Vendors"), Perm.ORG_VIEW),
    ("calendar-month", _("Calendar"), Perm.CALENDAR_VIEW),
    ("audit-log", _("Audit log"), Perm.AUDIT_VIEW),
    ("user-list", _("Logins"), Perm.USERS_MANAGE),
]


def navigation(request: HttpRequest) -> dict[str, object]:
    if not isinstance(getattr(request, "user", None), User):
        return {"navigation": []}
    actor = web_actor(request)
    return {
        "navigation": [(name, label) for name, label, perm in NAVIGATION
                       if perm is None or actor.can(perm)],
        "actor": actor,
    }
