"""Revenue files: won deals, keyed by CRM id or fingerprint, written in bulk."""

from __future__ import annotations

import array
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from kam.clients.models import Client
from kam.imports import domain as d
from kam.imports.domain import ColumnMap, Problem
from kam.imports.kinds.base import BATCH, Context, Handler, Progress
from kam.portfolio.models import RevenueRecord
from kam.relations.services import feedback_task_after_deal

# New won deals this recent propose a feedback call; older history imports propose nothing.
FEEDBACK_DAYS = 30

# --- revenue -------------------------------------------------------------------------------


class RevenueHandler(Handler):
    """Revenue rows: won deals only (when the file has a stage), keyed by CRM id or fingerprint.

    Rows are kept as compact arrays (client ref, day, kopecks) so a million rows take tens of
    megabytes; they are written in batches with executemany (SQLite) or COPY (PostgreSQL).
    """

    def __init__(self, ctx: Context, cmap: ColumnMap) -> None:
        super().__init__(ctx, cmap)
        self.source = "import" if cmap.preset.value in ("generic", "auto") else cmap.preset.value
        self.refs = array.array("q")
        self.days = array.array("l")
        self.cents = array.array("q")
        self.ids: list[str | None] | None = [] if "external_id" in self.columns else None
        self.notes: list[str] | None = [] if self.columns.keys() & {"deal", "comment"} else None
        self.seen_ids: dict[str, int] = {}
        self._dates: dict[str, date | Problem] = {}
        self.recent_deals: dict[int, date] = {}  # client id → latest new deal in the window

    def _date(self, raw: str) -> date | Problem:
        found = self._dates.get(raw)
        if found is None:
            found = d.parse_date(raw)
            if len(self._dates) < 100_000:
                self._dates[raw] = found
        return found

    def row(self, number: int, cells: list[str]) -> None:
        if not self.check_width(number, cells):
            return
        columns = self.columns
        if "stage" in columns and not d.is_won(self.cell(cells, "stage")):
            self.ctx.summary.skipped += 1
            return
        ctx = self.ctx
        errors = ctx.error_count
        raw_day = self.cell(cells, "date")
        day = self._date(raw_day)
        if isinstance(day, Problem):
            self.fail(number, "date", raw_day, day)
        raw_amount = self.cell(cells, "amount")
        amount = d.parse_amount(raw_amount)
        if isinstance(amount, Problem):
            self.fail(number, "amount", raw_amount, amount)
        fallback = self.cell(cells, "full_name") if "full_name" in columns else ""
        ref = self.client(number, cells, fallback=fallback)
        manager = self.manager(number, cells) if "manager" in columns else ""
        if "currency" in columns:
            currency = self.cell(cells, "currency")
            if currency and not d.is_roubles(currency):
                self.fail(number, "currency", currency, Problem.of("currency"))
        external = None
        if self.ids is not None:
            external = self.parse(number, cells, "external_id", d.parse_external_id)
            if external is not None:
                first = self.seen_ids.get(external)
                if first is not None:
                    self.fail(
                        number, "external_id", external, Problem.of("duplicate_id", row=first)
                    )
                else:
                    self.seen_ids[external] = number
        if ctx.error_count != errors or ref is None:
            return
        if not isinstance(day, date) or not isinstance(amount, str):  # pragma: no cover
            return  # both were reported as errors above
        if manager:
            self.note_manager(ref, manager, day)
        self.refs.append(ref)
        self.days.append(day.toordinal())
        self.cents.append(int(amount.replace(".", "")))
        if self.ids is not None:
            self.ids.append(external)
        if self.notes is not None:
            self.notes.append((self.cell(cells, "deal") or self.cell(cells, "comment"))[:300])

    def _records(self, ids: dict[int, int]) -> Iterator[tuple[str, int, date, str, str]]:
        """(external id or fingerprint, client id, date, amount, note) for every kept row."""
        occurrences: dict[tuple[int, int, int], int] = {}
        for i in range(len(self.refs)):
            client = self.resolve(self.refs[i], ids) if ids else self.refs[i]
            day = date.fromordinal(self.days[i])
            cents = self.cents[i]
            amount = f"{'-' if cents < 0 else ''}{abs(cents) // 100}.{abs(cents) % 100:02d}"
            key = self.ids[i] if self.ids is not None else None
            if key is None:
                fingerprint = (client, self.days[i], cents)
                n = occurrences.get(fingerprint, 0)
                occurrences[fingerprint] = n + 1
                key = d.revenue_fingerprint(client, day, amount, n)
            note = self.notes[i] if self.notes is not None else ""
            yield key, client, day, amount, note

    def apply(self, *, write: bool, progress: Progress | None) -> None:
        ids: dict[int, int] = {}
        if write:
            ids = self.ctx.create_clients(self.ctx.create_users())
        elif self.ctx.new_clients:
            # A dry run cannot know the new clients' ids; their rows are all new anyway.
            ids = {n.ref: n.ref for n in self.ctx.new_clients}
        any_existing = RevenueRecord.objects.filter(source=self.source).exists()
        batch: list[tuple[str, int, date, str, str]] = []
        done = 0
        for record in self._records(ids):
            batch.append(record)
            if len(batch) >= BATCH:
                self._flush(batch, write=write, lookup=any_existing)
                done += len(batch)
                batch = []
                if progress is not None:
                    progress("write", done)
        if batch:
            self._flush(batch, write=write, lookup=any_existing)
            done += len(batch)
        if progress is not None:
            progress("write", done)
        if write and self.recent_deals:
            self._feedback_tasks()

    def _feedback_tasks(self) -> None:
        """A recent won deal proposes a feedback (NPS) call, as a manual deal does (SPEC §4)."""
        clients = Client.objects.filter(pk__in=list(self.recent_deals)).select_related("manager")
        for client in clients:
            feedback_task_after_deal(
                actor=self.ctx.actor, client=client, deal_date=self.recent_deals[client.pk]
            )

    def _flush(
        self, batch: list[tuple[str, int, date, str, str]], *, write: bool, lookup: bool
    ) -> None:
        summary = self.ctx.summary
        existing: dict[str, tuple[int, int, date, Decimal, str]] = {}
        if lookup:
            keys = [r[0] for r in batch]
            step = 900 if connection.vendor == "sqlite" else 5000
            for start in range(0, len(keys), step):
                rows = RevenueRecord.objects.filter(
                    source=self.source, external_id__in=keys[start : start + step]
                ).values_list("external_id", "id", "client_id", "date", "amount", "note")
                for ext, pk, client_id, old_day, old_amount, old_note in rows:
                    if ext is not None:
                        existing[ext] = (pk, client_id, old_day, old_amount, old_note)
        fresh: list[tuple[str, int, date, str, str]] = []
        changed: list[RevenueRecord] = []
        for key, client, day, amount, note in batch:
            old = existing.get(key)
            if old is None:
                fresh.append((key, client, day, amount, note))
                continue
            same = (old[1], old[2], old[3], old[4]) == (client, day, Decimal(amount), note)
            if same or (
                self.notes is None and (old[1], old[2], old[3]) == (client, day, Decimal(amount))
            ):
                summary.unchanged += 1
                continue
            summary.updated += 1
            record = RevenueRecord(id=old[0], client_id=client, date=day, amount=Decimal(amount))
            record.note = note if self.notes is not None else old[4]
            changed.append(record)
        summary.created += len(fresh)
        recent = timezone.localdate() - timedelta(days=FEEDBACK_DAYS)
        for _key, client, day, amount, _note in fresh:
            if day >= recent and not amount.startswith("-") and amount != "0.00":
                self.recent_deals[client] = max(day, self.recent_deals.get(client, day))
        if write and fresh:
            _insert_revenue(fresh, self.source)
        if write and changed:
            RevenueRecord.objects.bulk_update(changed, ["client_id", "date", "amount", "note"])


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: str) -> str:
    """A value in PostgreSQL COPY text format (backslash, tab and line breaks escaped)."""
    return value.translate(_COPY_ESCAPES) if value else value


def _insert_revenue(rows: list[tuple[str, int, date, str, str]], source: str) -> None:
    """Insert new revenue rows the fastest way the database offers (the rows are checked)."""
    now = timezone.now()
    table = RevenueRecord._meta.db_table
    columns = "client_id, date, amount, source, external_id, note, created_at"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY's text format, written in one block: the values are checked already, and
            # formatting them here is cheaper than adapting them cell by cell.
            tail = f"\t{_copy_text(source)}\t"
            stamp = f"\t{now.isoformat()}\n"
            block = "".join(
                f"{client}\t{day.isoformat()}\t{amount}{tail}{_copy_text(key)}\t"
                f"{_copy_text(note)}{stamp}"
                for key, client, day, amount, note in rows
            )
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                copy.write(block)
        else:
            stamp = now.isoformat()
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s)",  # noqa: S608
                [
                    (client, day.isoformat(), amount, source, key, note, stamp)
                    for key, client, day, amount, note in rows
                ],
            )
