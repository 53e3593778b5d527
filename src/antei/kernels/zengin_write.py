"""Writing Zengin files and multi-volume hand-overs, and reading them back to reconcile.

``write_file`` lays out all data records as one (n, 120) uint8 matrix with array arithmetic
(digits from integer division, text from the columns' bytes), then runs the parser's own
checks on it, so a file this module writes is one ``zengin.parse_file`` accepts.
``split_volumes`` cuts a prioritised record set into volumes within a record count and the
trailer's 12-digit total (or a counterparty's smaller limits), keeping the order, so the
most urgent transfers go in the first volume (A2-RESP-3). ``read_back`` parses every volume
produced and reconciles counts, amounts and the records themselves with the input.

Catalog: A2-RESP-3, A2-SWA-4, A2-SWA-6, A1-II-10, A2-RESP-2, C03.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from antei.kernels import zengin, zengin_checks, zengin_problems
from antei.kernels.zengin_layout import (
    D_ACCOUNT_NUMBER,
    D_ACCOUNT_TYPE,
    D_AMOUNT,
    D_BANK_CODE,
    D_BRANCH_CODE,
    DATA_BYTE,
    DATA_FIELDS,
    ENCODING,
    END_BYTE,
    H_ACCOUNT_NUMBER,
    MAX_AMOUNT,
    MAX_COUNT,
    MAX_TOTAL,
    RECORD_LENGTH,
    SPACE,
    STANDARD,
    TRAILER_BYTE,
    AccountPadding,
    CounterpartyRule,
    Field,
    Header,
    Kind,
    Records,
)


class ZenginError(ValueError):
    """Records or a header that cannot be written as a valid Zengin file."""

    code = "zengin.invalid_records"

    def __init__(self, message: str, problems: Sequence[zengin.Problem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


def _digits(values: NDArray[np.integer], width: int) -> NDArray[np.uint8]:
    """(n, width) ASCII digits, zero-filled, of non-negative integers below 10**width."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    digits: NDArray[np.uint8] = (values.astype(np.int64)[:, None] // powers % 10 + 0x30
                                 ).astype(np.uint8)
    return digits


def _account(values: NDArray[np.integer], padding: AccountPadding) -> NDArray[np.uint8]:
    digits = _digits(values, D_ACCOUNT_NUMBER.width)
    if padding is AccountPadding.SPACE:
        leading = np.cumprod(digits == 0x30, axis=1).astype(np.bool_)
        digits[leading] = SPACE
    return digits


def _check_range(name: str, values: NDArray[np.integer], low: int, high: int) -> None:
    bad = np.flatnonzero((values < low) | (values > high))
    if bad.size:
        raise ZenginError(f"{name} must be {low}..{high}: rows {bad[:10].tolist()} "
                          f"(values {values[bad[:10]].tolist()})")


def _text(value: str, width: int, what: str) -> bytes:
    try:
        raw = value.encode(ENCODING)
    except UnicodeEncodeError as error:
        raise ZenginError(f"{what} {value!r} is not cp932 text") from error
    if len(raw) > width:
        raise ZenginError(f"{what} {value!r} is longer than {width} bytes")
    return raw.ljust(width, b" ")


def _header_row(kind: Kind, header: Header, padding: AccountPadding) -> NDArray[np.uint8]:
    for name, value, high in (("header bank_code", header.bank_code, 9999),
                              ("header branch_code", header.branch_code, 999),
                              ("header account_type", header.account_type, 9),
                              ("header account_number", header.account_number, 9_999_999)):
        _check_range(name, np.array([value]), 0, high)
    raw = b"".join([
        b"1", kind.value.encode(), _text(header.code_division, 1, "code_division"),
        _text(header.requester_code, 10, "requester_code"),
        _text(header.requester_name, 40, "requester_name"),
        _text(header.transfer_date, 4, "transfer_date"),
        b"%04d" % header.bank_code, _text(header.bank_name, 15, "bank_name"),
        b"%03d" % header.branch_code, _text(header.branch_name, 15, "branch_name"),
        b"%d" % header.account_type, b"0" * H_ACCOUNT_NUMBER.width, b" " * 17,
    ])
    row = np.frombuffer(raw, dtype=np.uint8).copy()
    row[H_ACCOUNT_NUMBER.start:H_ACCOUNT_NUMBER.stop] = _account(
        np.array([header.account_number]), padding)[0]
    return row


# Columns that are ダミー in a kind's data record: written as spaces, so they must be blank.
DUMMY_COLUMNS: dict[Kind, tuple[str, ...]] = {
    Kind.TRANSFER: (), Kind.SALARY: ("designation", "edi_flag"),
    Kind.BONUS: ("designation", "edi_flag"), Kind.DIRECT_DEBIT: ("clearing_house", "edi_flag"),
}


def _data_rows(kind: Kind, records: Records, padding: AccountPadding) -> NDArray[np.uint8]:
    n = len(records)
    for name in DUMMY_COLUMNS[kind]:
        column = records.columns()[name]
        filled = np.flatnonzero(column != np.bytes_(b" " * column.dtype.itemsize))
        if filled.size:
            raise ZenginError(f"{name} is ダミー for kind {kind.value} and must be blank: "
                              f"rows {filled[:10].tolist()}")
    _check_range("bank_code", records.bank_code, 0, 9999)
    _check_range("branch_code", records.branch_code, 0, 999)
    _check_range("account_type", records.account_type, 0, 9)
    _check_range("account_number", records.account_number, 1, 9_999_999)
    _check_range("amount", records.amount, 1, MAX_AMOUNT)
    rows = np.full((n, RECORD_LENGTH), SPACE, dtype=np.uint8)
    rows[:, 0] = DATA_BYTE
    numeric: list[tuple[Field, NDArray[np.integer]]] = [
        (D_BANK_CODE, records.bank_code), (D_BRANCH_CODE, records.branch_code),
        (D_ACCOUNT_TYPE, records.account_type), (D_AMOUNT, records.amount)]
    for field, values in numeric:
        rows[:, field.start:field.stop] = _digits(values, field.width)
    rows[:, D_ACCOUNT_NUMBER.start:D_ACCOUNT_NUMBER.stop] = _account(records.account_number,
                                                                     padding)
    for name, column in records.columns().items():
        if column.dtype.kind != "S":
            continue
        field = DATA_FIELDS[name]
        raw = np.ascontiguousarray(column).view(np.uint8).reshape(n, field.width)
        rows[:, field.start:field.stop] = np.where(raw == 0, SPACE, raw)  # NUL pads: spaces
    return rows


def write_file(
    kind: Kind,
    header: Header,
    records: Records,
    *,
    line_breaks: bool,
    pad_account: bool = True,
    extra_name_chars: str = "",
) -> bytes:
    """A complete file (header, data, trailer, end) in cp932, CRLF after each record or none.

    ``pad_account`` zero-fills account numbers (the 全銀協 rule); False right-justifies them
    with spaces, leading zeros stripped, for counterparties that want that (A2-SWA-4).
    Raises ZenginError, with the parser's problems, when the result would not be valid.
    Catalog: A2-RESP-3, A2-SWA-4, C03.
    """
    n = len(records)
    if not 1 <= n <= MAX_COUNT:
        raise ZenginError(f"a file holds 1..{MAX_COUNT} data records, got {n}: "
                          "use split_volumes")
    padding = AccountPadding.ZERO if pad_account else AccountPadding.SPACE
    rule = CounterpartyRule(account_padding=padding, extra_name_chars=extra_name_chars)
    data = _data_rows(kind, records, padding)
    total = int(records.amount.sum())
    if total > MAX_TOTAL:
        raise ZenginError(f"the total {total:,} does not fit 12 digits: use split_volumes")
    head = _header_row(kind, header, padding)[None, :]
    problems = zengin_problems.Problems(20)
    zengin_checks.check_headers(head, np.array([1]), rule, kind, problems)
    zengin_checks.check_data(data, np.arange(2, n + 2, dtype=np.int64), kind, rule, problems)
    if problems.count:
        shown = "; ".join(f"record {p.record} {p.field}: {p.message_en}"
                          for p in problems.items()[:5])
        raise ZenginError(f"{problems.count} problem(s): {shown}", problems.items())
    trailer = np.full(RECORD_LENGTH, SPACE, dtype=np.uint8)
    trailer[0] = TRAILER_BYTE
    trailer[1:19] = np.frombuffer(b"%06d%012d" % (n, total), dtype=np.uint8)
    if kind is Kind.DIRECT_DEBIT:  # a request: nothing done or failed yet
        trailer[19:55] = ord("0")
    end = np.full(RECORD_LENGTH, SPACE, dtype=np.uint8)
    end[0] = END_BYTE
    layout = [head, data, trailer[None, :], end[None, :]]
    if not line_breaks:
        return np.concatenate(layout).tobytes()
    out = np.empty((n + 3, RECORD_LENGTH + 2), dtype=np.uint8)
    out[:, :RECORD_LENGTH] = np.concatenate(layout)
    out[:, RECORD_LENGTH:] = (0x0D, 0x0A)
    return out.tobytes()


def split_volumes(
    records: Records, max_records: int, max_total: int = MAX_TOTAL
) -> list[slice]:
    """Cut records, in their (priority) order, into volumes of at most ``max_records``
    records and ``max_total`` yen; greedy, so every volume but the last is full.

    Catalog: A2-RESP-3 (a multi-volume hand-over follows the counterparty's limits).
    """
    if not 1 <= max_records <= MAX_COUNT or not 1 <= max_total <= MAX_TOTAL:
        raise ValueError(f"limits must be 1..{MAX_COUNT} records and 1..{MAX_TOTAL} yen")
    amount = records.amount
    too_big = np.flatnonzero((amount > max_total) | (amount < 0))
    if too_big.size:
        raise ZenginError(f"rows {too_big[:10].tolist()} do not fit a volume of {max_total:,}")
    cumulative = np.cumsum(amount)
    volumes, start, before = [], 0, 0
    while start < len(amount):
        by_total = int(np.searchsorted(cumulative, before + max_total, side="right"))
        stop = min(start + max_records, by_total)
        volumes.append(slice(start, stop))
        before, start = int(cumulative[stop - 1]), stop
    return volumes


def write_volumes(
    kind: Kind,
    header: Header,
    records: Records,
    *,
    rule: CounterpartyRule = STANDARD,
    line_breaks: bool = True,
) -> list[bytes]:
    """Each volume a complete file, split and padded by the counterparty's ``rule``."""
    return [write_file(kind, header, records.take(part), line_breaks=line_breaks,
                       pad_account=rule.account_padding is AccountPadding.ZERO,
                       extra_name_chars=rule.extra_name_chars)
            for part in split_volumes(records, rule.max_records, rule.max_total)]


@dataclass(frozen=True)
class VolumeTotals:
    count: int  # data records parsed
    total: int  # their amounts
    trailer_count: int
    trailer_total: int
    problem_count: int
    content_hash: str


@dataclass(frozen=True)
class ReadBack:
    """Totals of the volumes as re-parsed, against the records they were written from."""

    volumes: tuple[VolumeTotals, ...]
    count: int
    total: int
    expected_count: int
    expected_total: int
    identical: bool  # the volumes' records, in order, equal the input column by column
    within_limits: bool  # every volume within the rule's record and total limits
    problems: tuple[tuple[int, zengin.Problem], ...]  # (1-based volume, problem)

    @property
    def reconciled(self) -> bool:
        return (not self.problems and self.identical and self.within_limits
                and self.count == self.expected_count and self.total == self.expected_total
                and all(v.problem_count == 0 for v in self.volumes))


def read_back(
    volumes: Sequence[bytes],
    records: Records,
    *,
    kind: Kind | None = None,
    rule: CounterpartyRule = STANDARD,
) -> ReadBack:
    """Re-parse every produced volume and reconcile counts and amounts with ``records``.

    Catalog: A2-RESP-3, A2-SWA-4, A2-RESP-2.
    """
    parsed = [zengin.parse_file(v, expect_kind=kind, rule=rule) for v in volumes]
    totals = tuple(VolumeTotals(
        count=len(p.records), total=int(p.records.amount.sum()),
        trailer_count=p.trailer_count, trailer_total=p.trailer_total,
        problem_count=p.problem_count, content_hash=p.content_hash) for p in parsed)
    together = Records.concat([p.records for p in parsed])
    return ReadBack(
        volumes=totals,
        count=sum(v.count for v in totals),
        total=sum(v.total for v in totals),
        expected_count=len(records),
        expected_total=int(records.amount.sum()),
        identical=len(together) == len(records) and together.equals(records),
        within_limits=all(v.count <= rule.max_records and v.total <= rule.max_total
                          for v in totals),
        problems=tuple((i, problem) for i, p in enumerate(parsed, 1) for problem in p.problems),
    )
