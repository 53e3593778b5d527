"""The limits API as a client meets it: create, list sorted by days to breach, bulk
measurements (bad rows named, nothing written), forecast shape, links, what-if, vendors.

Catalog: M-2.3, A2-SWA-8, A2-PERF-SET-1, A2-PERF-SET-6, A2-PERF-CAP-5, C07, C08, C14.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from antei.capacity.models import Limit, Measurement
from antei.core.roles import Role
from tests.capacity.conftest import daily, trend
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db

BODY = {"system": "GW", "component": "ATM-GW-02", "kind": "log_area", "name": "ログ領域",
        "value": 100, "unit": "%", "warning": 80, "critical": 90,
        "review_interval_days": 180, "housekeeping_interval_days": 182}


def test_create_feed_and_forecast(bank: Any, api: ApiClient) -> None:
    created = api.post("/api/v1/limits", BODY)
    assert created.status_code == 201, created.content
    limit_id = created.json()["id"]
    assert created.json()["environment"] == "standby"
    rows = daily(trend(120, 20.0, 0.5, noise=0.2))
    answer = api.post(f"/api/v1/limits/{limit_id}/measurements", rows)
    assert answer.status_code == 201 and answer.json() == {"written": 120}
    forecast = api.get(f"/api/v1/limits/{limit_id}/forecast")
    assert forecast.status_code == 200
    body = forecast.json()
    assert {"breach_at", "interval", "days_to_breach", "warnings"} <= set(body)
    assert body["breach_at"] is not None and len(body["interval"]) == 2
    assert 30 <= body["days_to_breach"] <= 50
    assert all({"code", "message"} <= set(w) for w in body["warnings"])


def test_warning_above_the_limit_is_a_422_naming_the_field(bank: Any, api: ApiClient) -> None:
    answer = api.post("/api/v1/limits", {**BODY, "warning": 120})
    assert answer.status_code == 422
    assert answer["Content-Type"] == "application/problem+json"
    assert [(e["field"], e["rule"]) for e in answer.json()["errors"]] == [
        ("warning", "level_order")]
    assert Limit.objects.count() == 0


def test_bad_measurement_rows_are_listed_and_nothing_is_written(bank: Any,
                                                               api: ApiClient) -> None:
    limit_id = api.post("/api/v1/limits", BODY).json()["id"]
    rows = [{"at": "2026-01-05T09:00:00+09:00", "value": 1},
            {"at": "2026-01-06T09:00:00+09:00", "value": "ten"},
            {"at": "2999-01-01T00:00:00+09:00", "value": 3}]
    answer = api.post(f"/api/v1/limits/{limit_id}/measurements", rows)
    assert answer.status_code == 422
    assert [(e["field"], e["rule"]) for e in answer.json()["errors"]] == [
        ("rows[2].value", "number"), ("rows[3].at", "future")]
    assert Measurement.objects.count() == 0


def test_measurements_for_an_unknown_limit_are_404(bank: Any, api: ApiClient) -> None:
    answer = api.post("/api/v1/limits/9999/measurements",
                      [{"at": "2026-01-05T09:00:00+09:00", "value": 1}])
    assert answer.status_code == 404


def test_patch_delete_and_list_filters(bank: Any, api: ApiClient) -> None:
    limit_id = api.post("/api/v1/limits", BODY).json()["id"]
    api.post("/api/v1/limits", {**BODY, "system": "HOST", "component": None, "kind": "cpu",
                                "name": "CPU"})
    patched = api.patch(f"/api/v1/limits/{limit_id}", {"value": 120, "critical": 100})
    assert patched.status_code == 200 and patched.json()["value"] == 120
    listed = api.get("/api/v1/limits", system="GW")
    assert [r["id"] for r in listed.json()] == [limit_id]
    assert [r["kind"] for r in api.get("/api/v1/limits", kind="cpu").json()] == ["cpu"]
    assert api.delete(f"/api/v1/limits/{limit_id}").status_code == 204
    assert api.get(f"/api/v1/limits/{limit_id}").status_code == 404


def test_link_cycle_is_a_422(bank: Any, api: ApiClient) -> None:
    a = api.post("/api/v1/limits", {**BODY, "name": "入力"}).json()["id"]
    b = api.post("/api/v1/limits", {**BODY, "name": "出力"}).json()["id"]
    assert api.post(f"/api/v1/limits/{a}/links", {"downstream": b}).status_code == 201
    answer = api.post(f"/api/v1/limits/{b}/links", {"downstream": a})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["rule"] == "link_cycle"
    assert api.get(f"/api/v1/limits/{a}").json()["downstream"] == [b]


def test_what_if_answers_breaches_and_chains(bank: Any, api: ApiClient) -> None:
    limit_id = api.post("/api/v1/limits", {**BODY, "kind": "sequence_per_day",
                                           "name": "通番", "value": 99999, "warning": 80000,
                                           "critical": 90000, "unit": "件"}).json()["id"]
    api.post(f"/api/v1/limits/{limit_id}/measurements",
             daily(trend(120, 40_000.0, 0.0, noise=500)))
    answer = api.post("/api/v1/capacity/what-if", {"factor": 3.0, "from": "2020-01-01",
                                                   "systems": ["GW"]})
    assert answer.status_code == 200, answer.content
    row = answer.json()["limits"][0]
    assert row["id"] == limit_id and row["breach_at_before"] is None
    assert row["days_to_breach"] == 1  # × 3 of 40,000 passes 99,999 at once


def test_vendor_sees_only_limits_of_its_systems(bank: dict[str, Any], api: ApiClient,
                                                make_api_client: Callable[..., ApiClient],
                                                ) -> None:
    mine = api.post("/api/v1/limits", BODY).json()["id"]
    other = api.post("/api/v1/limits", {**BODY, "system": "HOST", "component": None}).json()
    vendor = make_api_client(Role.VENDOR, vendor_id=bank["vendor_id"])
    assert [r["id"] for r in vendor.get("/api/v1/limits").json()] == [mine]
    assert vendor.get(f"/api/v1/limits/{other['id']}").status_code == 404
    assert vendor.get(f"/api/v1/limits/{other['id']}/forecast").status_code == 404
    assert vendor.get(f"/api/v1/limits/{mine}/forecast").status_code == 200
    assert vendor.post("/api/v1/limits", BODY).status_code == 403


def test_batch_runs_and_response_times_in_bulk(bank: Any, api: ApiClient,
                                               make_api_client: Callable[..., ApiClient],
                                               ) -> None:
    """M-2.3 / A1-I-7: batch runs and response-time percentiles per system; a bad row
    refuses the request naming the row, nothing written."""
    from antei.capacity.models import BatchRun, ResponseTime

    runs = [{"job": "夜間バッチ", "started_at": "2026-01-05T23:30:00+09:00",
             "ended_at": "2026-01-06T05:10:00+09:00", "records": 120_000}]
    assert api.post("/api/v1/systems/HOST/batch-runs", runs).json() == {"written": 1}
    bad = api.post("/api/v1/systems/HOST/batch-runs", [
        {**runs[0], "started_at": "2026-01-07T23:30:00+09:00",
         "ended_at": "2026-01-08T05:00:00+09:00"},
        {**runs[0], "ended_at": "2026-01-05T23:00:00+09:00"}])
    assert bad.status_code == 422
    assert [(e["field"], e["rule"]) for e in bad.json()["errors"]] == [
        ("rows[2].ended_at", "date_order")]
    assert BatchRun.objects.count() == 1
    times = [{"at": "2026-01-05T10:00:00+09:00", "p50_ms": 120, "p95_ms": 480, "p99_ms": 900},
             {"at": "2026-01-05T10:05:00+09:00", "p50_ms": 130, "p95_ms": 990, "p99_ms": 900}]
    refused = api.post("/api/v1/systems/HOST/response-times", times)
    assert [(e["field"], e["rule"]) for e in refused.json()["errors"]] == [
        ("rows[2].p95_ms", "level_order")]
    assert ResponseTime.objects.count() == 0
    ok = api.post("/api/v1/systems/HOST/response-times", times[:1])
    assert ok.status_code == 201 and ResponseTime.objects.get().p99_ms == 900
    auditor = make_api_client(Role.AUDITOR)
    assert auditor.post("/api/v1/systems/HOST/response-times", times[:1]).status_code == 403
