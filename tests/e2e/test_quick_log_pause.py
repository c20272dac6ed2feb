"""A one-click «Позвонил: позитивно» on Today for a client in a pause: the warning shows where
the click was (htmx), with the choice to save anyway; without JavaScript it still works."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from kam.portfolio.models import KeyAccountProfile
from kam.relations.models import Interaction
from kam.relations.services import interaction_log
from kam.testing import Org
from tests.e2e.settle import close_quietly
from tests.e2e.test_client_card import _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _client_in_pause(org: Org) -> None:
    KeyAccountProfile.objects.create(
        client=org.client_a1,
        strategic=True,
        strategic_reason="reference",
        updated_by=org.manager_a1,
    )
    interaction_log(
        actor=org.manager_a1,
        client=org.client_a1,
        date=timezone.localdate() - timedelta(days=2),
        channel="meeting",
        personal=True,
        tone="negative",
        summary="Клиент недоволен сроками",
    )


def _positive_calls() -> int:
    return Interaction.objects.filter(tone="positive", channel="call").count()


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])
def test_quick_positive_call_in_a_pause_warns_in_the_row(
    live_server: Any, browser: Any, org: Org, shots: Any, width: int, height: int
) -> None:
    _client_in_pause(org)
    context = browser.new_context(locale="ru-RU", viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(10_000)
    _login(page, live_server.url, "manager_a1")
    row = page.locator("#due tr", has_text=org.client_a1.name)
    row.wait_for()
    row.get_by_role("button", name="позитивно").click()

    warning = row.locator(f"#quick-pause-{org.client_a1.pk}")
    warning.wait_for()
    # Same page, same place: the warning replaced the buttons inside the clicked row.
    assert page.url.rstrip("/").endswith("/today") or "/clients/" not in page.url
    text = warning.inner_text()
    until = (timezone.localdate() + timedelta(days=12)).strftime("%d.%m.%Y")
    assert until in text
    assert org.supervisor_a.display_name in text
    assert "Ничего не сохранено" in text
    assert _positive_calls() == 0
    box = warning.bounding_box()
    assert box is not None
    assert 0 <= box["y"] < height  # visible without scrolling
    page.screenshot(path=shots / f"quick-pause-{width}x{height}.png", full_page=False)

    warning.get_by_role("button", name="Всё равно сохранить").click()
    page.locator(".msg-success").wait_for()
    assert _positive_calls() == 1
    close_quietly(context)


def test_quick_log_in_a_pause_without_javascript(live_server: Any, browser: Any, org: Org) -> None:
    _client_in_pause(org)
    context = browser.new_context(locale="ru-RU", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    _login(page, live_server.url, "manager_a1")
    row = page.locator("#due tr", has_text=org.client_a1.name)
    row.get_by_role("button", name="позитивно").click()
    page.get_by_role("heading", name="Личный контакт во время паузы").wait_for()
    warning = page.locator(f"#quick-pause-{org.client_a1.pk}")
    assert "Ничего не сохранено" in warning.inner_text()
    box = warning.bounding_box()
    assert box is not None
    assert box["y"] < 600
    assert _positive_calls() == 0
    warning.get_by_role("button", name="Всё равно сохранить").click()
    page.locator(".msg-success").wait_for()
    assert _positive_calls() == 1
    close_quietly(context)
