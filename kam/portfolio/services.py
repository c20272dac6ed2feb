"""Writes of revenue records (manual entry on the client card)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from kam.accounts.models import User
from kam.clients.models import Client
from kam.portfolio.models import RevenueRecord


@transaction.atomic
def revenue_create(
    *, actor: User, client: Client, date: date, amount: Decimal, note: str = ""
) -> RevenueRecord:
    """Record revenue from a client by hand (source "manual", no external id)."""
    record = RevenueRecord(client=client, date=date, amount=amount, note=note, source="manual")
    record._history_user = actor  # type: ignore[attr-defined]
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def revenue_update(
    *, actor: User, record: RevenueRecord, date: date, amount: Decimal, note: str = ""
) -> RevenueRecord:
    """Correct a revenue record; the previous values stay in its history."""
    changed = []
    for key, value in (("date", date), ("amount", amount), ("note", note)):
        if getattr(record, key) != value:
            setattr(record, key, value)
            changed.append(key)
    if changed:
        record._history_user = actor  # type: ignore[attr-defined]
        record.full_clean()
        record.save(update_fields=changed)
    return record


@transaction.atomic
def revenue_delete(*, actor: User, record: RevenueRecord) -> None:
    """Remove a mistaken record; the deletion is kept in the history with who and when."""
    record._history_user = actor  # type: ignore[attr-defined]
    record.delete()
