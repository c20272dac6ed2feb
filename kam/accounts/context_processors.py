"""Template context shared by every page: the navigation for the viewer's roles."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kam.accounts.access import can_manage_users, scope_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Which menu items the viewer gets and a label of the scope they see."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_scope": scope_of(user).value,
        "nav_can_manage_users": can_manage_users(user),
    }
