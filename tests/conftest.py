"""Shared fixtures: actors, users with tokens per role, and API clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from antei.core import services as core_services
from antei.core.actor import Actor, Source
from antei.core.roles import Role
from tests import threads

# Property tests check behaviour, never speed: on a shared 2-core machine an example may take
# long, which is no failure (timings belong in bench/).
hypothesis_settings.register_profile(
    "antei", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("antei")

PASSWORD = "correct-horse-battery-staple-7"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Real hashers cost ~0.3 s a user by design; tests create hundreds of users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin_actor() -> Actor:
    return Actor(username="admin-test", role=Role.ADMIN, source=Source.CLI)


def actor_of(role: Role, *, vendor_id: int | None = None) -> Actor:
    return Actor(username=f"{role}-test", role=role, source=Source.API, vendor_id=vendor_id)


class ApiClient:
    """A Django test client that sends JSON and a bearer token."""

    def __init__(self, token: str) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"}

    def _call(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        fn = getattr(self.client, method)
        if body is None:
            return fn(path, params or None, headers=self.headers)
        return fn(path, body, content_type="application/json", headers=self.headers)

    def get(self, path: str, **params: Any) -> Any:
        return self._call("get", path, **params)

    def post(self, path: str, body: Any = None) -> Any:
        return self._call("post", path, body if body is not None else {})

    def patch(self, path: str, body: Any) -> Any:
        return self._call("patch", path, body)

    def put(self, path: str, body: Any) -> Any:
        return self._call("put", path, body)

    def delete(self, path: str) -> Any:
        return self.client.delete(path, headers=self.headers)


@pytest.fixture
def make_api_client(db: None, admin_actor: Actor) -> Callable[..., ApiClient]:
    """make_api_client(role, vendor_id=None) -> ApiClient for a fresh user of that role."""
    counter = {"n": 0}

    def make(role: Role | str = Role.ADMIN, *, vendor_id: int | None = None) -> ApiClient:
        counter["n"] += 1
        username = f"{role}-{counter['n']}"
        core_services.create_user(actor=admin_actor, username=username, role=str(role),
                                  password=PASSWORD, vendor_id=vendor_id)
        return ApiClient(core_services.create_token(actor=admin_actor, username=username))

    return make


@pytest.fixture
def api(make_api_client: Callable[..., ApiClient]) -> ApiClient:
    """An API client acting as an admin."""
    return make_api_client(Role.ADMIN)


@pytest.fixture
def threads_database(tmp_path: Path) -> Iterator[None]:
    """Where threads started by a test connect (see tests/threads.py)."""
    yield from threads.file_database(tmp_path)
