"""SQLite's foreign keys during a big load: checked once at the end instead of row by row.

SQLite checks a foreign key on every inserted row (a B-tree search in the parent table: two
per deal, one per revenue row — a second or two per million rows). For a big load into a
nearly empty table (the same loads that build their indexes afterwards, see
`revenue._bulk_write`) the connection's enforcement is turned off for the import's
transaction — SQLite allows that only outside a transaction, so it wraps it — and every
foreign key of the database is checked once inside the transaction, after the writes and
before the commit: a row pointing nowhere (a client deleted meanwhile) fails the import, which
then writes nothing, exactly as the row-by-row check would. This is the pattern Django's own
`loaddata` follows. Enforcement is back on when the transaction ends, however it ends.

Inside an enclosing transaction (tests, a caller's atomic block) SQLite keeps enforcing and
nothing changes. PostgreSQL is not concerned (its bulk load drops and re-adds the keys).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from django.db import IntegrityError, connection
from django.db.models import Model

# The size from which a load into a table holding fewer rows checks its keys at the end.
BULK_ROWS = 100_000


@contextmanager
def bulk_session(rows: int, models: Sequence[type[Model]]) -> Iterator[Callable[[], None]]:
    """Around the import's transaction: yields `verify`, to call inside the transaction after
    the writes (it raises IntegrityError when a row points nowhere)."""
    off = False
    if (
        connection.vendor == "sqlite"
        and models
        and rows >= BULK_ROWS
        and not connection.in_atomic_block
        and models[0]._default_manager.count() < rows
    ):
        off = connection.disable_constraint_checking()

    def verify() -> None:
        if off:
            check_foreign_keys()

    try:
        yield verify
    finally:
        if off:
            connection.enable_constraint_checking()


def check_foreign_keys() -> None:
    """Every foreign key of every table holds (SQLite): for each key column, its distinct
    values (read from the column's index) all exist in the parent table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        tables = [str(name) for (name,) in cursor.fetchall()]
        for table in tables:
            cursor.execute(f'PRAGMA foreign_key_list("{table}")')
            keys: dict[int, list[tuple[str, str, str | None]]] = {}
            for key_id, _seq, parent, column, to, *_rest in cursor.fetchall():
                keys.setdefault(int(key_id), []).append((str(parent), str(column), to))
            for parts in keys.values():
                if len(parts) != 1:  # a composite key (KAM has none): SQLite's own check
                    cursor.execute(f'PRAGMA foreign_key_check("{table}")')
                    bad = cursor.fetchone()
                else:
                    parent, column, to = parts[0]
                    target = f'"{to}"' if to else "rowid"
                    cursor.execute(
                        f'SELECT f."{column}" FROM (SELECT DISTINCT "{column}" FROM "{table}"'  # noqa: S608
                        f' WHERE "{column}" IS NOT NULL) AS f WHERE NOT EXISTS'
                        f' (SELECT 1 FROM "{parent}" AS p WHERE p.{target} = f."{column}")'
                        " LIMIT 1"
                    )
                    bad = cursor.fetchone()
                if bad is not None:
                    raise IntegrityError(
                        f"{table}: a row refers to a missing {parts[0][0]} ({bad[0]!r})"
                    )
