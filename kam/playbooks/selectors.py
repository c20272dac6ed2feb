"""Reads of complaint cases, scoped to the viewer by client visibility."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from kam.accounts.access import AnyUser, visible_clients
from kam.accounts.models import User
from kam.playbooks.models import ComplaintCase


def cases_for(viewer: AnyUser) -> QuerySet[ComplaintCase]:
    return ComplaintCase.objects.filter(
        client__in=visible_clients(viewer).values("pk")
    ).select_related("client", "owner", "answer")


def case_get(*, viewer: AnyUser, case_id: int) -> ComplaintCase:
    case = cases_for(viewer).filter(pk=case_id).first()
    if case is None:
        raise Http404
    return case


def open_cases_for(viewer: AnyUser, *, team: bool = False) -> list[ComplaintCase]:
    """Open complaint cases for the Today page: the viewer's own, or all visible for a team."""
    qs = cases_for(viewer).filter(closed_at__isnull=True)
    if not team and isinstance(viewer, User):
        qs = qs.filter(owner=viewer)
    return list(qs.order_by("opened_at")[:200])
