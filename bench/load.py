"""Load test: 20 demo people for 2 minutes against `kam serve` on 127.0.0.1 (locust).

Loads the demo company into the configured database, starts the real server (gunicorn, 2
workers, the background worker beside it) on a free loopback port, runs locust headless
(bench/locustfile.py) and prints per page:

    BENCH load_<page> engine=… users=20 seconds=120 requests=… errors=… p50_ms=… p95_ms=…

and a `BENCH load_total` line. Goals: 0 errors, Today p95 < 300 ms. KAM_BENCH_LOAD_USERS and
KAM_BENCH_LOAD_SECONDS make a shorter run. Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

from bench import workspace
from bench.server import ROOT, served

USERS = int(os.environ.get("KAM_BENCH_LOAD_USERS", "20"))
SECONDS = int(os.environ.get("KAM_BENCH_LOAD_SECONDS", "120"))


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name).strip("_")


def run() -> None:
    from django.core.management import call_command
    from django.db import connection

    from kam.demo import load_demo

    engine = connection.vendor
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    load_demo(clients=300, seed=2026)
    connection.close()
    with workspace() as folder:
        try:
            _serve_and_load(folder)
        except (RuntimeError, subprocess.CalledProcessError):
            for log in ("serve.log", "locust.log"):
                if (folder / log).exists():
                    print(f"--- {log} (last lines)")
                    print("\n".join((folder / log).read_text().splitlines()[-30:]))
            raise
        _print(folder, engine)


def _serve_and_load(folder: Path) -> None:
    # The pages are measured, not the static files: no manifest (compressing ~50 MB of them
    # at start costs minutes of CPU on a busy 2-core machine).
    with served(folder, manifest=False) as base:
        locust = [
            sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"),
            "--headless", "--host", base, "--users", str(USERS),
            "--spawn-rate", str(max(USERS // 5, 1)), "--run-time", f"{SECONDS}s",
            "--csv", str(folder / "load"), "--only-summary", "--loglevel", "WARNING",
            "--exit-code-on-error", "0",
        ]  # fmt: skip
        with (folder / "locust.log").open("wb") as locust_log:
            subprocess.run(  # noqa: S603
                locust, check=True, cwd=ROOT, stdout=locust_log, stderr=subprocess.STDOUT
            )


def _print(folder: Path, engine: str) -> None:
    with (folder / "load_stats.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = "total" if row["Name"] == "Aggregated" else _slug(row["Name"])
            print(
                f"BENCH load_{name} engine={engine} users={USERS} seconds={SECONDS} "
                f"requests={row['Request Count']} errors={row['Failure Count']} "
                f"p50_ms={row['50%']} p95_ms={row['95%']}"
            )
