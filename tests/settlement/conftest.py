"""Fixtures of the settlement desk: an incident and Zengin files written by the kernel."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import pytest

from antei.core import clock
from antei.incidents import services as incident_services
from antei.incidents.models import Incident
from antei.kernels import zengin_write
from antei.kernels.bizcal import JST
from antei.kernels.zengin_layout import Header, Kind, Records
from tests import factories

NAMES = ["ﾔﾏﾀﾞ ﾀﾛｳ", "ｽｽﾞｷ ﾊﾅｺ", "ｶ)ﾃｽﾄｼﾖｳｼﾞ", "ｻﾄｳ ｲﾁﾛｳ"]


def today() -> date:
    return clock.now().astimezone(JST).date()


def header(day: date | None = None, *, branch_code: int = 100) -> Header:
    day = day or today()
    return Header(requester_code="1234567890", requester_name="ｶ)ｱﾝｴｲｼﾖｳｼﾞ",
                  transfer_date=f"{day:%m%d}", bank_code=1, bank_name="ﾐｽﾞﾎ",
                  branch_code=branch_code, branch_name="ﾎﾝﾃﾝ", account_type=1,
                  account_number=1234567)


def records(n: int = 4, *, amounts: list[int] | None = None, kind: Kind = Kind.TRANSFER
            ) -> Records:
    built = Records.build(
        bank_code=[5 + i % 3 for i in range(n)], branch_code=[10 * i % 1000 for i in range(n)],
        account_number=[1000 + i for i in range(n)],
        amount=amounts or [1000 * (i + 1) for i in range(n)],
        name=[NAMES[i % 4] for i in range(n)], bank_name="ﾃｽﾄ", branch_name="ﾎﾝﾃﾝ",
        designation=[b"7" if i % 2 and kind is Kind.TRANSFER else b" " for i in range(n)])
    return built


def zengin_file(n: int = 4, *, kind: Kind = Kind.TRANSFER, day: date | None = None,
                amounts: list[int] | None = None, line_breaks: bool = False) -> bytes:
    rows = records(n, amounts=amounts, kind=kind)
    if kind is not Kind.TRANSFER:
        rows = dataclasses.replace(rows, designation=np.full(n, b" ", dtype="S1"))
    return zengin_write.write_file(kind, header(day), rows, line_breaks=line_breaks)


def patch(data: bytes, record: int, start: int, value: bytes) -> bytes:
    """Overwrite bytes of 1-based ``record`` (a file without line breaks)."""
    chunks = [bytearray(data[i:i + 120]) for i in range(0, len(data), 120)]
    chunks[record - 1][start:start + len(value)] = value
    return b"".join(bytes(c) for c in chunks)


@pytest.fixture
def incident(db: None) -> Incident:
    factories.system(code="CORE", name="勘定系", tier="critical")
    return incident_services.open_incident(
        actor=factories.ACTOR, title="為替システム停止", rank=1, systems=["CORE"],
        detected_at=datetime.now(tz=UTC) - timedelta(hours=1))


def item(**kw: Any) -> dict[str, Any]:
    """One JSON/CSV template row."""
    return {"settlement_date": today().isoformat(), "bank_code": "0005", "branch_code": "010",
            "account_number": "1234567", "recipient_name": "ﾔﾏﾀﾞ ﾀﾛｳ", "amount": 10000,
            "customer": "ｶ)ｱﾝｴｲｼﾖｳｼﾞ", "branch": "101", "channel": "zengin"} | kw
