"""Import codes in words on the pages (never «generic» or «clients» as raw codes)."""

from __future__ import annotations

from django import template

from kam.imports.forms import KINDS, PRESETS

register = template.Library()


@register.filter
def kind_label(code: str) -> str:
    """«clients» → «Клиенты»."""
    return str(dict(KINDS).get(code, code))


@register.filter
def preset_label(code: str) -> str:
    """«generic» → «Таблица (Excel/CSV)»."""
    return str(dict(PRESETS).get(code, code))
