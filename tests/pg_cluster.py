"""Run a command against a throw-away PostgreSQL cluster.

    python -m tests.pg_cluster <command ...>

Starts a private cluster with the machine's initdb/pg_ctl (as the unprivileged `postgres`
user when run as root, because initdb refuses root), points KAM_DATABASE_URL at it, runs the
command, then stops and deletes the cluster. Without PostgreSQL it says so loudly and skips,
except under CI (CI=true), where a missing PostgreSQL is a failure.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path


def _find(tool: str) -> str | None:
    found = shutil.which(tool)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"), reverse=True)
    return candidates[0] if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_user() -> list[str]:
    # initdb and postgres refuse to run as root: drop to an unprivileged account.
    if os.geteuid() != 0:
        return []
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return ["runuser", "-u", name, "--"]
    raise SystemExit("pg_cluster: running as root and no unprivileged user to run PostgreSQL")


def _loud_skip(reason: str) -> int:
    bar = "!" * 78
    sys.stderr.write(f"\n{bar}\n!! PostgreSQL tests SKIPPED: {reason}\n{bar}\n\n")
    return 1 if os.environ.get("CI", "").lower() in {"1", "true", "yes"} else 0


def main(argv: list[str]) -> int:
    """Start the cluster, run argv with KAM_DATABASE_URL set, stop the cluster."""
    if not argv:
        sys.stderr.write("usage: python -m tests.pg_cluster COMMAND [ARGS...]\n")
        return 2
    initdb, pg_ctl = _find("initdb"), _find("pg_ctl")
    if not initdb or not pg_ctl:
        return _loud_skip("initdb/pg_ctl not found (apt-get install postgresql)")
    prefix = _as_user()
    workdir = Path(tempfile.mkdtemp(prefix="kam-pg-"))
    data = workdir / "data"
    if prefix:
        user = prefix[2]
        pw = pwd.getpwnam(user)
        os.chown(workdir, pw.pw_uid, pw.pw_gid)
    port = _free_port()
    log = workdir / "server.log"
    try:
        subprocess.run(
            [
                *prefix,
                initdb,
                "-D",
                str(data),
                "-U",
                "kam",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        options = (
            f"-p {port} -k {workdir} -c listen_addresses='' -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
        )
        subprocess.run(
            [*prefix, pg_ctl, "-D", str(data), "-l", str(log), "-o", options, "-w", "start"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    except (subprocess.CalledProcessError, OSError) as exc:
        shutil.rmtree(workdir, ignore_errors=True)
        return _loud_skip(f"could not start a cluster: {exc}")
    env = dict(os.environ)
    env["KAM_DATABASE_URL"] = f"postgres://kam@/postgres?host={workdir}&port={port}"
    sys.stderr.write(f"pg_cluster: PostgreSQL running on socket {workdir} port {port}\n")
    try:
        return subprocess.run(argv, env=env, check=False).returncode
    finally:
        subprocess.run(
            [*prefix, pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"],
            check=False,
            stdout=subprocess.DEVNULL,
        )
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
