"""The vendor (委託先) page: contracts, people, and the systems it builds, runs or
maintains (C14).

It lives in inventory because it joins both registries, and org may not depend on
inventory; the contracts section it shows is org's (posted to org.views.contract_add).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from antei.core.actor import Actor
from antei.core.forms import guarded, page
from antei.core.roles import Perm
from antei.inventory import selectors
from antei.org import selectors as org_selectors
from antei.org.forms import ContractForm
from antei.org.views import contract_rows


@guarded(Perm.ORG_VIEW)
def vendor_detail(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    """A vendor, its contracts and people, and its role on each system (C14)."""
    vendor = org_selectors.get_vendor(actor, code)
    systems = []
    if actor.can(Perm.INVENTORY_VIEW):
        for system in selectors.list_systems(actor, vendor=code):
            roles = [r for r in system.vendor_roles.all()
                     if r.vendor_id == vendor.pk]
            systems.append((system, [r.get_role_display() for r in roles]))
    return page(request, "inventory/vendor_detail.html", {
        "vendor": vendor, "contracts": contract_rows(vendor), "systems": systems,
        "people": org_selectors.list_people(actor, vendor=code).prefetch_related(None),
        "contract_form": ContractForm(), "section_errors": [],
        "can_edit_org": actor.can(Perm.ORG_EDIT),
    })
