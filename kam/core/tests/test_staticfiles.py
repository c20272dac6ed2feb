"""`kam serve` collects static files only when they changed (collecting costs a CPU-minute)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings

from kam.core.staticfiles import STAMP, collect_static_if_changed

PLAIN = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


@pytest.fixture
def static_dirs(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    source, root = tmp_path / "source", tmp_path / "collected"
    source.mkdir()
    (source / "kam.css").write_text("body { color: black; }")
    finder_paths = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    with override_settings(
        STATICFILES_DIRS=[source],
        STATIC_ROOT=root,
        STATICFILES_FINDERS=finder_paths,
        STORAGES=PLAIN,
    ):
        from django.contrib.staticfiles import finders

        clear = finders.get_finder.cache_clear  # type: ignore[attr-defined]
        clear()
        yield source, root
        clear()


def test_collects_once_then_only_after_a_change(static_dirs: tuple[Path, Path]) -> None:
    source, root = static_dirs
    assert collect_static_if_changed() is True
    assert (root / "kam.css").read_text() == "body { color: black; }"
    assert (root / STAMP).is_file()
    assert collect_static_if_changed() is False

    (source / "kam.css").write_text("body { color: navy; }")
    stat = (source / "kam.css").stat()
    os.utime(source / "kam.css", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert collect_static_if_changed() is True
    assert (root / "kam.css").read_text() == "body { color: navy; }"

    (source / "new.js").write_text("//")
    assert collect_static_if_changed() is True
    assert (root / "new.js").is_file()
    assert collect_static_if_changed() is False


def test_a_lost_collection_is_collected_again(static_dirs: tuple[Path, Path]) -> None:
    _source, root = static_dirs
    assert collect_static_if_changed() is True
    (root / STAMP).unlink()
    assert collect_static_if_changed() is True
