"""`kam worker`: runs queued tasks, beats, recovers tasks of dead workers, queues schedules.

The task loop is django-tasks-db's worker. Beside it a housekeeping thread (with its own
database connection) records a heartbeat every few seconds, requeues or fails the tasks of
workers that died, and queues due scheduled jobs; it runs once before the first task too, so
a worker restarted after a crash picks up its predecessor's task at once.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from kam.background.schedule import enqueue_due
from kam.background.services import (
    BEAT,
    recover_abandoned_tasks,
    this_host,
    worker_beat,
    worker_forget,
    worker_register,
)

log = logging.getLogger(__name__)
HOUSEKEEPING_EVERY = 4  # beats: recovery and schedules about once a minute


def new_worker_id() -> str:
    return f"{this_host()[:40]}-{get_random_string(16)}"


def housekeeping(*, worker_id: str, recover: bool) -> None:
    """One heartbeat, and (when `recover`) the recovery and schedule pass."""
    now = timezone.now()
    worker_beat(worker_id=worker_id, now=now)
    if recover:
        recover_abandoned_tasks(now=now)
        enqueue_due(now=now)


@dataclass
class _Housekeeper:
    worker_id: str
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        beats = 0
        while not self.stop.wait(BEAT.total_seconds()):
            beats += 1
            try:
                housekeeping(worker_id=self.worker_id, recover=beats % HOUSEKEEPING_EVERY == 0)
            except DatabaseError as exc:  # SQLite busy with an import's write: next time
                log.info("worker housekeeping skipped: %s", exc)
            finally:
                close_old_connections()
        connection.close()


def run_worker(
    *, batch: bool = False, interval: float = 1.0, queue: str = "*", heartbeat: bool = True
) -> None:
    """Run tasks until stopped (SIGTERM/SIGINT finish the current task first) or, with
    `batch`, until the queue is empty. `heartbeat=False` (tests) runs no housekeeping thread."""
    worker_id = new_worker_id()
    worker_register(worker_id=worker_id, now=timezone.now())
    housekeeping(worker_id=worker_id, recover=True)
    keeper = _Housekeeper(worker_id)
    thread = threading.Thread(target=keeper.run, name="kam-worker-housekeeping", daemon=True)
    if heartbeat:
        thread.start()
    worker = Worker(
        queue_names=queue.split(","),
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=not batch,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    try:
        if not batch:
            worker.configure_signals()
        worker.run()
    finally:
        keeper.stop.set()
        if heartbeat:
            thread.join(timeout=BEAT.total_seconds() + 30)
        worker_forget(worker_id=worker_id)
