"""Each role starts on the page that serves it (issue 19): nobody lands on an empty own day."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from kam.accounts.domain import Landing, Roles, landing
from kam.testing import PASSWORD, Org


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        (Roles(manager=True), Landing.TODAY),
        (Roles(manager=True, supervisor=True), Landing.TODAY),
        (Roles(director=True), Landing.TEAM),
        (Roles(director=True, manager=True), Landing.TEAM),
        (Roles(admin=True), Landing.ADMIN),
        (Roles(superuser=True), Landing.ADMIN),
        (Roles(admin=True, manager=True), Landing.TODAY),
        (Roles(admin=True, director=True), Landing.TEAM),
    ],
)
def test_landing_by_role(roles: Roles, expected: Landing) -> None:
    assert landing(roles) is expected


@pytest.mark.parametrize(
    ("persona", "target"),
    [
        ("manager_a1", "/today/"),
        ("supervisor_a", "/today/"),
        ("director", "/today/?view=team"),
        ("admin", "/accounts/users/"),
        ("superuser", "/accounts/users/"),
    ],
)
def test_home_and_login_land_each_role(org: Org, persona: str, target: str) -> None:
    user = org.persona(persona)
    assert user is not None
    http = HttpClient()
    http.force_login(user)
    assert http.get("/")["Location"] == target
    # The page landed on answers (the director's team day is the company's day).
    page = http.get(target)
    assert page.status_code == 200
    # Logging in goes through the same start page.
    fresh = HttpClient()
    response = fresh.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
