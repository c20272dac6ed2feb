"""Writes of company settings."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from kam.accounts.access import can_manage_users
from kam.accounts.models import User
from kam.core.models import CompanySettings, company_settings


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
