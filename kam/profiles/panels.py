"""The ideal profile's piece of the client card (fit and action items) and of Today (action
items due), registered in `apps.py`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.forms import BaseForm
from django.http import HttpRequest
from django.utils import timezone

from kam.clients.models import Client
from kam.core.composition import (
    CardPanel,
    TodaySection,
    register_card_panel,
    register_today_section,
)
from kam.profiles.selectors import actions_due, client_fit, client_flagged_deals


def _fit(request: HttpRequest, client: Client, forms: Mapping[str, BaseForm]) -> dict[str, Any]:
    data = client_fit(viewer=request.user, client=client)
    return {
        "fit_data": data,
        "open_fit_actions": [a for a in data.actions if not a.done],
        "flagged_deals": client_flagged_deals(client=client),
        "today": timezone.localdate(),
    }


def _due(request: HttpRequest, base: Mapping[str, Any]) -> dict[str, Any]:
    return {"fit_actions": actions_due(viewer=request.user)}  # type: ignore[arg-type]


def register() -> None:
    register_card_panel(CardPanel("fit", 65, "profiles/_card_panel.html", _fit))
    register_today_section(TodaySection("fit-actions", 320, "profiles/_today.html", _due))
