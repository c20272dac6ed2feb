"""Fixtures shared by every test: fast password hashing and the persona org chart."""

from __future__ import annotations

from typing import Any

import pytest

from kam.core.testing import Org, build_org


@pytest.fixture(autouse=True)
def _fast_hasher(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def org(db: None) -> Org:
    return build_org()
