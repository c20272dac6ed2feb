"""Background tasks of account health: the snapshot of every client's score."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from kam.background.schedule import every
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
