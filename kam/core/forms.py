"""Form fields shared by the apps."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError


class AmountField(forms.DecimalField):
    """A decimal as people type it in Russia: "1 234 567,89" (spaces or no-break spaces).

    Thousands separators are dropped before the usual localized parsing.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("localize", True)
        kwargs.setdefault("max_digits", 16)
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


def errors_to_form(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: per field where the field exists."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
