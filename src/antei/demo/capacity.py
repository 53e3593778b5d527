"""Demo limits of 東雲銀行 with two years of daily peaks (issue 7; C07, C08).

Deterministic (one seeded generator, dates relative to the load day like the incident
history) and idempotent: a limit is created only when missing (by system, component, kind
and name), its readings only when it has none. The three cases the issue asks for:

- ATMC-SV01's log area reaches 100% next month, before its next archive (A2-PERF-SET-3);
- CORE's daily transfer sequence number (5 digits, wraps to 1) comes near 99,999 on
  month-ends and 五十日 (A2-SWA-8, A1-I-26);
- FX-AP01-S, the standby of FX-AP01, has a smaller Zengin send-file limit than its active
  (A1-I-8).

Also: the IB web -> application -> DB connection chain (A2-PERF-CAP-3), direct-debit input
-> output record counts (A2-PERF-SET-6), the interest-amount digits nobody has reviewed
since 2004 (A2-PERF-SET-7), and batch runs: CORE's night batch reaching into the online
start on month-ends (A1-I-7), a LOANS job timed at 0 s since a faster CPU (A2-PERF-CAP-1).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np

from antei.calendars import selectors as calendar_selectors
from antei.capacity import selectors, services
from antei.capacity.models import BatchRun, Limit, LimitLink, Measurement
from antei.core import clock
from antei.core.actor import Actor

DAYS = 730
SEED = 20_260_401


def _limits(today: date) -> list[dict[str, Any]]:
    return [
        {"system": "ATMC", "component": "ATMC-SV01", "kind": "log_area", "name": "ログ領域",
         "layer": "os", "value": 100, "unit": "%", "warning": 80, "critical": 90,
         "overflow": "stop", "owner_department": "OPS", "review_interval_days": 365,
         "last_reviewed_on": today - timedelta(days=200), "housekeeping_interval_days": 365,
         "next_housekeeping_on": today + timedelta(days=65),
         "description": "取引ログ。年1回テープへアーカイブ。"},
        {"system": "ATMC", "component": "ATMC-SV01-S", "kind": "log_area", "name": "ログ領域",
         "layer": "os", "value": 100, "unit": "%", "warning": 80, "critical": 90,
         "owner_department": "OPS"},
        {"system": "CORE", "component": "CORE-PKG", "kind": "sequence_per_day",
         "name": "振込受付通番", "layer": "package", "value": 99_999, "unit": "件",
         "warning": 85_000, "critical": 95_000, "overflow": "wrap", "margin_percent": 20,
         "owner_department": "SYS", "review_interval_days": 365,
         "last_reviewed_on": today - timedelta(days=300),
         "description": "5桁の日次通番。上限を超えると1に戻り、重複で取引が停止する（A2-SWA-8）。"},
        {"system": "CORE", "component": "CORE-PKG", "kind": "numeric_digits",
         "name": "利息金額", "layer": "application", "value": 9_999_999_999, "unit": "円",
         "warning": 8_000_000_000, "critical": 9_000_000_000, "overflow": "truncate",
         "review_interval_days": 3650, "last_reviewed_on": date(2004, 4, 1),
         "owner_department": "SYS"},
        {"system": "CORE", "component": "CORE-DB01", "kind": "cpu", "name": "CPU使用率",
         "layer": "os", "value": 100, "unit": "%", "warning": 70, "critical": 85,
         "has_production_equivalent_test": True, "owner_department": "OPS"},
        {"system": "CORE", "component": "CORE-STG01", "kind": "disk", "name": "DBデータ領域",
         "layer": "dbms", "value": 4000, "unit": "GB", "warning": 3200, "critical": 3600,
         "owner_department": "OPS", "housekeeping_interval_days": 182,
         "next_housekeeping_on": today + timedelta(days=120)},
        {"system": "FX", "component": "FX-AP01", "kind": "file_size",
         "name": "全銀送信ファイル", "layer": "application", "value": 2048, "unit": "MB",
         "warning": 1600, "critical": 1850, "owner_department": "SYS"},
        {"system": "FX", "component": "FX-AP01-S", "kind": "file_size",
         "name": "全銀送信ファイル", "layer": "application", "value": 1024, "unit": "MB",
         "warning": 800, "critical": 900, "owner_department": "SYS"},
        {"system": "IB", "component": "IB-WEB01", "kind": "connection_pool",
         "name": "同時接続数", "layer": "package", "value": 4000, "unit": "本",
         "warning": 3200, "critical": 3600, "owner_department": "OPS"},
        {"system": "IB", "component": "IB-AP01", "kind": "connection_pool",
         "name": "APスレッド数", "layer": "package", "value": 1500, "unit": "本",
         "warning": 1200, "critical": 1350, "owner_department": "OPS"},
        {"system": "IB", "component": "IB-DB01", "kind": "connection_pool",
         "name": "DB接続プール", "layer": "dbms", "value": 600, "unit": "本",
         "warning": 480, "critical": 540, "owner_department": "OPS"},
        {"system": "DDS", "component": None, "kind": "input_records", "name": "引落依頼件数",
         "layer": "application", "value": 500_000, "unit": "件", "warning": 400_000,
         "critical": 450_000, "owner_department": "SYS"},
        {"system": "DDS", "component": None, "kind": "output_records", "name": "振替結果件数",
         "layer": "application", "value": 450_000, "unit": "件", "warning": 360_000,
         "critical": 400_000, "owner_department": "SYS"},
    ]


# (upstream, downstream) by (system, name): the data flows.
_LINKS = ((("IB", "同時接続数"), ("IB", "APスレッド数")),
          (("IB", "APスレッド数"), ("IB", "DB接続プール")),
          (("DDS", "引落依頼件数"), ("DDS", "振替結果件数")))


def _series(today: date) -> dict[tuple[str, str | None, str], Callable[[], np.ndarray]]:
    rng = np.random.default_rng(SEED)
    days = np.array([today - timedelta(days=DAYS - 1 - i) for i in range(DAYS)])
    cal = calendar_selectors.bank_calendar()
    business = np.array([cal.is_business_day(d) for d in days])
    month_end = np.array([cal.last_business_day(d.year, d.month) == d for d in days])
    gotoo = np.array([d.day in (5, 10, 15, 20, 25, 30) for d in days]) & business
    t = np.arange(DAYS)

    def log_area() -> np.ndarray:
        # Archived 300 days ago (and a year before that); ~0.27 %/day since: 100% next month.
        since = (t - (DAYS - 300)) % 365
        growth = np.where(business, 0.30, 0.20)
        total = np.cumsum(growth)
        first = np.maximum(0, t - since)  # the day of the last archive
        level = total - total[first] + growth[first]
        return np.asarray(11.0 + level + rng.normal(0, 0.05, DAYS), dtype=float)

    def standby_log() -> np.ndarray:
        return log_area() * 0.4

    def sequence() -> np.ndarray:
        base = 36_000 * np.exp(np.log(1.08) * (t - DAYS) / 365)  # +8% a year
        factor = np.where(business, 1.0, 0.35) * np.where(month_end, 2.45, 1.0) \
            * np.where(gotoo & ~month_end, 1.45, 1.0)
        return np.asarray(np.round(base * factor * rng.lognormal(0, 0.03, DAYS)), dtype=float)

    def interest() -> np.ndarray:
        return np.asarray(np.round(1.2e9 * np.exp(t / 2000) * rng.lognormal(0, 0.05, DAYS)),
                          dtype=float)

    def cpu() -> np.ndarray:
        return np.asarray(np.clip(38 + 14 * month_end + 6 * business + rng.normal(0, 3, DAYS),
                                  0, 100), dtype=float)

    def disk() -> np.ndarray:
        return 2100 + np.cumsum(np.where(business, 1.2, 0.4)) + rng.normal(0, 2, DAYS)

    def zengin_file() -> np.ndarray:
        return np.asarray(np.where(business, 520, 40) * np.where(month_end, 1.7, 1.0) \
            * np.where(gotoo, 1.25, 1.0) * rng.lognormal(0, 0.04, DAYS), dtype=float)

    def web() -> np.ndarray:
        return 2200 * np.exp((t - DAYS) / 1400) * np.where(gotoo | month_end, 1.3, 1.0) \
            * rng.lognormal(0, 0.05, DAYS)

    def app() -> np.ndarray:
        return 800 * np.exp((t - DAYS) / 1400) * np.where(gotoo | month_end, 1.3, 1.0) \
            * rng.lognormal(0, 0.05, DAYS)

    def db() -> np.ndarray:
        return 330 * np.exp((t - DAYS) / 1400) * np.where(gotoo | month_end, 1.3, 1.0) \
            * rng.lognormal(0, 0.05, DAYS)

    def dd_in() -> np.ndarray:
        pension = np.array([d.day == 15 and d.month % 2 == 0 for d in days])
        return np.asarray(np.where(business, 80_000, np.nan) * np.where(gotoo, 1.8, 1.0) \
            * np.where(month_end | pension, 2.3, 1.0) * rng.lognormal(0, 0.04, DAYS),
            dtype=float)

    def dd_out() -> np.ndarray:
        return dd_in() * 0.97

    return {("ATMC", "ATMC-SV01", "ログ領域"): log_area,
            ("ATMC", "ATMC-SV01-S", "ログ領域"): standby_log,
            ("CORE", "CORE-PKG", "振込受付通番"): sequence,
            ("CORE", "CORE-PKG", "利息金額"): interest,
            ("CORE", "CORE-DB01", "CPU使用率"): cpu,
            ("CORE", "CORE-STG01", "DBデータ領域"): disk,
            ("FX", "FX-AP01", "全銀送信ファイル"): zengin_file,
            ("IB", "IB-WEB01", "同時接続数"): web,
            ("IB", "IB-AP01", "APスレッド数"): app,
            ("IB", "IB-DB01", "DB接続プール"): db,
            ("DDS", None, "引落依頼件数"): dd_in,
            ("DDS", None, "振替結果件数"): dd_out}


def load(*, actor: Actor) -> int:
    """Create the missing demo limits, links and readings; returns the limits created."""
    today = selectors.today()
    existing = {(x.system.code, x.component.name if x.component else None, x.name): x
                for x in Limit.objects.select_related("system", "component")}
    created = 0
    for row in _limits(today):
        key = (row["system"], row["component"], row["name"])
        if key not in existing:
            existing[key] = services.create_limit(actor=actor, **row)
            created += 1
    by_name = {(k[0], k[2]): v for k, v in existing.items()}
    for up, down in _LINKS:
        a, b = by_name.get(up), by_name.get(down)
        if a and b and not LimitLink.objects.filter(upstream=a, downstream=b).exists():
            services.link_limits(actor=actor, upstream=a.pk, downstream=b.pk)
    zone = clock.display_zone()
    start = today - timedelta(days=DAYS - 1)
    stamps = [datetime.combine(start + timedelta(days=i), time(0), zone) for i in range(DAYS)]
    filled = set(Measurement.objects.values_list("limit_id", flat=True).distinct())
    for key, make in _series(today).items():
        limit = existing.get(key)
        values = make()
        if limit is None or limit.pk in filled or key == ("ATMC", "ATMC-SV01-S", "ログ領域"):
            continue  # the standby's readings stop: nothing is logged there (stale)
        services.record_measurements(actor=actor, limit_id=limit.pk, source="demo", rows=[
            {"at": at, "value": float(v)} for at, v in zip(stamps, values, strict=True)
            if np.isfinite(v)])
    _batch_runs(actor, today, zone)
    return created


def _batch_runs(actor: Actor, today: date, zone: Any) -> None:
    """CORE's night batch grows towards the 07:00 online start, month-ends first (A1-I-7);
    LOANS' interest sub-job has measured 0 s since a CPU upgrade 40 days ago (A2-PERF-CAP-1)."""
    rng = np.random.default_rng(SEED + 1)
    cal = calendar_selectors.bank_calendar()
    for system, make in (("CORE", _night_batch), ("LOANS", _interest_job)):
        if BatchRun.objects.filter(system__code=system).exists():
            continue
        rows = []
        for i in range(DAYS - 1):  # the last night's run may still be going
            day = today - timedelta(days=DAYS - 1 - i)
            rows.extend(make(day, i, cal, rng, zone))
        services.record_batch_runs(actor=actor, system=system, rows=rows)


def _night_batch(day: date, i: int, cal: Any, rng: np.random.Generator,
                 zone: Any) -> list[dict[str, Any]]:
    start = datetime.combine(day, time(23, 30), zone)
    minutes = 330 + 0.12 * i + rng.normal(0, 6)
    if cal.last_business_day(day.year, day.month) == day:
        minutes += 45
    return [{"job": "夜間バッチ", "started_at": start,
             "ended_at": start + timedelta(minutes=float(minutes))}]


def _interest_job(day: date, i: int, cal: Any, rng: np.random.Generator,
                  zone: Any) -> list[dict[str, Any]]:
    if not cal.is_business_day(day):
        return []
    start = datetime.combine(day, time(0, 40), zone)
    seconds = 2.6 + rng.normal(0, 0.3) if i < DAYS - 40 else 0.3 + rng.normal(0, 0.05)
    return [{"job": "延滞・利息計算（利息算出）", "started_at": start,
             "ended_at": start + timedelta(seconds=float(seconds))}]
