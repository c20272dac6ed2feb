"""`{{ value|duration }}`: one way to print a duration everywhere («1 ч 5 мин», «2 дня 4 ч»,
«45 с»), in the page's language with Russian plural forms."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
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
