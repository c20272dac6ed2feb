"""Reads of revenue records, scoped through the viewer's visible clients."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from kam.accounts.access import AnyUser, client_get
from kam.portfolio.models import RevenueRecord


def revenue_for_client(*, viewer: AnyUser, client_id: int) -> QuerySet[RevenueRecord]:
    """Revenue records of one visible client, newest first (404 when the client is not visible)."""
    client = client_get(viewer, client_id)
    return RevenueRecord.objects.filter(client=client).order_by("-date", "-id")


def revenue_get(*, viewer: AnyUser, client_id: int, record_id: int) -> RevenueRecord:
    """One revenue record of a visible client, or 404."""
    record = revenue_for_client(viewer=viewer, client_id=client_id).filter(pk=record_id).first()
    if record is None:
        raise Http404
    return record
