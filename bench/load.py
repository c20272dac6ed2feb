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
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench import workspace

HOST = "127.0.0.1"  # loopback only, by design
USERS = int(os.environ.get("KAM_BENCH_LOAD_USERS", "20"))
SECONDS = int(os.environ.get("KAM_BENCH_LOAD_SECONDS", "120"))
ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, server: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"kam serve exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise RuntimeError("kam serve did not answer in time")


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
    port = _free_port()
    env = dict(os.environ)
    env.update(
        KAM_DEBUG="false",
        KAM_HTTPS="false",
        KAM_SECRET_KEY=secrets.token_urlsafe(50),
        KAM_ALLOWED_HOSTS=HOST,
        KAM_VAR_DIR=str(folder / "var"),
        # The pages are measured, not the static files: skip compressing ~50 MB of them at
        # start (minutes of CPU on a busy 2-core machine).
        KAM_STATIC_MANIFEST="false",
        PYTHONPATH=str(ROOT),
    )
    serve = [sys.executable, "-m", "kam.cli", "serve", "--host", HOST, "--port", str(port)]
    log = (folder / "serve.log").open("wb")
    server = subprocess.Popen(serve, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        _wait_until_up(f"http://{HOST}:{port}/accounts/login/", server)
        locust = [
            sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"),
            "--headless", "--host", f"http://{HOST}:{port}", "--users", str(USERS),
            "--spawn-rate", str(max(USERS // 5, 1)), "--run-time", f"{SECONDS}s",
            "--csv", str(folder / "load"), "--only-summary", "--loglevel", "WARNING",
            "--exit-code-on-error", "0",
        ]  # fmt: skip
        with (folder / "locust.log").open("wb") as locust_log:
            subprocess.run(  # noqa: S603
                locust, check=True, cwd=ROOT, stdout=locust_log, stderr=subprocess.STDOUT
            )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=120)
        log.close()


def _print(folder: Path, engine: str) -> None:
    with (folder / "load_stats.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = "total" if row["Name"] == "Aggregated" else _slug(row["Name"])
            print(
                f"BENCH load_{name} engine={engine} users={USERS} seconds={SECONDS} "
                f"requests={row['Request Count']} errors={row['Failure Count']} "
                f"p50_ms={row['50%']} p95_ms={row['95%']}"
            )
