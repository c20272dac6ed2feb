"""Portfolio API and `kam report portfolio` give the documented JSON shape."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from django.test import Client as HttpClient
from openpyxl import load_workbook

from kam.cli import main
from kam.testing import Org


def test_api_shape_and_window(org: Org) -> None:
    http = HttpClient()
    http.force_login(org.director)
    body = http.get("/api/v1/portfolio/?from=2026-01-01&to=2026-12-31").json()
    assert body["window"] == {"from": "2026-01-01", "to": "2026-12-31"}
    assert body["total_revenue"] == 3000.0
    assert set(body["top_shares"]) == {"1", "3", "5"}
    first = body["clients"][0]
    assert set(first) == {"id", "name", "inn", "manager", "revenue", "share", "class", "abc"}
    assert abs(sum(c["share"] for c in body["clients"]) - 1) < 1e-5
    assert body["hhi"] == pytest.approx(3333.33, abs=0.01)
    assert body["equivalent_clients"] == pytest.approx(3.0, abs=0.01)


def test_api_rejects_a_bad_window(org: Org) -> None:
    http = HttpClient()
    http.force_login(org.director)
    assert http.get("/api/v1/portfolio/?from=2026-13-01").status_code == 400
    assert http.get("/api/v1/portfolio/?from=2026-05-01&to=2026-01-01").status_code == 400
    # One end only: the other comes from the default window (ending today) and they cross.
    for query in ("from=2999-01-01", "to=1999-01-01"):
        response = http.get(f"/api/v1/portfolio/?{query}")
        assert response.status_code == 400, query
        assert "from" in response.json()


def test_cli_json_and_xlsx(org: Org, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "report",
                "portfolio",
                "--from",
                "2026-01-01",
                "--to",
                "2026-12-31",
                "--format",
                "json",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert len(data["clients"]) == 3
    assert [c["class"] for c in data["clients"]] == ["critical"] * 3  # a third each
    out = tmp_path / "p.xlsx"
    assert (
        main(
            [
                "report",
                "portfolio",
                "--format",
                "xlsx",
                "--out",
                str(out),
                "--from",
                "2026-01-01",
                "--to",
                "2026-12-31",
            ]
        )
        == 0
    )
    book = load_workbook(out)
    # Titles as the web export shows them (Russian by default), dates as dates.
    assert book.sheetnames == ["Сводка", "Клиенты", "Тревоги", "Менеджеры"]
    assert book["Клиенты"].max_row == 4
    assert book["Клиенты"]["C1"].value == "ИНН"
    summary = {row[0]: row[1] for row in book["Сводка"].iter_rows(values_only=True)}
    assert summary["С"].date() == date(2026, 1, 1)
    assert main(["report", "portfolio", "--format", "xlsx"]) == 2
    assert main(["report", "portfolio", "--from", "2026-05-01", "--to", "2026-01-01"]) == 2
