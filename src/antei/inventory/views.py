"""Screens for systems: the list, the system page, create, edit and delete.

Catalog: M-2.1 (attributes that change the risk profile), A1-I-3 (connections map),
A1-I-5 (EUC in scope), A1-II-2 (responsibility matrix), M-4.4 (key persons), C06, C09, C14.
The inline sections of the system page are in views_sections.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from antei.core.actor import Actor
from antei.core.errors import Conflict, InvalidInput
from antei.core.forms import apply_errors, filters, guarded, page, page_of
from antei.core.roles import Perm
from antei.inventory import domain, selectors, services
from antei.inventory.forms import (
    BatchWindowForm,
    ComponentForm,
    KeyPersonForm,
    ResponsibilityForm,
    SystemForm,
    VendorRoleForm,
)
from antei.inventory.models import ENVIRONMENT_LABELS, TASK_LABELS, TIER_LABELS, System
from antei.org import selectors as org_selectors
from antei.org.forms import Choices, coded, labelled
from antei.org.views import confirm_delete, form_page

EUC_CHOICES = [("yes", _("EUC only")), ("no", _("not EUC"))]


def department_choices(actor: Actor) -> Choices:
    return coded(org_selectors.list_departments(actor).values_list("code", "name"))


def vendor_choices(actor: Actor) -> Choices:
    return coded(org_selectors.list_vendors(actor).prefetch_related(None)
                 .values_list("code", "name"))


def people_choices(actor: Actor) -> Choices:
    return coded(org_selectors.list_people(actor, is_active=True).prefetch_related(None)
                 .values_list("code", "name"))


def peer_choices(system: System) -> Choices:
    """The active components a standby of this system can take over from."""
    return [(c.name, c.name) for c in system.components.all() if c.environment == "active"]


def _function_choices(actor: Actor) -> Choices:
    return coded(selectors.list_business_functions(actor).values_list("code", "name"))


@guarded(Perm.INVENTORY_VIEW)
def system_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """All systems, EUC included (A1-I-5), by tier and owner; a vendor sees its own (C14)."""
    chosen = filters(request, ["q", "tier", "department", "euc"])
    rows = selectors.list_systems(
        actor, tier=chosen["tier"] or None, department=chosen["department"] or None,
        is_euc={"yes": True, "no": False}.get(chosen["euc"]), q=chosen["q"] or None)
    return page(request, "inventory/system_list.html", {
        "heading": _("Systems"), "filters": chosen, "page": page_of(request, rows),
        "tiers": labelled(domain.TIERS, TIER_LABELS), "departments": department_choices(actor),
        "euc_choices": EUC_CHOICES,
        "create_url": reverse("system-create") if actor.can(Perm.INVENTORY_EDIT) else "",
    }, partial="inventory/_system_rows.html")


def system_context(actor: Actor, system: System, **forms: object) -> dict[str, Any]:
    """What the system page and each of its sections show, from one prefetched system.

    Edit forms (with their registry choices) are built only for users who may edit.
    """
    components = list(system.components.all())
    groups = [(env, ENVIRONMENT_LABELS[env], [c for c in components if c.environment == env])
              for env in domain.ENVIRONMENTS]
    vendors: dict[int, tuple[object, list[object]]] = {}
    for vr in system.vendor_roles.all():
        vendors.setdefault(vr.vendor_id, (vr.vendor, []))[1].append(vr)
    assigned = {r.task: r for r in system.responsibilities.all()}
    # Every task is shown, assigned or not: a gap in the matrix is the finding (A1-II-2).
    matrix = [
        {"task": task, "label": TASK_LABELS[task], "row": assigned.get(task),
         "in_house": (assigned[task].must_stay_in_house if task in assigned
                      else task in domain.IN_HOUSE_BY_DEFAULT)}
        for task in domain.RESPONSIBILITY_TASKS
    ]
    can_edit = actor.can(Perm.INVENTORY_EDIT)
    ctx: dict[str, Any] = {
        "system": system, "component_groups": groups, "vendor_rows": list(vendors.values()),
        "matrix": matrix, "batch_windows": system.batch_windows.all(),
        "key_persons": system.key_persons.all(),
        "outgoing": system.outgoing_connections.all(),
        "incoming": system.incoming_connections.all(),
        "business_functions": system.business_functions.all(),
        "can_edit": can_edit, "section_errors": [],
    }
    if can_edit:
        vendors_offered = vendor_choices(actor)
        ctx |= {
            "component_form": ComponentForm(peers=peer_choices(system)),
            "batch_form": BatchWindowForm(initial={"days": "business_days"}),
            "vendor_role_form": VendorRoleForm(vendors=vendors_offered),
            "responsibility_form": ResponsibilityForm(departments=department_choices(actor),
                                                      vendors=vendors_offered),
            "key_person_form": KeyPersonForm(people=people_choices(actor)),
        }
    ctx.update(forms)
    return ctx


@guarded(Perm.INVENTORY_VIEW)
def system_detail(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    """The system page: owner, business functions, EUC, lifecycle, service hours, batch
    windows, components by environment role, vendors, responsibility matrix, key persons
    and connections in and out (M-2.1, A1-I-3, A1-I-5, A1-II-2, M-4.4, C14)."""
    system = selectors.get_system(actor, code)
    return page(request, "inventory/system_detail.html", system_context(actor, system))


@require_http_methods(["GET", "POST"])
@guarded(Perm.INVENTORY_EDIT)
def system_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = SystemForm(request.POST or None, departments=department_choices(actor),
                      functions=_function_choices(actor), initial={"online_days": "business_days"})
    if request.method == "POST" and form.is_valid():
        try:
            system = services.create_system(actor=actor, code=form.text("code"), **form.values())
        except (InvalidInput, Conflict) as exc:
            apply_errors(form, exc)
        else:
            return redirect("system-detail", code=system.code)
    return form_page(request, form, _("New system"), reverse("system-list"))


@require_http_methods(["GET", "POST"])
@guarded(Perm.INVENTORY_EDIT)
def system_edit(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    system = selectors.get_system(actor, code)
    initial = {
        "name": system.name, "name_en": system.name_en, "tier": system.tier,
        "owner_department": system.owner_department.code,
        "business_functions": [bf.code for bf in system.business_functions.all()],
        "is_euc": system.is_euc, "in_service_since": system.in_service_since,
        "last_major_change": system.last_major_change, "online_start": system.online_start,
        "online_end": system.online_end, "online_days": system.online_days,
        "description": system.description,
    }
    form = SystemForm(request.POST or None, initial=initial, editing=True,
                      departments=department_choices(actor), functions=_function_choices(actor))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_system(actor=actor, code=code, changes=form.values())  # type: ignore[arg-type]
        except (InvalidInput, Conflict) as exc:
            apply_errors(form, exc)
        else:
            return redirect("system-detail", code=code)
    return form_page(request, form, _("Edit system"), reverse("system-detail", args=[code]),
                     subject=str(system))


@require_http_methods(["GET", "POST"])
@guarded(Perm.INVENTORY_EDIT)
def system_delete(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    system = selectors.get_system(actor, code)
    return confirm_delete(
        request, subject=str(system), cancel_url=reverse("system-detail", args=[code]),
        done_url=reverse("system-list"),
        delete=lambda: services.delete_system(actor=actor, code=code))
