"""Set-based writes of the intake hot path: one statement per table per batch.

Each function takes the already normalised, already de-duplicated rows of one request and
writes them with multi-row `INSERT ... ON CONFLICT (...) WHERE ... DO UPDATE` (the same SQL
on SQLite 3.35+ and PostgreSQL): no per-row query, no model instance per alert. The
conflict targets name the partial unique indexes of models.py, so two requests delivering
the same new alert at once end with one open row (the database decides).

On PostgreSQL (A2-PERF-CAP-2 throughput) each write is ONE statement per batch whose text
does not depend on the batch size: the rows travel as arrays (`unnest(%b::text[], ...)`)
through a server-side-binding psycopg cursor, so the statement is parsed and planned once
per connection and then executed as a prepared statement; the occurrence numbers of new
rows come from one grouped count joined in, not a sub-query per row.

Only services.py calls these, inside its transaction.
"""

# S608 (SQL built from strings): only this module's table-name constants and "%s"
# placeholders are interpolated; every value is a bound parameter.
# ruff: noqa: S608
from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection

from antei.alerts.domain import Signal

CHUNK = 400  # rows per statement: below SQLite's 32,766 parameters with room to spare
ALERT = "alerts_alert"
GROUP = "alerts_alertgroup"
COUNTER = "alerts_messagecounter"

_SEVERITY_RANK = ("CASE {} WHEN 'critical' THEN 0 WHEN 'error' THEN 1 "
                  "WHEN 'warning' THEN 2 ELSE 3 END")


def _stamper() -> Callable[[datetime | None], Any]:
    """Timestamps as the backend stores them (SQLite: naive UTC text, as Django writes
    it), memoised for one statement: a batch carries few distinct times."""
    if connection.vendor != "sqlite":
        return lambda value: value
    memo: dict[datetime, str] = {}

    def stamp(value: datetime | None) -> str | None:
        if value is None:
            return None
        found = memo.get(value)
        if found is None:
            found = memo[value] = value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
        return found

    return stamp


def _ts(value: datetime | None) -> Any:
    return _stamper()(value)


def _run(cur: Any, sql: str, params: Sequence[Any]) -> None:
    """Execute with "%s" placeholders. On SQLite the statement goes straight to the driver
    with "?" (Django's regex placeholder rewrite costs more than the upsert itself)."""
    if connection.vendor == "sqlite":
        with connection.wrap_database_errors:
            sqlite3.Cursor.execute(cur.cursor, sql.replace("%s", "?"), params)
    else:
        cur.execute(sql, params)


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _pg_run(sql: str, params: Sequence[Any]) -> Any:
    """Execute on PostgreSQL with server-side binding, prepared (the statement text is
    constant, so the plan is reused by every later batch on this connection)."""
    import psycopg

    connection.ensure_connection()
    with connection.wrap_database_errors:
        cur = psycopg.Cursor(connection.connection)
        cur.execute(sql, params, prepare=True)
        return cur


def _as_datetime(value: object) -> datetime:
    """A timestamp read back through a raw cursor (SQLite gives text)."""
    found = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _chunks(rows: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(rows), CHUNK):
        yield rows[i : i + CHUNK]


@dataclass(frozen=True)
class GroupRow:
    key: str
    labels: dict[str, str]
    system_id: int | None
    severity: str
    count: int


@dataclass(frozen=True)
class GroupState:
    id: int
    incident_id: int | None
    system_id: int | None
    severity: str


def close_stale_groups(*, integration_id: int | None, now: datetime,
                       window_cutoff: datetime, keys: Sequence[str] | None = None) -> int:
    """Close open groups with nothing firing and no new alert since the window began
    (only those with these `keys`, if given: the intake closes what a batch is about to
    join; the sweep closes the rest every minute)."""
    where = "AND integration_id = %s" if integration_id is not None else ""
    params: list[Any] = [_ts(now), _ts(window_cutoff)]
    if integration_id is not None:
        params.append(integration_id)
    if keys is not None:
        if not keys:
            return 0
        if _pg():
            where += " AND group_key = ANY(%b::text[])"
            params.append(list(keys))
        else:
            where += " AND group_key IN (SELECT value FROM json_each(%s))"
            params.append(_dumps(list(keys)))
    with connection.cursor() as cur:
        cur.execute(
            f"UPDATE {GROUP} SET status = 'closed', closed_at = %s "
            f"WHERE status = 'open' AND last_seen < %s {where} AND NOT EXISTS ("
            f"SELECT 1 FROM {ALERT} a WHERE a.group_id = {GROUP}.id AND a.status = 'firing')",
            params)
        return int(cur.rowcount)


def upsert_groups(*, integration_id: int, rows: Sequence[GroupRow],
                  now: datetime) -> dict[str, GroupState]:
    """Open or extend one group per key; returns each key's group."""
    found: dict[str, GroupState] = {}
    stamp = _ts(now)
    rows = sorted(rows, key=lambda r: r.key)  # one lock order for every writer: no deadlock
    if _pg():
        cur = _pg_run(_PG_GROUPS, [
            integration_id, stamp, stamp, [r.key for r in rows],
            [_dumps(r.labels) for r in rows], [r.system_id for r in rows],
            [r.severity for r in rows], [r.count for r in rows]])
        for gid, key, incident_id, system_id, severity in cur.fetchall():
            found[key] = GroupState(gid, incident_id, system_id, severity)
        return found
    for chunk in _chunks(rows):
        values, params = [], []
        for r in chunk:
            values.append("(%s, %s, %s, 'open', %s, %s, %s, %s, %s)")
            params += [integration_id, r.key, _dumps(r.labels), r.system_id, r.severity,
                       r.count, stamp, stamp]
        sql = (
            f"INSERT INTO {GROUP} (integration_id, group_key, labels, status, system_id, "
            "severity, alert_count, first_seen, last_seen) VALUES " + ", ".join(values) +
            " ON CONFLICT (integration_id, group_key) WHERE status = 'open' DO UPDATE SET "
            f"last_seen = excluded.last_seen, alert_count = {GROUP}.alert_count + "
            "excluded.alert_count, "
            f"system_id = COALESCE({GROUP}.system_id, excluded.system_id), "
            f"severity = CASE WHEN {_SEVERITY_RANK.format('excluded.severity')} < "
            f"{_SEVERITY_RANK.format(GROUP + '.severity')} THEN excluded.severity "
            f"ELSE {GROUP}.severity END "
            "RETURNING id, group_key, incident_id, system_id, severity")
        with connection.cursor() as cur:
            _run(cur, sql, params)
            for gid, key, incident_id, system_id, severity in cur.fetchall():
                found[key] = GroupState(gid, incident_id, system_id, severity)
    return found


_GROUP_UPDATE = (
    f"last_seen = excluded.last_seen, alert_count = {GROUP}.alert_count + "
    "excluded.alert_count, "
    f"system_id = COALESCE({GROUP}.system_id, excluded.system_id), "
    f"severity = CASE WHEN {_SEVERITY_RANK.format('excluded.severity')} < "
    f"{_SEVERITY_RANK.format(GROUP + '.severity')} THEN excluded.severity "
    f"ELSE {GROUP}.severity END ")

_PG_GROUPS = (
    f"INSERT INTO {GROUP} (integration_id, group_key, labels, status, system_id, "
    "severity, alert_count, first_seen, last_seen) "
    "SELECT %s, v.k, v.l::jsonb, 'open', v.s, v.sev, v.n, %s, %s "
    "FROM unnest(%b::text[], %b::text[], %b::bigint[], %b::text[], %b::bigint[]) "
    "AS v(k, l, s, sev, n) ORDER BY v.k "
    "ON CONFLICT (integration_id, group_key) WHERE status = 'open' DO UPDATE SET "
    + _GROUP_UPDATE + "RETURNING id, group_key, incident_id, system_id, severity")


@dataclass(frozen=True)
class AlertRow:
    signal: Signal
    system_id: int | None
    group_id: int | None
    silenced: bool


def upsert_alerts(*, integration_id: int, rows: Sequence[AlertRow], now: datetime,
                  returning: bool = False) -> dict[str, int]:
    """Insert new firing alerts, or update the open one with the same fingerprint.

    A repeat updates last_seen, labels and summary; it adds to `count` only when it reports
    a start time later than the last one seen (a new occurrence while open), so re-sent
    Alertmanager notifications do not inflate it. A new row numbers its occurrence: one
    more than the earlier rows of that fingerprint."""
    ids: dict[str, int] = {}
    for additive in (False, True):
        part = [r for r in rows if r.signal.additive is additive]
        if part:
            ids.update(_upsert_alerts(integration_id=integration_id, rows=part, now=now,
                                      returning=returning, additive=additive))
    return ids


def _upsert_alerts(*, integration_id: int, rows: Sequence[AlertRow], now: datetime,
                   returning: bool, additive: bool) -> dict[str, int]:
    ids: dict[str, int] = {}
    ts = _stamper()
    stamp = ts(now)
    # Additive deliveries always count: concurrent requests may commit out of the order of
    # their receipt times, so a time comparison would lose some of them.
    newer = "1 = 1" if additive else f"excluded.last_start_at > {ALERT}.last_start_at"
    later = f"excluded.last_start_at > {ALERT}.last_start_at"
    rows = sorted(rows, key=lambda r: r.signal.fingerprint)  # one lock order: no deadlock
    if _pg():
        return _pg_upsert_alerts(integration_id, rows, now, returning=returning,
                                 additive=additive)
    for chunk in _chunks(rows):
        values, params = [], []
        for r in chunk:
            s = r.signal
            values.append(
                "(%s, %s, 'firing', %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, "
                f"(SELECT COUNT(*) + 1 FROM {ALERT} o WHERE o.integration_id = %s "
                "AND o.fingerprint = %s))")
            params += [integration_id, s.fingerprint, s.labels_json or _dumps(s.labels),
                       s.annotations_json or _dumps(s.annotations),
                       s.summary, s.severity, r.system_id, ts(s.starts_at),
                       ts(s.last_start_at or s.starts_at), stamp, stamp, s.count, r.group_id,
                       r.silenced, s.generator_url, integration_id, s.fingerprint]
        sql = (
            f"INSERT INTO {ALERT} (integration_id, fingerprint, status, labels, annotations, "
            "summary, severity, system_id, starts_at, last_start_at, first_seen, last_seen, "
            "count, group_id, silenced, generator_url, occurrence) VALUES "
            + ", ".join(values) +
            " ON CONFLICT (integration_id, fingerprint) WHERE status = 'firing' DO UPDATE SET "
            "last_seen = excluded.last_seen, labels = excluded.labels, "
            "annotations = excluded.annotations, summary = excluded.summary, "
            "severity = excluded.severity, generator_url = excluded.generator_url, "
            f"count = {ALERT}.count + CASE WHEN {newer} THEN excluded.count ELSE 0 END, "
            f"last_start_at = CASE WHEN {later} THEN excluded.last_start_at "
            f"ELSE {ALERT}.last_start_at END, "
            f"system_id = COALESCE({ALERT}.system_id, excluded.system_id), "
            f"group_id = COALESCE({ALERT}.group_id, excluded.group_id), "
            "silenced = excluded.silenced"
            + (" RETURNING id, fingerprint" if returning else ""))
        with connection.cursor() as cur:
            _run(cur, sql, params)
            if returning:
                ids.update((fp, int(pk)) for pk, fp in cur.fetchall())
    return ids


def _alert_update(additive: bool) -> str:
    newer = "1 = 1" if additive else f"excluded.last_start_at > {ALERT}.last_start_at"
    later = f"excluded.last_start_at > {ALERT}.last_start_at"
    return (
        "last_seen = excluded.last_seen, labels = excluded.labels, "
        "annotations = excluded.annotations, summary = excluded.summary, "
        "severity = excluded.severity, generator_url = excluded.generator_url, "
        f"count = {ALERT}.count + CASE WHEN {newer} THEN excluded.count ELSE 0 END, "
        f"last_start_at = CASE WHEN {later} THEN excluded.last_start_at "
        f"ELSE {ALERT}.last_start_at END, "
        f"system_id = COALESCE({ALERT}.system_id, excluded.system_id), "
        f"group_id = COALESCE({ALERT}.group_id, excluded.group_id), "
        "silenced = excluded.silenced")


def _pg_alerts_sql(additive: bool, returning: bool) -> str:
    # The occurrence number of a new row: one more than the rows its fingerprint already
    # has, counted for the whole batch in one grouped scan of (integration, fingerprint).
    return (
        f"INSERT INTO {ALERT} (integration_id, fingerprint, status, labels, annotations, "
        "summary, severity, system_id, starts_at, last_start_at, first_seen, last_seen, "
        "count, group_id, silenced, generator_url, occurrence) "
        "SELECT %s, v.fp, 'firing', v.l::jsonb, v.a::jsonb, v.su, v.sev, v.sys, v.st, v.ls, "
        "%s, %s, v.n, v.g, v.si, v.gen, COALESCE(o.n, 0) + 1 "
        "FROM unnest(%b::text[], %b::text[], %b::text[], %b::text[], %b::text[], "
        "%b::bigint[], %b::timestamptz[], %b::timestamptz[], %b::bigint[], %b::bigint[], "
        "%b::boolean[], %b::text[]) AS v(fp, l, a, su, sev, sys, st, ls, n, g, si, gen) "
        f"LEFT JOIN (SELECT fingerprint, COUNT(*) AS n FROM {ALERT} "
        "WHERE integration_id = %s AND fingerprint = ANY(%b::text[]) "
        "GROUP BY fingerprint) AS o ON o.fingerprint = v.fp "
        "ORDER BY v.fp "
        "ON CONFLICT (integration_id, fingerprint) WHERE status = 'firing' DO UPDATE SET "
        + _alert_update(additive) + (" RETURNING id, fingerprint" if returning else ""))


_PG_ALERTS = {(a, r): _pg_alerts_sql(a, r) for a in (False, True) for r in (False, True)}


def _pg_upsert_alerts(integration_id: int, rows: Sequence[AlertRow], now: datetime, *,
                      returning: bool, additive: bool) -> dict[str, int]:
    sig = [r.signal for r in rows]
    fps = [s.fingerprint for s in sig]
    cur = _pg_run(_PG_ALERTS[additive, returning], [
        integration_id, now, now, fps,
        [s.labels_json or _dumps(s.labels) for s in sig],
        [s.annotations_json or _dumps(s.annotations) for s in sig],
        [s.summary for s in sig], [s.severity for s in sig], [r.system_id for r in rows],
        [s.starts_at for s in sig], [s.last_start_at or s.starts_at for s in sig],
        [s.count for s in sig], [r.group_id for r in rows], [r.silenced for r in rows],
        [s.generator_url for s in sig], integration_id, fps])
    if not returning:
        return {}
    return {fp: int(pk) for pk, fp in cur.fetchall()}


def resolved_starts(*, integration_id: int, fingerprints: Sequence[str]) -> dict[str, datetime]:
    """The latest start time of each fingerprint's resolved occurrences (one query per
    chunk): a firing that starts no later is a replay of an occurrence already closed."""
    found: dict[str, datetime] = {}
    if _pg():
        cur = _pg_run(
            f"SELECT fingerprint, MAX(last_start_at) FROM {ALERT} WHERE integration_id = %s "
            "AND status = 'resolved' AND fingerprint = ANY(%b::text[]) GROUP BY fingerprint",
            [integration_id, list(fingerprints)])
        return {fp: _as_datetime(at) for fp, at in cur.fetchall()}
    for chunk in _chunks(fingerprints):
        marks = ", ".join(["%s"] * len(chunk))
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT fingerprint, MAX(last_start_at) FROM {ALERT} "
                f"WHERE integration_id = %s AND status = 'resolved' AND fingerprint IN ({marks}) "
                "GROUP BY fingerprint", [integration_id, *chunk])
            found.update((fp, _as_datetime(at)) for fp, at in cur.fetchall())
    return found


def resolve_alerts(*, integration_id: int, signals: Sequence[Signal], now: datetime) -> int:
    """Close the open alerts named by fingerprint (one UPDATE ... FROM VALUES per chunk)."""
    done = 0
    ts = _stamper()
    stamp = ts(now)
    signals = sorted(signals, key=lambda s: s.fingerprint)
    if _pg():
        cur = _pg_run(
            f"UPDATE {ALERT} SET status = 'resolved', ends_at = v.e, last_seen = %s "
            "FROM unnest(%b::text[], %b::timestamptz[]) AS v(fp, e) "
            f"WHERE {ALERT}.integration_id = %s AND {ALERT}.status = 'firing' "
            f"AND {ALERT}.fingerprint = v.fp",
            [now, [s.fingerprint for s in signals], [s.ends_at or now for s in signals],
             integration_id])
        return int(cur.rowcount)
    for chunk in _chunks(signals):
        values, params = [], []
        for s in chunk:
            values.append("(%s, %s)")
            params += [s.fingerprint, ts(s.ends_at or now)]
        sql = (
            f"UPDATE {ALERT} SET status = 'resolved', ends_at = v.column2, last_seen = %s "
            "FROM (VALUES " + ", ".join(values) + ") AS v "
            f"WHERE {ALERT}.integration_id = %s AND {ALERT}.status = 'firing' "
            f"AND {ALERT}.fingerprint = v.column1")
        with connection.cursor() as cur:
            _run(cur, sql, [stamp, *params, integration_id])
            done += int(cur.rowcount)
    return done


def acknowledge_alerts(*, integration_id: int, fingerprints: Sequence[str],
                       now: datetime) -> int:
    if not fingerprints:
        return 0
    marks = ", ".join(["%s"] * len(fingerprints))
    with connection.cursor() as cur:
        cur.execute(
            f"UPDATE {ALERT} SET acknowledged_at = %s, last_seen = %s "
            f"WHERE integration_id = %s AND status = 'firing' AND fingerprint IN ({marks})",
            [_ts(now), _ts(now), integration_id, *fingerprints])
        return int(cur.rowcount)


@dataclass(frozen=True)
class CounterRow:
    message_id: str
    text_hash: str
    text: str
    count: int


@dataclass(frozen=True)
class CounterState:
    message_id: str
    count: int
    window_count: int
    first_seen: datetime
    storm_alert_id: int | None


def upsert_counters(*, integration_id: int, rows: Sequence[CounterRow], now: datetime,
                    minute: int) -> list[CounterState]:
    """Count identical messages: one upsert per distinct (id, text) of the batch, with a
    per-minute window count for the storm threshold (A2-PERF-CAP-3)."""
    found: list[CounterState] = []
    stamp = _ts(now)
    rows = sorted(rows, key=lambda r: (r.message_id, r.text_hash))
    for chunk in _chunks(rows):
        values, params = [], []
        for r in chunk:
            values.append("(%s, %s, %s, %s, %s, %s, %s, %s, %s)")
            params += [integration_id, r.message_id, r.text_hash, r.text, r.count, stamp,
                       stamp, minute, r.count]
        sql = (
            f"INSERT INTO {COUNTER} (integration_id, message_id, text_hash, text, count, "
            "first_seen, last_seen, window_minute, window_count) VALUES "
            + ", ".join(values) +
            " ON CONFLICT (integration_id, message_id, text_hash) DO UPDATE SET "
            f"count = {COUNTER}.count + excluded.count, last_seen = excluded.last_seen, "
            f"window_count = CASE WHEN {COUNTER}.window_minute = excluded.window_minute "
            f"THEN {COUNTER}.window_count + excluded.window_count "
            "ELSE excluded.window_count END, window_minute = excluded.window_minute "
            "RETURNING message_id, count, window_count, first_seen, storm_alert_id")
        with connection.cursor() as cur:
            _run(cur, sql, params)
            found += [CounterState(mid, int(c), int(w), _as_datetime(first), storm)
                      for mid, c, w, first, storm in cur.fetchall()]
    return found


def link_storm(*, integration_id: int, message_id: str, alert_id: int) -> None:
    with connection.cursor() as cur:
        cur.execute(
            f"UPDATE {COUNTER} SET storm_alert_id = %s "
            "WHERE integration_id = %s AND message_id = %s",
            [alert_id, integration_id, message_id])
