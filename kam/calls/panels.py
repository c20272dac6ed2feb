"""The client card's calls panel, registered in `apps.py`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.forms import BaseForm
from django.http import HttpRequest

from kam.calls.selectors import call_list
from kam.clients.models import Client
from kam.core.composition import CardPanel, register_card_panel

PANEL_CALLS = 10


def _calls(request: HttpRequest, client: Client, forms: Mapping[str, BaseForm]) -> dict[str, Any]:
    calls = call_list(viewer=request.user).filter(client_id=client.pk)[: PANEL_CALLS + 1]
    rows = list(calls)
    return {"client_calls": rows[:PANEL_CALLS], "more_calls": len(rows) > PANEL_CALLS}


def register() -> None:
    register_card_panel(CardPanel("calls", 60, "calls/_card_panel.html", _calls))
