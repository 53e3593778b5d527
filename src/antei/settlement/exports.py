"""Resend files and branch lists: the open items in priority order, as Zengin volumes within
the counterparty's limits and field rules, each volume read back and reconciled with the
plan before anything leaves; and per-branch Excel lists of same-day items for manual
processing.

One series of volumes per (kind, settlement date): a Zengin header carries one 振込指定日.
The series are ordered by their first item's priority, so the most urgent volume is the
first file. The requester (依頼人) of a resend is the institution itself
(settings.SETTLEMENT_REQUESTER, a Header's fields).

Catalog: A2-RESP-3 (multi-volume hand-over the counterparty can read), A2-SWA-4 (account
padding per counterparty, applied and checked), A2-SWA-6, A1-II-10, A2-RESP-2, C03.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np

from antei.core import clock
from antei.core.actor import Actor
from antei.core.errors import InvalidInput, field_error
from antei.kernels import zengin_write
from antei.kernels.zengin_layout import (
    MAX_COUNT,
    MAX_TOTAL,
    AccountPadding,
    CounterpartyRule,
    Header,
    Kind,
    Records,
)
from antei.settlement import selectors, services
from antei.settlement.models import CounterpartyFormat, Item

REQUESTER = Header(requester_code="0000000001", requester_name="ｱﾝｴｲｷﾞﾝｺｳ", transfer_date="0101",
                   bank_code=9999, bank_name="ｱﾝｴｲ", branch_code=1, branch_name="ﾎﾝﾃﾝ",
                   account_type=1, account_number=1)


@dataclass
class Volume:
    name: str
    data: bytes
    kind: str
    settlement_date: date
    count: int
    total: int


@dataclass
class Export:
    volumes: list[Volume] = field(default_factory=list)
    branch_lists: dict[str, bytes] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)

    def files(self) -> dict[str, bytes]:
        out = {f"zengin/{v.name}": v.data for v in self.volumes}
        out.update({f"branches/{name}": data for name, data in self.branch_lists.items()})
        out["manifest.json"] = json.dumps(self.manifest, ensure_ascii=False, indent=2,
                                          default=str).encode()
        return out

    def zip(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in self.files().items():
                archive.writestr(name, data)
        return buffer.getvalue()

    def write_to(self, directory: Path) -> list[Path]:
        written = []
        for name, data in self.files().items():
            path = directory / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            written.append(path)
        return written


def counterparty_rule(code: str | None, *, max_records: int | None = None,
                      account_padding: str | None = None) -> CounterpartyRule:
    """The counterparty's stored rule (or the 全銀協 standard), overridden per export."""
    row = CounterpartyFormat.objects.filter(code=code).first() if code else None
    if code and row is None:
        raise InvalidInput.one("counterparty", "unknown", kind="counterparty", value=code)
    padding = account_padding or (row.account_padding if row else "zero")
    if padding not in ("zero", "space"):
        raise InvalidInput.one("account_padding", "settlement_padding")
    records = max_records or (row.max_records if row else MAX_COUNT)
    if not 1 <= records <= MAX_COUNT:
        raise InvalidInput.one("max_records", "settlement_limit", max=MAX_COUNT)
    return CounterpartyRule(name=row.name if row else "全銀協標準",
                            account_padding=AccountPadding(padding), max_records=records,
                            max_total=min(row.max_total, MAX_TOTAL) if row else MAX_TOTAL)


FIELDS = ("id", "bank_code", "branch_code", "account_type", "account_number",
          "recipient_name", "amount", "customer_ref", "edi", "designation", "kind",
          "settlement_date")


def _open_rows(incident_id: int) -> dict[int, tuple[Any, ...]]:
    """The open items' columns by id: one query (never an IN list of a million ids)."""
    rows = Item.objects.filter(incident_id=incident_id, status="unprocessed")
    return {r[0]: r for r in rows.values_list(*FIELDS)}


def _records(ordered: list[tuple[Any, ...]]) -> Records:
    """The items' Zengin columns, in the given order."""
    _, bank, branch, acc_type, account, name, amount, ref, edi, designation, kind, _day = (
        list(c) for c in zip(*ordered, strict=True))
    codes = [e or r for r, e in zip(ref, edi, strict=True)]
    is_transfer = kind[0] == Kind.TRANSFER.value
    return Records.build(
        bank_code=np.array(bank, dtype=np.int64), branch_code=np.array(branch, dtype=np.int64),
        account_type=np.array(acc_type, dtype=np.int64),
        account_number=np.array(account, dtype=np.int64), name=name,
        amount=np.array(amount, dtype=np.int64),
        customer_code1=[c[:10] for c in codes], customer_code2=[c[10:20] for c in codes],
        designation=[d if is_transfer else "" for d in designation],
        edi_flag=["Y" if e and is_transfer else "" for e in edi])


def build(*, actor: Actor, incident_id: int, counterparty: str | None = None,
          max_records: int | None = None, account_padding: str | None = None,
          line_breaks: bool | None = None, now: datetime | None = None) -> Export:
    """Resend volumes in priority order, read back and reconciled; branch lists of the
    same-day items. Refused (InvalidInput) when nothing is open or a volume does not read
    back as written. The export is recorded in the audit log."""
    now = now or clock.now()
    rule = counterparty_rule(counterparty, max_records=max_records,
                             account_padding=account_padding)
    row = CounterpartyFormat.objects.filter(code=counterparty).first() if counterparty else None
    crlf = line_breaks if line_breaks is not None else (row.line_breaks if row else True)
    result = selectors.plan(incident_id, now)
    q = result.queue
    if q.ids.size == 0:
        raise InvalidInput.one("incident", "settlement_nothing_to_export")
    open_rows = _open_rows(incident_id)
    series: dict[tuple[str, date], list[tuple[Any, ...]]] = {}
    for item_id in q.ids.tolist():  # dict keeps first-seen order: the most urgent first
        found = open_rows[item_id]
        series.setdefault((found[10], found[11]), []).append(found)
    export = Export()
    reconciled = []
    number = 0
    for (kind, day), rows in series.items():
        records = _records(rows)
        header = Header(**{**REQUESTER.__dict__, "transfer_date": f"{day:%m%d}"})
        try:
            volumes = zengin_write.write_volumes(Kind(kind), header, records, rule=rule,
                                                 line_breaks=crlf)
        except zengin_write.ZenginError as exc:
            raise InvalidInput([field_error("items", "settlement_readback", value=str(exc))]
                               ) from exc
        check = zengin_write.read_back(volumes, records, kind=Kind(kind), rule=rule)
        if not check.reconciled:
            raise InvalidInput([field_error("volumes", "settlement_readback",
                                            value=f"{kind} {day}")])
        for i, (data, totals) in enumerate(zip(volumes, check.volumes, strict=True), 1):
            number += 1
            name = f"{number:03d}_{kind}_{day:%Y%m%d}_vol{i:02d}of{len(volumes):02d}.txt"
            export.volumes.append(Volume(name, data, kind, day, totals.count, totals.total))
        reconciled.append({"kind": kind, "settlement_date": day.isoformat(),
                           "volumes": len(volumes), "count": check.count,
                           "total": check.total, "planned_count": len(rows),
                           "planned_total": int(records.amount.sum()),
                           "reconciled": check.reconciled})
    export.branch_lists = branch_lists(incident_id, result.plan.business_day)
    export.manifest = {
        "incident": incident_id, "generated_at": now.isoformat(),
        "counterparty": rule.name, "account_padding": rule.account_padding.value,
        "max_records": rule.max_records, "max_total": rule.max_total,
        "line_breaks": crlf, "series": reconciled,
        "volumes": [{"file": v.name, "kind": v.kind,
                     "settlement_date": v.settlement_date.isoformat(),
                     "count": v.count, "total": v.total} for v in export.volumes],
        "count": int(q.ids.size), "total": int(q.amount.sum()),
        "branch_lists": sorted(export.branch_lists),
    }
    services.record_export(actor=actor, incident_id=incident_id, summary={
        k: export.manifest[k] for k in ("counterparty", "account_padding", "max_records",
                                        "count", "total", "volumes")})
    return export


COLUMNS_JA = ("決済日", "銀行", "支店", "種目", "口座番号", "受取人", "金額", "依頼人",
              "顧客番号", "経路", "処理済")


def branch_lists(incident_id: int, day: date) -> dict[str, bytes]:
    """One .xlsx per branch: its open same-day items, largest first, with a column to tick."""
    import openpyxl

    out = {}
    for branch, rows in selectors.same_day_by_branch(incident_id, day).items():
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = f"{branch}"[:31]
        sheet.append([f"当日決済 未処理一覧 {branch} ({day:%Y-%m-%d})"])
        sheet.append(list(COLUMNS_JA))
        for r in rows:
            sheet.append([r["settlement_date"], r["bank_code"], r["branch_code"],
                          r["account_type"], r["account_number"], r["recipient_name"],
                          r["amount"], r["customer"], r["customer_ref"], r["channel"], ""])
        sheet.append([])
        sheet.append(["合計", "", "", "", "", f"{len(rows)}件",
                      sum(r["amount"] for r in rows)])
        buffer = io.BytesIO()
        book.save(buffer)
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in branch)
        out[f"branch_{safe}_{day:%Y%m%d}.xlsx"] = buffer.getvalue()
    return out
