"""Contrast analysis (SPEC §8, seed 003): a named, dated analysis, the clients picked on each
side with their evidence, questionnaire answers with cause tags, and the fixes turned into
tasks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kam.clients.models import Client
from kam.reviews.choices import Question, Side, TagSide


class CauseTag(models.Model):
    """A cause that answers are tagged with (admin-editable vocabulary)."""

    name_ru = models.CharField(_("name (Russian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    side = models.CharField(
        _("used on"), max_length=12, choices=TagSide.choices, default=TagSide.BOTH
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("cause tag")
        verbose_name_plural = _("cause tags")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "ru").split("-")[0]
        return self.name_en if language == "en" and self.name_en else self.name_ru


class Analysis(models.Model):
    """A named, dated contrast analysis: candidates are proposed as of `as_of`."""

    name = models.CharField(_("name"), max_length=200)
    as_of = models.DateField(_("analysis date"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    if TYPE_CHECKING:
        author_id: int

    class Meta:
        verbose_name = _("contrast analysis")
        verbose_name_plural = _("contrast analyses")
        ordering = ["-as_of", "-id"]

    def __str__(self) -> str:
        return self.name


class Entry(models.Model):
    """A client picked on one side, with the evidence of its (dis)satisfaction.

    `evidence` holds the candidate's figures when KAM proposed it, `evidence_note` what the
    picker typed in; one client appears at most once per analysis, so never on both sides."""

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="entries")
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="+", verbose_name=_("client")
    )
    side = models.CharField(_("side"), max_length=12, choices=Side.choices)
    evidence = models.JSONField(_("evidence (figures)"), default=dict, blank=True)
    evidence_note = models.TextField(_("evidence (typed in)"), max_length=2000, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    if TYPE_CHECKING:
        client_id: int
        analysis_id: int

    class Meta:
        verbose_name = _("analysed client")
        verbose_name_plural = _("analysed clients")
        ordering = ["side", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["analysis", "client"], name="reviews_client_once_per_analysis"
            )
        ]

    def __str__(self) -> str:
        return f"{self.side}:{self.client_id}"


class Answer(models.Model):
    """The answer to one question of an entry's questionnaire, with its cause tags."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField(_("question"), max_length=20, choices=Question.choices)
    option = models.CharField(_("option"), max_length=20, blank=True)
    text = models.TextField(_("answer"), max_length=4000, blank=True)
    tags = models.ManyToManyField(CauseTag, related_name="answers", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    if TYPE_CHECKING:
        entry_id: int

    class Meta:
        verbose_name = _("questionnaire answer")
        verbose_name_plural = _("questionnaire answers")
        ordering = ["entry", "id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "question"], name="reviews_one_answer")
        ]

    def __str__(self) -> str:
        return self.question


class ReviewTask(models.Model):
    """A fix (or a strength to reinforce) chosen in the synthesis, turned into a task."""

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="tasks")
    tag = models.ForeignKey(
        CauseTag,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cause"),
    )
    title = models.CharField(_("task"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="review_tasks",
        verbose_name=_("owner"),
    )
    due = models.DateField(_("due date"))
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    if TYPE_CHECKING:
        owner_id: int
        analysis_id: int
        tag_id: int | None

    class Meta:
        verbose_name = _("analysis task")
        verbose_name_plural = _("analysis tasks")
        ordering = ["done", "due", "id"]

    def __str__(self) -> str:
        return self.title
