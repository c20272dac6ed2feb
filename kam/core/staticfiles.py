"""Collect static files only when they changed since the last collection.

`collectstatic` with the compressed manifest storage hashes and compresses every file again on
each run (about a CPU-minute, most of it the chart bundle), so `kam serve` used to spend that on
every start. A fingerprint of what the finders would collect (paths, sizes, modification times
and the storage class) is kept beside the collected files; an unchanged fingerprint skips it.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command

STAMP = ".kam-collected"


def source_fingerprint() -> str:
    """A digest of every file the static finders would collect, and of the storage used."""
    digest = hashlib.sha256(str(settings.STORAGES["staticfiles"]["BACKEND"]).encode())
    seen = set()
    entries = []
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            prefix = getattr(storage, "prefix", None) or ""
            name = os.path.join(prefix, path)
            if name in seen:  # the first finder's file wins, as in collectstatic
                continue
            seen.add(name)
            stat = os.stat(storage.path(path))
            entries.append(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}")
    for entry in sorted(entries):
        digest.update(entry.encode())
    return digest.hexdigest()


def collect_static_if_changed() -> bool:
    """Run collectstatic unless the collected files match the sources; True if it ran."""
    root = Path(settings.STATIC_ROOT)
    stamp = root / STAMP
    fingerprint = source_fingerprint()
    if stamp.is_file() and stamp.read_text() == fingerprint:
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(fingerprint)
    return True
