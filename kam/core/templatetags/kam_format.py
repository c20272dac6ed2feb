"""KAM's display formats, one per kind of figure, used by every template.

- `{{ value|duration }}`: one way to print a duration («1 ч 5 мин», «2 дня 4 ч», «45 с»), in the
  page's language with Russian plural forms.
- `{{ share|percent }}` turns a share (a fraction of 1: 0.2437) into a percent the way the
  page's language writes it: «24,4%» in Russian, "24.4%" in English; whole percents lose the
  decimal («75%»), a share too small for one decimal but above zero is «<0,1%», no value is «—».
  Use it for every share, so the same figure reads the same in a table, a KPI and an alert.
- `{{ name|quoted }}`: a name in Russian quotes with nested quotes done right.
- `{{ value|signed:1 }}`: a figure that can be negative (NPS, a balance, a change), rounded to
  the given decimals the language's way, with a true minus sign «−25,0» (not a hyphen) and no
  «−0».
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


def duration_text(seconds: float, *, with_seconds: bool = False) -> str:
    """Days and hours from a day on, hours and minutes from an hour on, minutes below that
    (and seconds under an hour when `with_seconds`). Negative counts as zero."""
    total = max(0, int(seconds))
    days, rest = divmod(total, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    parts: list[str] = []
    if days:
        parts.append(ngettext("%(n)d day", "%(n)d days", days) % {"n": days})
        if hours:
            parts.append(_("%(n)d h") % {"n": hours})
    elif hours:
        parts.append(_("%(n)d h") % {"n": hours})
        if minutes:
            parts.append(_("%(n)d min") % {"n": minutes})
    else:
        if minutes:
            parts.append(_("%(n)d min") % {"n": minutes})
        if with_seconds and (secs or not minutes):
            parts.append(_("%(n)d s") % {"n": secs})
        if not parts:
            return _("less than a minute")
    return " ".join(parts)


@register.filter
def duration(value: timedelta | float | None, unit: str = "") -> str:
    """A timedelta, or a number of seconds (`|duration:"s"`, seconds shown) or minutes
    (`|duration:"min"`)."""
    if value is None or value == "":
        return ""
    if isinstance(value, timedelta):
        return duration_text(value.total_seconds())
    if unit == "min":
        return duration_text(float(value) * 60)
    return duration_text(float(value), with_seconds=unit == "s")


@register.filter
def since(moment: datetime | None) -> str:
    """How long ago `moment` was, as a duration."""
    if moment is None:
        return ""
    return duration_text((timezone.now() - moment).total_seconds())


_OUTER = ("«", "»")
_INNER = ("„", "“")


def quote_text(text: str) -> str:
    """«text» the Russian way: quotes inside become „…“, so «ООО „Северный ветер“» and never
    «ООО «Северный ветер»»; a text already wrapped in «…» is not wrapped twice."""
    body = str(text).strip()
    if body.startswith(_OUTER[0]) and body.endswith(_OUTER[1]) and _balanced(body[1:-1]):
        body = body[1:-1]
    body = body.replace(_OUTER[0], _INNER[0]).replace(_OUTER[1], _INNER[1])
    # Straight quotes from CRM exports: alternate opening and closing.
    parts = body.split('"')
    if len(parts) % 2 == 1 and len(parts) > 1:
        body = parts[0] + "".join(
            (_INNER[0] if index % 2 else _INNER[1]) + part
            for index, part in enumerate(parts[1:], start=1)
        )
    return f"{_OUTER[0]}{body}{_OUTER[1]}"


def _balanced(inner: str) -> bool:
    depth = 0
    for char in inner:
        if char == _OUTER[0]:
            depth += 1
        elif char == _OUTER[1]:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


@register.filter
def quoted(value: object) -> str:
    """`{{ name|quoted }}`: the name in quotes, nested quotes done right (see quote_text)."""
    if value is None or value == "":
        return ""
    return quote_text(str(value))


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


MINUS = "\u2212"


def format_signed(value: Any, decimals: int = 0) -> str:
    """A number rounded half away from zero to `decimals`, with a minus sign, not a hyphen."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return "—"
    if not number.is_finite():
        return "—"
    rounded = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = number_format(abs(rounded), decimal_pos=decimals)
    return f"{MINUS}{text}" if rounded < 0 else text


@register.filter
def signed(value: Any, decimals: int = 0) -> str:
    """`{{ t.value|signed }}` → «−100»; `{{ t.interval.low|signed:1 }}` → «−25,0»."""
    return format_signed(value, int(decimals))
