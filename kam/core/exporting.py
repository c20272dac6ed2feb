"""Helpers for files handed to spreadsheets."""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A cell value that Excel will not run as a formula (CSV/formula injection, OWASP).

    Text starting with = + - @ tab or CR gets a leading apostrophe; numbers stay numbers.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
