"""The background queue: tasks wait in the database, a dead worker's task is picked up again
or failed with a reason, scheduled jobs are queued once per interval, e-mail goes through it.

These tests use the database backend (the rest of the suite runs tasks at once) and run the
worker in this process with `batch=True`: it takes what is queued and stops, no thread."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kam.background.models import ScheduledRun, WorkerProcess
from kam.background.schedule import enqueue_due
from kam.background.services import (
    MAX_ATTEMPTS,
    STALE_AFTER,
    live_workers,
    recover_abandoned_tasks,
    this_host,
    worker_is_alive,
)
from kam.background.tasks import prune_finished_tasks
from kam.background.worker import run_worker
from kam.imports.messages import reason
from kam.imports.models import ImportJob, JobStatus
from kam.imports.tests.helpers import FIXTURES
from kam.portfolio.models import RevenueRecord
from kam.surveys.models import Campaign
from kam.surveys.services import issue_links
from kam.testing import Org

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def queue(settings) -> None:
    settings.TASKS = DATABASE_QUEUE


def _dead_pid() -> int:
    """The pid of a process that has exited (and been reaped): certainly not running."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _dead_worker(worker_id: str = "dead-worker") -> WorkerProcess:
    now = timezone.now()
    return WorkerProcess.objects.create(
        worker_id=worker_id, host=this_host(), pid=_dead_pid(), started_at=now, beat_at=now
    )


def _claim_by(worker: WorkerProcess, times: int = 1) -> DBTaskResult[Any, Any]:
    result = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    for _ in range(times):
        result.claim(worker.worker_id)
    return result


def _upload_big_file(org: Org, settings) -> tuple[HttpClient, ImportJob]:
    settings.KAM_IMPORT_SYNC_BYTES = 10
    http = HttpClient()
    http.force_login(org.admin)
    file = SimpleUploadedFile("deals.csv", (FIXTURES / "amocrm_deals.csv").read_bytes())
    response = http.post(
        reverse("imports:start"), {"kind": "revenue", "preset": "auto", "file": file}
    )
    assert response.status_code == 302
    return http, ImportJob.objects.latest("id")


# The worker closes the database connection between tasks (as in production); on
# PostgreSQL that ends a test's wrapping transaction, so tests that run it commit.
@pytest.mark.django_db(transaction=True)
def test_a_big_import_waits_in_the_queue_and_the_page_says_so(org: Org, settings, queue) -> None:
    http, job = _upload_big_file(org, settings)
    assert job.status == JobStatus.CHECKING
    task = DBTaskResult.objects.get(pk=job.info["task"])
    assert task.status == TaskResultStatus.READY
    assert task.task_path == "kam.imports.tasks.import_job_run"
    page = http.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert 'id="no-worker"' in page  # nothing would run it: say so
    run_worker(batch=True, interval=0, heartbeat=False)
    job.refresh_from_db()
    assert job.status == JobStatus.CHECKED
    assert DBTaskResult.objects.get(pk=task.pk).status == TaskResultStatus.SUCCESSFUL
    assert not WorkerProcess.objects.exists()  # a worker that stops cleanly leaves no trace
    http.post(reverse("imports:job-confirm", args=[job.pk]))
    assert RevenueRecord.objects.filter(source="amocrm").count() == 0  # queued, not yet run
    run_worker(batch=True, interval=0, heartbeat=False)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert RevenueRecord.objects.filter(source="amocrm").count() == 3


# The worker closes the database connection between tasks (as in production); on
# PostgreSQL that ends a test's wrapping transaction, so tests that run it commit.
@pytest.mark.django_db(transaction=True)
def test_a_task_whose_worker_died_is_picked_up_again(org: Org, settings, queue) -> None:
    http, job = _upload_big_file(org, settings)
    dead = _dead_worker()
    task = _claim_by(dead)
    # While the claim looks alive nothing happens; once the pid is gone, the task is requeued.
    recovered = recover_abandoned_tasks(now=timezone.now())
    assert [(r.task_id, r.requeued) for r in recovered] == [(str(task.pk), True)]
    assert DBTaskResult.objects.get(pk=task.pk).status == TaskResultStatus.READY
    assert not WorkerProcess.objects.filter(pk=dead.pk).exists()
    # Meanwhile the page still shows the job as running, never as failed.
    http.get(reverse("imports:job", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.CHECKING
    run_worker(batch=True, interval=0, heartbeat=False)
    job.refresh_from_db()
    assert job.status == JobStatus.CHECKED
    finished = DBTaskResult.objects.get(pk=task.pk)
    assert finished.status == TaskResultStatus.SUCCESSFUL
    assert finished.worker_ids[0] == "dead-worker"
    assert len(finished.worker_ids) == 2


def test_a_task_that_keeps_killing_its_worker_fails_with_a_reason(
    org: Org, settings, queue
) -> None:
    http, job = _upload_big_file(org, settings)
    task = _claim_by(_dead_worker(), times=MAX_ATTEMPTS)
    recovered = recover_abandoned_tasks(now=timezone.now())
    assert [r.requeued for r in recovered] == [False]
    failed = DBTaskResult.objects.get(pk=task.pk)
    assert failed.status == TaskResultStatus.FAILED
    assert "stopped while running this task" in failed.traceback
    assert failed.exception_class_path.endswith("WorkerDiedError")
    page = http.get(reverse("imports:job", args=[job.pk])).content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.errors[0]["code"] == "interrupted"
    assert reason("interrupted", {}) in page
    assert not job.stored_path


def test_liveness_of_workers(db) -> None:
    now = timezone.now()
    me = WorkerProcess(worker_id="me", host=this_host(), pid=_pid(), started_at=now, beat_at=now)
    assert worker_is_alive(me, now=now)
    dead = WorkerProcess(worker_id="x", host=this_host(), pid=_dead_pid(), started_at=now)
    dead.beat_at = now
    assert not worker_is_alive(dead, now=now)
    far = WorkerProcess(worker_id="y", host="elsewhere", pid=1, started_at=now, beat_at=now)
    assert worker_is_alive(far, now=now + STALE_AFTER - timedelta(seconds=1))
    assert not worker_is_alive(far, now=now + STALE_AFTER)
    assert not worker_is_alive(None, now=now)
    far.save()
    assert live_workers(now=now) == 1


def _pid() -> int:
    import os

    return os.getpid()


def test_a_live_workers_task_is_left_alone(org: Org, settings, queue) -> None:
    _upload_big_file(org, settings)
    now = timezone.now()
    alive = WorkerProcess.objects.create(
        worker_id="far", host="elsewhere", pid=1, started_at=now, beat_at=now
    )
    task = _claim_by(alive)
    assert recover_abandoned_tasks(now=now + timedelta(seconds=30)) == []
    assert DBTaskResult.objects.get(pk=task.pk).status == TaskResultStatus.RUNNING
    # No heartbeat for STALE_AFTER: that host is presumed dead.
    assert len(recover_abandoned_tasks(now=now + STALE_AFTER + timedelta(seconds=1))) == 1


def test_scheduled_jobs_are_queued_once_per_interval(queue) -> None:
    now = timezone.now()
    name = "kam.background.tasks.prune_finished_tasks"
    assert name in enqueue_due(now=now)
    assert name not in enqueue_due(now=now + timedelta(hours=23))  # not due yet
    assert DBTaskResult.objects.filter(task_path=name).count() == 1
    assert name in enqueue_due(now=now + timedelta(days=1))
    assert DBTaskResult.objects.filter(task_path=name).count() == 2
    assert ScheduledRun.objects.get(name=name).last_queued_at == now + timedelta(days=1)


def test_old_finished_tasks_are_pruned(queue) -> None:
    old, recent, waiting = (prune_finished_tasks.enqueue() for _ in range(3))
    now = timezone.now()
    DBTaskResult.objects.filter(pk=old.id).update(
        status=TaskResultStatus.SUCCESSFUL, finished_at=now - timedelta(days=31)
    )
    DBTaskResult.objects.filter(pk=recent.id).update(
        status=TaskResultStatus.FAILED, finished_at=now - timedelta(days=29)
    )
    assert prune_finished_tasks.call() == 1
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {
        DBTaskResult.objects.get(pk=recent.id).pk,
        DBTaskResult.objects.get(pk=waiting.id).pk,
    }


# The worker closes the database connection between tasks (as in production); on
# PostgreSQL that ends a test's wrapping transaction, so tests that run it commit.
@pytest.mark.django_db(transaction=True)
def test_survey_e_mails_go_through_the_queue(org: Org, queue) -> None:
    campaign = Campaign.objects.get(respondents__client=org.client_a1)
    contact = org.client_a1.contacts.get()
    contact.email = "lpr@example.com"
    contact.save(update_fields=["email"])
    issued = issue_links(actor=org.manager_a1, campaign=campaign, link_url=lambda c, t: t)
    assert mail.outbox == []  # queued with the links, in the same transaction
    assert DBTaskResult.objects.filter(task_path="kam.background.tasks.send_email").count() == 1
    run_worker(batch=True, interval=0, heartbeat=False)
    assert [m.to for m in mail.outbox] == [["lpr@example.com"]]
    assert issued[0].token in mail.outbox[0].body
    # The personal link is a credential: once sent, the queue keeps nothing of the text.
    sent = DBTaskResult.objects.get(task_path="kam.background.tasks.send_email")
    assert sent.status == TaskResultStatus.SUCCESSFUL
    assert issued[0].token not in json.dumps(sent.args_kwargs)


def test_queued_arguments_stay_out_of_the_django_admin() -> None:
    from django.contrib import admin

    assert not admin.site.is_registered(DBTaskResult)


# The worker closes the database connection between tasks (as in production); on
# PostgreSQL that ends a test's wrapping transaction, so tests that run it commit.
@pytest.mark.django_db(transaction=True)
def test_kam_worker_batch_runs_what_is_queued(queue) -> None:
    from kam.cli import main

    result = prune_finished_tasks.enqueue()
    assert main(["worker", "--batch"]) == 0
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL
