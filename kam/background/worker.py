"""`kam worker`: runs queued tasks, beats, recovers tasks of dead workers, queues schedules.

The task loop is django-tasks-db's worker, run in batches (until the queue is empty) by a
loop of ours that does the housekeeping between batches and between tasks: a heartbeat, the
recovery of tasks whose worker died and the queueing of due scheduled jobs. There is no
second thread. A long task keeps its worker's heartbeat fresh itself by calling
`kam.background.housekeeping.still_working()` from its progress callback (imports do); that beat
goes through a connection of its own so it is seen while the task's transaction is open.
The housekeeping runs once before the first task, so a worker restarted after a crash picks up
its predecessor's task at once.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from kam.background.housekeeping import Housekeeper, working_for
from kam.background.services import this_host, worker_forget, worker_register

if TYPE_CHECKING:
    from django_tasks_db.models import DBTaskResult

log = logging.getLogger(__name__)

# django-tasks-db says these two at every batch; a batch here is one poll of an idle queue.
_PER_BATCH = ("Starting worker", "No more tasks to run")


class _QuietBatches(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(_PER_BATCH)


def new_worker_id() -> str:
    return f"{this_host()[:40]}-{get_random_string(16)}"


class _Worker(Worker):
    """django-tasks-db's worker with housekeeping before and after every task."""

    keeper: Housekeeper

    def run_task(self, db_task_result: DBTaskResult[Any, Any]) -> None:
        self.keeper.tick()
        with working_for(self.keeper):
            super().run_task(db_task_result)
        self.keeper.tick()


def run_worker(
    *, batch: bool = False, interval: float = 1.0, queue: str = "*", heartbeat: bool = True
) -> None:
    """Run tasks until stopped (SIGTERM/SIGINT finish the current task first) or, with
    `batch`, until the queue is empty. `heartbeat=False` (tests) skips the housekeeping
    between tasks (the first pass still runs)."""
    worker_id = new_worker_id()
    keeper = Housekeeper(worker_id=worker_id, enabled=heartbeat)
    worker_register(worker_id=worker_id, now=keeper.clock())
    keeper.tick(force=True)
    worker = _Worker(
        queue_names=queue.split(","),
        interval=interval,
        batch=True,  # returns when the queue is empty: the housekeeping runs in between
        backend_name="default",
        startup_delay=not batch,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    worker.keeper = keeper
    quiet = _QuietBatches()
    library_log = logging.getLogger("django_tasks_db")
    try:
        if not batch:
            worker.configure_signals()
        log.info("Starting worker worker_id=%s queues=%s", worker_id, queue)
        library_log.addFilter(quiet)
        while True:
            worker.run()
            worker.startup_delay = False
            if batch or not worker.running:
                break
            keeper.tick()
            time.sleep(interval)  # a signal here exits at once (the worker's own handler)
    finally:
        library_log.removeFilter(quiet)
        keeper.close()
        worker_forget(worker_id=worker_id)
