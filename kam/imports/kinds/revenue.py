"""Revenue files: won deals, keyed by CRM id or fingerprint, written in bulk."""

from __future__ import annotations

import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import islice, repeat
from typing import Any, cast

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from kam.clients.models import Client
from kam.core.bulk import copy_text, pg_copy, sql_literal, sqlite_insert
from kam.imports import domain as d
from kam.imports import presets
from kam.imports.domain import ColumnMap, Problem
from kam.imports.kinds.base import BATCH, Context, Handler, Progress
from kam.portfolio.models import RevenueRecord
from kam.relations.services import feedback_task_after_deal

# New won deals this recent propose a feedback call; older history imports propose nothing.
FEEDBACK_DAYS = 30

# --- revenue -------------------------------------------------------------------------------


class _Rows(Sequence[tuple[int, int, int, str]]):
    """The kept rows as (client id, day ordinal, kopecks, note), read from the handler's
    arrays on the fly."""

    def __init__(
        self,
        refs: array.array[int],
        days: array.array[int],
        cents: array.array[int],
        notes: list[str] | None,
        ids: dict[int, int],
    ) -> None:
        self.refs, self.days, self.cents, self.notes, self.ids = refs, days, cents, notes, ids

    def __len__(self) -> int:
        return len(self.refs)

    def __getitem__(self, i: int) -> tuple[int, int, int, str]:  # type: ignore[override]
        ref = self.refs[i]
        client = self.ids[ref] if ref < 0 else ref
        return client, self.days[i], self.cents[i], self.notes[i] if self.notes else ""

    def __iter__(self) -> Iterator[tuple[int, int, int, str]]:
        ids = self.ids
        clients = (ids[r] if r < 0 else r for r in self.refs) if ids else iter(self.refs)
        notes = self.notes if self.notes is not None else repeat("")
        return zip(clients, self.days, self.cents, notes, strict=False)


class RevenueHandler(Handler):
    """Revenue rows: won deals only (when the file has a stage), keyed by CRM id or fingerprint.

    Rows are kept as compact arrays (client ref, day, kopecks) so a million rows take tens of
    megabytes; they are written in batches with executemany (SQLite) or COPY (PostgreSQL).
    """

    bulk_models = (RevenueRecord,)

    def __init__(self, ctx: Context, cmap: ColumnMap) -> None:
        super().__init__(ctx, cmap)
        self.source = "import" if cmap.preset.value in ("generic", "auto") else cmap.preset.value
        self.refs = array.array("q")
        self.days = array.array("l")
        self.cents = array.array("q")
        self.ids: list[str | None] | None = [] if "external_id" in self.columns else None
        self.notes: list[str] | None = [] if self.columns.keys() & {"deal", "comment"} else None
        self.seen_ids: dict[str, int] = {}
        self.recent_deals: dict[int, date] = {}  # client id → latest new deal in the window
        self.today = timezone.localdate()
        # One line per product of a deal (Bitrix24 with product columns): lines of one deal
        # id add up to the deal; without product columns a repeated id is an error.
        self.lines = self.ids is not None and any(
            f in self.columns for f in presets.BITRIX24.product_fields
        )
        self.line_index: dict[str, int] = {}
        self._date_i = self.columns.get("date", 1 << 30)
        both = "deal" in self.columns and "comment" in self.columns
        self._note_i = -1 if both else self.columns.get("deal", self.columns.get("comment", -1))
        # A plain file (client, date, amount and at most one note column): its ordinary rows
        # go through `_quick`, and only rows it is unsure about through the full check.
        plain = {"client", "date", "amount"}
        self._quick_ok = (
            self._by_name_only
            and plain <= self.columns.keys() <= plain | {"deal", "comment"}
            and not both
        )
        self._client_i = self.columns.get("client", -1)
        self._amount_i = self.columns.get("amount", -1)
        self.stages_seen: dict[str, tuple[int, str]] = {}  # folded → (first row, as written)
        self.unknown_stages: list[str] = []
        self.won = 0

    def _stage_won(self, number: int, cells: list[str]) -> bool | None:
        """Whether the row's deal is won: True, False, or None for a stage KAM does not know."""
        raw = self.cell(cells, "stage")
        folded = presets.fold_stage(raw)
        step = self.ctx.stage_map.get(folded)
        if folded not in self.stages_seen and len(self.stages_seen) < 200:
            self.stages_seen[folded] = (number, raw)
            if step is None:
                self.unknown_stages.append(folded)
        if step is None:
            return None
        return step == "won"

    def _amount(self, number: int, cells: list[str]) -> str | None:
        raw = self.cell(cells, "amount")
        if raw and not raw[-1].isdigit():
            text, currency = d.split_currency(raw)
            if currency and not d.is_roubles(currency):
                self.fail(number, "amount", raw, Problem.of("currency"))
                return None
        else:
            text = raw
        amount = d.parse_amount(text)
        if isinstance(amount, Problem):
            self.fail(number, "amount", raw, amount)
            return None
        return amount

    def _quick(self, cells: list[str]) -> bool:
        """Take an ordinary row of a plain file: a date already seen and valid, a plain amount
        ("1 234 567,89"), a client already found on an earlier row. Anything else (and every
        first occurrence) returns False having changed nothing, and `row` checks it in full:
        the same outcome as the full check for the rows taken, and its errors for the rest."""
        if len(cells) != self.width:
            return False
        day = self._dates.get(cells[self._date_i].strip())
        if day is None or day.__class__ is not date or day > self.today:
            return False
        plain = d.PLAIN_AMOUNT.fullmatch(cells[self._amount_i].strip())
        if plain is None:
            return False
        whole = plain[1].replace(" ", "")
        if not whole.isdigit():
            whole = whole.replace("\u00a0", "").replace("\u202f", "")
        whole = whole.lstrip("0") or "0"
        if len(whole) > d.MAX_AMOUNT_DIGITS:
            return False
        name = cells[self._client_i].strip()
        ref = self._client_cache.get(name) if name[:1] != "'" else None
        if ref is None:
            return False
        self.won += 1
        self.refs.append(ref)
        self.days.append(day.toordinal())
        self.cents.append(int(whole + ((plain[2] or "") + "00")[:2]))
        if self.notes is not None:
            note = cells[self._note_i].strip()
            if note[:1] == "'":
                note = d.clean_text(note)
            self.notes.append(note[:300])
        return True

    def check_rows(self, chunk: list[tuple[int, list[str]]]) -> None:
        """A chunk of rows: `_quick` written out in one loop over the chunk (the same tests in
        the same order), every row it does not take checked in full by `_check`."""
        if not self._quick_ok:
            super().check_rows(chunk)
            return
        width, date_i, amount_i, client_i = self.width, self._date_i, self._amount_i, self._client_i
        note_i = self._note_i if self.notes is not None else -1
        dates, clients, today = self._dates, self._client_cache, self.today
        plain_amount, max_digits = d.PLAIN_AMOUNT.fullmatch, d.MAX_AMOUNT_DIGITS
        add_ref, add_day, add_cents = self.refs.append, self.days.append, self.cents.append
        add_note = self.notes.append if self.notes is not None else None
        clean, check = d.clean_text, self._check
        taken = 0
        for number, cells in chunk:
            if len(cells) == width:
                day = dates.get(cells[date_i].strip())
                if day is not None and day.__class__ is date and day <= today:
                    plain = plain_amount(cells[amount_i].strip())
                    if plain is not None:
                        # The digits of the whole part: PLAIN_AMOUNT lets only a space, a
                        # no-break space and a narrow one separate them (three replaces cost
                        # less than a translate).
                        whole = plain[1].replace(" ", "")
                        if not whole.isdigit():
                            whole = whole.replace("\u00a0", "").replace("\u202f", "")
                        whole = whole.lstrip("0") or "0"
                        name = cells[client_i].strip()
                        if len(whole) <= max_digits and name[:1] != "'":
                            ref = clients.get(name)
                            if ref is not None:
                                taken += 1
                                add_ref(ref)
                                add_day(day.toordinal())
                                add_cents(int(whole + ((plain[2] or "") + "00")[:2]))
                                if add_note is not None:
                                    note = cells[note_i].strip()
                                    if note[:1] == "'":
                                        note = clean(note)
                                    add_note(note[:300])
                                continue
            check(number, cells)
        self.won += taken

    def row(self, number: int, cells: list[str]) -> None:
        if self._quick_ok and self._quick(cells):
            return
        self._check(number, cells)

    def _check(self, number: int, cells: list[str]) -> None:
        """The full check of a row."""
        if not self.check_width(number, cells):
            return
        columns = self.columns
        if "stage" in columns:
            won = self._stage_won(number, cells)
            if won is None:
                return  # reported once per stage name by finish()
            if not won:
                self.ctx.summary.skipped += 1
                return
        ctx = self.ctx
        errors = ctx.error_count
        raw_day = cells[self._date_i].strip() if self._date_i < len(cells) else ""
        if raw_day[:1] == "'":
            raw_day = d.clean_text(raw_day)
        day = self.date_of(raw_day)
        if isinstance(day, Problem):
            self.fail(number, "date", raw_day, day)
        elif day > self.today and not ctx.allow_future:
            self.fail(number, "date", raw_day, Problem.of("future_revenue"))
        amount = self._amount(number, cells)
        fallback = self.cell(cells, "full_name") if "full_name" in columns else ""
        ref = self.client(number, cells, fallback=fallback)
        manager = self.manager(number, cells) if "manager" in columns else ""
        if "currency" in columns:
            currency = self.cell(cells, "currency")
            if currency and not d.is_roubles(currency):
                self.fail(number, "currency", currency, Problem.of("currency"))
        external = None
        line_of = None
        if self.ids is not None:
            external = self.parse(number, cells, "external_id", d.parse_external_id)
            if external is not None:
                first = self.seen_ids.get(external)
                if first is not None and self.lines:
                    line_of = self.line_index.get(external)
                elif first is not None:
                    self.fail(
                        number, "external_id", external, Problem.of("duplicate_id", row=first)
                    )
                else:
                    self.seen_ids[external] = number
        if ctx.error_count != errors or ref is None:
            return
        if not isinstance(day, date) or amount is None:  # pragma: no cover
            return  # both were reported as errors above
        self.won += 1
        cents = int(amount.replace(".", ""))
        if line_of is not None:
            self.cents[line_of] += cents  # another product line of the same deal
            return
        if external is not None and self.lines:
            self.line_index[external] = len(self.refs)
        if manager:
            self.note_manager(ref, manager, day)
        self.refs.append(ref)
        self.days.append(day.toordinal())
        self.cents.append(cents)
        if self.ids is not None:
            self.ids.append(external)
        if self.notes is not None:
            if self._note_i >= 0:  # one note column: read it directly
                note = cells[self._note_i].strip() if self._note_i < len(cells) else ""
                if note[:1] == "'":
                    note = d.clean_text(note)
            else:
                note = self.cell(cells, "deal") or self.cell(cells, "comment")
            self.notes.append(note[:300])

    def finish(self) -> None:
        """Stage names KAM does not know refuse the file, each named once with the list of
        every stage found; a file with stages but no won deal gets a warning."""
        if self.unknown_stages:
            found = ", ".join(raw or "—" for _row, raw in self.stages_seen.values())
            header = self.cmap.header_of("stage")
            for folded in self.unknown_stages:
                row, raw = self.stages_seen[folded]
                self.ctx.error(row, header, raw, Problem.of("stage_unknown", found=found))
        elif "stage" in self.columns and self.won == 0 and self.ctx.error_count == 0:
            self.ctx.summary.warnings.append("no_won")

    def bulk_rows(self) -> int:
        return len(self.refs)

    def _records(self, ids: dict[int, int]) -> Iterator[tuple[str, int, date, str, str]]:
        """(external id or fingerprint, client id, date, amount, note) for every kept row."""
        occurrences: dict[tuple[int, int, int], int] = {}
        for i in range(len(self.refs)):
            client = self.resolve(self.refs[i], ids) if ids else self.refs[i]
            day = date.fromordinal(self.days[i])
            cents = self.cents[i]
            amount = _money(cents)
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
        self.stamp = timezone.now()
        with _bulk_write(len(self.refs) if write else 0) as rebuilt:
            self.rebuilt = rebuilt
            if self.ids is None:
                self._apply_period(ids, write=write, progress=progress)
            else:
                self._apply_keyed(ids, write=write, progress=progress)
        if write:
            self.ctx.written["revenue"] = {
                "source": self.source,
                "stamp": self.stamp.isoformat(),
                "count": self.ctx.summary.created,
            }
        if write and self.recent_deals:
            self._feedback_tasks()

    def _apply_keyed(self, ids: dict[int, int], *, write: bool, progress: Progress | None) -> None:
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

    def _apply_period(self, ids: dict[int, int], *, write: bool, progress: Progress | None) -> None:
        """The identity rule of a file without CRM ids: the file is the unit.

        The file covers the days from its first to its last date; after the import the
        source's rows without ids in that period are exactly the file's rows. A row equal to
        one KAM has (client, date, amount; as many times as the file has it) stays as it is,
        a changed note is updated, rows only the file has are created and rows only KAM has
        are deleted. A corrected amount therefore replaces the old row, and two genuine
        sales with the same client, day and amount stay two rows. The preview lists the
        changes before anything is written.
        """
        summary = self.ctx.summary
        if not self.refs:
            return
        first, last = min(self.days), max(self.days)
        lo, hi = date.fromordinal(first), date.fromordinal(last)
        pool: dict[tuple[int, int, int], list[tuple[int, str, str]]] = {}
        for pk, client_id, old_day, old_cents, old_note, old_key in _fingerprinted(
            self.source, lo, hi
        ):
            pool.setdefault((client_id, old_day, old_cents), []).append((pk, old_note, old_key))
        fresh: Sequence[tuple[int, int, int, str]] = []
        changed: list[tuple[int, str, str]] = []  # (pk, new note, old note)
        kept: list[str] = []
        notes = self.notes
        if not pool:
            # Nothing of this source in the period (a first import): every row is new, read
            # straight from the compact arrays (no list of a million tuples).
            fresh = _Rows(self.refs, self.days, self.cents, notes, ids)
        else:
            unchanged = 0
            add_fresh = fresh.append  # type: ignore[attr-defined]
            for client, ordinal, cents, note in _Rows(self.refs, self.days, self.cents, notes, ids):
                olds = pool.get((client, ordinal, cents))
                if not olds:
                    add_fresh((client, ordinal, cents, note))
                    continue
                # The first old row with the same note, else the last one.
                head = olds[0]
                if len(olds) == 1 or head[1] == note:
                    del olds[0]
                    old_pk, kept_note, kept_key = head
                else:
                    pick = next((j for j, o in enumerate(olds) if o[1] == note), len(olds) - 1)
                    old_pk, kept_note, kept_key = olds.pop(pick)
                kept.append(kept_key)
                if notes is None or kept_note == note:
                    unchanged += 1
                else:
                    summary.updated += 1
                    changed.append((old_pk, note, kept_note))
            summary.unchanged += unchanged
        # The keys kept matter only to number the new rows around them.
        kept_keys = set(kept) if fresh else set()
        gone = [(k, o) for k, olds in pool.items() for o in olds]
        summary.created += len(fresh)
        summary.deleted += len(gone)
        self._diff(lo, hi, fresh, gone, changed)
        recent = (timezone.localdate() - timedelta(days=FEEDBACK_DAYS)).toordinal()
        if self.days and max(self.days) >= recent:
            for client, ordinal, cents, _note in fresh:
                if ordinal >= recent and cents > 0:
                    when = date.fromordinal(ordinal)
                    self.recent_deals[client] = max(when, self.recent_deals.get(client, when))
        if not write:
            return
        if gone:
            self.ctx.undo["revenue_deleted"] = _deleted_rows([o[0] for _k, o in gone])
            pks = [o[0] for _k, o in gone]
            for start in range(0, len(pks), 900):
                RevenueRecord.objects.filter(pk__in=pks[start : start + 900]).delete()
        if changed:
            self.ctx.undo["revenue_notes"] = [[pk, old] for pk, _new, old in changed]
            RevenueRecord.objects.bulk_update(
                [RevenueRecord(id=pk, note=note) for pk, note, _old in changed],
                ["note"],
                batch_size=1000,
            )
        rows: Iterable[tuple[int, int, int, str]] = fresh
        if not self.rebuilt:
            # Sorted by client and date: the inserts into the (client, date) and the key
            # indexes then go in order instead of all over the B-trees. (After a load that
            # builds the indexes afterwards, the order does not matter.)
            rows = sorted(fresh)
        self._write_new(rows, kept_keys, progress)

    def _write_new(
        self,
        fresh: Iterable[tuple[int, int, int, str]],
        kept_keys: set[str],
        progress: Progress | None,
    ) -> None:
        """Insert new rows (client, day ordinal, kopecks, note) under their fingerprints, in
        one pass: the n-th equal row of the file (client, date, amount) gets occurrence n."""
        with _new_rows_sink(self.source, self.stamp, locked=self.rebuilt) as sink:
            self._new_rows(fresh, kept_keys, progress, sink)

    def _new_rows(
        self,
        fresh: Iterable[tuple[int, int, int, str]],
        kept_keys: set[str],
        progress: Progress | None,
        sink: _Sink,
    ) -> None:
        # On PostgreSQL each row becomes its line of COPY text here (one string per row, not
        # a tuple formatted again later); on SQLite a tuple of the values to bind, the
        # amount as the number SQLite stores (a float when it is exact: the column's numeric
        # affinity turns "1234.50" into that very number, so binding it saves SQLite the
        # parse).
        copy_tail = sink.copy_tail
        batch: list[object] = []
        iso_of: dict[int, str] = {}
        occurrences: dict[str, int] = {}
        done = 0
        for client, ordinal, cents, note in fresh:
            iso = iso_of.get(ordinal)
            if iso is None:
                iso = iso_of[ordinal] = date.fromordinal(ordinal).isoformat()
            if cents >= 0:
                text = f"{cents // 100}.{cents % 100:02d}"
            else:
                text = f"-{-cents // 100}.{-cents % 100:02d}"
            # The same text as d.revenue_fingerprint(client, day, text, n) builds.
            base = f"fp:{client:010d}|{iso}|{text}|"
            n = occurrences.get(base, 0)
            occurrences[base] = n + 1
            key = f"{base}{n}"
            if kept_keys:
                while key in kept_keys:
                    n += 1
                    key = f"{base}{n}"
                occurrences[base] = n + 1
            if copy_tail is not None:
                batch.append(f"{client}\t{iso}\t{text}\t{key}\t{copy_text(note)}{copy_tail}")
            else:
                amount = cents / 100 if -EXACT_CENTS < cents < EXACT_CENTS else text
                batch.append((client, iso, amount, key, note))
            if len(batch) >= BATCH * 20:
                sink.send(batch)
                done += len(batch)
                batch = []
                if progress is not None:
                    progress("write", done)
        if batch:
            sink.send(batch)
            done += len(batch)
        if progress is not None:
            progress("write", done)

    def _diff(
        self,
        lo: date,
        hi: date,
        fresh: Sequence[tuple[int, int, int, str]],
        gone: list[tuple[tuple[int, int, int], tuple[int, str, str]]],
        changed: list[tuple[int, str, str]],
    ) -> None:
        """What the import changes in the period, for the preview (the first rows of each)."""
        shown = 20
        created = [(c, day, cents) for c, day, cents, _n in islice(fresh, shown)]
        deleted = [key for key, _o in gone[:shown]]
        clients = {c for c, _d, _a in created + deleted if c > 0}
        names = dict(Client.objects.filter(pk__in=clients).values_list("id", "name"))
        for new in self.ctx.new_clients:
            names[new.ref] = new.name

        def show(rows: list[tuple[int, int, int]]) -> list[list[str]]:
            return [
                [names.get(c, ""), date.fromordinal(day).isoformat(), _money(cents)]
                for c, day, cents in rows
            ]

        self.ctx.summary.diff = {
            "from": lo.isoformat(),
            "to": hi.isoformat(),
            "created": show(created),
            "deleted": show(deleted),
            "updated": len(changed),
        }

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
            if write:
                self.ctx.undo.setdefault("revenue_updated", []).append(
                    [old[0], old[1], old[2].isoformat(), str(old[3]), old[4]]
                )
        summary.created += len(fresh)
        recent = timezone.localdate() - timedelta(days=FEEDBACK_DAYS)
        for _key, client, day, amount, _note in fresh:
            if day >= recent and not amount.startswith("-") and amount != "0.00":
                self.recent_deals[client] = max(day, self.recent_deals.get(client, day))
        if write and fresh:
            _insert_revenue(fresh, self.source, self.stamp)
        if write and changed:
            RevenueRecord.objects.bulk_update(changed, ["client_id", "date", "amount", "note"])


# A load at least this big into a table that holds fewer rows than it brings builds the
# secondary indexes after the insert instead of maintaining them row by row.
REBUILD_ROWS = 100_000


def _secondary_indexes(table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the indexes of `table` that are not the primary key or a
    table constraint (those stay), as the database itself reports them."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s"
                " AND sql IS NOT NULL",
                [table],
            )
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
                " AND tablename = %s AND indexname NOT IN"
                " (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
                [table, table],
            )
        else:  # pragma: no cover - KAM runs on SQLite and PostgreSQL
            return []
        return [(str(name), str(sql)) for name, sql in cursor.fetchall()]


def _foreign_keys(table: str) -> list[tuple[str, str]]:
    """(name, definition) of the foreign keys of `table` on PostgreSQL (none elsewhere)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            [table],
        )
        return [(str(name), str(definition)) for name, definition in cursor.fetchall()]


@contextmanager
def _bulk_write(
    rows: int, model: type[Model] = RevenueRecord, *, rebuild_from: int = REBUILD_ROWS
) -> Iterator[bool]:
    """The database set up for a bulk insert of `rows` rows of `model` (revenue, deals),
    inside the import's transaction (`rebuild_from`: the size of a big load).

    - SQLite gets a 128 MB page cache instead of 2 MB (index pages stop being re-read); the
      connection gets its own back afterwards.
    - A big load into a table that holds fewer rows than the load (the first import of a
      history) drops the secondary indexes and builds them again after the insert: one sort
      per index instead of a million random B-tree inserts (SQLite sorts on two threads,
      with its normal cache). The index definitions come from the database, and the whole
      thing is one transaction: on any failure the indexes are back as they were.
      (PostgreSQL locks the table meanwhile; it was nearly empty.)
    - On PostgreSQL the same load drops the table's foreign keys and adds them back after the
      insert, as its manual advises for bulk loads: adding one checks every row in a single
      join instead of a trigger per row. The rows are checked all the same, inside the
      transaction (a row pointing nowhere fails the import); the referenced tables (clients,
      users) stay locked against writes from then until the commit, a moment later.
    """
    table = model._meta.db_table
    old_cache = None
    rebuild: list[tuple[str, str]] = []
    foreign: list[tuple[str, str]] = []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite" and rows:
            cursor.execute("PRAGMA cache_size")
            old_cache = int(cursor.fetchone()[0])
            cursor.execute("PRAGMA cache_size = -131072")
        if rows >= rebuild_from and model._default_manager.count() < rows:
            rebuild = _secondary_indexes(table)
            for name, _sql in rebuild:
                cursor.execute(f'DROP INDEX "{name}"')
            foreign = _foreign_keys(table)
            if foreign:
                # Checks pending on the table (rows written earlier in the transaction) would
                # refuse the ALTER: they run now.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for name, _definition in foreign:
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            if rebuild and connection.vendor == "postgresql":
                # Room to sort a million keys in memory while the indexes are built (for this
                # transaction only).
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
                cursor.execute("SET LOCAL max_parallel_maintenance_workers = 1")
    try:
        yield bool(rebuild)
        with connection.cursor() as cursor:
            if rebuild and connection.vendor == "postgresql":
                # Django's foreign keys are checked at commit; CREATE INDEX refuses a table
                # with checks pending, so they run now (a violation fails the import here).
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            threads = None
            if rebuild and connection.vendor == "sqlite":
                # The sorts of CREATE INDEX run faster with the connection's own small cache
                # (sorted runs merged, on two threads) than in one big in-memory sort: 1.5 s
                # instead of 2.7 s for the three revenue indexes of a million rows.
                if old_cache is not None:
                    cursor.execute(f"PRAGMA cache_size = {old_cache}")
                cursor.execute("PRAGMA threads")
                threads = int(cursor.fetchone()[0])
                cursor.execute("PRAGMA threads = 2")
            for _name, sql in rebuild:
                cursor.execute(sql)
            if threads is not None:
                cursor.execute(f"PRAGMA threads = {threads}")
            for name, definition in foreign:
                cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
            if rebuild and connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    finally:
        if old_cache is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {old_cache}")


def _money(cents: int) -> str:
    return f"{'-' if cents < 0 else ''}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def _fingerprinted(
    source: str, lo: date, hi: date
) -> Iterator[tuple[int, int, int, int, str, str]]:
    """(id, client id, day ordinal, kopecks, note, key) of the source's rows without a CRM id
    (keyed by fingerprint) dated from `lo` to `hi`, the day and the kopecks computed by the
    database: a re-import of a million rows reads them as plain integers, not as a million
    dates and Decimals. Read in chunks (a server-side cursor on PostgreSQL)."""
    if connection.vendor == "postgresql":
        day, cents = "date - DATE '0001-01-01' + 1", "(amount * 100)::bigint"
    else:
        # The amount is stored as a number (REAL unless whole): rounding its hundredfold
        # gives the kopecks exactly up to 15 significant digits.
        day, cents = (
            "CAST(julianday(date) - 1721424.5 AS INTEGER)",
            "CAST(ROUND(amount * 100) AS INTEGER)",
        )
    table = RevenueRecord._meta.db_table
    scan = ""
    if connection.vendor == "sqlite":
        # SQLite reads a date range through the date index, then each row from the table: for
        # a period holding much of the table (a history re-imported) reading the table
        # straight through is three times faster. PostgreSQL's planner weighs this itself.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM {table} WHERE date BETWEEN %s AND %s",  # noqa: S608
                [lo, hi],
            )
            period = int(cursor.fetchone()[0])
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            if period * 5 > int(cursor.fetchone()[0]):
                scan = " NOT INDEXED"
    sql = (
        f"SELECT id, client_id, {day}, {cents}, note, external_id FROM {table}{scan}"  # noqa: S608
        " WHERE source = %s AND date BETWEEN %s AND %s AND substr(external_id, 1, 3) = 'fp:'"
    )
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, [source, lo, hi])
        while rows := cursor.fetchmany(20_000):
            yield from cast(list[tuple[int, int, int, int, str, str]], rows)


def _deleted_rows(pks: list[int]) -> list[list[object]]:
    """Deleted rows as the undo of the import needs them to put them back."""
    out: list[list[object]] = []
    for start in range(0, len(pks), 900):
        rows = RevenueRecord.objects.filter(pk__in=pks[start : start + 900]).values_list(
            "id", "client_id", "date", "amount", "source", "external_id", "note", "created_at"
        )
        for pk, client, day, amount, source, key, note, created in rows:
            out.append([pk, client, day.isoformat(), str(amount), source, key, note,
                        created.isoformat()])  # fmt: skip
    return out


def _insert_revenue(
    rows: list[tuple[str, int, date, str, str]], source: str, now: datetime
) -> None:
    """Insert new revenue rows (key, client id, date, amount, note); they are checked."""
    iso: dict[date, str] = {}
    for _key, _client, day, _amount, _note in rows:
        if day not in iso:
            iso[day] = day.isoformat()
    _insert_plain(
        [(client, iso[day], amount, key, note) for key, client, day, amount, note in rows],
        source,
        now,
    )


# Amounts in kopecks below this are exact as floats (2**53): SQLite gets the number itself.
EXACT_CENTS = 1 << 53


@dataclass(frozen=True)
class _Sink:
    """Where batches of new revenue rows go: `send(batch)`. On PostgreSQL (`copy_tail` set)
    a batch is lines of COPY text, each ending with `copy_tail` (the constant columns and the
    line break); on SQLite it is tuples (client id, ISO date, amount, key, note)."""

    send: Callable[[list[Any]], None]
    copy_tail: str | None = None


@contextmanager
def _new_rows_sink(source: str, now: datetime, *, locked: bool = False) -> Iterator[_Sink]:
    """The sink of new revenue rows (client id, ISO date, amount, key, note).

    On PostgreSQL one COPY takes all of them through a queue: a thread of psycopg's sends a
    block while the next one is formatted here, and the server stores it meanwhile. When the
    import holds the table locked already (a big load that rebuilds the indexes), the two
    columns every row shares (source, created) become the columns' defaults for the length
    of the COPY instead of being sent and parsed a million times (a fifth of the server's
    work); the defaults go again before anything else runs, and a failure rolls them back
    with the rest. On SQLite each batch is inserted by `_insert_plain`.
    """
    if connection.vendor != "postgresql":
        yield _Sink(lambda rows: _insert_plain(rows, source, now))
        return
    columns = ("client_id", "date", "amount", "external_id", "note")
    constants = {"source": source, "created_at": now}
    with pg_copy(RevenueRecord._meta.db_table, columns, constants, locked=locked) as (write, tail):
        yield _Sink(lambda lines: write("".join(lines)), tail)


def _insert_plain(
    rows: Sequence[tuple[int, str, str | float, str, str]], source: str, now: datetime
) -> None:
    """Insert checked new revenue rows (client id, ISO date, amount text, key, note) the
    fastest way the database offers: one executemany (SQLite) or one COPY block
    (PostgreSQL)."""
    if connection.vendor == "postgresql":
        # COPY's text format: the values are checked already, and formatting them here is
        # cheaper than adapting them cell by cell.
        with _new_rows_sink(source, now) as sink:
            tail = sink.copy_tail
            sink.send(
                [
                    f"{client}\t{day}\t{amount}\t{copy_text(key)}\t{copy_text(note)}{tail}"
                    for client, day, amount, key, note in rows
                ]
            )
        return
    table = RevenueRecord._meta.db_table
    columns = "client_id, date, amount, external_id, note, source, created_at"
    adapted = str(connection.ops.adapt_datetimefield_value(now))
    # The two constant columns are literals of the statement: the rows go to SQLite as they
    # are, five values each.
    constants = ", ".join(sql_literal(v) for v in (source, adapted))
    with connection.cursor() as cursor:
        sqlite_insert(cursor, table, columns, 5, constants, rows)
