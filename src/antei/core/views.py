"""Home, health check, language switch and the audit log page."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from antei.core import selectors
from antei.core.auth import web_actor
from antei.core.roles import Perm


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers; 503 otherwise (for load balancers and the worker)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok"})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    language = request.POST.get("language", settings.LANGUAGE_CODE)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    if language in dict(settings.LANGUAGES):
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 86400,
                            samesite="Lax", httponly=True)
    return response


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


def audit_log(request: HttpRequest) -> HttpResponse:
    actor = web_actor(request)
    if not actor.can(Perm.AUDIT_VIEW):
        return render(request, "core/forbidden.html", status=403)
    qs = selectors.list_audit(object_type=request.GET.get("object_type") or None,
                              actor=request.GET.get("actor") or None)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page": page})
