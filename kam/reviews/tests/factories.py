"""Small builders of the contrast-analysis tests."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from kam.accounts.models import User
from kam.clients.domain import normalize_company_name
from kam.clients.models import Client
from kam.portfolio.models import RevenueRecord
from kam.reviews.models import CauseTag

AS_OF = date(2026, 6, 30)


def client(name: str, manager: User, *, segment: str = "") -> Client:
    return Client.objects.create(
        name=name, normalized_name=normalize_company_name(name), manager=manager, segment=segment
    )


def new_repeat_buyer(name: str, manager: User, *, as_of: date = AS_OF) -> Client:
    """A client whose first purchase is 8 months before `as_of`, with three repeat orders:
    a satisfied candidate by the health rules."""
    c = client(name, manager)
    for days in (240, 180, 120, 60):
        RevenueRecord.objects.create(
            client=c, date=as_of - timedelta(days=days), amount=Decimal(1000), source="test"
        )
    return c


def tag(name: str, side: str = "both", *, active: bool = True) -> CauseTag:
    return CauseTag.objects.create(name_ru=name, name_en=name, side=side, is_active=active)
