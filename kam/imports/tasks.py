"""Import checks and writes of big files run as queued background tasks."""

from __future__ import annotations

from django_tasks import task


@task()
def import_job_run(job_id: int, write: bool) -> None:
    """Check (write=False) or import (write=True) the file of an import job.

    Safe to run again after a worker died mid-way: the write is one transaction (a killed
    run wrote nothing) and imports are re-runnable without duplicates.
    """
    from kam.imports.services import run_job

    run_job(job_id, write=write)
