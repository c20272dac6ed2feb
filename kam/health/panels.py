"""What this app adds to composed pages: the health panel of the client card and the lowest /
falling health section of Today. Registered in `apps.py`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.forms import BaseForm
from django.http import HttpRequest
from django.utils import timezone

from kam.accounts.access import visible_clients
from kam.clients.models import Client
from kam.core.composition import (
    CardPanel,
    TodaySection,
    register_card_panel,
    register_today_section,
)
from kam.health.forms import SnoozeForm
from kam.health.selectors import client_health, health_list, lowest_and_drops
from kam.health.texts import explained


def _card(request: HttpRequest, client: Client, forms: Mapping[str, BaseForm]) -> dict[str, Any]:
    today = timezone.localdate()
    row = client_health(viewer=request.user, client=client, as_of=today)
    return {
        "health": explained(row) if row else None,
        "snooze_form": forms.get("snooze_form") or SnoozeForm(),
    }


def _today(request: HttpRequest, base: Mapping[str, Any]) -> dict[str, Any]:
    as_of = base.get("today") or timezone.localdate()
    own = None
    if not base.get("team"):
        # The viewer's own day: only their clients are scored (not the whole scope, filtered).
        own = list(
            visible_clients(request.user)
            .filter(manager_id=request.user.pk)
            .values_list("pk", flat=True)
        )
    rows = health_list(viewer=request.user, as_of=as_of, client_ids=own)
    lowest, drops = lowest_and_drops(rows)
    alerted = [explained(r) for r in rows if r.alerts][:20]
    return {"health_lowest": lowest, "health_drops": drops, "health_alerted": alerted}


def register() -> None:
    register_card_panel(CardPanel("health", 12, "health/_card_panel.html", _card, lazy=True))
    register_today_section(TodaySection("health", 110, "health/_today.html", _today, lazy=True))
