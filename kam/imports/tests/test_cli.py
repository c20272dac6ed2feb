"""`kam import`: exit codes, the error list, counts, the progress bar."""

from __future__ import annotations

from pathlib import Path

import pytest

from kam.cli import main
from kam.imports.tests.helpers import FIXTURES, snapshot
from kam.portfolio.models import RevenueRecord
from kam.testing import Org

pytestmark = pytest.mark.django_db


def test_kam_import_prints_counts_and_is_rerunnable(
    org: Org, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(FIXTURES / "bitrix24_deals.xls")
    assert main(["import", "revenue", path, "--manager", "admin"]) == 0
    out = capsys.readouterr().out
    assert "created=2" in out
    assert "skipped=1" in out
    assert main(["import", "revenue", path, "--preset", "bitrix24"]) == 0
    assert "created=0 updated=0 unchanged=2" in capsys.readouterr().out
    assert RevenueRecord.objects.filter(source="bitrix24").count() == 2


def test_kam_import_fails_with_every_error_and_writes_nothing(
    org: Org, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("Клиент;ИНН;Дата;Сумма\nA;7707083894;01.02.2025;1\nB;;01.02.2025;1e5\n")
    before = snapshot()
    assert main(["import", "revenue", str(path), "--no-progress", "--manager", "admin"]) == 1
    err = capsys.readouterr().err
    assert "row 2, column 'ИНН', value '7707083894'" in err
    assert "row 3, column 'Сумма', value '1e5'" in err
    assert snapshot() == before


def test_dry_run_and_missing_file(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot()
    path = str(FIXTURES / "amocrm_deals.csv")
    assert main(["import", "revenue", path, "--dry-run", "--no-progress"]) == 0
    assert "dry run" in capsys.readouterr().out
    assert snapshot() == before
    assert main(["import", "clients", "/nonexistent.csv"]) == 1
    assert main(["import", "clients", path, "--manager", "nobody"]) == 1
