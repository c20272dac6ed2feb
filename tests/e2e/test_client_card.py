"""A manager logs in (Russian UI), finds a client, opens its card and adds a contact."""

from __future__ import annotations

from typing import Any

import pytest

from kam.clients.models import Contact
from kam.testing import PASSWORD, Org

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/")
    page.get_by_label("Логин").fill(username)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()


def test_manager_finds_a_client_and_adds_a_contact(live_server: Any, page: Any, org: Org) -> None:
    _login(page, live_server.url, "manager_a1")
    page.get_by_role("heading", name="Сегодня").wait_for()
    page.get_by_role("link", name="Клиенты").click()
    page.get_by_role("heading", name="Клиенты").wait_for()
    # Foreign clients are not listed.
    assert page.get_by_text(org.client_b1.name).count() == 0
    page.get_by_label("Поиск по названию или ИНН").fill("альфа-один")
    page.get_by_role("link", name=org.client_a1.name).click()
    page.get_by_role("heading", name=org.client_a1.name).wait_for()

    page.get_by_text("Добавить контакт").click()
    page.get_by_label("ФИО").fill("Иванова Мария Петровна")
    page.get_by_label("Должность").fill("Финансовый директор")
    page.get_by_label("Экономический специалист").check()
    page.get_by_label("Лицо, принимающее решение").check()
    page.get_by_role("button", name="Сохранить контакт").click()

    row = page.locator("#contacts tr", has_text="Иванова Мария Петровна")
    row.wait_for()
    assert "Финансовый директор" in row.inner_text()
    assert "Экономический специалист" in row.inner_text()
    contact = Contact.objects.get(full_name="Иванова Мария Петровна")
    assert contact.client_id == org.client_a1.pk
    assert sorted(contact.role_codes) == ["decision_maker", "economic"]
    # The history panel loads after the card (htmx fragment) and records the new contact.
    page.locator("#history", has_text="Иванова Мария Петровна").wait_for()


def test_contact_form_shows_field_errors(live_server: Any, page: Any, org: Org) -> None:
    _login(page, live_server.url, "manager_a1")
    page.goto(f"{live_server.url}/clients/{org.client_a1.pk}/")
    page.get_by_text("Добавить контакт").click()
    page.get_by_label("ФИО").fill("Петров")
    page.get_by_label("Электронная почта").fill("not-an-email")
    page.get_by_role("button", name="Сохранить контакт").click()
    page.get_by_text("Введите правильный адрес электронной почты.").wait_for()
    assert not Contact.objects.filter(full_name="Петров").exists()
