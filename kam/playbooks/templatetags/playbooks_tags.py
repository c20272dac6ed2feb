"""`{{ age|age_words }}`: a case's age in plain words («2 дня 4 ч», «1 ч 5 мин»)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.core.templatetags.kam_format import duration_text
from kam.playbooks.domain import Age, split_age

register = template.Library()


def age_text(age: Age) -> str:
    """A case's age, printed like every other duration (`kam.core` `duration`)."""
    return duration_text(age.days * 86_400 + age.hours * 3_600 + age.minutes * 60)


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
