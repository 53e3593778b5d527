"""Zengin files under hypothesis: garbage never raises, valid files round-trip, one changed
byte is either harmless, confined to its own record, or reported against that record.

Pure tests (no database). Catalog: A2-SWA-6, A1-II-4, A1-II-10, C03.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from hypothesis import event, given, settings
from hypothesis import strategies as st

from antei.kernels import zengin, zengin_write
from antei.kernels.zengin_layout import (
    ACCOUNT_TYPES,
    D_AMOUNT,
    EDI_CHARS,
    MAX_AMOUNT,
    NAME_CHARS,
    AccountPadding,
    CounterpartyRule,
    Header,
    Kind,
    Records,
)
from antei.kernels.zengin_problems import MESSAGES

SEPARATORS = [b"", b"\r\n", b"\n"]


def names(max_size: int, *, required: bool = False) -> st.SearchStrategy[str]:
    text = st.text(alphabet=NAME_CHARS, min_size=int(required), max_size=max_size)
    return text.filter(lambda s: s.strip(" ")) if required else text


def digit_strings(size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=size, max_size=size)


@st.composite
def headers(draw: st.DrawFn, kind: Kind) -> Header:
    day = draw(st.dates(date(2024, 1, 1), date(2024, 12, 31)))  # a leap year: 0229 too
    return Header(
        requester_code=draw(digit_strings(10)),
        requester_name=draw(names(40, required=True)),
        transfer_date=day.strftime("%m%d"),
        bank_code=draw(st.integers(0, 9999)), bank_name=draw(names(15)),
        branch_code=draw(st.integers(0, 999)), branch_name=draw(names(15)),
        account_type=int(chr(draw(st.sampled_from(list(ACCOUNT_TYPES[kind]))))),
        account_number=draw(st.integers(1, 9_999_999)),
    )


@st.composite
def rows(draw: st.DrawFn, kind: Kind) -> dict[str, int | str | bytes]:
    edi = kind is Kind.TRANSFER and draw(st.booleans())
    if edi or kind is Kind.DIRECT_DEBIT:
        codes = draw(st.text(alphabet=EDI_CHARS, max_size=20)).encode("cp932").ljust(20)
    else:
        plain = st.text(alphabet="0123456789 ", min_size=10, max_size=10)
        codes = (draw(plain) + draw(plain)).encode()
    designation = {Kind.TRANSFER: "78 ", Kind.DIRECT_DEBIT: "0123456789 "}.get(kind, " ")
    return {
        "bank_code": draw(st.integers(0, 9999)), "bank_name": draw(names(15)),
        "branch_code": draw(st.integers(0, 999)), "branch_name": draw(names(15)),
        "clearing_house": b"" if kind is Kind.DIRECT_DEBIT else draw(
            st.sampled_from(["", "0000"]) | digit_strings(4)),
        "account_type": int(chr(draw(st.sampled_from(list(ACCOUNT_TYPES[kind]))))),
        "account_number": draw(st.integers(1, 9_999_999)),
        "name": draw(names(30, required=True)),
        "amount": draw(st.integers(1, MAX_AMOUNT)),
        "new_code": draw(st.sampled_from("012 ")),
        "customer_code1": codes[:10], "customer_code2": codes[10:],
        "designation": draw(st.sampled_from(designation)),
        "edi_flag": "Y" if edi else " ",
    }


@dataclass(frozen=True)
class Case:
    kind: Kind
    header: Header
    records: Records
    rule: CounterpartyRule
    separator: bytes
    data: bytes


@st.composite
def cases(draw: st.DrawFn) -> Case:
    kind = draw(st.sampled_from(list(Kind)))
    drawn = draw(st.lists(rows(kind), min_size=1, max_size=12))
    records = Records.build(**{key: [row[key] for row in drawn] for key in drawn[0]})
    header = draw(headers(kind))
    padding = draw(st.sampled_from(list(AccountPadding)))
    separator = draw(st.sampled_from(SEPARATORS))
    plain = zengin_write.write_file(kind, header, records, line_breaks=False,
                                    pad_account=padding is AccountPadding.ZERO)
    data = b"".join(plain[i:i + 120] + separator for i in range(0, len(plain), 120))
    if separator and draw(st.booleans()):
        data = data[: -len(separator)]  # the last break is optional
    return Case(kind, header, records, CounterpartyRule(account_padding=padding), separator,
                data)


def check_invariants(parsed: zengin.ParsedFile) -> None:
    assert parsed.problem_count >= len(parsed.problems)
    assert len(parsed.problems) <= 1000
    assert [p.record for p in parsed.problems] == sorted(p.record for p in parsed.problems)
    for problem in parsed.problems:
        assert 1 <= problem.record <= parsed.record_count + 1
        assert problem.code in MESSAGES and problem.message_ja and problem.message_en
    assert len(parsed.records) == parsed.record_numbers.size == parsed.group_index.size


@given(st.binary(max_size=3000))
def test_arbitrary_bytes_only_ever_give_problems(data: bytes) -> None:
    parsed = zengin.parse_file(data)
    check_invariants(parsed)
    assert not parsed.ok  # random bytes are never a valid Zengin file


chunks = st.tuples(st.sampled_from(b"12389X"), st.binary(max_size=125),
                   st.sampled_from(SEPARATORS))


@given(st.lists(chunks, max_size=20))
def test_record_shaped_garbage_only_ever_gives_problems(
        parts: list[tuple[int, bytes, bytes]]) -> None:
    data = b"".join(bytes([kind]) + body.ljust(119, b" ")[: 119 + len(body) % 3] + separator
                    for kind, body, separator in parts)
    check_invariants(zengin.parse_file(data))
    check_invariants(zengin.parse_file(data, expect_kind=Kind.DIRECT_DEBIT, max_problems=3))


@settings(deadline=None)
@given(cases())
def test_valid_files_round_trip(case: Case) -> None:
    parsed = zengin.parse_file(case.data, expect_kind=case.kind, rule=case.rule)
    assert parsed.problems == []
    assert parsed.kind is case.kind and parsed.header == case.header
    assert parsed.records.equals(case.records)
    assert parsed.trailer_count == len(case.records)
    assert parsed.trailer_total == int(case.records.amount.sum())
    assert parsed.line_breaks is bool(case.separator)
    back = zengin_write.read_back([case.data], case.records, kind=case.kind, rule=case.rule)
    assert back.reconciled


def rows_that_differ(a: Records, b: Records) -> set[int]:
    differ: set[int] = set()
    for name, column in a.columns().items():
        differ |= set(np.flatnonzero(column != b.columns()[name]).tolist())
    return differ


@settings(deadline=None, max_examples=300)
@given(cases(), st.data())
def test_one_changed_byte_is_harmless_local_or_reported_at_its_record(
        case: Case, data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(case.data) - 1))
    old = case.data[position]
    new = data.draw(st.integers(0, 255).filter(lambda b: b != old))
    mutated = case.data[:position] + bytes([new]) + case.data[position + 1:]
    parsed = zengin.parse_file(mutated, expect_kind=case.kind, rule=case.rule)
    check_invariants(parsed)

    stride = 120 + len(case.separator)
    record, offset = divmod(position, stride)
    record += 1  # 1-based; a record's line break belongs to it
    n = len(case.records)
    trailer = n + 2
    if parsed.problems:
        named = {p.record for p in parsed.problems}
        # A digit changed into another digit in an amount is only visible in the total.
        in_amount = 2 <= record <= n + 1 and D_AMOUNT.start <= offset < D_AMOUNT.stop
        assert record in named or (in_amount and trailer in named), (record, parsed.problems)
        event("reported at its record" if record in named else "reported at the trailer")
        return
    event("no problem, change confined to its record")
    # No problem: the change is in a field that was free to take the new byte, so nothing
    # outside that record moved.
    assert len(parsed.records) == n
    allowed_rows = {record - 2} if 2 <= record <= n + 1 else set()
    assert rows_that_differ(parsed.records, case.records) <= allowed_rows
    if record != 1:
        assert parsed.header == case.header
    assert parsed.trailer_count == n
    assert parsed.trailer_total == int(case.records.amount.sum())
