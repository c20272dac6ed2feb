"""Deals files: every deal of an amoCRM or Bitrix24 export (open, won, lost), or a spreadsheet.

Each stage is looked up in the stage map; a file with stage names the map lacks is refused
with the list, so nothing is ever guessed (an unknown stage is never taken as won). Won deals
also become revenue records under the same keys `kam import revenue` uses (the CRM id, or the
fingerprint of client, date, amount and occurrence), so one export feeds both and importing
either one again adds nothing twice.

The real layouts: amoCRM writes «не закрыта» in «Дата закрытия» of an open deal; Bitrix24
has no «Дата закрытия» at all, and its «Предполагаемая дата закрытия» (CLOSEDATE) is when a
closed deal closed, and only a forecast for an open one.
"""

from __future__ import annotations

import hashlib
import json
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from itertools import chain, islice, repeat
from operator import itemgetter
from typing import Any, cast

from django.db import connection
from django.utils import timezone

from kam.core.bulk import copy_text
from kam.deals import domain as deals_domain
from kam.deals.domain import Step
from kam.deals.models import Deal
from kam.deals.services import (
    DealRecord,
    MeetingDates,
    deals_copy_new,
    deals_insert_by_parts,
    deals_insert_new,
    deals_upsert,
)
from kam.imports import domain as d
from kam.imports.domain import ColumnMap, Kind, Preset, Problem, RowError
from kam.imports.kinds import revenue as revenue_kind
from kam.imports.kinds.base import BATCH, Context, Handler, Progress
from kam.imports.kinds.revenue import FEEDBACK_DAYS, _bulk_write, _insert_revenue
from kam.imports.readers import WHITESPACE, Columns, rows_at
from kam.portfolio.models import RevenueRecord

# Header aliases of a deals file, folded; a preset's own names come first.
COMMON: dict[str, tuple[str, ...]] = {
    "external_id": ("id", "внешний id", "external id"),
    "title": ("название сделки", "сделка", "название", "deal", "title"),
    "amount": ("сумма", "бюджет", "amount"),
    "currency": ("валюта", "currency"),
    "manager": ("ответственный", "менеджер", "manager", "responsible"),
    "created": ("дата создания", "создана", "created"),
    "closed": ("дата закрытия", "closed"),
    "modified": ("дата изменения", "дата редактирования", "modified"),
    "stage": ("этап сделки", "стадия сделки", "этап", "стадия", "stage"),
    "client": ("компания", "название компании", "контрагент", "клиент", "client", "company"),
    "inn": ("инн", "inn"),
    "full_name": ("полное имя контакта", "контакт", "фио", "full name", "contact"),
    "source": ("источник", "источник сделки", "source"),
    "loss_reason": ("причина отказа", "причина провала", "причина проигрыша", "loss reason"),
}
OWN: dict[Preset, dict[str, tuple[str, ...]]] = {
    Preset.AMOCRM: {
        "amount": ("бюджет",),
        "closed": ("дата закрытия",),
        "modified": ("дата редактирования", "дата изменения"),
        "stage": ("этап сделки",),
        "full_name": ("полное имя контакта",),
    },
    Preset.BITRIX24: {
        "amount": ("сумма", "сумма/валюта", "сумма и валюта"),
        # No «Дата закрытия» in a Bitrix24 export: CLOSEDATE is this column.
        "closed": ("предполагаемая дата закрытия", "дата завершения"),
        "closed_flag": ("сделка закрыта", "закрыта"),
        "stage": ("стадия сделки", "стадия"),
        "client": ("компания", "название компании"),
        "full_name": ("контакт",),
    },
}
REQUIRED = ("created", "stage")
NOT_CLOSED = frozenset({"не закрыта", "не закрыто", "нет", ""})
_NO_MODIFIED = date.min
STEPS = {step.value: step for step in Step}


def deal_aliases(preset: Preset) -> dict[str, tuple[str, ...]]:
    own = OWN.get(preset, {})
    names = [*COMMON, *(n for n in own if n not in COMMON)]
    return {name: own.get(name, ()) + COMMON.get(name, ()) for name in names}


# A checked deal row is a plain tuple of plain values and tuples of them, never a tuple
# subclass: the garbage collector stops tracing a plain tuple of untracked values, and a
# million rows traced again and again at each full collection cost seconds. The parts a
# file repeats row after row (the stage and dates, the client and responsible person, the
# source and loss reason) are one shared tuple each.
#
# When: created, closed, modified, stage, step, status, and the deal columns they give in
#   the order of the insert: (created ISO, closed ISO, stage, step, status, reached).
When = tuple[
    date, date | None, date | None, str, str, str, tuple[str, str | None, str, str, str, int]
]
# Who: client ref (new < 0), client key, responsible person's ref or None, their name.
Who = tuple[int, str, int | None, str]
# What: source text, loss reason, and the columns (source, source text, loss reason).
What = tuple[str, str, tuple[str, str, str]]
# A row: number, CRM id or None, title, amount or None, when, who, what.
Row = tuple[int, str | None, str, str | None, When, Who, What]
_MISSING: Any = object()  # not in a cache of `check_rows`


def _ints(values: Any) -> array[int]:
    """A pyarrow array of 32-bit integers as an `array` (no Python object per value)."""
    out = array("i")
    start = values.offset * out.itemsize
    out.frombytes(memoryview(values.buffers()[1])[start : start + len(values) * out.itemsize])
    return out


class _Numbers(dict[str | None, Any]):
    """Amount text → the number SQLite stores for it (a float when the text has at most 15
    significant digits, so it reads back as written; the text itself otherwise)."""

    def __missing__(self, amount: str | None) -> Any:
        value: Any = amount
        if amount is not None and len(amount.replace("-", "").replace(".", "").lstrip("0")) <= 15:
            value = float(amount)
        if len(self) < 200_000:
            self[amount] = value
        return value


NULL = "\\N"  # NULL in COPY text


def _copy_line(values: tuple[Any, ...]) -> str:
    """Values as tab-separated COPY text."""
    return "\t".join(NULL if v is None else copy_text(str(v)) for v in values)


def _getter(positions: list[int]) -> Callable[[list[str]], Any]:
    """The cells at `positions` of a row as one hashable value (a tuple, one cell, or "")."""
    if not positions:
        return lambda cells: ""
    return itemgetter(*positions)


@dataclass
class _Checked:
    """The checked rows of a file read as columns (`check_columns`): row k is the file's row
    `first + k`; its CRM id and title come from two pyarrow columns (`external_column`, with
    nulls for none; `title_column`, None when the file has no titles), except the rows the
    full check took (`patches`: row → (CRM id, title)); its parts are looked up by their
    codes (`whens[when_codes[k]]`...). The texts become Python strings only block by block,
    as the insert takes them."""

    first: int
    count: int
    external_column: Any
    title_column: Any
    patches: dict[int, tuple[str | None, str]]
    whens_by: tuple[list[When], Sequence[int]]
    whos_by: tuple[list[Who], Sequence[int]]
    whats_by: tuple[list[What], Sequence[int]]
    amounts_by: tuple[list[str | None], Sequence[int]]

    def externals(self) -> Iterator[str | None]:
        return self._values(self.external_column, 0, None)

    def titles(self) -> Iterator[str]:
        return self._values(self.title_column, 1, "")

    def _values(self, column: Any, part: int, nothing: Any) -> Iterator[Any]:
        if column is None:
            for k in range(self.count):
                patch = self.patches.get(k)
                yield patch[part] if patch is not None else nothing
            return
        step = 50_000
        patched = sorted(self.patches)
        for start in range(0, self.count, step):
            values = column.slice(start, step).to_pylist()
            lo, hi = bisect_left(patched, start), bisect_left(patched, start + step)
            for k in patched[lo:hi]:
                values[k - start] = self.patches[k][part]
            yield from values

    def rows(self, picked: list[int] | None = None) -> Iterator[Row]:
        """The rows as `check_rows` makes them (all, or those at `picked`)."""
        (whens, when_codes), (whos, who_codes) = self.whens_by, self.whos_by
        (whats, what_codes), (amounts, amount_codes) = self.whats_by, self.amounts_by
        if picked is not None:
            return (
                (
                    self.first + k,
                    external,
                    title,
                    amounts[amount_codes[k]],
                    whens[when_codes[k]],
                    whos[who_codes[k]],
                    whats[what_codes[k]],
                )
                for k, external, title in zip(
                    picked,
                    self._at(self.external_column, picked, 0, None),
                    self._at(self.title_column, picked, 1, ""),
                    strict=True,
                )
            )
        return zip(
            range(self.first, self.first + self.count),
            self.externals(),
            self.titles(),
            map(amounts.__getitem__, amount_codes),
            map(whens.__getitem__, when_codes),
            map(whos.__getitem__, who_codes),
            map(whats.__getitem__, what_codes),
            strict=True,
        )

    def _at(self, column: Any, picked: list[int], part: int, nothing: Any) -> list[Any]:
        """The values of `column` at `picked`, the full check's where it took the row."""
        import pyarrow as pa

        values = (
            [nothing] * len(picked)
            if column is None
            else column.take(pa.array(picked, pa.int64())).to_pylist()
        )
        for i, k in enumerate(picked):
            patch = self.patches.get(k)
            if patch is not None:
                values[i] = patch[part]
        return values


class DealsHandler(Handler):
    """Deals rows: all of them, whatever their stage, with the stage mapped to a funnel step."""

    bulk_models = (Deal, RevenueRecord)

    @classmethod
    def columns_for(
        cls, headers: list[str], kind: Kind, preset: Preset, *, header_row: int = 1
    ) -> ColumnMap:
        chosen = d.detect_preset(headers) if preset is Preset.AUTO else preset
        table = deal_aliases(chosen)
        folded = [d.normalize_header(h) for h in headers]
        columns: dict[str, int] = {}
        problems: list[RowError] = []
        for name, names in table.items():
            for alias in names:
                hits = [i for i, h in enumerate(folded) if h == alias and i not in columns.values()]
                if len(hits) > 1:
                    other = headers[hits[0]]
                    problem = Problem.of("duplicate_header", other=other)
                    problems.append(RowError(1, headers[hits[1]], headers[hits[1]], problem))
                if hits:
                    columns[name] = hits[0]
                    break
        for name in REQUIRED:
            if name not in columns:
                expected = ", ".join(table[name][:4])
                problems.append(
                    RowError(1, "", "", Problem.of("missing_column", expected=expected))
                )
        if not columns.keys() & {"client", "inn", "full_name"}:
            expected = ", ".join(table["client"][:3] + table["inn"][:1])
            problems.append(RowError(1, "", "", Problem.of("missing_column", expected=expected)))
        used = set(columns.values())
        ignored = tuple(h for i, h in enumerate(headers) if i not in used and h.strip())
        return ColumnMap(chosen, columns, tuple(headers), ignored, tuple(problems))

    def __init__(self, ctx: Context, cmap: ColumnMap) -> None:
        super().__init__(ctx, cmap)
        self.preset = cmap.preset
        self.source = (
            "import" if cmap.preset in (Preset.GENERIC, Preset.AUTO) else cmap.preset.value
        )
        self.steps: dict[str, str] = ctx.stage_map
        self.unknown: dict[str, str] = {}  # folded → as first written
        # The checked rows, a tuple per chunk: the garbage collector's full collections
        # then walk ten thousand chunks instead of a million rows (see Row).
        self._parts: list[tuple[Row, ...]] = []
        self._chunk: list[Row] = []  # the rows taken from the chunk being checked
        self._count = 0
        self._columns: _Checked | None = None  # the rows, when checked as columns
        self.seen_ids: dict[str, int] = {}
        self.today = timezone.localdate()
        self._strings: dict[str, str] = {}  # one copy of each stage, source, reason text
        self._folds: dict[str, str] = {}
        self._sources: dict[str, str] = {}
        # What `check_rows` takes without the full check: each group of cells as written →
        # the part of a row the full check made of it (see `_learn`).
        self._fast = "inn" not in self.columns and self.preset is not Preset.BITRIX24
        columns = self.columns

        def at(*names: str) -> list[int]:
            return [columns[name] for name in names if name in columns]

        self._get_when = _getter(at("stage", "created", "closed", "modified"))
        self._get_who = _getter(at("client", "full_name", "manager"))
        self._get_what = _getter(at("source", "loss_reason", "currency"))
        self._p_amount = columns.get("amount", -1)
        self._p_external = columns.get("external_id", -1)
        self._p_title = columns.get("title", -1)
        self._whens: dict[Any, When] = {}
        self._whos: dict[Any, Who] = {}
        self._whats: dict[Any, What] = {}
        self._amounts: dict[str, str | None] = {}

    # --- reading ---------------------------------------------------------------------------

    def _date(self, number: int, cells: list[str], name: str) -> date | None:
        raw = self.cell(cells, name)
        if name == "closed" and (raw[:1] in "нН" or not raw) and self._fold(raw) in NOT_CLOSED:
            return None
        if not raw and name != "created":
            return None
        value = self.date_of(raw)
        if isinstance(value, Problem):
            self.fail(number, name, raw, value)
            return None
        return value

    def _fold(self, text: str) -> str:
        folded = self._folds.get(text)
        if folded is None:
            folded = deals_domain.fold(text)
            if len(self._folds) < 100_000:
                self._folds[text] = folded
        return folded

    def _step(self, number: int, stage: str) -> Step | None:
        folded = self._fold(stage)
        if not folded:
            self.fail(number, "stage", "", Problem.of("required"))
            return None
        step = self.steps.get(folded)
        if step is None:
            self.unknown.setdefault(folded, stage.strip())
            return None
        return Step(step)

    def _closed(self, number: int, cells: list[str], step: Step | None) -> date | None:
        closed = self._date(number, cells, "closed")
        bitrix_open = step is not None and deals_domain.status_of(step) == "open"
        if self.preset is Preset.BITRIX24 and bitrix_open:
            return None  # an open deal's CLOSEDATE is only the forecast
        return closed

    def check_rows(self, chunk: list[tuple[int, list[str]]]) -> None:
        """A chunk of rows: the ordinary deal row is taken in one loop when each group of
        its cells, exactly as written, is one an earlier row had and the full check took —
        stage and dates, client and responsible person, source, loss reason and currency,
        amount — and its CRM id and title pass their own checks. Any other row, and every
        first occurrence, gets the full check of `row` (which teaches these caches), so the
        outcome is the same as checking every row in full (a test compares them)."""
        if not self._fast:
            super().check_rows(chunk)
            self._keep()
            return
        width, row, when_of = self.width, self.row, self._when_of
        get_when, get_who, get_what = self._get_when, self._get_who, self._get_what
        whens, whos, whats, amounts = self._whens, self._whos, self._whats, self._amounts
        p_amount, p_external, p_title = self._p_amount, self._p_external, self._p_title
        new_clients = self.ctx.new_clients
        seen = self.seen_ids
        scientific = d.SCIENTIFIC.match
        add = self._chunk.append
        missing = _MISSING
        for number, cells in chunk:
            if len(cells) != width:
                row(number, cells)
                continue
            key = get_when(cells)
            when = whens.get(key)
            if when is None:
                when = when_of(cells)
                if when is None:
                    row(number, cells)
                    continue
                if len(whens) < 200_000:
                    whens[key] = when
            who = whos.get(get_who(cells))
            what = whats.get(get_what(cells))
            amount = amounts.get(cells[p_amount], missing) if p_amount >= 0 else None
            if who is None or what is None or amount is missing:
                row(number, cells)
                continue
            if amount is None and when[5] == "won":
                row(number, cells)  # a won deal without its amount: the full check says so
                continue
            title = cells[p_title].strip() if p_title >= 0 else ""
            if len(title) > 300 or title[:1] == "'":
                row(number, cells)
                continue
            external: str | None = None
            if p_external >= 0:
                external = cells[p_external].strip()
                if not external:
                    external = None
                elif (
                    external in seen
                    or len(external) > 100
                    or external[0] == "'"
                    or (not external.isdigit() and scientific(external))
                ):
                    row(number, cells)
                    continue
                else:
                    seen[external] = number
            ref = who[0]
            if ref < 0 and who[3]:
                # The new client's responsible person is the one of its latest deal
                # (`note_manager`).
                new = new_clients[-ref - 1]
                day = when[0]
                if new.manager_date is None or day >= new.manager_date:
                    new.manager, new.manager_date = who[3], day
            add((number, external, title, amount, when, who, what))
        self._keep()

    @property
    def columnar(self) -> bool:
        return self._fast  # the rule of the quick check (see `check_rows`)

    def check_columns(self, columns: Columns) -> bool:
        """Every row of a big file read as columns, with the outcome of `check_rows` (a test
        compares them) and no Python loop over the rows.

        The rule of `check_rows` applied to whole columns: each group of cells (stage and
        dates; client and responsible person; source, loss reason and currency; amount) is
        coded as it is written, and only the rows that hold a group's first occurrence, or a
        title or CRM id the quick check would not take, get the full check of `row`, in file
        order. Every other row is made of the parts those checks gave. Any error, a
        duplicate CRM id, a won deal without its amount, or more than a quarter of the rows
        needing the full check: False (the file is checked row by row instead)."""
        if not self._fast:
            return False
        import pyarrow as pa
        import pyarrow.compute as pc

        data = columns.data
        n = data.num_rows
        if n >= 1 << 24:
            return False
        columns_of = self.columns

        def group(data: Any, names: tuple[str, ...]) -> tuple[Any, Any, int] | None:
            """The group's code of each row (in order of first occurrence), the mask of
            the rows where a code occurs first, and the number of codes."""
            code = None
            size = 1
            for name in names:
                if name not in columns_of:
                    continue
                # The chunks share one dictionary (and no copy of the column is made).
                encoded = data.column(columns_of[name]).dictionary_encode()
                count = len(encoded.chunk(0).dictionary) if encoded.num_chunks else 0
                size *= max(count, 1)
                if size >= 1 << 62:
                    return None
                indices = pa.chunked_array([c.indices for c in encoded.chunks], pa.int32())
                part = pc.cast(indices.combine_chunks(), pa.int64())
                code = part if code is None else pc.add(pc.multiply(code, count), part)
            if code is None:
                code = pa.repeat(pa.scalar(0, pa.int64()), n)
            encoded = code.dictionary_encode()
            ordinal = encoded.indices
            seen = pc.cumulative_max(ordinal)
            before = pa.concat_arrays([pa.array([-1], ordinal.type), seen.slice(0, n - 1)])
            return ordinal, pc.greater(ordinal, before), len(encoded.dictionary)

        # Two at a time: pyarrow's functions let go of the interpreter while they run.
        with ThreadPoolExecutor(max_workers=2) as pool:
            coded = list(
                pool.map(
                    partial(group, data),
                    [
                        ("stage", "created", "closed", "modified"),
                        ("client", "full_name", "manager"),
                        ("source", "loss_reason", "currency"),
                        ("amount",),
                    ],
                )
            )
        if None in coded:
            return False
        groups = cast(list[tuple[Any, Any, int]], coded)
        # The rows the full check takes: a first source or amount, an odd title or CRM id.
        # A first stage-and-dates group or client-and-person group alone needs only its own
        # rules (`_when_of`, `_who`).
        full = pc.or_(groups[2][1], groups[3][1])
        titles = externals = None
        if self._p_title >= 0:
            titles = pc.utf8_trim(data.column(self._p_title), characters=WHITESPACE)
            odd = pc.or_(
                pc.greater(pc.utf8_length(titles), 300), pc.starts_with(titles, pattern="'")
            )
            full = pc.or_(full, odd)
        if self._p_external >= 0:
            externals = pc.utf8_trim(data.column(self._p_external), characters=WHITESPACE)
            plain = pc.match_substring_regex(externals, pattern="^[0-9]{0,100}$")
            full = pc.or_(full, pc.invert(plain))
        picked = pc.indices_nonzero(pc.or_(pc.or_(full, groups[0][1]), groups[1][1])).to_pylist()
        if len(picked) > max(n // 4, 1000):
            return False
        fully = set(pc.indices_nonzero(full).to_pylist())
        # The picked rows in file order; the parts they give, by code.
        taken = list(rows_at(data, picked))
        # The file's columns are not needed any more: their memory goes back before the
        # rows' own lists are made (a million-row file is some hundred megabytes).
        del data
        columns.data = None
        pa.default_memory_pool().release_unused()
        codes = [_ints(g[0]) for g in groups]
        parts: list[list[Any]] = [[_MISSING] * g[2] for g in groups]
        checked: dict[int, Row] = {}
        first = columns.first
        ctx = self.ctx
        whens, whos = parts[0], parts[1]
        when_codes, who_codes = codes[0], codes[1]
        for index, cells in zip(picked, taken, strict=True):
            if index not in fully:
                when = whens[when_codes[index]]
                if when is _MISSING:
                    when = whens[when_codes[index]] = self._when_of(list(cells))
                    if when is None:
                        return False  # the full check says why
                if whos[who_codes[index]] is _MISSING:
                    who = self._who(first + index, list(cells), when[0])
                    if who is None or ctx.error_count:
                        return False
                    whos[who_codes[index]] = who
                continue
            before = len(self._chunk)
            self._row(first + index, list(cells))
            if ctx.error_count or len(self._chunk) == before:
                return False
            row = checked[index] = self._chunk[-1]
            for position, (code, found) in enumerate(zip(codes, parts, strict=True)):
                found[code[index]] = row[(4, 5, 6, 3)[position]]
        self._chunk = []
        if any(_MISSING in found for found in parts):
            return False
        whens, whos, _whats, amounts = parts
        # A won deal without its amount is an error of the full check.
        won = pa.array([when[5] == "won" for when in whens])
        no_amount = pa.array([amount is None for amount in amounts])
        if pc.any(pc.and_(pc.take(won, groups[0][0]), pc.take(no_amount, groups[3][0]))).as_py():
            return False
        nothing = pa.scalar(None, pa.string())
        if externals is not None:
            externals = pc.if_else(pc.equal(externals, ""), nothing, externals)
        patches = {index: (row[1], row[2]) for index, row in checked.items()}
        # A duplicate CRM id: the full check names both rows. The ids as the full check took
        # them are the file's, trimmed, unless it changed one (an apostrophe, say).
        if externals is not None:
            if all(externals[k].as_py() == external for k, (external, _t) in patches.items()):
                present = pc.drop_null(externals)
                if pc.count_distinct(present).as_py() != len(present):
                    return False
            else:
                ids = [
                    patches[k][0] if k in patches else external
                    for k, external in enumerate(externals.to_pylist())
                ]
                kept = [i for i in ids if i is not None]
                if len(set(kept)) != len(kept):
                    return False
        self._note_managers(whens, whos, groups[0][0], groups[1][0], n)
        self._columns = _Checked(
            first,
            n,
            externals,
            titles,
            patches,
            *zip(parts, codes, strict=True),
        )
        self._count = n
        return True

    def _note_managers(
        self, whens: list[When], whos: list[Who], when_codes: Any, who_codes: Any, n: int
    ) -> None:
        """Each new client's responsible person: the one named on its latest deal (the last
        such row among equal dates), as `note_manager` row by row would leave it."""
        if not any(who[0] < 0 and who[3] for who in whos):
            return
        import pyarrow as pa
        import pyarrow.compute as pc

        days = pa.array([when[0].toordinal() for when in whens], pa.int64())
        latest = pc.add(
            pc.multiply(pc.take(days, when_codes), 1 << 24), pa.array(range(n), pa.int64())
        )
        table = pa.table({"who": who_codes, "latest": latest})
        result = table.group_by("who").aggregate([("latest", "max")])
        best: dict[int, tuple[int, str]] = {}  # new client's ref → (latest, name)
        for code, value in zip(
            result.column("who").to_pylist(), result.column("latest_max").to_pylist(), strict=True
        ):
            ref, _key, _manager, name = whos[code]
            if ref < 0 and name and (ref not in best or value > best[ref][0]):
                best[ref] = (value, name)
        new_clients = self.ctx.new_clients
        for ref, (value, name) in best.items():
            new = new_clients[-ref - 1]
            new.manager, new.manager_date = name, date.fromordinal(value >> 24)

    def _keep(self) -> None:
        """The chunk's taken rows join the rest, as one tuple."""
        if self._chunk:
            self._parts.append(tuple(self._chunk))
            self._count += len(self._chunk)
            self._chunk = []

    @property
    def rows(self) -> Iterator[Row]:
        """The checked rows, in file order."""
        if self._columns is not None:
            return self._columns.rows()
        return chain(chain.from_iterable(self._parts), self._chunk)

    def row(self, number: int, cells: list[str]) -> None:
        taken = len(self._chunk)
        self._row(number, cells)
        if self._fast and len(self._chunk) > taken:
            self._learn(self._chunk[-1], cells)

    def _learn(self, taken: Row, cells: list[str]) -> None:
        """Remember the parts of a row the full check took, under its cells as written, for
        `check_rows`. Each part depends on those cells alone (the fast path is off for
        Bitrix24, whose close date depends on the stage, and for files with an INN)."""
        when, who, what = self._get_when(cells), self._get_who(cells), self._get_what(cells)
        if when not in self._whens and len(self._whens) < 200_000:
            self._whens[when] = taken[4]
        if who not in self._whos and len(self._whos) < 500_000:
            self._whos[who] = taken[5]
        if what not in self._whats and len(self._whats) < 10_000:
            self._whats[what] = taken[6]
        if self._p_amount >= 0 and len(self._amounts) < 200_000:
            self._amounts[cells[self._p_amount]] = taken[3]

    def _row(self, number: int, cells: list[str]) -> None:
        if not self.check_width(number, cells):
            return
        ctx = self.ctx
        errors = ctx.error_count
        stage = self.cell(cells, "stage")
        step = self._step(number, stage)
        created = self._date(number, cells, "created")
        closed = self._closed(number, cells, step)
        modified = self._date(number, cells, "modified") if "modified" in self.columns else None
        status = deals_domain.status_of(step) if step is not None else "open"
        if status == "won" and closed is None:
            # Revenue is dated by the close: never guess it from another column.
            self.fail(number, "closed", self.cell(cells, "closed"), Problem.of("not_closed_yet"))
        elif status == "lost" and closed is None:
            closed = modified
        if created is not None and closed is not None and closed < created:
            self.fail(
                number, "closed", self.cell(cells, "closed"), Problem.of("closed_before_created")
            )
        for name, value in (("created", created), ("closed", closed)):
            if value is not None and value > self.today:
                self.fail(number, name, self.cell(cells, name), Problem.of("future"))
        amount: str | None = None
        raw_amount = self.cell(cells, "amount")
        if raw_amount or status == "won":
            parsed = d.parse_amount(raw_amount)
            if isinstance(parsed, Problem):
                self.fail(number, "amount", raw_amount, parsed)
            else:
                amount = parsed
        if "currency" in self.columns:
            currency = self.cell(cells, "currency")
            if currency and not d.is_roubles(currency):
                self.fail(number, "currency", currency, Problem.of("currency"))
        external = self._external_id(number, cells)
        who = self._who(number, cells, created)
        title = self.parse(number, cells, "title", lambda t: d.check_length(t, limit=300))
        loss = self.parse(number, cells, "loss_reason", lambda t: d.check_length(t, limit=300))
        source_text = self.parse(number, cells, "source", lambda t: d.check_length(t, limit=200))
        if ctx.error_count != errors or who is None or step is None or created is None:
            return
        source_text, loss = self._one(source_text or ""), self._one(loss or "")
        source = self._sources.get(source_text)
        if source is None:
            source = self._sources[source_text] = deals_domain.map_source(source_text)
        when = self._when(created, closed, modified, stage, step)
        what: What = (source_text, loss, (source, source_text, loss))
        self._chunk.append((number, external, title or "", amount, when, who, what))

    def _who(self, number: int, cells: list[str], created: date | None) -> Who | None:
        """The client-and-responsible-person part of a row, after matching or registering
        the client and checking the person (errors recorded); None without a client."""
        fallback = self.cell(cells, "full_name") if "full_name" in self.columns else ""
        ref = self.client(number, cells, fallback=fallback)
        manager_name = self.manager(number, cells) if "manager" in self.columns else ""
        if ref is not None and manager_name:
            # Even on a failing row: its new client must not also be reported as ownerless.
            self.note_manager(ref, manager_name, created)
        if ref is None:
            return None
        manager_ref = None
        if manager_name:
            found = self.ctx.find_manager(manager_name, number)
            manager_ref = found if isinstance(found, int) else None
        client_key = self.cell(cells, "inn") or self.ctx.folded(
            self.cell(cells, "client") or fallback
        )
        return (ref, client_key, manager_ref, manager_name)

    def _when(
        self, created: date, closed: date | None, modified: date | None, stage: str, step: Step
    ) -> When:
        """The stage-and-dates part of a checked row."""
        stage_text = self._one(stage.strip()[:200])
        status = deals_domain.status_of(step)
        columns = (
            created.isoformat(),
            closed.isoformat() if closed is not None else None,
            stage_text,
            step.value,
            status,
            deals_domain.STEP_RANK[step],
        )
        return (created, closed, modified, stage_text, step.value, status, columns)

    def _when_of(self, cells: list[str]) -> When | None:
        """The stage-and-dates part of a row whose stage and date cells, as written, no
        earlier row had (a CRM that writes the time of creation has a new one on every row):
        the full check's own rules on those cells, without recording anything; None when
        any of them fails, and the full check of the row then says why."""
        stage = self.cell(cells, "stage")
        folded = self._fold(stage)
        value = self.steps.get(folded) if folded else None
        if value is None:
            return None
        step = STEPS[value]
        created = self._parsed(self.cell(cells, "created"))
        if created is None:
            return None
        raw = self.cell(cells, "closed")
        closed: date | None = None
        if not ((raw[:1] in "нН" or not raw) and self._fold(raw) in NOT_CLOSED):
            closed = self._parsed(raw)
            if closed is None:
                return None
        modified: date | None = None
        if "modified" in self.columns:
            raw = self.cell(cells, "modified")
            if raw:
                modified = self._parsed(raw)
                if modified is None:
                    return None
        status = deals_domain.status_of(step)
        if status == "won" and closed is None:
            return None
        if status == "lost" and closed is None:
            closed = modified
        if created > self.today or (
            closed is not None and (closed < created or closed > self.today)
        ):
            return None
        return self._when(created, closed, modified, stage, step)

    def _parsed(self, raw: str) -> date | None:
        """A date cell as `_date` reads it, or None when it is not a date."""
        value = self.date_of(raw)
        return value if value.__class__ is date else None

    def _one(self, text: str) -> str:
        if len(self._strings) < 100_000:
            return self._strings.setdefault(text, text)
        return text

    def _external_id(self, number: int, cells: list[str]) -> str | None:
        if "external_id" not in self.columns:
            return None
        external: str | None = self.parse(number, cells, "external_id", d.parse_external_id)
        if external is not None:
            first = self.seen_ids.get(external)
            if first is not None:
                self.fail(number, "external_id", external, Problem.of("duplicate_id", row=first))
                return None
            self.seen_ids[external] = number
        return external

    def finish(self) -> None:
        """After the last row: one error listing every stage name the map lacks."""
        if self.unknown:
            names = ", ".join(f"«{n}»" for n in sorted(self.unknown.values()))
            column = self.cmap.header_of("stage")
            listed = json.dumps(sorted(self.unknown.values()), ensure_ascii=False)
            problem = Problem.of("unknown_stages", names=names, stages=listed)
            self.ctx.error(0, column, "", problem)

    # --- writing ---------------------------------------------------------------------------

    def bulk_rows(self) -> int:
        return self._count + len(self._chunk)

    def apply(self, *, write: bool, progress: Progress | None) -> None:
        made: dict[int, int] = {}
        if write:
            users = self.ctx.create_users()
            ids = self.ctx.create_clients(users)
            made = {ref: user.pk for ref, user in users.items()}
        else:
            # A dry run cannot know the new clients' ids; their rows are all new anyway.
            ids = {n.ref: n.ref for n in self.ctx.new_clients}
        # Each client and responsible person of the file once: the client's id and the deal's
        # manager (the named person, or else the client's own manager), found by the id of
        # the row's shared `who` part (a lookup that does not hash the tuple again).
        if self._columns is not None:
            shared = {id(who): who for who in self._columns.whos_by[0]}
        else:
            shared = {id(who): who for who in (row[5] for row in self.rows)}
        client_of = {who: self.resolve(who[0], ids) for who in set(shared.values())}
        new_owners = self.ctx.new_owners
        owners = self._client_managers([c for c in client_of.values() if c not in new_owners])
        owners.update(new_owners)
        default = self.ctx.default_manager.pk if self.ctx.default_manager else 0
        pairs: dict[Who, tuple[int, int]] = {}
        for who, client_id in client_of.items():
            manager_id = who[2]
            if manager_id is not None and manager_id < 0:
                manager_id = made.get(manager_id, default)
            if manager_id is None:
                manager_id = owners.get(client_id, default)
            pairs[who] = (client_id, manager_id)
        people = {key: pairs[who] for key, who in shared.items()}
        self.people = people
        occurrences: dict[tuple[str, date, str], int] = {}
        summary = self.ctx.summary
        summary.extra["stage_changes"] = 0
        self.stamp = timezone.now()
        # The CRM's first deals in KAM: nothing to look up, and a big load builds the deal
        # indexes after the insert.
        self.lookup = Deal.objects.filter(source_system=self.source).exists()
        self.meetings = MeetingDates()  # each client's logged meetings, read once (deals.met_on)
        batch: list[DealRecord] = []
        done = 0
        big = self.bulk_rows() if write and not self.lookup else 0
        # Nothing of this CRM in KAM yet: every deal is new, and goes straight to the insert
        # as the row of values it will be (no record objects, no lookups).
        new_only = not self.lookup
        fresh: list[Any] = []
        won: list[Row] = []  # the won deals, for their revenue
        wanted = None  # their revenue records, when made already
        # SQLite gets each amount as the number it stores; PostgreSQL each deal as its line
        # of COPY text, the parts a file repeats formatted once, into one COPY (see
        # deals_insert_new, deals_copy_new).
        numbers = _Numbers() if connection.vendor == "sqlite" else None
        copy = connection.vendor == "postgresql" and new_only
        copy_parts: dict[int, str] = {}  # id of a shared when or what part → its COPY text
        # Each client's logged meetings, for `met_on` (none at all in a CRM's first load).
        logged = self.meetings.of({c for c, _m in pairs.values()}) if new_only else {}
        first_meeting = deals_domain.first_meeting
        with (
            _bulk_write(big, Deal) as locked,
            self._new_deals(write=write, copy=copy, locked=locked) as (insert, tail),
        ):
            checked = self._columns
            if new_only and checked is not None:
                # Read as columns, all new: the rows to insert are made column by column.
                coded = write and tail is None  # SQLite: the parts joined by the insert
                new = self._made(checked, numbers=numbers, tail=tail, logged=logged, coded=coded)
                with self._coded_deals(checked, coded=coded) as put:
                    # Small blocks: the server starts on the first one soon.
                    while block := list(islice(new, BATCH * 4)):
                        done += put(block) if put is not None else insert(block)
                        if progress is not None and done % (BATCH * 20) < BATCH * 4:
                            progress("write", done)
                # The revenue of the won deals is made while the server stores what the
                # COPY sent (PostgreSQL).
                won = list(checked.rows(self._won(checked)))
                wanted = self._revenue_wanted(won)
            for row in self.rows if checked is None or not new_only else ():
                _number, key, title, amount, when, who, what = row
                if when[5] == "won":
                    won.append(row)
                client_id, manager_id = people[id(who)]
                if key is None:
                    fp = (who[1], when[0], title)
                    n = occurrences.get(fp, 0)
                    occurrences[fp] = n + 1
                    digest = hashlib.sha256(f"{fp[0]}|{fp[1]}|{fp[2]}|{n}".encode()).hexdigest()
                    key = "fp:" + digest[:32]
                if new_only:
                    met_on = None
                    if logged:
                        meetings = logged.get(client_id)
                        if meetings:
                            day = first_meeting(meetings, when[0], when[1])
                            met_on = day.isoformat() if day is not None else None
                    if tail is not None:
                        dates = copy_parts.get(id(when))
                        if dates is None:
                            dates = copy_parts[id(when)] = _copy_line(when[6])
                        texts = copy_parts.get(id(what))
                        if texts is None:
                            texts = copy_parts[id(what)] = _copy_line(what[2])
                        fresh.append(
                            f"{client_id}\t{manager_id}\t{copy_text(title)}\t"
                            f"{amount or NULL}\t{dates}\t{texts}\t{copy_text(key)}\t"
                            f"{met_on or NULL}{tail}"
                        )
                    else:
                        value = numbers[amount] if numbers is not None else amount
                        fresh.append(
                            (client_id, manager_id, title, value, *when[6], *what[2], key, met_on)
                        )
                    if len(fresh) >= BATCH * 20:
                        done += insert(fresh)
                        fresh = []
                        if progress is not None:
                            progress("write", done)
                    continue
                batch.append(
                    DealRecord(
                        key=key,
                        client_id=client_id,
                        manager_id=manager_id,
                        title=title,
                        amount=Decimal(amount) if amount is not None else None,
                        created=when[0],
                        closed=when[1],
                        stage=when[3],
                        step=STEPS[when[4]],
                        source=what[2][0],
                        source_text=what[0],
                        loss_reason=what[1],
                        changed_on=when[2] or self.today,
                    )
                )
                if len(batch) >= BATCH * 4:
                    done += self._write(batch, write=write)
                    batch = []
                    if progress is not None:
                        progress("write", done)
            if batch:
                done += self._write(batch, write=write)
            done += insert(fresh)
        self._revenue(won, write=write, wanted=wanted)
        if write:
            self.ctx.written["deals"] = {
                "source_system": self.source,
                "stamp": self.stamp.isoformat(),
                "count": summary.created,
            }
        if progress is not None:
            progress("write", done)

    @staticmethod
    def _won(checked: _Checked) -> list[int]:
        """The won deals' places among the rows read as columns."""
        whens, codes = checked.whens_by
        won = {code for code, when in enumerate(whens) if when[5] == "won"}
        return [k for k, code in enumerate(codes) if code in won]

    @contextmanager
    def _coded_deals(
        self, checked: _Checked, *, coded: bool
    ) -> Iterator[Callable[[list[Any]], int] | None]:
        """SQLite's insert of the new deals of rows read as columns, each with the codes of
        its stage-and-dates and source parts (`deals_insert_by_parts`); None when not
        `coded`. The insert returns the batch's size."""
        if not coded:
            yield None
            return
        summary = self.ctx.summary
        whens = [when[6] for when in checked.whens_by[0]]
        whats = [what[2] for what in checked.whats_by[0]]
        with deals_insert_by_parts(
            whens, whats, source_system=self.source, stamp=self.stamp
        ) as insert:

            def put(rows: list[Any]) -> int:
                insert(rows)
                summary.created += len(rows)
                return len(rows)

            yield put

    def _made(
        self,
        checked: _Checked,
        *,
        numbers: _Numbers | None,
        tail: str | None,
        logged: dict[int, list[date]],
        coded: bool = False,
    ) -> Iterator[Any]:
        """The new deals of rows read as columns, as `apply` inserts them (a tuple of values
        for SQLite, a line of COPY text for PostgreSQL), made column by column: the values a
        part gives (client and manager ids, the stage and dates, the source) once per part,
        then each row's picked by its code. `coded`: a tuple holds the codes of the stage
        and the source parts instead of their columns (see `_coded_deals`)."""
        people = self.people
        whos, who_codes = checked.whos_by
        whens, when_codes = checked.whens_by
        whats, what_codes = checked.whats_by
        amounts, amount_codes = checked.amounts_by
        pairs = [people[id(who)] for who in whos]
        keys = self._keys(checked)
        met = self._met_on(checked, pairs, logged)
        if tail is not None:
            ids = [f"{client}\t{manager}" for client, manager in pairs]
            return map(
                "\t".join,
                zip(
                    map(ids.__getitem__, who_codes),
                    map(copy_text, checked.titles()),
                    map([a or NULL for a in amounts].__getitem__, amount_codes),
                    map([_copy_line(w[6]) for w in whens].__getitem__, when_codes),
                    map([_copy_line(w[2]) for w in whats].__getitem__, what_codes),
                    map(copy_text, keys),
                    ((m or NULL) + tail for m in met) if met is not None else repeat(NULL + tail),
                    strict=False,  # `repeat` has no end
                ),
            )
        value = numbers.__getitem__ if numbers is not None else None
        columns: list[Iterable[Any]] = [
            map([client for client, _m in pairs].__getitem__, who_codes),
            map([manager for _c, manager in pairs].__getitem__, who_codes),
            checked.titles(),
            map([value(a) if value else a for a in amounts].__getitem__, amount_codes),
        ]
        if coded:
            columns += [when_codes, what_codes]
        else:
            columns.extend(map([w[6][k] for w in whens].__getitem__, when_codes) for k in range(6))
            columns.extend(map([w[2][k] for w in whats].__getitem__, what_codes) for k in range(3))
        columns.append(keys)
        columns.append(met if met is not None else repeat(None))
        return zip(*columns, strict=False)  # `repeat` has no end

    def _keys(self, checked: _Checked) -> Iterable[str]:
        """Each row's key: its CRM id, or else the fingerprint of client, created date and
        title with its occurrence among equal ones (in file order), as `apply` keys it."""
        column = checked.external_column
        if (
            column is not None
            and column.null_count == 0
            and not any(external is None for external, _title in checked.patches.values())
        ):
            return checked.externals()  # type: ignore[return-value]
        keys = list(checked.externals())
        titles = list(checked.titles())
        whos, who_codes = checked.whos_by
        whens, when_codes = checked.whens_by
        occurrences: dict[tuple[str, date, str], int] = {}
        for k, key in enumerate(keys):
            if key is None:
                fp = (whos[who_codes[k]][1], whens[when_codes[k]][0], titles[k])
                n = occurrences.get(fp, 0)
                occurrences[fp] = n + 1
                digest = hashlib.sha256(f"{fp[0]}|{fp[1]}|{fp[2]}|{n}".encode()).hexdigest()
                keys[k] = "fp:" + digest[:32]
        return keys  # type: ignore[return-value]

    @staticmethod
    def _met_on(
        checked: _Checked, pairs: list[tuple[int, int]], logged: dict[int, list[date]]
    ) -> list[str | None] | None:
        """Each row's first meeting logged during the deal (ISO), or None for all."""
        if not logged or not any(logged.get(client) for client, _m in pairs):
            return None
        who_codes = checked.whos_by[1]
        whens, when_codes = checked.whens_by
        out: list[str | None] = []
        for who_code, when_code in zip(who_codes, when_codes, strict=True):
            meetings = logged.get(pairs[who_code][0])
            day = None
            if meetings:
                when = whens[when_code]
                day = deals_domain.first_meeting(meetings, when[0], when[1])
            out.append(day.isoformat() if day is not None else None)
        return out

    @contextmanager
    def _new_deals(
        self, *, write: bool, copy: bool, locked: bool
    ) -> Iterator[tuple[Callable[[list[Any]], int], str | None]]:
        """Where the deals of a CRM that has none in KAM yet go (every one is new): batches
        of rows (SQLite) or of COPY lines fed to one COPY (PostgreSQL, `copy`); nowhere on a
        dry run. Yields `(insert, tail)`: `insert(batch)` returns the batch's size, and each
        COPY line ends with `tail` (None: the batches are rows). `locked`: the table is
        locked for a big load (see `deals_copy_new`)."""
        summary = self.ctx.summary

        def count(rows: list[Any]) -> int:
            summary.created += len(rows)
            return len(rows)

        if not write:
            yield count, "\n" if copy else None
        elif copy:
            with deals_copy_new(self.source, self.stamp, locked=locked) as (send, tail):

                def sent(lines: list[str]) -> int:
                    if lines:
                        send(lines)
                    return count(lines)

                yield sent, tail
        else:

            def inserted(rows: list[Any]) -> int:
                deals_insert_new(rows, source_system=self.source, stamp=self.stamp)
                return count(rows)

            yield inserted, None

    def _write(self, batch: list[DealRecord], *, write: bool) -> int:
        """Upsert one batch of deals (a million rows never sit in memory as model objects)."""
        counts = deals_upsert(
            records=batch,
            source_system=self.source,
            write=write,
            lookup=self.lookup,
            stamp=self.stamp,
            meetings=self.meetings,
        )
        summary = self.ctx.summary
        summary.created += counts.created
        summary.updated += counts.updated
        summary.unchanged += counts.unchanged
        summary.extra["stage_changes"] += counts.stage_changes
        if counts.replaced:
            self.ctx.undo.setdefault("deals_updated", []).extend(counts.replaced)
        if counts.history_ids:
            self.ctx.written.setdefault("stage_changes", []).extend(counts.history_ids)
        return len(batch)

    def _client_managers(self, client_ids: list[int]) -> dict[int, int]:
        from kam.clients.models import Client

        wanted = sorted({c for c in client_ids if c > 0})
        out: dict[int, int] = {}
        for start in range(0, len(wanted), 900):
            chunk = wanted[start : start + 900]
            out.update(Client.objects.filter(pk__in=chunk).values_list("id", "manager_id"))
        return out

    def _revenue(
        self,
        won: list[Row],
        *,
        write: bool,
        wanted: list[tuple[str, int, date, str, str]] | None = None,
    ) -> None:
        """Won deals as revenue records, keyed exactly as `kam import revenue` keys them
        (`wanted`: the records `_revenue_wanted` made of them already)."""
        if wanted is None:
            wanted = self._revenue_wanted(won)
        summary = self.ctx.summary
        for name in ("revenue_created", "revenue_updated", "revenue_unchanged"):
            summary.extra[name] = 0
        recent: dict[int, date] = {}
        lookup = RevenueRecord.objects.filter(source=self.source).exists()
        # The won deals of a big first load are many revenue rows too: the same bulk set-up
        # from a fifth of the deals' size on.
        big = len(wanted) if write and not lookup else 0
        with _bulk_write(big, RevenueRecord, rebuild_from=revenue_kind.REBUILD_ROWS // 5):
            for start in range(0, len(wanted), BATCH * 4):
                self._revenue_batch(
                    wanted[start : start + BATCH * 4], write=write, recent=recent, lookup=lookup
                )
        if write:
            self.ctx.written["revenue"] = {
                "source": self.source,
                "stamp": self.stamp.isoformat(),
                "count": summary.extra["revenue_created"],
            }
            self._feedback_tasks(recent)

    def _revenue_wanted(self, won: list[Row]) -> list[tuple[str, int, date, str, str]]:
        """The revenue records of won deals: (key, client id, close date, amount, note)."""
        occurrences: dict[tuple[int, int, str], int] = {}
        wanted: list[tuple[str, int, date, str, str]] = []
        people = self.people
        for _number, key, title, amount, when, who, _what in won:
            closed = when[1]
            if closed is None or amount is None:
                continue
            client_id = people[id(who)][0]
            if key is None:
                fp = (client_id, closed.toordinal(), amount)
                n = occurrences.get(fp, 0)
                occurrences[fp] = n + 1
                key = d.revenue_fingerprint(client_id, closed, amount, n)
            wanted.append((key, client_id, closed, amount, title[:300]))
        return wanted

    def _revenue_batch(
        self,
        wanted: list[tuple[str, int, date, str, str]],
        *,
        write: bool,
        recent: dict[int, date],
        lookup: bool,
    ) -> None:
        existing: dict[str, tuple[int, int, date, Decimal, str]] = {}
        keys = [w[0] for w in wanted]
        step = 900 if connection.vendor == "sqlite" else 5000
        for start in range(0, len(keys) if lookup else 0, step):
            rows = RevenueRecord.objects.filter(
                source=self.source, external_id__in=keys[start : start + step]
            ).values_list("external_id", "id", "client_id", "date", "amount", "note")
            for ext, pk, client_id, old_day, old_amount, old_note in rows:
                if ext is not None:
                    existing[ext] = (pk, client_id, old_day, old_amount, old_note)
        fresh: list[tuple[str, int, date, str, str]] = []
        changed: list[RevenueRecord] = []
        unchanged = 0
        for key, client_id, day, amount, note in wanted:
            old = existing.get(key)
            value = (client_id, day, Decimal(amount), note)
            if old is None:
                fresh.append((key, client_id, day, amount, note))
            elif old[1:] == value:
                unchanged += 1
            else:
                changed.append(
                    RevenueRecord(
                        id=old[0], client_id=client_id, date=day, amount=value[2], note=note
                    )
                )
                if write:
                    self.ctx.undo.setdefault("revenue_updated", []).append(
                        [old[0], old[1], old[2].isoformat(), str(old[3]), old[4]]
                    )
        summary = self.ctx.summary
        summary.extra["revenue_created"] += len(fresh)
        summary.extra["revenue_updated"] += len(changed)
        summary.extra["revenue_unchanged"] += unchanged
        cutoff = self.today - timedelta(days=FEEDBACK_DAYS)
        for _key, client_id, day, amount, _note in fresh:
            if day >= cutoff and not amount.startswith("-") and amount != "0.00":
                recent[client_id] = max(day, recent.get(client_id, day))
        if not write:
            return
        _insert_revenue(fresh, self.source, self.stamp)
        if changed:
            RevenueRecord.objects.bulk_update(
                changed, ["client_id", "date", "amount", "note"], batch_size=1000
            )

    def _feedback_tasks(self, latest: dict[int, date]) -> None:
        """A recent won deal proposes a feedback (NPS) call, as `kam import revenue` does."""
        from kam.clients.models import Client
        from kam.relations.services import feedback_task_after_deal

        if not latest:
            return
        for client in Client.objects.filter(pk__in=list(latest)).select_related("manager"):
            feedback_task_after_deal(
                actor=self.ctx.actor, client=client, deal_date=latest[client.pk]
            )
