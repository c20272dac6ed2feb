"""Reads of users."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from kam.accounts.models import User


def user_list() -> QuerySet[User]:
    """All users with their supervisor and client count (for the admin's user page)."""
    return (
        User.objects.select_related("supervisor", "department")
        .annotate(client_count=Count("clients"))
        .order_by("last_name", "first_name", "username")
    )
