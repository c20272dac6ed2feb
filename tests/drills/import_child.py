"""The process the kill-during-import drill kills: a real `kam worker` running a real import.

    python -m tests.drills.import_child setup    # migrate, users, a checked job queued to write
    python -m tests.drills.import_child run      # the worker; pauses at every point (below)

At each point of the import (the task started; every progress report of the check and of the
write; the write committed, before the job is recorded) it prints `AT <n> <what>` and waits
for a line on stdin, so the drill can SIGKILL it exactly there or let it go on. The database
and var/ come from KAM_DATABASE_URL and KAM_VAR_DIR.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

ROWS = 12_000
CLIENTS = 300


def _pause(what: str, counter: list[int]) -> None:
    counter[0] += 1
    sys.stdout.write(f"AT {counter[0]} {what}\n")
    sys.stdout.flush()
    if not sys.stdin.readline():  # the drill went away: stop here
        os._exit(3)


def _instrument() -> None:
    """Pause points inside the real code path (the worker's task and the import service)."""
    from django_tasks.signals import task_started

    from kam.imports import services

    counter = [0]
    real_import_file, real_record = services.import_file, services._record

    def import_file(**kwargs: Any) -> Any:
        inner = kwargs.pop("progress", None)

        def progress(phase: str, done: int) -> None:
            _pause(f"{phase}:{done}", counter)
            if inner is not None:
                inner(phase, done)

        return real_import_file(progress=progress, **kwargs)

    def record(job: Any, outcome: Any, *, write: bool) -> None:
        _pause("committed" if outcome.written else "recording", counter)
        real_record(job, outcome, write=write)

    def started(*, task_result: Any, **kwargs: Any) -> None:
        # Only the import's task: others run in the same batch (the hourly health snapshot,
        # the refresh an import queues when it commits) and are not what the drill kills.
        if task_result.task.module_path == "kam.imports.tasks.import_job_run":
            _pause("started", counter)

    services.import_file = import_file
    services._record = record
    task_started.connect(started, weak=False)


def _write_file(path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Клиент;Дата;Сумма;ID\n")
        for i in range(ROWS):
            day = 1 + i % 28
            handle.write(f"ООО Тренировка {i % CLIENTS};{day:02d}.03.2026;{1000 + i},50;D-{i}\n")


def setup() -> None:
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from kam.accounts.models import User
    from kam.background.worker import run_worker
    from kam.imports.domain import Kind, Preset
    from kam.imports.models import JobStatus
    from kam.imports.services import import_job_confirm, import_job_create

    call_command("migrate", interactive=False, verbosity=0)
    admin = User.objects.create(username="admin", is_admin=True, is_manager=True)
    path = Path(settings.VAR_DIR) / "drill.csv"
    _write_file(path)
    settings.KAM_IMPORT_SYNC_BYTES = 0  # through the queue, as a big file would go
    upload = SimpleUploadedFile("drill.csv", path.read_bytes())
    job = import_job_create(
        actor=admin, kind=Kind.REVENUE, preset=Preset.AUTO, upload=upload, default_manager=admin
    )
    run_worker(batch=True, interval=0)
    job.refresh_from_db()
    if job.status != JobStatus.CHECKED:
        raise SystemExit(f"the drill file did not pass the check: {job.errors[:3]}")
    import_job_confirm(actor=admin, job=job)  # the write waits in the queue
    sys.stdout.write(f"READY job={job.pk}\n")


def run() -> None:
    from kam.background.worker import run_worker

    _instrument()
    run_worker(batch=True, interval=0)
    sys.stdout.write("DONE\n")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings")
    import django

    django.setup()
    from django.db import connections

    {"setup": setup, "run": run}[sys.argv[1]]()
    connections.close_all()
