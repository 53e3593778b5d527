"""The forecaster reports its own accuracy on each limit's history (issue 7 "Backtest on
history"; A1-I-9, M-2.3): over past cutoffs it forecast from the days before and is
compared with what happened, through the API and on the limit's page."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from django.test import Client

from antei.capacity import forecasting
from antei.capacity.models import Limit
from antei.core import services as core_services
from antei.core.actor import Actor
from tests.conftest import PASSWORD, ApiClient

pytestmark = pytest.mark.django_db


def test_a_steady_climb_is_forecast_to_the_day_on_its_history(
        make_limit: Callable[..., Limit], feed: Callable[..., int], api: ApiClient) -> None:
    """A disk filling exactly 0.25 GB a day from 10 GB passes its limit of 100.1 GB on day
    361 of 400: every cutoff in the 180 days before knew the breach day, so the backtest's
    median error is 0 days and nothing was missed."""
    limit = make_limit(kind="disk", name="データ領域", value=100.1, unit="GB",
                       warning=90.0, critical=95.0)
    feed(limit, 10 + 0.25 * np.arange(400))
    r = api.get(f"/api/v1/limits/{limit.pk}/forecast")
    assert r.status_code == 200, r.content
    bt = r.json()["backtest"]
    assert bt["breaches"] >= 3 and bt["points"] >= bt["breaches"]
    assert bt["median_abs_error_days"] == 0 and bt["missed"] == 0
    assert bt["explanation"].startswith(
        "On this limit's history the forecast was off by a median of 0 days")
    r = api.client.get(f"/api/v1/limits/{limit.pk}/forecast",
                       headers=api.headers | {"Accept-Language": "ja"})
    assert r.json()["backtest"]["explanation"].startswith(
        "この上限の過去データでは、超過日の予測は中央値で 0 日ずれていました")


def test_a_late_forecast_shows_its_error_in_days(make_limit: Callable[..., Limit],
                                                 feed: Callable[..., int],
                                                 admin_actor: Actor) -> None:
    """Flat at 50 for a year, then a step to 96 on one day: a level forecast could not
    see the step coming, so each cutoff before it missed the breach, scored as predicted
    at the end of the data after it (the kernel's rule). Every cutoff 28·k days back saw
    the breach 28·k − 20 days ahead and "predicted" it 28·k days ahead: 20 days off."""
    limit = make_limit(kind="cpu", name="CPU", value=95.0, unit="%",
                       warning=90.0, critical=93.0)
    values = np.r_[np.full(380, 50.0), np.full(20, 96.0)]
    feed(limit, values)
    bt = forecasting.forecast_limit(admin_actor, limit.pk)["backtest"]
    assert bt["breaches"] >= 3 and bt["missed"] == bt["breaches"]
    assert bt["median_abs_error_days"] == 20


def test_too_little_history_is_null_and_said_on_the_page(
        make_limit: Callable[..., Limit], feed: Callable[..., int], api: ApiClient,
        client: Client, admin_actor: Actor) -> None:
    limit = make_limit()
    feed(limit, 10 + 0.1 * np.arange(60))
    assert api.get(f"/api/v1/limits/{limit.pk}/forecast").json()["backtest"] is None
    client.force_login(core_services.create_user(actor=admin_actor, username="cap-risk",
                                                 role="risk", password=PASSWORD))
    body = client.get(f"/limits/{limit.pk}/").content.decode()
    assert "まだ過去データが足りません" in body


def test_the_list_scores_many_limits_in_one_batch(make_limit: Callable[..., Limit],
                                                 feed: Callable[..., int],
                                                 api: ApiClient) -> None:
    climbing = make_limit(kind="disk", name="A", value=100.1, unit="GB",
                          warning=90.0, critical=95.0)
    feed(climbing, 10 + 0.25 * np.arange(400))
    calm = make_limit(kind="cpu", name="B", value=100.0, unit="%",
                      warning=95.0, critical=98.0)
    feed(calm, 30 + np.sin(np.arange(400)))
    short = make_limit(kind="cpu", name="C", value=100.0, unit="%",
                       warning=95.0, critical=98.0)
    feed(short, np.full(30, 20.0))
    rows = {x["name"]: x["backtest"] for x in api.get("/api/v1/limits").json()}
    assert rows["A"]["median_abs_error_days"] == 0
    assert rows["B"]["breaches"] == 0 and rows["B"]["false_alarms"] == 0
    assert rows["B"]["median_abs_error_days"] is None
    assert "no breach happened after any of the" in rows["B"]["explanation"]
    assert rows["C"] is None
