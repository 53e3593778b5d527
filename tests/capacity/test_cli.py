"""`antei limits import FILE` and `antei limits forecast` (M-2.3, A2-PERF-SET-3, C07)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from antei import cli
from antei.capacity.models import Limit, Measurement
from tests.capacity.conftest import daily, trend

pytestmark = pytest.mark.django_db


def _csv(limit_ref: str, values: Any) -> str:
    rows = daily(values)
    return "limit,at,value\n" + "".join(f"{limit_ref},{r['at']},{r['value']}\n" for r in rows)


def test_import_then_forecast(make_limit: Callable[..., Limit], tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    limit = make_limit(component="ATM-GW-02", kind="disk", name="ディスク")
    make_limit(kind="cpu", name="CPU")
    path = tmp_path / "m.csv"
    path.write_text(_csv("GW/ATM-GW-02/ディスク", trend(100, 30.0, 0.5, noise=0.1)),
                    encoding="utf-8")
    assert cli.main(["limits", "import", str(path)]) == 0
    assert "100 measurements imported" in capsys.readouterr().out
    assert Measurement.objects.filter(limit=limit).count() == 100
    assert cli.main(["limits", "forecast", "--system", "GW"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:4] == ["limit", "days", "breach", "interval"]
    first = lines[1]
    assert f"#{limit.pk}" in first and "ディスク" in first
    days = int(first.split()[4])
    assert 30 <= days <= 50  # 80% now, +0.5 a day


def test_import_with_bad_rows_writes_nothing_and_names_them(
        make_limit: Callable[..., Limit], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    make_limit()
    path = tmp_path / "bad.csv"
    path.write_text("limit,at,value\nGW/ログ領域,2026-01-05T09:00:00+09:00,1\n"
                    "GW/ない,2026-01-05T09:00:00+09:00,x\n", encoding="utf-8")
    assert cli.main(["limits", "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "rows[2].limit: unknown" in err and "rows[2].value: number" in err
    assert Measurement.objects.count() == 0
