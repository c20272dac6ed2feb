"""Writes of account health: snoozing an alert (with a reason) for a while, settings, and the
daily snapshot of every client's score."""

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
from kam.health.models import (
    AlertSnooze,
    HealthSettings,
    HealthSnapshot,
    HealthSnapshotDay,
    health_settings,
)


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


@transaction.atomic
def health_snapshot_write(*, day: date) -> int:
    """Store every client's health score of `day` (company-wide, a system write: the daily
    task, `kam manage health_snapshot` or the first list that needs the day). Re-running
    replaces the day's rows; returns how many clients were scored."""
    from kam.health.selectors import client_facts, scores_of

    scores = scores_of(client_facts(as_of=day), as_of=day)
    HealthSnapshot.objects.filter(day=day).delete()
    HealthSnapshot.objects.bulk_create(
        (HealthSnapshot(client_id=cid, day=day, health=h) for cid, h in scores.items()),
        batch_size=2000,
        ignore_conflicts=True,  # a concurrent first need wrote the same day
    )
    HealthSnapshotDay.objects.update_or_create(day=day, defaults={"clients": len(scores)})
    return len(scores)
