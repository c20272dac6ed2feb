"""A worker's housekeeping: its heartbeat, the recovery of dead workers' tasks, schedules.

The worker loop (`kam.background.worker`) calls `Housekeeper.tick()` between tasks and while
the queue is idle. A task that runs for minutes (a million-row import) calls `still_working()`
from its progress callback, so its worker is not taken for dead by the workers of other hosts
and its task run twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from time import monotonic

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from kam.background.models import WorkerProcess
from kam.background.schedule import enqueue_due
from kam.background.services import BEAT, recover_abandoned_tasks, worker_beat

log = logging.getLogger(__name__)
RECOVER_EVERY = 4 * BEAT.total_seconds()  # recovery and schedules about once a minute

_current: ContextVar[Housekeeper | None] = ContextVar("kam_housekeeper", default=None)


@dataclass
class Housekeeper:
    """When the worker `worker_id` last beat and last looked for abandoned and due work."""

    worker_id: str
    enabled: bool = True
    _beat_at: float = field(default=float("-inf"), init=False)
    _recovered_at: float = field(default=float("-inf"), init=False)
    _own: BaseDatabaseWrapper | None = field(default=None, init=False)

    @staticmethod
    def clock() -> datetime:
        return timezone.now()

    def tick(self, *, force: bool = False) -> None:
        """Between tasks: beat when one is due, recover and queue schedules when due."""
        if not (self.enabled or force):
            return
        now = monotonic()
        try:
            if force or now - self._beat_at >= BEAT.total_seconds():
                worker_beat(worker_id=self.worker_id, now=self.clock())
                self._beat_at = now
            if force or now - self._recovered_at >= RECOVER_EVERY:
                recover_abandoned_tasks(now=self.clock())
                enqueue_due(now=self.clock())
                self._recovered_at = now
        except DatabaseError as exc:  # SQLite busy with another process's write: next time
            log.info("worker housekeeping skipped: %s", exc)

    def beat_during_task(self) -> None:
        """A heartbeat from inside a running task, through a connection of its own so that it
        is committed while the task's transaction is still open.

        On SQLite it is skipped: a second writer would wait for the task's write lock, and
        SQLite's workers all share one host, where a worker's pid (not its beat) says whether
        it is alive.
        """
        now = monotonic()
        if not self.enabled or now - self._beat_at < BEAT.total_seconds():
            return
        self._beat_at = now
        if connection.vendor == "sqlite":
            return
        if self._own is None:
            self._own = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            with self._own.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {WorkerProcess._meta.db_table} SET beat_at = %s "  # noqa: S608
                    "WHERE worker_id = %s",
                    [self.clock(), self.worker_id],
                )
        except DatabaseError as exc:
            log.info("worker heartbeat skipped: %s", exc)

    def close(self) -> None:
        if self._own is not None:
            self._own.close()
            self._own = None


@contextmanager
def working_for(keeper: Housekeeper) -> Iterator[None]:
    """While a task runs, `still_working()` beats for its worker."""
    token = _current.set(keeper)
    try:
        yield
    finally:
        _current.reset(token)


def still_working() -> None:
    """Called by long tasks now and then: keeps their worker's heartbeat fresh. Cheap; does
    nothing outside a worker (the CLI, tests) or when the last beat is recent."""
    keeper = _current.get()
    if keeper is not None:
        keeper.beat_during_task()
