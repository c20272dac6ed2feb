"""Names of components and alerts, and what to do about each alert (shown in the UI)."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

COMPONENT_LABELS: dict[str, Promise] = {
    "revenue_trend": _("Revenue trend, % to the previous 12 months"),
    "recency": _("Days since the last purchase (against the usual gap)"),
    "cadence": _("Contact cadence: days overdue"),
    "bank": _("Emotional bank balance"),
    "bank_trend": _("Emotional bank trend: balance change over 90 days"),
    "nps": _("Latest NPS score"),
    "complaints": _("Open complaint cases"),
    "dossier": _("Dossier completeness and review, %"),
}

ALERT_LABELS: dict[str, Promise] = {
    "stopped_buying": _("Stopped buying"),
    "share_drop": _("Share of revenue fell"),
    "negative_contacts": _("A run of negative contacts"),
    "critic_answer": _("A critic's NPS answer"),
}

ALERT_ACTIONS: dict[str, Promise] = {
    "stopped_buying": _(
        "Call the decision maker this week, ask what changed and whether a competitor took "
        "the orders; agree on a next purchase date."
    ),
    "share_drop": _(
        "Compare this year's orders with last year's by product, find what moved elsewhere and "
        "put a recovery goal into the account plan."
    ),
    "negative_contacts": _(
        "Hold a pause in personal contact, let the supervisor call, and add deposits to the "
        "emotional bank before asking for anything."
    ),
    "critic_answer": _(
        "Call back within two days, open a complaint case and follow its steps to the root cause."
    ),
}


def explained(row: Any) -> dict[str, Any]:
    """A `ClientHealth` with its component and alert names resolved for a template."""
    return {
        "row": row,
        "components": [(COMPONENT_LABELS[c.name], c) for c in row.components],
        "alerts": [(a.value, ALERT_LABELS[a.value], ALERT_ACTIONS[a.value]) for a in row.alerts],
        "snoozed": [ALERT_LABELS[a.value] for a in row.snoozed],
    }
