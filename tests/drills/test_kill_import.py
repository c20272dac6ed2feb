"""Kill-during-import drill: SIGKILL a real worker process at every point of a real import.

A template database holds a checked revenue file (12,000 rows, 300 new clients) whose write
waits in the queue. Each round restores the template, starts `tests.drills.import_child run`
(the real worker running the real task), lets it reach one point and SIGKILLs it there: as
the task starts, at each progress report of the check and of the write (the write
transaction open with 5,000-row batches sent), and after the commit, before the job is
recorded. Then the row counts must be exactly those before or exactly those after the import,
never in between; and a fresh worker must pick the dead worker's task up and finish it with
exactly the full counts (no duplicates). A last round kills the same task three times: it is
then failed with a reason and nothing is written.

It runs on the engine the suite is pointed at: a SQLite file, or (under tests.pg_cluster)
PostgreSQL databases of its own in the same cluster.
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
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.drills.import_child import CLIENTS, ROWS

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.drill


class SqliteStore:
    """The drill's database as a SQLite file in the work folder."""

    engine = "sqlite"

    def __init__(self, work: Path, template: Path) -> None:
        self.work, self.template = work, template

    def url(self) -> str:
        return f"sqlite:///{self.work / 'kam.sqlite3'}"

    def keep_template(self) -> None:
        pass  # the file is copied with the folder

    def fresh(self) -> None:
        pass

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        db = sqlite3.connect(self.work / "kam.sqlite3")
        try:
            return db.execute(sql).fetchall()
        finally:
            db.close()

    def drop(self) -> None:
        pass


class PgStore:
    """The drill's databases in the PostgreSQL cluster of KAM_DATABASE_URL: a template and a
    work copy made from it (CREATE DATABASE … TEMPLATE) for every round."""

    engine = "postgresql"

    def __init__(self, base_url: str) -> None:
        self.base = urlsplit(base_url)
        suffix = os.getpid()
        self.work_name, self.template_name = f"kam_drill_{suffix}", f"kam_drill_tpl_{suffix}"
        self._admin(f"CREATE DATABASE {self.work_name}")

    def _url(self, name: str) -> str:
        return urlunsplit(self.base._replace(path=f"/{name}"))

    def url(self) -> str:
        return self._url(self.work_name)

    def _admin(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(urlunsplit(self.base), autocommit=True) as db:
            for statement in statements:
                db.execute(statement)

    def keep_template(self) -> None:
        self._admin(f"CREATE DATABASE {self.template_name} TEMPLATE {self.work_name}")

    def fresh(self) -> None:
        self._admin(
            f"DROP DATABASE IF EXISTS {self.work_name} WITH (FORCE)",
            f"CREATE DATABASE {self.work_name} TEMPLATE {self.template_name}",
        )

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.url()) as db:
            return list(db.execute(sql).fetchall())

    def drop(self) -> None:
        self._admin(
            f"DROP DATABASE IF EXISTS {self.work_name} WITH (FORCE)",
            f"DROP DATABASE IF EXISTS {self.template_name} WITH (FORCE)",
        )


Store = SqliteStore | PgStore


@pytest.fixture
def store(tmp_path: Path) -> Any:
    url = os.environ.get("KAM_DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        made: Store = PgStore(url)
    else:
        made = SqliteStore(tmp_path / "work", tmp_path / "template")
    yield made
    made.drop()


def _child(store: Store, work: Path, mode: str) -> subprocess.Popen[str]:
    env = dict(os.environ)
    env.update(
        KAM_DATABASE_URL=store.url(),
        KAM_VAR_DIR=str(work / "var"),
        KAM_DEBUG="true",
        PYTHONPATH=str(ROOT),
    )
    return subprocess.Popen(
        [sys.executable, "-m", "tests.drills.import_child", mode],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def _run(store: Store, work: Path, *, kill_at: int | None = None) -> list[str]:
    """Run the worker, answering every pause, or SIGKILL it at pause number `kill_at`.
    The points it passed, as `what` strings."""
    child = _child(store, work, "run")
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


def _counts(store: Store) -> tuple[int, int]:
    revenue = store.query("SELECT COUNT(*) FROM portfolio_revenuerecord")[0][0]
    clients = store.query("SELECT COUNT(*) FROM clients_client")[0][0]
    return int(revenue), int(clients)


def _state(store: Store) -> tuple[str, str]:
    job = store.query("SELECT status FROM imports_importjob")[0][0]
    task = store.query(
        "SELECT status FROM django_tasks_database_dbtaskresult "
        "WHERE task_path = 'kam.imports.tasks.import_job_run' ORDER BY enqueued_at DESC"
    )[0][0]
    return str(job), str(task)


def _fresh(store: Store, template: Path, work: Path) -> None:
    """The template's database and var/ back in place (the job keeps absolute paths)."""
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(template, work)
    store.fresh()


def test_sigkill_at_every_point_of_an_import_never_leaves_half_of_it(
    tmp_path: Path, store: Store, drill_figures
) -> None:
    started = time.perf_counter()
    work, template = tmp_path / "work", tmp_path / "template"
    (work / "var").mkdir(parents=True)
    setup = _child(store, work, "setup")
    out, _ = setup.communicate()
    assert setup.returncode == 0, out
    shutil.copytree(work, template)
    store.keep_template()
    before = _counts(store)
    after = (before[0] + ROWS, before[1] + CLIENTS)

    points = _run(store, work)
    assert _counts(store) == after
    assert points[0] == "started"
    assert points[-1] == "committed"
    assert any(p.startswith("check:") for p in points)
    assert sum(p.startswith("write:") for p in points) >= 3  # two batches mid-transaction

    seen: dict[str, int] = {"before": 0, "after": 0}
    for number, what in enumerate(points, start=1):
        _fresh(store, template, work)
        assert _run(store, work, kill_at=number)[-1] == what
        counts = _counts(store)
        assert counts in (before, after), f"killed at {what}: {counts}, not {before} or {after}"
        seen["before" if counts == before else "after"] += 1
        assert _state(store) == ("applying", "RUNNING")  # the dead worker's claim
        _run(store, work)  # a new worker picks the task up again and finishes it
        assert _counts(store) == after, f"re-run after a kill at {what}"
        assert _state(store) == ("done", "SUCCESSFUL")
    assert seen["after"] == 1  # only after the commit
    kills = len(points)

    # The same task killed at every attempt: given up with a reason, nothing written.
    _fresh(store, template, work)
    middle = next(i for i, p in enumerate(points, start=1) if p.startswith("write:"))
    for _ in range(3):
        _run(store, work, kill_at=middle + 1)
        assert _counts(store) == before
    kills += 3
    _run(store, work)
    assert _state(store) == ("applying", "FAILED")  # the page then shows it interrupted
    assert _counts(store) == before
    assert kills >= 10
    drill_figures(
        f"DRILL kill_import engine={store.engine} rows={ROWS} kills={kills} "
        f"points={len(points)} left_before={seen['before'] + 3} left_after={seen['after']} "
        f"in_between=0 reruns_ok={len(points)} seconds={time.perf_counter() - started:.1f}"
    )
