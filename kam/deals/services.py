"""Writes of deals: imported deals with their stage history, the stage map, reference ranges."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import DateField, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from kam.accounts.access import can_manage_users
from kam.accounts.models import User
from kam.core.bulk import pg_copy, sql_literal, sqlite_insert
from kam.deals import domain
from kam.deals.domain import Step
from kam.deals.models import Deal, DealStageChange, StageMapping
from kam.deals.selectors import logged_meetings


@dataclass(slots=True)
class DealRecord:
    """A checked deal of an import, with its client and manager resolved to ids."""

    key: str
    client_id: int
    manager_id: int
    title: str
    amount: Decimal | None
    created: date
    closed: date | None
    stage: str
    step: Step
    source: str
    source_text: str
    loss_reason: str
    changed_on: date  # when a stage change seen now is recorded as having happened


@dataclass
class UpsertCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    stage_changes: int = 0
    # For the undo of the import: the updated deals as they were ([id, *_COLUMNS values],
    # JSON-ready) and the ids of the stage history rows written.
    replaced: list[list[Any]] = field(default_factory=list)
    history_ids: list[int] = field(default_factory=list)


def _reach(step: Step) -> int:
    return domain.STEP_RANK[step]


DEAL_COLUMNS = _COLUMNS = (
    "client_id",
    "manager_id",
    "title",
    "amount",
    "created",
    "closed",
    "stage",
    "step",
    "status",
    "reached",
    "source",
    "source_text",
    "loss_reason",
)


@transaction.atomic
def deals_upsert(
    *,
    records: Sequence[DealRecord],
    source_system: str,
    write: bool,
    lookup: bool = True,
    stamp: datetime | None = None,
    meetings: MeetingDates | None = None,
) -> UpsertCounts:
    """Create new deals, update known ones by CRM id, and record every stage change seen.

    A re-import never lowers `reached`: a deal KAM once saw at a meeting keeps that, even when
    the newer export shows it lost. Unchanged deals are not written at all. Known deals are
    read as plain tuples and new ones inserted in one statement per batch, so a million-row
    file does not become a million model objects.

    `lookup=False` (the CRM has no deal in KAM yet) skips looking the keys up; new deals get
    `stamp` as their `updated_at`, by which the undo of the import finds them.

    Every deal written gets its first meeting logged during its life (`met_on`) from the
    contact log; `meetings`, shared by the batches of one import, reads each client's once.
    """
    counts = UpsertCounts()
    existing: dict[str, tuple[Any, ...]] = {}
    keys = [r.key for r in records]
    step = 900 if connection.vendor == "sqlite" else 5000
    for start in range(0, len(keys) if lookup else 0, step):
        rows = Deal.objects.filter(
            source_system=source_system, external_id__in=keys[start : start + step]
        ).values_list("external_id", "id", *_COLUMNS, "updated_at", "met_on")
        for row in rows:
            existing[row[0]] = row[1:]
    dates = (meetings or MeetingDates()).of({r.client_id for r in records})
    fresh: list[tuple[Any, ...]] = []
    changed: list[Deal] = []
    history: list[DealStageChange] = []
    for record in records:
        status = domain.status_of(record.step)
        old = existing.get(record.key)
        reached = _reach(record.step) if old is None else max(old[10], _reach(record.step))
        values = (
            record.client_id,
            record.manager_id,
            record.title,
            record.amount,
            record.created,
            record.closed,
            record.stage,
            record.step.value,
            status,
            reached,
            record.source,
            record.source_text,
            record.loss_reason,
        )
        logged = dates.get(record.client_id, ())
        met_on = domain.first_meeting(logged, record.created, record.closed)
        if old is None:
            fresh.append((*values, record.key, met_on))
            continue
        if old[1:-2] == values:
            counts.unchanged += 1
            continue
        deal = Deal(
            pk=old[0],
            source_system=source_system,
            external_id=record.key,
            updated_at=timezone.now(),
            met_on=met_on,
        )
        for name, value in zip(_COLUMNS, values, strict=True):
            setattr(deal, name, value)
        if domain.fold(old[7]) != domain.fold(record.stage):
            history.append(
                DealStageChange(
                    deal=deal,
                    date=record.closed if status != "open" and record.closed else record.changed_on,
                    stage_from=old[7],
                    stage_to=record.stage,
                    step=record.step.value,
                    status=status,
                )
            )
        changed.append(deal)
        if write:
            counts.replaced.append([old[0], *(_json_value(v) for v in old[1:-1])])  # + updated_at
    counts.created = len(fresh)
    counts.updated = len(changed)
    counts.stage_changes = len(history)
    if write:
        _insert(fresh, source_system, stamp or timezone.now())
        if changed:
            Deal.objects.bulk_update(changed, [*_COLUMNS, "updated_at", "met_on"], batch_size=1000)
        made = DealStageChange.objects.bulk_create(history, batch_size=1000)
        counts.history_ids = [c.pk for c in made if c.pk is not None]
    return counts


def _json_value(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _insert(rows: list[tuple[Any, ...]], source_system: str, now: datetime) -> None:
    """Insert checked new deals (typed values) through `deals_insert_new`, which takes the
    amount and the dates as text."""
    deals_insert_new(
        [
            (
                *row[:3],
                None if row[3] is None else str(row[3]),
                row[4].isoformat(),
                None if row[5] is None else row[5].isoformat(),
                *row[6:-1],
                None if row[-1] is None else row[-1].isoformat(),
            )
            for row in rows
        ],
        source_system=source_system,
        stamp=now,
    )


def deals_insert_new(
    rows: Sequence[tuple[Any, ...]], *, source_system: str, stamp: datetime
) -> None:
    """Insert deals an import checked and found new: each row the values of DEAL_COLUMNS, then
    the external id and `met_on`, with the dates as ISO text and the amount as text (or, on
    SQLite, the number the column stores for it: its numeric affinity turns "1234.50" into
    1234.5 anyway). SQLite gets a thousand rows per INSERT statement, the two constant
    columns as literals (`sqlite_insert`); PostgreSQL one COPY. `stamp` is their
    `updated_at`, by which the undo of the import finds them."""
    if not rows:
        return
    table = Deal._meta.db_table
    columns = ", ".join([*_COLUMNS, "external_id", "met_on", "source_system", "updated_at"])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, source_system, stamp))
        else:
            adapted = str(connection.ops.adapt_datetimefield_value(stamp))
            literals = ", ".join(sql_literal(v) for v in (source_system, adapted))
            sqlite_insert(cursor, table, columns, len(_COLUMNS) + 2, literals, rows)


# The columns of a deal that a part of an import row gives: its stage and dates, its source.
WHEN_COLUMNS = ("created", "closed", "stage", "step", "status", "reached")
WHAT_COLUMNS = ("source", "source_text", "loss_reason")


@contextmanager
def deals_insert_by_parts(
    whens: Sequence[Sequence[Any]],
    whats: Sequence[Sequence[Any]],
    *,
    source_system: str,
    stamp: datetime,
) -> Iterator[Callable[[Sequence[tuple[Any, ...]]], None]]:
    """SQLite: insert new deals whose stage-and-dates columns (WHEN_COLUMNS) and source
    columns (WHAT_COLUMNS) are among the few `whens` and `whats` an import file repeats.
    Yields `insert(rows)`, each row (client id, manager id, title, amount, index into
    `whens`, index into `whats`, external id, met_on) in `deals_insert_new`'s forms.

    The parts go to two temporary tables once, and each statement joins them to its
    thousand rows: half the values bound per deal (binding them is most of the insert)."""
    table = Deal._meta.db_table
    with connection.cursor() as cursor:
        # The parts are read once per row: their pages stay in memory (the temporary
        # database's own cache is 2 MB, and a page read from its file costs a system call).
        cursor.execute("PRAGMA temp.cache_size")
        cache = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA temp.cache_size = -65536")
        cursor.execute("DROP TABLE IF EXISTS temp.kam_deal_when")
        cursor.execute("DROP TABLE IF EXISTS temp.kam_deal_what")
        cursor.execute(
            "CREATE TEMP TABLE kam_deal_when (id INTEGER PRIMARY KEY, "
            + ", ".join(WHEN_COLUMNS)
            + ")"
        )
        cursor.execute(
            "CREATE TEMP TABLE kam_deal_what (id INTEGER PRIMARY KEY, "
            + ", ".join(WHAT_COLUMNS)
            + ")"
        )
        cursor.executemany(
            "INSERT INTO temp.kam_deal_when VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [(k, *when) for k, when in enumerate(whens)],
        )
        cursor.executemany(
            "INSERT INTO temp.kam_deal_what VALUES (%s, %s, %s, %s)",
            [(k, *what) for k, what in enumerate(whats)],
        )
        adapted = str(connection.ops.adapt_datetimefield_value(stamp))
        constants = ", ".join(sql_literal(v) for v in (source_system, adapted))
        columns = ", ".join(
            ["client_id", "manager_id", "title", "amount", *WHEN_COLUMNS, *WHAT_COLUMNS,
             "external_id", "met_on", "source_system", "updated_at"]
        )  # fmt: skip
        # Column names are this module's constants; the two values are SQL literals.
        select = (
            "SELECT v.column1, v.column2, v.column3, v.column4, "  # noqa: S608
            + ", ".join(f"w.{c}" for c in WHEN_COLUMNS)
            + ", "
            + ", ".join(f"x.{c}" for c in WHAT_COLUMNS)
            + f", v.column7, v.column8, {constants} FROM <rows>"
            " CROSS JOIN temp.kam_deal_when AS w CROSS JOIN temp.kam_deal_what AS x"
            " WHERE w.id = v.column5 AND x.id = v.column6"
        )

        def insert(rows: Sequence[tuple[Any, ...]]) -> None:
            sqlite_insert(cursor, table, columns, 8, "", rows, select=select)

        try:
            yield insert
        finally:
            cursor.execute("DROP TABLE IF EXISTS temp.kam_deal_when")
            cursor.execute("DROP TABLE IF EXISTS temp.kam_deal_what")
            cursor.execute(f"PRAGMA temp.cache_size = {cache}")


@contextmanager
def deals_copy_new(
    source_system: str, stamp: datetime, *, locked: bool = False
) -> Iterator[tuple[Callable[[list[str]], None], str]]:
    """PostgreSQL: one COPY for the new deals of an import, fed in blocks. Yields `(send,
    tail)`: `send` takes lines of COPY text, each the values of DEAL_COLUMNS, the external id
    and `met_on` (tab-separated, NULL as \\N) followed by `tail`, which holds the columns
    every new deal of the import shares (its CRM, `updated_at`) and the line break. A big
    load that holds the table locked sends neither (`kam.core.bulk.pg_copy`)."""
    columns = (*_COLUMNS, "external_id", "met_on")
    constants = {"source_system": source_system, "updated_at": stamp}
    with pg_copy(Deal._meta.db_table, columns, constants, locked=locked) as (write, tail):

        def send(lines: list[str]) -> None:
            write("".join(lines))

        yield send, tail


# --- meetings logged in the contact log during a deal's life ----------------------------------


class MeetingDates:
    """Client id → the dates of its logged meetings and visits, ascending, read from the
    contact log once per client: an import passes one to every batch of `deals_upsert`, so a
    million deals of the same clients do not read the log again and again."""

    def __init__(self) -> None:
        self.dates: dict[int, list[date]] = {}
        self._none: bool | None = None  # no logged meeting at all (a CRM's first load)

    def of(self, client_ids: Collection[int]) -> dict[int, list[date]]:
        wanted = sorted(c for c in client_ids if c > 0 and c not in self.dates)
        if self._none is None:
            self._none = not logged_meetings().exists()
        if not wanted or self._none:
            return self.dates
        step = 900 if connection.vendor == "sqlite" else 5000
        for start in range(0, len(wanted), step):
            chunk = wanted[start : start + step]
            for client_id in chunk:
                self.dates[client_id] = []
            rows = (
                logged_meetings()
                .filter(client_id__in=chunk)
                .order_by("client_id", "date")
                .values_list("client_id", "date")
            )
            for client_id, day in rows:
                self.dates[client_id].append(day)
        return self.dates


def _first_meeting() -> Subquery:
    """SQL of `domain.first_meeting` for the deal of the outer query."""
    until = Coalesce(OuterRef("closed"), Value(date.max), output_field=DateField())
    return Subquery(
        logged_meetings()
        .filter(client_id=OuterRef("client_id"), date__gte=OuterRef("created"), date__lte=until)
        .order_by("date")
        .values("date")[:1]
    )


@transaction.atomic
def deal_meetings_refresh(
    *, client_ids: Iterable[int] | None = None, deal_ids: Iterable[int] | None = None
) -> int:
    """Set `Deal.met_on` right for the deals of these clients, or these deals (every deal when
    neither is given: the repair), after a write that may have changed it: a contact logged,
    completed, corrected or deleted, an activity import or its undo, a deal put back. Writes
    only the deals whose stored date is wrong and returns how many there were."""
    scopes: list[Q]
    if client_ids is None and deal_ids is None:
        scopes = [Q()]
    else:
        step = 900 if connection.vendor == "sqlite" else 5000
        clients, deals = sorted(set(client_ids or ())), sorted(set(deal_ids or ()))
        scopes = [Q(client_id__in=clients[i : i + step]) for i in range(0, len(clients), step)]
        scopes += [Q(pk__in=deals[i : i + step]) for i in range(0, len(deals), step)]
    fixed = 0
    for scope in scopes:
        # Both sides with a stand-in for "none", so the log is searched once per deal.
        stale = (
            Deal.objects.filter(scope)
            .annotate(
                have=Coalesce("met_on", Value(date.min)),
                want=Coalesce(_first_meeting(), Value(date.min)),
            )
            .exclude(have=F("want"))
            .values("pk")
        )
        fixed += Deal.objects.filter(pk__in=Subquery(stale)).update(met_on=_first_meeting())
    return fixed


def on_contact_log_changed(*, client_ids: Iterable[int], **_: Any) -> None:
    """The contact log of these clients changed (relations' `contact_log_changed`)."""
    deal_meetings_refresh(client_ids=client_ids)


# --- the stage map -------------------------------------------------------------------------


@transaction.atomic
def stage_mapping_set(*, actor: User, names: Mapping[str, str], crm: str = "") -> int:
    """Map CRM stage names to funnel steps (new names added, known ones changed); admins only."""
    if not can_manage_users(actor):
        raise PermissionDenied
    done = 0
    for name, step in names.items():
        folded = domain.fold(name)
        if not folded:
            continue
        if step not in {s.value for s in Step}:
            raise ValidationError({"step": f"{step!r}"})
        StageMapping.objects.update_or_create(
            folded=folded, defaults={"name": name.strip()[:200], "step": step, "crm": crm}
        )
        done += 1
    return done
