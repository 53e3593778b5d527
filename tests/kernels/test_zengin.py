"""Zengin (全銀協) transfer files: parse, validate, write, split into volumes, read back.

Pure tests (no database). Catalog: A2-RESP-3, A2-SWA-4, A2-SWA-6, A1-II-4, A1-II-10,
A2-RESP-2, C03.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from antei.kernels import zengin, zengin_desk, zengin_write
from antei.kernels.zengin_layout import (
    MAX_COUNT,
    MAX_TOTAL,
    STANDARD,
    AccountPadding,
    ColumnValues,
    CounterpartyRule,
    Header,
    Kind,
    RecordKind,
    Records,
    Trailer,
)
from antei.kernels.zengin_problems import MESSAGES

HEADER = Header(requester_code="1234567890", requester_name="ｶ)ｱﾝｴｲｼﾖｳｼﾞ", transfer_date="0401",
                bank_code=1, bank_name="ﾐｽﾞﾎ", branch_code=100, branch_name="ﾎﾝﾃﾝ",
                account_type=1, account_number=1234567)
SPACE_RULE = CounterpartyRule(name="ﾃｽﾄｷﾞﾝｺｳ", account_padding=AccountPadding.SPACE)


def some_records(n: int = 4, amount: int | None = None) -> Records:
    names = ["ﾔﾏﾀﾞ ﾀﾛｳ", "ｽｽﾞｷ ﾊﾅｺ", "ｶ)ﾃｽﾄｼﾖｳｼﾞ", "ｻﾄｳ ｲﾁﾛｳ"]
    return Records.build(
        bank_code=[5 + i % 3 for i in range(n)], branch_code=[10 * i % 1000 for i in range(n)],
        account_number=[1000 + i for i in range(n)],
        amount=[amount or 1000 * (i + 1) for i in range(n)],
        name=[names[i % 4] for i in range(n)], bank_name="ﾃｽﾄ", branch_name="ﾎﾝﾃﾝ",
        designation=[b"7" if i % 2 else b" " for i in range(n)])


def valid_file(n: int = 4, kind: Kind = Kind.TRANSFER, *, line_breaks: bool = False) -> bytes:
    records = some_records(n)
    if kind is not Kind.TRANSFER:  # 振込指定区分 is ダミー there
        records = dataclasses.replace(records, designation=np.full(n, b" ", dtype="S1"))
    return zengin_write.write_file(kind, HEADER, records, line_breaks=line_breaks)


def records_of(data: bytes) -> list[bytearray]:
    """A file without line breaks as a list of editable 120-byte records."""
    return [bytearray(data[i:i + 120]) for i in range(0, len(data), 120)]


def joined(records: list[bytearray], sep: bytes = b"") -> bytes:
    return b"".join(bytes(r) + sep for r in records)


def patch(data: bytes, record: int, start: int, value: bytes) -> bytes:
    """Overwrite bytes of 1-based ``record`` from 0-based offset ``start``."""
    records = records_of(data)
    records[record - 1][start:start + len(value)] = value
    return joined(records)


def codes(parsed: zengin.ParsedFile) -> set[tuple[int, str, str]]:
    return {(p.record, p.field, p.code) for p in parsed.problems}


# -- valid files -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("separator", [b"", b"\r\n", b"\n"])
def test_a_written_file_parses_back_to_the_same_columns(kind: Kind, separator: bytes) -> None:
    records = some_records(5)
    if kind is not Kind.TRANSFER:
        records = dataclasses.replace(records, designation=np.full(5, b" ", dtype="S1"))
    plain = zengin_write.write_file(kind, HEADER, records, line_breaks=False)
    data = joined(records_of(plain), separator)
    parsed = zengin.parse_file(data, expect_kind=kind)
    assert parsed.problems == [] and parsed.ok
    assert parsed.kind is kind and parsed.header == HEADER
    assert parsed.records.equals(records)
    assert parsed.trailer_count == 5 and parsed.trailer_total == int(records.amount.sum())
    assert parsed.record_numbers.tolist() == [2, 3, 4, 5, 6]
    assert parsed.line_breaks is bool(separator)


def test_content_hash_ignores_line_breaks_and_sees_content() -> None:
    plain = valid_file()
    with_breaks = joined(records_of(plain), b"\r\n")
    assert zengin.parse_file(plain).content_hash == zengin.parse_file(with_breaks).content_hash
    changed = patch(plain, 2, 80, b"0000000002")
    assert zengin.parse_file(changed).content_hash != zengin.parse_file(plain).content_hash


def test_the_last_line_break_is_optional() -> None:
    data = valid_file(line_breaks=True)
    assert zengin.parse_file(data[:-2]).ok
    assert zengin.parse_file(data[:-2]).records.equals(zengin.parse_file(data).records)


def test_decode_names_for_shown_rows_only() -> None:
    parsed = zengin.parse_file(valid_file(6))
    assert zengin.decode_names(parsed.records.name, slice(0, 2)) == ["ﾔﾏﾀﾞ ﾀﾛｳ", "ｽｽﾞｷ ﾊﾅｺ"]
    assert zengin.decode_names(parsed.records.name, np.array([3, 0])) == ["ｻﾄｳ ｲﾁﾛｳ",
                                                                           "ﾔﾏﾀﾞ ﾀﾛｳ"]
    assert zengin.decode_names(parsed.records.bank_name)[0] == "ﾃｽﾄ"
    # Broken bytes decode to U+FFFD and never shift the rows.
    broken = np.array([b"\x81" + b" " * 29, b"\n\xb1", b"\xb1"], dtype="S30")
    assert zengin.decode_names(broken) == ["\ufffd", "?ｱ", "ｱ"]


def test_kana_names_are_checked_against_the_zengin_set() -> None:
    name = "ﾔﾏﾀﾞ ﾀﾛｳ".encode("cp932").ljust(30)
    assert zengin.parse_file(patch(valid_file(), 2, 50, name)).ok
    parsed = zengin.parse_file(patch(valid_file(), 2, 50, "山田".encode("cp932").ljust(30)))
    assert codes(parsed) == {(2, "name", "not_kana")}
    assert parsed.problems[0].record_kind is RecordKind.DATA
    assert "「" in parsed.problems[0].message_ja and "outside" in parsed.problems[0].message_en
    small_kana = "ｼｮｳｼﾞ".encode("cp932").ljust(30)
    assert codes(zengin.parse_file(patch(valid_file(), 3, 50, small_kana))) == {
        (3, "name", "not_kana")}
    long_vowel = patch(valid_file(), 3, 50, "ｺｰﾋｰ".encode("cp932").ljust(30))
    assert not zengin.parse_file(long_vowel).ok
    widened = CounterpartyRule(extra_name_chars="ｰ")
    assert zengin.parse_file(long_vowel, rule=widened).ok


def test_writing_refuses_what_the_parser_would_refuse() -> None:
    with pytest.raises(zengin_write.ZenginError) as refused:
        zengin_write.write_file(Kind.TRANSFER, HEADER, Records.build(
            bank_code=[1], branch_code=[1], account_number=[1], amount=[1], name=["山田"]),
            line_breaks=True)
    assert [(p.record, p.field, p.code) for p in refused.value.problems] == [
        (2, "name", "not_kana")]
    for bad in ({"amount": [0]}, {"amount": [10**10]}, {"bank_code": [10000]},
                {"account_number": [0]}):
        columns: dict[str, ColumnValues] = {
            "bank_code": [1], "branch_code": [1], "account_number": [1], "amount": [1],
            "name": ["ﾃｽﾄ"], **bad}
        with pytest.raises(zengin_write.ZenginError):
            zengin_write.write_file(Kind.TRANSFER, HEADER, Records.build(**columns),
                                    line_breaks=False)
    with pytest.raises(zengin_write.ZenginError, match="12 digits"):
        zengin_write.write_file(Kind.TRANSFER, HEADER, some_records(101, 9_999_999_999),
                                line_breaks=False)
    with pytest.raises(zengin_write.ZenginError, match="ダミー"):
        zengin_write.write_file(Kind.SALARY, HEADER, some_records(2), line_breaks=False)
    with pytest.raises(ValueError, match="longer than 30"):
        Records.build(bank_code=[1], branch_code=[1], account_number=[1], amount=[1],
                      name=["ｱ" * 31])


# -- framing ---------------------------------------------------------------------------------


def test_a_record_of_the_wrong_length_is_named() -> None:
    records = records_of(valid_file())
    records[2] = records[2][:119]
    parsed = zengin.parse_file(joined(records, b"\r\n"))
    assert (3, "record", "length") in codes(parsed)
    assert "119" in next(p.message_en for p in parsed.problems if p.code == "length")
    assert len(parsed.records) == 3  # the short record is left out of the columns


def test_a_truncated_final_record_is_named() -> None:
    parsed = zengin.parse_file(valid_file()[:-50])
    assert (7, "record", "truncated") in codes(parsed)
    assert "70" in next(p.message_en for p in parsed.problems if p.code == "truncated")


def test_blank_lines_and_line_breaks_inside_records() -> None:
    records = records_of(valid_file())
    with_blank = b"".join(bytes(r) + b"\r\n" + (b"\r\n" if i == 1 else b"")
                          for i, r in enumerate(records))
    assert codes(zengin.parse_file(with_blank)) == {(2, "record", "blank_line")}
    assert codes(zengin.parse_file(patch(valid_file(), 3, 115, b"\r"))) == {
        (3, "record", "line_break_inside")}


def test_empty_and_garbage_files() -> None:
    assert codes(zengin.parse_file(b"")) == {(1, "record", "empty_file")}
    assert codes(zengin.parse_file(b"\r\n\r\n")) >= {(1, "record", "empty_file")}
    garbage = zengin.parse_file(b"hello")
    assert (1, "record", "truncated") in codes(garbage) and not garbage.ok


# -- structure -------------------------------------------------------------------------------


def test_an_unknown_record_kind_is_named() -> None:
    parsed = zengin.parse_file(patch(valid_file(), 3, 0, b"X"))
    assert (3, "data_kind", "unknown_kind") in codes(parsed)
    assert next(p for p in parsed.problems if p.code == "unknown_kind").record_kind is \
        RecordKind.UNKNOWN


def test_the_header_must_come_first() -> None:
    records = records_of(valid_file())
    records[0], records[1] = records[1], records[0]
    assert (1, "data_kind", "header_not_first") in codes(zengin.parse_file(joined(records)))


def test_data_after_the_trailer_is_named() -> None:
    records = records_of(valid_file())
    records.insert(5, records.pop(2))  # header, 3 data, trailer, data, end
    parsed = zengin.parse_file(joined(records))
    assert (6, "data_kind", "data_after_trailer") in codes(parsed)


def test_missing_trailer_and_end() -> None:
    records = records_of(valid_file())
    no_trailer = zengin.parse_file(joined(records[:5] + records[6:]))
    assert (6, "data_kind", "missing_trailer") in codes(no_trailer)
    no_end = zengin.parse_file(joined(records[:-1]))
    assert codes(no_end) == {(7, "data_kind", "missing_end")}
    after_end = zengin.parse_file(joined(records + records[1:2]))
    assert codes(after_end) == {(8, "record", "after_end")}


def test_trailer_count_and_total_are_reconciled() -> None:
    data = valid_file()  # 4 records: 1000 + 2000 + 3000 + 4000
    parsed = zengin.parse_file(patch(data, 6, 1, b"000005"))
    assert codes(parsed) == {(6, "count", "count_mismatch")}
    assert "5" in parsed.problems[0].message_en and "4" in parsed.problems[0].message_en
    assert codes(zengin.parse_file(patch(data, 6, 7, b"000000010001"))) == {
        (6, "total", "total_mismatch")}


def test_counts_and_totals_the_trailer_cannot_hold() -> None:
    data = valid_file()
    records = records_of(data)
    big = bytearray(records[1])
    big[80:90] = b"9999999999"
    many = [records[0]] + [big] * 101 + records[5:]
    parsed = zengin.parse_file(joined(many))
    assert (103, "total", "total_overflow") in codes(parsed)

    row = np.frombuffer(bytes(records[1]), dtype=np.uint8)
    body = np.tile(row, MAX_COUNT + 1)  # a million and one data records, no line breaks
    huge = b"".join([bytes(records[0]), body.tobytes(), b"8999999" + bytes(records[5][7:]),
                     bytes(records[6])])
    parsed = zengin.parse_file(huge)
    trailer = MAX_COUNT + 3
    assert (trailer, "count", "count_overflow") in codes(parsed)
    assert len(parsed.records) == MAX_COUNT + 1


def test_several_groups_in_one_file() -> None:
    first, second = records_of(valid_file(3)), records_of(valid_file(2))
    data = joined(first[:-1] + second)
    parsed = zengin.parse_file(data)
    assert parsed.ok and len(parsed.groups) == 2
    assert [g.data_count for g in parsed.groups] == [3, 2]
    assert [(g.header_record, g.trailer_record) for g in parsed.groups] == [(1, 5), (6, 9)]
    assert parsed.group_index.tolist() == [0, 0, 0, 1, 1]
    assert parsed.records.take(parsed.groups[1].rows).amount.tolist() == [1000, 2000]
    assert parsed.trailer_count == 5
    salary = records_of(valid_file(2, Kind.SALARY))
    mixed = zengin.parse_file(joined(first[:-1] + salary))
    assert (6, "kind_code", "mixed_kinds") in codes(mixed)


def test_empty_group_and_second_trailer() -> None:
    records = records_of(valid_file(1))
    empty = joined([records[0], records[2], records[3]])
    assert codes(zengin.parse_file(empty)) >= {(1, "record", "empty_group"),
                                               (2, "count", "count_mismatch")}
    twice = zengin.parse_file(joined([*records[:3], records[2], *records[3:]]))
    assert (4, "data_kind", "extra_trailer") in codes(twice)


# -- fields ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("record", "start", "value", "field"), [
    (2, 80, b"00001O0000", "amount"),
    (3, 1, b"00A5", "bank_code"),
    (4, 20, b"1 0", "branch_code"),
    (5, 43, b"123456X", "account_number"),
    (1, 58, b"OOO1", "bank_code"),
    (1, 4, b"12345678 0", "requester_code"),
    (6, 7, b"00000001000X", "total"),
])
def test_non_digits_in_numeric_fields(record: int, start: int, value: bytes,
                                      field: str) -> None:
    parsed = zengin.parse_file(patch(valid_file(), record, start, value))
    assert (record, field, "not_digits") in codes(parsed)
    problem = next(p for p in parsed.problems if p.code == "not_digits")
    assert value.decode() in problem.message_en


@pytest.mark.parametrize(("record", "start", "width", "field"), [
    (2, 5, 15, "bank_name"), (3, 23, 15, "branch_name"), (4, 50, 30, "name"),
    (1, 14, 40, "requester_name"), (1, 62, 15, "bank_name"),
])
def test_non_kana_in_kana_fields(record: int, start: int, width: int, field: str) -> None:
    value = "ﾃｽﾄ株式会社".encode("cp932").ljust(width)
    assert codes(zengin.parse_file(patch(valid_file(), record, start, value))) == {
        (record, field, "not_kana")}


def test_codes_dates_and_zero_values() -> None:
    data = valid_file()
    assert codes(zengin.parse_file(patch(data, 2, 42, b"5"))) == {(2, "account_type",
                                                                   "bad_value")}
    assert codes(zengin.parse_file(patch(data, 2, 90, b"7"))) == {(2, "new_code", "bad_value")}
    assert codes(zengin.parse_file(patch(data, 2, 111, b"9"))) == {(2, "designation",
                                                                    "bad_value")}
    assert codes(zengin.parse_file(patch(data, 2, 112, b"N"))) == {(2, "edi_flag",
                                                                    "bad_value")}
    assert codes(zengin.parse_file(patch(data, 2, 38, b"12 4"))) == {(2, "clearing_house",
                                                                      "not_digits")}
    assert zengin.parse_file(patch(data, 2, 38, b"0001")).ok
    assert codes(zengin.parse_file(patch(data, 1, 54, b"0230"))) == {(1, "transfer_date",
                                                                      "bad_date")}
    assert zengin.parse_file(patch(data, 1, 54, b"0229")).ok
    assert codes(zengin.parse_file(patch(data, 1, 3, b"1"))) == {(1, "code_division", "ebcdic")}
    blank_name = zengin.parse_file(patch(data, 3, 50, b" " * 30))
    assert codes(blank_name) == {(3, "name", "blank")}
    zero = zengin.parse_file(patch(data, 2, 80, b"0000000000"))
    assert (2, "amount", "zero") in codes(zero) and (6, "total", "total_mismatch") in codes(zero)


def test_edi_information_uses_the_wider_set() -> None:
    edi = "ｾｲｷﾕｳ｢123｣,ｦ".encode("cp932").ljust(20)
    data = patch(valid_file(), 2, 91, edi)
    assert codes(zengin.parse_file(data)) == {(2, "customer_code1", "not_digits"),
                                              (2, "customer_code2", "not_digits")}
    assert zengin.parse_file(patch(data, 2, 112, b"Y")).ok


def test_the_expected_kind_is_checked() -> None:
    parsed = zengin.parse_file(valid_file(kind=Kind.SALARY), expect_kind=Kind.TRANSFER)
    assert codes(parsed) == {(1, "kind_code", "kind_mismatch")}
    assert "11" in parsed.problems[0].message_en and "21" in parsed.problems[0].message_en
    unknown = zengin.parse_file(patch(valid_file(), 1, 1, b"99"))
    assert (1, "kind_code", "unknown_kind_code") in codes(unknown)


def test_direct_debit_results_must_add_up() -> None:
    data = valid_file(kind=Kind.DIRECT_DEBIT)  # 4 records, 10,000 yen
    parsed = zengin.parse_file(data)
    assert parsed.ok and parsed.groups[0].trailer == Trailer(4, 10000, 0, 0, 0, 0)
    done = patch(data, 6, 19, b"000003000000006000000001000000004000")
    assert zengin.parse_file(done).ok
    wrong = patch(data, 6, 19, b"000003000000006000000002000000004000")
    assert codes(zengin.parse_file(wrong)) == {(6, "done_count", "result_mismatch")}


def test_account_padding_follows_the_counterparty_rule() -> None:
    records = some_records()
    spaced = zengin_write.write_file(Kind.TRANSFER, HEADER, records, line_breaks=False,
                                     pad_account=False)
    assert records_of(spaced)[1][43:50] == b"   1000"
    assert zengin.parse_file(spaced, rule=SPACE_RULE).records.equals(records)
    assert (2, "account_number", "account_padding") in codes(zengin.parse_file(spaced))
    zeroed = valid_file()
    assert records_of(zeroed)[1][43:50] == b"0001000"
    refused = zengin.parse_file(zeroed, rule=SPACE_RULE)
    assert (2, "account_number", "account_padding") in codes(refused)
    assert "space" in next(p for p in refused.problems if p.record == 2).message_en
    gap = patch(spaced, 2, 43, b"  10 00")
    assert (2, "account_number", "account_padding") in codes(
        zengin.parse_file(gap, rule=SPACE_RULE))


def test_every_problem_is_counted_and_the_first_thousand_kept() -> None:
    records = records_of(valid_file(3000))
    for r in records[1:-2]:
        r[1:5] = b"ABCD"
    parsed = zengin.parse_file(joined(records))
    assert parsed.problem_count == 3000 and len(parsed.problems) == 1000
    assert [p.record for p in parsed.problems] == list(range(2, 1002))
    assert zengin.parse_file(joined(records), max_problems=5).problem_count == 3000


def test_messages_are_bilingual_and_formatted() -> None:
    assert all(ja and en for ja, en in MESSAGES.values())
    parsed = zengin.parse_file(patch(valid_file(), 2, 80, b"ABCDEFGHIJ"))
    for problem in parsed.problems:
        assert "{" not in problem.message_ja + problem.message_en


# -- volumes ---------------------------------------------------------------------------------


def test_split_volumes_keeps_order_and_limits() -> None:
    records = some_records(10)  # 1,000 .. 10,000 yen
    parts = zengin_write.split_volumes(records, max_records=4)
    assert [(s.start, s.stop) for s in parts] == [(0, 4), (4, 8), (8, 10)]
    parts = zengin_write.split_volumes(records, max_records=100, max_total=10_000)
    assert [(s.start, s.stop) for s in parts] == [(0, 4), (4, 5), (5, 6), (6, 7), (7, 8),
                                                 (8, 9), (9, 10)]
    assert all(records.amount[s].sum() <= 10_000 for s in parts)
    with pytest.raises(zengin_write.ZenginError):
        zengin_write.split_volumes(records, max_records=4, max_total=9_999)


def test_split_volumes_at_the_trailer_limits() -> None:
    records = some_records(250, 9_999_999_999)  # 2.5 trillion yen
    parts = zengin_write.split_volumes(records, MAX_COUNT)
    assert [s.stop - s.start for s in parts] == [100, 100, 50]  # 100 x 9,999,999,999 fits
    assert all(records.amount[s].sum() <= MAX_TOTAL for s in parts)


def test_write_volumes_and_read_back_reconcile() -> None:
    # The counterparty takes 3 records and 10,000 yen per volume, accounts space-padded.
    rule = dataclasses.replace(SPACE_RULE, max_records=3, max_total=10_000)
    records = some_records(8)  # 1,000 .. 8,000 yen
    volumes = zengin_write.write_volumes(Kind.TRANSFER, HEADER, records, rule=rule)
    assert all(v.startswith(b"121") and v.endswith(b"\r\n") for v in volumes)
    back = zengin_write.read_back(volumes, records, kind=Kind.TRANSFER, rule=rule)
    assert back.reconciled and back.identical and back.within_limits
    assert [v.count for v in back.volumes] == [3, 2, 1, 1, 1]
    assert [v.trailer_total for v in back.volumes] == [6000, 9000, 6000, 7000, 8000]
    assert back.count == 8 and back.total == back.expected_total == 36_000
    assert len({v.content_hash for v in back.volumes}) == 5

    lost = zengin_write.read_back(volumes[:2], records, kind=Kind.TRANSFER, rule=rule)
    assert not lost.reconciled and lost.count == 5 and lost.expected_count == 8
    reordered = zengin_write.read_back(volumes[::-1], records, kind=Kind.TRANSFER, rule=rule)
    assert not reordered.reconciled and reordered.total == 36_000 and not reordered.identical
    as_standard = zengin_write.read_back(volumes, records, kind=Kind.TRANSFER, rule=STANDARD)
    assert not as_standard.reconciled
    assert {p.code for _, p in as_standard.problems} == {"account_padding"}


def test_counterparty_rules_are_checked() -> None:
    for bad in ({"max_records": 0}, {"max_records": MAX_COUNT + 1}, {"max_total": 0},
                {"max_total": MAX_TOTAL + 1}, {"extra_name_chars": "\n"},
                {"extra_name_chars": "漢"}):
        with pytest.raises(ValueError):
            CounterpartyRule(**bad)


# -- the desk --------------------------------------------------------------------------------


def naive_totals(records: Records) -> dict[tuple[int, int], list[int]]:
    expected: dict[tuple[int, int], list[int]] = {}
    for bank, branch, amount in zip(records.bank_code.tolist(), records.branch_code.tolist(),
                                    records.amount.tolist(), strict=True):
        expected.setdefault((bank, branch), [0, 0])
        expected[(bank, branch)][0] += 1
        expected[(bank, branch)][1] += amount
    return expected


@pytest.mark.parametrize("with_unreadable_codes", [False, True])
def test_totals_by_bank_and_branch_are_exact(with_unreadable_codes: bool) -> None:
    rng = np.random.default_rng(7)
    n = 5000
    bank = rng.integers(0, 20, n)
    if with_unreadable_codes:  # -1: the parser's value for a code that was not digits
        bank[::97] = -1
    records = Records.build(
        bank_code=bank, branch_code=rng.integers(0, 5, n),
        account_number=rng.integers(1, 10**7, n), amount=rng.integers(1, 10**10, n),
        name="ﾃｽﾄ")
    expected = naive_totals(records)
    by_branch = zengin_desk.totals_by_branch(records)
    assert by_branch.branch_code is not None
    got = {(b, br): [c, t] for b, br, c, t in zip(
        by_branch.bank_code.tolist(), by_branch.branch_code.tolist(), by_branch.count.tolist(),
        by_branch.total.tolist(), strict=True)}
    assert got == expected
    assert list(got) == sorted(got)
    by_bank = zengin_desk.totals_by_bank(records)
    assert by_bank.bank_code.tolist() == sorted({b for b, _ in expected})
    per_bank = {b: sum(t for (bb, _), (_, t) in expected.items() if bb == b)
                for b, _ in expected}
    assert dict(zip(by_bank.bank_code.tolist(), by_bank.total.tolist(), strict=True)) == per_bank
    assert zengin_desk.totals_by_bank(Records.empty()).count.size == 0


def test_priority_order_same_day_first_then_larger_amounts() -> None:
    records = Records.build(bank_code=[1] * 6, branch_code=[1] * 6, account_number=[1] * 6,
                            amount=[500, 100, 900, 100, 700, 900], name="ﾃｽﾄ")
    same_day = np.array([False, True, False, True, True, False])
    order = zengin_desk.priority_order(records, same_day)
    assert order.tolist() == [4, 1, 3, 2, 5, 0]
    with pytest.raises(ValueError, match="one flag per record"):
        zengin_desk.priority_order(records, same_day[:2])
