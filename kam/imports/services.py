"""Imports: check every row, then write all of it in one transaction, or nothing at all.

`import_file` is the one entry point (the CLI calls it directly; the web page through an
ImportJob). It reads the file twice at most: the check collects errors and what it would
write; the write happens only when the check found nothing, inside `transaction.atomic()`,
so a failure of any kind (a bad last row, a constraint, a crash) leaves the database as it was.
"""

from __future__ import annotations

import gc
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import islice
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, transaction
from django.utils import timezone

from kam.accounts.access import can_manage_users
from kam.accounts.models import User
from kam.background.housekeeping import still_working
from kam.background.services import live_workers, task_status
from kam.health.tasks import refresh_health_snapshot_soon
from kam.imports import kinds
from kam.imports.domain import (
    Kind,
    Preset,
    Problem,
    RowCounts,
    RowError,
    Summary,
    data_rows,
    header_score,
)
from kam.imports.kinds.bulk import bulk_session
from kam.imports.messages import error_as_dict
from kam.imports.models import ImportJob, JobStatus
from kam.imports.readers import FileProblem, Table, open_table, read_columns

log = logging.getLogger(__name__)

PREVIEW_ROWS = 10
PREVIEW_COLUMNS = 40
# Files up to this size are checked and written inside the request; bigger ones in the
# background while the page shows progress.
SYNC_BYTES = 2 * 1024 * 1024
MAX_UPLOAD_MB = 300
STALE_AFTER = timedelta(minutes=3)
Progress = Callable[[str, int], None]


@dataclass
class Outcome:
    """What an import found and did."""

    kind: Kind
    info: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    summary: Summary = field(default_factory=Summary)
    written: bool = False
    created: dict[str, Any] = field(default_factory=dict)  # what the write created
    undo: dict[str, Any] = field(default_factory=dict)  # what it needs to put things back

    @property
    def ok(self) -> bool:
        return self.error_count == 0


def imports_dir() -> Path:
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _table_info(table: Table, preset: Preset) -> dict[str, Any]:
    return {
        "format": table.format,
        "encoding": table.encoding,
        "delimiter": {"\t": "tab"}.get(table.delimiter, table.delimiter),
        "header_row": table.header_row,
        "header_rows": table.header_rows,
        "title": table.title,
        "sheet": table.sheet,
        "sheets": table.sheets,
        "headers": [h[:100] for h in table.headers[:PREVIEW_COLUMNS]],
        "preset": preset.value,
    }


def _file_error(outcome: Outcome, problem: FileProblem) -> Outcome:
    outcome.errors.append(
        RowError(problem.row, problem.column, "", Problem.of(problem.code, **problem.params))
    )
    outcome.error_count += 1
    return outcome


_PAUSE_LOCK = threading.Lock()
_pauses = [0, False]  # imports running; whether the collector was on when the first began


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's garbage collector waits while a file is imported. The rows make no reference
    cycles (tuples and strings), but every few thousand rows a collection traces the objects
    the import keeps (a million checked rows, their caches): a second or more per million
    rows for nothing. It is back on when the last running import ends, however it ends."""
    with _PAUSE_LOCK:
        if _pauses[0] == 0:
            _pauses[1] = gc.isenabled()
            gc.disable()
        _pauses[0] += 1
    try:
        yield
    finally:
        with _PAUSE_LOCK:
            _pauses[0] -= 1
            if _pauses[0] == 0 and _pauses[1]:
                gc.enable()


@_collector_paused()
def import_file(
    *,
    actor: User | None,
    kind: Kind,
    path: Path,
    preset: Preset = Preset.AUTO,
    dry_run: bool = False,
    default_manager: User | None = None,
    progress: Progress | None = None,
    allow_future: bool = False,
    stage_map: Mapping[str, str] | None = None,
) -> Outcome:
    """Check a file and, unless it has errors or this is a dry run, write it all.

    `actor=None` is the command line: company scope, history without a user. A web import
    passes the admin who confirmed it.
    """
    if actor is not None and not can_manage_users(actor):
        raise PermissionDenied
    outcome = Outcome(kind=kind)

    def score(cells: Sequence[str]) -> int:
        return header_score(cells, kind, preset)

    try:
        table = open_table(path, score=score)
    except FileProblem as problem:
        return _file_error(outcome, problem)
    with table:
        cmap = kinds.HANDLERS[kind].columns_for(
            table.headers, kind, preset, header_row=table.header_row
        )
        outcome.info = _table_info(table, cmap.preset)
        outcome.info["mapping"] = {name: cmap.header_of(name) for name in cmap.columns}
        outcome.info["ignored"] = [h[:100] for h in cmap.ignored[:PREVIEW_COLUMNS]]
        if cmap.problems:
            outcome.errors.extend(cmap.problems)
            outcome.error_count = len(cmap.problems)
            return outcome

        def start() -> tuple[kinds.Context, kinds.Handler]:
            ctx = kinds.Context(
                actor=actor,
                default_manager=default_manager,
                allow_future=allow_future,
                stage_map=stage_map,
            )
            return ctx, kinds.HANDLERS[kind](ctx, cmap)

        ctx, handler = start()
        preview: list[list[str]] = []
        rows = 0
        counts = RowCounts()
        broken: list[FileProblem] = []
        # A big plain CSV file of a kind that can check columns is read and checked column by
        # column; when the handler finds anything unusual it says no, and the file is checked
        # row by row from the start, by a fresh handler (see `readers.read_columns`).
        columns = None
        if handler.columnar:
            columns = read_columns(
                table,
                grouped="date" in cmap.columns and "client" in cmap.columns,
                preview_rows=PREVIEW_ROWS,
            )
        if columns is not None and handler.check_columns(columns):
            rows = columns.rows
            for number, cells in enumerate(columns.preview, start=columns.first):
                preview.append([str(number), *(c[:100] for c in cells[:PREVIEW_COLUMNS])])
        else:
            if columns is not None:
                ctx, handler = start()
            # The rows go to the handler in chunks (a kind may check a chunk in one tight
            # loop); a file that breaks off mid-way still has every row before the break
            # checked.
            source = _until_broken(data_rows(table.rows, cmap, counts, score), broken)
            while chunk := list(islice(source, CHUNK_ROWS)):
                if len(preview) < PREVIEW_ROWS:
                    for number, cells in chunk[: PREVIEW_ROWS - len(preview)]:
                        preview.append([str(number), *(c[:100] for c in cells[:PREVIEW_COLUMNS])])
                handler.check_rows(chunk)
                rows += len(chunk)
                if progress is not None and rows % 5000 < CHUNK_ROWS:
                    progress("check", rows)
        del columns
        for stop in broken:
            ctx.error(stop.row, stop.column, "", Problem.of(stop.code, **stop.params))
        for row, written, got in counts.group_mismatches:
            column = cmap.header_of("amount") if "amount" in cmap.columns else ""
            ctx.error(row, column, written, Problem.of("group_total", rows=got))
        handler.finish()
        ctx.check_new_clients()
        outcome.info["preview"] = preview
        outcome.info["not_data"] = counts.as_dict()
        ctx.summary.not_data = counts.totals + counts.groups + counts.repeated_headers
        ctx.summary.rows = rows
        if progress is not None:
            progress("check", rows)
    outcome.summary = ctx.summary
    if ctx.error_count:
        outcome.errors, outcome.error_count = sorted(ctx.errors, key=_order), ctx.error_count
        return outcome
    _apply(handler, outcome, write=not dry_run, progress=progress)
    return outcome


# Small chunks: a chunk stays in the processor's cache, and rows still die young (the
# garbage collector does not start tracing thousands of live rows).
CHUNK_ROWS = 100


def _until_broken(
    rows: Iterator[tuple[int, list[str]]], broken: list[FileProblem]
) -> Iterator[tuple[int, list[str]]]:
    """The rows up to the point where the file cannot be read on; the reason goes to
    `broken`."""
    try:
        yield from rows
    except FileProblem as problem:
        broken.append(problem)


def _order(error: RowError) -> tuple[int, str]:
    return error.row, error.column


def _apply(
    handler: kinds.Handler, outcome: Outcome, *, write: bool, progress: Progress | None
) -> None:
    ctx = handler.ctx
    if not write:
        try:
            handler.apply(write=False, progress=progress)
        except kinds.UnavailableError as exc:
            outcome.errors = [RowError(0, "", "", Problem.of(str(exc)))]
            outcome.error_count = 1
        ctx.summary.new_users = [u.full_name for u in ctx.new_users.values()]
        ctx.summary.new_clients = [c.name for c in ctx.new_clients]
        return
    try:
        # A big load on SQLite checks its foreign keys once, before the commit (kinds.bulk).
        with (
            bulk_session(handler.bulk_rows(), handler.bulk_models) as verify,
            transaction.atomic(),
        ):
            handler.apply(write=True, progress=progress)
            verify()
    except kinds.UnavailableError as exc:
        outcome.errors = [RowError(0, "", "", Problem.of(str(exc)))]
        outcome.error_count = 1
        return
    except DatabaseError as exc:
        # A constraint the check could not foresee (a concurrent edit): nothing was written.
        log.warning("import rolled back: %s", exc)
        outcome.errors = [RowError(0, "", "", Problem.of("rejected", detail=str(exc)[:300]))]
        outcome.error_count = 1
        return
    outcome.written = True
    outcome.created = ctx.written
    outcome.undo = ctx.undo
    refresh_health_snapshot_soon()


def import_job_record(
    *, kind: Kind, preset: Preset, path: Path, outcome: Outcome, actor: User | None = None
) -> ImportJob:
    """The audit record of an import run outside the web page (`kam import`): the same job
    row a web import leaves, so it is listed, and can be undone, like one."""
    job = ImportJob(
        kind=kind.value,
        preset=preset.value,
        actor=actor,
        file_name=path.name[:255],
        file_size=path.stat().st_size if path.exists() else 0,
        info={**outcome.info, "cli": True},
    )
    job.save()
    _record(job, outcome, write=True)
    return job


# --- web jobs ------------------------------------------------------------------------------


def _clean_old_files() -> None:
    cutoff = time.time() - 24 * 3600
    for path in imports_dir().iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:  # another worker removed it first
            continue


def import_job_create(
    *,
    actor: User,
    kind: Kind,
    preset: Preset,
    upload: UploadedFile[bytes],
    default_manager: User | None = None,
    allow_future: bool = False,
) -> ImportJob:
    """Keep the uploaded file under var/imports/ and check it (in the background when big)."""
    if not can_manage_users(actor):
        raise PermissionDenied
    _clean_old_files()
    stored = imports_dir() / f"{uuid.uuid4().hex}.upload"
    with stored.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    job = ImportJob.objects.create(
        kind=kind.value,
        preset=preset.value,
        actor=actor,
        file_name=(upload.name or "file")[:255],
        file_size=upload.size or 0,
        stored_path=str(stored),
        info={
            "default_manager": default_manager.pk if default_manager else None,
            "allow_future": allow_future,
        },
    )
    _run(job, write=False)
    return job


def import_job_confirm(*, actor: User, job: ImportJob) -> ImportJob:
    """Write a checked file (checking it again: the data may have changed meanwhile)."""
    if not can_manage_users(actor):
        raise PermissionDenied
    # A conditional update, so a double click or two admins start the write only once.
    started = ImportJob.objects.filter(pk=job.pk, status=JobStatus.CHECKED).update(
        status=JobStatus.APPLYING, rows_done=0, updated_at=timezone.now()
    )
    if not started:
        raise PermissionDenied
    job.refresh_from_db()
    _run(job, write=True)
    return job


def import_job_discard(*, actor: User, job: ImportJob) -> None:
    """Drop a checked file without importing it."""
    if not can_manage_users(actor):
        raise PermissionDenied
    _remove_file(job)
    if job.status == JobStatus.CHECKED:
        job.status = JobStatus.INVALID
        job.save(update_fields=["status", "stored_path", "updated_at"])


def _progress_path(job: ImportJob) -> Path:
    return imports_dir() / f"{job.token.hex}.progress"


def import_job_progress(job: ImportJob) -> dict[str, Any]:
    """The progress a running job reported: {"phase": "check"|"write", "done": rows}, and
    {"waiting": True, "workers": n} while its task waits in the queue.

    It is kept in a small file rather than the job row: during the write the row would only
    show it after the commit, and SQLite allows one writer at a time.
    """
    try:
        progress = dict(json.loads(_progress_path(job).read_text()))
    except (OSError, ValueError):
        progress = {}
    if import_job_task_status(job) == "READY":
        progress["waiting"] = True  # queued; `workers` tells whether anything will run it
        progress["workers"] = live_workers(now=timezone.now())
    return progress


def _last_sign_of_life(job: ImportJob) -> float:
    try:
        beat = _progress_path(job).stat().st_mtime
    except OSError:
        beat = 0.0
    return max(beat, job.updated_at.timestamp())


def import_job_task_status(job: ImportJob) -> str | None:
    """The queue status of a running job's task (READY, RUNNING, FAILED, ...), if queued."""
    task_id = job.info.get("task")
    return task_status(task_id) if task_id else None


def import_job_refresh(job: ImportJob) -> ImportJob:
    """Fail a running job whose task failed or whose worker died: nothing was written."""
    if not job.is_running:
        return job
    queued = import_job_task_status(job)
    if queued in ("READY", "RUNNING"):
        return job  # the queue follows it: a dead worker's task is queued again
    job.refresh_from_db()  # the task records the job before it finishes: read that
    if not job.is_running:
        return job
    lost = queued is not None or (
        time.time() - _last_sign_of_life(job) > STALE_AFTER.total_seconds()
    )
    if lost:
        job.status = JobStatus.FAILED
        job.errors = [{"row": 0, "column": "", "value": "", "code": "interrupted", "params": {}}]
        job.error_count = 1
        job.save(update_fields=["status", "errors", "error_count", "updated_at"])
        _remove_file(job)
    return job


def _remove_file(job: ImportJob) -> None:
    if job.stored_path:
        Path(job.stored_path).unlink(missing_ok=True)
        job.stored_path = ""
        ImportJob.objects.filter(pk=job.pk).update(stored_path="")


def _run(job: ImportJob, *, write: bool) -> None:
    if job.file_size <= getattr(settings, "KAM_IMPORT_SYNC_BYTES", SYNC_BYTES):
        run_job(job.pk, write=write)
        job.refresh_from_db()
        return
    # A queued task (kam.background): the worker beside the web server runs it and a task
    # whose worker died is queued again; the job row notes the task so its page can follow it.
    # One transaction, so a worker never sees the task without the job's note.
    from kam.imports.tasks import import_job_run

    with transaction.atomic():
        result = import_job_run.enqueue(job.pk, write)
        job.refresh_from_db()
        job.info = {**job.info, "task": str(result.id)}
        job.save(update_fields=["info", "updated_at"])


def run_job(job_id: int, *, write: bool) -> None:
    """Check (write=False) or import (write=True) the file of a job, recording the outcome."""
    job = ImportJob.objects.select_related("actor").get(pk=job_id)
    last = [0.0]
    beat = _progress_path(job)

    def progress(phase: str, done: int) -> None:
        still_working()  # a million-row import must not make its worker look dead
        now = time.monotonic()
        if now - last[0] > 0.5:
            last[0] = now
            temporary = beat.with_suffix(".tmp")
            temporary.write_text(json.dumps({"phase": phase, "done": done}))
            temporary.replace(beat)

    default = job.info.get("default_manager")
    manager = User.objects.filter(pk=default).first() if default else None
    try:
        outcome = import_file(
            actor=job.actor,
            kind=Kind(job.kind),
            path=Path(job.stored_path),
            preset=Preset(job.preset),
            dry_run=not write,
            default_manager=manager,
            progress=progress,
            allow_future=bool(job.info.get("allow_future")),
        )
    except Exception:
        log.exception("import job %s failed", job_id)
        job.status = JobStatus.FAILED
        job.errors = [{"row": 0, "column": "", "value": "", "code": "interrupted", "params": {}}]
        job.error_count = 1
        job.save(update_fields=["status", "errors", "error_count", "updated_at"])
        _remove_file(job)
        return
    finally:
        beat.unlink(missing_ok=True)
    _record(job, outcome, write=write)


def _record(job: ImportJob, outcome: Outcome, *, write: bool) -> None:
    job.info = {**job.info, **outcome.info}
    job.errors = [error_as_dict(e) for e in outcome.errors]
    job.error_count = outcome.error_count
    job.summary = outcome.summary.as_dict()
    job.rows_total = outcome.summary.rows
    job.rows_done = outcome.summary.rows
    if outcome.written:
        job.written = outcome.created
        job.undo = outcome.undo
    if not outcome.ok:
        job.status = JobStatus.FAILED if write else JobStatus.INVALID
    else:
        job.status = JobStatus.DONE if write else JobStatus.CHECKED
    job.save()
    if job.status != JobStatus.CHECKED and not _awaits_stage_map(job):
        _remove_file(job)


STAGE_REFUSALS = {"unknown_stages", "stage_unknown"}


def _awaits_stage_map(job: ImportJob) -> bool:
    """A deals or revenue file refused only for unmapped stages is kept: the preview offers
    the mapping and checks the same file again."""
    return (
        job.kind in (Kind.DEALS, Kind.REVENUE)
        and job.status == JobStatus.INVALID
        and bool(job.errors)
        and all(e.get("code") in STAGE_REFUSALS for e in job.errors)
    )


def import_job_recheck(*, actor: User, job: ImportJob) -> ImportJob:
    """Check a refused file again (after the stage map changed); its file must still be kept."""
    if not can_manage_users(actor) or not job.stored_path or job.status != JobStatus.INVALID:
        raise PermissionDenied
    job.status = JobStatus.CHECKING
    job.save(update_fields=["status", "updated_at"])
    _run(job, write=False)
    return job
