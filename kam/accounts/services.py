"""Writes of users: create, change roles and supervisor, set language, issue API tokens."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from kam.accounts.access import can_manage_users
from kam.accounts.models import User
from kam.core.models import CompanySettings, company_settings

USER_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "middle_name",
    "email",
    "is_manager",
    "is_supervisor",
    "is_director",
    "is_admin",
    "supervisor",
    "department",
    "is_active",
    "language",
)


def _check_supervisor(user: User, supervisor: User | None) -> None:
    # A supervisor chain must not loop back to the user (A reports to B reports to A).
    seen = {user.pk}
    node = supervisor
    while node is not None:
        if node.pk in seen:
            raise ValidationError({"supervisor": _("This would make a reporting loop.")})
        seen.add(node.pk)
        node = node.supervisor


@transaction.atomic
def user_create(*, actor: User | None, password: str | None = None, **data: Any) -> User:
    """Create a user; `actor=None` only from the command line (kam createuser, kam demo).

    Without a password the user cannot log in until an admin sets one.
    """
    if actor is not None and not can_manage_users(actor):
        raise PermissionDenied
    user = User(**{k: v for k, v in data.items() if k in USER_FIELDS})
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    if user.supervisor is not None and user.supervisor.pk == user.pk:
        raise ValidationError({"supervisor": _("A user cannot supervise themselves.")})
    user.save()
    return user


@transaction.atomic
def user_update(*, actor: User, user: User, password: str | None = None, **data: Any) -> User:
    """Change a user's profile, roles or supervisor (admins only)."""
    if not can_manage_users(actor):
        raise PermissionDenied
    if "supervisor" in data:
        _check_supervisor(user, data["supervisor"])
    changed = [k for k in USER_FIELDS if k in data and getattr(user, k) != data[k]]
    for key in changed:
        setattr(user, key, data[key])
    if password:
        user.set_password(password)
        changed.append("password")
    if changed:
        user.full_clean(exclude=["password"])
        user.save(update_fields=changed)
    return user


def user_set_language(*, actor: User, language: str) -> None:
    """The interface language the actor prefers."""
    if language not in {"ru", "en"}:
        raise ValidationError({"language": _("Unknown language.")})
    if actor.language != language:
        actor.language = language
        actor.save(update_fields=["language"])


def token_for(*, user: User) -> str:
    """The user's API token, created on first use."""
    token, _created = Token.objects.get_or_create(user=user)
    return str(token.key)


@transaction.atomic
def settings_update(*, actor: User, **data: Any) -> CompanySettings:
    """Change company settings (admins only); the row is validated as a whole."""
    if not can_manage_users(actor):
        raise PermissionDenied
    settings = company_settings()
    changed = [k for k, v in data.items() if getattr(settings, k) != v]
    for key in changed:
        setattr(settings, key, data[key])
    settings.full_clean()
    if changed:
        settings.save(update_fields=changed)
    return settings
