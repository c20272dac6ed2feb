"""Date boxes follow the page's language, not the browser's: «02.12.2026» on Russian pages."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client as HttpClient
from django.utils import translation

from kam.relations.forms import StageForm
from kam.testing import Org


def test_date_box_speaks_the_page_language() -> None:
    with translation.override("ru"):
        html = str(StageForm(initial={"date": date(2026, 12, 2)})["date"])
        assert 'value="02.12.2026"' in html
        assert 'placeholder="дд.мм.гггг"' in html
        assert 'type="date"' not in html
        assert 'lang="ru"' in html
    with translation.override("en"):
        html = str(StageForm(initial={"date": date(2026, 12, 2)})["date"])
        assert 'value="2026-12-02"' in html
        assert 'lang="en"' in html


@pytest.mark.parametrize("typed", ["02.12.2026", "2026-12-02"])
def test_russian_and_iso_dates_are_both_read(typed: str) -> None:
    with translation.override("ru"):
        form = StageForm({"date": typed, "reason": "x"})
        form.is_valid()
        assert form.cleaned_data["date"] == date(2026, 12, 2)


@pytest.mark.django_db
def test_card_date_boxes_are_russian(org: Org) -> None:
    http = HttpClient()
    http.force_login(org.manager_a1)
    page = http.get(org.client_a1.get_absolute_url()).content.decode()
    assert 'type="date"' not in page
    assert 'placeholder="дд.мм.гггг"' in page
