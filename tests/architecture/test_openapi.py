"""The API contract is published as OpenAPI to people and tools that may use the API, and
lists every resource of the contract; anonymous visitors get nothing (deny by default)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from antei.core import services as core_services
from antei.core.actor import Actor
from antei.core.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SPEC = "/api/v1/openapi.json"
DOCS = "/api/v1/docs"

# (path, methods) the contract promises; more may exist, none of these may go missing.
CONTRACT = {
    "/api/v1/departments": {"get", "post"},
    "/api/v1/departments/{code}": {"get", "patch", "delete"},
    "/api/v1/people": {"get", "post"},
    "/api/v1/people/{code}": {"get", "patch", "delete"},
    "/api/v1/people/{code}/contact-points": {"post"},
    "/api/v1/contact-points": {"get"},
    "/api/v1/contact-points/{contact_id}": {"patch", "delete"},
    "/api/v1/vendors": {"get", "post"},
    "/api/v1/vendors/{code}": {"get", "patch", "delete"},
    "/api/v1/vendors/{code}/contracts": {"post"},
    "/api/v1/vendors/{code}/contracts/{contract_id}": {"delete"},
    "/api/v1/business-functions": {"get", "post"},
    "/api/v1/business-functions/{code}": {"get", "patch", "delete"},
    "/api/v1/systems": {"get", "post"},
    "/api/v1/systems/{code}": {"get", "patch", "delete"},
    "/api/v1/systems/{code}/components": {"get", "post"},
    "/api/v1/systems/{code}/components/{name}": {"get", "patch", "delete"},
    "/api/v1/systems/{code}/batch-windows": {"get", "post"},
    "/api/v1/systems/{code}/batch-windows/{window_id}": {"delete"},
    "/api/v1/systems/{code}/vendors": {"get", "post"},
    "/api/v1/systems/{code}/vendors/{vendor}/{role}": {"delete"},
    "/api/v1/systems/{code}/responsibilities": {"get", "put"},
    "/api/v1/systems/{code}/key-persons": {"get", "post"},
    "/api/v1/systems/{code}/key-persons/{person}": {"delete"},
    "/api/v1/external-parties": {"get", "post"},
    "/api/v1/connections": {"get", "post"},
    "/api/v1/connections/{connection_id}": {"get", "delete"},
    "/api/v1/audit": {"get"},
    "/api/v1/audit/verify": {"get"},
}



@pytest.fixture
def user(admin_actor: Actor) -> User:
    return core_services.create_user(actor=admin_actor, username="reader", role="auditor",
                                     password=PASSWORD)


@pytest.fixture
def session(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def spec(session: Client) -> dict[str, Any]:
    response = session.get(SPEC)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_spec_is_served_to_a_logged_in_user(session: Client) -> None:
    response = session.get(SPEC)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["openapi"].startswith("3.")


def test_spec_is_served_to_a_bearer_token(admin_actor: Actor, user: User) -> None:
    token = core_services.create_token(actor=admin_actor, username="reader")
    response = Client().get(SPEC, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert "/api/v1/systems" in response.json()["paths"]


@pytest.mark.parametrize("url", [SPEC, DOCS])
def test_anonymous_visitors_are_refused(url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 401
    assert "paths" not in response.content.decode()


@pytest.mark.parametrize("url", [SPEC, DOCS])
def test_unknown_or_revoked_tokens_are_refused(admin_actor: Actor, user: User,
                                               url: str) -> None:
    assert Client().get(url, headers={"Authorization": "Bearer antei_nope"}).status_code == 401
    token = core_services.create_token(actor=admin_actor, username="reader")
    core_services.revoke_token(actor=admin_actor, token_id=user.api_tokens.get().pk)
    assert Client().get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_spec_lists_every_resource_of_the_contract(spec: dict[str, Any]) -> None:
    missing = {
        path: sorted(methods - set(spec["paths"].get(path, {})))
        for path, methods in CONTRACT.items()
        if methods - set(spec["paths"].get(path, {}))
    }
    assert missing == {}


def test_every_operation_documents_bearer_auth_and_problem_responses(
    spec: dict[str, Any],
) -> None:
    """Clients can see that every call needs a token and how errors come back."""
    schemes = spec["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            where = f"{method.upper()} {path}"
            assert operation.get("security"), f"{where} documents no auth"
            assert {"401", "403"} <= set(operation["responses"]), where


def test_write_operations_document_422(spec: dict[str, Any]) -> None:
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            if method in ("post", "put", "patch"):
                assert "422" in operation["responses"], f"{method.upper()} {path}"


def test_docs_page_renders_for_a_logged_in_user(session: Client) -> None:
    response = session.get(DOCS)
    assert response.status_code == 200
    page = response.content.decode()
    assert "openapi.json" in page
    assert "antei API" in page or "swagger" in page.lower()
