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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from itertools import chain
from operator import itemgetter
from typing import Any

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
    deals_copy_tail,
    deals_insert_new,
    deals_upsert,
)
from kam.imports import domain as d
from kam.imports.domain import ColumnMap, Kind, Preset, Problem, RowError
from kam.imports.kinds.base import BATCH, Context, Handler, Progress
from kam.imports.kinds.revenue import FEEDBACK_DAYS, _bulk_write, _insert_revenue
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
        self.seen_ids: dict[str, int] = {}
        self.today = timezone.localdate()
        self._strings: dict[str, str] = {}  # one copy of each stage, source, reason text
        self._dates: dict[str, date | Problem] = {}
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
        value = self._dates.get(raw)
        if value is None:
            value = d.parse_date(raw)
            if len(self._dates) < 100_000:
                self._dates[raw] = value
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

    def _keep(self) -> None:
        """The chunk's taken rows join the rest, as one tuple."""
        if self._chunk:
            self._parts.append(tuple(self._chunk))
            self._count += len(self._chunk)
            self._chunk = []

    @property
    def rows(self) -> Iterator[Row]:
        """The checked rows, in file order."""
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
        fallback = self.cell(cells, "full_name") if "full_name" in self.columns else ""
        ref = self.client(number, cells, fallback=fallback)
        manager_name = self.manager(number, cells) if "manager" in self.columns else ""
        title = self.parse(number, cells, "title", lambda t: d.check_length(t, limit=300))
        loss = self.parse(number, cells, "loss_reason", lambda t: d.check_length(t, limit=300))
        source_text = self.parse(number, cells, "source", lambda t: d.check_length(t, limit=200))
        if ref is not None and manager_name:
            # Even on a failing row: its new client must not also be reported as ownerless.
            self.note_manager(ref, manager_name, created)
        if ctx.error_count != errors or ref is None or step is None or created is None:
            return
        manager_ref = None
        if manager_name:
            found = ctx.find_manager(manager_name, number)
            manager_ref = found if isinstance(found, int) else None
        client_key = self.cell(cells, "inn") or self.ctx.folded(
            self.cell(cells, "client") or fallback
        )
        source_text, loss = self._one(source_text or ""), self._one(loss or "")
        source = self._sources.get(source_text)
        if source is None:
            source = self._sources[source_text] = deals_domain.map_source(source_text)
        when = self._when(created, closed, modified, stage, step)
        who: Who = (ref, client_key, manager_ref, manager_name)
        what: What = (source_text, loss, (source, source_text, loss))
        self._chunk.append((number, external, title or "", amount, when, who, what))

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
        value = self._dates.get(raw)
        if value is None:
            value = d.parse_date(raw)
            if len(self._dates) < 100_000:
                self._dates[raw] = value
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
        shared = {id(who): who for who in (row[5] for row in self.rows)}
        client_of = {who: self.resolve(who[0], ids) for who in set(shared.values())}
        owners = self._client_managers(list(client_of.values()))
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
        # SQLite gets each amount as the number it stores; PostgreSQL each deal as its line
        # of COPY text, the parts a file repeats formatted once, into one COPY (see
        # deals_insert_new, deals_copy_new).
        numbers = _Numbers() if connection.vendor == "sqlite" else None
        tail = None
        if connection.vendor == "postgresql":
            tail = deals_copy_tail(self.source, self.stamp)
        copy_parts: dict[int, str] = {}  # id of a shared when or what part → its COPY text
        # Each client's logged meetings, for `met_on` (none at all in a CRM's first load).
        logged = self.meetings.of({c for c, _m in pairs.values()}) if new_only else {}
        first_meeting = deals_domain.first_meeting
        with (
            _bulk_write(big, Deal),
            self._new_deals(write=write, copy=tail is not None and new_only) as insert,
        ):
            for row in self.rows:
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
        self._revenue(won, write=write)
        if write:
            self.ctx.written["deals"] = {
                "source_system": self.source,
                "stamp": self.stamp.isoformat(),
                "count": summary.created,
            }
        if progress is not None:
            progress("write", done)

    @contextmanager
    def _new_deals(self, *, write: bool, copy: bool) -> Iterator[Callable[[list[Any]], int]]:
        """Where the deals of a CRM that has none in KAM yet go (every one is new): batches
        of rows (SQLite) or of COPY lines fed to one COPY (PostgreSQL); nowhere on a dry
        run. Yields `insert(batch)`, which returns the batch's size."""
        summary = self.ctx.summary

        def count(rows: list[Any]) -> int:
            summary.created += len(rows)
            return len(rows)

        if not write:
            yield count
        elif copy:
            with deals_copy_new(self.source, self.stamp) as send:

                def sent(lines: list[str]) -> int:
                    if lines:
                        send(lines)
                    return count(lines)

                yield sent
        else:

            def inserted(rows: list[Any]) -> int:
                deals_insert_new(rows, source_system=self.source, stamp=self.stamp)
                return count(rows)

            yield inserted

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

    def _revenue(self, won: list[Row], *, write: bool) -> None:
        """Won deals as revenue records, keyed exactly as `kam import revenue` keys them."""
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
        summary = self.ctx.summary
        for name in ("revenue_created", "revenue_updated", "revenue_unchanged"):
            summary.extra[name] = 0
        recent: dict[int, date] = {}
        lookup = RevenueRecord.objects.filter(source=self.source).exists()
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
