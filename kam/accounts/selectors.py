"""Reads of users."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q, QuerySet

from kam.accounts.models import ApiToken, Department, OrgChange, User


def user_list() -> QuerySet[User]:
    """All users with their supervisor and client count (for the admin's user page)."""
    return (
        User.objects.select_related("supervisor", "department")
        .annotate(client_count=Count("clients"))
        .order_by("last_name", "first_name", "username")
    )


def assignable_people() -> QuerySet[User]:
    """Active managers and supervisors: who may take over clients."""
    return User.objects.filter(is_active=True).filter(Q(is_manager=True) | Q(is_supervisor=True))


def org_changes_for(
    *, viewer: User, since: datetime | None = None, limit: int = 50
) -> QuerySet[OrgChange]:
    """Org-chart changes that touched the viewer's dossier pairs, newest first."""
    qs = OrgChange.objects.filter(affected=viewer)
    if since is not None:
        qs = qs.filter(at__gte=since)
    return qs.select_related("actor", "subject", "client").order_by("-at", "-id")[:limit]


def org_changes_recent(*, limit: int = 100) -> QuerySet[OrgChange]:
    """The latest org-chart changes company-wide (the admin's org chart page)."""
    return OrgChange.objects.select_related("actor", "subject", "client").order_by("-at", "-id")[
        :limit
    ]


def token_of(*, viewer: User) -> ApiToken | None:
    """The viewer's API key record (its digest and first characters, never the key)."""
    return ApiToken.objects.filter(user=viewer).first()


def department_list() -> QuerySet[Department]:
    """Departments with their parent and member count (admin pages)."""
    return Department.objects.select_related("parent").annotate(member_count=Count("members"))


def org_chart() -> list[tuple[int, User]]:
    """Active people as an indented tree: (depth, user), supervisors before their reports."""
    people = list(
        User.objects.filter(is_active=True)
        .select_related("department")
        .annotate(client_count=Count("clients"))
        .order_by("last_name", "first_name", "username")
    )
    by_boss: dict[int | None, list[User]] = {}
    ids = {p.pk for p in people}
    for person in people:
        boss = person.supervisor_id if person.supervisor_id in ids else None
        by_boss.setdefault(boss, []).append(person)
    rows: list[tuple[int, User]] = []

    def walk(boss: int | None, depth: int) -> None:
        for person in by_boss.get(boss, []):
            rows.append((depth, person))
            walk(person.pk, depth + 1)

    walk(None, 0)
    return rows
