"""Scheduled background jobs: the hook other areas use for periodic work.

An app declares a periodic job in its `tasks.py`:

    @every(timedelta(hours=24))
    @task()
    def send_review_reminders() -> None: ...

Every running worker looks for due jobs about once a minute (`enqueue_due`) and queues each
due run once, however many workers there are; the job then runs like any other task, so its
outcome is recorded and a run cut short by a dead worker is picked up again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils.module_loading import autodiscover_modules
from django_tasks.base import Task

from kam.background.models import ScheduledRun

AnyTask = Task[[], Any]


@dataclass(frozen=True, slots=True)
class Scheduled:
    """A task queued every `interval`."""

    name: str
    interval: timedelta
    task: AnyTask


_registry: dict[str, Scheduled] = {}


def every(interval: timedelta) -> Callable[[AnyTask], AnyTask]:
    """Register a task without arguments to be queued every `interval`."""
    if interval <= timedelta(0):
        raise ValueError("a schedule needs a positive interval")

    def register(task: AnyTask) -> AnyTask:
        _registry[task.module_path] = Scheduled(task.module_path, interval, task)
        return task

    return register


def scheduled() -> list[Scheduled]:
    """Every registered job, after importing each app's `tasks` module."""
    autodiscover_modules("tasks")
    return sorted(_registry.values(), key=lambda s: s.name)


def enqueue_due(*, now: datetime) -> list[str]:
    """Queue the jobs whose interval has passed since they were last queued; their names."""
    queued = []
    for job in scheduled():
        run, _ = ScheduledRun.objects.get_or_create(name=job.name)
        last = run.last_queued_at
        if last is not None and now - last < job.interval:
            continue
        with transaction.atomic():
            # Compare-and-set: of several workers seeing the same due job, one queues it.
            claimed = ScheduledRun.objects.filter(name=job.name, last_queued_at=last).update(
                last_queued_at=now
            )
            if claimed:
                job.task.enqueue()
                queued.append(job.name)
    return queued
