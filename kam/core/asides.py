"""Registry of small asides other apps show next to a client wherever the client appears
(the contact-log form, the NPS phone script, the dossier…), so that the page's own app knows
none of them. A page calls `{% load kam_asides %}{% client_asides client "contact-form" %}`;
an app registers `ClientAside(...)` in `AppConfig.ready()`. Like the card panels, an aside
brings its own template and a context function that reads through the viewer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

# (viewer, client, place) → template context, or None to show nothing for this client/place
AsideContext = Callable[[Any, Any, str], dict[str, Any] | None]


@dataclass(frozen=True)
class ClientAside:
    key: str
    order: int
    template: str
    context: AsideContext


_asides: dict[str, ClientAside] = {}


def register_client_aside(aside: ClientAside) -> None:
    """Add (or replace, by key) an aside. Call from your `AppConfig.ready()`."""
    _asides[aside.key] = aside


def render_client_asides(request: HttpRequest | None, client: Any, place: str) -> SafeString:
    """Every registered aside for the client at `place`, in order (empty when none apply)."""
    viewer = getattr(request, "user", None)
    parts = []
    for aside in sorted(_asides.values(), key=lambda a: (a.order, a.key)):
        context = aside.context(viewer, client, place)
        if context is None:
            continue
        context = {"client": client, "place": place, **context}
        parts.append(render_to_string(aside.template, context, request=request))
    return mark_safe("".join(parts))  # noqa: S308 - rendered by auto-escaping templates
