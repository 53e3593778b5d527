"""Vectorised field checks for Zengin records, on whole columns at once.

A field of every row is one contiguous (rows, width) uint8 block. Each check first asks
whether the whole block is fine - ``bytes.translate`` deleting the allowed bytes leaves
nothing, one pass in C - and only when it is not, finds the rows with a 256-entry lookup
table (``table[block]``) and a row reduction. Valid files, the common case, never pay for
the per-row work. Values come from integer arithmetic on the digit bytes (Horner's rule in
int64), never from float or str.

Catalog: A2-SWA-4, A2-SWA-6, A1-II-4, A1-II-10, C03.
"""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import NDArray

from antei.kernels.zengin_layout import (
    ACCOUNT_TYPES,
    D_ACCOUNT_NUMBER,
    D_ACCOUNT_TYPE,
    D_AMOUNT,
    D_BANK_CODE,
    D_BANK_NAME,
    D_BRANCH_CODE,
    D_BRANCH_NAME,
    D_CLEARING_HOUSE,
    D_CUSTOMER_CODE1,
    D_CUSTOMER_CODE2,
    D_CUSTOMER_CODES,
    D_DESIGNATION,
    D_EDI_FLAG,
    D_NAME,
    D_NEW_CODE,
    DATA_FIELDS,
    DIGIT_TABLE,
    EDI_TABLE,
    ENCODING,
    H_ACCOUNT_NUMBER,
    H_ACCOUNT_TYPE,
    H_BANK_CODE,
    H_BANK_NAME,
    H_BRANCH_CODE,
    H_BRANCH_NAME,
    H_CODE_DIVISION,
    H_KIND_CODE,
    H_REQUESTER_CODE,
    H_REQUESTER_NAME,
    H_TRANSFER_DATE,
    SPACE,
    AccountPadding,
    CounterpartyRule,
    Field,
    Header,
    Kind,
    RecordKind,
    Records,
)
from antei.kernels.zengin_problems import Problems

KIND_CODES: Final = frozenset(k.value for k in Kind)
PADDING_NAMES: Final = {AccountPadding.ZERO: "ゼロ埋め/zero-filled",
                        AccountPadding.SPACE: "スペース埋め/space-filled"}
DIGIT_SPACE_TABLE: Final = DIGIT_TABLE.copy()
DIGIT_SPACE_TABLE[SPACE] = True


def block(matrix: NDArray[np.uint8], field: Field) -> NDArray[np.uint8]:
    """The field of every row as one contiguous (rows, width) block."""
    return np.ascontiguousarray(matrix[:, field.start:field.stop])


def allowed(raw: NDArray[np.uint8], table: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Rows whose bytes are all allowed by the 256-entry ``table``."""
    members = np.flatnonzero(table).astype(np.uint8).tobytes()
    if not raw.tobytes().translate(None, members):  # nothing outside the set: all rows ok
        return np.ones(raw.shape[0], dtype=np.bool_)
    return np.asarray(table[raw].all(axis=1), dtype=np.bool_)


def number(raw: NDArray[np.uint8]) -> NDArray[np.int64]:
    """Decimal value of ASCII digit columns (Horner's rule); garbage where not all digits.

    The 0x30 of each digit is taken off once at the end: sum(0x30 * 10**k) = 0x30 * 11...1.
    """
    value = np.zeros(raw.shape[0], dtype=np.int64)
    for j in range(raw.shape[1]):
        value *= 10
        value += raw[:, j]
    value -= 0x30 * int("1" * raw.shape[1])
    return value


def digits(raw: NDArray[np.uint8]) -> tuple[NDArray[np.bool_], NDArray[np.int64]]:
    """Which rows are all digits, and their values (-1 where not)."""
    ok = allowed(raw, DIGIT_TABLE)
    value = number(raw)
    value[~ok] = -1
    return ok, value


def blank(raw: NDArray[np.uint8]) -> NDArray[np.bool_]:
    """Rows that are all spaces (one fixed-width bytes comparison per row)."""
    width = raw.shape[1]
    is_blank: NDArray[np.bool_] = raw.view(f"S{width}")[:, 0] == b" " * width
    return is_blank


def one_of(raw: NDArray[np.uint8], choices: bytes) -> NDArray[np.bool_]:
    table = np.zeros(256, dtype=np.bool_)
    table[list(choices)] = True
    return allowed(raw, table)


def account(
    raw: NDArray[np.uint8], padding: AccountPadding
) -> tuple[NDArray[np.bool_], NDArray[np.bool_], NDArray[np.int64]]:
    """(only digits and spaces, padded by the rule, value or -1) for 口座番号 (A2-SWA-4).

    Zero padding: 7 digits. Space padding: spaces, then digits starting with 1-9.
    """
    chars_ok = allowed(raw, DIGIT_SPACE_TABLE)
    if padding is AccountPadding.ZERO:
        padded, value = digits(raw)
        return chars_ok, padded, value
    is_space = raw == SPACE
    value = number(np.where(is_space, 0x30, raw))
    # A well-padded field is exactly what the rule writes for its value: compare with that.
    width = raw.shape[1]
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    written = (np.clip(value, 0, None)[:, None] // powers % 10 + 0x30).astype(np.uint8)
    written[np.cumprod(written == 0x30, axis=1).astype(np.bool_)] = SPACE
    padded = chars_ok & (written == raw).all(axis=1)
    value[~padded] = -1
    return chars_ok, padded, value


def month_day(raw: NDArray[np.uint8]) -> NDArray[np.bool_]:
    """Rows holding a real MMDD (29 February allowed: the year is not in the file)."""
    ok, value = digits(raw)
    month, day = value // 100, value % 100
    last = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    valid: NDArray[np.bool_] = ok & (month >= 1) & (month <= 12) & (day >= 1) & (
        day <= last[np.clip(month, 0, 12)])
    return valid


def flag_rows(
    problems: Problems,
    bad: NDArray[np.bool_],
    numbers: NDArray[np.int64],
    kind: RecordKind,
    field: Field,
    code: str,
    raw: NDArray[np.uint8] | None = None,
    expected: object = None,
) -> None:
    """Add a problem for each row where ``bad``; quote the field's bytes from ``raw``."""
    rows = np.flatnonzero(bad)
    if rows.size:
        shown = None if raw is None else raw[rows[: problems.cap]]
        problems.add(numbers[rows], kind, field, code, found=shown, expected=expected)


# -- record checks -----------------------------------------------------------------------------


def check_headers(
    matrix: NDArray[np.uint8],
    numbers: NDArray[np.int64],
    rule: CounterpartyRule,
    expect_kind: Kind | None,
    problems: Problems,
) -> list[tuple[str, Header]]:
    """Validate header rows; (kind code, Header) for each, numeric fields -1 where bad."""
    hk = RecordKind.HEADER

    def flag(bad: NDArray[np.bool_], field: Field, code: str, show: bool = True) -> None:
        flag_rows(problems, bad, numbers, hk, field, code, block(matrix, field) if show else None)

    codes = [bytes(row).decode(ENCODING, "replace") for row in block(matrix, H_KIND_CODE)]
    known = np.array([code in KIND_CODES for code in codes], dtype=np.bool_)
    rows = np.flatnonzero(~known)
    problems.add(numbers[rows], hk, H_KIND_CODE, "unknown_kind_code",
                 values=[codes[i] for i in rows])
    if expect_kind is not None:
        rows = np.flatnonzero(known & np.array([c != expect_kind for c in codes], np.bool_))
        problems.add(numbers[rows], hk, H_KIND_CODE, "kind_mismatch",
                     values=[codes[i] for i in rows], expected=expect_kind.value)
    if codes and known[0]:
        rows = np.flatnonzero(known & np.array([c != codes[0] for c in codes], np.bool_))
        problems.add(numbers[rows], hk, H_KIND_CODE, "mixed_kinds", expected=codes[0])
    division = block(matrix, H_CODE_DIVISION)
    flag(one_of(division, b"1"), H_CODE_DIVISION, "ebcdic", show=False)
    flag(~one_of(division, b"01"), H_CODE_DIVISION, "bad_value")
    values: dict[Field, NDArray[np.int64]] = {}
    for field in (H_REQUESTER_CODE, H_BANK_CODE, H_BRANCH_CODE):
        ok, values[field] = digits(block(matrix, field))
        flag(~ok, field, "not_digits")
    flag(~month_day(block(matrix, H_TRANSFER_DATE)), H_TRANSFER_DATE, "bad_date")
    names = rule.name_table()
    for field in (H_REQUESTER_NAME, H_BANK_NAME, H_BRANCH_NAME):
        flag(~allowed(block(matrix, field), names), field, "not_kana")
    flag(blank(block(matrix, H_REQUESTER_NAME)), H_REQUESTER_NAME, "blank", show=False)
    account_type = block(matrix, H_ACCOUNT_TYPE)
    type_ok = np.zeros(len(codes), dtype=np.bool_)
    for code, choices in ACCOUNT_TYPES.items():
        type_ok |= np.array([c == code for c in codes], np.bool_) & one_of(account_type, choices)
    flag(known & ~type_ok, H_ACCOUNT_TYPE, "bad_value")
    type_value = digits(account_type)[1]
    account_number = check_account(block(matrix, H_ACCOUNT_NUMBER), numbers, hk,
                                   H_ACCOUNT_NUMBER, rule, problems)

    def decoded(row: NDArray[np.uint8], field: Field) -> str:
        return bytes(row[field.start:field.stop]).decode(ENCODING, "replace").rstrip(" ")

    return [(codes[i], Header(
        requester_code=decoded(row, H_REQUESTER_CODE),
        requester_name=decoded(row, H_REQUESTER_NAME),
        transfer_date=decoded(row, H_TRANSFER_DATE),
        bank_code=int(values[H_BANK_CODE][i]),
        bank_name=decoded(row, H_BANK_NAME),
        branch_code=int(values[H_BRANCH_CODE][i]),
        branch_name=decoded(row, H_BRANCH_NAME),
        account_type=int(type_value[i]),
        account_number=int(account_number[i]),
        code_division=decoded(row, H_CODE_DIVISION),
    )) for i, row in enumerate(matrix)]


def check_account(
    raw: NDArray[np.uint8],
    numbers: NDArray[np.int64],
    kind: RecordKind,
    field: Field,
    rule: CounterpartyRule,
    problems: Problems,
) -> NDArray[np.int64]:
    """Check 口座番号 against the counterparty's padding rule; the values, -1 where bad."""
    chars_ok, ok, value = account(raw, rule.account_padding)
    flag_rows(problems, ~chars_ok, numbers, kind, field, "not_digits", raw)
    flag_rows(problems, chars_ok & ~ok, numbers, kind, field, "account_padding", raw,
              expected=PADDING_NAMES[rule.account_padding])
    flag_rows(problems, value == 0, numbers, kind, field, "zero", raw)
    return value


def check_data(
    matrix: NDArray[np.uint8],
    numbers: NDArray[np.int64],
    kind: Kind | None,
    rule: CounterpartyRule,
    problems: Problems,
) -> tuple[Records, NDArray[np.bool_]]:
    """Validate data rows of a file of ``kind`` (None: only the checks all kinds share).

    Returns the columns and which rows hold an amount made of digits (zero included).
    """
    raw = {name: block(matrix, field) for name, field in DATA_FIELDS.items()}

    def flag(bad: NDArray[np.bool_], field: Field, code: str, show: bool = True) -> None:
        shown = raw[field.name] if show else None
        flag_rows(problems, bad, numbers, RecordKind.DATA, field, code, shown)

    values: dict[str, NDArray[np.int64]] = {}
    for field in (D_BANK_CODE, D_BRANCH_CODE, D_AMOUNT):
        ok, values[field.name] = digits(raw[field.name])
        flag(~ok, field, "not_digits")
    flag(values["amount"] == 0, D_AMOUNT, "zero", show=False)
    names = rule.name_table()
    for field in (D_BANK_NAME, D_BRANCH_NAME, D_NAME):
        flag(~allowed(raw[field.name], names), field, "not_kana")
    flag(blank(raw["name"]), D_NAME, "blank", show=False)
    choices = ACCOUNT_TYPES[kind] if kind is not None else b"".join(ACCOUNT_TYPES.values())
    flag(~one_of(raw["account_type"], choices), D_ACCOUNT_TYPE, "bad_value")
    account_number = check_account(raw["account_number"], numbers, RecordKind.DATA,
                                   D_ACCOUNT_NUMBER, rule, problems)
    flag(~one_of(raw["new_code"], b"012 "), D_NEW_CODE, "bad_value")
    if kind is not Kind.DIRECT_DEBIT:  # 91 has ダミー there
        house = raw["clearing_house"]
        flag(~(allowed(house, DIGIT_TABLE) | blank(house)), D_CLEARING_HOUSE, "not_digits")
    if kind is Kind.TRANSFER:
        flag(~one_of(raw["edi_flag"], b"Y "), D_EDI_FLAG, "bad_value")
        flag(~one_of(raw["designation"], b"78 "), D_DESIGNATION, "bad_value")
    elif kind is Kind.DIRECT_DEBIT:
        flag(~one_of(raw["designation"], b"0123456789 "), D_DESIGNATION, "bad_value")
    edi = np.ones(len(numbers), dtype=np.bool_)  # EDI set: 91's 顧客番号, or kind unknown
    if kind in (Kind.TRANSFER, Kind.SALARY, Kind.BONUS):
        edi = raw["edi_flag"][:, 0] == ord("Y") if kind is Kind.TRANSFER else ~edi
        for field in (D_CUSTOMER_CODE1, D_CUSTOMER_CODE2):
            flag(~edi & ~allowed(raw[field.name], DIGIT_SPACE_TABLE), field, "not_digits")
    code1, code2 = raw["customer_code1"], raw["customer_code2"]
    bad_edi = edi & ~(allowed(code1, EDI_TABLE) & allowed(code2, EDI_TABLE))
    flag_rows(problems, bad_edi, numbers, RecordKind.DATA, D_CUSTOMER_CODES, "not_kana",
              np.hstack([code1, code2]) if bad_edi.any() else None)
    account_type = digits(raw["account_type"])[1].astype(np.int8)

    def text(name: str) -> NDArray[np.bytes_]:
        column: NDArray[np.bytes_] = raw[name].view(f"S{DATA_FIELDS[name].width}").reshape(-1)
        return column

    records = Records(
        bank_code=values["bank_code"].astype(np.int16),
        bank_name=text("bank_name"),
        branch_code=values["branch_code"].astype(np.int16),
        branch_name=text("branch_name"),
        clearing_house=text("clearing_house"),
        account_type=account_type,
        account_number=account_number.astype(np.int32),
        name=text("name"),
        amount=values["amount"],
        new_code=text("new_code"),
        customer_code1=text("customer_code1"),
        customer_code2=text("customer_code2"),
        designation=text("designation"),
        edi_flag=text("edi_flag"),
    )
    return records, values["amount"] >= 0
