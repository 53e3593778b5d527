"""API plumbing: bearer-token auth with a declared permission per operation, problem-JSON
errors, and limit/offset pages. Every operation must declare its permission: the API's
default auth refuses everything (deny by default)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from antei.core import auth, services
from antei.core.actor import Actor, Source
from antei.core.errors import (
    RULE_MESSAGES,
    AnteiError,
    NotAuthenticated,
    PermissionDenied,
    field_error,
)
from antei.core.roles import Perm

T = TypeVar("T")


class TokenAuth(HttpBearer):
    """Authenticate the bearer token, then require `perm` of the token's role."""

    def __init__(self, perm: Perm | None) -> None:
        super().__init__()
        self.perm = perm

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        user = services.user_for_token(token)
        if user is None:
            return None
        actor = auth.actor_for(user, Source.API, auth.client_address(request))
        if self.perm is None or not actor.can(self.perm):
            raise PermissionDenied()
        return actor


def require(perm: Perm) -> list[TokenAuth]:
    return [TokenAuth(perm)]


def actor(request: HttpRequest) -> Actor:
    found = getattr(request, "auth", None)
    if not isinstance(found, Actor):
        raise NotAuthenticated()
    return found


class FieldProblem(Schema):
    field: str
    rule: str
    message: str


class Problem(Schema):
    """RFC 9457 problem details, with antei's stable code and per-field errors."""

    type: str = "about:blank"
    title: str
    status: int
    code: str
    detail: str
    errors: list[FieldProblem] = []


PROBLEM_RESPONSES: dict[int, type[Problem]] = {
    401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem,
}


def problem(api: NinjaAPI, request: HttpRequest, *, status: int, code: str, title: str,
            detail: str, errors: Sequence[dict[str, str]] = ()) -> HttpResponse:
    body = {"type": "about:blank", "title": title, "status": status, "code": code,
            "detail": detail, "errors": list(errors)}
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = "application/problem+json"
    return response


_PYDANTIC_RULES = {"missing": "required", "string_too_long": "max_length",
                   "int_parsing": "integer", "int_from_float": "integer", "int_type": "integer",
                   "date_from_datetime_parsing": "date", "date_parsing": "date",
                   "time_parsing": "time", "greater_than_equal": "min_value",
                   "less_than_equal": "max_value", "greater_than": "positive",
                   "float_parsing": "number", "float_type": "number",
                   "decimal_parsing": "number", "datetime_parsing": "datetime",
                   "datetime_from_date_parsing": "datetime", "datetime_type": "datetime",
                   "bool_parsing": "boolean", "bool_type": "boolean",
                   "string_type": "text", "list_type": "list", "dict_type": "object",
                   "model_type": "object", "model_attributes_type": "object",
                   "json_invalid": "json", "enum": "choice", "literal_error": "choice",
                   "extra_forbidden": "not_allowed"}


def pydantic_error(item: Mapping[str, Any]) -> dict[str, str]:
    """One pydantic validation error as (field, rule, message), the message in the request's
    language from the rule table where antei knows the rule, pydantic's English otherwise."""
    loc = [str(p) for p in item.get("loc", ()) if p not in ("body", "payload", "query")]
    fld = ".".join(loc) or "body"
    kind = str(item.get("type"))
    rule = _PYDANTIC_RULES.get(kind, kind)
    ctx = item.get("ctx") or {}
    value = item.get("input")
    params = {
        "value": value if isinstance(value, str | int | float) else "",
        "max": ctx.get("max_length", ctx.get("le", "")),
        "min": ctx.get("min_length", ctx.get("ge", "")),
        "choices": ctx.get("expected", ""),
    }
    if rule in RULE_MESSAGES:
        return field_error(fld, rule, **params).as_dict()
    return {"field": fld, "rule": rule, "message": str(item.get("msg", ""))}


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(AnteiError)
    def _antei(request: HttpRequest, exc: AnteiError) -> HttpResponse:
        errors = [e.as_dict() for e in getattr(exc, "errors", [])]
        return problem(api, request, status=exc.http_status, code=exc.code,
                       title=exc.code.replace("_", " "), detail=exc.message, errors=errors)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
        err = NotAuthenticated()
        return problem(api, request, status=401, code=err.code, title="not authenticated",
                       detail=err.message)

    @api.exception_handler(NinjaValidationError)
    def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [pydantic_error(item) for item in exc.errors]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return problem(api, request, status=422, code="invalid_input", title="invalid input",
                       detail=detail, errors=errors)

    @api.exception_handler(HttpError)
    def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem(api, request, status=exc.status_code, code="http_error",
                       title="error", detail=str(exc))


class Page(Schema, Generic[T]):
    items: list[T]
    count: int
    limit: int
    offset: int


def paginate(qs: QuerySet[Any], *, limit: int, offset: int) -> tuple[list[Any], int, int, int]:
    """Slice a query for one page; limit is capped at API_PAGE_MAX."""
    limit = max(1, min(limit, settings.API_PAGE_MAX))
    offset = max(0, offset)
    return list(qs[offset : offset + limit]), qs.count(), limit, offset


def build_router() -> Any:
    """The audit endpoints (risk and auditors read the evidence; M-4.2)."""
    from ninja import Router

    from antei.core import audit, selectors
    from antei.core.schemas import AuditEntryOut, AuditVerifyOut

    router = Router(tags=["audit"])
    view = require(Perm.AUDIT_VIEW)

    @router.get("/audit", auth=view, response={200: Page[AuditEntryOut], **PROBLEM_RESPONSES})
    def list_audit(request: HttpRequest, object_type: str | None = None,
                   object_id: str | None = None, actor: str | None = None,
                   action: str | None = None, limit: int = 100,
                   offset: int = 0) -> dict[str, object]:
        rows, count, limit, offset = paginate(
            selectors.list_audit(object_type=object_type, object_id=object_id, actor=actor,
                                 action=action), limit=limit, offset=offset)
        return {"items": [AuditEntryOut.from_row(e) for e in rows], "count": count,
                "limit": limit, "offset": offset}

    @router.get("/audit/verify", auth=view, response={200: AuditVerifyOut, **PROBLEM_RESPONSES})
    def verify_audit(request: HttpRequest) -> object:
        result = audit.verify()
        return AuditVerifyOut(ok=result.ok, checked=result.checked,
                              first_bad_seq=result.first_bad_seq, problem=result.problem)

    return router
