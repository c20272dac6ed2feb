"""Serve the charting bundle from installed packages as static files (no CDN, no copy in git).

KAM draws only scatter and bar charts, so it serves plotly.js's partial "basic" bundle (scatter,
bar, pie: 1.2 MB) from the npm package `plotly.js-basic-dist-min`, pinned in package.json and
installed into node_modules/ by `make install` (`npm ci`). When node_modules/ is missing (a
checkout where `npm ci` has not run yet) the full bundle of the `plotly` PyPI package (4.8 MB)
is served instead, and `manage.py check` warns (kam.W001), so charts never silently vanish.
The old path vendor/plotly/plotly.min.js stays valid: it serves the same chosen bundle (pages
should load it through `{% chart_scripts %}` of kam/core/templatetags/kam_charts.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import plotly
from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core import checks
from django.core.files.storage import FileSystemStorage

PREFIX = "vendor/plotly"
BASIC = "plotly-basic.min.js"  # from node_modules/plotly.js-basic-dist-min
FULL = "plotly.min.js"  # from the plotly PyPI package, the fallback


def basic_root() -> Path:
    return Path(settings.NODE_MODULES) / "plotly.js-basic-dist-min"


def full_root() -> Path:
    return Path(plotly.__file__).resolve().parent / "package_data"


def bundle_path() -> str:
    """The static path of the plotly bundle pages load: the basic one when installed."""
    return f"{PREFIX}/{BASIC}" if (basic_root() / BASIC).is_file() else f"{PREFIX}/{FULL}"


class PlotlyFinder(BaseFinder):
    """Exposes one plotly bundle as static/vendor/plotly/<file>: the basic partial bundle
    when node_modules has it, otherwise the full one of the plotly package."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        basic = (basic_root() / BASIC).is_file()
        self.name = BASIC if basic else FULL
        self.root = basic_root() if basic else full_root()
        self.storage = FileSystemStorage(location=str(self.root))
        self.storage.prefix = PREFIX  # type: ignore[attr-defined]

    def check(self, **kwargs: Any) -> list[Any]:
        if self.name == BASIC:
            return []
        return [
            checks.Warning(
                f"{basic_root() / BASIC} is missing: charts load the full 4.8 MB plotly bundle.",
                hint="Run `npm ci` in the project folder (make install does).",
                id="kam.W001",
            )
        ]

    def _names(self) -> tuple[str, ...]:
        return (self.name,) if self.name == FULL else (self.name, FULL)

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        if path in {f"{PREFIX}/{name}" for name in self._names()}:
            found = str(self.root / self.name)
            return [found] if find_all or kwargs.get("all") else found
        return [] if find_all or kwargs.get("all") else ""

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, Any]]:
        yield self.name, self.storage
        if self.name != FULL:
            yield FULL, _Alias(self.root / self.name)


class _Alias(FileSystemStorage):
    """The chosen bundle under the old name plotly.min.js (collectstatic copies it once more)."""

    prefix = PREFIX

    def __init__(self, target: Path) -> None:
        super().__init__(location=str(target.parent))
        self.target = target

    def path(self, name: str) -> str:
        return str(self.target)

    def open(self, name: str, mode: str = "rb") -> Any:
        return super().open(self.target.name, mode)
