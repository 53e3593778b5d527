"""Writers of the limits registry: limits, chain links, measurements, batch runs. One
transaction each, audited in it.

Bad rows in a bulk import (API, CSV, Prometheus pull): the WHOLE import is refused and every
bad row is listed, as ``rows[N].field`` with the rule (N counts data rows from 1; a CSV
file's header line is not a row). Nothing is written, so a file can be corrected and sent
again. Rows that repeat a (limit, at) already stored REPLACE its value (an upsert: one
``INSERT … ON CONFLICT DO UPDATE`` per batch of 5,000), so re-sending an import or
re-pulling an overlapping Prometheus range is harmless; within one import the last row for a
(limit, at) wins.

Catalog: C07, C08, M-2.2, M-2.3, A2-SWA-8, A2-PERF-SET-1..3, 6, 7, A2-PERF-CAP-1, A1-I-7.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any, TypedDict

from django.db import transaction

from antei.capacity import domain
from antei.capacity.models import BatchRun, Limit, LimitLink, Measurement, ResponseTime
from antei.core import audit, clock, registry
from antei.core.actor import Actor
from antei.core.errors import Conflict, FieldError, InvalidInput, NotFound, field_error
from antei.core.roles import Perm
from antei.inventory.models import Component, System
from antei.org.models import Department, Person

FUTURE_TOLERANCE = timedelta(minutes=5)  # clocks of measuring hosts drift a little
MAX_ROWS = 200_000
BATCH = 5_000


class LimitChanges(TypedDict, total=False):
    component: str | None
    kind: str
    layer: str
    name: str
    value: float
    unit: str
    overflow: str
    warning: float
    critical: float
    margin_percent: float
    has_production_equivalent_test: bool
    owner_person: str | None
    owner_department: str | None
    review_interval_days: int | None
    last_reviewed_on: date | None
    housekeeping_interval_days: int | None
    next_housekeeping_on: date | None
    promql: str
    measurement_interval_seconds: int
    description: str


_PLAIN = ("kind", "layer", "name", "value", "unit", "overflow", "warning", "critical",
          "margin_percent", "has_production_equivalent_test", "review_interval_days",
          "last_reviewed_on", "housekeeping_interval_days", "next_housekeeping_on", "promql",
          "measurement_interval_seconds", "description")


def _values(limit: Limit) -> dict[str, object]:
    return {k: getattr(limit, k) for k in _PLAIN}


def _apply_refs(limit: Limit, refs: Mapping[str, str | None]) -> None:
    if "component" in refs:
        code = refs["component"]
        if code:
            found = Component.objects.filter(system=limit.system, name=code).first()
            if found is None:
                raise InvalidInput.one("component", "unknown", kind="component",
                                       value=f"{limit.system.code}/{code}")
            limit.component = found
        else:
            limit.component = None
    if "owner_person" in refs:
        limit.owner_person = registry.resolve(Person, "owner_person", refs["owner_person"],
                                              kind="person")
    if "owner_department" in refs:
        limit.owner_department = registry.resolve(Department, "owner_department",
                                                  refs["owner_department"], kind="department")


def _check(limit: Limit) -> None:
    registry.reject(domain.check_limit(_values(limit)))
    if limit.housekeeping_interval_days and limit.next_housekeeping_on is None:
        limit.next_housekeeping_on = clock.now().date() + timedelta(
            days=limit.housekeeping_interval_days)
    same = Limit.objects.filter(system=limit.system, component=limit.component,
                                kind=limit.kind, name=limit.name)
    if limit.pk:
        same = same.exclude(pk=limit.pk)
    if same.exists():
        raise Conflict(errors=[field_error("name", "unique", value=limit.name)])


def create_limit(
    *, actor: Actor, system: str, kind: str, name: str, value: float, warning: float,
    critical: float, unit: str = "", component: str | None = None, layer: str = "application",
    overflow: str = "stop", margin_percent: float = 20.0,
    has_production_equivalent_test: bool = False, owner_person: str | None = None,
    owner_department: str | None = None, review_interval_days: int | None = None,
    last_reviewed_on: date | None = None, housekeeping_interval_days: int | None = None,
    next_housekeeping_on: date | None = None, promql: str = "",
    measurement_interval_seconds: int = 86400, description: str = "",
) -> Limit:
    """Register a limit (A2-PERF-SET-1/7, A2-SWA-8): warning <= critical <= value."""
    registry.require(actor, Perm.CAPACITY_EDIT)
    with transaction.atomic():
        owner = registry.resolve_required(System, "system", system, kind="system")
        limit = Limit(system=owner, kind=kind, layer=layer, name=(name or "").strip(),
                      value=value, unit=unit, overflow=overflow, warning=warning,
                      critical=critical, margin_percent=margin_percent,
                      has_production_equivalent_test=has_production_equivalent_test,
                      review_interval_days=review_interval_days,
                      last_reviewed_on=last_reviewed_on,
                      housekeeping_interval_days=housekeeping_interval_days,
                      next_housekeeping_on=next_housekeeping_on, promql=promql.strip(),
                      measurement_interval_seconds=measurement_interval_seconds,
                      description=description)
        _apply_refs(limit, {"component": component, "owner_person": owner_person,
                            "owner_department": owner_department})
        _check(limit)
        return registry.save_new(actor=actor, instance=limit, action="limit.create")


def update_limit(*, actor: Actor, limit_id: int, changes: LimitChanges) -> Limit:
    """Change a limit; the levels are checked again as a whole."""
    registry.require(actor, Perm.CAPACITY_EDIT)
    registry.unknown_fields(changes, LimitChanges.__annotations__)
    with transaction.atomic():
        limit = registry.get(Limit, "limit", pk=limit_id)
        before = audit.snapshot(limit)
        refs: dict[str, str | None] = {
            k: changes[k] for k in ("component", "owner_person", "owner_department")
            if k in changes}
        for k, v in changes.items():
            if k not in refs:
                setattr(limit, k, v.strip() if isinstance(v, str) else v)
        _apply_refs(limit, refs)
        _check(limit)
        return registry.save_changed(actor=actor, instance=limit, before=before,
                                     action="limit.update")


def delete_limit(*, actor: Actor, limit_id: int) -> None:
    """Delete a limit with its measurements and links (the audit keeps its last state)."""
    registry.require(actor, Perm.CAPACITY_EDIT)
    with transaction.atomic():
        limit = registry.get(Limit, "limit", pk=limit_id)
        registry.delete(actor=actor, instance=limit, action="limit.delete")


def mark_reviewed(*, actor: Actor, limit_id: int, on: date) -> Limit:
    """The limit was reviewed on ``on`` (A2-PERF-SET-7: digits nobody looked at for years)."""
    return update_limit(actor=actor, limit_id=limit_id, changes={"last_reviewed_on": on})


def link_limits(*, actor: Actor, upstream: int, downstream: int) -> LimitLink:
    """Data flows from ``upstream`` to ``downstream`` (input -> work area -> output,
    A2-PERF-SET-6); a link that would close a cycle is refused, naming the cycle."""
    registry.require(actor, Perm.CAPACITY_EDIT)
    with transaction.atomic():
        up = registry.get(Limit, "limit", pk=upstream)
        down = Limit.objects.filter(pk=downstream).first()
        if down is None:
            raise InvalidInput.one("downstream", "unknown", kind="limit", value=downstream)
        edges = list(LimitLink.objects.values_list("upstream_id", "downstream_id"))
        if (up.pk, down.pk) in edges:
            raise Conflict(errors=[field_error("downstream", "unique", value=down.pk)])
        cycle = domain.find_cycle(edges, (up.pk, down.pk))
        if cycle is not None:
            names = dict(Limit.objects.filter(pk__in=cycle).values_list("pk", "name"))
            path = " → ".join(f"{names.get(i, i)} (#{i})" for i in cycle)
            raise InvalidInput.one("downstream", "link_cycle", path=path)
        link = LimitLink(upstream=up, downstream=down)
        return registry.save_new(actor=actor, instance=link, action="limit.link",
                                 after=lambda x: {"upstream": x.upstream_id,
                                                  "downstream": x.downstream_id})


def unlink_limits(*, actor: Actor, upstream: int, downstream: int) -> None:
    registry.require(actor, Perm.CAPACITY_EDIT)
    with transaction.atomic():
        link = registry.get(LimitLink, "limit link", upstream_id=upstream,
                            downstream_id=downstream)
        registry.delete(actor=actor, instance=link, action="limit.unlink")


# --- measurements ---------------------------------------------------------------------------


def parse_at(raw: object) -> datetime | None:
    """An aware datetime from ISO-8601 text (naive or a bare date: the display zone)."""
    if isinstance(raw, datetime):
        found = raw
    elif isinstance(raw, str) and raw.strip():
        text = raw.strip()
        try:
            found = datetime.fromisoformat(text)
        except ValueError:
            return None
    else:
        return None
    if found.tzinfo is None:
        found = found.replace(tzinfo=clock.display_zone())
    return found


def parse_value(raw: object) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        num = float(raw)
    elif isinstance(raw, str) and raw.strip():
        try:
            num = float(raw.strip().replace(",", ""))
        except ValueError:
            return None
    else:
        return None
    return num if math.isfinite(num) else None


def _check_rows(rows: Sequence[Mapping[str, Any]], resolve: Any, now: datetime,
                ) -> tuple[list[tuple[int, datetime, float]], list[FieldError]]:
    errors: list[FieldError] = []
    good: list[tuple[int, datetime, float]] = []
    latest = now + FUTURE_TOLERANCE
    for n, row in enumerate(rows, start=1):
        where = f"rows[{n}]"
        limit_id, problem = resolve(row)
        if problem is not None:
            errors.append(field_error(f"{where}.limit", *problem[:1], **problem[1]))
        raw_at = row.get("at")
        at = parse_at(raw_at)
        if raw_at in (None, ""):
            errors.append(field_error(f"{where}.at", "required"))
        elif at is None:
            errors.append(field_error(f"{where}.at", "timestamp", value=raw_at))
        elif at > latest:
            errors.append(field_error(f"{where}.at", "future", value=raw_at,
                                      minutes=int(FUTURE_TOLERANCE.total_seconds() // 60)))
        raw_value = row.get("value")
        value = parse_value(raw_value)
        if raw_value in (None, ""):
            errors.append(field_error(f"{where}.value", "required"))
        elif value is None:
            errors.append(field_error(f"{where}.value", "number", value=raw_value))
        if limit_id is not None and at is not None and value is not None:
            good.append((limit_id, at, value))
    return good, errors


def _store(actor: Actor, good: Sequence[tuple[int, datetime, float]], source: str) -> int:
    """Upsert the rows (last wins per (limit, at)) and audit one entry per limit."""
    unique: dict[tuple[int, datetime], float] = {}
    for limit_id, at, value in good:
        unique[(limit_id, at)] = value
    objs = [Measurement(limit_id=lid, at=at, value=v) for (lid, at), v in unique.items()]
    Measurement.objects.bulk_create(objs, batch_size=BATCH, update_conflicts=True,
                                    unique_fields=["limit", "at"], update_fields=["value"])
    per_limit: dict[int, list[datetime]] = {}
    for lid, at in unique:
        per_limit.setdefault(lid, []).append(at)
    names = dict(Limit.objects.filter(pk__in=per_limit).values_list("pk", "name"))
    for lid, ats in sorted(per_limit.items()):
        audit.record(actor=actor, action="limit.measurements", object_type="capacity.limit",
                     object_id=str(lid), object_repr=names.get(lid, str(lid)),
                     after={"rows": len(ats), "from": min(ats), "to": max(ats),
                            "source": source})
    return len(objs)


def record_measurements(*, actor: Actor, limit_id: int, rows: Sequence[Mapping[str, Any]],
                        now: datetime | None = None, source: str = "api") -> int:
    """Store readings ``[{"at": ISO-8601, "value": number}]`` of one limit (M-2.3).
    Returns the number of (limit, at) rows written. Bad rows: see the module docstring."""
    registry.require(actor, Perm.CAPACITY_EDIT)
    if not Limit.objects.filter(pk=limit_id).exists():
        raise NotFound("limit", limit_id)
    return _import(actor, rows, lambda row: (limit_id, None), now, source)


def import_measurements(*, actor: Actor, rows: Sequence[Mapping[str, Any]],
                        now: datetime | None = None, source: str = "import") -> int:
    """Readings of many limits: ``{"limit": id or "SYSTEM/name" or "SYSTEM/component/name",
    "at", "value"}`` each; an unknown limit is a bad row."""
    registry.require(actor, Perm.CAPACITY_EDIT)
    by_id = set(Limit.objects.values_list("pk", flat=True))
    by_name: dict[str, int] = {}
    for pk, sys_code, comp, name in Limit.objects.values_list(
            "pk", "system__code", "component__name", "name"):
        by_name.setdefault(f"{sys_code}/{name}", pk)
        if comp:
            by_name[f"{sys_code}/{comp}/{name}"] = pk

    def resolve(row: Mapping[str, Any]) -> tuple[int | None, tuple[str, dict[str, Any]] | None]:
        ref = row.get("limit")
        text = str(ref).strip() if ref is not None else ""
        if not text:
            return None, ("required", {})
        if text.isdigit() and int(text) in by_id:
            return int(text), None
        if text in by_name:
            return by_name[text], None
        return None, ("unknown", {"kind": "limit", "value": text})

    return _import(actor, rows, resolve, now, source)


def _import(actor: Actor, rows: Sequence[Mapping[str, Any]], resolve: Any,
            now: datetime | None, source: str) -> int:
    if not rows:
        raise InvalidInput.one("rows", "no_rows")
    if len(rows) > MAX_ROWS:
        raise InvalidInput.one("rows", "rows_max", max=MAX_ROWS)
    good, errors = _check_rows(rows, resolve, now or clock.now())
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        return _store(actor, good, source)


def import_csv(*, actor: Actor, text: str, now: datetime | None = None) -> int:
    """``antei limits import FILE``: columns limit (id or SYSTEM/name), at, value."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    if not {"limit", "at", "value"} <= set(header):
        raise InvalidInput.one("file", "csv_header", value=", ".join(header) or "-")
    reader.fieldnames = header
    rows = [{k: (v or "").strip() for k, v in r.items() if k} for r in reader]
    return import_measurements(actor=actor, rows=rows, now=now, source="csv")


# --- batch runs ---------------------------------------------------------------------------


def _records(raw: object) -> tuple[int | None, bool]:
    """(records, ok): a whole number ≥ 0, or nothing."""
    if raw is None or raw == "":
        return None, True
    if isinstance(raw, str) and raw.strip().isdigit():
        return int(raw.strip()), True
    if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
        return raw, True
    return None, False


def _batch_rows(rows: Sequence[Mapping[str, Any]], system_for: Any,
                ) -> tuple[list[BatchRun], list[FieldError]]:
    """Check every row (numbered from 1) and build the runs of the good ones."""
    errors: list[FieldError] = []
    runs: list[BatchRun] = []
    for n, row in enumerate(rows, start=1):
        where = f"rows[{n}]"
        owner, problem = system_for(row)
        if problem is not None:
            errors.append(field_error(f"{where}.system", problem[0], **problem[1]))
        job = str(row.get("job") or "").strip()
        if not job:
            errors.append(field_error(f"{where}.job", "required"))
        ats = {}
        for key in ("started_at", "ended_at"):
            ats[key] = parse_at(row.get(key))
            if row.get(key) in (None, ""):
                errors.append(field_error(f"{where}.{key}", "required"))
            elif ats[key] is None:
                errors.append(field_error(f"{where}.{key}", "timestamp", value=row.get(key)))
        if ats["started_at"] and ats["ended_at"] and ats["ended_at"] < ats["started_at"]:
            errors.append(field_error(f"{where}.ended_at", "date_order", other="started_at"))
        records, ok = _records(row.get("records"))
        if not ok:
            errors.append(field_error(f"{where}.records", "integer"))
        if owner is not None and job and ats["started_at"] and ats["ended_at"]:
            runs.append(BatchRun(system=owner, job=job, started_at=ats["started_at"],
                                 ended_at=ats["ended_at"], records=records))
    return runs, errors


def _store_batch_runs(actor: Actor, runs: Sequence[BatchRun], source: str) -> int:
    """Upsert (last wins per (system, job, started_at)); one audit entry per system."""
    unique = {(r.system.pk, r.job, r.started_at): r for r in runs}
    with transaction.atomic():
        BatchRun.objects.bulk_create(list(unique.values()), batch_size=BATCH,
                                     update_conflicts=True,
                                     unique_fields=["system", "job", "started_at"],
                                     update_fields=["ended_at", "records"])
        per_system: dict[int, list[BatchRun]] = {}
        for r in unique.values():
            per_system.setdefault(r.system.pk, []).append(r)
        for group in per_system.values():
            audit.record(actor=actor, action="system.batch_runs", obj=group[0].system,
                         after={"rows": len(group), "source": source})
    return len(unique)


def record_batch_runs(*, actor: Actor, system: str,
                      rows: Iterable[Mapping[str, Any]]) -> int:
    """Batch job runs (job, started_at, ended_at, records?) of a system (A1-I-7,
    A2-PERF-CAP-1). Same policy as measurements: any bad row refuses the whole import."""
    registry.require(actor, Perm.CAPACITY_EDIT)
    owner = System.objects.filter(code=system).first()
    if owner is None:
        raise InvalidInput.one("system", "unknown", kind="system", value=system)
    rows = list(rows)
    if not rows:
        raise InvalidInput.one("rows", "no_rows")
    runs, errors = _batch_rows(rows, lambda row: (owner, None))
    if errors:
        raise InvalidInput(errors)
    return _store_batch_runs(actor, runs, "api")


def import_batch_runs(*, actor: Actor, rows: Sequence[Mapping[str, Any]],
                      source: str = "import") -> int:
    """Batch runs of many systems: ``{"system": code, "job", "started_at", "ended_at",
    "records"?}`` each (A1-I-7). An unknown system is a bad row; any bad row refuses the
    whole import, every bad row named with its number and field."""
    registry.require(actor, Perm.CAPACITY_EDIT)
    if not rows:
        raise InvalidInput.one("rows", "no_rows")
    if len(rows) > MAX_ROWS:
        raise InvalidInput.one("rows", "rows_max", max=MAX_ROWS)
    systems = {s.code: s for s in System.objects.all()}

    def system_for(row: Mapping[str, Any]) -> tuple[System | None,
                                                    tuple[str, dict[str, Any]] | None]:
        code = str(row.get("system") or "").strip()
        if not code:
            return None, ("required", {})
        if code not in systems:
            return None, ("unknown", {"kind": "system", "value": code})
        return systems[code], None

    runs, errors = _batch_rows(rows, system_for)
    if errors:
        raise InvalidInput(errors)
    return _store_batch_runs(actor, runs, source)


BATCH_RUN_COLUMNS = ("system", "job", "started_at", "ended_at", "records")


def import_batch_runs_csv(*, actor: Actor, text: str) -> int:
    """``antei limits import-batch-runs FILE``: columns system, job, started_at, ended_at,
    records (records may be empty)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    if not set(BATCH_RUN_COLUMNS) - {"records"} <= set(header):
        raise InvalidInput.one("file", "csv_batch_header", value=", ".join(header) or "-")
    reader.fieldnames = header
    rows = [{k: (v or "").strip() for k, v in r.items() if k} for r in reader]
    return import_batch_runs(actor=actor, rows=rows, source="csv")


def record_response_times(*, actor: Actor, system: str, rows: Sequence[Mapping[str, Any]],
                          now: datetime | None = None) -> int:
    """Online response-time percentiles ``{at, p50_ms, p95_ms, p99_ms}`` of a system
    (M-2.3). Same policy: any bad row refuses the whole import; a repeated ``at`` replaces."""
    registry.require(actor, Perm.CAPACITY_EDIT)
    owner = System.objects.filter(code=system).first()
    if owner is None:
        raise InvalidInput.one("system", "unknown", kind="system", value=system)
    if not rows:
        raise InvalidInput.one("rows", "no_rows")
    latest = (now or clock.now()) + FUTURE_TOLERANCE
    errors: list[FieldError] = []
    found: dict[datetime, ResponseTime] = {}
    for n, row in enumerate(rows, start=1):
        where = f"rows[{n}]"
        at = parse_at(row.get("at"))
        if at is None:
            errors.append(field_error(f"{where}.at", "timestamp", value=row.get("at")))
        elif at > latest:
            errors.append(field_error(f"{where}.at", "future", value=row.get("at"),
                                      minutes=int(FUTURE_TOLERANCE.total_seconds() // 60)))
        values: dict[str, float] = {}
        for key in ("p50_ms", "p95_ms", "p99_ms"):
            value = parse_value(row.get(key))
            if value is None or value < 0:
                errors.append(field_error(f"{where}.{key}", "number", value=row.get(key)))
            else:
                values[key] = value
        if len(values) == 3 and not values["p50_ms"] <= values["p95_ms"] <= values["p99_ms"]:
            errors.append(field_error(f"{where}.p95_ms", "level_order", other="p99_ms",
                                      value=values["p99_ms"]))
        elif at is not None and len(values) == 3:
            found[at] = ResponseTime(system=owner, at=at, **values)
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        ResponseTime.objects.bulk_create(list(found.values()), batch_size=BATCH,
                                         update_conflicts=True, unique_fields=["system", "at"],
                                         update_fields=["p50_ms", "p95_ms", "p99_ms"])
        audit.record(actor=actor, action="system.response_times", obj=owner,
                     after={"rows": len(found)})
    return len(found)
