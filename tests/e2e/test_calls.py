"""An admin uploads a call transcript in the browser; the manager opens the call page and sees
each question highlighted by its type, the exact price marked and the checklist result."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from kam.calls.models import Call
from kam.testing import PASSWORD, Org

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DAY = date.today() - timedelta(days=3)  # noqa: DTZ011 - inside the default twelve weeks
TRANSCRIPT = f"""ID: e2e-1
Дата: {DAY.isoformat()} 11:30
Сотрудник: manager_a1
[00:00:00] Менеджер: Добрый день! Сколько комнат вам нужно?
[00:00:04] Клиент: Две.
[00:00:07] Менеджер: Есть ли у вас дети? Что для вас самое главное в новой квартире?
[00:00:15] Клиент: Тишина.
[00:00:18] Менеджер: Квартира стоит 7 450 000 рублей. Давайте встретимся в субботу на объекте?
[00:00:25] Клиент: Да, давайте.
"""


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Логин").fill(username)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()


def test_upload_then_call_page_highlights(live_server: Any, page: Any, org: Org) -> None:
    _login(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/calls/upload/")
    page.locator("input[type=file]").set_input_files(
        {"name": "call.txt", "mimeType": "text/plain", "buffer": TRANSCRIPT.encode()}
    )
    page.locator("#main").get_by_role("button", name="Импорт").click()
    page.get_by_role("heading", name="Звонки по чек-листу").wait_for()
    assert Call.objects.filter(external_id="e2e-1").exists()
    page.context.clear_cookies()

    _login(page, live_server.url, "manager_a1")
    page.get_by_role("link", name="Звонки").first.click()
    page.get_by_role("link", name="e2e-1").click()
    page.get_by_role("heading", name="Звонок e2e-1").wait_for()
    transcript = page.locator("#transcript")
    technical = transcript.locator('[data-category="technical"]')
    personal = transcript.locator('[data-category="personal"]')
    motivation = transcript.locator('[data-category="motivation"]')
    assert technical.inner_text() == "Сколько комнат вам нужно?"
    assert personal.inner_text() == "Есть ли у вас дети?"
    assert "главное" in motivation.inner_text()
    colours = {
        loc.evaluate("e => getComputedStyle(e).backgroundColor")
        for loc in (technical, personal, motivation)
    }
    assert len(colours) == 3  # each type has its own colour
    assert technical.get_attribute("title") == "комната"  # why it is technical
    price = transcript.locator("ol.transcript mark.price.exact")
    assert price.inner_text() == "7 450 000 рублей"
    assert "названа" in page.locator("#price").inner_text()
    assert "назначена" in page.locator("#meeting").inner_text()
    failed = page.locator("#checklist li.failed", has_text="Точная цена по телефону не названа")
    assert failed.count() == 1

    page.goto(f"{live_server.url}/calls/team/")
    page.locator("#team").get_by_role("link").first.wait_for()
    assert page.locator("table.weeks tbody tr").count() == 1
