"""What deals contribute to pages other apps compose: the client card and Today."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from kam.accounts.access import AnyUser
from kam.clients.models import Client
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


def today_section(*, viewer: AnyUser, today: date) -> dict[str, Any]:
    """The viewer's own open deals that have not moved for a month."""
    return {
        "idle_deals": open_deals_needing_action(viewer=viewer, today=today, idle_days=IDLE_DAYS),
        "idle_days": IDLE_DAYS,
    }
