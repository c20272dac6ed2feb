"""The ideal customer profile: the workshop that makes it, its versions, scores and actions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kam.clients.models import Client
from kam.profiles.domain import SCORE_MAX, SCORE_MIN


class WorkshopStep(models.TextChoices):
    """The workshop's steps, in order (seed 001)."""

    PICK = "pick", _("Best and worst clients with their traits")
    INVERT = "invert", _("Positive opposites of the worst traits")
    MERGE = "merge", _("One list: merge duplicates")
    CHOOSE = "choose", _("Choose the five most important traits")
    DONE = "done", _("Done: the profile is saved")


class PickKind(models.TextChoices):
    BEST = "best", _("best")
    WORST = "worst", _("worst")


class Workshop(models.Model):
    """A session in which a head of sales and the team work out the ideal profile."""

    title = models.CharField(_("title"), max_length=200)
    step = models.CharField(
        _("step"), max_length=10, choices=WorkshopStep.choices, default=WorkshopStep.PICK
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("profile workshop")
        verbose_name_plural = _("profile workshops")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class WorkshopPick(models.Model):
    """A participant names a best or a worst client (current or former)."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="picks")
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("best or worst"), max_length=5, choices=PickKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    if TYPE_CHECKING:
        client_id: int
        participant_id: int

    class Meta:
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "participant", "client"], name="uniq_pick_per_participant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.client_id}"


class WorkshopTrait(models.Model):
    """A trait a participant wrote about a best or a worst client.

    A worst trait gets its positive `opposite`; in the merge step a duplicate points to the
    item it was merged into, so the counts of who named what survive the merge.
    """

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="traits")
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("best or worst"), max_length=5, choices=PickKind.choices)
    text = models.CharField(_("trait"), max_length=200)
    opposite = models.CharField(_("positive opposite"), max_length=200, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged"
    )
    chosen = models.BooleanField(_("chosen for the profile"), default=False)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    if TYPE_CHECKING:
        participant_id: int
        merged_into_id: int | None

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text

    @property
    def positive(self) -> str:
        """What the merged list shows: a best trait as written, a worst one by its opposite."""
        return self.text if self.kind == PickKind.BEST else (self.opposite or "")


class ProfileVersion(models.Model):
    """One version of the ideal profile. A new version never erases scores of older ones."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    workshop = models.ForeignKey(
        Workshop, on_delete=models.SET_NULL, null=True, blank=True, related_name="versions"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    # None: made by a command-line import (no user).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("profile version")
        verbose_name_plural = _("profile versions")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"v{self.number}"


class Trait(models.Model):
    """A trait of the ideal client in one profile version, with its weight."""

    version = models.ForeignKey(ProfileVersion, on_delete=models.CASCADE, related_name="traits")
    name = models.CharField(_("trait"), max_length=200)
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0)],
    )
    position = models.PositiveSmallIntegerField(default=0)

    if TYPE_CHECKING:
        version_id: int

    class Meta:
        verbose_name = _("profile trait")
        verbose_name_plural = _("profile traits")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="uniq_trait_per_version"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="trait_weight_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class TraitScore(models.Model):
    """A client's score on a trait. Append-only: the latest row is the score, older rows are
    its history (who scored, when), so a fit trend can be drawn. A None score clears it."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="trait_scores")
    trait = models.ForeignKey(Trait, on_delete=models.CASCADE, related_name="scores")
    score = models.SmallIntegerField(
        _("score"),
        null=True,
        blank=True,
        validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)],
    )
    # None: a command-line import (no user); `source` says where the score came from.
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    scored_at = models.DateTimeField(_("scored at"), auto_now_add=True)
    source = models.CharField(max_length=20, default="web")

    if TYPE_CHECKING:
        client_id: int
        trait_id: int
        scored_by_id: int | None

    class Meta:
        verbose_name = _("trait score")
        verbose_name_plural = _("trait scores")
        ordering = ["-scored_at", "-id"]
        indexes = [models.Index(fields=["client", "trait", "-id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX),
                name="trait_score_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.client_id}:{self.trait_id}={self.score}"


class ActionItem(models.Model):
    """What to do about a trait a client scores below zero on: an owner and a due date."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="fit_actions")
    trait = models.ForeignKey(Trait, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField(_("what to do"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
    )
    due = models.DateField(_("due date"))
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    if TYPE_CHECKING:
        client_id: int
        trait_id: int
        owner_id: int

    class Meta:
        verbose_name = _("fit action item")
        verbose_name_plural = _("fit action items")
        ordering = ["done", "due", "id"]
        indexes = [models.Index(fields=["owner", "done", "due"])]

    def __str__(self) -> str:
        return self.text


class DealAssessment(models.Model):
    """A deal in the win–win quadrant: did we win (margin, terms, strategic value) and did the
    client win (their stated goal met). A deal may be refused because it is not win–win."""

    deal = models.OneToOneField(
        "deals.Deal", on_delete=models.CASCADE, related_name="assessment", verbose_name=_("deal")
    )
    we_win = models.BooleanField(_("we win"), null=True, blank=True)
    our_gain = models.CharField(
        _("what we gain (margin, terms, strategic value)"), max_length=300, blank=True
    )
    client_wins = models.BooleanField(_("the client wins"), null=True, blank=True)
    client_goal = models.CharField(_("the client's stated goal"), max_length=300, blank=True)
    refused = models.BooleanField(_("refused: not win–win"), default=False)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    assessed_at = models.DateTimeField(auto_now=True)

    if TYPE_CHECKING:
        deal_id: int

    class Meta:
        verbose_name = _("win–win assessment")
        verbose_name_plural = _("win–win assessments")

    def __str__(self) -> str:
        return f"{self.deal_id}: {self.we_win}/{self.client_wins}"
