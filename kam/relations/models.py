"""The contact log: every interaction with a client, done or planned."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kam.clients.models import Client, Contact
from kam.relations.choices import (
    ContactChannel,
    CorrectionKind,
    EntryKind,
    KamStage,
    TaskKind,
    ToneChoice,
)


class Interaction(models.Model):
    """One contact with a client: date, channel, personal or not, tone, summary.

    A planned contact has `planned=True` and no tone yet; it counts for nothing until done.
    """

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="interactions", verbose_name=_("client")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="interactions",
        verbose_name=_("who"),
    )
    date = models.DateField(_("date"), db_index=True)
    channel = models.CharField(_("channel"), max_length=20, choices=ContactChannel.choices)
    personal = models.BooleanField(_("the manager took part personally"), default=True)
    tone = models.CharField(_("tone"), max_length=10, choices=ToneChoice.choices, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    contacts = models.ManyToManyField(Contact, blank=True, verbose_name=_("contacts involved"))
    planned = models.BooleanField(_("planned"), default=False)
    duration_minutes = models.PositiveIntegerField(
        _("time spent, minutes"),
        null=True,
        blank=True,
        help_text=_("Optional: the seller's time is the scarcest resource; count it."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    if TYPE_CHECKING:
        client_id: int
        author_id: int

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["client", "planned", "tone", "date"]),
            # Deals keep the first meeting or visit with their client logged during their life
            # (deals' `met_on`): one short range of dates per deal, no table reads.
            models.Index(
                fields=["client", "date", "channel", "planned"], name="interaction_channel_probe"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client_id} {self.date} {self.channel}"


class InteractionRevision(models.Model):
    """A correction of a contact-log entry: who, when, the entry before and after.

    Kept when the entry itself is deleted (`interaction` is then empty, `interaction_ref`
    still names it); `before["bank_entries"]` lists emotional-bank entries taken back with it.
    """

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="+", verbose_name=_("client")
    )
    interaction = models.ForeignKey(
        Interaction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="revisions",
        verbose_name=_("contact"),
    )
    interaction_ref = models.PositiveBigIntegerField(_("contact number"))
    kind = models.CharField(_("change"), max_length=10, choices=CorrectionKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("who")
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    before = models.JSONField(_("before"), default=dict)
    after = models.JSONField(_("after"), null=True, blank=True)

    if TYPE_CHECKING:
        client_id: int
        interaction_id: int | None

    class Meta:
        verbose_name = _("contact-log correction")
        verbose_name_plural = _("contact-log corrections")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["client", "-at"])]

    def __str__(self) -> str:
        return f"{self.interaction_ref} {self.kind}"

    @property
    def changes(self) -> list[tuple[str, str, str]]:
        """(field, before, after) as people read them; after is empty for a deletion."""
        after = self.after or {}
        out = []
        for name, label in _FIELD_LABELS.items():
            old, new = self.before.get(name), after.get(name)
            if self.after is not None and old == new:
                continue
            out.append((str(label), _shown(name, old), _shown(name, new) if self.after else ""))
        return out

    @property
    def entry_date(self) -> date | None:
        raw = self.before.get("date")
        return date.fromisoformat(raw) if isinstance(raw, str) else None

    @property
    def bank_entries_taken_back(self) -> list[dict[str, Any]]:
        taken: list[dict[str, Any]] = self.before.get("bank_entries", [])
        return taken


_FIELD_LABELS = {
    "date": _("date"),
    "channel": _("channel"),
    "personal": _("in person"),
    "tone": _("tone"),
    "summary": _("summary"),
    "duration_minutes": _("time spent, minutes"),
    "contacts": _("contacts involved"),
}


def _shown(name: str, value: Any) -> str:
    """One value of a snapshot the way the contact log shows it."""
    if value is None or value == "" or value == []:
        return "—"
    if name == "date":
        return date.fromisoformat(value).strftime("%d.%m.%Y")
    if name == "channel":
        return str(dict(ContactChannel.choices).get(value, value))
    if name == "tone":
        return str(dict(ToneChoice.choices).get(value, value))
    if name == "personal":
        return str(_("yes") if value else _("no"))
    if name == "contacts":
        return ", ".join(value)
    return str(value)


class RelationshipStage(models.Model):
    """A stage of the relationship with a client (SPEC §4); the list is admin-editable data."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    description = models.TextField(_("description"), blank=True)
    advice = models.TextField(_("advice"), blank=True)
    kam_stage = models.CharField(
        _("McDonald's KAM stage"), max_length=20, choices=KamStage.choices, blank=True
    )
    is_crisis = models.BooleanField(_("crisis stage"), default=False)
    checklist_template = models.TextField(_("checklist template (one task per line)"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("relationship stage")
        verbose_name_plural = _("relationship stages")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def template_tasks(self) -> list[str]:
        return [line.strip() for line in self.checklist_template.splitlines() if line.strip()]


class StageChange(models.Model):
    """A dated move of a client to a stage, with the reason; the latest one is current."""

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="stage_changes", verbose_name=_("client")
    )
    stage = models.ForeignKey(
        RelationshipStage, on_delete=models.PROTECT, related_name="+", verbose_name=_("stage")
    )
    date = models.DateField(_("since"))
    reason = models.CharField(_("reason"), max_length=500)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    if TYPE_CHECKING:
        client_id: int
        stage_id: int

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["client", "-date", "-id"])]

    def __str__(self) -> str:
        return f"{self.client_id}→{self.stage_id} {self.date}"


class BankCatalogueEntry(models.Model):
    """A typical deposit or withdrawal to pick from, optionally for one stage (admin-editable)."""

    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    title = models.CharField(_("entry"), max_length=200)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=2, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    stage = models.ForeignKey(
        RelationshipStage,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="catalogue",
        verbose_name=_("stage (empty: any)"),
    )
    source = models.CharField(_("source"), max_length=100, blank=True)
    # Entries KAM proposes by itself (after a negative contact, …) are found by this code.
    code = models.SlugField(max_length=40, blank=True, editable=False)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("typical entry")
        verbose_name_plural = _("typical entries")
        ordering = ["kind", "title"]

    def __str__(self) -> str:
        return self.title


class BankEntry(models.Model):
    """A deposit or withdrawal in a client's emotional bank account (SPEC §4)."""

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="bank_entries", verbose_name=_("client")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    weight = models.PositiveSmallIntegerField(
        _("weight"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    stage = models.ForeignKey(
        RelationshipStage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("stage"),
    )
    date = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=500)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("who")
    )
    interaction = models.ForeignKey(
        Interaction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bank_entries",
        verbose_name=_("contact"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    if TYPE_CHECKING:
        client_id: int
        stage_id: int | None

    class Meta:
        verbose_name = _("bank entry")
        verbose_name_plural = _("bank entries")
        ordering = ["-date", "-id"]
        # The client's entries in (date, id) order, with kind and weight: balances and the
        # withdrawal run of the relationships overview are read from the index alone.
        indexes = [
            models.Index(
                fields=["client", "date", "id", "kind", "weight"], name="bank_balance_cover"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gte=1, weight__lte=5), name="bank_weight_1_5"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["deposit", "withdrawal"]), name="bank_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.weight}"

    @property
    def signed(self) -> int:
        return self.weight if self.kind == EntryKind.DEPOSIT else -self.weight


class ChecklistTask(models.Model):
    """A task that strengthens the relationship, with an owner, a due date and a done state."""

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="checklist", verbose_name=_("client")
    )
    title = models.CharField(_("task"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="relationship_tasks",
        verbose_name=_("owner"),
    )
    due = models.DateField(_("due date"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    kind = models.CharField(max_length=20, choices=TaskKind.choices, default=TaskKind.MANUAL)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    if TYPE_CHECKING:
        client_id: int
        owner_id: int

    class Meta:
        verbose_name = _("relationship task")
        verbose_name_plural = _("relationship tasks")
        ordering = ["done", "due", "id"]

    def __str__(self) -> str:
        return self.title
