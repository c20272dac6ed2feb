"""Calls against the checklist: transcripts, their analysis, and the editable method
(industry lexicons, checklist items, reference lines)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kam.calls.choices import CheckKind, QuestionCategory
from kam.clients.models import Client


class Industry(models.Model):
    """A set of question words and a checklist (real estate, generic B2B...)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("call industry preset")
        verbose_name_plural = _("call industry presets")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class QuestionLexicon(models.Model):
    """The words of one question category in one industry: one word or phrase a line."""

    industry = models.ForeignKey(
        Industry, on_delete=models.CASCADE, related_name="lexicons", verbose_name=_("industry")
    )
    category = models.CharField(_("category"), max_length=20, choices=QuestionCategory.choices)
    words = models.TextField(_("words and phrases"), blank=True)

    class Meta:
        verbose_name = _("question lexicon")
        verbose_name_plural = _("question lexicons")
        constraints = [
            models.UniqueConstraint(fields=["industry", "category"], name="calls_lexicon_unique")
        ]

    def __str__(self) -> str:
        return f"{self.industry} · {self.category}"

    def entries(self) -> list[str]:
        """The words, one a line or separated by commas."""
        parts = self.words.replace(",", "\n").splitlines()
        return [p.strip() for p in parts if p.strip()]


class ChecklistItem(models.Model):
    """One item of the call checklist with its weight and threshold."""

    industry = models.ForeignKey(
        Industry, on_delete=models.CASCADE, related_name="checklist", verbose_name=_("industry")
    )
    check_kind = models.CharField(_("check"), max_length=30, choices=CheckKind.choices)
    title = models.CharField(_("title"), max_length=200)
    weight = models.DecimalField(
        _("weight"), max_digits=5, decimal_places=2, default=1, validators=[MinValueValidator(0)]
    )
    threshold = models.DecimalField(
        _("threshold"), max_digits=8, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["industry", "position", "id"]

    def __str__(self) -> str:
        return self.title


class CallSettings(models.Model):
    """The one row of call settings: the industry in use and the reference lines."""

    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, related_name="+", verbose_name=_("industry in use")
    )
    newcomer_questions_low = models.PositiveSmallIntegerField(
        _("newcomer questions a call, from"), default=4
    )
    newcomer_questions_high = models.PositiveSmallIntegerField(
        _("newcomer questions a call, to"), default=5
    )
    habit_weeks = models.PositiveSmallIntegerField(
        _("weeks for a habit to settle"),
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(104)],
    )

    class Meta:
        verbose_name = _("call settings")
        verbose_name_plural = _("call settings")

    def __str__(self) -> str:
        return str(self.industry)


class Call(models.Model):
    """One phone call with its transcript and the stored result of its analysis.

    The counts are columns so reports aggregate them in SQL; the call page re-runs the
    analysis to show which sentence is which question.
    """

    external_id = models.CharField(_("call ID"), max_length=200, unique=True)
    day = models.DateField(_("date"), db_index=True)
    started_at = models.TimeField(_("time"), null=True, blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="calls",
        verbose_name=_("manager"),
    )
    client = models.ForeignKey(
        Client,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name=_("client"),
    )
    client_label = models.CharField(_("client as named in the file"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    duration_seconds = models.PositiveIntegerField(_("duration, s"), null=True, blank=True)
    source = models.CharField(_("file"), max_length=300, blank=True)
    transcript: Any = models.JSONField(_("transcript"), default=list)
    questions_technical = models.PositiveSmallIntegerField(default=0)
    questions_personal = models.PositiveSmallIntegerField(default=0)
    questions_motivation = models.PositiveSmallIntegerField(default=0)
    questions_other = models.PositiveSmallIntegerField(default=0)
    price_named = models.BooleanField(_("exact price named"), default=False)
    meeting_proposed = models.BooleanField(_("meeting proposed"), default=False)
    meeting_agreed = models.BooleanField(_("meeting agreed"), default=False)
    manager_talk_share = models.FloatField(_("manager talk share"), default=0)
    longest_monologue_words = models.PositiveIntegerField(_("longest monologue, words"), default=0)
    score = models.FloatField(_("checklist score"), default=0)
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-day", "-started_at", "-id"]
        indexes = [models.Index(fields=["manager", "day"], name="calls_manager_day")]

    def __str__(self) -> str:
        return self.external_id

    @property
    def questions_total(self) -> int:
        return (
            self.questions_technical
            + self.questions_personal
            + self.questions_motivation
            + self.questions_other
        )
