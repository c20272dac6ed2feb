"""A manager logs a withdrawal in the emotional bank account and sees the alert."""

from __future__ import annotations

from typing import Any

import pytest

from kam.relations.models import BankEntry
from kam.testing import Org
from tests.e2e.test_client_card import _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_withdrawal_turns_the_balance_negative_and_alerts(
    live_server: Any, page: Any, org: Org
) -> None:

    _login(page, live_server.url, "manager_a1")
    page.get_by_role("heading", name="Сегодня").wait_for()
    page.goto(f"{live_server.url}/clients/{org.client_a1.pk}/")
    page.get_by_text("Добавить вклад или снятие").click()
    form = page.locator("#bank-form")
    form.get_by_label("Типовая запись").select_option(label="Не выполнил обещание")
    form.get_by_role("button", name="Сохранить запись").click()

    page.locator("#bank-alert-negative_balance").wait_for()
    assert page.locator("#bank-balance").inner_text() == "\u22124"  # a true minus sign
    entry = BankEntry.objects.get(client=org.client_a1)
    assert (entry.kind, entry.weight, entry.note) == ("withdrawal", 4, "Не выполнил обещание")
    assert entry.author == org.manager_a1
