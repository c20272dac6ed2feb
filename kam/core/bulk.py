"""Bulk writes shared by the apps (no domain knowledge here)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from itertools import chain
from typing import Any

from django.db import connection
from django.db.backends.utils import CursorWrapper

# Rows per INSERT statement on SQLite (fewer when its limit of bound values is lower).
SQLITE_ROWS_PER_INSERT = 1000


def sqlite_insert(
    cursor: CursorWrapper,
    table: str,
    columns: str,
    width: int,
    constants: str,
    rows: Sequence[Sequence[Any]],
) -> None:
    """Insert rows of `width` values each into an SQLite table, many rows per statement.

    One statement per row (executemany's way) makes SQLite run the statement's set-up and
    the table's AUTOINCREMENT bookkeeping a million times for a million rows; a statement of
    up to a thousand rows (within SQLite's limit of bound values) does both once per
    thousand: half the time of the insert. `constants` are SQL literals appended to every
    row (the columns after the bound ones), or "".
    """
    if not rows:
        return
    limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per = max(1, min(SQLITE_ROWS_PER_INSERT, limit // width))
    values = ", ".join(["%s"] * width) + (f", {constants}" if constants else "")
    head = f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608
    whole = len(rows) // per * per
    if whole:
        cursor.executemany(
            head + ", ".join([f"({values})"] * per),
            [tuple(chain.from_iterable(rows[i : i + per])) for i in range(0, whole, per)],
        )
    if whole < len(rows):
        cursor.executemany(f"{head}({values})", rows[whole:])


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(value: str) -> str:
    """A value in PostgreSQL's COPY text format (backslash, tab and line breaks escaped)."""
    if value.isprintable() and "\\" not in value:  # the usual text: nothing to escape
        return value
    return value.translate(_COPY_ESCAPES)


def sql_literal(value: str) -> str:
    """A string as an SQL literal inside a statement with %s placeholders."""
    return "'" + value.replace("'", "''").replace("%", "%%") + "'"
