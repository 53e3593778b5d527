"""Screens for business functions (業務), external parties (外部接続先) and connections.

Catalog: M-2.1 and C06 (business functions with criticality and impact tolerance),
A1-I-3 (map every connection, external partners included), C09 (dependency graph input).
"""

from __future__ import annotations

from django.db.models import Q
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
    BusinessFunctionForm,
    ConnectionEditForm,
    ConnectionForm,
    ExternalPartyForm,
)
from antei.inventory.models import CRITICALITY_LABELS, EXTERNAL_KIND_LABELS
from antei.inventory.views import department_choices
from antei.org.forms import Choices, coded, labelled
from antei.org.views import confirm_delete, form_page

# --- business functions ------------------------------------------------------------------


@guarded(Perm.INVENTORY_VIEW)
def business_function_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Business functions with criticality and impact tolerance (M-2.1, C06)."""
    chosen = filters(request, ["q", "criticality"])
    rows = selectors.list_business_functions(actor, criticality=chosen["criticality"] or None,
                                             q=chosen["q"] or None)
    return page(request, "inventory/business_function_list.html", {
        "heading": _("Business functions"), "filters": chosen, "page": page_of(request, rows),
        "criticalities": labelled(domain.CRITICALITIES, CRITICALITY_LABELS),
        "create_url": (reverse("business-function-create")
                       if actor.can(Perm.BUSINESS_EDIT) else ""),
    }, partial="inventory/_business_function_rows.html")


@guarded(Perm.INVENTORY_VIEW)
def business_function_detail(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    function = selectors.get_business_function(actor, code)
    return page(request, "inventory/business_function_detail.html", {
        "function": function,
        "systems": selectors.list_systems(actor, business_function=code),
        "can_edit": actor.can(Perm.BUSINESS_EDIT),
    })


def _function_values(form: BusinessFunctionForm) -> dict[str, object]:
    return {"name": form.text("name"), "name_en": form.text("name_en"),
            "criticality": form.text("criticality"),
            "impact_tolerance_minutes": form.value("impact_tolerance_minutes"),
            "owner_department": form.optional("owner_department"),
            "description": form.text("description")}


@require_http_methods(["GET", "POST"])
@guarded(Perm.BUSINESS_EDIT)
def business_function_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = BusinessFunctionForm(request.POST or None, departments=department_choices(actor))
    if request.method == "POST" and form.is_valid():
        try:
            function = services.create_business_function(
                actor=actor, code=form.text("code"), **_function_values(form))  # type: ignore[arg-type]
        except (InvalidInput, Conflict) as exc:
            apply_errors(form, exc)
        else:
            return redirect("business-function-detail", code=function.code)
    return form_page(request, form, _("New business function"),
                     reverse("business-function-list"))


@require_http_methods(["GET", "POST"])
@guarded(Perm.BUSINESS_EDIT)
def business_function_edit(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    function = selectors.get_business_function(actor, code)
    initial = {
        "name": function.name, "name_en": function.name_en,
        "criticality": function.criticality,
        "impact_tolerance_minutes": function.impact_tolerance_minutes,
        "owner_department": (function.owner_department.code
                             if function.owner_department else ""),
        "description": function.description,
    }
    form = BusinessFunctionForm(request.POST or None, initial=initial, editing=True,
                                departments=department_choices(actor))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_business_function(actor=actor, code=code,
                                              changes=_function_values(form))  # type: ignore[arg-type]
        except (InvalidInput, Conflict) as exc:
            apply_errors(form, exc)
        else:
            return redirect("business-function-detail", code=code)
    return form_page(request, form, _("Edit business function"),
                     reverse("business-function-detail", args=[code]), subject=str(function))


@require_http_methods(["GET", "POST"])
@guarded(Perm.BUSINESS_EDIT)
def business_function_delete(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    function = selectors.get_business_function(actor, code)
    return confirm_delete(
        request, subject=str(function),
        cancel_url=reverse("business-function-detail", args=[code]),
        done_url=reverse("business-function-list"),
        delete=lambda: services.delete_business_function(actor=actor, code=code))


# --- external parties --------------------------------------------------------------------


def _search(q: str) -> Q:
    return Q(code__icontains=q) | Q(name__icontains=q) | Q(name_en__icontains=q)


@guarded(Perm.INVENTORY_VIEW)
def external_party_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Parties outside the institution that systems connect to (A1-I-3)."""
    chosen = filters(request, ["q", "kind"])
    rows = selectors.list_external_parties(actor)
    # The selector has no search or kind filter yet; narrowing its scoped queryset here
    # keeps the vendor scope it applied.
    if chosen["q"]:
        rows = rows.filter(_search(chosen["q"]))
    if chosen["kind"]:
        rows = rows.filter(kind=chosen["kind"])
    return page(request, "inventory/external_party_list.html", {
        "heading": _("External parties"), "filters": chosen, "page": page_of(request, rows),
        "kinds": labelled(domain.EXTERNAL_KINDS, EXTERNAL_KIND_LABELS),
        "can_edit": actor.can(Perm.INVENTORY_EDIT),
        "create_url": (reverse("external-party-create")
                       if actor.can(Perm.INVENTORY_EDIT) else ""),
    }, partial="inventory/_external_party_rows.html")


@require_http_methods(["GET", "POST"])
@guarded(Perm.INVENTORY_EDIT)
def external_party_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = ExternalPartyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_external_party(
                actor=actor, code=form.text("code"), name=form.text("name"),
                kind=form.text("kind"), name_en=form.text("name_en"),
                description=form.text("description"))
        except (InvalidInput, Conflict) as exc:
            apply_errors(form, exc)
        else:
            return redirect("external-party-list")
    return form_page(request, form, _("New external party"), reverse("external-party-list"))


@require_http_methods(["GET", "POST"])
@guarded(Perm.INVENTORY_EDIT)
def external_party_edit(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    party = selectors.get_external_party(actor, code)
    initial = {"name": party.name, "name_en": party.name_en, "kind": party.kind,
               "description": party.description}
    form = ExternalPartyForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_external_party(actor=actor, code=code, changes={
                "name": form.text("name"), "name_en": form.text("name_en"),
                "kind": form.text("kind"), "description": form.text("description")})
        except (InvalidInput, Conflict) as exc:
            apply_errors(form, exc)
        else:
            return redirect("external-party-list")
    return form_page(request, form, _("Edit external party"), reverse("external-party-list"),
                     subject=str(party))


@require_http_methods(["GET", "POST"])
@guarded(Perm.INVENTORY_EDIT)
def external_party_delete(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    party = selectors.get_external_party(actor, code)
    return confirm_delete(
        request, subject=str(party), cancel_url=reverse("external-party-list"),
        done_url=reverse("external-party-list"),
        delete=lambda: services.delete_external_party(actor=actor, code=code))


# --- connections -------------------------------------------------------------------------


def _system_choices(actor: Actor) -> Choices:
    return coded(selectors.list_systems(actor).prefetch_related(None)
                 .values_list("code", "name"))


def _external_choices(actor: Actor) -> Choices:
    return coded(selectors.list_external_parties(actor).values_list("code", "name"))


@guarded(Perm.INVENTORY_VIEW)
def connection_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Every connection between systems and to external parties: the map A1-I-3 asks
    for, and the edges of the dependency graph (C09)."""
    chosen = filters(request, ["q", "system", "external"])
    rows = selectors.list_connections(actor, system=chosen["system"] or None,
                                      external=chosen["external"] or None)
    if chosen["q"]:  # the selector has no free-text search; see external_party_list
        q = chosen["q"]
        rows = rows.filter(Q(source__code__icontains=q) | Q(source__name__icontains=q)
                           | Q(target_system__code__icontains=q)
                           | Q(target_system__name__icontains=q)
                           | Q(target_external__code__icontains=q)
                           | Q(target_external__name__icontains=q)
                           | Q(protocol__icontains=q))
    return page(request, "inventory/connection_list.html", {
        "heading": _("Connections"), "filters": chosen, "page": page_of(request, rows),
        "systems": _system_choices(actor), "externals": _external_choices(actor),
        "can_edit": actor.can(Perm.INVENTORY_EDIT),
        "create_url": reverse("connection-create") if actor.can(Perm.INVENTORY_EDIT) else "",
    }, partial="inventory/_connection_rows.html")


@require_http_methods(["GET", "POST"])
@guarded(Perm.INVENTORY_EDIT)
def connection_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Connect a system to another system or to an external party (A1-I-3, C09)."""
    initial = {"source": request.GET.get("source", "")}
    form = ConnectionForm(request.POST or None, initial=initial,
                          systems=_system_choices(actor), externals=_external_choices(actor))
    if request.method == "POST" and form.is_valid():
        try:
            connection = services.create_connection(
                actor=actor, source=form.text("source"), direction=form.text("direction"),
                target_system=form.optional("target_system"),
                target_external=form.optional("target_external"),
                protocol=form.text("protocol"), description=form.text("description"))
        except (InvalidInput, Conflict) as exc:
            apply_errors(form, exc)
        else:
            return redirect(reverse("system-detail", args=[connection.source.code])
                            + "#connections")
    return form_page(request, form, _("New connection"), reverse("connection-list"))


@require_http_methods(["GET", "POST"])
@guarded(Perm.INVENTORY_EDIT)
def connection_edit(request: HttpRequest, actor: Actor, connection_id: int) -> HttpResponse:
    connection = selectors.get_connection(actor, connection_id)
    initial = {"direction": connection.direction, "protocol": connection.protocol,
               "description": connection.description}
    form = ConnectionEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_connection(actor=actor, connection_id=connection_id, changes={
                "direction": form.text("direction"), "protocol": form.text("protocol"),
                "description": form.text("description")})
        except (InvalidInput, Conflict) as exc:
            apply_errors(form, exc)
        else:
            return redirect("connection-list")
    return form_page(request, form, _("Edit connection"), reverse("connection-list"),
                     subject=str(connection))


@require_http_methods(["GET", "POST"])
@guarded(Perm.INVENTORY_EDIT)
def connection_delete(request: HttpRequest, actor: Actor, connection_id: int) -> HttpResponse:
    connection = selectors.get_connection(actor, connection_id)
    return confirm_delete(
        request, subject=str(connection), cancel_url=reverse("connection-list"),
        done_url=reverse("connection-list"),
        delete=lambda: services.delete_connection(actor=actor, connection_id=connection_id))
