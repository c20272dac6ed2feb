"""Background tasks of account health: the daily snapshot of every client's score."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from kam.background.schedule import every
from kam.health.services import health_snapshot_write


@every(timedelta(days=1))
@task()
def write_health_snapshot() -> int:
    """Store today's health scores ("biggest drops" compare with them 30 days later)."""
    return health_snapshot_write(day=timezone.localdate())
