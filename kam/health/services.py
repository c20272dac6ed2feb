"""Writes of account health: snoozing an alert (with a reason) for a while."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kam.accounts.models import User
from kam.clients.models import Client
from kam.health.domain import Alert
from kam.health.models import AlertSnooze


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
