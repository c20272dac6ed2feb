"""Reads of clients and contacts, always scoped to a viewer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet, Sum

from kam.accounts.access import AnyUser, client_get, visible_clients
from kam.clients.choices import ClientStatus
from kam.clients.domain import normalize_company_name
from kam.clients.models import Client, Contact, ContactRole

SORTS = {
    "name": ("normalized_name", "id"),
    "-name": ("-normalized_name", "-id"),
    "inn": ("inn", "id"),
    "-inn": ("-inn", "-id"),
    "manager": ("manager__last_name", "manager__first_name", "normalized_name"),
    "-manager": ("-manager__last_name", "-manager__first_name", "normalized_name"),
    "segment": ("segment", "normalized_name"),
    "-segment": ("-segment", "normalized_name"),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
}


@dataclass(frozen=True, slots=True)
class ClientFilters:
    """Parsed list filters; empty strings mean "any"."""

    q: str = ""
    manager: int | None = None
    segment: str = ""
    channel: str = ""
    status: str = ClientStatus.ACTIVE
    sort: str = "name"


def client_list(*, viewer: AnyUser, filters: ClientFilters) -> QuerySet[Client]:
    """Visible clients matching the filters, sorted; search by name (folded) or INN prefix."""
    qs = visible_clients(viewer).select_related("manager")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.q.strip():
        term = filters.q.strip()
        folded = normalize_company_name(term)
        cond = Q(inn__startswith=term) if term.isdigit() else Q(pk__in=[])
        if folded:
            cond |= Q(normalized_name__contains=folded)
        qs = qs.filter(cond)
    if filters.manager is not None:
        qs = qs.filter(manager_id=filters.manager)
    if filters.segment:
        qs = qs.filter(segment=filters.segment)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    return qs.order_by(*SORTS.get(filters.sort, SORTS["name"]))


def client_detail(*, viewer: AnyUser, client_id: int) -> Client:
    """One visible client (404 otherwise) with its active contacts and their roles prefetched."""
    client = client_get(viewer, client_id)
    contacts = Contact.objects.filter(is_active=True).prefetch_related(
        Prefetch("role_set", queryset=ContactRole.objects.order_by("role"))
    )
    return (
        Client.objects.filter(pk=client.pk)
        .select_related("manager")
        .prefetch_related(Prefetch("contacts", queryset=contacts, to_attr="active_contacts"))
        .get()
    )


def contact_get(*, viewer: AnyUser, client_id: int, contact_id: int) -> Contact:
    """A contact of a visible client, or 404 (a contact of someone else's client is 'missing')."""
    client = client_get(viewer, client_id)
    qs = Contact.objects.filter(client=client, is_active=True).prefetch_related("role_set")
    contact = qs.filter(pk=contact_id).first()
    if contact is None:
        from django.http import Http404

        raise Http404
    return contact


def client_revenue_summary(*, client: Client) -> dict[str, Any]:
    """Totals for the client card (one aggregate query)."""
    return dict(
        client.revenue.aggregate(total=Sum("amount"), records=Count("id"), last_date=Max("date"))
    )


def client_history(*, client: Client, limit: int = 30) -> list[dict[str, Any]]:
    """Who changed what and when, across the client, its contacts and its revenue records."""
    from kam.portfolio.models import RevenueRecord

    entries: list[dict[str, Any]] = []
    sources: list[tuple[str, Any]] = [
        ("client", Client.history.filter(id=client.pk)),
        ("contact", Contact.history.filter(client_id=client.pk)),
        ("revenue", RevenueRecord.history.filter(client_id=client.pk)),
    ]
    for kind, qs in sources:
        entries.extend(
            {
                "kind": kind,
                "when": h.history_date,
                "who": h.history_user,
                "action": h.history_type,
                "label": str(h.instance) if kind != "revenue" else f"{h.date} · {h.amount}",
                "changes": _changed_fields(h),
            }
            for h in qs.select_related("history_user").order_by("-history_date")[:limit]
        )
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries[:limit]


def _changed_fields(record: Any) -> list[str]:
    # Names of fields changed by an update, as verbose names; creation/deletion list none.
    if record.history_type != "~":
        return []
    prev = record.prev_record
    if prev is None:
        return []
    delta = record.diff_against(prev)
    model = record.instance_type
    return [str(model._meta.get_field(c.field).verbose_name) for c in delta.changes]
