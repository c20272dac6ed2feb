"""Uploaded files of the deals import tests go to a temporary folder, not var/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _imports_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
