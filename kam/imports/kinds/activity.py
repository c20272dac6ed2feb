"""Contact-log and NPS files: rows for unknown clients are errors."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.utils import timezone

from kam.imports import domain as d
from kam.imports import nps_bridge
from kam.imports.domain import ColumnMap, Problem
from kam.imports.kinds.base import Context, Handler, Progress, choice_map
from kam.relations.choices import ContactChannel, ToneChoice
from kam.relations.models import Interaction
from kam.relations.signals import contact_log_changed

CONTACT_CHANNELS = (
    ("звонок", "call"),
    ("телефон", "call"),
    ("встреча", "meeting"),
    ("визит", "visit"),
    ("письмо", "email"),
    ("email", "email"),
    ("почта", "email"),
    ("whatsapp", "messenger"),
    ("telegram", "messenger"),
    ("мессенджер", "messenger"),
)
TONES = (
    ("позитивный", "positive"),
    ("положительный", "positive"),
    ("+", "positive"),
    ("нейтральный", "neutral"),
    ("0", "neutral"),
    ("негативный", "negative"),
    ("отрицательный", "negative"),
    ("-", "negative"),
)


# --- interactions --------------------------------------------------------------------------


class InteractionsHandler(Handler):
    """The contact log: a row for an unknown client is an error; a repeated row is unchanged."""

    creates_clients = False

    def __init__(self, ctx: Context, cmap: ColumnMap) -> None:
        super().__init__(ctx, cmap)
        self.channels = choice_map(ContactChannel, *CONTACT_CHANNELS)
        self.tones = choice_map(ToneChoice, *TONES)
        self.items: list[tuple[int, dict[str, Any], str]] = []
        self.today = timezone.localdate()

    def row(self, number: int, cells: list[str]) -> None:
        if not self.check_width(number, cells):
            return
        errors = self.ctx.error_count
        ref = self.client(number, cells)
        day = self.parse(number, cells, "date", d.parse_date)
        if day is not None and day > self.today:
            self.fail(number, "date", self.cell(cells, "date"), Problem.of("future"))
        channel = self.parse(
            number, cells, "channel", partial(d.parse_choice, choices=self.channels)
        )
        if channel is None and not self.cell(cells, "channel"):
            self.fail(number, "channel", "", Problem.of("required"))
        tone = self.parse(number, cells, "tone", partial(d.parse_choice, choices=self.tones))
        if tone is None and not self.cell(cells, "tone"):
            self.fail(number, "tone", "", Problem.of("required"))
        personal = self.parse(number, cells, "personal", lambda t: d.parse_bool(t, default=True))
        manager = self.manager(number, cells)
        if not manager and self.ctx.actor is None:
            self.fail(number, "manager", "", Problem.of("required"))
        summary = self.cell(cells, "summary") or self.cell(cells, "comment")
        if self.ctx.error_count != errors or ref is None:
            return
        values = {
            "client_id": ref,
            "date": day,
            "channel": channel,
            "tone": tone,
            "personal": personal,
            "summary": summary,
        }
        self.items.append((number, values, manager))

    def apply(self, *, write: bool, progress: Progress | None) -> None:
        summary = self.ctx.summary
        made = self.ctx.create_users() if write else {}
        clients = {ref for _n, v, _m in self.items for ref in [v["client_id"]]}
        existing = set(
            Interaction.objects.filter(client_id__in=clients, planned=False).values_list(
                "client_id", "date", "channel", "author_id", "summary"
            )
        )
        new: list[Interaction] = []
        for _number, values, manager in self.items:
            ref = self.ctx.find_manager(manager, 0) if manager else None
            author_id = ref if isinstance(ref, int) and ref > 0 else None
            if author_id is None and isinstance(ref, int) and ref < 0:
                author_id = made[ref].pk if write else ref
            if author_id is None:
                author_id = self.ctx.actor.pk if self.ctx.actor is not None else 0
            key = (values["client_id"], values["date"], values["channel"], author_id,
                   values["summary"])  # fmt: skip
            if key in existing:
                summary.unchanged += 1
                continue
            existing.add(key)
            summary.created += 1
            new.append(Interaction(author_id=author_id, **values))
        if write:
            saved = Interaction.objects.bulk_create(new, batch_size=1000)
            pks = [i.pk for i in saved if i.pk is not None]
            self.ctx.written["interactions"] = pks
            changed = {i.client_id for i in saved}
            contact_log_changed.send(sender=Interaction, client_ids=sorted(changed))


# --- NPS -----------------------------------------------------------------------------------


class NpsHandler(Handler):
    """NPS answers collected elsewhere (a phone round in a spreadsheet, another survey tool)."""

    creates_clients = False

    def __init__(self, ctx: Context, cmap: ColumnMap) -> None:
        super().__init__(ctx, cmap)
        self.items: list[dict[str, Any]] = []
        self.today = timezone.localdate()

    def row(self, number: int, cells: list[str]) -> None:
        if not self.check_width(number, cells):
            return
        errors = self.ctx.error_count
        ref = self.client(number, cells)
        score = self.parse(number, cells, "score", d.parse_score)
        day = self.today
        if self.cell(cells, "date"):
            day = self.parse(number, cells, "date", d.parse_date)
            if day is not None and day > self.today:
                self.fail(number, "date", self.cell(cells, "date"), Problem.of("future"))
        respondent = self.cell(cells, "respondent") or self.cell(cells, "full_name")
        if self.ctx.error_count != errors or ref is None:
            return
        self.items.append(
            {
                "row": number,
                "client_id": ref,
                "score": score,
                "date": day,
                "comment": self.cell(cells, "comment"),
                "respondent": respondent[:300],
            }
        )

    def apply(self, *, write: bool, progress: Progress | None) -> None:
        created, unchanged = nps_bridge.record_answers(
            actor=self.ctx.actor, items=self.items, write=write
        )
        self.ctx.summary.created += created
        self.ctx.summary.unchanged += unchanged
        if write and created:
            self.ctx.written["nps_answers"] = created  # written by the surveys app: no undo
