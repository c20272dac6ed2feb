"""Shared helpers of the import tests: valid INNs and a snapshot of everything an import writes."""

from __future__ import annotations

from pathlib import Path

from kam.accounts.models import User
from kam.clients.models import Client, Contact
from kam.portfolio.models import RevenueRecord
from kam.relations.models import Interaction

FIXTURES = Path(__file__).parent / "fixtures"


def make_inn(seed: int) -> str:
    """A valid 10-digit company INN (check digit by the FNS weights)."""
    body = f"77{seed % 10**7:07d}"
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    check = sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11 % 10
    return body + str(check)


def snapshot() -> tuple[int, ...]:
    """Counts of every table an import may write (history tables included)."""
    return (
        Client.objects.count(),
        Client.history.count(),
        Contact.objects.count(),
        RevenueRecord.objects.count(),
        Interaction.objects.count(),
        User.objects.count(),
    )
