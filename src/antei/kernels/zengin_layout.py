"""Zengin (全銀協) record layouts as constants, character sets, columns and counterparty rules.

The field table, what is modelled and where the published layout is uncertain, is in the
docstring of :mod:`antei.kernels.zengin`; this module holds the same positions as ``Field``
constants so the parser (``zengin``) and the writer (``zengin_write``) share one copy.

Positions are 0-based, half-open byte offsets into the 120-byte record (the table in
``zengin`` gives 1-based positions, as the 全銀協 documents do).

Catalog: A2-RESP-3, A2-SWA-4, A2-SWA-6, A1-II-4, A1-II-10, A2-RESP-2, C03.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any, Final, NamedTuple

import numpy as np
from numpy.typing import NDArray

ENCODING: Final = "cp932"  # JIS X 0201 half-width kana are its single bytes 0xA1-0xDF
RECORD_LENGTH: Final = 120
MAX_COUNT: Final = 999_999  # the trailer's 合計件数 has 6 digits
MAX_TOTAL: Final = 999_999_999_999  # the trailer's 合計金額 has 12 digits
MAX_AMOUNT: Final = 9_999_999_999  # a data record's 金額 has 10 digits

HEADER_BYTE: Final = ord("1")
DATA_BYTE: Final = ord("2")
TRAILER_BYTE: Final = ord("8")
END_BYTE: Final = ord("9")
SPACE: Final = 0x20


class Kind(StrEnum):
    """種別コード of the header record."""

    TRANSFER = "21"  # 総合振込
    SALARY = "11"  # 給与振込
    BONUS = "12"  # 賞与振込
    DIRECT_DEBIT = "91"  # 口座振替


class RecordKind(StrEnum):
    """What a record is, by its first byte (データ区分)."""

    HEADER = "header"
    DATA = "data"
    TRAILER = "trailer"
    END = "end"
    UNKNOWN = "unknown"


RECORD_KINDS: Final = {HEADER_BYTE: RecordKind.HEADER, DATA_BYTE: RecordKind.DATA,
                       TRAILER_BYTE: RecordKind.TRAILER, END_BYTE: RecordKind.END}


class Field(NamedTuple):
    """A fixed-width field: English name (as in ``Problem.field``), Japanese name, offsets."""

    name: str
    ja: str
    start: int
    stop: int

    @property
    def width(self) -> int:
        return self.stop - self.start


DATA_KIND = Field("data_kind", "データ区分", 0, 1)
RECORD = Field("record", "レコード", 0, RECORD_LENGTH)

# Header (ヘッダー・レコード), the same for 21, 11, 12 and 91.
H_KIND_CODE = Field("kind_code", "種別コード", 1, 3)
H_CODE_DIVISION = Field("code_division", "コード区分", 3, 4)
H_REQUESTER_CODE = Field("requester_code", "依頼人コード", 4, 14)
H_REQUESTER_NAME = Field("requester_name", "依頼人名", 14, 54)
H_TRANSFER_DATE = Field("transfer_date", "取組日", 54, 58)
H_BANK_CODE = Field("bank_code", "仕向銀行番号", 58, 62)
H_BANK_NAME = Field("bank_name", "仕向銀行名", 62, 77)
H_BRANCH_CODE = Field("branch_code", "仕向支店番号", 77, 80)
H_BRANCH_NAME = Field("branch_name", "仕向支店名", 80, 95)
H_ACCOUNT_TYPE = Field("account_type", "預金種目", 95, 96)
H_ACCOUNT_NUMBER = Field("account_number", "口座番号", 96, 103)

# Data (データ・レコード). 91 reads 38-42 as ダミー, 91-111 as one 顧客番号 and 111 as
# 振替結果コード; 11/12 read 111-120 as ダミー.
D_BANK_CODE = Field("bank_code", "被仕向銀行番号", 1, 5)
D_BANK_NAME = Field("bank_name", "被仕向銀行名", 5, 20)
D_BRANCH_CODE = Field("branch_code", "被仕向支店番号", 20, 23)
D_BRANCH_NAME = Field("branch_name", "被仕向支店名", 23, 38)
D_CLEARING_HOUSE = Field("clearing_house", "手形交換所番号", 38, 42)
D_ACCOUNT_TYPE = Field("account_type", "預金種目", 42, 43)
D_ACCOUNT_NUMBER = Field("account_number", "口座番号", 43, 50)
D_NAME = Field("name", "受取人名", 50, 80)
D_AMOUNT = Field("amount", "金額", 80, 90)
D_NEW_CODE = Field("new_code", "新規コード", 90, 91)
D_CUSTOMER_CODE1 = Field("customer_code1", "顧客コード1", 91, 101)
D_CUSTOMER_CODE2 = Field("customer_code2", "顧客コード2", 101, 111)
D_CUSTOMER_CODES = Field("customer_code", "顧客コード/EDI情報", 91, 111)
D_DESIGNATION = Field("designation", "振込指定区分/振替結果コード", 111, 112)
D_EDI_FLAG = Field("edi_flag", "識別表示", 112, 113)

# Column name of ``Records`` -> its field in the data record.
DATA_FIELDS: Final = {f.name: f for f in (
    D_BANK_CODE, D_BANK_NAME, D_BRANCH_CODE, D_BRANCH_NAME, D_CLEARING_HOUSE, D_ACCOUNT_TYPE,
    D_ACCOUNT_NUMBER, D_NAME, D_AMOUNT, D_NEW_CODE, D_CUSTOMER_CODE1, D_CUSTOMER_CODE2,
    D_DESIGNATION, D_EDI_FLAG)}

# Trailer (トレーラ・レコード); the four result fields are 91's only.
T_COUNT = Field("count", "合計件数", 1, 7)
T_TOTAL = Field("total", "合計金額", 7, 19)
T_DONE_COUNT = Field("done_count", "振替済件数", 19, 25)
T_DONE_TOTAL = Field("done_total", "振替済金額", 25, 37)
T_FAILED_COUNT = Field("failed_count", "振替不能件数", 37, 43)
T_FAILED_TOTAL = Field("failed_total", "振替不能金額", 43, 55)

# 預金種目 each kind accepts (data and header alike).
ACCOUNT_TYPES: Final[dict[Kind, bytes]] = {
    Kind.TRANSFER: b"1249", Kind.SALARY: b"1249", Kind.BONUS: b"1249",
    Kind.DIRECT_DEBIT: b"1239",
}

# 受取人名, 依頼人名, bank and branch names: 全銀協's transfer character set.
NAME_CHARS: Final = (
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝﾞﾟ"
    " ().-/"
)
# EDI情報 (customer codes when 識別表示 is Y) and 91's 顧客番号 also take ¥ (0x5C) , ｢ ｣ ｦ.
EDI_CHARS: Final = NAME_CHARS + "\\,｢｣ｦ"


def char_table(chars: str) -> NDArray[np.bool_]:
    """A 256-entry lookup table, True for the cp932 single bytes of ``chars``."""
    raw = chars.encode(ENCODING)
    if len(raw) != len(chars):
        raise ValueError(f"not all single-byte in {ENCODING}: {chars!r}")
    table = np.zeros(256, dtype=np.bool_)
    table[np.frombuffer(raw, dtype=np.uint8)] = True
    return table


NAME_TABLE: Final = char_table(NAME_CHARS)
EDI_TABLE: Final = char_table(EDI_CHARS)
DIGIT_TABLE: Final = char_table("0123456789")


class AccountPadding(StrEnum):
    """How a counterparty wants the 7-digit 口座番号 filled (A2-SWA-4)."""

    ZERO = "zero"  # right-justified, zero-filled: 0012345 (the 全銀協 rule)
    SPACE = "space"  # right-justified, leading zeros stripped to spaces: "  12345"


@dataclass(frozen=True)
class CounterpartyRule:
    """What one counterparty accepts: padding, volume limits, extra name characters.

    A multi-volume hand-over follows the counterparty's rule (A2-RESP-3), and field rules
    such as account padding are applied on writing and checked on reading (A2-SWA-4).
    """

    name: str = "全銀協標準"
    account_padding: AccountPadding = AccountPadding.ZERO
    max_records: int = MAX_COUNT
    max_total: int = MAX_TOTAL
    extra_name_chars: str = ""

    def __post_init__(self) -> None:
        if not 1 <= self.max_records <= MAX_COUNT:
            raise ValueError(f"max_records must be 1..{MAX_COUNT}, got {self.max_records}")
        if not 1 <= self.max_total <= MAX_TOTAL:
            # Below MAX_AMOUNT a single valid record may fit no volume: split_volumes says so.
            raise ValueError(f"max_total must be 1..{MAX_TOTAL}, got {self.max_total}")
        if set(self.extra_name_chars) & {"\r", "\n"}:
            raise ValueError("line breaks cannot be name characters")
        char_table(self.extra_name_chars)

    def name_table(self) -> NDArray[np.bool_]:
        return NAME_TABLE | char_table(self.extra_name_chars)


STANDARD: Final = CounterpartyRule()


@dataclass(frozen=True)
class Header:
    """A header record's fields; codes and account numbers as ints, names as str.

    Non-digit numeric fields read as -1 (the file then has a problem naming them).
    """

    requester_code: str
    requester_name: str
    transfer_date: str  # MMDD: 取組日 (21), 振込指定日 (11/12), 引落日 (91)
    bank_code: int
    bank_name: str
    branch_code: int
    branch_name: str
    account_type: int
    account_number: int
    code_division: str = "0"  # 0: JIS/cp932; 1 (EBCDIC) is not supported

    def __post_init__(self) -> None:
        # Trailing spaces are the field's padding, not part of the name: "ﾃｽﾄ " is "ﾃｽﾄ".
        for name in ("requester_name", "bank_name", "branch_name"):
            object.__setattr__(self, name, getattr(self, name).rstrip(" "))


@dataclass(frozen=True)
class Trailer:
    """A trailer record's totals; the result fields are 91's only (None elsewhere)."""

    count: int
    total: int
    done_count: int | None = None
    done_total: int | None = None
    failed_count: int | None = None
    failed_total: int | None = None


# What ``Records.build`` takes for a column: an array, a sequence, or one value for every row.
ColumnValues = NDArray[np.generic] | Sequence[int | str | bytes] | int | bytes | str

# Column name -> dtype. Bytes columns are space-padded to their width.
COLUMNS: Final[dict[str, np.dtype[np.generic]]] = {
    "bank_code": np.dtype(np.int16),
    "bank_name": np.dtype("S15"),
    "branch_code": np.dtype(np.int16),
    "branch_name": np.dtype("S15"),
    "clearing_house": np.dtype("S4"),
    "account_type": np.dtype(np.int8),
    "account_number": np.dtype(np.int32),
    "name": np.dtype("S30"),
    "amount": np.dtype(np.int64),
    "new_code": np.dtype("S1"),
    "customer_code1": np.dtype("S10"),
    "customer_code2": np.dtype("S10"),
    "designation": np.dtype("S1"),
    "edi_flag": np.dtype("S1"),
}

# What ``Records.build`` fills in when a column is not given.
DEFAULTS: Final[dict[str, int | bytes]] = {
    "bank_name": b"", "branch_name": b"", "clearing_house": b"", "account_type": 1,
    "new_code": b"0", "customer_code1": b"", "customer_code2": b"", "designation": b"",
    "edi_flag": b"",
}


@dataclass(frozen=True, eq=False)
class Records:
    """Data records as columns, one row per record, in file (or priority) order.

    Bytes columns hold the raw cp932 field, space-padded to its width; ``decode_names`` in
    ``zengin`` turns the rows a person looks at into str. Numeric fields that were not
    digits in a parsed file hold -1. For 91 (口座振替) ``customer_code1 + customer_code2`` is
    the 20-byte 顧客番号 and ``designation`` the 振替結果コード; for 21 ``designation`` is the
    振込指定区分 and ``edi_flag`` the 識別表示 (Y: the customer codes are EDI情報).
    """

    bank_code: NDArray[np.int16]
    bank_name: NDArray[np.bytes_]
    branch_code: NDArray[np.int16]
    branch_name: NDArray[np.bytes_]
    clearing_house: NDArray[np.bytes_]
    account_type: NDArray[np.int8]
    account_number: NDArray[np.int32]
    name: NDArray[np.bytes_]
    amount: NDArray[np.int64]
    new_code: NDArray[np.bytes_]
    customer_code1: NDArray[np.bytes_]
    customer_code2: NDArray[np.bytes_]
    designation: NDArray[np.bytes_]
    edi_flag: NDArray[np.bytes_]

    def __post_init__(self) -> None:
        n = len(self.amount)
        for f in fields(self):
            column = getattr(self, f.name)
            if column.dtype != COLUMNS[f.name] or column.shape != (n,):
                raise TypeError(f"column {f.name}: expected {COLUMNS[f.name]} of shape ({n},), "
                                f"got {column.dtype} of shape {column.shape}")

    def __len__(self) -> int:
        return len(self.amount)

    def columns(self) -> dict[str, NDArray[np.generic]]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def take(self, index: NDArray[np.integer] | slice) -> Records:
        """The rows at ``index`` (a priority order, a volume's slice), as new Records."""
        taken: dict[str, Any] = {k: v[index] for k, v in self.columns().items()}
        return Records(**taken)

    def equals(self, other: Records) -> bool:
        mine, theirs = self.columns(), other.columns()
        return all(np.array_equal(mine[k], theirs[k]) for k in mine)

    @classmethod
    def concat(cls, parts: Sequence[Records]) -> Records:
        if not parts:
            return cls.empty()
        joined: dict[str, Any] = {k: np.concatenate([p.columns()[k] for p in parts])
                                  for k in COLUMNS}
        return cls(**joined)

    @classmethod
    def empty(cls) -> Records:
        empty: dict[str, Any] = {k: np.empty(0, dtype=dt) for k, dt in COLUMNS.items()}
        return cls(**empty)

    @classmethod
    def build(cls, **columns: ColumnValues) -> Records:
        """Records from columns: arrays, sequences of ints/str/bytes, or one scalar for all.

        Required: bank_code, branch_code, account_number, amount, name. Text is encoded to
        cp932 and space-padded (longer text raises ValueError); what is left out is blank,
        except account_type (1, 普通) and new_code ("0"). Values are checked by the writer.
        """
        unknown = set(columns) - set(COLUMNS)
        if unknown:
            raise TypeError(f"unknown columns: {sorted(unknown)}")
        missing = set(COLUMNS) - set(columns) - set(DEFAULTS)
        if missing:
            raise TypeError(f"missing columns: {sorted(missing)}")
        lengths = {len(v) for v in columns.values() if not isinstance(v, int | bytes | str)}
        if len(lengths) != 1:
            raise ValueError(f"columns must have one length, got {sorted(lengths)}")
        (n,) = lengths
        out: dict[str, Any] = {}
        for key, dtype in COLUMNS.items():
            given = columns.get(key, DEFAULTS.get(key))
            value = [given] * n if isinstance(given, int | bytes | str) else given
            if dtype.kind == "S":
                out[key] = text_column(value, dtype.itemsize)
            else:
                array = np.asarray(value)
                if array.dtype.kind not in "iu":
                    raise TypeError(f"column {key} must hold integers, got {array.dtype}")
                info = np.iinfo(np.dtype(dtype.str))
                if array.size and (array.min() < info.min or array.max() > info.max):
                    raise ValueError(f"column {key} does not fit {dtype}")
                out[key] = array.astype(dtype)
        return cls(**out)


def text_column(values: ColumnValues | None, width: int) -> NDArray[np.bytes_]:
    """An S{width} column, cp932-encoded and space-padded; arrays of bytes are padded whole."""
    if isinstance(values, np.ndarray) and values.dtype.kind == "S":
        if len(values) == 0:
            return np.empty(0, dtype=f"S{width}")
        values = np.ascontiguousarray(values)
        # A wider dtype is fine as long as no value uses the extra bytes.
        wide = values.view(np.uint8).reshape(len(values), -1)[:, width:]
        if (wide != 0).any():
            raise ValueError(f"a value is longer than {width} bytes")
        raw = np.zeros((len(values), width), dtype=np.uint8)
        src = values.view(np.uint8).reshape(len(values), -1)
        raw[:, : min(width, src.shape[1])] = src[:, :width]
        raw[raw == 0] = SPACE  # numpy pads bytes with NUL; the format pads with spaces
        return raw.view(f"S{width}").reshape(len(values))
    if isinstance(values, str | bytes) or not isinstance(values, Sequence | np.ndarray):
        raise TypeError(f"expected a sequence of str or bytes, got {type(values).__name__}")
    encoded = []
    for value in values:
        raw_value = value.encode(ENCODING) if isinstance(value, str) else value
        if not isinstance(raw_value, bytes):
            raise TypeError(f"expected str or bytes, got {type(value).__name__}")
        if len(raw_value) > width:
            raise ValueError(f"{raw_value.decode(ENCODING, 'replace')!r} is longer than "
                             f"{width} bytes")
        encoded.append(raw_value.ljust(width, b" "))
    return np.array(encoded, dtype=f"S{width}").reshape(len(encoded))
