"""Background tasks of account health: the snapshot of every client's score."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from kam.background.schedule import every
from kam.health.models import HealthSnapshotDay
from kam.health.services import health_snapshot_prune, health_snapshot_write


@every(timedelta(hours=1))
@task()
def write_health_snapshot() -> int:
    """Store today's health scores, refreshed every hour (the lists of the health page, Today
    and the portfolio read them; "biggest drops" compare with them 30 days later), and prune
    old days (daily for 90 days, then weekly)."""
    today = timezone.localdate()
    written = health_snapshot_write(day=today)
    health_snapshot_prune(today=today)
    return written


def refresh_health_snapshot_soon() -> None:
    """The data behind the scores changed (an import wrote revenue, deals, contacts…): when
    today's scores are stored already, their refresh is queued once the write commits, so the
    lists (health page, Today, portfolio) show the new data within a minute, not at the next
    hour. Without a stored day there is nothing stale: the first list writes it."""
    if HealthSnapshotDay.objects.filter(day=timezone.localdate()).exists():
        transaction.on_commit(write_health_snapshot.enqueue)
