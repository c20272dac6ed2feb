"""Writes of account health: snoozing an alert (with a reason) for a while."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kam.accounts.access import can_manage_users
from kam.accounts.models import User
from kam.clients.models import Client
from kam.health.domain import Alert
from kam.health.models import AlertSnooze, HealthSettings, health_settings


@transaction.atomic
def alert_snooze(
    *, actor: User, client: Client, code: str, until: date, reason: str, today: date
) -> AlertSnooze:
    """Silence `code` of `client` up to and including `until`; the client is already visible."""
    errors: dict[str, str] = {}
    if code not in {a.value for a in Alert}:
        errors["code"] = _("Unknown alert.")
    if until <= today:
        errors["until"] = _("Snooze until a date after today.")
    elif (until - today).days > 366:
        errors["until"] = _("An alert can be snoozed for a year at most.")
    if not reason.strip():
        errors["reason"] = _("Say why the alert is snoozed.")
    if errors:
        raise ValidationError(errors)
    return AlertSnooze.objects.create(
        client=client, code=code, until=until, reason=reason.strip(), author=actor
    )


@transaction.atomic
def health_settings_update(*, actor: User, **data: Any) -> HealthSettings:
    """Change health weights and thresholds (admins only); the row is validated as a whole."""
    if not can_manage_users(actor):
        raise PermissionDenied
    row = health_settings()
    for key, value in data.items():
        setattr(row, key, value)
    row.full_clean()
    row.save()
    return row
