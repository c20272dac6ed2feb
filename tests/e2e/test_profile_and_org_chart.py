"""In the browser: a manager makes an API token on the profile page and uses it; an admin
hands a leaver's clients over; the dossier says who reads it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client as HttpClient

from kam.accounts.models import OrgChange
from kam.clients.models import Client
from kam.testing import Org
from tests.e2e.test_client_card import _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_manager_makes_an_api_token_on_the_profile_page(
    live_server: Any, page: Any, org: Org, tmp_path: Path
) -> None:
    _login(page, live_server.url, "manager_a1")
    page.get_by_role("link", name=org.manager_a1.display_name).click()
    page.get_by_role("button", name="Создать токен").click()
    key = page.get_by_test_id("new-token").inner_text().strip()
    page.screenshot(path=tmp_path / "profile-new-token.png", full_page=True)
    api = HttpClient(headers={"Authorization": f"Token {key}"})
    assert api.get("/api/v1/clients/").status_code == 200
    page.goto(f"{live_server.url}/accounts/profile/")
    assert key not in page.content()  # shown once; afterwards only its first characters
    assert key[:6] + "…" in page.content()
    page.get_by_role("button", name="Заменить токен").click()
    assert page.get_by_test_id("new-token").inner_text().strip() != key
    assert api.get("/api/v1/clients/").status_code == 401


def test_admin_hands_a_leavers_clients_over_and_both_pairs_see_it(
    live_server: Any, page: Any, org: Org, tmp_path: Path
) -> None:
    _login(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/accounts/users/{org.manager_a2.pk}/edit/")
    page.get_by_label("Передать всех его клиентов").select_option(str(org.manager_b1.pk))
    page.get_by_role("button", name="Передать").click()
    page.get_by_text("Передан 1 клиент").wait_for()
    page.screenshot(path=tmp_path / "user-reassign.png", full_page=True)
    assert Client.objects.get(pk=org.client_a2.pk).manager_id == org.manager_b1.pk
    assert OrgChange.objects.filter(client=org.client_a2).count() == 1
    page.goto(f"{live_server.url}/accounts/org-chart/")
    page.screenshot(path=tmp_path / "org-chart.png", full_page=True)
    assert org.manager_b1.display_name in page.content()


def test_dossier_names_its_readers(live_server: Any, page: Any, org: Org, tmp_path: Path) -> None:
    _login(page, live_server.url, "supervisor_a")
    page.goto(f"{live_server.url}/clients/{org.client_a1.pk}/dossier/")
    readers = page.locator("#dossier-readers")
    assert org.manager_a1.display_name in readers.inner_text()
    assert org.supervisor_a.display_name in readers.inner_text()
    page.screenshot(path=tmp_path / "dossier-readers.png", full_page=True)
