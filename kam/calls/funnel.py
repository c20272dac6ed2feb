"""The one bridge from calls to the deals funnel: consultation → meeting conversion per manager.

The funnel (deals imported from the CRM with their stages) is its own app. Calls only read
one figure from it, through this adapter, so the rest of the calls app does not depend on how
the funnel is built. While the funnel app is not part of the installed build, the conversion
is unknown and every manager gets None (null in JSON, a dash on the pages): KAM shows no
number it cannot back with deals.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.apps import apps

FUNNEL_APP = "kam.deals"


@dataclass(frozen=True, slots=True)
class Conversion:
    """Share of consultations that led to a meeting, with its interval and sample size."""

    value: float
    low: float
    high: float
    n: int

    def as_dict(self) -> dict[str, float | int]:
        return {"value": self.value, "low": self.low, "high": self.high, "n": self.n}


def funnel_available() -> bool:
    """Is the deals funnel installed in this build?"""
    return apps.is_installed(FUNNEL_APP)


def consultation_meeting(
    manager_ids: Iterable[int], *, viewer: Any, start: date, end: date
) -> dict[int, Conversion | None]:
    """Consultation → meeting conversion of each manager over [start, end] in the viewer's
    scope, or None (no funnel installed, or no consultations of that manager in the window).

    The funnel publishes `consultation_meeting_by_manager(viewer=, date_from=, date_to=)`:
    manager id → a rate with value, low, high and n.
    """
    ids = list(manager_ids)
    if not funnel_available() or not ids:
        return dict.fromkeys(ids)
    selectors = importlib.import_module(f"{FUNNEL_APP}.selectors")
    rates = selectors.consultation_meeting_by_manager(viewer=viewer, date_from=start, date_to=end)
    out: dict[int, Conversion | None] = {}
    for pk in ids:
        rate = rates.get(pk)
        out[pk] = None if rate is None else Conversion(rate.value, rate.low, rate.high, rate.n)
    return out
