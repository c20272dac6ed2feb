"""A manager logs a negative contact, sees the pause and is warned when planning a meeting
inside it; the director cannot open that client's dossier."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from kam.relations.models import Interaction
from kam.testing import Org
from tests.e2e.test_client_card import _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_negative_contact_starts_a_pause_and_planning_inside_it_warns(
    live_server: Any, page: Any, org: Org
) -> None:
    today = timezone.localdate()
    _login(page, live_server.url, "manager_a1")
    page.get_by_role("heading", name="Сегодня").wait_for()
    page.goto(f"{live_server.url}/clients/{org.client_a1.pk}/")
    page.get_by_text("Записать или запланировать контакт").click()
    form = page.locator("#interaction-form")
    form.get_by_label("Дата").fill(today.isoformat())
    form.get_by_label("Канал").select_option(label="Встреча")
    form.get_by_label("Тон").select_option(label="Негативный")
    form.get_by_label("Суть разговора").fill("Клиент недоволен сроками")
    form.get_by_role("button", name="Сохранить контакт").click()

    pause = page.locator("#pause")
    pause.wait_for()
    until = (today + timedelta(days=14)).strftime("%d.%m.%Y")
    assert until in pause.inner_text()
    assert org.supervisor_a.display_name in pause.inner_text()

    # Plan a personal meeting in five days: inside the pause.
    page.get_by_text("Записать или запланировать контакт").click()
    form = page.locator("#interaction-form")
    form.get_by_label("Дата").fill((today + timedelta(days=5)).isoformat())
    form.get_by_label("Канал").select_option(label="Встреча")
    form.get_by_label("Это план, контакта ещё не было").check()
    form.get_by_role("button", name="Сохранить контакт").click()
    warning = page.locator("#pause-warning")
    warning.wait_for()
    assert until in warning.inner_text()
    assert org.supervisor_a.display_name in warning.inner_text()
    assert not Interaction.objects.filter(planned=True, channel="meeting").exists()

    # The Today page lists the client among the pauses.
    page.get_by_role("link", name="Сегодня").click()
    assert org.client_a1.name in page.locator("#paused").inner_text()


def test_director_cannot_open_the_dossier(live_server: Any, page: Any, org: Org) -> None:
    _login(page, live_server.url, "director")
    page.goto(f"{live_server.url}/clients/{org.client_a1.pk}/")
    page.get_by_role("heading", name=org.client_a1.name).wait_for()
    assert page.locator("#dossier-link").count() == 0
    response = page.goto(f"{live_server.url}/clients/{org.client_a1.pk}/dossier/")
    assert response is not None
    assert response.status == 404
    # The manager's supervisor can.
    page.context.clear_cookies()
    _login(page, live_server.url, "supervisor_a")
    page.goto(f"{live_server.url}/clients/{org.client_a1.pk}/")
    page.locator("#dossier-link").click()
    page.get_by_role("heading", name="Досье клиента").wait_for()
