"""First end-to-end check of the API wiring (M-4.1 registry foundation)."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


def test_admin_creates_and_reads_a_system(api):
    dept = factories.department(code="SYS")
    response = api.post("/api/v1/systems", {"code": "CORE", "name": "勘定系", "tier": "critical",
                                            "owner_department": dept.code})
    assert response.status_code == 201, response.content
    got = api.get("/api/v1/systems/CORE").json()
    assert got["name"] == "勘定系"
    assert got["owner_department"] == "SYS"


def test_missing_token_is_401_problem_json(client):
    response = client.get("/api/v1/systems")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_authenticated"
