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


def test_every_date_field_of_every_form_uses_the_page_language_box() -> None:
    """A native `type="date"` box shows the browser's language (mm/dd/yyyy on the contrast
    analysis page, seen there): every DateField of every form in KAM uses LocalDateInput."""
    import importlib
    import inspect
    import pkgutil

    from django import forms

    import kam
    from kam.core.forms import LocalDateInput

    checked, wrong = 0, []
    for module_info in pkgutil.walk_packages(kam.__path__, "kam."):
        if not module_info.name.endswith(".forms"):
            continue
        module = importlib.import_module(module_info.name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, forms.BaseForm) or cls.__module__ != module.__name__:
                continue
            base_fields: dict[str, forms.Field] = getattr(cls, "base_fields", {})
            for field_name, field in base_fields.items():
                is_date = isinstance(field, forms.DateField)
                if is_date and not isinstance(field, forms.DateTimeField):
                    checked += 1
                    if not isinstance(field.widget, LocalDateInput):
                        wrong.append(f"{module.__name__}.{name}.{field_name}")
    assert checked >= 10
    assert wrong == []
