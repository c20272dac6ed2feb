"""Labels of the candidates' evidence, shared by the pages and the export."""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

EVIDENCE_LABELS: dict[str, Any] = {
    "first_purchase": gettext_lazy("first purchase"),
    "repeat_purchases": gettext_lazy("repeat purchases"),
    "promoter_answers": gettext_lazy("promoter answers"),
    "last_score": gettext_lazy("latest NPS score"),
    "revenue_growth": gettext_lazy("revenue growing"),
    "stopped_buying": gettext_lazy("stopped buying"),
    "days_silent": gettext_lazy("days without a purchase"),
    "median_gap_days": gettext_lazy("usual gap, days"),
    "complaints": gettext_lazy("complaints"),
    "critic_answers": gettext_lazy("critic answers"),
    "negative_contacts": gettext_lazy("negative contacts in 12 months"),
    "share_drop_pp": gettext_lazy("share drop, p.p."),
}
# Evidence that says nothing when it is zero / false / empty (left out of the summary).
_QUIET = {
    "repeat_purchases",
    "promoter_answers",
    "revenue_growth",
    "stopped_buying",
    "complaints",
    "critic_answers",
    "negative_contacts",
    "share_drop_pp",
}


def _value(key: str, value: Any) -> str:
    from datetime import date

    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float):
        return str(number_format(value, decimal_pos=1))
    if key == "first_purchase" and isinstance(value, str):
        try:
            return date.fromisoformat(value).strftime("%d.%m.%Y")
        except ValueError:
            return value
    return str(value)


def evidence_items(evidence: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, shown value) of the figures that say something, in a fixed order."""
    items = []
    for key, label in EVIDENCE_LABELS.items():
        if key not in evidence or evidence[key] is None:
            continue
        value = evidence[key]
        if key in _QUIET and not value:
            continue
        items.append((str(label), _value(key, value)))
    return items


def evidence_text(evidence: dict[str, Any]) -> str:
    return "; ".join(f"{label}: {value}" for label, value in evidence_items(evidence))
