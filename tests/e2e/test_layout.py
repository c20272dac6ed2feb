"""Layout of the daily screens (issue 19): at 1440×900 and on a 390×844 phone no table is
wider than its card and every row action is on screen, row actions sit in line with their
row, each role lands on its page, and the client list sorts and filters in the URL."""

from __future__ import annotations

from typing import Any

import pytest

from kam.clients.models import Contact
from kam.testing import Org
from tests.e2e.settle import close_quietly
from tests.e2e.test_client_card import _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Per table: [section id, table width, card inner width]; only the tables that stick out.
WIDE_TABLES = """() => [...document.querySelectorAll('table.data')]
  .filter(t => t.offsetParent !== null)
  .map(t => { const card = t.closest('.card') || t.closest('main');
    return [t.closest('section')?.id || '', t.scrollWidth, card.clientWidth,
            (t.closest('.tablewrap') || t).scrollWidth]; })
  .filter(([, table, card, wrap]) => table > card + 1 || wrap > card + 1)"""

# Every action of a row: visible, inside the viewport and inside its card.
HIDDEN_ACTIONS = """() => [...document.querySelectorAll('td.rowactions a, td.rowactions button')]
  .filter(a => { const r = a.getBoundingClientRect();
    const card = (a.closest('.card') || document.querySelector('main')).getBoundingClientRect();
    return r.width === 0 || r.right > Math.min(window.innerWidth, card.right) + 1
      || r.left < card.left - 1; })
  .map(a => a.textContent.trim())"""

# A row-action cell is a table cell as tall as its row (it was a flex box: 37 px in 82 px).
OUT_OF_LINE = """() => [...document.querySelectorAll('td.rowactions')]
  .filter(td => td.offsetParent !== null && window.innerWidth > 640)
  .filter(td => getComputedStyle(td).display !== 'table-cell'
    || Math.abs(td.getBoundingClientRect().height
                - td.parentElement.getBoundingClientRect().height) > 1)
  .map(td => td.textContent.trim().slice(0, 40))"""


def _pages(org: Org) -> list[str]:
    return [
        "/today/?view=team",
        "/today/",
        "/clients/",
        org.client_a1.get_absolute_url(),
        "/portfolio/",
    ]


def _check_screens(page: Any, base: str, org: Org) -> None:
    for path in _pages(org):
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate(WIDE_TABLES) == [], path
        assert page.evaluate(HIDDEN_ACTIONS) == [], path
        assert page.evaluate(OUT_OF_LINE) == [], path


@pytest.fixture
def busy_org(org: Org) -> Org:
    """Long contact details, as real ones are, in the card's contacts table."""
    Contact.objects.filter(client=org.client_a1).update(
        position="Заместитель генерального директора по закупкам и логистике",
        email="zamestitel.generalnogo.direktora@severnyj-veter-logistika.example.ru",
        phone="+7 (495) 123-45-67 доб. 1234",
    )
    return org


@pytest.fixture
def wide_page(browser: Any) -> Any:
    context = browser.new_context(locale="ru-RU", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    close_quietly(context)


def test_tables_fit_their_cards_at_1440(live_server: Any, wide_page: Any, busy_org: Org) -> None:
    _login(wide_page, live_server.url, "supervisor_a")
    wide_page.get_by_role("heading", name="Сегодня").wait_for()
    _check_screens(wide_page, live_server.url, busy_org)
    # The page uses the width: the main column is wider than the old 1,200 px box.
    assert wide_page.evaluate("document.querySelector('main').clientWidth") > 1300


def test_tables_fit_a_phone(live_server: Any, mobile_page: Any, busy_org: Org) -> None:
    _login(mobile_page, live_server.url, "supervisor_a")
    mobile_page.get_by_role("heading", name="Сегодня").wait_for()
    _check_screens(mobile_page, live_server.url, busy_org)
    # On a phone each row is a block, each value under its column's name.
    mobile_page.goto(live_server.url + busy_org.client_a1.get_absolute_url())
    mobile_page.wait_for_load_state("networkidle")  # the lazy panels, before the flush
    cell = mobile_page.locator("#contacts td[data-label='Должность']").first
    assert "Заместитель" in cell.inner_text()
    assert mobile_page.locator("#contacts thead").is_hidden()


@pytest.mark.parametrize(
    ("persona", "landing", "heading"),
    [
        ("director", "/today/?view=team", "Сегодня"),
        ("admin", "/accounts/users/", "Пользователи и оргструктура"),
        ("manager_a1", "/today/", "Сегодня"),
    ],
)
def test_each_role_lands_on_its_page(
    live_server: Any, page: Any, org: Org, persona: str, landing: str, heading: str
) -> None:
    _login(page, live_server.url, persona)
    page.get_by_role("heading", name=heading).first.wait_for()
    page.wait_for_load_state("networkidle")
    assert page.url == live_server.url + landing
    if persona == "director":
        # The company's day with the discipline of every manager, not an empty own day.
        assert page.locator("#compliance tbody tr").count() >= 3


def test_the_client_list_sorts_and_keeps_filters_in_the_url(
    live_server: Any, wide_page: Any, org: Org
) -> None:
    page = wide_page
    _login(page, live_server.url, "director")
    page.get_by_role("link", name="Клиенты").click()
    page.get_by_label("Поиск по названию или ИНН").fill("Альфа")
    page.wait_for_url("**/clients/?q=*")
    page.locator("#results").get_by_text("Найдено 2 клиента").wait_for()
    page.locator("th[data-column=share] a").click()
    page.wait_for_url("**sort=share**")
    assert "q=%D0%90%D0%BB%D1%8C%D1%84%D0%B0" in page.url
    assert page.get_by_label("Поиск по названию или ИНН").input_value() == "Альфа"
    assert "??" not in page.url
    header = page.locator("th[data-column=share] a")
    assert header.get_attribute("aria-sort") == "ascending"
    header.click()
    page.wait_for_url("**sort=-share**")
    assert page.locator("th[data-column=share] a").get_attribute("aria-sort") == "descending"
    download = page.get_by_role("link", name="Скачать CSV").get_attribute("href") or ""
    assert "sort=-share" in download
    assert "q=" in download
    assert page.locator("#results tbody tr").count() == 2
    page.wait_for_load_state("networkidle")
