"""An admin imports an amoCRM deals export in the browser: upload, preview, confirm."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kam.portfolio.models import RevenueRecord
from kam.testing import PASSWORD, Org

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FIXTURE = Path(__file__).resolve().parents[2] / "kam/imports/tests/fixtures/amocrm_deals.csv"


def test_admin_imports_amocrm_deals(
    live_server: Any, page: Any, org: Org, settings: Any, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path  # uploads stay out of the checkout's var/
    page.goto(f"{live_server.url}/")
    page.get_by_label("Логин").fill("admin")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.goto(f"{live_server.url}/imports/")
    page.select_option("#id_kind", "revenue")
    page.set_input_files("#id_file", str(FIXTURE))
    page.locator("#import-form button[type=submit]").click()

    summary = page.locator("#summary")
    summary.wait_for()
    assert "Поставка бумаги" in page.content()  # the preview of the first rows
    assert "Дата закрытия" in page.content()  # the column mapping
    assert RevenueRecord.objects.filter(source="amocrm").count() == 0

    page.locator("form[action$='/confirm/'] button").click()
    page.wait_for_url("**/imports/*/")
    page.locator("#summary").wait_for()
    assert RevenueRecord.objects.filter(source="amocrm").count() == 3


REAL = FIXTURE.parent / "real"


@pytest.mark.parametrize(
    ("name", "created"),
    [("excel_title_totals.xlsx", 4), ("sales_binary.xls", 3), ("bitrix24_deals.xls", 5)],
)
def test_admin_uploads_real_spreadsheets(
    live_server: Any, page: Any, org: Org, settings: Any, tmp_path: Path, name: str, created: int
) -> None:
    """XLSX, binary XLS and Bitrix24's HTML .xls go through the browser upload (all three were
    refused as damaged when the upload was stored under a name without their extension)."""
    settings.VAR_DIR = tmp_path
    page.goto(f"{live_server.url}/")
    page.get_by_label("Логин").fill("admin")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.goto(f"{live_server.url}/imports/")
    page.select_option("#id_kind", "revenue")
    page.select_option("#id_manager", str(org.manager_a1.pk))
    page.set_input_files("#id_file", str(REAL / name))
    page.locator("#import-form button[type=submit]").click()
    page.locator("#summary").wait_for()
    assert page.locator("#header-found").is_visible()
    before = RevenueRecord.objects.count()
    page.locator("form[action$='/confirm/'] button").click()
    page.wait_for_url("**/imports/*/")
    page.locator("#summary").wait_for()
    assert RevenueRecord.objects.count() - before == created
