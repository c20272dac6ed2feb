"""Who may see what. The ONLY place that knows the visibility rules.

Every client-owned object is fetched starting from `visible_clients(viewer)`, so "not yours"
and "does not exist" answer the same 404.
"""

from __future__ import annotations

from typing import TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, Q, QuerySet
from django.shortcuts import get_object_or_404

from kam.accounts.domain import Scope, client_scope, may_assign_to, may_read_dossier
from kam.accounts.models import User
from kam.clients.choices import ClientStatus
from kam.clients.models import Client

AnyUser = User | AnonymousUser
_M = TypeVar("_M", bound=Model)


def scope_of(viewer: AnyUser) -> Scope:
    """The viewer's client scope; anonymous and inactive users see nothing."""
    if not isinstance(viewer, User) or not viewer.is_authenticated:
        return Scope.NONE
    return client_scope(viewer.roles)


def visible_clients(viewer: AnyUser, *, include_archived: bool = True) -> QuerySet[Client]:
    """Clients the viewer may see: own; a supervisor's reports' too; everyone's for ALL."""
    scope = scope_of(viewer)
    qs = Client.objects.all()
    if scope is Scope.NONE or not isinstance(viewer, User):
        return qs.none()
    if scope is Scope.TEAM:
        qs = qs.filter(Q(manager=viewer) | Q(manager__supervisor=viewer))
    elif scope is Scope.OWN:
        qs = qs.filter(manager=viewer)
    if not include_archived:
        qs = qs.filter(status=ClientStatus.ACTIVE)
    return qs


def client_get(viewer: AnyUser, client_id: int) -> Client:
    """One visible client or Http404."""
    return get_object_or_404(visible_clients(viewer).select_related("manager"), pk=client_id)


def visible_managers(viewer: AnyUser) -> QuerySet[User]:
    """People whose clients the viewer sees (for filters and manager pickers)."""
    scope = scope_of(viewer)
    qs = User.objects.filter(is_active=True)
    if not isinstance(viewer, User):
        return qs.none()
    if scope is Scope.ALL:
        return qs.filter(
            Q(is_manager=True) | Q(is_supervisor=True) | Q(clients__isnull=False)
        ).distinct()
    if scope is Scope.TEAM:
        return qs.filter(Q(pk=viewer.pk) | Q(supervisor=viewer))
    if scope is Scope.OWN:
        return qs.filter(pk=viewer.pk)
    return qs.none()


def people_owned(viewer: AnyUser, qs: QuerySet[_M], *, field: str = "manager") -> QuerySet[_M]:
    """Rows owned by a person (a call by its manager): the viewer's own, a supervisor's direct
    reports' too, everyone's for a director or admin; the same rule as for clients."""
    scope = scope_of(viewer)
    if scope is Scope.NONE or not isinstance(viewer, User):
        return qs.none()
    if scope is Scope.TEAM:
        return qs.filter(Q(**{field: viewer}) | Q(**{f"{field}__supervisor": viewer}))
    if scope is Scope.OWN:
        return qs.filter(**{field: viewer})
    return qs


def can_assign_manager(viewer: AnyUser, target: User) -> bool:
    """May the viewer make `target` a client's manager?"""
    if not isinstance(viewer, User) or not target.is_active:
        return False
    return may_assign_to(
        scope=scope_of(viewer),
        viewer_id=viewer.pk,
        target_id=target.pk,
        target_supervisor_id=target.supervisor_id,
    )


def can_read_dossier(viewer: AnyUser, client: Client) -> bool:
    """ONLY the client's manager and that manager's direct supervisor; no bypass for anyone.

    Reads the current manager and supervisor from the database, so a reassignment takes effect
    on the very next request.
    """
    if not isinstance(viewer, User) or not viewer.is_authenticated:
        return False
    row = (
        Client.objects.filter(pk=client.pk)
        .values_list("manager_id", "manager__supervisor_id")
        .first()
    )
    if row is None:
        return False
    return may_read_dossier(
        viewer_id=viewer.pk,
        viewer_active=viewer.is_active,
        manager_id=row[0],
        manager_supervisor_id=row[1],
    )


def dossier_clients(viewer: AnyUser) -> QuerySet[Client]:
    """Clients whose dossier the viewer may open (the same rule, as a filter)."""
    if not isinstance(viewer, User) or not viewer.is_authenticated or not viewer.is_active:
        return Client.objects.none()
    return Client.objects.filter(Q(manager=viewer) | Q(manager__supervisor=viewer))


def controlled_dossier_ids(actor_id: int) -> set[tuple[int, int]]:
    """(person, client) pairs of dossiers readable by the actor or by anyone whose password the
    actor set last (whoever knows a password can act as that person)."""
    people = User.objects.filter(Q(pk=actor_id) | Q(password_set_by_id=actor_id), is_active=True)
    rows = Client.objects.filter(
        Q(manager__in=people) | Q(manager__supervisor__in=people)
    ).values_list("pk", "manager_id", "manager__supervisor_id")
    ids = set(people.values_list("pk", flat=True))
    return {
        (person, client)
        for client, manager, boss in rows
        for person in (manager, boss)
        if person in ids
    }


def can_manage_users(viewer: AnyUser) -> bool:
    """Admins (the role, or a superuser) manage users, teams and settings."""
    return (
        isinstance(viewer, User) and viewer.is_active and (viewer.is_admin or viewer.is_superuser)
    )
