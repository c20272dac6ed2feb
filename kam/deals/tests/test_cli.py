"""`kam report funnel`: JSON of the issue's shape, a workbook, a table; company scope."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from kam.cli import main
from kam.deals.tests.test_views import _deals
from kam.testing import Org

pytestmark = pytest.mark.django_db


def test_report_funnel_json_xlsx_and_table(
    org: Org, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _deals(org.client_a1, total=10, met=4, won=2)
    _deals(org.client_b1, total=5, met=1, won=0)
    today = timezone.localdate()
    start = (today - timedelta(days=30)).isoformat()
    assert main(["report", "funnel", "--from", start, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["window"] == {"from": start, "to": today.isoformat()}
    assert (data["team"]["consultation"], data["team"]["meeting"], data["team"]["won"]) == (
        15,
        5,
        2,
    )
    assert data["best"] == "Тестов Manager_A1"
    out = tmp_path / "funnel.xlsx"
    assert main(["report", "funnel", "--format", "xlsx", "--out", str(out)]) == 0
    sheet = load_workbook(out).worksheets[1]  # after the summary sheet
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:4] == ("team", 15, 5, 2)
    assert main(["report", "funnel"]) == 0
    assert "Manager_B1" in capsys.readouterr().out
    assert main(["report", "funnel", "--from", "2026-12-31", "--to", "2026-01-01"]) == 2
