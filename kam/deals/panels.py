"""What deals add to composed pages: a panel on the client card (the client's open, won and
lost deals) and a Today section (open deals whose stage has not moved for a month).
Registered in `apps.py`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.forms import BaseForm
from django.http import HttpRequest
from django.utils.translation import gettext as _

from kam.accounts.access import AnyUser
from kam.clients.models import Client
from kam.core.composition import (
    CardPanel,
    TodaySection,
    register_card_panel,
    register_today_section,
)
from kam.deals.selectors import client_deals, open_deals_needing_action

# An open deal whose stage has not moved for this many days needs the manager's attention.
IDLE_DAYS = 30


def card_panel(*, viewer: AnyUser, client: Client) -> dict[str, Any]:
    """The client's deals, open, won and lost (the card is already access-checked)."""
    return {
        "client_deals": client_deals(viewer=viewer, client_id=client.pk),
        "deal_groups": [
            ("open", _("Open deals")),
            ("won", _("Won deals")),
            ("lost", _("Lost deals")),
        ],
    }


def today_section(*, viewer: AnyUser, today: date, team: bool = False) -> dict[str, Any]:
    """Open deals (own, or the team's in the team view) that have not moved for a month."""
    deals = open_deals_needing_action(viewer=viewer, today=today, idle_days=IDLE_DAYS, team=team)
    return {"idle_deals": deals, "idle_days": IDLE_DAYS}


def _card(request: HttpRequest, client: Any, forms: Mapping[str, BaseForm]) -> dict[str, Any]:
    return card_panel(viewer=request.user, client=client)


def _today(request: HttpRequest, base: Mapping[str, Any]) -> dict[str, Any]:
    return today_section(viewer=request.user, today=base["today"], team=bool(base["team"]))


def register() -> None:
    register_card_panel(CardPanel("deals", 45, "deals/_card_panel.html", _card))
    register_today_section(TodaySection("deals", 150, "deals/_today_section.html", _today))
