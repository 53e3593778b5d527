"""Framing and structure of a Zengin file: bytes to 120-byte records, records to groups.

Framing decides how records are separated: a line break right after the first record
(byte 120 is LF, or bytes 120-121 are CRLF), or two LFs anywhere, mean line mode; otherwise
the records are back to back. A regular file (every record 120 bytes, one separator after
each, the last optional) becomes a (n, 120) uint8 matrix with one strided copy; anything
else is split at LF, and each line whose content is not 120 bytes is a problem naming it.
Blank lines are not records; they are reported against the record before them.

Structure is the grammar ``(header data* trailer)+ end``, checked on the column of first
bytes with array operations; problems name the record where a rule breaks.

Catalog: A2-SWA-6, A1-II-4, C03.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import as_strided
from numpy.typing import NDArray

from antei.kernels.zengin_layout import (
    DATA_BYTE,
    DATA_KIND,
    END_BYTE,
    HEADER_BYTE,
    RECORD,
    RECORD_LENGTH,
    TRAILER_BYTE,
    RecordKind,
)
from antei.kernels.zengin_problems import Problems

LF, CR = 0x0A, 0x0D
_HASH_ROWS = 8192


@dataclass(frozen=True)
class Framing:
    """The records of a file. ``kinds`` covers every record, ``matrix`` only 120-byte ones."""

    matrix: NDArray[np.uint8]  # (m, 120)
    index: NDArray[np.int64]  # (m,) 0-based record index of each matrix row
    kinds: NDArray[np.uint8]  # (n,) first byte (データ区分) of every record
    line_breaks: bool
    digest: str  # sha256 of the record contents, line breaks left out


def frame(data: bytes | bytearray | memoryview, problems: Problems) -> Framing:
    buf = np.frombuffer(data, dtype=np.uint8)
    n = buf.size
    if n == 0:
        problems.add([1], RecordKind.UNKNOWN, RECORD, "empty_file")
        return Framing(np.empty((0, RECORD_LENGTH), np.uint8), np.empty(0, np.int64),
                       np.empty(0, np.uint8), False, hashlib.sha256(b"").hexdigest())
    lf = int(np.count_nonzero(buf == LF))
    cr = int(np.count_nonzero(buf == CR))
    stride = 0
    if n > RECORD_LENGTH and buf[RECORD_LENGTH] == LF:
        stride = RECORD_LENGTH + 1
    elif n > RECORD_LENGTH + 1 and buf[RECORD_LENGTH] == CR and buf[RECORD_LENGTH + 1] == LF:
        stride = RECORD_LENGTH + 2
    if stride:
        regular = _frame_regular(buf, stride, lf, cr)
        return regular if regular is not None else _frame_lines(buf, problems)
    if lf >= 2:
        return _frame_lines(buf, problems)
    return _frame_plain(buf, lf + cr, problems)


def _frame_plain(buf: NDArray[np.uint8], breaks: int, problems: Problems) -> Framing:
    """Records back to back, no line breaks; a short tail is a truncated final record."""
    m, tail = divmod(buf.size, RECORD_LENGTH)
    matrix = buf[: m * RECORD_LENGTH].reshape(m, RECORD_LENGTH)
    kinds = np.ascontiguousarray(buf[::RECORD_LENGTH])
    if tail:
        problems.add([m + 1], kinds[-1:], RECORD, "truncated", values=[tail])
    if breaks:
        rows = np.unique(np.flatnonzero((buf == LF) | (buf == CR)) // RECORD_LENGTH)
        rows = rows[rows < m]
        problems.add(rows + 1, kinds[rows], RECORD, "line_break_inside")
    return Framing(matrix, np.arange(m, dtype=np.int64), kinds, False,
                   hashlib.sha256(buf.data).hexdigest())


def _frame_regular(buf: NDArray[np.uint8], stride: int, lf: int, cr: int) -> Framing | None:
    """One separator after every record (the last optional), nothing else; or None."""
    full, rest = divmod(buf.size, stride)
    if rest not in (0, RECORD_LENGTH):
        return None
    m = full + (rest == RECORD_LENGTH)
    if lf != full or cr != (full if stride == RECORD_LENGTH + 2 else 0):
        return None
    separators = as_strided(buf[RECORD_LENGTH:], shape=(full, stride - RECORD_LENGTH),
                            strides=(stride, 1), writeable=False)
    if not (separators[:, -1] == LF).all():
        return None
    if stride == RECORD_LENGTH + 2 and not (separators[:, 0] == CR).all():
        return None
    matrix = as_strided(buf, shape=(m, RECORD_LENGTH), strides=(stride, 1), writeable=False)
    digest = hashlib.sha256()
    for start in range(0, m, _HASH_ROWS):  # a chunk at a time: no second copy of the file
        digest.update(np.ascontiguousarray(matrix[start:start + _HASH_ROWS]).data)
    return Framing(matrix, np.arange(m, dtype=np.int64), matrix[:, 0].copy(), True,
                   digest.hexdigest())


def _spans(n: int, starts: NDArray[np.int64], stops: NDArray[np.int64]) -> NDArray[np.bool_]:
    """A mask of the bytes in [starts[i], stops[i]) for disjoint, non-touching spans."""
    edges = np.zeros(n + 1, dtype=np.int8)
    edges[starts] = 1
    edges[stops] -= 1
    mask: NDArray[np.bool_] = np.cumsum(edges[:n], dtype=np.int8).astype(np.bool_)
    return mask


def _frame_lines(buf: NDArray[np.uint8], problems: Problems) -> Framing:
    """Split at LF (a CR before it is dropped); lines must hold 120 bytes."""
    n = buf.size
    breaks = np.flatnonzero(buf == LF)
    starts = np.concatenate([[0], breaks + 1]).astype(np.int64)
    ends = np.concatenate([breaks, [n]]).astype(np.int64)
    if starts[-1] == n:  # the file ends with a line break
        starts, ends = starts[:-1], ends[:-1]
    has_cr = (ends > starts) & (buf[np.maximum(ends - 1, 0)] == CR)
    lengths = ends - starts - has_cr
    is_record = lengths > 0
    records_so_far = np.cumsum(is_record)
    blank_lines = np.flatnonzero(~is_record)
    if blank_lines.size:
        problems.add(np.maximum(records_so_far[blank_lines], 1), RecordKind.UNKNOWN, RECORD,
                     "blank_line")
    starts, lengths = starts[is_record], lengths[is_record]
    if starts.size == 0:
        problems.add([1], RecordKind.UNKNOWN, RECORD, "empty_file")
    kinds = buf[starts]
    wrong = np.flatnonzero(lengths != RECORD_LENGTH)
    problems.add(wrong + 1, kinds[wrong], RECORD, "length", values=lengths[wrong])
    index = np.flatnonzero(lengths == RECORD_LENGTH)
    keep = _spans(n, starts[index], starts[index] + RECORD_LENGTH)
    matrix = buf[keep].reshape(-1, RECORD_LENGTH)
    inside = np.flatnonzero((matrix == CR).any(axis=1))  # LF cannot be inside a line
    problems.add(index[inside] + 1, kinds[index[inside]], RECORD, "line_break_inside")
    content = buf[_spans(n, starts, starts + lengths)]
    return Framing(matrix, index.astype(np.int64), kinds, True,
                   hashlib.sha256(content.data).hexdigest())


# -- structure ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Structure:
    """Groups found by the grammar. ``group_of[i]``: 1-based group of record i, 0 before any.

    Records after the first end record belong to no group (they are a problem already).
    """

    end_at: int  # 0-based index of the first end record (n if none)
    group_of: NDArray[np.int64]  # (n,)
    headers: NDArray[np.int64]  # (g,) 0-based record index of each group's header
    trailers: NDArray[np.int64]  # (g,) record index of its first trailer, -1 if none
    stops: NDArray[np.int64]  # (g,) record index just past the group


def structure(kinds: NDArray[np.uint8], problems: Problems) -> Structure:
    """Check ``(header data* trailer)+ end`` on the first bytes of all records."""
    n = kinds.size
    numbers = np.arange(1, n + 1, dtype=np.int64)
    unknown = ~np.isin(kinds, [HEADER_BYTE, DATA_BYTE, TRAILER_BYTE, END_BYTE])
    problems.add(numbers[unknown], RecordKind.UNKNOWN, DATA_KIND, "unknown_kind",
                 found=kinds[unknown][:, None])
    if n and kinds[0] != HEADER_BYTE:
        problems.add([1], kinds[:1], DATA_KIND, "header_not_first")

    ends = np.flatnonzero(kinds == END_BYTE)
    end_at = int(ends[0]) if ends.size else n
    if not ends.size and n:
        problems.add([n + 1], RecordKind.END, DATA_KIND, "missing_end")
    elif end_at < n - 1:
        problems.add([end_at + 2], kinds[end_at + 1:end_at + 2], RECORD, "after_end",
                     values=[n - end_at - 1])

    body = kinds[:end_at]
    group_of = np.zeros(n, dtype=np.int64)
    group_of[:end_at] = np.cumsum(body == HEADER_BYTE)
    headers = np.flatnonzero(body == HEADER_BYTE)
    g = headers.size
    stops = np.append(headers[1:], end_at).astype(np.int64)

    trailer_at = np.flatnonzero(body == TRAILER_BYTE)
    trailer_group = group_of[trailer_at]
    in_group = trailer_group > 0
    trailer_at, trailer_group = trailer_at[in_group], trailer_group[in_group]
    first = np.full(g + 1, -1, dtype=np.int64)
    is_first = np.ones(trailer_at.size, dtype=np.bool_)
    is_first[1:] = trailer_group[1:] != trailer_group[:-1]
    first[trailer_group[is_first]] = trailer_at[is_first]
    problems.add(trailer_at[~is_first] + 1, RecordKind.TRAILER, DATA_KIND, "extra_trailer")

    missing = np.flatnonzero(first[1:] < 0)
    found_instead = np.append(kinds, TRAILER_BYTE)[stops[missing]]  # n: past the last record
    problems.add(stops[missing] + 1, found_instead, DATA_KIND, "missing_trailer",
                 values=headers[missing] + 1)

    data_at = np.flatnonzero(body == DATA_BYTE)
    data_group = group_of[data_at]
    first_trailer = first[data_group]
    late = (data_group > 0) & (first_trailer >= 0) & (data_at > first_trailer)
    problems.add(data_at[late] + 1, RecordKind.DATA, DATA_KIND, "data_after_trailer")

    data_count = np.bincount(data_group, minlength=g + 1)[1:]
    empty = np.flatnonzero(data_count == 0)
    problems.add(headers[empty] + 1, RecordKind.HEADER, RECORD, "empty_group")
    return Structure(end_at, group_of, headers.astype(np.int64), first[1:], stops)
