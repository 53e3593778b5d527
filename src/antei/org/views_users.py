"""Logins and API tokens, for administrators (C14 scoped access, C15 key-person risk).

A login belongs to a role; vendor logins are bound to their vendor. Switching a login off is
the offboarding step and stops its tokens; a token is shown once, when it is issued. The
writers are antei.core.services; this module only parses the forms.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from antei.core import selectors as core_selectors
from antei.core import services as core_services
from antei.core.actor import Actor
from antei.core.errors import Conflict, InvalidInput, NotFound, field_error
from antei.core.forms import INVALID, apply_errors, filters, guarded, page, page_of
from antei.core.roles import ROLE_LABELS, Perm
from antei.org import selectors
from antei.org.forms import PasswordForm, TokenForm, UserEditForm, UserForm, role_choices


def _vendor_id(actor: Actor, code: str | None) -> int | None:
    if not code:
        return None
    try:
        return selectors.get_vendor(actor, code).pk
    except NotFound as exc:
        raise InvalidInput([field_error("vendor", "unknown", kind="vendor", value=code)]) from exc


@guarded(Perm.USERS_MANAGE)
def user_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    chosen = filters(request, ["q", "role"])
    rows = core_selectors.list_users(q=chosen["q"] or None, role=chosen["role"] or None)
    return page(request, "org/user_list.html", {
        "heading": _("Logins"), "filters": chosen, "page": page_of(request, rows),
        "roles": role_choices()[1:], "role_labels": ROLE_LABELS,
        "create_url": reverse("user-create"),
    }, partial="org/_user_rows.html")


@require_http_methods(["GET", "POST"])
@guarded(Perm.USERS_MANAGE)
def user_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = core_services.create_user(
                actor=actor, username=form.text("username"), role=form.text("role"),
                password=str(form.value("password") or ""), email=form.text("email"),
                vendor_id=_vendor_id(actor, form.optional("vendor")))
        except (InvalidInput, Conflict) as exc:
            apply_errors(form, exc)
        else:
            return redirect("user-detail", username=user.username)
    return page(request, "org/form_page.html", {
        "form": form, "title": _("New login"), "cancel_url": reverse("user-list"),
    }, status=INVALID if form.errors else 200)


def _detail(request: HttpRequest, username: str, *, status: int = 200,
            edit: UserEditForm | None = None, password: PasswordForm | None = None,
            token_form: TokenForm | None = None, new_token: str = "") -> HttpResponse:
    user = core_selectors.get_user(username)
    return page(request, "org/user_detail.html", {
        "subject": user, "role_label": ROLE_LABELS.get(user.role, user.role),  # type: ignore[call-overload]
        "tokens": core_selectors.tokens_of(username),
        "edit": edit or UserEditForm(initial={
            "role": user.role, "is_active": user.is_active,
            "vendor": user.vendor.code if user.vendor else ""}),
        "password": password or PasswordForm(), "token_form": token_form or TokenForm(),
        "new_token": new_token,
    }, status=status)


@guarded(Perm.USERS_MANAGE)
def user_detail(request: HttpRequest, actor: Actor, username: str) -> HttpResponse:
    return _detail(request, username)


@require_POST
@guarded(Perm.USERS_MANAGE)
def user_update(request: HttpRequest, actor: Actor, username: str) -> HttpResponse:
    form = UserEditForm(request.POST)
    if form.is_valid():
        try:
            core_services.update_user(
                actor=actor, username=username, role=form.optional("role"),
                vendor_id=_vendor_id(actor, form.optional("vendor")),
                is_active=bool(form.value("is_active")))
        except (InvalidInput, Conflict) as exc:
            apply_errors(form, exc)
        else:
            return redirect("user-detail", username=username)
    return _detail(request, username, edit=form, status=INVALID)


@require_POST
@guarded(Perm.USERS_MANAGE)
def user_password(request: HttpRequest, actor: Actor, username: str) -> HttpResponse:
    form = PasswordForm(request.POST)
    if form.is_valid():
        try:
            core_services.set_password(actor=actor, username=username,
                                       password=str(form.value("password") or ""))
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            return redirect("user-detail", username=username)
    return _detail(request, username, password=form, status=INVALID)


@require_POST
@guarded(Perm.USERS_MANAGE)
def token_create(request: HttpRequest, actor: Actor, username: str) -> HttpResponse:
    form = TokenForm(request.POST)
    form.is_valid()
    # Shown on this response only: the database keeps the SHA-256, not the token.
    token = core_services.create_token(actor=actor, username=username, name=form.text("name"))
    return _detail(request, username, new_token=token)


@require_POST
@guarded(Perm.USERS_MANAGE)
def token_revoke(request: HttpRequest, actor: Actor, username: str,
                 token_id: int) -> HttpResponse:
    if not core_selectors.tokens_of(username).filter(pk=token_id).exists():
        raise NotFound("token", token_id)
    core_services.revoke_token(actor=actor, token_id=token_id)
    return redirect("user-detail", username=username)
