"""Downloads: XLSX and CSV of lists and reports, scoped to the viewer, never confidential."""

from __future__ import annotations

import io

import pytest
from django.test import Client as HttpClient
from openpyxl import load_workbook

from kam.core.exporting import csv_value, safe_cell
from kam.testing import Org, canary

pytestmark = pytest.mark.django_db

VISIBLE = {
    "manager_a1": {"client_a1"},
    "supervisor_a": {"client_a1", "client_a2"},
    "director": {"client_a1", "client_a2", "client_b1"},
}


def _http(org: Org, persona: str) -> HttpClient:
    http = HttpClient()
    user = org.persona(persona)
    assert user is not None
    http.force_login(user)
    return http


def _text(response) -> str:
    if response["Content-Type"].startswith("text/csv"):
        return str(response.content.decode("utf-8-sig"))
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return "\n".join(
        ";".join("" if v is None else str(v) for v in row)
        for row in book.worksheets[0].iter_rows(values_only=True)
    )


@pytest.mark.parametrize("persona", sorted(VISIBLE))
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_client_list_export_is_scoped_and_confidential_free(
    org: Org, persona: str, fmt: str
) -> None:
    http = _http(org, persona)
    text = _text(http.get("/clients/", {"format": fmt, "status": "all"}))
    for key in ("client_a1", "client_a2", "client_b1"):
        client = getattr(org, key)
        assert (client.name in text) is (key in VISIBLE[persona])
        assert canary(client) not in text


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_portfolio_export_is_scoped(org: Org, fmt: str) -> None:
    window = {"preset": "custom", "date_from": "2026-01-01", "date_to": "2026-12-31"}
    response = _http(org, "manager_a1").get("/portfolio/", {**window, "format": fmt})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    text = _text(response)
    assert org.client_a1.name in text
    assert org.client_b1.name not in text


def test_client_list_export_honours_filters(org: Org) -> None:
    text = _text(_http(org, "director").get("/clients/", {"format": "csv", "q": "Бета"}))
    assert org.client_b1.name in text
    assert org.client_a1.name not in text


def test_users_export_is_for_admins(org: Org) -> None:
    assert _http(org, "director").get("/accounts/users/", {"format": "csv"}).status_code == 403
    text = _text(_http(org, "admin").get("/accounts/users/", {"format": "xlsx"}))
    assert "manager_a1" in text


def test_csv_is_what_russian_excel_opens() -> None:
    from datetime import date
    from decimal import Decimal

    assert csv_value(Decimal("1234.5")) == "1234,50"
    assert csv_value(date(2025, 2, 1)) == "01.02.2025"
    assert csv_value("=HYPERLINK()") == "'=HYPERLINK()"
    assert csv_value("\tx") == "'\tx"
    assert safe_cell(-5) == -5
