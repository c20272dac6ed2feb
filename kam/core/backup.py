"""`kam backup FILE` and `kam restore FILE`: the whole database in one file and back.

SQLite: the online backup API (a consistent copy while the server keeps running; a restore
copies the file's pages into the live database the same way). PostgreSQL: `pg_dump` in its
custom format and `pg_restore --clean --single-transaction` (all of it or nothing).
A restore first checks that the file is a KAM backup of the same engine and not from a newer
KAM, and keeps a copy of the current data beside the database before replacing it.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


@dataclass(frozen=True, slots=True)
class Restored:
    """What a restore did."""

    engine: str
    previous: Path | None  # where the data that was replaced was kept
    unapplied: list[str]  # migrations the backup predates: run `kam migrate`


def engine() -> str:
    """'sqlite' or 'postgresql' (the engines KAM supports)."""
    vendor = connections["default"].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"backups are not supported for the {vendor} database engine")
    return vendor


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    if candidates:
        return candidates[0]
    raise BackupError(f"{name} not found: install the PostgreSQL client (postgresql-client)")


def _pg_env() -> tuple[dict[str, str], str]:
    """libpq's variables for the live connection (whatever form the URL had), and its name."""
    live = connections["default"]
    live.ensure_connection()
    info = live.connection.info  # psycopg: what the connection really uses
    env = dict(os.environ)
    env.update({"PGHOST": str(info.host), "PGPORT": str(info.port), "PGUSER": str(info.user)})
    if info.password:
        env["PGPASSWORD"] = str(info.password)  # not on the command line (ps would show it)
    options = live.settings_dict.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    return env, str(info.dbname)


def _run(argv: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{Path(argv[0]).name} failed: {done.stderr.strip()[:2000]}")


def backup(path: Path) -> str:
    """Write the whole database to `path` (replaced only once the copy is complete)."""
    kind = engine()
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")
    try:
        if kind == "sqlite":
            live = connections["default"]
            live.ensure_connection()
            target = sqlite3.connect(partial)
            try:
                live.connection.backup(target)
            finally:
                target.close()
        else:
            env, name = _pg_env()
            _run(
                [_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={partial}", name],
                env,
            )
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return kind


def _file_engine(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc.strerror}") from exc
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is not a KAM backup (neither SQLite nor pg_dump custom format)")


def _sqlite_migrations(path: Path) -> set[tuple[str, str]]:
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if source.execute("PRAGMA quick_check").fetchone() != ("ok",):
                raise BackupError(f"{path} is damaged (SQLite quick_check failed)")
            rows = source.execute("SELECT app, name FROM django_migrations").fetchall()
        finally:
            source.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a KAM backup: {exc}") from exc
    return {(str(app), str(name)) for app, name in rows}


def _pg_migrations(path: Path, env: dict[str, str]) -> set[tuple[str, str]]:
    argv = [_tool("pg_restore"), "--data-only", "--table=django_migrations", "--file=-"]
    done = subprocess.run(  # noqa: S603
        [*argv, str(path)], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{path} is not a readable pg_dump file: {done.stderr.strip()[:500]}")
    found, copying = set(), False
    for line in done.stdout.splitlines():
        if line.startswith("COPY ") and "django_migrations" in line:
            copying = True
        elif copying and line == "\\.":
            break
        elif copying:
            fields = line.split("\t")
            if len(fields) >= 3:
                found.add((fields[1], fields[2]))
    return found


def _check_migrations(found: set[tuple[str, str]]) -> list[str]:
    """Refuse a backup of a newer KAM; the migrations it lacks (run `kam migrate` after)."""
    if not found:
        raise BackupError("the file holds no KAM tables")
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    newer = sorted(f"{app}.{name}" for app, name in found - known)
    if newer:
        raise BackupError(
            "the backup comes from a newer KAM (unknown migrations: "
            f"{', '.join(newer[:5])}); update KAM first"
        )
    return sorted(f"{app}.{name}" for app, name in known - found)


def restore(path: Path, *, keep_previous: bool = True) -> Restored:
    """Replace the whole database with the backup in `path`."""
    kind = engine()
    path = Path(path)
    found = _file_engine(path)
    if found != kind:
        raise BackupError(f"{path} is a {found} backup; this KAM runs on {kind}")
    if kind == "sqlite":
        unapplied = _check_migrations(_sqlite_migrations(path))
    else:
        env, name = _pg_env()
        unapplied = _check_migrations(_pg_migrations(path, env))
    previous = None
    if keep_previous:
        folder = Path(settings.VAR_DIR) / "backups"
        folder.mkdir(parents=True, exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        previous = folder / f"before-restore-{stamp}.{'sqlite3' if kind == 'sqlite' else 'dump'}"
        backup(previous)
    live = connections["default"]
    if kind == "sqlite":
        live.ensure_connection()
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            source.backup(live.connection)
        finally:
            source.close()
    else:
        live.close()  # no open transaction of ours in the way of the drops
        argv = [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges"]
        _run([*argv, "--single-transaction", f"--dbname={name}", str(path)], env)
    return Restored(kind, previous, unapplied)
