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
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from kam.deals import domain as deals_domain
from kam.deals.domain import Step
from kam.deals.models import Deal
from kam.deals.services import DealRecord, MeetingDates, deals_upsert
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


def deal_aliases(preset: Preset) -> dict[str, tuple[str, ...]]:
    own = OWN.get(preset, {})
    names = [*COMMON, *(n for n in own if n not in COMMON)]
    return {name: own.get(name, ()) + COMMON.get(name, ()) for name in names}


@dataclass(slots=True)
class Row:
    number: int
    external_id: str | None
    client_ref: int
    client_key: str
    manager_ref: int | None
    title: str
    amount: str | None
    created: date
    closed: date | None
    stage: str
    step: Step
    source_text: str
    loss_reason: str
    modified: date | None


class DealsHandler(Handler):
    """Deals rows: all of them, whatever their stage, with the stage mapped to a funnel step."""

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
        self.rows: list[Row] = []
        self.seen_ids: dict[str, int] = {}
        self.today = timezone.localdate()
        self._strings: dict[str, str] = {}  # one copy of each stage, source, reason text
        self._dates: dict[str, date | Problem] = {}
        self._folds: dict[str, str] = {}

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

    def row(self, number: int, cells: list[str]) -> None:
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
        self.rows.append(
            Row(
                number,
                external,
                ref,
                client_key,
                manager_ref,
                title or "",
                amount,
                created,
                closed,
                self._one(stage.strip()[:200]),
                step,
                self._one(source_text or ""),
                self._one(loss or ""),
                modified,
            )
        )

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

    def apply(self, *, write: bool, progress: Progress | None) -> None:
        made: dict[int, int] = {}
        if write:
            users = self.ctx.create_users()
            ids = self.ctx.create_clients(users)
            made = {ref: user.pk for ref, user in users.items()}
        else:
            # A dry run cannot know the new clients' ids; their rows are all new anyway.
            ids = {n.ref: n.ref for n in self.ctx.new_clients}
        client_ids = [self.resolve(r.client_ref, ids) for r in self.rows]
        owners = self._client_managers(client_ids)
        default = self.ctx.default_manager.pk if self.ctx.default_manager else 0
        occurrences: dict[tuple[str, date, str], int] = {}
        summary = self.ctx.summary
        summary.extra["stage_changes"] = 0
        self.stamp = timezone.now()
        # The CRM's first deals in KAM: nothing to look up, and a big load builds the deal
        # indexes after the insert.
        self.lookup = Deal.objects.filter(source_system=self.source).exists()
        self.meetings = MeetingDates()  # each client's logged meetings, read once (deals.met_on)
        sources: dict[str, str] = {}
        batch: list[DealRecord] = []
        done = 0
        rows = len(self.rows) if write and not self.lookup else 0
        with _bulk_write(rows, Deal):
            for row, client_id in zip(self.rows, client_ids, strict=True):
                manager_id = row.manager_ref
                if manager_id is not None and manager_id < 0:
                    manager_id = made.get(manager_id, default)
                if manager_id is None:
                    manager_id = owners.get(client_id, default)
                key = row.external_id
                if key is None:
                    fp = (row.client_key, row.created, row.title)
                    n = occurrences.get(fp, 0)
                    occurrences[fp] = n + 1
                    digest = hashlib.sha256(f"{fp[0]}|{fp[1]}|{fp[2]}|{n}".encode()).hexdigest()
                    key = "fp:" + digest[:32]
                source = sources.get(row.source_text)
                if source is None:
                    source = sources[row.source_text] = deals_domain.map_source(row.source_text)
                batch.append(
                    DealRecord(
                        key=key,
                        client_id=client_id,
                        manager_id=manager_id,
                        title=row.title,
                        amount=Decimal(row.amount) if row.amount is not None else None,
                        created=row.created,
                        closed=row.closed,
                        stage=row.stage,
                        step=row.step,
                        source=source,
                        source_text=row.source_text,
                        loss_reason=row.loss_reason,
                        changed_on=row.modified or self.today,
                    )
                )
                if len(batch) >= BATCH * 4:
                    done += self._write(batch, write=write)
                    batch = []
                    if progress is not None:
                        progress("write", done)
            done += self._write(batch, write=write)
        self._revenue(client_ids, write=write)
        if write:
            self.ctx.written["deals"] = {
                "source_system": self.source,
                "stamp": self.stamp.isoformat(),
                "count": summary.created,
            }
        if progress is not None:
            progress("write", done)

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

    def _revenue(self, client_ids: list[int], *, write: bool) -> None:
        """Won deals as revenue records, keyed exactly as `kam import revenue` keys them."""
        occurrences: dict[tuple[int, int, str], int] = {}
        wanted: list[tuple[str, int, date, str, str]] = []
        for row, client_id in zip(self.rows, client_ids, strict=True):
            if row.step is not Step.WON or row.closed is None or row.amount is None:
                continue
            key = row.external_id
            if key is None:
                fp = (client_id, row.closed.toordinal(), row.amount)
                n = occurrences.get(fp, 0)
                occurrences[fp] = n + 1
                key = d.revenue_fingerprint(client_id, row.closed, row.amount, n)
            wanted.append((key, client_id, row.closed, row.amount, row.title[:300]))
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
