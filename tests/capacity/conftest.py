"""A small bank for the capacity tests: system GW with an active and a standby server,
and helpers that write daily series through the real services."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
import pytest

from antei.capacity import selectors, services
from antei.capacity.models import Limit
from antei.core import clock
from antei.core.actor import Actor
from antei.inventory import services as inventory_services
from tests import factories


@pytest.fixture
def bank(db: None, admin_actor: Actor) -> dict[str, Any]:
    factories.department(code="OPS")
    vendor = factories.vendor(code="VND")
    factories.vendor(code="OTHER")
    factories.system(code="GW", owner_department="OPS")
    factories.system(code="HOST", owner_department="OPS")
    inventory_services.add_component(actor=admin_actor, system="GW", name="ATM-GW-01",
                                     kind="server", environment="active")
    inventory_services.add_component(actor=admin_actor, system="GW", name="ATM-GW-02",
                                     kind="server", environment="standby",
                                     active_peer="ATM-GW-01")
    inventory_services.assign_vendor(actor=admin_actor, system="GW", vendor="VND", role="run")
    return {"vendor_id": vendor.pk}


@pytest.fixture
def make_limit(bank: dict[str, Any], admin_actor: Actor) -> Callable[..., Limit]:
    def make(**kw: Any) -> Limit:
        args: dict[str, Any] = {"system": "GW", "kind": "log_area", "name": "ログ領域",
                                "value": 100.0, "unit": "%", "warning": 80.0,
                                "critical": 90.0}
        args.update(kw)
        return services.create_limit(actor=admin_actor, **args)

    return make


def daily(values: Sequence[float], *, end: date | None = None) -> list[dict[str, Any]]:
    """Rows of one reading a day at 00:00 Tokyo (never in the future), the last on
    ``end`` (default today)."""
    end = end or selectors.today()
    zone = clock.display_zone()
    start = end - timedelta(days=len(values) - 1)
    return [{"at": datetime.combine(start + timedelta(days=i), time(0), zone).isoformat(),
             "value": float(v)} for i, v in enumerate(values) if np.isfinite(v)]


@pytest.fixture
def feed(admin_actor: Actor) -> Callable[..., int]:
    def write(limit: Limit, values: Sequence[float], **kw: Any) -> int:
        return services.record_measurements(actor=admin_actor, limit_id=limit.pk,
                                            rows=daily(values, **kw))

    return write


def trend(days: int, start: float, per_day: float, *, noise: float = 0.3,
          seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return start + per_day * np.arange(days) + rng.normal(0, noise, days)
