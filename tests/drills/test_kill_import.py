"""Kill-during-import drill: SIGKILL a real worker process at every point of a real import.

A template database holds a checked revenue file (12,000 rows, 300 new clients) whose write
waits in the queue. Each round copies the template, starts `tests.drills.import_child run`
(the real worker running the real task), lets it reach one point and SIGKILLs it there: as
the task starts, at each progress report of the check and of the write (the write
transaction open with 5,000-row batches sent), and after the commit, before the job is
recorded. Then the row counts must be exactly those before or exactly those after the import,
never in between; and a fresh worker must pick the dead worker's task up and finish it with
exactly the full counts (no duplicates). A last round kills the same task three times: it is
then failed with a reason and nothing is written.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.drills.import_child import CLIENTS, ROWS

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.drill


def _env(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        KAM_DATABASE_URL=f"sqlite:///{folder / 'kam.sqlite3'}",
        KAM_VAR_DIR=str(folder / "var"),
        KAM_DEBUG="true",
        PYTHONPATH=str(ROOT),
    )
    return env


def _child(folder: Path, mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.drills.import_child", mode],
        cwd=ROOT,
        env=_env(folder),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def _run(folder: Path, *, kill_at: int | None = None) -> list[str]:
    """Run the worker, answering every pause, or SIGKILL it at pause number `kill_at`.
    The points it passed, as `what` strings."""
    child = _child(folder, "run")
    assert child.stdin is not None
    assert child.stdout is not None
    points = []
    for line in child.stdout:
        if not line.startswith("AT "):
            continue
        _, number, what = line.split()
        points.append(what)
        if int(number) == kill_at:
            child.send_signal(signal.SIGKILL)
            child.wait()
            return points
        child.stdin.write("\n")
        child.stdin.flush()
    assert child.wait() == 0
    return points


def _counts(folder: Path) -> tuple[int, int]:
    db = sqlite3.connect(folder / "kam.sqlite3")
    try:
        revenue = db.execute("SELECT COUNT(*) FROM portfolio_revenuerecord").fetchone()[0]
        clients = db.execute("SELECT COUNT(*) FROM clients_client").fetchone()[0]
    finally:
        db.close()
    return revenue, clients


def _state(folder: Path) -> tuple[str, str]:
    db = sqlite3.connect(folder / "kam.sqlite3")
    try:
        job = db.execute("SELECT status FROM imports_importjob").fetchone()[0]
        task = db.execute(
            "SELECT status FROM django_tasks_database_dbtaskresult "
            "WHERE task_path = 'kam.imports.tasks.import_job_run' ORDER BY enqueued_at DESC"
        ).fetchone()[0]
    finally:
        db.close()
    return job, task


def _fresh(template: Path, work: Path) -> Path:
    """The template's database and var/ back in `work` (the job keeps absolute paths)."""
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(template, work)
    return work


def test_sigkill_at_every_point_of_an_import_never_leaves_half_of_it(
    tmp_path: Path, drill_figures
) -> None:
    started = time.perf_counter()
    work, template = tmp_path / "work", tmp_path / "template"
    (work / "var").mkdir(parents=True)
    setup = _child(work, "setup")
    out, _ = setup.communicate()
    assert setup.returncode == 0, out
    shutil.copytree(work, template)
    before = _counts(template)
    after = (before[0] + ROWS, before[1] + CLIENTS)

    points = _run(_fresh(template, work))
    assert _counts(work) == after
    assert points[0] == "started"
    assert points[-1] == "committed"
    assert any(p.startswith("check:") for p in points)
    assert sum(p.startswith("write:") for p in points) >= 3  # two batches mid-transaction

    seen: dict[str, int] = {"before": 0, "after": 0}
    for number, what in enumerate(points, start=1):
        folder = _fresh(template, work)
        assert _run(folder, kill_at=number)[-1] == what
        counts = _counts(folder)
        assert counts in (before, after), f"killed at {what}: {counts}, not {before} or {after}"
        seen["before" if counts == before else "after"] += 1
        assert _state(folder) == ("applying", "RUNNING")  # the dead worker's claim
        _run(folder)  # a new worker picks the task up again and finishes it
        assert _counts(folder) == after, f"re-run after a kill at {what}"
        assert _state(folder) == ("done", "SUCCESSFUL")
    assert seen["after"] == 1  # only after the commit
    kills = len(points)

    # The same task killed at every attempt: given up with a reason, nothing written.
    folder = _fresh(template, work)
    middle = next(i for i, p in enumerate(points, start=1) if p.startswith("write:"))
    for _ in range(3):
        _run(folder, kill_at=middle + 1)
        assert _counts(folder) == before
    kills += 3
    _run(folder)
    assert _state(folder) == ("applying", "FAILED")  # the page then shows it interrupted
    assert _counts(folder) == before
    assert kills >= 10
    drill_figures(
        f"DRILL kill_import engine=sqlite rows={ROWS} kills={kills} points={len(points)} "
        f"left_before={seen['before'] + 3} left_after={seen['after']} in_between=0 "
        f"reruns_ok={len(points)} seconds={time.perf_counter() - started:.1f}"
    )
