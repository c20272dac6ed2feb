"""Writes of account health: snoozing an alert (with a reason) for a while, settings, and the
daily snapshot of every client's score."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
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


SNAPSHOT_LOCK = 180_001  # advisory lock of snapshot writes on PostgreSQL (issue 18)


@transaction.atomic
def health_snapshot_write(*, day: date) -> int:
    """Store every client's health score of `day` (company-wide, a system write: the daily
    task, `kam manage health_snapshot` or the first list that needs the day). Re-running
    replaces the day's rows; returns how many clients were scored."""
    from kam.health.selectors import key_ids, settings_key, snapshot_scores

    cfg = health_settings()
    scores = snapshot_scores(as_of=day, keys=key_ids(day), cfg=cfg)
    rows = [
        (
            cid,
            day,
            s.health,
            s.is_key,
            s.alerts,
            "" if s.candidate is None else s.candidate.side.value,
            0 if s.candidate is None else s.candidate.strength,
            None if s.candidate is None else json.dumps(s.candidate.evidence),
        )
        for cid, s in scores.items()
    ]
    table = HealthSnapshot._meta.db_table
    columns = "client_id, day, health, is_key, alerts, side, strength, evidence"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Writers of a day take turns (a first need and the hourly task may meet).
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SNAPSHOT_LOCK])
        HealthSnapshot.objects.filter(day=day).delete()
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",  # noqa: S608
                [(r[0], r[1].isoformat(), *r[2:]) for r in rows],
            )
    HealthSnapshotDay.objects.update_or_create(
        day=day, defaults={"clients": len(scores), "settings_key": settings_key(cfg)}
    )
    return len(scores)


SNAPSHOT_DAILY_DAYS = 90  # every stored day is kept this long, then one day per week


@transaction.atomic
def health_snapshot_prune(*, today: date) -> int:
    """Retention of snapshots: every day of the last SNAPSHOT_DAILY_DAYS days, and of older
    ones the latest stored day of each ISO week. Returns how many days were removed."""
    cutoff = today - timedelta(days=SNAPSHOT_DAILY_DAYS)
    old = HealthSnapshotDay.objects.filter(day__lt=cutoff).values_list("day", flat=True)
    keep: dict[tuple[int, int], date] = {}
    for day in old:
        week = (day.isocalendar().year, day.isocalendar().week)
        keep[week] = max(keep.get(week, day), day)
    drop = sorted(set(old) - set(keep.values()))
    if drop:
        HealthSnapshot.objects.filter(day__in=drop).delete()
        HealthSnapshotDay.objects.filter(day__in=drop).delete()
    return len(drop)
