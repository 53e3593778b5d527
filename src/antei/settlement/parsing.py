"""Turn an uploaded backlog (Zengin file, CSV, Excel, JSON items) into item columns, or into
the complete list of what is wrong with it, each naming its record or row and field.

Zengin files go through the vectorised kernel (antei.kernels.zengin). CSV, Excel and JSON
follow one documented template (docs/settlement.md and TEMPLATE below); their rows are
checked against the same Zengin rules (digits, half-width kana names, amount range), so
anything imported can be resent as a Zengin file.

Catalog: A1-II-4 (every department's backlog in one place), A2-SWA-6, A2-RESP-2, C03.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from django.utils.translation import get_language

from antei.core.errors import FieldError, field_error
from antei.kernels import zengin
from antei.kernels.zengin_layout import ENCODING, MAX_AMOUNT, NAME_TABLE, Kind
from antei.settlement import domain
from antei.settlement.models import CHANNELS, KINDS

# The CSV/Excel template: a header row with these names (any order; extra columns are
# ignored). Required first, optional after.
REQUIRED = ("settlement_date", "bank_code", "branch_code", "account_number", "recipient_name",
            "amount")
OPTIONAL = ("account_type", "customer", "customer_ref", "channel", "department", "branch",
            "edi", "designation")
TEMPLATE = REQUIRED + OPTIONAL
MAX_ERRORS = 1000


@dataclass
class Parsed:
    """Item columns (lists or arrays of one length; a plain str is the same value for
    every item) and batch facts, or the errors."""

    kind: str
    content_hash: str
    columns: dict[str, Any] = field(default_factory=dict)
    errors: list[FieldError] = field(default_factory=list)
    error_count: int = 0

    @property
    def count(self) -> int:
        return len(self.columns.get("amount", ()))

    @property
    def total(self) -> int:
        amount = self.columns.get("amount")
        return int(np.asarray(amount, dtype=np.int64).sum()) if amount is not None else 0


def _zengin_error(problem: zengin.Problem) -> FieldError:
    """One kernel problem as a field error: records[N].field, rule zengin.<code>."""
    if (get_language() or "ja").startswith("ja"):
        message = f"レコード{problem.record}：{problem.message_ja}"
    else:
        message = f"record {problem.record}: {problem.message_en}"
    return FieldError(f"records[{problem.record}].{problem.field}", f"zengin.{problem.code}",
                      message)


_BANKS = np.array([f"{i:04d}" for i in range(10_000)], dtype=object)
_BRANCHES = np.array([f"{i:03d}" for i in range(1_000)], dtype=object)
_SPACE, _LF = 0x20, 0x0A


def _texts(*blocks: np.ndarray, strip_left: bool = False) -> list[str]:
    """Fixed-width byte columns (side by side) as str, trailing spaces (and NULs) dropped.

    One cp932 decode of a buffer built with array operations: each row keeps its bytes up
    to the last one that is not a space, then a line break; no per-row Python call."""
    parts = [np.ascontiguousarray(b).view(np.uint8).reshape(b.size, -1) for b in blocks]
    body = parts[0] if len(parts) == 1 else np.concatenate(parts, axis=1)
    n, width = body.shape
    if n == 0:
        return []
    filled = (body != _SPACE) & (body != 0)
    stop = width - np.argmax(filled[:, ::-1], axis=1)
    stop[~filled.any(axis=1)] = 0
    out = np.full((n, width + 1), _LF, dtype=np.uint8)
    out[:, :width] = body
    inner = out[:, :width]
    inner[(inner == _LF) | (inner == 0x0D)] = ord("?")  # keep one line per row
    columns = np.arange(width + 1)
    keep = (columns < stop[:, None]) | (columns == width)
    if strip_left:
        start = np.argmax(filled, axis=1)
        keep &= (columns >= start[:, None]) | (columns == width)
    texts: list[str] = out[keep].tobytes().decode(ENCODING, "replace").split("\n")[:-1]
    return texts


def parse_zengin(data: bytes, *, expect_kind: str | None, today: date, channel: str,
                 department: str, branch: str) -> Parsed:
    """Parse a 全銀 file with the kernel; every problem becomes one field error naming the
    record. Branch defaults to the requester's branch code (仕向支店).

    The columns are lists of Python values built column by column (lookup tables and one
    decode per text column, never a dict or a call per record); values that are the same
    for every item (customer, channel, department, branch) are plain strings."""
    kind = Kind(expect_kind) if expect_kind in KINDS else None
    parsed = zengin.parse_file(data, expect_kind=kind)
    result = Parsed(kind=parsed.kind_code, content_hash=parsed.content_hash,
                    error_count=parsed.problem_count)
    result.errors = [_zengin_error(p) for p in parsed.problems]
    if not parsed.ok:
        return result
    records = parsed.records
    dates = []
    for group in parsed.groups:
        header = group.header
        day = domain.settlement_date(header.transfer_date if header else "", today)
        dates.append((day or today).isoformat())
    first = parsed.groups[0].header
    customer = first.requester_name if first else ""
    own_branch = branch or (f"{first.branch_code:03d}" if first else "")
    # Validated digits: codes are in range, account numbers below 10**7.
    edi_rows = records.edi_flag == b"Y"
    codes = _texts(records.customer_code1, records.customer_code2, strip_left=True)
    if edi_rows.any():
        edi = [c if e else "" for c, e in zip(codes, edi_rows.tolist(), strict=True)]
        refs = [("" if e else c) for c, e in zip(codes, edi_rows.tolist(), strict=True)]
    else:
        edi, refs = [""] * len(codes), codes
    result.columns = {
        "record_number": parsed.record_numbers.tolist(),
        "settlement_date": np.array(dates, dtype=object)[parsed.group_index].tolist(),
        "bank_code": _BANKS[records.bank_code].tolist(),
        "branch_code": _BRANCHES[records.branch_code].tolist(),
        "account_type": records.account_type.tolist(),
        "account_number": list(map("{:07d}".format, records.account_number.tolist())),
        "recipient_name": _texts(records.name),
        "amount": records.amount,
        "customer": customer,
        "customer_ref": refs,
        "edi": edi,
        "designation": _texts(records.designation, strip_left=True),
        "channel": channel,
        "department": department,
        "branch": own_branch,
    }
    return result


# -- row formats -------------------------------------------------------------------------


def _is_name(text: str) -> bool:
    try:
        raw = text.encode(ENCODING)
    except UnicodeEncodeError:
        return False
    return bool(raw.strip()) and len(raw) <= 30 and bool(
        NAME_TABLE[np.frombuffer(raw, dtype=np.uint8)].all())


def _digits(text: str, width: int) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= width


class _Rows:
    """Validate template rows; errors name `where(row)`.field."""

    def __init__(self, label: str, kind: str, today: date, defaults: Mapping[str, str]):
        self.label, self.kind, self.today, self.defaults = label, kind, today, defaults
        self.errors: list[FieldError] = []
        self.count = 0
        self.columns: dict[str, list[Any]] = {k: [] for k in (
            "record_number", "settlement_date", "bank_code", "branch_code", "account_type",
            "account_number", "recipient_name", "amount", "customer", "customer_ref", "edi",
            "designation", "channel", "department", "branch")}

    def fail(self, where: str, rule: str, **params: object) -> None:
        self.count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(field_error(where, rule, **params))

    def add(self, number: int, row: Mapping[str, Any]) -> None:
        def text(name: str) -> str:
            value = row.get(name)
            if value is None or value == "":
                return str(self.defaults.get(name, ""))
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if isinstance(value, date):
                return value.isoformat()[:10]
            return str(value).strip()

        at = f"{self.label}[{number}]"
        values = {name: text(name) for name in TEMPLATE}
        ok = True
        for name in REQUIRED:
            if not values[name]:
                self.fail(f"{at}.{name}", "required")
                ok = False
        day = None
        if values["settlement_date"]:
            try:
                day = date.fromisoformat(values["settlement_date"])
            except ValueError:
                self.fail(f"{at}.settlement_date", "date", value=values["settlement_date"])
                ok = False
        for name, width in (("bank_code", 4), ("branch_code", 3), ("account_number", 7)):
            if values[name] and not _digits(values[name], width):
                self.fail(f"{at}.{name}", "settlement_digits", value=values[name], width=width)
                ok = False
        account_type = values["account_type"] or "1"
        if account_type not in ("1", "2", "3", "4", "9"):
            self.fail(f"{at}.account_type", "choice", value=account_type,
                      choices="1, 2, 3, 4, 9")
            ok = False
        if values["recipient_name"] and not _is_name(values["recipient_name"]):
            self.fail(f"{at}.recipient_name", "settlement_kana", value=values["recipient_name"])
            ok = False
        amount = values["amount"]
        if amount and not (_digits(amount, 10) and 1 <= int(amount) <= MAX_AMOUNT):
            self.fail(f"{at}.amount", "settlement_amount", value=amount)
            ok = False
        channel = values["channel"] or "zengin"
        if channel not in CHANNELS:
            self.fail(f"{at}.channel", "settlement_channel", value=channel,
                      choices=", ".join(CHANNELS))
            ok = False
        if not ok or day is None:
            return
        c = self.columns
        c["record_number"].append(number)
        c["settlement_date"].append(day)
        c["bank_code"].append(values["bank_code"].zfill(4))
        c["branch_code"].append(values["branch_code"].zfill(3))
        c["account_type"].append(int(account_type))
        c["account_number"].append(values["account_number"].zfill(7))
        c["recipient_name"].append(values["recipient_name"])
        c["amount"].append(int(amount))
        for name, width in (("customer", 60), ("customer_ref", 20), ("edi", 20),
                            ("designation", 1), ("department", 100), ("branch", 40)):
            c[name].append(values[name][:width])
        c["channel"].append(channel)

    def result(self, content_hash: str) -> Parsed:
        if not self.count and not self.columns["amount"]:
            self.fail("items", "settlement_empty")
        parsed = Parsed(kind=self.kind, content_hash=content_hash, errors=self.errors,
                        error_count=self.count)
        if not self.count:
            parsed.columns = {k: np.array(v, dtype=np.int64) if k in (
                "amount", "record_number", "account_type") else v
                for k, v in self.columns.items()}
        return parsed


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _decode(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", ENCODING):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def parse_rows(rows: Iterable[tuple[int, Mapping[str, Any]]], *, label: str, kind: str,
               content_hash: str, today: date, defaults: Mapping[str, str],
               columns: Sequence[str] | None = None) -> Parsed:
    checker = _Rows(label, kind, today, defaults)
    if columns is not None:
        missing = [c for c in REQUIRED if c not in columns]
        if missing:
            checker.fail("columns", "settlement_columns", value=", ".join(missing))
            return checker.result(content_hash)
    for number, row in rows:
        checker.add(number, row)
    return checker.result(content_hash)


def parse_csv(data: bytes, *, kind: str, today: date, defaults: Mapping[str, str]) -> Parsed:
    """CSV in UTF-8 (BOM optional) or cp932, a header row of TEMPLATE names; rows are
    numbered as lines of the file (the header is row 1)."""
    text = _decode(data)
    digest = _digest(data)
    if text is None:
        parsed = Parsed(kind=kind, content_hash=digest, error_count=1)
        parsed.errors = [field_error("file", "settlement_encoding")]
        return parsed
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [h.strip() for h in (reader.fieldnames or [])]
        reader.fieldnames = header
        rows = list(enumerate(reader, 2))
    except csv.Error as exc:
        parsed = Parsed(kind=kind, content_hash=digest, error_count=1)
        parsed.errors = [field_error("file", "settlement_sheet", value=str(exc))]
        return parsed
    return parse_rows(rows, label="rows", kind=kind, content_hash=digest, today=today,
                      defaults=defaults, columns=header)


def parse_xlsx(data: bytes, *, kind: str, today: date, defaults: Mapping[str, str]) -> Parsed:
    """The first sheet of an .xlsx workbook, laid out as the CSV template."""
    import openpyxl

    digest = _digest(data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
        body = [(i, dict(zip(header, values, strict=False))) for i, values in enumerate(rows, 2)
                if any(v not in (None, "") for v in values)]
        book.close()
    except Exception as exc:
        parsed = Parsed(kind=kind, content_hash=digest, error_count=1)
        parsed.errors = [field_error("file", "settlement_sheet", value=type(exc).__name__)]
        return parsed
    return parse_rows(body, label="rows", kind=kind, content_hash=digest, today=today,
                      defaults=defaults, columns=header)


def parse_json_items(items: Sequence[Mapping[str, Any]], *, kind: str, today: date,
                     defaults: Mapping[str, str]) -> Parsed:
    """JSON items (the template's fields); errors name items[i] (0-based)."""
    canonical = json.dumps([dict(i) for i in items], sort_keys=True, ensure_ascii=False,
                           default=str)
    return parse_rows(enumerate(items), label="items", kind=kind,
                      content_hash=_digest(f"{kind}\n{canonical}".encode()), today=today,
                      defaults=defaults)
