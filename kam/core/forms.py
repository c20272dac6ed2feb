"""Form fields shared by the apps."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _


class AmountField(forms.DecimalField):
    """A decimal as people type it in Russia: "1 234 567,89" (spaces or no-break spaces).

    Thousands separators are dropped before the usual localized parsing.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("localize", True)
        kwargs.setdefault("max_digits", 15)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = "".join(value.split()).replace("\u202f", "")
        return super().to_python(value)


class DecimalInputField(forms.DecimalField):
    """A setting with a fraction typed and shown the Russian way: «2,5», not «2.50»; a point
    is accepted too. A text box (a number box would drop a value written with a comma)."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "size": 8})

    def prepare_value(self, value: Any) -> Any:
        from decimal import Decimal

        if isinstance(value, Decimal | int | float):
            text = f"{Decimal(value).normalize():f}"
            return text.replace(".", ",")
        return value

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = "".join(value.split()).replace(",", ".")
        return super().to_python(value)


class LocalDateInput(forms.DateInput):
    """A date box in the page's language: «02.12.2026» on the Russian pages, «2026-12-02» on
    the English ones (any of the language's input formats and ISO are accepted back).

    A text box on purpose: the browser's own date box shows the browser's language, not the
    page's, so a Russian page in an English browser asked for 12/02/2026.
    """

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"inputmode": "numeric", "autocomplete": "off", **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        shape = formats.get_format(self.format_key)[0]
        placeholder = shape.replace("%d", _("dd")).replace("%m", _("mm")).replace("%Y", _("yyyy"))
        context["widget"]["attrs"].setdefault("placeholder", placeholder)
        context["widget"]["attrs"].setdefault("lang", get_language())
        return context


def errors_to_form(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: per field where the field exists."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
