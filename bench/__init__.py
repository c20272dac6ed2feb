"""Benchmarks: `make bench` prints one `BENCH name key=value ...` line per figure."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def workspace() -> Iterator[Path]:
    """A temporary folder for a benchmark's database and files, removed afterwards.

    The SQLite database of a run holds about a million revenue rows (hundreds of MB with its
    WAL), so nothing of it may stay behind; connections are closed first so SQLite lets go.
    """
    folder = Path(tempfile.mkdtemp(prefix="kam-bench-"))
    try:
        yield folder
    finally:
        from django.conf import settings

        if settings.configured:
            from django.db import connections

            connections.close_all()
        shutil.rmtree(folder, ignore_errors=True)
