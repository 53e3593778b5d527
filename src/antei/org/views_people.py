"""Screens for people and their contact points (A2-RESP-1, M-4.4).

A contact point shows when a test message last got through (verified_at, in the display
time zone) or that it never did: an unproven number is how a key person goes uncalled.
"""

from __future__ import annotations

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
from antei.org.forms import Choices, ContactPointForm, PersonForm, coded
from antei.org.views import confirm_delete, form_page


def _owner_choices(actor: Actor) -> tuple[Choices, Choices]:
    departments = coded(selectors.list_departments(actor).values_list("code", "name"))
    vendors = coded(selectors.list_vendors(actor).prefetch_related(None)
                    .values_list("code", "name"))
    return departments, vendors


@guarded(Perm.ORG_VIEW)
def person_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """People, searchable by name, kana or staff number; filtered by department."""
    chosen = filters(request, ["q", "department"])
    rows = selectors.list_people(actor, q=chosen["q"] or None,
                                 department=chosen["department"] or None)
    return page(request, "org/person_list.html", {
        "heading": _("People"), "filters": chosen, "page": page_of(request, rows),
        "departments": coded(selectors.list_departments(actor).values_list("code", "name")),
        "create_url": reverse("person-create") if actor.can(Perm.ORG_EDIT) else "",
    }, partial="org/_person_rows.html")


@guarded(Perm.ORG_VIEW)
def person_detail(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    """A person, their contact points with verification state, and the systems they are a
    key person for (A2-RESP-1, M-4.4)."""
    person = selectors.get_person(actor, code)
    return page(request, "org/person_detail.html", {
        "person": person, "contacts": person.contact_points.all(),
        "key_for": person.key_for.all(),
        "contact_form": ContactPointForm(initial={"priority": 1}),
        "can_edit": actor.can(Perm.ORG_EDIT),
    })


@require_http_methods(["GET", "POST"])
@guarded(Perm.ORG_EDIT)
def person_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    departments, vendors = _owner_choices(actor)
    form = PersonForm(request.POST or None, departments=departments, vendors=vendors)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.create_person(
                actor=actor, code=form.text("code"), name=form.text("name"),
                department=form.optional("department"), vendor=form.optional("vendor"),
                titles=form.title_list(), name_kana=form.text("name_kana"),
                name_en=form.text("name_en"))
        except (InvalidInput, Conflict) as exc:
            apply_errors(form, exc)
        else:
            return redirect("person-detail", code=person.code)
    return form_page(request, form, _("New person"), reverse("person-list"))


@require_http_methods(["GET", "POST"])
@guarded(Perm.ORG_EDIT)
def person_edit(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    person = selectors.get_person(actor, code)
    departments, vendors = _owner_choices(actor)
    initial = {
        "name": person.name, "name_kana": person.name_kana, "name_en": person.name_en,
        "department": person.department.code if person.department else "",
        "vendor": person.vendor.code if person.vendor else "",
        "titles": ", ".join(person.titles or []), "is_active": person.is_active,
    }
    form = PersonForm(request.POST or None, initial=initial, departments=departments,
                      vendors=vendors, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(actor=actor, code=code, changes={
                "name": form.text("name"), "name_kana": form.text("name_kana"),
                "name_en": form.text("name_en"), "department": form.optional("department"),
                "vendor": form.optional("vendor"), "titles": form.title_list(),
                "is_active": bool(form.value("is_active"))})
        except (InvalidInput, Conflict) as exc:
            apply_errors(form, exc)
        else:
            return redirect("person-detail", code=code)
    return form_page(request, form, _("Edit person"), reverse("person-detail", args=[code]),
                     subject=str(person))


@require_http_methods(["GET", "POST"])
@guarded(Perm.ORG_EDIT)
def person_delete(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    person = selectors.get_person(actor, code)
    return confirm_delete(
        request, subject=str(person), cancel_url=reverse("person-detail", args=[code]),
        done_url=reverse("person-list"),
        delete=lambda: services.delete_person(actor=actor, code=code))


# --- contact points (a section of the person page) ---------------------------------------


def _contacts_section(request: HttpRequest, actor: Actor, code: str, *,
                      form: ContactPointForm | None = None, errors: list[str] | None = None,
                      status: int = 200) -> HttpResponse:
    person = selectors.get_person(actor, code)
    return page(request, "org/_contacts.html", {
        "person": person, "contacts": person.contact_points.all(),
        "contact_form": form or ContactPointForm(initial={"priority": 1}),
        "section_errors": errors or [], "can_edit": actor.can(Perm.ORG_EDIT),
    }, status=status)


@require_POST
@guarded(Perm.ORG_EDIT)
def contact_add(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    """Add a contact point; it starts unverified until a test message gets through
    (A2-RESP-1)."""
    form = ContactPointForm(request.POST)
    if form.is_valid():
        try:
            services.add_contact_point(
                actor=actor, person=code, kind=form.text("kind"), address=form.text("address"),
                label=form.text("label"), priority=form.value("priority") or 1)  # type: ignore[arg-type]
        except (InvalidInput, Conflict) as exc:
            apply_errors(form, exc)
        else:
            if wants_partial(request):
                return _contacts_section(request, actor, code)
            return redirect("person-detail", code=code)
    if wants_partial(request):
        return _contacts_section(request, actor, code, form=form, status=INVALID)
    return form_page(request, form, _("New contact point"),
                     reverse("person-detail", args=[code]),
                     subject=str(selectors.get_person(actor, code)))


@require_http_methods(["GET", "POST"])
@guarded(Perm.ORG_EDIT)
def contact_delete(request: HttpRequest, actor: Actor, code: str,
                   contact_id: int) -> HttpResponse:
    contact = selectors.list_contact_points(actor, person=code).filter(pk=contact_id).first()
    if contact is None:
        raise Http404
    if request.method == "POST" and wants_partial(request):
        try:
            services.delete_contact_point(actor=actor, contact_id=contact.pk)
        except (InvalidInput, Conflict) as exc:
            return _contacts_section(request, actor, code, errors=error_messages(exc),
                                     status=INVALID)
        return _contacts_section(request, actor, code)
    done = reverse("person-detail", args=[code])
    return confirm_delete(
        request, subject=str(contact), cancel_url=done, done_url=done,
        delete=lambda: services.delete_contact_point(actor=actor, contact_id=contact.pk))
