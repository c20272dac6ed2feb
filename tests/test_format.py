"""One duration format everywhere: «1 ч 5 мин», «2 дня», «45 с»; English in English."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone, translation

from kam.core.templatetags.kam_format import duration, duration_text
from kam.testing import Org


@pytest.mark.parametrize(
    ("seconds", "ru", "en"),
    [
        (99.437597, "1 мин", "1 min"),
        (65 * 60, "1 ч 5 мин", "1 h 5 min"),
        (3600, "1 ч", "1 h"),
        (2 * 86_400, "2 дня", "2 days"),
        (86_400 + 4 * 3600 + 59, "1 день 4 ч", "1 day 4 h"),
        (5 * 86_400, "5 дней", "5 days"),
        (21 * 86_400, "21 день", "21 days"),
        (20, "меньше минуты", "less than a minute"),
        (-5, "меньше минуты", "less than a minute"),
    ],
)
def test_duration_text_in_both_languages(seconds: float, ru: str, en: str) -> None:
    with translation.override("ru"):
        assert duration_text(seconds) == ru
        assert duration(timedelta(seconds=seconds)) == ru
    with translation.override("en"):
        assert duration_text(seconds) == en


def test_seconds_and_minutes_units() -> None:
    with translation.override("ru"):
        assert duration(45, "s") == "45 с"
        assert duration(200, "s") == "3 мин 20 с"
        assert duration(125, "min") == "2 ч 5 мин"
        assert duration(None) == ""


@pytest.mark.django_db
def test_complaint_case_age_is_printed_as_a_human_age(org: Org) -> None:
    case = org.client_a1.complaint_cases.get()
    type(case).objects.filter(pk=case.pk).update(
        opened_at=timezone.now() - timedelta(hours=1, minutes=5, seconds=39)
    )
    http = HttpClient()
    http.force_login(org.manager_a1)
    page = http.get(reverse("playbooks:case-detail", args=[case.pk])).content.decode()
    assert "1 ч 5 мин" in page
    # Never a raw timedelta ("1:05:39"); the opening time ("20:01") may hold "0:0".
    assert not re.search(r"\d:\d\d:\d\d", page)
    listing = http.get(reverse("playbooks:case-list")).content.decode()
    assert "1 ч 5 мин" in listing


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("ООО «Северный ветер»", "«ООО „Северный ветер“»"),
        ("«Ромашка»", "«Ромашка»"),
        ('ООО "Север"', "«ООО „Север“»"),
        ("Альфа", "«Альфа»"),
        ("«А» и «Б»", "«„А“ и „Б“»"),
    ],
)
def test_names_are_quoted_without_doubled_guillemets(name: str, shown: str) -> None:
    from kam.core.templatetags.kam_format import quote_text

    assert quote_text(name) == shown


@pytest.mark.django_db
def test_history_shows_a_quoted_name_once(org: Org) -> None:
    from kam.clients.services import client_create

    client = client_create(
        actor=org.manager_a1, name="ООО «Северный ветер»", manager=org.manager_a1
    )
    http = HttpClient()
    http.force_login(org.manager_a1)
    panel = http.get(reverse("clients:card-panel", args=[client.pk, "history"])).content.decode()
    assert "«ООО „Северный ветер“»" in panel
    assert "«ООО «" not in panel
    assert "»»" not in panel


@pytest.mark.parametrize(
    ("value", "decimals", "ru", "en"),
    [
        (-100, 0, "\u2212100", "\u2212100"),
        (-25.04, 1, "\u221225,0", "\u221225.0"),
        (-0.04, 1, "0,0", "0.0"),  # no «−0»
        (12.35, 1, "12,4", "12.4"),  # half away from zero
        (-12.35, 1, "\u221212,4", "\u221212.4"),
        (None, 0, "—", "—"),
        ("x", 0, "—", "—"),
    ],
)
def test_signed_numbers_use_a_minus_sign(value: object, decimals: int, ru: str, en: str) -> None:
    from kam.core.templatetags.kam_format import signed

    with translation.override("ru"):
        assert signed(value, decimals) == ru
    with translation.override("en"):
        assert signed(value, decimals) == en
