"""Serve plotly.js from the installed `plotly` package as a static file (no CDN, no copy in git)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PREFIX = "vendor/plotly"
FILES = ("plotly.min.js",)


class PlotlyFinder(BaseFinder):
    """Exposes only plotly.min.js of the package as static/vendor/plotly/plotly.min.js."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.root = Path(plotly.__file__).resolve().parent / "package_data"
        self.storage = FileSystemStorage(location=str(self.root))
        self.storage.prefix = PREFIX  # type: ignore[attr-defined]

    def check(self, **kwargs: Any) -> list[Any]:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        for name in FILES:
            if path == f"{PREFIX}/{name}":
                found = str(self.root / name)
                return [found] if find_all or kwargs.get("all") else found
        return [] if find_all or kwargs.get("all") else ""

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        for name in FILES:
            yield name, self.storage
