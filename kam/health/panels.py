"""What this app adds to composed pages: the health panel of the client card and the lowest /
falling health sections of Today and of the portfolio page. Registered in `apps.py`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.forms import BaseForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy

from kam.clients.models import Client
from kam.core.composition import (
    CardPanel,
    ClientColumn,
    TodaySection,
    register_card_panel,
    register_client_column,
    register_portfolio_section,
    register_today_section,
)
from kam.health.forms import SnoozeForm
from kam.health.selectors import client_health, health_list, health_overview
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
    # The personal view lists only the viewer's own clients (the scope is in the SQL).
    found = health_overview(viewer=request.user, as_of=as_of, own=not base.get("team"), alerted=20)
    return {
        "health_lowest": found.lowest,
        "health_drops": found.drops,
        "health_alerted": [explained(r) for r in found.alerted],
        "health_written_at": found.written_at,
    }


def _health_of_rows(rows: list[Any], viewer: Any) -> None:
    """Health is scored in Python from the client's facts: only for the rows shown (a page
    of the list, a chunk of the download), so the column does not sort."""
    found = health_list(
        viewer=viewer,
        as_of=timezone.localdate(),
        client_ids=[r.pk for r in rows],
        compare=False,
        key_flags=False,
    )
    scores = {h.client.pk: h.health for h in found}
    for row in rows:
        row.list_health = scores.get(row.pk)


def _health_by_id(ids: list[int], viewer: Any) -> dict[int, int | None]:
    """Health of the listed clients, for sorting the client list by it: every visible client
    is scored when the list holds many (one pass, like the health page), else just these."""
    wanted = set(ids)
    found = health_list(
        viewer=viewer,
        as_of=timezone.localdate(),
        client_ids=None if len(ids) > 2000 else ids,
        compare=False,
        key_flags=False,
    )
    return {h.client.pk: h.health for h in found if h.client.pk in wanted}


def register() -> None:
    register_client_column(
        ClientColumn(
            key="health",
            order=60,
            label=gettext_lazy("Health"),
            cell=lambda row: "—" if row.list_health is None else str(row.list_health),
            export=lambda row: row.list_health,
            prepare=_health_of_rows,
            sort_values=_health_by_id,
            numeric=True,
        )
    )
    register_card_panel(CardPanel("health", 12, "health/_card_panel.html", _card, lazy=True))
    register_today_section(TodaySection("health", 110, "health/_today.html", _today, lazy=True))
    # A placeholder that htmx fills from `health:portfolio-section` after the page loads.
    register_portfolio_section(TodaySection("health", 10, "health/_portfolio_section.html"))
