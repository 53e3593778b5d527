"""Problems found in a Zengin file: where (record number), what (field, code), ja/en text.

The parser reports every problem it finds rather than stopping at the first; a
``Problems`` collector counts them all and keeps the first ``cap`` by record number, so a
file of a million bad records costs a bounded number of Python objects.

Catalog: A2-SWA-6, A1-II-4, C03.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray

from antei.kernels.zengin_layout import ENCODING, RECORD_KINDS, Field, RecordKind

MAX_PROBLEMS: Final = 1000

# code -> (Japanese, English); {field_ja}/{field} name the field, {value}/{expected} vary.
MESSAGES: Final[dict[str, tuple[str, str]]] = {
    "empty_file": ("レコードがありません（空のファイル）", "the file holds no records"),
    "length": ("レコード長が{value}バイトです（120バイトであること）",
               "the record is {value} bytes long, not 120"),
    "truncated": ("最終レコードが途中で切れています（{value}バイト）",
                  "the final record is truncated ({value} bytes)"),
    "blank_line": ("このレコードの後に空行があります", "blank line after this record"),
    "line_break_inside": ("レコードの途中に改行文字（CR/LF）があります",
                          "line-break byte (CR/LF) inside the record"),
    "unknown_kind": ("データ区分が不正です（1・2・8・9のいずれか）",
                     "unknown record kind (データ区分 must be 1, 2, 8 or 9)"),
    "header_not_first": ("先頭レコードがヘッダー・レコードではありません",
                         "the first record is not a header"),
    "after_end": ("エンド・レコードの後にレコードがあります（{value}件）",
                  "{value} record(s) after the end record"),
    "missing_end": ("エンド・レコードがありません", "the end record is missing"),
    "missing_trailer": ("トレーラ・レコードがありません（レコード{value}のヘッダーのグループ）",
                        "no trailer for the group of the header at record {value}"),
    "extra_trailer": ("同じグループに2件目のトレーラ・レコードがあります",
                      "a second trailer in the same group"),
    "data_after_trailer": ("トレーラ・レコードの後にデータ・レコードがあります",
                           "data record after the group's trailer"),
    "empty_group": ("データ・レコードが0件のグループです", "the group has no data records"),
    "not_digits": ("{field_ja}に数字以外の文字があります", "{field} is not all digits"),
    "not_kana": ("{field_ja}に使用できない文字があります（半角カナ・英大文字・数字・一部記号）",
                 "{field} has characters outside the Zengin set (half-width kana, A-Z, 0-9, "
                 "space and a few symbols)"),
    "blank": ("{field_ja}が空白です", "{field} is blank"),
    "bad_value": ("{field_ja}の値が不正です", "{field} has an invalid value"),
    "zero": ("{field_ja}が0です", "{field} is zero"),
    "bad_date": ("{field_ja}が日付（MMDD）ではありません", "{field} is not a date (MMDD)"),
    "unknown_kind_code": ("種別コード{value}は扱えません（21・11・12・91）",
                          "kind code {value} is not supported (21, 11, 12, 91)"),
    "kind_mismatch": ("種別コードが{value}です（{expected}であること）",
                      "kind code is {value}, expected {expected}"),
    "mixed_kinds": ("1ファイル内でグループの種別コードが異なります（先頭は{expected}）",
                    "groups of different kinds in one file (the first is {expected})"),
    "ebcdic": ("コード区分1（EBCDIC）は扱えません", "code division 1 (EBCDIC) is not supported"),
    "account_padding": ("口座番号の桁埋めが取引先の規則（{expected}）に合いません",
                        "account number padding does not follow the counterparty rule "
                        "({expected})"),
    "count_mismatch": ("合計件数{value}件がデータ・レコード{expected}件と一致しません",
                       "trailer count {value} does not match the {expected} data records"),
    "total_mismatch": ("合計金額{value}円がデータ・レコードの合計{expected}円と一致しません",
                       "trailer total {value} does not match the data records' sum "
                       "{expected}"),
    "count_overflow": ("データ・レコードが{value}件あり、合計件数（6桁）で表せません",
                       "{value} data records do not fit the trailer's 6-digit count"),
    "total_overflow": ("金額の合計{value}円は合計金額（12桁）で表せません",
                       "the sum {value} does not fit the trailer's 12-digit total"),
    "result_mismatch": ("振替済と振替不能の件数・金額の和が合計と一致しません",
                        "done + failed counts or amounts do not add up to the totals"),
}

@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where (1-based record number, as in the file), what.

    A file with any problem is refused as a whole by the caller (A2-SWA-6).
    """

    record: int
    record_kind: RecordKind
    field: str
    code: str
    message_ja: str
    message_en: str


class Problems:
    """Collects problems: all are counted, the first ``cap`` by record number are kept."""

    def __init__(self, cap: int = MAX_PROBLEMS) -> None:
        self.cap = cap
        self.count = 0
        self._items: list[Problem] = []

    def add(
        self,
        records: NDArray[np.integer] | Sequence[int],
        kind: RecordKind | NDArray[np.uint8],
        field: Field,
        code: str,
        *,
        values: NDArray[np.integer] | Sequence[object] | None = None,
        expected: NDArray[np.integer] | Sequence[object] | object = None,
        found: NDArray[np.uint8] | None = None,
    ) -> None:
        """Flag ``records`` (ascending); per-record ``values``/``expected``/``found`` bytes."""
        numbers = np.asarray(records, dtype=np.int64).reshape(-1)
        self.count += numbers.size
        ja, en = MESSAGES[code]
        for i in range(min(numbers.size, self.cap)):
            value = None if values is None else values[i]
            want = expected[i] if isinstance(expected, np.ndarray | list | tuple) else expected
            text = dict(field=field.name, field_ja=field.ja, value=value, expected=want)
            message_ja, message_en = ja.format(**text), en.format(**text)
            if found is not None:
                shown = bytes(found[i]).decode(ENCODING, "replace").rstrip()
                message_ja += f"：「{shown}」"
                message_en += f": {shown!r}"
            record_kind = kind if isinstance(kind, RecordKind) else RECORD_KINDS.get(
                int(kind[i]), RecordKind.UNKNOWN)
            self._items.append(Problem(int(numbers[i]), record_kind, field.name, code,
                                       message_ja, message_en))

    def items(self) -> list[Problem]:
        return sorted(self._items, key=lambda p: p.record)[: self.cap]
