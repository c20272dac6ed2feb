"""Command-line reports run with company scope, as a director sees them."""

from __future__ import annotations

from kam.accounts.models import User


def company_viewer() -> User:
    """An unsaved in-memory director: company scope without borrowing anyone's account.

    It is never saved and holds no dossier rights (those are tied to real user ids).
    """
    return User(pk=0, username="kam-report", is_director=True, is_active=True)
