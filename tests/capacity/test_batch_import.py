"""`antei limits import-batch-runs FILE`: batch job runs (start, end, records) from a CSV
file, with the bad-row policy of measurements: one bad row refuses the whole file, every
bad row named with its number and field (A1-I-7, A2-PERF-CAP-1, A2-OPS-PROC-1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from antei import cli
from antei.capacity.models import BatchRun
from antei.core.models import AuditEntry

pytestmark = pytest.mark.django_db

HEADER = "system,job,started_at,ended_at,records\n"


def _write(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "runs.csv"
    path.write_text("\ufeff" + header + body, encoding="utf-8")  # Excel's BOM too
    return path


def test_runs_of_two_systems_are_imported_and_audited(
        bank: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path,
                  "GW,夜間日次,2026-03-02T22:00:00+09:00,2026-03-03T01:30:00+09:00,120000\n"
                  "GW,夜間日次,2026-03-03T22:00:00+09:00,2026-03-04T02:10:00+09:00,\n"
                  "HOST,月末集計,2026-03-31 23:00,2026-04-01 04:00,5000000\n")
    assert cli.main(["limits", "import-batch-runs", str(path)]) == 0
    assert "3 batch runs imported" in capsys.readouterr().out
    runs = {(r.system.code, r.started_at.isoformat()): r
            for r in BatchRun.objects.select_related("system")}
    gw = runs[("GW", "2026-03-02T13:00:00+00:00")]
    assert (gw.job, gw.records) == ("夜間日次", 120000)
    assert (gw.ended_at - gw.started_at).total_seconds() == 3.5 * 3600
    assert runs[("GW", "2026-03-03T13:00:00+00:00")].records is None
    host = runs[("HOST", "2026-03-31T14:00:00+00:00")]  # no offset: Tokyo time
    assert host.records == 5_000_000
    entries = AuditEntry.objects.filter(action="system.batch_runs").order_by("object_repr")
    assert [(e.after["rows"], e.after["source"]) for e in entries] == [(2, "csv"), (1, "csv")]
    # the same file again: the same runs, not twice as many
    assert cli.main(["limits", "import-batch-runs", str(path)]) == 0
    assert BatchRun.objects.count() == 3


def test_bad_rows_refuse_the_whole_file_and_each_is_named(
        bank: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path,
                  "GW,夜間日次,2026-03-02T22:00:00+09:00,2026-03-03T01:30:00+09:00,10\n"
                  "NOPE,夜間日次,2026-03-02T22:00:00+09:00,2026-03-03T01:30:00+09:00,10\n"
                  "GW,,2026-03-02T22:00:00+09:00,2026-03-03T01:30:00+09:00,10\n"
                  "GW,日次,昨日の夜,2026-03-03T01:30:00+09:00,-5\n"
                  "GW,日次,2026-03-03T22:00:00+09:00,2026-03-03T21:00:00+09:00,多い\n")
    assert cli.main(["limits", "import-batch-runs", str(path)]) == 2
    err = capsys.readouterr().err
    assert "nothing imported" in err
    for expected in ("rows[2].system: unknown", "rows[3].job: required",
                     "rows[4].started_at: timestamp", "rows[4].records: integer",
                     "rows[5].ended_at: date_order", "rows[5].records: integer"):
        assert expected in err
    assert "rows[1]" not in err
    assert BatchRun.objects.count() == 0  # the good first row was not written either
    assert not AuditEntry.objects.filter(action="system.batch_runs").exists()


def test_a_file_without_the_columns_is_refused(bank: Any, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "GW,2026-03-02T22:00:00+09:00,10\n", header="system,at,records\n")
    assert cli.main(["limits", "import-batch-runs", str(path)]) == 2
    assert "file: csv_batch_header" in capsys.readouterr().err
    assert BatchRun.objects.count() == 0
