"""Bulk persistence of imported items: COPY on PostgreSQL (psycopg 3 ``cursor.copy``),
executemany in one transaction on SQLite; no ORM object per record. Called only by the
services, inside their transaction. Catalog: A1-II-4, C03.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import repeat
from typing import Any

import numpy as np
from django.db import IntegrityError, connection

from antei.incidents.models import Incident
from antei.settlement.models import Batch, Item

# Item columns written by the importer: those that are the same for every item of a batch
# first (written once per batch, not per row), then those that vary.
FIXED = ("batch_id", "incident_id", "kind", "status", "processed_by")
SHARED = ("customer", "channel", "department", "branch")  # a str, or a value per item
VARYING = ("record_number", "settlement_date", "bank_code", "branch_code", "account_type",
           "account_number", "recipient_name", "amount", "customer_ref", "edi", "designation")
COLUMNS = FIXED + SHARED + VARYING
CHUNK = 50_000
_PLAIN = re.compile(r"[0-9A-Za-z_]*")
_COPY_SPECIAL = ("\\", "\t", "\n", "\r")


def _as_list(values: Any) -> list[Any]:
    if isinstance(values, np.ndarray):
        if values.dtype.kind == "M":
            dates: list[Any] = np.datetime_as_string(values, unit="D").tolist()
            return dates
        listed: list[Any] = values.tolist()
        return listed
    if isinstance(values, list) and (not values or not hasattr(values[0], "isoformat")):
        return values
    return [v.isoformat() if hasattr(v, "isoformat") else v for v in values]


@contextmanager
def bulk_writing() -> Iterator[None]:
    """Around an import's transaction. On SQLite, outside any transaction, foreign keys are
    not checked row by row during it: every item of a batch has the same two parents, so
    ``insert_items`` checks those once, inside the transaction (which holds SQLite's write
    lock from BEGIN IMMEDIATE, so they cannot go away before the commit). Durability is
    untouched (journal and synchronous stay as configured). Elsewhere: nothing."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.constraint_checks_disabled():
        yield


def _check_parents(cursor: Any, batch_id: int, incident_id: int) -> None:
    cursor.execute(
        f"SELECT COUNT(*) FROM {Batch._meta.db_table} b JOIN {Incident._meta.db_table} i "  # noqa: S608
        "ON i.id = b.incident_id WHERE b.id = %s AND i.id = %s", [batch_id, incident_id])
    if cursor.fetchone()[0] != 1:
        raise IntegrityError(f"batch {batch_id} of incident {incident_id} does not exist")


def _copy_text(values: list[Any]) -> list[str]:
    """A column as COPY text fields (backslash, tab and line breaks escaped)."""
    texts = [str(v) for v in values] if values and not isinstance(values[0], str) else values
    joined = "".join(texts)
    if any(c in joined for c in _COPY_SPECIAL):
        return [_copy_escape(t) for t in texts]
    return texts


def _copy_escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r"))


def insert_items(*, batch_id: int, incident_id: int, kind: str, columns: dict[str, Any]) -> int:
    """Write the items of one batch; returns how many.

    Columns go from lists straight to the database: a zip of the columns on SQLite (one
    prepared INSERT, executemany), one tab-separated text block per chunk of rows on
    PostgreSQL (COPY ... FROM STDIN), the batch's constant values written once into it."""
    n = len(columns["amount"])
    if n == 0:
        return 0
    fixed = [int(batch_id), int(incident_id), kind, "unprocessed", ""]
    shared = [columns[name] for name in SHARED]
    constant = [name for name, v in zip(SHARED, shared, strict=True) if isinstance(v, str)]
    per_item = [name for name in SHARED if name not in constant]
    varying = [_as_list(columns[name]) for name in VARYING]
    varying += [_as_list(columns[name]) for name in per_item]
    names = FIXED + tuple(constant) + VARYING + tuple(per_item)
    values = fixed + [columns[name] for name in constant]
    table = Item._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            prefix = "\t".join(_copy_escape(str(v)) for v in values) + "\t"
            texts = [_copy_text(column) for column in varying]
            with raw.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
                for start in range(0, n, CHUNK):
                    rows = zip(*(t[start:start + CHUNK] for t in texts), strict=True)
                    copy.write(prefix + f"\n{prefix}".join(map("\t".join, rows)) + "\n")
        else:
            _check_parents(cursor, batch_id, incident_id)
            # The batch's numbers and codes are literals of the statement (one parse);
            # free text (department, customer, ...) stays a bound parameter.
            written, marks, bound = [], [], []
            for name, value in zip(names, values, strict=False):
                if isinstance(value, int) or _PLAIN.fullmatch(str(value)):
                    written.append(name)
                    marks.append(str(value) if isinstance(value, int) else f"'{value}'")
                else:
                    bound.append(repeat(value, n))
            written += [name for name in names[:len(values)] if name not in written]
            written += names[len(values):]
            marks += ["?"] * (len(bound) + len(varying))
            sql = (f"INSERT INTO {table} ({', '.join(written)}) "  # noqa: S608 - constants
                   f"VALUES ({', '.join(marks)})")
            # The sqlite3 cursor itself: it takes the rows as an iterator (no list of a
            # million tuples).
            cursor.cursor.executemany(sql, zip(*bound, *varying, strict=True))
    return n


def set_ranks(ids: np.ndarray, ranks: np.ndarray) -> None:
    """Store the priority rank cache of many items in bulk."""
    if ids.size == 0:
        return
    table = Item._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} AS i SET priority_rank = v.r FROM "  # noqa: S608 - constants
                "(SELECT unnest(%s::bigint[]) AS id, unnest(%s::int[]) AS r) AS v "
                "WHERE i.id = v.id", [ids.tolist(), ranks.tolist()])
        else:
            pairs = list(zip(ranks.tolist(), ids.tolist(), strict=True))
            for start in range(0, len(pairs), CHUNK):
                cursor.executemany(
                    f"UPDATE {table} SET priority_rank = %s WHERE id = %s",  # noqa: S608
                    pairs[start:start + CHUNK])
