"""One display format for every revenue share and percentage KAM shows.

`{{ share|percent }}` turns a share (a fraction of 1: 0.2437) into a percent the way the page's
language writes it: «24,4%» in Russian, "24.4%" in English; whole percents lose the decimal
(«75%»), a share too small for one decimal but above zero is «<0,1%», no value is «—». Use it
for every share, so the same figure reads the same in a table, a KPI and an alert.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()

_TENTH = Decimal("0.1")


def format_percent(share: Any) -> str:
    """A fraction of 1 as a percent with at most one decimal, in the active language."""
    if share is None or share == "":
        return "—"
    try:
        value = Decimal(str(share)) * 100
    except (InvalidOperation, ValueError):
        return "—"
    if not value.is_finite():
        return "—"
    rounded = value.quantize(_TENTH, rounding=ROUND_HALF_UP)
    if rounded == 0 and value > 0:
        return f"<{number_format(_TENTH, decimal_pos=1)}%"
    if rounded == rounded.to_integral_value():
        return f"{number_format(rounded, decimal_pos=0)}%"
    return f"{number_format(rounded, decimal_pos=1)}%"


@register.filter
def percent(share: Any) -> str:
    """`{{ row.share|percent }}` → «24,4%»."""
    return format_percent(share)


@register.filter
def percent_of(part: Any, whole: Any) -> str:
    """`{{ m.revenue|percent_of:report.company_total }}`: part / whole as a percent."""
    try:
        whole_value = Decimal(str(whole))
        return format_percent(Decimal(str(part)) / whole_value) if whole_value else "—"
    except (InvalidOperation, ValueError):
        return "—"
