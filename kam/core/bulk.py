"""Bulk writes shared by the apps (no domain knowledge here)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
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
    *,
    select: str = "",
) -> None:
    """Insert rows of `width` values each into an SQLite table, many rows per statement.

    One statement per row (executemany's way) makes SQLite run the statement's set-up and
    the table's AUTOINCREMENT bookkeeping a million times for a million rows; a statement of
    up to a thousand rows (within SQLite's limit of bound values) does both once per
    thousand: half the time of the insert. `constants` are SQL literals appended to every
    row (the columns after the bound ones), or "".

    With `select` (a SELECT statement naming `<rows>` in its FROM) the rows are the table
    `v` there (columns `column1`…), and the statement makes the inserted values of them and
    of the small tables it joins (CROSS JOIN after `<rows>` keeps the rows' order); the
    `constants` are then unused.
    """
    if not rows:
        return
    limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per = max(1, min(SQLITE_ROWS_PER_INSERT, limit // width))
    values = ", ".join(["%s"] * width) + (f", {constants}" if constants and not select else "")

    def statement(count: int) -> str:
        listed = ", ".join([f"({values})"] * count)
        if select:
            return f"INSERT INTO {table} ({columns}) " + select.replace(
                "<rows>", f"(VALUES {listed}) AS v"
            )
        return f"INSERT INTO {table} ({columns}) VALUES {listed}"  # noqa: S608

    whole = len(rows) // per * per
    if whole:
        cursor.executemany(
            statement(per),
            [tuple(chain.from_iterable(rows[i : i + per])) for i in range(0, whole, per)],
        )
    if whole < len(rows):
        cursor.executemany(statement(1), rows[whole:])


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(value: str) -> str:
    """A value in PostgreSQL's COPY text format (backslash, tab and line breaks escaped)."""
    if value.isprintable() and "\\" not in value:  # the usual text: nothing to escape
        return value
    return value.translate(_COPY_ESCAPES)


def sql_literal(value: str) -> str:
    """A string as an SQL literal inside a statement with %s placeholders."""
    return "'" + value.replace("'", "''").replace("%", "%%") + "'"


@contextmanager
def pg_copy(
    table: str, columns: Sequence[str], constants: Mapping[str, Any], *, locked: bool
) -> Iterator[tuple[Callable[[str], None], str]]:
    """PostgreSQL: one COPY into `table` of `columns` and then the `constants` columns, whose
    value is the same on every row. Yields `(write, tail)`: `write` takes a block of lines of
    COPY text, and every line ends with `tail` (the constants and the line break).

    A thread of psycopg's sends a block while the next one is made, and the server stores it
    meanwhile. When the caller holds the table locked already (a big load that rebuilds its
    indexes), the constants become the columns' defaults for the length of the COPY instead
    of being sent and parsed on every row (a timestamp parsed a million times is a fifth of
    the server's work); the defaults go again before anything else runs, and a failure rolls
    them back with the rest of the transaction.
    """
    from psycopg import sql
    from psycopg.copy import QueuedLibpqWriter

    names = list(columns)
    tail = "\n"
    if not locked:
        names += list(constants)
        tail = "".join(f"\t{_copy_value(v)}" for v in constants.values()) + "\n"
    target = sql.Identifier(table)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if locked:
            raw.execute(
                sql.SQL("ALTER TABLE {} ").format(target)
                + sql.SQL(", ").join(
                    sql.SQL("ALTER COLUMN {} SET DEFAULT {}").format(
                        sql.Identifier(name), sql.Literal(value)
                    )
                    for name, value in constants.items()
                )
            )
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            target, sql.SQL(", ").join(map(sql.Identifier, names))
        )
        with raw.copy(statement, writer=QueuedLibpqWriter(raw)) as copy:
            yield copy.write, tail
        if locked:
            raw.execute(
                sql.SQL("ALTER TABLE {} ").format(target)
                + sql.SQL(", ").join(
                    sql.SQL("ALTER COLUMN {} DROP DEFAULT").format(sql.Identifier(name))
                    for name in constants
                )
            )


def _copy_value(value: Any) -> str:
    """A constant in COPY text (a datetime in ISO form)."""
    return copy_text(value.isoformat() if hasattr(value, "isoformat") else str(value))
