"""Template filters of the deals pages (percentages go through kam_format's `percent`)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def get_rate(mapping: dict[str, object] | None, key: str) -> object:
    """A value of a dict by a variable key (rates by transition name)."""
    return (mapping or {}).get(key)
