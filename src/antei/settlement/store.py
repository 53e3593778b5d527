"""Bulk persistence of imported items: COPY on PostgreSQL (psycopg 3 ``cursor.copy``),
executemany in one transaction on SQLite; no ORM object per record. Called only by the
services, inside their transaction. Catalog: A1-II-4, C03.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from django.db import connection

from antei.settlement.models import Item

# Item columns written by the importer, in this order.
COLUMNS = ("batch_id", "incident_id", "record_number", "kind", "settlement_date", "bank_code",
           "branch_code", "account_type", "account_number", "recipient_name", "amount",
           "customer", "customer_ref", "edi", "designation", "channel", "department",
           "branch", "status", "processed_by")
CHUNK = 50_000


def _as_list(values: Any) -> list[Any]:
    if isinstance(values, np.ndarray):
        if values.dtype.kind == "M":
            dates: list[Any] = np.datetime_as_string(values, unit="D").tolist()
            return dates
        listed: list[Any] = values.tolist()
        return listed
    return [v.isoformat() if hasattr(v, "isoformat") else v for v in values]


def insert_items(*, batch_id: int, incident_id: int, kind: str, columns: dict[str, Any]) -> int:
    """Write the items of one batch; returns how many."""
    n = len(columns["amount"])
    if n == 0:
        return 0
    lists = [_as_list(columns[name]) for name in COLUMNS[2:3]] + [[kind] * n] + [
        _as_list(columns[name]) for name in COLUMNS[4:18]]
    table = Item._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            names = ", ".join(COLUMNS)
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in zip(*lists, strict=True):
                    copy.write_row((batch_id, incident_id, *row, "unprocessed", ""))
        else:
            sql = (f"INSERT INTO {table} ({', '.join(COLUMNS)}) "  # noqa: S608 - constants
                   f"VALUES ({', '.join(['%s'] * len(COLUMNS))})")
            rows = zip(*lists, strict=True)
            while True:
                chunk = [(batch_id, incident_id, *row, "unprocessed", "")
                         for _, row in zip(range(CHUNK), rows, strict=False)]
                if not chunk:
                    break
                cursor.executemany(sql, chunk)
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
