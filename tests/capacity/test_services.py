"""Bad input of the limits registry, each refused with the field (and row) named and
nothing written (issue 7 "Bad input"); bulk measurements and the upsert policy.

Catalog: A2-SWA-8, A2-PERF-SET-1, A2-PERF-SET-2, A2-PERF-SET-6, A2-PERF-SET-7, M-2.3, C08.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from antei.capacity import services
from antei.capacity.models import Limit, LimitLink, Measurement
from antei.core import clock
from antei.core.actor import Actor
from antei.core.errors import Conflict, InvalidInput
from antei.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _fields(exc: pytest.ExceptionInfo[Any]) -> dict[str, str]:
    return {e.field: e.rule for e in exc.value.errors}


def test_limit_is_registered_with_its_component_and_audited(
        make_limit: Callable[..., Limit]) -> None:
    limit = make_limit(component="ATM-GW-02", housekeeping_interval_days=180)
    assert limit.component is not None and limit.component.environment == "standby"
    assert limit.next_housekeeping_on is not None  # first archive date proposed
    assert AuditEntry.objects.filter(action="limit.create", object_id=str(limit.pk)).exists()


@pytest.mark.parametrize(("kw", "field", "rule"), [
    ({"warning": 120.0}, "warning", "level_order"),  # warning above the limit (issue)
    ({"critical": 101.0}, "critical", "level_order"),
    ({"kind": "numeric_digits", "value": 1000.0, "warning": 800.0, "critical": 900.0},
     "value", "digits"),  # A2-PERF-SET-7: the largest value N digits hold is all nines
    ({"kind": "sequence_per_day", "value": 9999.5}, "value", "integer"),  # A2-SWA-8
    ({"kind": "gpu"}, "kind", "choice"),
    ({"overflow": "explode"}, "overflow", "choice"),
    ({"value": -1.0}, "value", "positive"),
    ({"component": "NOPE"}, "component", "unknown"),
    ({"system": "NOPE"}, "system", "unknown"),
    ({"review_interval_days": 0}, "review_interval_days", "positive"),
])
def test_bad_limit_is_refused_naming_the_field(make_limit: Callable[..., Limit],
                                               kw: dict[str, Any], field: str,
                                               rule: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        make_limit(**kw)
    assert _fields(exc).get(field) == rule
    assert Limit.objects.count() == 0


def test_digits_limit_of_all_nines_is_accepted(make_limit: Callable[..., Limit]) -> None:
    limit = make_limit(kind="numeric_digits", name="利息金額", value=99_999_999.0,
                       warning=80_000_000.0, critical=90_000_000.0, unit="")
    assert limit.value == 99_999_999


def test_update_checks_the_levels_again(make_limit: Callable[..., Limit],
                                        admin_actor: Actor) -> None:
    limit = make_limit()
    with pytest.raises(InvalidInput) as exc:
        services.update_limit(actor=admin_actor, limit_id=limit.pk, changes={"value": 50.0})
    assert _fields(exc) == {"critical": "level_order"}
    limit.refresh_from_db()
    assert limit.value == 100.0


def test_duplicate_limit_is_a_conflict(make_limit: Callable[..., Limit]) -> None:
    make_limit(component="ATM-GW-01")
    with pytest.raises(Conflict):
        make_limit(component="ATM-GW-01")
    make_limit(component="ATM-GW-02")  # the standby's own limit of the same name is fine


def test_chain_with_a_cycle_is_refused_naming_the_links(make_limit: Callable[..., Limit],
                                                        admin_actor: Actor) -> None:
    """A2-PERF-SET-6: input -> work area -> output; output -> input would be a loop."""
    inp = make_limit(kind="input_records", name="入力件数", value=1e6, warning=8e5,
                     critical=9e5, unit="件")
    work = make_limit(kind="work_area", name="ワーク領域")
    out = make_limit(kind="output_records", name="出力件数", value=1e6, warning=8e5,
                     critical=9e5, unit="件")
    services.link_limits(actor=admin_actor, upstream=inp.pk, downstream=work.pk)
    services.link_limits(actor=admin_actor, upstream=work.pk, downstream=out.pk)
    with pytest.raises(InvalidInput) as exc:
        services.link_limits(actor=admin_actor, upstream=out.pk, downstream=inp.pk)
    error = exc.value.errors[0]
    assert (error.field, error.rule) == ("downstream", "link_cycle")
    assert "入力件数" in error.message and "出力件数" in error.message
    assert LimitLink.objects.count() == 2
    with pytest.raises(InvalidInput):
        services.link_limits(actor=admin_actor, upstream=inp.pk, downstream=inp.pk)


def test_bad_rows_refuse_the_whole_import_each_row_named(
        make_limit: Callable[..., Limit], admin_actor: Actor) -> None:
    """Policy: one bad row refuses the import; every bad row is listed with its number."""
    limit = make_limit()
    future = (clock.now() + timedelta(hours=2)).isoformat()
    rows = [
        {"at": "2026-01-05T09:00:00+09:00", "value": 10},
        {"at": "2026-01-06T09:00:00+09:00", "value": "abc"},  # non-numeric
        {"at": future, "value": 11},  # future beyond the tolerance
        {"at": "yesterday", "value": 12},  # not a timestamp
        {"at": "2026-01-07T09:00:00+09:00"},  # value missing
    ]
    with pytest.raises(InvalidInput) as exc:
        services.record_measurements(actor=admin_actor, limit_id=limit.pk, rows=rows)
    assert _fields(exc) == {"rows[2].value": "number", "rows[3].at": "future",
                            "rows[4].at": "timestamp", "rows[5].value": "required"}
    assert Measurement.objects.count() == 0


def test_unknown_limit_in_a_bulk_import_is_a_bad_row(make_limit: Callable[..., Limit],
                                                      admin_actor: Actor) -> None:
    limit = make_limit()
    rows = [{"limit": str(limit.pk), "at": "2026-01-05T09:00:00+09:00", "value": 1},
            {"limit": "GW/ない", "at": "2026-01-05T09:00:00+09:00", "value": 1}]
    with pytest.raises(InvalidInput) as exc:
        services.import_measurements(actor=admin_actor, rows=rows)
    assert _fields(exc) == {"rows[2].limit": "unknown"}
    assert Measurement.objects.count() == 0


def test_a_slightly_future_reading_is_within_tolerance(make_limit: Callable[..., Limit],
                                                       admin_actor: Actor) -> None:
    limit = make_limit()
    soon = (clock.now() + timedelta(minutes=2)).isoformat()
    assert services.record_measurements(actor=admin_actor, limit_id=limit.pk,
                                        rows=[{"at": soon, "value": 5}]) == 1


def test_repeated_timestamps_replace_the_value(make_limit: Callable[..., Limit],
                                               admin_actor: Actor) -> None:
    """Upsert: re-sending an import is harmless; the last value for an (limit, at) wins."""
    limit = make_limit()
    at = "2026-01-05T09:00:00+09:00"
    services.record_measurements(actor=admin_actor, limit_id=limit.pk,
                                 rows=[{"at": at, "value": 10}, {"at": at, "value": 12}])
    services.record_measurements(actor=admin_actor, limit_id=limit.pk,
                                 rows=[{"at": at, "value": 15}])
    assert list(Measurement.objects.values_list("value", flat=True)) == [15.0]


def test_csv_import_by_system_and_name(make_limit: Callable[..., Limit],
                                       admin_actor: Actor) -> None:
    limit = make_limit(component="ATM-GW-02")
    text = ("limit,at,value\n"
            f"GW/ATM-GW-02/ログ領域,2026-01-05T09:00:00+09:00,41.5\n"
            f"{limit.pk},2026-01-06 09:00,42\n")
    assert services.import_csv(actor=admin_actor, text=text) == 2
    assert sorted(Measurement.objects.values_list("value", flat=True)) == [41.5, 42.0]


def test_csv_without_the_columns_is_refused(admin_actor: Actor, bank: Any) -> None:
    with pytest.raises(InvalidInput) as exc:
        services.import_csv(actor=admin_actor, text="when,how much\n1,2\n")
    assert _fields(exc) == {"file": "csv_header"}
