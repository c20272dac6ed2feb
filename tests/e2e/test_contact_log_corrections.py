"""A manager mis-clicks «негативно», sees the 14-day pause, corrects the entry on its edit
page and the pause is gone; the history shows before and after."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from kam.relations.models import Interaction, InteractionRevision
from kam.relations.services import interaction_log
from kam.testing import Org
from tests.e2e.settle import close_quietly
from tests.e2e.test_client_card import _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])
def test_manager_corrects_a_mis_clicked_negative_contact(
    live_server: Any, browser: Any, org: Org, shots: Any, width: int, height: int
) -> None:
    entry = interaction_log(
        actor=org.manager_a1,
        client=org.client_a1,
        date=timezone.localdate(),
        channel="call",
        personal=True,
        tone="negative",
        summary="Обсудили поставку",
    )
    context = browser.new_context(locale="ru-RU", viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(10_000)
    _login(page, live_server.url, "manager_a1")
    page.goto(f"{live_server.url}/clients/{org.client_a1.pk}/")
    page.locator("#pause").wait_for()
    page.locator("#log li.interaction", has_text="Обсудили поставку").get_by_role(
        "link", name="Исправить"
    ).click()
    page.get_by_role("heading", name="Исправить контакт").wait_for()
    form = page.locator("#interaction-edit-form")
    assert form.get_by_label("Тон").input_value() == "negative"
    form.get_by_label("Тон").select_option(label="Позитивный")
    form.get_by_label("Суть разговора").fill("Обсудили поставку, клиент доволен")
    page.screenshot(path=shots / f"edit-form-{width}x{height}.png", full_page=True)
    form.get_by_role("button", name="Сохранить исправление").click()

    page.locator(".msg-success").wait_for()
    assert page.locator("#pause").count() == 0
    entry.refresh_from_db()
    assert entry.tone == "positive"
    revision = InteractionRevision.objects.get()
    assert revision.before["tone"] == "negative"

    page.goto(f"{live_server.url}/relationships/{org.client_a1.pk}/log/")
    text = page.locator("#log-corrections").inner_text()
    assert "Негативный" in text
    assert "Позитивный" in text
    assert org.manager_a1.display_name in text
    page.screenshot(path=shots / f"corrections-{width}x{height}.png", full_page=True)

    # The director sees the client but cannot correct it: no links, and a clear refusal.
    context.clear_cookies()
    _login(page, live_server.url, "director")
    page.goto(f"{live_server.url}/clients/{org.client_a1.pk}/")
    page.locator("#log").wait_for()
    assert page.locator("#log").get_by_role("link", name="Исправить").count() == 0
    page.goto(f"{live_server.url}/relationships/{org.client_a1.pk}/log/{entry.pk}/delete/")
    page.get_by_role("heading", name="Запись нельзя исправить").wait_for()
    assert Interaction.objects.filter(pk=entry.pk).exists()
    close_quietly(context)
