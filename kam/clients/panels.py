"""The client card's panels of this app (contacts, history), registered in `apps.py`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.forms import BaseForm
from django.http import HttpRequest

from kam.accounts.access import can_read_dossier
from kam.clients.forms import ContactForm
from kam.clients.models import Client
from kam.clients.selectors import client_history
from kam.core.composition import CardPanel, register_card_panel


def _contacts(
    request: HttpRequest, client: Client, forms: Mapping[str, BaseForm]
) -> dict[str, Any]:
    confidential = can_read_dossier(request.user, client)
    return {"contact_form": forms.get("contact_form") or ContactForm(confidential=confidential)}


def _history(request: HttpRequest, client: Client, forms: Mapping[str, BaseForm]) -> dict[str, Any]:
    return {"history": client_history(client=client)}


def register() -> None:
    register_card_panel(CardPanel("contacts", 20, "clients/_contacts_panel.html", _contacts))
    # Three history tables and the previous version of each row: loaded after the card.
    register_card_panel(
        CardPanel("history", 90, "clients/_history_panel.html", _history, lazy=True)
    )
