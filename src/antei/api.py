"""The REST API at /api/v1: composition of each app's router. OpenAPI at
/api/v1/openapi.json, interactive docs at /api/v1/docs (for logged-in users or tokens)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI

from antei.alerts.api import router as alerts_router
from antei.calendars.api import router as calendars_router
from antei.callout.api import router as callout_router
from antei.capacity.api import router as capacity_router
from antei.core import api as core_api
from antei.core import services as core_services
from antei.incidents.api import router as incidents_router
from antei.inventory.api import router as inventory_router
from antei.org.api import router as org_router
from antei.settlement.api import router as settlement_router


def _docs_access(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The spec is for people and tools that may use the API: a session or a valid token."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        header = request.headers.get("Authorization", "")
        token = header[7:] if header.lower().startswith("bearer ") else ""
        if request.user.is_authenticated or (token and core_services.user_for_token(token)):
            return view(request, *args, **kwargs)
        return JsonResponse({"status": 401, "code": "not_authenticated",
                             "detail": "log in or send a bearer token"}, status=401)

    return wrapped


api = NinjaAPI(
    title="antei API",
    version="1",
    description="System-failure management for financial institutions. Every operation "
    "needs `Authorization: Bearer <token>` (`antei token create --username U`).",
    urls_namespace="api",
    auth=[core_api.TokenAuth(None)],  # deny by default: each operation names its permission
    docs_decorator=_docs_access,
)
core_api.install_error_handlers(api)
api.add_router("/", org_router)
api.add_router("/", inventory_router)
api.add_router("/", calendars_router)
api.add_router("/", incidents_router)
api.add_router("/", callout_router)
api.add_router("/", settlement_router)
api.add_router("/", capacity_router)
api.add_router("/", alerts_router)
api.add_router("/", core_api.build_router())
