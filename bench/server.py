"""`kam serve` on a free loopback port for the benchmarks that need a real server.

Production settings (no debug, gunicorn, whitenoise), the caller's database, a throw-away
var/ folder; the server's output goes to `serve.log` in that folder. Only 127.0.0.1.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HOST = "127.0.0.1"  # loopback only, by design
ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, server: subprocess.Popen[bytes], timeout: float = 120) -> None:
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


@contextmanager
def served(folder: Path, *, manifest: bool, up_timeout: float = 120) -> Iterator[str]:
    """Run `kam serve` while the block runs; yields its base URL. `manifest` hashes and
    compresses the static files as in production (minutes of CPU on a busy machine)."""
    port = free_port()
    env = dict(os.environ)
    env.update(
        KAM_DEBUG="false",
        KAM_HTTPS="false",
        KAM_SECRET_KEY=secrets.token_urlsafe(50),
        KAM_ALLOWED_HOSTS=HOST,
        KAM_VAR_DIR=str(folder / "var"),
        KAM_STATIC_MANIFEST="true" if manifest else "false",
        PYTHONPATH=str(ROOT),
    )
    serve = [sys.executable, "-m", "kam.cli", "serve", "--host", HOST, "--port", str(port)]
    base = f"http://{HOST}:{port}"
    with (folder / "serve.log").open("wb") as log:
        server = subprocess.Popen(serve, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        try:
            wait_until_up(f"{base}/accounts/login/", server, timeout=up_timeout)
            yield base
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=120)
