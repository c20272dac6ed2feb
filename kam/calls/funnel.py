"""The one bridge from calls to the deals funnel: consultation → meeting conversion per manager.

The funnel (deals imported from the CRM with their stages) is its own app. Calls only read
one figure from it, through this adapter, so the rest of the calls app does not depend on how
the funnel is built. While the funnel app is not part of the installed build, the conversion
is unknown and every manager gets None (null in JSON, a dash on the pages): KAM shows no
number it cannot back with deals.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.apps import apps


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
    return apps.is_installed("kam.deals")


def consultation_meeting(
    manager_ids: Iterable[int], *, start: date, end: date
) -> dict[int, Conversion | None]:
    """Consultation → meeting conversion of each manager over [start, end], or None."""
    ids = list(manager_ids)
    if not funnel_available():
        return dict.fromkeys(ids)
    return dict.fromkeys(ids)  # pragma: no cover - wired when the funnel lands
