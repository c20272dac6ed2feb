"""`kam serve` keeps a background worker beside the web server and restarts it when it dies."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from kam.background import supervise


def test_a_dead_worker_is_started_again_until_it_keeps_dying(tmp_path: Path, monkeypatch) -> None:
    starts, fifo = tmp_path / "starts", tmp_path / "fifo"
    os.mkfifo(fifo)
    limit = supervise.RESTARTS_WITHIN_A_MINUTE
    # The fake worker notes each start and dies at once; the last start releases the fake web
    # server, which then exits with 7.
    worker = (
        f"from pathlib import Path; p = Path({str(starts)!r});"
        f"p.write_text(p.read_text() + 'x' if p.exists() else 'x');"
        f"len(p.read_text()) == {limit} and open({str(fifo)!r}, 'w').write('go');"
        "raise SystemExit(3)"
    )
    monkeypatch.setattr(supervise, "worker_command", lambda: [sys.executable, "-c", worker])
    web = [sys.executable, "-c", f"open({str(fifo)!r}).read(); raise SystemExit(7)"]
    assert supervise.serve(web) == 7
    assert starts.read_text() == "x" * limit


def test_without_a_worker_only_the_web_server_runs(monkeypatch) -> None:
    def no_worker() -> list[str]:
        pytest.fail("the worker was started")

    monkeypatch.setattr(supervise, "worker_command", no_worker)
    assert supervise.serve([sys.executable, "-c", "raise SystemExit(0)"], worker=False) == 0


@pytest.mark.django_db
def test_kam_serve_starts_the_worker_beside_gunicorn(monkeypatch) -> None:
    from kam.cli import main

    started: list[tuple[list[str], bool]] = []

    def fake_serve(argv: list[str], *, worker: bool = True) -> int:
        started.append((argv, worker))
        return 0

    monkeypatch.setattr("django.core.management.call_command", lambda *a, **k: None)
    monkeypatch.setattr(supervise, "serve", fake_serve)
    assert main(["serve", "--port", "8123"]) == 0
    assert main(["serve", "--port", "8123", "--no-worker"]) == 0
    (web, with_worker), (_, without) = started
    assert web[1:4] == ["-m", "gunicorn", "kam.wsgi:application"]
    assert "127.0.0.1:8123" in web
    assert with_worker is True
    assert without is False
    assert supervise.worker_command()[1:] == ["-m", "kam.cli", "worker"]
