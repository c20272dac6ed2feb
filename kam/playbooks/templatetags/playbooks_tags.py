"""`{{ age|age_words }}`: a case's age in plain words («2 дня 4 часа»)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kam.playbooks.domain import Age, split_age

register = template.Library()


def age_text(age: Age) -> str:
    """Days and hours (minutes only under an hour), plural forms by the language."""
    parts = []
    if age.days:
        parts.append(ngettext("%(n)d day", "%(n)d days", age.days) % {"n": age.days})
    if age.hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", age.hours) % {"n": age.hours})
    if not parts:
        minutes = age.minutes
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes})
    return " ".join(parts)


@register.filter
def age_words(value: Age | timedelta | None) -> str:
    if value is None:
        return ""
    if isinstance(value, timedelta):
        value = split_age(value)
    return age_text(value)


@register.filter
def since_words(moment: datetime | None) -> str:
    """The age of something that started at `moment`, in plain words."""
    if moment is None:
        return ""
    return age_text(split_age(timezone.now() - moment))


@register.filter
def overdue(due: datetime | None) -> bool:
    return due is not None and due < timezone.now()


@register.simple_tag
def no_diagnosis() -> str:
    return _("No diagnosis yet.")
