"""`make bench` leaves nothing behind in the temporary folder (it used to leave ~857 MB)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _bench(name: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """One benchmark run as `make bench` runs it, in a process of its own; it must succeed."""
    done = subprocess.run(
        [sys.executable, "-m", "bench", name],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done


def test_a_small_import_bench_prints_its_figures_and_removes_its_files(tmp_path: Path) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "KAM_DATABASE_URL"}
    env.update(
        TMPDIR=str(temporary),
        KAM_BENCH_IMPORT_ROWS="300",
        KAM_BENCH_IMPORT_CLIENTS="30",
    )
    done = _bench("imports", env)
    assert "BENCH import_revenue_sqlite rows=300 " in done.stdout
    assert "BENCH reimport_revenue_sqlite rows=300 " in done.stdout
    assert "unchanged=300" in done.stdout
    # The SQLite database (with its WAL) and the generated CSV lived here; all of it is gone.
    assert list(temporary.iterdir()) == []


def test_a_small_funnel_bench_agrees_with_the_old_exists_form(tmp_path: Path) -> None:
    """The stored first meetings (filled by the repair) give the same funnel as searching the
    contact log per deal, on the benchmark's generated data."""
    env = {k: v for k, v in os.environ.items() if k != "KAM_DATABASE_URL"}
    env.update(TMPDIR=str(tmp_path), KAM_BENCH_DEALS="3000")
    done = _bench("funnel", env)
    line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH funnel_sqlite "))
    assert "agree=yes" in line.split()
    met = next(x for x in done.stdout.splitlines() if x.startswith("BENCH funnel_load_sqlite "))
    assert int(met.split("deals_met=")[1]) > 0
