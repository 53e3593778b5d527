"""The unprocessed-payment desk's arithmetic over Zengin records: totals and priority order.

After an outage the desk sees how much is stuck per receiving bank and branch, and resends
the urgent transfers first (A2-RESP-2, A2-RESP-3). Everything here is exact integer work on
the ``Records`` columns: bank and branch codes are small integers, so totals are a dense
``np.bincount`` for counts and an int64 ``np.add.at`` for sums (never float sums); codes
outside the range (the -1 of a refused file) fall back to stable radix sorts and
``np.add.reduceat``. The priority order is one sort with the row number in the key, so
equal keys keep their file order and the result is reproducible.

Catalog: A2-RESP-2, A2-RESP-3, A1-II-10.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from antei.kernels.zengin_layout import MAX_AMOUNT, Records

BANK_CODES = 10_000
BRANCH_CODES = 1_000
_ROW_BITS = 24  # rows numbered below the amount in the packed priority key
_FLAG_SHIFT = 58  # above 34 bits of amount from bit 24


@dataclass(frozen=True, eq=False)
class Totals:
    """Count and sum of amounts per key; ``branch_code`` is None for totals per bank."""

    bank_code: NDArray[np.int16]
    branch_code: NDArray[np.int16] | None
    count: NDArray[np.int64]
    total: NDArray[np.int64]


def _group(keys: list[NDArray[np.int16]], amount: NDArray[np.int64]
           ) -> tuple[NDArray[np.intp], NDArray[np.int64], NDArray[np.int64]]:
    """(first row of each group in key order, counts, sums): LSD radix over 16-bit keys."""
    order = np.arange(amount.size)
    for key in reversed(keys):  # least significant key first; each sort is stable
        order = order[np.argsort(key[order], kind="stable")]
    if order.size == 0:
        empty = np.empty(0, dtype=np.int64)
        return np.empty(0, dtype=np.intp), empty, empty
    changed = np.zeros(order.size, dtype=np.bool_)
    changed[0] = True
    for key in keys:
        ordered = key[order]
        changed[1:] |= ordered[1:] != ordered[:-1]
    starts = np.flatnonzero(changed)
    counts = np.diff(np.append(starts, order.size)).astype(np.int64)
    sums = np.add.reduceat(amount[order], starts).astype(np.int64)
    return order[starts], counts, sums


def _dense(key: NDArray[np.int64], size: int, amount: NDArray[np.int64]
           ) -> tuple[NDArray[np.intp], NDArray[np.int64], NDArray[np.int64]]:
    """(keys present, counts, sums) over ``size`` possible keys: bincount and np.add.at."""
    counts = np.bincount(key, minlength=size)
    sums = np.zeros(size, dtype=np.int64)
    np.add.at(sums, key, amount)  # int64 scatter-add: exact, unlike bincount's float weights
    present = np.flatnonzero(counts)
    return present, counts[present].astype(np.int64), sums[present]


def _codes_in_range(codes: NDArray[np.int16], limit: int) -> bool:
    return bool(codes.size and codes.min() >= 0 and codes.max() < limit)


def totals_by_bank(records: Records) -> Totals:
    """Count and total amount per receiving bank (被仕向銀行), in bank-code order."""
    bank = records.bank_code
    if _codes_in_range(bank, BANK_CODES):
        present, counts, sums = _dense(bank.astype(np.int64), BANK_CODES, records.amount)
        return Totals(present.astype(np.int16), None, counts, sums)
    first, counts, sums = _group([bank], records.amount)  # -1 codes of a refused file
    return Totals(bank[first], None, counts, sums)


def totals_by_branch(records: Records) -> Totals:
    """Count and total amount per bank and branch, in (bank, branch) order.

    Bank and branch codes make a key below 10**7, so this is a dense bincount too (three
    arrays of 10**7 int64 for a moment: 240 MB): at 10 million records it is several times
    faster than sorting them.
    """
    bank, branch = records.bank_code, records.branch_code
    if _codes_in_range(bank, BANK_CODES) and _codes_in_range(branch, BRANCH_CODES):
        key = bank.astype(np.int64) * BRANCH_CODES + branch
        present, counts, sums = _dense(key, BANK_CODES * BRANCH_CODES, records.amount)
        return Totals((present // BRANCH_CODES).astype(np.int16),
                      (present % BRANCH_CODES).astype(np.int16), counts, sums)
    first, counts, sums = _group([bank, branch], records.amount)
    return Totals(bank[first], branch[first], counts, sums)


def priority_order(records: Records, same_day: NDArray[np.bool_]) -> NDArray[np.intp]:
    """Row order for resending: same-day transfers first, then larger amounts first.

    Ties keep file order. Amounts have at most 10 digits (below 2**34), so the flag, the
    amount and the row number pack into one int64 - flag at bit 58, amount from bit 24,
    row below - whose plain ``np.sort`` (SIMD, no index array to carry) is the order; with
    more than 2**24 rows it falls back to a stable argsort of flag and amount.
    """
    if same_day.shape != records.amount.shape:
        raise ValueError("same_day must have one flag per record")
    n = records.amount.size
    key = (~same_day).astype(np.int64) << _FLAG_SHIFT
    key |= (MAX_AMOUNT - np.clip(records.amount, 0, MAX_AMOUNT)) << _ROW_BITS
    if n <= 1 << _ROW_BITS:
        key |= np.arange(n, dtype=np.int64)
        key.sort()
        key &= (1 << _ROW_BITS) - 1
        return key.astype(np.intp)
    order: NDArray[np.intp] = np.argsort(key, kind="stable")
    return order
