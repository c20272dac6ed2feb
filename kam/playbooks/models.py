"""Difficult-client types with their cards and checklists, the tags that put a client in a
type, and complaint cases worked through the steps of SPEC §7 (moved here from surveys; the
tables were renamed by migration, every row kept)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from kam.playbooks.choices import CaseSource, CaseStep, TypeCode


def _in_language(ru: str, en: str) -> str:
    """The English text in English (when written), the Russian text otherwise."""
    language = (get_language() or "ru").split("-")[0]
    return en if language == "en" and en else ru


class DifficultType(models.Model):
    """One of the ten difficult-client types: a card with advice and a checklist (SPEC §7).

    The code is stable (the API and the behaviours rely on it); texts are admin-editable in
    both languages, and `behaviour_on` turns off what KAM does by itself for the type."""

    code = models.CharField(_("code"), max_length=20, choices=TypeCode.choices, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name_ru = models.CharField(_("name (Russian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    portrait_ru = models.TextField(_("how to recognise (Russian)"), blank=True)
    portrait_en = models.TextField(_("how to recognise (English)"), blank=True)
    advice_ru = models.TextField(_("how to work (Russian)"))
    advice_en = models.TextField(_("how to work (English)"), blank=True)
    behaviour_on = models.BooleanField(_("KAM acts on this type by itself"), default=True)

    class Meta:
        verbose_name = _("difficult-client type")
        verbose_name_plural = _("difficult-client types")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_language(self.name_ru, self.name_en)

    @property
    def portrait(self) -> str:
        return _in_language(self.portrait_ru, self.portrait_en)

    @property
    def advice(self) -> str:
        return _in_language(self.advice_ru, self.advice_en)

    @property
    def advice_lines(self) -> list[str]:
        return [line.strip() for line in self.advice.splitlines() if line.strip()]


class ChecklistItem(models.Model):
    """A short checklist item of a type's card, ticked per client."""

    type = models.ForeignKey(DifficultType, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text_ru = models.CharField(_("item (Russian)"), max_length=300)
    text_en = models.CharField(_("item (English)"), max_length=300, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    if TYPE_CHECKING:
        type_id: int

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return _in_language(self.text_ru, self.text_en)


class ClientTypeTag(models.Model):
    """A client put in a type by a manager, with the evidence; removal keeps the row (history)."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="difficult_tags"
    )
    type = models.ForeignKey(DifficultType, on_delete=models.PROTECT, related_name="tags")
    note = models.TextField(_("evidence"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    if TYPE_CHECKING:
        client_id: int
        type_id: int

    class Meta:
        verbose_name = _("difficult-client tag")
        verbose_name_plural = _("difficult-client tags")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "type"],
                condition=models.Q(removed_at__isnull=True),
                name="one_live_tag_per_type",
            )
        ]

    def __str__(self) -> str:
        return f"{self.client_id}:{self.type_id}"


class ChecklistTick(models.Model):
    """A checklist item ticked for one client."""

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="ticks")
    ticked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ticked_at = models.DateTimeField(auto_now_add=True)

    if TYPE_CHECKING:
        item_id: int

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "item"], name="one_tick_per_item")]

    def __str__(self) -> str:
        return str(self.item_id)


class RootCause(models.Model):
    """A root cause of complaints to pick when diagnosing a case (admin-editable list)."""

    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("root cause")
        verbose_name_plural = _("root causes")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_language(self.name_ru, self.name_en)


def _hours(label: StrOrPromise, default: int) -> models.PositiveIntegerField[int, int]:
    return models.PositiveIntegerField(
        label, default=default, validators=[MinValueValidator(1), MaxValueValidator(24 * 90)]
    )


class PlaybookSettings(models.Model):
    """One row (pk=1): the SLA of each complaint step and the numbers of the type behaviours."""

    sla_listen_hours = _hours(_("SLA: listen, hours"), 4)
    sla_understand_hours = _hours(_("SLA: understanding and apology, hours"), 8)
    sla_solution_hours = _hours(_("SLA: solution, hours"), 48)
    sla_thank_hours = _hours(_("SLA: thanks, hours"), 24)
    sla_act_hours = _hours(_("SLA: action, hours"), 72)
    sla_diagnose_hours = _hours(_("SLA: diagnosis, hours"), 120)
    disloyal_cadence_percent = models.PositiveSmallIntegerField(
        _("disloyal: contact cadence, percent of the usual"),
        default=50,
        validators=[MinValueValidator(10), MaxValueValidator(100)],
    )
    price_validity_days = models.PositiveSmallIntegerField(
        _("Scrooge: price validity, days"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    product_sheet = models.CharField(
        _("know-nothing: the plain-words product sheet (name or link)"),
        max_length=300,
        blank=True,
    )

    class Meta:
        verbose_name = _("playbook settings")
        verbose_name_plural = _("playbook settings")

    def __str__(self) -> str:
        return str(_("Playbook settings"))

    def sla_hours(self) -> dict[str, int]:
        """SLA of each step in hours, by step code."""
        return {step.value: getattr(self, f"sla_{step.value}_hours") for step in CaseStep}


def playbook_settings() -> PlaybookSettings:
    """The settings row, created with the defaults on first use."""
    row, _created = PlaybookSettings.objects.get_or_create(pk=1)
    return row


class ComplaintCase(models.Model):
    """A complaint (from any source, an NPS critic included) worked through the steps of
    SPEC §7; it closes only with a diagnosis."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="complaint_cases"
    )
    # The NPS answer that opened the case (surveys), by name: playbooks imports no surveys.
    answer = models.OneToOneField(
        "surveys.Answer", on_delete=models.PROTECT, null=True, blank=True, related_name="case"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="complaint_cases"
    )
    source = models.CharField(
        _("source"), max_length=20, choices=CaseSource.choices, default=CaseSource.CALL
    )
    about_manager = models.BooleanField(_("about the client's manager"), default=False)
    # The manager the complaint is about (the client's manager when it was opened).
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("manager"),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    summary = models.TextField(_("what the client says"), blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    cause = models.ForeignKey(
        RootCause,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("root cause"),
    )
    root_cause = models.TextField(_("root cause"), blank=True)
    change_made = models.TextField(_("what changed so that it does not repeat"), blank=True)
    # Deadline of the step now due (set when the previous step is recorded, from the SLA).
    next_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    escalated_at = models.DateTimeField(null=True, blank=True)

    if TYPE_CHECKING:
        client_id: int
        owner_id: int
        cause_id: int | None
        escalated_to_id: int | None

    class Meta:
        verbose_name = _("complaint case")
        verbose_name_plural = _("complaint cases")
        ordering = ["closed_at", "-opened_at"]

    def __str__(self) -> str:
        return f"case {self.pk}"


class CaseStepRecord(models.Model):
    """One step of a case, done by its owner at a moment, against the step's SLA deadline."""

    case = models.ForeignKey(ComplaintCase, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(max_length=20, choices=CaseStep.choices)
    note = models.TextField(_("note"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField(null=True, blank=True)
    late = models.BooleanField(default=False)

    class Meta:
        ordering = ["done_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "step"], name="one_record_per_step")]

    def __str__(self) -> str:
        return self.step
