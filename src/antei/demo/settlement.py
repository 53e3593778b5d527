"""A small unprocessed-payment backlog for the demo (C03): a 総合振込 file from the
exchange department, an internet-banking CSV, IB intake suspended, channel capacities.

Loaded through the settlement services; idempotent (a re-import of the same content is
recognised, a suspension is recorded once).
"""

from __future__ import annotations

from datetime import time, timedelta

import numpy as np

from antei.core import clock
from antei.core.actor import Actor
from antei.incidents.models import Incident
from antei.kernels import zengin_write
from antei.kernels.bizcal import JST
from antei.kernels.zengin_layout import Header, Kind, Records
from antei.settlement import services
from antei.settlement.models import Batch, IntakeSuspension

NAMES = ["ﾔﾏﾀﾞ ﾀﾛｳ", "ｽｽﾞｷ ﾊﾅｺ", "ｶ)ｼﾉﾉﾒｼﾖｳｼﾞ", "ｻﾄｳ ｲﾁﾛｳ", "ﾀﾅｶ ｹﾝｼﾞ", "ﾕ)ｱｶﾂｷｼﾖｳﾃﾝ"]


def _zengin(day_offset: int, n: int, seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    day = clock.now().astimezone(JST).date() + timedelta(days=day_offset)
    header = Header(requester_code="0000012345", requester_name="ｶ)ｼﾉﾉﾒｼﾖｳｼﾞ",
                    transfer_date=f"{day:%m%d}", bank_code=9901, bank_name="ｼﾉﾉﾒ",
                    branch_code=101, branch_name="ﾎﾝﾃﾝ", account_type=1, account_number=1234567)
    records = Records.build(
        bank_code=rng.choice([1, 5, 9, 10, 17, 33], size=n).astype(np.int64),
        branch_code=rng.integers(1, 400, size=n), account_number=rng.integers(1, 9_999_999, n),
        amount=np.clip(rng.lognormal(11.5, 1.3, n), 1000, 30_000_000).astype(np.int64),
        name=[NAMES[i % len(NAMES)] for i in range(n)], bank_name="ｷﾞﾝｺｳ",
        designation=[b"7" if i % 3 == 0 else b" " for i in range(n)])
    return zengin_write.write_file(Kind.TRANSFER, header, records, line_breaks=True)


def _csv(n: int) -> bytes:
    day = clock.now().astimezone(JST).date()
    rows = ["settlement_date,bank_code,branch_code,account_number,recipient_name,amount,"
            "customer,branch,channel"]
    for i in range(n):
        rows.append(f"{day.isoformat()},{5 + i % 4:04d},{100 + i % 7:03d},{200000 + i:07d},"
                    f"{NAMES[i % len(NAMES)]},{(i % 9 + 1) * 15000},{NAMES[(i + 2) % 6]},"
                    f"{102 + i % 3},ib")
    return ("\n".join(rows) + "\n").encode("cp932")


def load(*, actor: Actor) -> int:
    """Give the demo's exchange-system incident a backlog; returns batches created."""
    incident = (Incident.objects.filter(title__startswith="為替システム").order_by("-id").first()
                or Incident.objects.order_by("-id").first())
    if incident is None:
        return 0
    before = Batch.objects.filter(incident=incident).count()
    if before:
        return 0  # the backlog's dates follow the day it was loaded: load it once
    for name, data, fmt, channel, department in (
            ("sogo_today.txt", _zengin(0, 180, 1), "zengin", "zengin", "為替部"),
            ("sogo_tomorrow.txt", _zengin(1, 120, 2), "zengin", "zengin", "為替部"),
            ("ib_backlog.csv", _csv(60), "csv", "ib", "IB推進部")):
        services.import_batch(actor=actor, incident_id=incident.pk, format=fmt, data=data,
                              file_name=name, channel=channel, department=department)
    services.set_capacity(actor=actor, incident_id=incident.pk, channel="zengin",
                          items_per_minute=2, opens_at=time(8, 30), cutoff_at=time(15, 30),
                          manual_minutes_per_item=3.0, staff_available=4)
    if not IntakeSuspension.objects.filter(incident=incident, channel="ib").exists():
        services.suspend_intake(actor=actor, incident_id=incident.pk, channel="ib",
                                note="IBの振込受付を一時停止（障害対応）")
    return Batch.objects.filter(incident=incident).count() - before
