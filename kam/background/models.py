"""Who is running background work, and when each scheduled job was last queued."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerProcess(models.Model):
    """A running `kam worker` process: its host and pid, and its last heartbeat.

    A task claimed by a worker whose process is gone (same host: the pid is dead; another
    host: no heartbeat for a while) is put back in the queue or failed with a reason.
    """

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.IntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField()

    class Meta:
        verbose_name = _("background worker")
        verbose_name_plural = _("background workers")

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}"


class ScheduledRun(models.Model):
    """When a scheduled job (see kam.background.schedule) was last queued.

    Workers queue a due job by a conditional update of this row, so with several workers
    each due run is queued once.
    """

    name = models.CharField(max_length=200, primary_key=True)
    last_queued_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("scheduled job")
        verbose_name_plural = _("scheduled jobs")

    def __str__(self) -> str:
        return self.name
