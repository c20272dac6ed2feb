"""The client card's panels of this app (key status, revenue), registered in `apps.py`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.forms import BaseForm
from django.http import Http404, HttpRequest

from kam.clients.models import Client
from kam.core.asides import ClientAside, register_client_aside
from kam.core.composition import CardPanel, register_card_panel
from kam.portfolio.forms import RevenueForm
from kam.portfolio.selectors import (
    client_key_status,
    client_revenue_summary,
    key_client_ids,
    revenue_for_client,
)


def _key_status(
    request: HttpRequest, client: Client, forms: Mapping[str, BaseForm]
) -> dict[str, Any]:
    return {"key_status": client_key_status(viewer=request.user, client_id=client.pk)}


def _revenue(request: HttpRequest, client: Client, forms: Mapping[str, BaseForm]) -> dict[str, Any]:
    return {
        "revenue_form": forms.get("revenue_form") or RevenueForm(),
        "revenue": revenue_for_client(viewer=request.user, client_id=client.pk)[:20],
        "revenue_summary": client_revenue_summary(client=client),
    }


def _dossier_key_status(viewer: Any, client: Any, place: str) -> dict[str, Any] | None:
    """On the dossier: whether the client is a key account now, and why (its title does not
    claim it)."""
    if place != "dossier":
        return None
    try:
        status = client_key_status(viewer=viewer, client_id=client.pk)
    except Http404:
        # A dossier reader by the org chart who does not see the client's figures (a
        # supervisor without the supervisor role): the key mark only.
        status = None
    return {"key_status": status, "is_key": client.pk in key_client_ids()}


def register() -> None:
    register_client_aside(
        ClientAside("key-status", 5, "portfolio/_dossier_key_status.html", _dossier_key_status)
    )
    register_card_panel(
        CardPanel("key-status", 10, "portfolio/_key_status_panel.html", _key_status)
    )
    register_card_panel(CardPanel("revenue", 50, "portfolio/_revenue_panel.html", _revenue))
