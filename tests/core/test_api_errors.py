"""Input errors from the API's schema layer speak the client's language and name the rule,
like the errors antei's own services raise (bad input names the field and the rule)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from antei.core import services as core_services
from antei.core.actor import Actor
from tests.conftest import PASSWORD


@pytest.fixture
def client(db: None, admin_actor: Actor) -> Client:
    core_services.create_user(actor=admin_actor, username="errs", role="admin",
                              password=PASSWORD)
    token = core_services.create_token(actor=admin_actor, username="errs")
    return Client(headers={"Authorization": f"Bearer {token}"})


def _post(client: Client, body: Any, language: str) -> dict[str, Any]:
    response = client.post("/api/v1/departments", body, content_type="application/json",
                           headers={"Accept-Language": language})
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    return {e["field"]: e for e in response.json()["errors"]}


@pytest.mark.parametrize(("language", "message"), [
    ("ja", "文字列を指定してください。"),
    ("en", "Must be text."),
])
def test_a_wrong_type_is_named_with_its_rule_in_the_clients_language(
        client: Client, language: str, message: str) -> None:
    errors = _post(client, {"code": "NEW", "name": 123, "kind": "business"}, language)
    assert errors["name"]["rule"] == "text"
    assert errors["name"]["message"] == message


def test_a_missing_field_is_required_in_japanese(client: Client) -> None:
    errors = _post(client, {"code": "NEW", "kind": "business"}, "ja")
    assert errors["name"]["rule"] == "required"
    assert errors["name"]["message"] == "この項目は必須です。"
