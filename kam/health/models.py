"""Admin weights and thresholds of account health, snoozed alerts and daily snapshots."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kam.clients.models import Client
from kam.health.domain import COMPONENTS, Thresholds

WEIGHT = [MinValueValidator(0), MaxValueValidator(100)]


class HealthSettings(models.Model):
    """One row (pk=1): how much each health component weighs, and the alert thresholds."""

    weight_revenue_trend = models.PositiveSmallIntegerField(
        _("weight: revenue trend"), default=20, validators=WEIGHT
    )
    weight_recency = models.PositiveSmallIntegerField(
        _("weight: days since the last purchase"), default=20, validators=WEIGHT
    )
    weight_cadence = models.PositiveSmallIntegerField(
        _("weight: contact cadence"), default=15, validators=WEIGHT
    )
    weight_bank = models.PositiveSmallIntegerField(
        _("weight: emotional bank balance"), default=10, validators=WEIGHT
    )
    weight_bank_trend = models.PositiveSmallIntegerField(
        _("weight: emotional bank trend"), default=5, validators=WEIGHT
    )
    weight_nps = models.PositiveSmallIntegerField(_("weight: NPS"), default=15, validators=WEIGHT)
    weight_complaints = models.PositiveSmallIntegerField(
        _("weight: open complaints"), default=10, validators=WEIGHT
    )
    weight_dossier = models.PositiveSmallIntegerField(
        _("weight: dossier completeness and review"), default=5, validators=WEIGHT
    )
    stop_multiple = models.DecimalField(
        _("stopped buying: silent for more than N × the usual gap"),
        max_digits=4,
        decimal_places=1,
        default=Decimal(3),
        validators=[MinValueValidator(Decimal(1))],
    )
    stop_min_days = models.PositiveSmallIntegerField(
        _("stopped buying: and at least N days"), default=60
    )
    stop_min_purchases = models.PositiveSmallIntegerField(
        _("stopped buying: only clients with at least N purchases"),
        default=3,
        validators=[MinValueValidator(2)],
    )
    share_drop_pp = models.DecimalField(
        _("share drop alert above, percentage points"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(5),
        validators=[MinValueValidator(Decimal(0))],
    )
    negative_contacts = models.PositiveSmallIntegerField(
        _("negative contacts within 30 days that raise an alert"),
        default=3,
        validators=[MinValueValidator(1)],
    )
    new_client_months = models.PositiveSmallIntegerField(
        _("contrast analysis: new clients first bought within N months"),
        default=18,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )

    class Meta:
        verbose_name = _("health settings")
        verbose_name_plural = _("health settings")

    def __str__(self) -> str:
        return str(_("Health settings"))

    def weights(self) -> dict[str, int]:
        return {name: int(getattr(self, f"weight_{name}")) for name in COMPONENTS}

    def thresholds(self) -> Thresholds:
        return Thresholds(
            stop_multiple=self.stop_multiple,
            stop_min_days=self.stop_min_days,
            stop_min_purchases=self.stop_min_purchases,
            share_drop_pp=self.share_drop_pp,
            negative_contacts=self.negative_contacts,
        )

    def clean(self) -> None:
        if not any(self.weights().values()):
            raise ValidationError(_("At least one health component needs a positive weight."))


def health_settings() -> HealthSettings:
    """The settings row, created with the defaults on first use."""
    row, _created = HealthSettings.objects.get_or_create(pk=1)
    return row


class AlertSnooze(models.Model):
    """An alert of a client silenced until a date, with the reason (who and why)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(_("alert"), max_length=30)
    until = models.DateField(_("snoozed until"))
    reason = models.CharField(_("reason"), max_length=300)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    if TYPE_CHECKING:
        client_id: int

    class Meta:
        verbose_name = _("snoozed alert")
        verbose_name_plural = _("snoozed alerts")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["client", "code", "until"])]

    def __str__(self) -> str:
        return f"{self.client_id}:{self.code}≤{self.until}"


class HealthSnapshotDay(models.Model):
    """A day whose health snapshot is stored (written by the daily task, `kam manage
    health_snapshot` or on first need); a day without this row has not been computed yet."""

    day = models.DateField(_("day"), primary_key=True)
    clients = models.PositiveIntegerField(_("clients scored"), default=0)
    written_at = models.DateTimeField(auto_now=True)
    # What the scores were computed under (weights, thresholds, key share, cadences): lists
    # served from today's snapshot rewrite it when an admin changed any of them.
    settings_key = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("health snapshot")
        verbose_name_plural = _("health snapshots")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day}: {self.clients}"


class HealthSnapshot(models.Model):
    """One client's health score as computed on a day, whether it was a key client then, the
    alerts raised (before snoozes) and its contrast-analysis candidacy: the lists of the health
    page, Today, the portfolio and an analysis of today read today's rows, "biggest drops"
    compare them with the rows of 30 days ago."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    health = models.PositiveSmallIntegerField(_("health"), null=True)
    is_key = models.BooleanField(_("key client"), default=False)
    alerts = models.CharField(_("alerts"), max_length=120, blank=True, default="")  # codes, ","
    # The contrast-analysis candidate side ("" when none), its strength and evidence.
    side = models.CharField(_("candidate side"), max_length=12, blank=True, default="")
    strength = models.PositiveIntegerField(_("evidence strength"), default=0)
    evidence = models.JSONField(_("evidence"), null=True, blank=True)

    if TYPE_CHECKING:
        client_id: int

    class Meta:
        verbose_name = _("health score of a day")
        verbose_name_plural = _("health scores of a day")
        constraints = [
            models.UniqueConstraint(fields=["day", "client"], name="health_snapshot_day_client")
        ]

    def __str__(self) -> str:
        return f"{self.client_id}@{self.day}={self.health}"
