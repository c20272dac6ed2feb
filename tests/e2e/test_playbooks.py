"""A manager tags a client as Scrooge on the card and sees the Scrooge card on the card page,
next to the contact-log form and on Today."""

from __future__ import annotations

from typing import Any

import pytest

from kam.playbooks.models import ClientTypeTag
from kam.testing import Org
from tests.e2e.test_client_card import _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_tag_a_client_as_scrooge_and_see_the_card_everywhere(
    live_server: Any, page: Any, org: Org
) -> None:
    _login(page, live_server.url, "manager_a1")
    page.get_by_role("heading", name="Сегодня").wait_for()
    page.goto(f"{live_server.url}/clients/{org.client_a1.pk}/")
    panel = page.locator("#playbook")
    panel.locator("summary", has_text="Добавить тип").click()
    form = page.locator("#tag-form")
    form.get_by_label("Тип").select_option(label="Скрудж")
    form.get_by_label("Основание").fill("Ссылается на цены из прошлогоднего КП")
    form.get_by_role("button", name="Добавить тип").click()

    card = page.locator('#playbook article[data-type="scrooge"]')
    card.wait_for()
    assert "срок действия цены" in card.inner_text()
    assert "Что делает KAM:" in card.inner_text()
    assert ClientTypeTag.objects.filter(client=org.client_a1, type__code="scrooge").exists()

    # Next to the contact-log form, once it is opened.
    page.get_by_text("Записать или запланировать контакт").click()
    aside = page.locator("#playbook-aside-contact-form")
    aside.wait_for()
    assert "Скрудж" in aside.inner_text()
    assert "срок действия цены" in aside.inner_text()

    # On Today, with the client's row (client_a1 is a key account with a contact due).
    page.get_by_role("link", name="Сегодня").click()
    today = page.locator("#difficult-today")
    today.wait_for()
    assert org.client_a1.name in today.inner_text()
    assert "Скрудж" in today.inner_text()
