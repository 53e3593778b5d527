"""`antei settlement import|plan|export` as an operator runs them.

Catalog: A1-II-4, A1-II-13, A2-RESP-3, C03.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from antei import cli
from antei.incidents.models import Incident
from antei.kernels import zengin
from antei.settlement.models import Batch, Item
from tests.settlement.conftest import patch, zengin_file

pytestmark = pytest.mark.django_db


def test_import_plan_export(incident: Incident, tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "sogo.txt"
    path.write_bytes(zengin_file(6, line_breaks=True))
    assert cli.main(["settlement", "import", str(path), "--incident", str(incident.pk),
                     "--department", "為替部"]) == 0
    assert "6 items, 21,000 yen, kind 21" in capsys.readouterr().out
    assert cli.main(["settlement", "import", str(path), "--incident", str(incident.pk)]) == 0
    assert "already imported" in capsys.readouterr().out
    assert Batch.objects.count() == 1 and Item.objects.count() == 6

    assert cli.main(["settlement", "plan", "--incident", str(incident.pk), "--top", "3"]) == 0
    out = capsys.readouterr().out
    assert "zengin" in out and "#1 " in out

    out_dir = tmp_path / "out"
    assert cli.main(["settlement", "export", "--incident", str(incident.pk), "--out",
                     str(out_dir), "--max-records", "4"]) == 0
    volumes = sorted((out_dir / "zengin").iterdir())
    assert len(volumes) == 2
    parsed = [zengin.parse_file(v.read_bytes()) for v in volumes]
    assert all(p.ok for p in parsed)
    assert sum(len(p.records) for p in parsed) == 6
    assert (out_dir / "manifest.json").exists()


def test_refused_import_prints_each_problem_and_exits_2(
        incident: Incident, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(patch(zengin_file(4), 3, 80, b"00000X0000"))
    assert cli.main(["settlement", "import", str(path), "--incident", str(incident.pk)]) == 2
    out = capsys.readouterr().out
    assert "records[3].amount\tzengin.not_digits" in out and "nothing imported" in out
    assert Item.objects.count() == 0
