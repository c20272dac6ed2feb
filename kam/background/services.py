"""The queue's bookkeeping: live workers, and tasks whose worker died.

django-tasks-db runs the tasks; what it does not do is notice a worker that was killed (a
restart, the OOM killer, a power cut) while a task was RUNNING: such a task would stay
RUNNING forever. `recover_abandoned_tasks` puts it back in the queue, or after
`MAX_ATTEMPTS` fails it with a reason, so a page that follows the task can say so.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kam.background.models import WorkerProcess

log = logging.getLogger(__name__)

# A worker on another host is dead when its heartbeat (every BEAT) is older than this.
BEAT = timedelta(seconds=15)
STALE_AFTER = timedelta(minutes=2)
# On the same host the pid decides; this only guards against a recycled pid.
SAME_HOST_STALE_AFTER = timedelta(hours=1)
MAX_ATTEMPTS = 3


class WorkerDiedError(Exception):
    """Recorded as the failure of a task whose worker stopped while running it."""


def this_host() -> str:
    return socket.gethostname()[:255]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True


def worker_register(*, worker_id: str, now: datetime) -> WorkerProcess:
    """Record a starting worker of this process."""
    worker, _ = WorkerProcess.objects.update_or_create(
        worker_id=worker_id,
        defaults={"host": this_host(), "pid": os.getpid(), "started_at": now, "beat_at": now},
    )
    return worker


def worker_beat(*, worker_id: str, now: datetime) -> None:
    WorkerProcess.objects.filter(worker_id=worker_id).update(beat_at=now)


def worker_forget(*, worker_id: str) -> None:
    """A worker that stops cleanly removes itself."""
    WorkerProcess.objects.filter(worker_id=worker_id).delete()


def worker_is_alive(worker: WorkerProcess | None, *, now: datetime) -> bool:
    if worker is None:
        return False
    if worker.host == this_host():
        return _pid_alive(worker.pid) and now - worker.beat_at < SAME_HOST_STALE_AFTER
    return now - worker.beat_at < STALE_AFTER


def live_workers(*, now: datetime) -> int:
    """How many workers are running (the import page says when none is)."""
    return sum(worker_is_alive(w, now=now) for w in WorkerProcess.objects.all())


@dataclass(frozen=True, slots=True)
class Recovered:
    """What happened to one abandoned task."""

    task_id: str
    task_path: str
    requeued: bool
    reason: str


def recover_abandoned_tasks(*, now: datetime) -> list[Recovered]:
    """Requeue (or, after MAX_ATTEMPTS, fail) RUNNING tasks whose worker is gone."""
    workers = {w.worker_id: w for w in WorkerProcess.objects.all()}
    done = []
    for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING):
        worker_id = result.worker_ids[-1] if result.worker_ids else ""
        worker = workers.get(worker_id)
        if worker_is_alive(worker, now=now):
            continue
        attempts = len(result.worker_ids)
        where = f"{worker.host}:{worker.pid}" if worker else worker_id or "?"
        reason = (
            f"The background worker {where} stopped while running this task "
            f"(attempt {attempts} of {MAX_ATTEMPTS})."
        )
        requeued = attempts < MAX_ATTEMPTS
        with transaction.atomic():
            # Conditional on the claim we looked at, so a task another worker recovered and
            # claimed meanwhile is left alone.
            same_claim = DBTaskResult.objects.filter(
                pk=result.pk, status=TaskResultStatus.RUNNING, started_at=result.started_at
            )
            if requeued:
                changed = same_claim.update(status=TaskResultStatus.READY)
            else:
                changed = same_claim.update(
                    status=TaskResultStatus.FAILED,
                    finished_at=now,
                    exception_class_path=(
                        f"{WorkerDiedError.__module__}.{WorkerDiedError.__qualname__}"
                    ),
                    traceback=reason,
                )
        if changed:
            log.warning("%s %s", reason, "Queued again." if requeued else "Given up.")
            done.append(Recovered(str(result.pk), result.task_path, requeued, reason))
    dead = [w for w in workers.values() if not worker_is_alive(w, now=now)]
    WorkerProcess.objects.filter(worker_id__in=[w.worker_id for w in dead]).delete()
    return done


def task_status(task_id: str) -> str | None:
    """The queue status of a task (READY, RUNNING, FAILED, SUCCESSFUL) or None if unknown.

    Reads the table directly so it answers whatever backend this process is configured with.
    """
    try:
        row = DBTaskResult.objects.filter(pk=task_id).values_list("status", flat=True).first()
    except ValidationError:  # not an id of the database backend (the immediate one in tests)
        return None
    return str(row) if row is not None else None
