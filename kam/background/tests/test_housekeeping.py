"""The worker's housekeeping without a second thread: beats and recovery between tasks, and
beats from inside a long task through a connection of its own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kam.background import housekeeping
from kam.background.housekeeping import Housekeeper, still_working, working_for
from kam.background.models import WorkerProcess
from kam.background.services import BEAT
from kam.background.tests.test_queue import _claim_by, _dead_worker, _upload_big_file, queue
from kam.testing import Org

__all__ = ["queue"]


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> _Clock:
    fake = _Clock()
    monkeypatch.setattr(housekeeping, "monotonic", fake)
    return fake


def _registered(worker_id: str, *, beat_ago: timedelta) -> WorkerProcess:
    now = timezone.now()
    return WorkerProcess.objects.create(
        worker_id=worker_id, host="elsewhere", pid=1, started_at=now, beat_at=now - beat_ago
    )


@pytest.mark.django_db
def test_between_tasks_a_dead_workers_task_is_recovered_once_due(
    org: Org, settings, queue, clock: _Clock
) -> None:
    keeper = Housekeeper(worker_id="me")
    _registered("me", beat_ago=timedelta(0))
    _upload_big_file(org, settings)
    task = _claim_by(_dead_worker())
    keeper.tick(force=True)
    DBTaskResult.objects.filter(pk=task.pk).update(status=TaskResultStatus.RUNNING)
    keeper.tick()  # a few seconds later: a beat perhaps, not yet a recovery pass
    assert DBTaskResult.objects.get(pk=task.pk).status == TaskResultStatus.RUNNING
    clock.now += housekeeping.RECOVER_EVERY
    keeper.tick()
    assert DBTaskResult.objects.get(pk=task.pk).status == TaskResultStatus.READY


@pytest.mark.django_db
def test_a_tick_beats_only_when_a_beat_is_due(clock: _Clock) -> None:
    keeper = Housekeeper(worker_id="me")
    me = _registered("me", beat_ago=timedelta(minutes=5))
    keeper.tick(force=True)
    first = WorkerProcess.objects.get(pk=me.pk).beat_at
    assert timezone.now() - first < timedelta(seconds=5)
    WorkerProcess.objects.filter(pk=me.pk).update(beat_at=first - timedelta(minutes=1))
    keeper.tick()
    assert WorkerProcess.objects.get(pk=me.pk).beat_at == first - timedelta(minutes=1)
    clock.now += BEAT.total_seconds()
    keeper.tick()
    assert WorkerProcess.objects.get(pk=me.pk).beat_at > first - timedelta(seconds=1)


@pytest.mark.django_db(transaction=True)
def test_a_long_task_beats_while_its_transaction_is_open(clock: _Clock) -> None:
    me = _registered("me", beat_ago=timedelta(minutes=5))
    stale = WorkerProcess.objects.get(pk=me.pk).beat_at
    keeper = Housekeeper(worker_id="me")
    try:
        with working_for(keeper), transaction.atomic():
            still_working()
            raise_to_roll_back = True
            if raise_to_roll_back:
                # The task's own work is rolled back; the beat went through another connection.
                transaction.set_rollback(True)
    finally:
        keeper.close()
    beat_at = WorkerProcess.objects.get(pk=me.pk).beat_at
    if connection.vendor == "sqlite":
        # One host only: the pid says whether a worker lives; a second writer would wait for
        # the task's write lock, so no beat is attempted.
        assert beat_at == stale
    else:
        assert timezone.now() - beat_at < timedelta(seconds=30)


@pytest.mark.django_db
def test_outside_a_worker_still_working_does_nothing(clock: _Clock) -> None:
    me = _registered("me", beat_ago=timedelta(minutes=5))
    still_working()
    assert WorkerProcess.objects.get(pk=me.pk).beat_at == me.beat_at


@pytest.mark.django_db(transaction=True)
def test_an_import_reports_that_it_is_still_working(org: Org, settings, queue, monkeypatch) -> None:
    from kam.background.worker import run_worker
    from kam.imports import services

    calls: list[int] = []
    monkeypatch.setattr(services, "still_working", lambda: calls.append(1))
    _upload_big_file(org, settings)
    run_worker(batch=True, interval=0, heartbeat=False)
    assert calls, "the import's progress callback never said it was still working"
