"""`{% client_asides client "place" %}`: what other apps show next to a client (see
`kam.core.asides`)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from kam.core.asides import render_client_asides

register = template.Library()


@register.simple_tag(takes_context=True)
def client_asides(context: template.Context, client: Any, place: str) -> SafeString:
    if client is None:
        return SafeString("")
    return render_client_asides(context.get("request"), client, place)
