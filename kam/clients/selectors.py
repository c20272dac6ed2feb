"""Reads of clients and contacts, always scoped to a viewer."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kam.accounts.access import (
    AnyUser,
    can_read_dossier,
    client_get,
    dossier_clients,
    visible_clients,
)
from kam.accounts.models import OrgChange, User
from kam.clients.choices import BuyingRole, ClientStatus
from kam.clients.domain import dossier_completeness, normalize_company_name, review_overdue
from kam.clients.models import (
    Client,
    Competitor,
    Contact,
    ContactRole,
    Dossier,
    DossierView,
)
from kam.core.composition import ClientColumn
from kam.core.models import company_settings

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


def _column_order(sort: str, columns: Sequence[ClientColumn]) -> tuple[Any, ...] | None:
    """The ORDER BY of a sort on a registered column (`key` or `-key`), empty values last;
    a `sort_field` starting with "-" sorts the other way (a date for "days since")."""
    key, descending = sort.removeprefix("-"), sort.startswith("-")
    column = next((c for c in columns if c.key == key and c.sort_field), None)
    if column is None:
        return None
    field = column.sort_field.removeprefix("-")
    if column.sort_field.startswith("-"):
        descending = not descending
    expr = F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
    return (expr, "normalized_name", "id")


def python_sort(sort: str, columns: Sequence[ClientColumn]) -> tuple[ClientColumn, bool] | None:
    """The column (and whether descending) when `sort` names one sorted outside SQL."""
    key = sort.removeprefix("-")
    for column in columns:
        if column.key == key and not column.sort_field and column.sort_values is not None:
            return column, sort.startswith("-")
    return None


def python_sorted_ids(
    clients: QuerySet[Client], column: ClientColumn, *, descending: bool, viewer: AnyUser
) -> list[int]:
    """Ids of the listed clients by a value SQL cannot compute (health): ties by name, and
    clients without a value last in both directions."""
    assert column.sort_values is not None  # noqa: S101 - python_sort chose it
    ids = list(clients.order_by("normalized_name", "id").values_list("pk", flat=True))
    values = column.sort_values(ids, viewer)
    scored = [i for i in ids if values.get(i) is not None]
    scored.sort(key=lambda i: values[i], reverse=descending)  # stable: ties keep the name order
    return scored + [i for i in ids if values.get(i) is None]


def client_list(
    *, viewer: AnyUser, filters: ClientFilters, columns: Sequence[ClientColumn] = ()
) -> QuerySet[Client]:
    """Visible clients matching the filters, sorted; search by name (folded) or INN prefix.

    `columns` (the apps' client-list columns) annotate their values in SQL, so the list sorts
    and pages by any of them in the database."""
    qs = visible_clients(viewer).select_related("manager")
    for column in columns:
        if column.annotate is not None:
            qs = column.annotate(qs, viewer)
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
    order = _column_order(filters.sort, columns)
    return qs.order_by(*(order or SORTS.get(filters.sort, SORTS["name"])))


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


def active_contacts(
    client: Client | int, ids: Iterable[int] | None = None, *, keep: Iterable[int] = ()
) -> QuerySet[Contact]:
    """The client's active contacts (of those `ids` when given), in the order they were added;
    archived ones too when in `keep` (those already linked to the record being edited). The
    client is already checked for the viewer."""
    client_id = client if isinstance(client, int) else client.pk
    contacts = Contact.objects.filter(client_id=client_id).filter(
        Q(is_active=True) | Q(pk__in=list(keep))
    )
    if ids is not None:
        contacts = contacts.filter(pk__in=list(ids))
    return contacts.order_by("id")


def contact_get(*, viewer: AnyUser, client_id: int, contact_id: int) -> Contact:
    """A contact of a visible client, or 404 (a contact of someone else's client is 'missing')."""
    client = client_get(viewer, client_id)
    qs = Contact.objects.filter(client=client, is_active=True).prefetch_related("role_set")
    contact = qs.filter(pk=contact_id).first()
    if contact is None:
        raise Http404
    return contact


def client_history(*, client: Client, limit: int = 30) -> list[dict[str, Any]]:
    """Who changed what and when, across the client, its contacts and its revenue records."""
    entries: list[dict[str, Any]] = []
    sources: list[tuple[str, Any]] = [
        ("client", Client.history.filter(id=client.pk)),
        ("contact", Contact.history.filter(client_id=client.pk)),
        # Revenue records belong to portfolio; reached through the relation, not an import.
        ("revenue", client.revenue.model.history.filter(client_id=client.pk)),
    ]
    for kind, qs in sources:
        entries.extend(
            {
                "kind": kind,
                "when": h.history_date,
                "who": h.history_user,
                "action": h.history_type,
                # Labels from the history row itself: `h.instance` would reload fields kept out
                # of the history (the contact's dossier fields) with a query per row.
                "label": _history_label(kind, h),
                "changes": _changed_fields(h),
            }
            for h in qs.select_related("history_user").order_by("-history_date")[:limit]
        )
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries[:limit]


def _history_label(kind: str, record: Any) -> str:
    if kind == "client":
        return str(record.name)
    if kind == "contact":
        return str(record.full_name)
    return f"{record.date} · {record.amount}"


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


# --- Dossier (confidential: every read goes through dossier_clients) -------------------------


@dataclass(frozen=True, slots=True)
class DossierPage:
    """Everything the dossier page and API show about one client."""

    client: Client
    dossier: Dossier
    contacts: list[Contact]
    competitors: list[Competitor]
    completeness: int
    missing_roles: list[str]
    review_due_on: date | None
    review_overdue: bool
    views: list[DossierView]
    readers: list[DossierReader]


@dataclass(frozen=True, slots=True)
class DossierReader:
    """Someone who may open the dossier now, why, and since when (None: before the logs)."""

    user: User
    is_manager: bool
    since: datetime | None


@dataclass(frozen=True, slots=True)
class Access:
    """Where a dossier read or attempt comes from, for the access log."""

    channel: str = "web"
    page: str = "dossier"
    session_key: str = ""


def dossier_access_log(*, viewer: User, client_id: int, access: Access, allowed: bool) -> None:
    """Write one access-log row; a repeat in the same session and minute adds to that row."""
    now = timezone.now()
    same = DossierView.objects.filter(
        viewer=viewer,
        client_id=client_id,
        channel=access.channel,
        page=access.page,
        allowed=allowed,
        session_key=access.session_key,
        viewed_at__gte=now.replace(second=0, microsecond=0),
    )
    if not same.update(count=F("count") + 1, last_at=now):
        DossierView.objects.create(
            client_id=client_id,
            viewer=viewer,
            channel=access.channel,
            page=access.page,
            allowed=allowed,
            session_key=access.session_key,
            last_at=now,
        )


def _dossier_client(viewer: AnyUser, client_id: int, access: Access) -> Client:
    client = dossier_clients(viewer).select_related("manager").filter(pk=client_id).first()
    if client is None:
        # A refused attempt on an existing client is logged too (a missing one cannot be).
        if isinstance(viewer, User) and Client.objects.filter(pk=client_id).exists():
            dossier_access_log(viewer=viewer, client_id=client_id, access=access, allowed=False)
        raise Http404
    return client


def dossier_readers(*, client: Client) -> list[DossierReader]:
    """Who can open the client's dossier now and since when (from the client's history of
    managers and the org-chart log of supervisor links)."""
    manager = User.objects.select_related("supervisor").get(pk=client.manager_id)
    manager_since = _manager_since(client)
    readers = [DossierReader(user=manager, is_manager=True, since=manager_since)]
    boss = manager.supervisor
    if boss is not None and boss.is_active:
        link = (
            OrgChange.objects.filter(kind=OrgChange.Kind.SUPERVISOR, subject=manager)
            .order_by("-at")
            .values_list("at", flat=True)
            .first()
        )
        since = max((d for d in (manager_since, link) if d is not None), default=None)
        readers.append(DossierReader(user=boss, is_manager=False, since=since))
    return readers


def _manager_since(client: Client) -> datetime | None:
    # The oldest record of the latest unbroken run of history rows with today's manager.
    since = None
    rows = Client.history.filter(id=client.pk).order_by("-history_date", "-history_id")
    for manager_id, when in rows.values_list("manager_id", "history_date")[:500]:
        if manager_id != client.manager_id:
            break
        since = when
    return since


def dossier_get(
    *, viewer: AnyUser, client_id: int, channel: str = "web", session_key: str = ""
) -> DossierPage:
    """The dossier of a client, 404 for everyone but the manager and their direct supervisor.

    Every read and every refused attempt writes to the access log (repeats in one session and
    minute fold into one row).
    """
    access = Access(channel=channel, page="dossier", session_key=session_key)
    client = _dossier_client(viewer, client_id, access)
    if not isinstance(viewer, User):  # dossier_clients() already answers none for others
        raise Http404
    dossier_access_log(viewer=viewer, client_id=client.pk, access=access, allowed=True)
    dossier = Dossier.objects.filter(client=client).first() or Dossier(client=client)
    contacts = list(
        Contact.objects.filter(client=client, is_active=True)
        .prefetch_related(
            Prefetch("role_set", queryset=ContactRole.objects.order_by("role")), "dates"
        )
        .order_by("full_name")
    )
    competitors = list(Competitor.objects.filter(client=client, is_active=True))
    settings = company_settings()
    today = timezone.localdate()
    roles = {role.role for contact in contacts for role in contact.role_set.all()}
    overdue = review_overdue(
        dossier.last_reviewed_on, today, every_days=settings.dossier_review_days
    )
    score, missing = dossier_completeness(
        roles,
        has_competitors=bool(competitors),
        has_notes=bool(dossier.notes.strip()),
        reviewed_in_time=not overdue,
    )
    due_on = (
        dossier.last_reviewed_on + timedelta(days=settings.dossier_review_days)
        if dossier.last_reviewed_on
        else None
    )
    views = list(
        DossierView.objects.filter(client=client).select_related("viewer").order_by("-id")[:20]
    )
    return DossierPage(
        client=client,
        dossier=dossier,
        contacts=contacts,
        competitors=competitors,
        completeness=score,
        missing_roles=[str(BuyingRole(role).label) for role in missing],
        review_due_on=due_on,
        review_overdue=overdue,
        views=views,
        readers=dossier_readers(client=client),
    )


def dossier_client_for_write(
    *, viewer: AnyUser, client_id: int, channel: str = "web", session_key: str = ""
) -> Client:
    """The client whose dossier the viewer may change, or 404 (a refused attempt is logged)."""
    return _dossier_client(viewer, client_id, Access(channel, "write", session_key))


def competitor_get(
    *, viewer: AnyUser, client_id: int, competitor_id: int, session_key: str = ""
) -> Competitor:
    """A competitor record of a dossier the viewer may open, or 404; the read is logged."""
    access = Access("web", "competitor", session_key)
    client = _dossier_client(viewer, client_id, access)
    competitor = Competitor.objects.filter(client=client, pk=competitor_id, is_active=True).first()
    if competitor is None:
        raise Http404
    if isinstance(viewer, User):
        dossier_access_log(viewer=viewer, client_id=client.pk, access=access, allowed=True)
    return competitor


def contact_confidential(*, viewer: AnyUser, contact: Contact, session_key: str = "") -> bool:
    """May the viewer see the contact's dossier fields? A yes is logged as a dossier read."""
    if not isinstance(viewer, User) or not can_read_dossier(viewer, contact.client):
        return False
    access = Access("web", "contact", session_key)
    dossier_access_log(viewer=viewer, client_id=contact.client_id, access=access, allowed=True)
    return True


@dataclass(frozen=True, slots=True)
class DossierFacts:
    """Dossier facts of many clients at once (Today page, team view): a few queries in all."""

    last_reviewed: dict[int, date | None]
    completeness: dict[int, int]


def dossier_facts(*, client_ids: list[int], today: date, readable: set[int]) -> DossierFacts:
    """Review dates of `client_ids` and completeness of the `readable` ones (dossier readers).

    The review date is metadata seen by anyone who sees the client; completeness is derived
    from the content and is computed only for dossiers the viewer may open.
    """
    reviewed = dict(
        Dossier.objects.filter(client_id__in=client_ids).values_list(
            "client_id", "last_reviewed_on"
        )
    )
    last_reviewed = {cid: reviewed.get(cid) for cid in client_ids}
    wanted = [cid for cid in client_ids if cid in readable]
    roles: dict[int, set[str]] = {cid: set() for cid in wanted}
    for cid, role in ContactRole.objects.filter(
        contact__client_id__in=wanted, contact__is_active=True
    ).values_list("contact__client_id", "role"):
        roles[cid].add(role)
    with_competitors = set(
        Competitor.objects.filter(client_id__in=wanted, is_active=True).values_list(
            "client_id", flat=True
        )
    )
    with_notes = set(
        Dossier.objects.filter(client_id__in=wanted)
        .exclude(notes="")
        .values_list("client_id", flat=True)
    )
    every = company_settings().dossier_review_days
    completeness = {
        cid: dossier_completeness(
            roles[cid],
            has_competitors=cid in with_competitors,
            has_notes=cid in with_notes,
            reviewed_in_time=not review_overdue(last_reviewed[cid], today, every_days=every),
        )[0]
        for cid in wanted
    }
    return DossierFacts(last_reviewed=last_reviewed, completeness=completeness)
