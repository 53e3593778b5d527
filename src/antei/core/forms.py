"""HTML-side plumbing shared by the registry screens.

Forms only parse HTML input; the services decide what is valid. This module carries the
services' verdict back onto the form (`apply_errors`), gates every view on a permission
(`guarded`, deny by default), pages lists, and answers htmx requests with the partial the
page swaps in.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Concatenate, ParamSpec

from django import forms
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from antei.core.actor import Actor
from antei.core.auth import web_actor
from antei.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from antei.core.roles import Perm

P = ParamSpec("P")
ActorView = Callable[Concatenate[HttpRequest, Actor, P], HttpResponse]
View = Callable[Concatenate[HttpRequest, P], HttpResponse]

PAGE_SIZE = 50
# Unprocessable: the form is shown again with the rule each field broke.
INVALID = 422


class ParseForm(forms.Form):
    """A form whose only job is to turn HTML input into Python values.

    Fields are optional by default so a missing value reaches the service, which reports
    it with the same rule and message the API and CLI give.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Several forms share a page (the system page has five): ids must not collide.
        kwargs.setdefault("auto_id", f"id_{type(self).__name__.lower()}_%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False

    def value(self, name: str) -> object:
        return self.cleaned_data.get(name)

    def text(self, name: str) -> str:
        return str(self.cleaned_data.get(name) or "").strip()

    def optional(self, name: str) -> str | None:
        """A reference by code; blank means "none"."""
        return self.text(name) or None


def apply_errors(form: forms.Form, exc: InvalidInput | Conflict) -> None:
    """Put a service's field errors on the form; errors for fields the form does not show
    (or a conflict without fields) go to the top of the form."""
    if not exc.errors:
        # A conflict raised from a database race carries the driver's text: not for users.
        message = exc.message if isinstance(exc, InvalidInput) else str(Conflict.default_message)
        form.add_error(None, message)
        return
    for error in exc.errors:
        name = error.field if error.field in form.fields else None
        form.add_error(name, str(error.message))


def error_messages(exc: InvalidInput | Conflict) -> list[str]:
    """The messages of a refused change with no form to carry them (deletes)."""
    if not exc.errors:
        return [exc.message if isinstance(exc, InvalidInput) else str(Conflict.default_message)]
    return [str(e.message) for e in exc.errors]


def forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "core/forbidden.html", status=403)


def guarded(perm: Perm) -> Callable[[ActorView[P]], View[P]]:
    """Run the view only if the user's role has `perm`; pass it the acting `Actor`.

    Services check permissions again; this gate is what keeps a read-only role from even
    seeing an edit form. NotFound becomes 404, a refused service call the 403 page.
    """

    def decorate(view: ActorView[P]) -> View[P]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            actor = web_actor(request)
            if not actor.can(perm):
                return forbidden(request)
            try:
                return view(request, actor, *args, **kwargs)
            except NotFound as exc:
                raise Http404(exc.message) from exc
            except PermissionDenied:
                return forbidden(request)

        return wrapper

    return decorate


def page_of(request: HttpRequest, rows: QuerySet[Any] | list[Any]) -> Page[Any]:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def wants_partial(request: HttpRequest) -> bool:
    """An htmx request swaps a part of the page; a history restore needs the whole page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


def page(request: HttpRequest, template: str, context: Mapping[str, object] | None = None,
         *, status: int = 200, partial: str | None = None) -> HttpResponse:
    """Render a page, or only `partial` when htmx asked for it.

    Every registry page shows times in the display time zone (stored UTC).
    """
    ctx = {"display_tz": settings.DISPLAY_TIME_ZONE, **(context or {})}
    use_partial = partial is not None and wants_partial(request)
    response = render(request, partial if use_partial and partial else template, ctx,
                      status=status)
    if partial is not None:
        # The same URL answers with a fragment or a page: caches must tell them apart.
        patch_vary_headers(response, ["HX-Request"])
    return response


def filters(request: HttpRequest, names: Iterable[str]) -> dict[str, str]:
    """The list filters present in the query string, stripped; blank means "any"."""
    return {n: request.GET.get(n, "").strip() for n in names}
