"""`kam report health|contrast` and the API: the issue's JSON shapes, scoped by the org chart."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from kam.cli import main
from kam.health.domain import COMPONENTS
from kam.portfolio.models import RevenueRecord
from kam.testing import Org

pytestmark = pytest.mark.django_db


def _churn(org: Org) -> None:
    today = timezone.localdate()
    RevenueRecord.objects.bulk_create(
        RevenueRecord(client=org.client_b1, date=today - timedelta(days=d), amount=Decimal(500))
        for d in range(200, 700, 30)
    )


def test_cli_health_json_shape(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    _churn(org)
    assert main(["report", "health", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"as_of", "clients"}
    by_id = {c["id"]: c for c in data["clients"]}
    assert set(by_id) == {c.pk for c in org.clients}
    item = by_id[org.client_b1.pk]
    assert set(item) == {"id", "name", "health", "components", "alerts"}
    assert set(item["components"]) == set(COMPONENTS)
    assert all(set(v) == {"value", "points"} for v in item["components"].values())
    assert "stopped_buying" in item["alerts"]
    assert 0 <= item["health"] <= 100
    total = sum(v["points"] for v in item["components"].values())
    assert abs(total - item["health"]) <= 1


def test_cli_contrast_json_and_xlsx(
    org: Org, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _churn(org)
    assert main(["report", "contrast", "--format", "json", "--as", "manager_b1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"as_of", "satisfied", "dissatisfied"}
    first = data["dissatisfied"][0]
    assert first["client"]["id"] == org.client_b1.pk
    assert first["evidence"]["stopped_buying"] is True
    assert first["evidence"]["median_gap_days"] == 30
    out = tmp_path / "contrast.xlsx"
    assert main(["report", "contrast", "--format", "xlsx", "--out", str(out)]) == 0
    book = load_workbook(out)
    assert len(book.sheetnames) == 3
    assert book.worksheets[2].cell(row=2, column=1).value == org.client_b1.pk
    assert main(["report", "health", "--format", "table"]) == 0
    assert main(["report", "health", "--as", "nobody"]) == 2


def test_api_scoped(org: Org) -> None:
    _churn(org)
    api = APIClient()
    api.force_authenticate(org.manager_a1)
    data = api.get("/api/v1/health/").json()
    assert {c["id"] for c in data["clients"]} == {org.client_a1.pk}
    contrast = api.get("/api/v1/contrast/").json()
    ids = {c["client"]["id"] for side in ("satisfied", "dissatisfied") for c in contrast[side]}
    assert org.client_b1.pk not in ids
    assert api.get("/api/v1/health/?to=nonsense").status_code == 400
    api.force_authenticate(org.supervisor_b)
    data = api.get("/api/v1/health/", {"to": timezone.localdate().isoformat()}).json()
    assert {c["id"] for c in data["clients"]} == {org.client_b1.pk}
