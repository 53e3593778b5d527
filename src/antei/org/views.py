"""Screens for departments and vendors (委託先) and vendor contracts (A1-II-1, C14).

The vendor page itself lives in inventory.views_vendors: it also lists the systems the
vendor builds, runs or maintains, and org may not depend on inventory.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from antei.core.actor import Actor
from antei.core.errors import Conflict, InvalidInput
from antei.core.forms import (
    INVALID,
    apply_errors,
    error_messages,
    filters,
    guarded,
    page,
    page_of,
    wants_partial,
)
from antei.core.roles import Perm
from antei.org import selectors, services
from antei.org.domain import DEPARTMENT_KINDS
from antei.org.forms import (
    CONTRACT_SERVICE_LABELS,
    ContractForm,
    DepartmentForm,
    VendorForm,
    labelled,
)
from antei.org.models import DEPARTMENT_KIND_LABELS, Vendor, VendorContract

# --- departments -------------------------------------------------------------------------


@guarded(Perm.ORG_VIEW)
def department_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Departments, searchable and filtered by kind (A1-II-1: who owns what)."""
    chosen = filters(request, ["q", "kind"])
    rows = selectors.list_departments(actor, kind=chosen["kind"] or None, q=chosen["q"] or None)
    return page(request, "org/department_list.html", {
        "heading": _("Departments"), "filters": chosen, "page": page_of(request, rows),
        "kinds": labelled(DEPARTMENT_KINDS, DEPARTMENT_KIND_LABELS),
        "create_url": reverse("department-create") if actor.can(Perm.ORG_EDIT) else "",
    }, partial="org/_department_rows.html")


@guarded(Perm.ORG_VIEW)
def department_detail(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    department = selectors.get_department(actor, code)
    people = selectors.list_people(actor, department=code).prefetch_related(None)
    return page(request, "org/department_detail.html", {
        "department": department, "people": people, "can_edit": actor.can(Perm.ORG_EDIT),
    })


@require_http_methods(["GET", "POST"])
@guarded(Perm.ORG_EDIT)
def department_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = DepartmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dept = services.create_department(
                actor=actor, code=form.text("code"), name=form.text("name"),
                kind=form.text("kind"), name_en=form.text("name_en"),
                description=form.text("description"))
        except (InvalidInput, Conflict) as exc:
            apply_errors(form, exc)
        else:
            return redirect("department-detail", code=dept.code)
    return form_page(request, form, _("New department"), reverse("department-list"))


@require_http_methods(["GET", "POST"])
@guarded(Perm.ORG_EDIT)
def department_edit(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    dept = selectors.get_department(actor, code)
    initial = {"name": dept.name, "name_en": dept.name_en, "kind": dept.kind,
               "description": dept.description}
    form = DepartmentForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_department(actor=actor, code=code, changes={
                "name": form.text("name"), "name_en": form.text("name_en"),
                "kind": form.text("kind"), "description": form.text("description")})
        except (InvalidInput, Conflict) as exc:
            apply_errors(form, exc)
        else:
            return redirect("department-detail", code=code)
    return form_page(request, form, _("Edit department"),
                     reverse("department-detail", args=[code]), subject=str(dept))


@require_http_methods(["GET", "POST"])
@guarded(Perm.ORG_EDIT)
def department_delete(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    dept = selectors.get_department(actor, code)
    return confirm_delete(
        request, subject=str(dept), cancel_url=reverse("department-detail", args=[code]),
        done_url=reverse("department-list"),
        delete=lambda: services.delete_department(actor=actor, code=code))


# --- vendors -----------------------------------------------------------------------------


@guarded(Perm.ORG_VIEW)
def vendor_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Vendors (委託先) with their contracts (C14). A vendor user sees only itself."""
    chosen = filters(request, ["q"])
    rows = selectors.list_vendors(actor, q=chosen["q"] or None)
    return page(request, "org/vendor_list.html", {
        "heading": _("Vendors"), "filters": chosen, "page": page_of(request, rows),
        "create_url": reverse("vendor-create") if actor.can(Perm.ORG_EDIT) else "",
    }, partial="org/_vendor_rows.html")


@require_http_methods(["GET", "POST"])
@guarded(Perm.ORG_EDIT)
def vendor_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = VendorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            vendor = services.create_vendor(
                actor=actor, code=form.text("code"), name=form.text("name"),
                name_en=form.text("name_en"), emergency_contact=form.text("emergency_contact"),
                description=form.text("description"))
        except (InvalidInput, Conflict) as exc:
            apply_errors(form, exc)
        else:
            return redirect("vendor-detail", code=vendor.code)
    return form_page(request, form, _("New vendor"), reverse("vendor-list"))


@require_http_methods(["GET", "POST"])
@guarded(Perm.ORG_EDIT)
def vendor_edit(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    vendor = selectors.get_vendor(actor, code)
    initial = {"name": vendor.name, "name_en": vendor.name_en,
               "emergency_contact": vendor.emergency_contact, "description": vendor.description}
    form = VendorForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_vendor(actor=actor, code=code, changes={
                "name": form.text("name"), "name_en": form.text("name_en"),
                "emergency_contact": form.text("emergency_contact"),
                "description": form.text("description")})
        except (InvalidInput, Conflict) as exc:
            apply_errors(form, exc)
        else:
            return redirect("vendor-detail", code=code)
    return form_page(request, form, _("Edit vendor"), reverse("vendor-detail", args=[code]),
                     subject=str(vendor))


@require_http_methods(["GET", "POST"])
@guarded(Perm.ORG_EDIT)
def vendor_delete(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    vendor = selectors.get_vendor(actor, code)
    return confirm_delete(
        request, subject=str(vendor), cancel_url=reverse("vendor-detail", args=[code]),
        done_url=reverse("vendor-list"),
        delete=lambda: services.delete_vendor(actor=actor, code=code))


# --- contracts (a section of the vendor page) --------------------------------------------


def contract_rows(vendor: Vendor) -> list[tuple[VendorContract, list[str]]]:
    """Each contract with its services named in the user's language."""
    return [(c, [str(CONTRACT_SERVICE_LABELS.get(s, s)) for s in c.services])
            for c in vendor.contracts.all()]


def contracts_section(request: HttpRequest, actor: Actor, code: str, *,
                      form: ContractForm | None = None, errors: list[str] | None = None,
                      status: int = 200) -> HttpResponse:
    vendor = selectors.get_vendor(actor, code)
    return page(request, "org/_contracts.html", {
        "vendor": vendor, "contracts": contract_rows(vendor),
        "contract_form": form or ContractForm(), "section_errors": errors or [],
        "can_edit_org": actor.can(Perm.ORG_EDIT),
    }, status=status)


@require_POST
@guarded(Perm.ORG_EDIT)
def contract_add(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    """Add a contract from the vendor page (C14); htmx swaps the contracts section."""
    form = ContractForm(request.POST)
    if form.is_valid():
        try:
            services.add_contract(
                actor=actor, vendor=code, reference=form.text("reference"),
                title=form.text("title"), starts_on=form.value("starts_on"),  # type: ignore[arg-type]
                services=form.value("services") or [],  # type: ignore[arg-type]
                ends_on=form.value("ends_on"),  # type: ignore[arg-type]
                description=form.text("description"))
        except (InvalidInput, Conflict) as exc:
            apply_errors(form, exc)
        else:
            if wants_partial(request):
                return contracts_section(request, actor, code)
            return redirect("vendor-detail", code=code)
    if wants_partial(request):
        return contracts_section(request, actor, code, form=form, status=INVALID)
    # Without htmx the form comes back on a page of its own, with the errors.
    return form_page(request, form, _("New contract"), reverse("vendor-detail", args=[code]),
                     subject=str(selectors.get_vendor(actor, code)))


@require_http_methods(["GET", "POST"])
@guarded(Perm.ORG_EDIT)
def contract_delete(request: HttpRequest, actor: Actor, code: str,
                    contract_id: int) -> HttpResponse:
    contract = selectors.list_contracts(actor, code).filter(pk=contract_id).first()
    if contract is None:
        raise Http404
    if request.method == "POST" and wants_partial(request):
        try:
            services.delete_contract(actor=actor, vendor=code, contract_id=contract_id)
        except (InvalidInput, Conflict) as exc:
            return contracts_section(request, actor, code, errors=error_messages(exc),
                                     status=INVALID)
        return contracts_section(request, actor, code)
    done = reverse("vendor-detail", args=[code])
    return confirm_delete(
        request, subject=str(contract), cancel_url=done, done_url=done,
        delete=lambda: services.delete_contract(actor=actor, vendor=code,
                                                contract_id=contract_id))


# --- shared page shapes ------------------------------------------------------------------


def form_page(request: HttpRequest, form: forms.Form, title: object, cancel_url: str, *,
              subject: str = "") -> HttpResponse:
    """A create/edit form on a page of its own; after a refused POST, status 422."""
    status = INVALID if request.method == "POST" else 200
    return page(request, "org/form_page.html", {
        "title": title, "subject": subject, "form": form, "cancel_url": cancel_url,
    }, status=status)


def confirm_delete(request: HttpRequest, *, subject: str, cancel_url: str, done_url: str,
                   delete: Callable[[], None]) -> HttpResponse:
    """GET asks "really delete?"; POST deletes, or shows why it may not (still in use)."""
    errors: list[str] = []
    if request.method == "POST":
        try:
            delete()
        except (InvalidInput, Conflict) as exc:
            errors = error_messages(exc)
        else:
            return redirect(done_url)
    return page(request, "org/confirm_delete.html", {
        "subject": subject, "cancel_url": cancel_url, "errors": errors,
    }, status=INVALID if errors else 200)
