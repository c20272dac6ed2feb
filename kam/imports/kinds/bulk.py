"""Bulk writes of the imports: SQLite's foreign keys during a big load (checked once at the
end instead of row by row), and new rows with their history inserted without model objects
(`insert_with_history`).

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

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Field, Model
from django.utils import timezone

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


def insert_with_history(
    model: type[Model], rows: Sequence[Mapping[str, Any]], *, history_user: Model | None
) -> list[int]:
    """Insert new rows of `model` (attname → value; a field left out gets its default) and
    their "+" history rows, with one executemany (SQLite) or one COPY (PostgreSQL) each: the
    rows `bulk_create_with_history` writes, without a model object per row. Returns the new
    ids, in the order of `rows`.

    The ids are taken before the insert (the table's sequence on PostgreSQL; after the
    largest id ever given on SQLite, whose writer holds the database's lock for the whole
    transaction), so every row is inserted with its id and its history row names it.
    `auto_now`/`auto_now_add` fields and the history date get one timestamp for the batch.
    """
    if not rows:
        return []
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    values: list[list[Any]] = []
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            column = [now] * len(rows)
        elif callable(field.default):
            column = [r[field.attname] if field.attname in r else field.get_default() for r in rows]
        else:
            default = field.get_default()  # as a model object gets it ("" for text)
            column = [r.get(field.attname, default) for r in rows]
        values.append(_prepared(field, column))
    table = model._meta.db_table
    columns = [str(model._meta.pk.column), *(str(f.column) for f in fields)]
    with transaction.atomic():  # the ids taken and used in one transaction (SQLite's lock)
        ids = _new_ids(model, len(rows))
        records = list(zip(ids, *values, strict=True))
        _insert(table, columns, records)
        _insert_history(model, fields, records, history_user, now)
    return ids


def _insert_history(
    model: type[Model],
    fields: list[Field[Any, Any]],
    records: list[tuple[Any, ...]],
    history_user: Model | None,
    now: datetime,
) -> None:
    """The "+" history rows of new rows (their id first, then `fields`), when tracked."""
    history = getattr(model, "history", None)
    if history is None or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    historical = history.model
    by_name = {f.attname: i + 1 for i, f in enumerate(fields)}
    tracked = [f.attname for f in historical.tracked_fields]
    user = history_user.pk if history_user is not None else None
    if user is None:
        # As simple-history asks when no user is given (the request's user, if any).
        default_user = historical.get_default_history_user(None)
        user = default_user.pk if default_user is not None else None
    date_field = historical._meta.get_field("history_date")
    stamp = date_field.get_db_prep_save(now, connection)
    picks = [0 if name == model._meta.pk.attname else by_name[name] for name in tracked]
    history_columns = [
        *(historical._meta.get_field(name).column for name in tracked),
        "history_date",
        "history_change_reason",
        "history_type",
        "history_user_id",
    ]
    _insert(
        historical._meta.db_table,
        history_columns,
        [(*(record[i] for i in picks), stamp, None, "+", user) for record in records],
    )


def _prepared(field: Field[Any, Any], column: list[Any]) -> list[Any]:
    """The values of one field as the database takes them (each distinct one prepared once)."""
    done: dict[Any, Any] = {}
    out = []
    for value in column:
        try:
            prepared = done[value]
        except KeyError:
            prepared = done[value] = field.get_db_prep_save(value, connection)
        except TypeError:  # not hashable
            prepared = field.get_db_prep_save(value, connection)
        out.append(prepared)
    return out


def _new_ids(model: type[Model], count: int) -> list[int]:
    """`count` ids for new rows of `model`, never given before."""
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            return [int(row[0]) for row in cursor.fetchall()]
        cursor.execute(
            f'SELECT max(coalesce((SELECT max("{pk}") FROM "{table}"), 0),'  # noqa: S608
            " coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
            [table],
        )
        last = int(cursor.fetchone()[0])
    return list(range(last + 1, last + 1 + count))


def _insert(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    names = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)  # noqa: S608
