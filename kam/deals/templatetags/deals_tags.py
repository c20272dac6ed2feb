"""Template filters of the deals pages: fractions as percentages, the local way."""

from __future__ import annotations

from django import template
from django.utils.formats import get_format

register = template.Library()


@register.filter
def pct(value: float | None, digits: int = 1) -> str:
    """0.1234 → «12,3 %» in Russian, «12.3 %» in English; None → «—»."""
    if value is None or isinstance(value, str):  # None, or a missing rate's attribute ("")
        return "—"
    # Called hundreds of times a page: format once, swap the separator of the language.
    text = f"{100 * value:.{int(digits)}f}"
    return f"{text.replace('.', get_format('DECIMAL_SEPARATOR'))}\u00a0%"


@register.filter
def get_rate(mapping: dict[str, object] | None, key: str) -> object:
    """A value of a dict by a variable key (rates by transition name)."""
    return (mapping or {}).get(key)
