"""Inline add/delete on the system page: components, batch windows, vendor roles, the
responsibility matrix and key persons (A2-OPS-MON-1, A1-II-2, M-4.4, C14).

With htmx each form posts and gets its section back (422 with the errors in place when the
service refuses). Without JavaScript a success returns to the system page and a refusal
shows the form on a page of its own.
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
    ParseForm,
    apply_errors,
    error_messages,
    guarded,
    page,
    wants_partial,
)
from antei.core.roles import Perm
from antei.inventory import selectors, services
from antei.inventory.forms import (
    BatchWindowForm,
    ComponentForm,
    KeyPersonForm,
    ResponsibilityForm,
    VendorRoleForm,
)
from antei.inventory.views import (
    department_choices,
    peer_choices,
    people_choices,
    system_context,
    vendor_choices,
)
from antei.org.views import confirm_delete, form_page

# section name -> (template, context name of its add form, add form title)
SECTIONS = {
    "components": ("inventory/_components.html", "component_form", _("Add a component")),
    "batch-windows": ("inventory/_batch_windows.html", "batch_form", _("Add a batch window")),
    "vendors": ("inventory/_vendor_roles.html", "vendor_role_form", _("Assign a vendor")),
    "responsibilities": ("inventory/_responsibilities.html", "responsibility_form",
                         _("Set who is responsible")),
    "key-persons": ("inventory/_key_persons.html", "key_person_form", _("Add a key person")),
}


def _section(request: HttpRequest, actor: Actor, code: str, section: str, *,
             form: forms.Form | None = None, errors: list[str] | None = None,
             status: int = 200) -> HttpResponse:
    template, form_name, _title = SECTIONS[section]
    ctx = system_context(actor, selectors.get_system(actor, code))
    if form is not None:
        ctx[form_name] = form
    ctx["section_errors"] = errors or []
    return page(request, template, ctx, status=status)


def _added(request: HttpRequest, actor: Actor, code: str, section: str) -> HttpResponse:
    if wants_partial(request):
        return _section(request, actor, code, section)
    return redirect(reverse("system-detail", args=[code]) + f"#{section}")


def _refused(request: HttpRequest, actor: Actor, code: str, section: str,
             form: forms.Form) -> HttpResponse:
    if wants_partial(request):
        return _section(request, actor, code, section, form=form, status=INVALID)
    return form_page(request, form, SECTIONS[section][2],
                     reverse("system-detail", args=[code]),
                     subject=str(selectors.get_system(actor, code)))


def _submit(request: HttpRequest, actor: Actor, code: str, section: str, form: ParseForm,
            write: Callable[[ParseForm], object]) -> HttpResponse:
    """Parse, write through the service, answer: the section or page back, with the
    service's refusal shown on the form and nothing written."""
    if form.is_valid():
        try:
            write(form)
        except (InvalidInput, Conflict) as exc:
            apply_errors(form, exc)
        else:
            return _added(request, actor, code, section)
    return _refused(request, actor, code, section, form)


def _remove(request: HttpRequest, actor: Actor, code: str, section: str, subject: str,
            delete: Callable[[], None]) -> HttpResponse:
    """htmx POST: delete and return the section. Otherwise the confirmation page."""
    if request.method == "POST" and wants_partial(request):
        try:
            delete()
        except (InvalidInput, Conflict) as exc:
            return _section(request, actor, code, section, errors=error_messages(exc),
                            status=INVALID)
        return _section(request, actor, code, section)
    done = reverse("system-detail", args=[code]) + f"#{section}"
    return confirm_delete(request, subject=subject, cancel_url=done, done_url=done,
                          delete=delete)


# --- components --------------------------------------------------------------------------


@require_POST
@guarded(Perm.INVENTORY_EDIT)
def component_add(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    """Add a component; a standby must name its active peer (A2-OPS-MON-1)."""
    form = ComponentForm(request.POST, peers=peer_choices(selectors.get_system(actor, code)))
    return _submit(request, actor, code, "components", form, lambda f: services.add_component(
        actor=actor, system=code, name=f.text("name"), kind=f.text("kind"),
        environment=f.text("environment"), active_peer=f.optional("active_peer"),
        hostname=f.text("hostname"), site=f.text("site"), version=f.text("version")))


@require_http_methods(["GET", "POST"])
@guarded(Perm.INVENTORY_EDIT)
def component_delete(request: HttpRequest, actor: Actor, code: str, name: str) -> HttpResponse:
    component = selectors.get_component(actor, code, name)
    return _remove(request, actor, code, "components", str(component),
                   lambda: services.delete_component(actor=actor, system=code, name=name))


# --- batch windows -----------------------------------------------------------------------


@require_POST
@guarded(Perm.INVENTORY_EDIT)
def batch_window_add(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    return _submit(request, actor, code, "batch-windows", BatchWindowForm(request.POST),
                   lambda f: services.add_batch_window(
                       actor=actor, system=code, name=f.text("name"),
                       start=f.value("start"), end=f.value("end"),  # type: ignore[arg-type]
                       days=f.text("days") or "business_days"))


@require_http_methods(["GET", "POST"])
@guarded(Perm.INVENTORY_EDIT)
def batch_window_delete(request: HttpRequest, actor: Actor, code: str,
                        window_id: int) -> HttpResponse:
    system = selectors.get_system(actor, code)
    window = next((w for w in system.batch_windows.all() if w.pk == window_id), None)
    if window is None:
        raise Http404
    return _remove(request, actor, code, "batch-windows", str(window),
                   lambda: services.delete_batch_window(actor=actor, system=code,
                                                        window_id=window_id))


# --- vendor roles ------------------------------------------------------------------------


@require_POST
@guarded(Perm.INVENTORY_EDIT)
def vendor_role_add(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    """Record that a vendor builds, runs or maintains this system (C14)."""
    form = VendorRoleForm(request.POST, vendors=vendor_choices(actor))
    return _submit(request, actor, code, "vendors", form, lambda f: services.assign_vendor(
        actor=actor, system=code, vendor=f.text("vendor"), role=f.text("role")))


@require_http_methods(["GET", "POST"])
@guarded(Perm.INVENTORY_EDIT)
def vendor_role_delete(request: HttpRequest, actor: Actor, code: str, vendor: str,
                       role: str) -> HttpResponse:
    system = selectors.get_system(actor, code)
    row = next((r for r in system.vendor_roles.all()
                if r.vendor.code == vendor and r.role == role), None)
    if row is None:
        raise Http404
    subject = f"{row.vendor} ({row.get_role_display()})"
    return _remove(request, actor, code, "vendors", subject,
                   lambda: services.unassign_vendor(actor=actor, system=code, vendor=vendor,
                                                    role=role))


# --- responsibility matrix ---------------------------------------------------------------


@require_POST
@guarded(Perm.INVENTORY_EDIT)
def responsibility_set(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    """Say who does a task; a task that must stay in-house cannot go to a vendor
    (A1-II-2, A1-I-9)."""
    form = ResponsibilityForm(request.POST, departments=department_choices(actor),
                              vendors=vendor_choices(actor))
    return _submit(request, actor, code, "responsibilities", form,
                   lambda f: services.set_responsibility(
                       actor=actor, system=code, task=f.text("task"),
                       department=f.optional("department"), vendor=f.optional("vendor"),
                       must_stay_in_house=form.in_house(), notes=f.text("notes")))


# --- key persons -------------------------------------------------------------------------


@require_POST
@guarded(Perm.INVENTORY_EDIT)
def key_person_add(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    """Name a person the system depends on (キーパーソン, M-4.4)."""
    form = KeyPersonForm(request.POST, people=people_choices(actor))
    return _submit(request, actor, code, "key-persons", form, lambda f: services.add_key_person(
        actor=actor, system=code, person=f.text("person"), area=f.text("area")))


@require_http_methods(["GET", "POST"])
@guarded(Perm.INVENTORY_EDIT)
def key_person_delete(request: HttpRequest, actor: Actor, code: str,
                      person: str) -> HttpResponse:
    system = selectors.get_system(actor, code)
    row = next((k for k in system.key_persons.all()
                if k.person.code == person), None)
    if row is None:
        raise Http404
    return _remove(request, actor, code, "key-persons", str(row.person),
                   lambda: services.remove_key_person(actor=actor, system=code, person=person))
