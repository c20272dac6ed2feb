"""API keys stored hashed, passwords checked on every path, idle sessions end, login throttling
per account across addresses, the CSP."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from kam.accounts.models import ApiToken, User
from kam.accounts.services import token_issue, user_create, user_update
from kam.testing import PASSWORD, Org

WEAK = ["password", "qwerty123", "12345678", "kam-demo1", "123456789012"]


def _api(key: str) -> HttpClient:
    return HttpClient(headers={"Authorization": f"Token {key}"})


def test_api_key_is_stored_only_as_a_digest_and_rotation_kills_the_old_one(org: Org) -> None:
    key = token_issue(user=org.manager_a1)
    row = ApiToken.objects.get(user=org.manager_a1)
    assert key not in (row.digest, row.prefix)
    assert row.digest == hashlib.sha256(key.encode()).hexdigest()
    assert _api(key).get(reverse("api:client-list")).status_code == 200
    new = token_issue(user=org.manager_a1)
    assert _api(key).get(reverse("api:client-list")).status_code == 401
    assert _api(new).get(reverse("api:client-list")).status_code == 200
    org.manager_a1.is_active = False
    org.manager_a1.save(update_fields=["is_active"])
    assert _api(new).get(reverse("api:client-list")).status_code == 401


def test_no_admin_page_lists_api_keys(org: Org) -> None:
    """DRF's token admin showed every key in plain text to a superuser."""
    assert ApiToken not in admin.site._registry
    assert not any(m._meta.app_label == "authtoken" for m in admin.site._registry)
    key = token_issue(user=org.manager_a1)
    http = HttpClient()
    http.force_login(org.superuser)
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert key not in http.get(url).content.decode()


def test_profile_shows_the_key_once_then_masked(org: Org) -> None:
    http = HttpClient()
    http.force_login(org.manager_a1)
    response = http.post(reverse("accounts:token-rotate"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    key = response.context["new_key"]
    assert key in response.content.decode()
    assert _api(key).get(reverse("api:client-list")).status_code == 200
    again = http.get(reverse("accounts:profile")).content.decode()
    assert key not in again
    assert key[:6] + "…" in again


@pytest.mark.parametrize("weak", WEAK)
def test_weak_passwords_are_refused_by_the_service(org: Org, weak: str) -> None:
    with pytest.raises(ValidationError) as info:
        user_create(actor=None, username="anna", password=weak, is_manager=True)
    assert "password" in info.value.message_dict
    with pytest.raises(ValidationError):
        user_update(actor=org.admin, user=org.manager_a1, password=weak)
    assert not User.objects.filter(username="anna").exists()


def test_weak_password_refused_in_the_web_form(org: Org) -> None:
    http = HttpClient()
    http.force_login(org.admin)
    data = {"username": "anna", "is_manager": "on", "language": "ru", "password": "qwerty123"}
    response = http.post(reverse("accounts:user-create"), data)
    assert response.status_code == 200
    assert not User.objects.filter(username="anna").exists()
    data["password"] = "Квадрат-синий-42"
    assert http.post(reverse("accounts:user-create"), data).status_code == 302
    assert User.objects.get(username="anna").check_password("Квадрат-синий-42")


def test_own_password_change_uses_the_validators(org: Org) -> None:
    http = HttpClient()
    http.force_login(org.manager_a1)
    url = reverse("accounts:password-change")
    data = {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"}
    assert http.post(url, data).status_code == 200
    org.manager_a1.refresh_from_db()
    assert org.manager_a1.check_password(PASSWORD)


def test_user_without_a_role_is_refused(org: Org) -> None:
    with pytest.raises(ValidationError, match=r"role|роль"):
        user_create(actor=None, username="nobody", password="Длинный-пароль-7")


def test_idle_session_ends(org: Org, settings: Any) -> None:
    settings.SESSION_IDLE_SECONDS = 8 * 3600
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        http = HttpClient()
        http.force_login(org.manager_a1)
        assert http.get(reverse("today")).status_code == 200
        clock.move_to(start + timedelta(hours=7))
        assert http.get(reverse("today")).status_code == 200  # active: the clock restarts
        clock.move_to(start + timedelta(hours=14))
        assert http.get(reverse("today")).status_code == 200
        clock.move_to(start + timedelta(hours=22, minutes=1))
        response = http.get(reverse("today"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_session_lifetime_ends_even_when_active(org: Org, settings: Any) -> None:
    settings.SESSION_COOKIE_AGE = 24 * 3600
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        http = HttpClient()
        http.force_login(org.manager_a1)
        for hour in range(0, 24, 4):
            clock.move_to(start + timedelta(hours=hour))
            assert http.get(reverse("today")).status_code == 200
        clock.move_to(start + timedelta(hours=24, minutes=5))
        assert http.get(reverse("today")).status_code == 302


def test_many_addresses_get_no_more_guesses_on_one_account(org: Org, settings: Any) -> None:
    """20 addresses × 4 tries gave 80 guesses; now the account locks after the limit."""
    limit = settings.AXES_FAILURE_LIMIT
    url = reverse("accounts:login")
    guesses = 0
    locked_at = None
    for address in range(20):
        http = HttpClient(REMOTE_ADDR=f"10.0.0.{address + 1}")
        for _try in range(4):
            response = http.post(url, {"username": "manager_a1", "password": f"guess{guesses}"})
            guesses += 1
            if response.status_code == 429 and locked_at is None:
                locked_at = guesses
    assert locked_at is not None
    assert locked_at == limit  # the limit-th wrong guess already answers "locked"
    # Even the right password is refused during the cool-off, from a fresh address.
    fresh = HttpClient(REMOTE_ADDR="10.9.9.9")
    response = fresh.post(url, {"username": "manager_a1", "password": PASSWORD})
    assert response.status_code == 429


def test_csp_forbids_base_tags(org: Org) -> None:
    http = HttpClient()
    http.force_login(org.manager_a1)
    policy = http.get(reverse("today"))["Content-Security-Policy"]
    assert "base-uri 'none'" in policy
