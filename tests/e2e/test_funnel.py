"""A head of sales opens the funnel, sees a manager's weak step, and drills into the deals."""

from __future__ import annotations

from typing import Any

import pytest

from kam.deals.tests.test_views import _deals
from kam.testing import Org
from tests.e2e.test_client_card import _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_head_of_sales_finds_the_weak_step_and_the_deals_behind_it(
    live_server: Any, page: Any, org: Org
) -> None:
    _deals(org.client_a1, total=60, met=15, won=6)  # 25% of consultations reach a meeting
    _deals(org.client_a2, total=60, met=3, won=1)  # 5%: loses on consultation → meeting
    _deals(org.client_b1, total=10, met=2, won=1)  # another team

    _login(page, live_server.url, "supervisor_a")
    page.get_by_role("heading", name="Сегодня").wait_for()
    page.get_by_role("link", name="Воронка").click()
    page.get_by_role("heading", name="Воронка").wait_for()

    weak = page.locator('tr[data-manager="Тестов Manager_A2"]')
    assert weak.get_attribute("data-weak-step") == "consultation_meeting"
    assert "Консультация → встреча" in weak.locator(".weak-step").inner_text()
    best = page.locator('tr[data-manager="Тестов Manager_A1"]')
    assert "лучший" in best.inner_text()
    assert page.locator('tr[data-manager="Тестов Manager_B1"]').count() == 0

    weak.get_by_role("link", name="Тестов Manager_A2").click()
    page.get_by_role("heading", name="Сделки").wait_for()
    rows = page.locator("tr.deal")
    assert rows.count() == 50  # the first page of 60
    assert "Маркер-A1" not in page.locator("#results").inner_text()
    assert "Найдено 60 сделок" in page.locator("#results").inner_text()
