"""Deals of the CRM with their stages, the stage map, and industry reference ranges."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kam.clients.models import Client
from kam.deals.choices import DealSource, DealStatus, FunnelStep, Transition


class Deal(models.Model):
    """One deal of the CRM, open, won or lost, with the funnel step its stage maps to.

    `reached` is the furthest funnel rank KAM has seen the deal at (its current step or any
    earlier import's), so a lost deal that had a meeting still counts as a meeting.
    `met_on` is the first meeting or visit with the client logged in the contact log on or after
    the deal's creation and, once it is closed, not after its close; every write of deals and
    of the contact log keeps it (`services.deal_meetings_refresh`), so the funnel reads it
    instead of searching the log per deal.
    `external_id` is unique per `source_system` (the CRM), so a re-import updates.
    """

    # No index of its own: `deal_client_status` (client, status) serves every lookup by
    # client, and a big import builds one index fewer.
    client = models.ForeignKey(
        Client,
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="deals",
        db_index=False,
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        on_delete=models.PROTECT,
        related_name="deals",
    )
    title = models.CharField(_("deal"), max_length=300, blank=True)
    amount = models.DecimalField(
        _("amount"), max_digits=15, decimal_places=2, null=True, blank=True
    )
    created = models.DateField(_("created"))
    closed = models.DateField(_("closed"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DealStatus.choices, default=DealStatus.OPEN
    )
    stage = models.CharField(_("CRM stage"), max_length=200, blank=True)
    step = models.CharField(_("funnel step"), max_length=20, choices=FunnelStep.choices)
    reached = models.PositiveSmallIntegerField(_("furthest step reached"), default=0)
    met_on = models.DateField(_("first logged meeting"), null=True, blank=True, editable=False)
    source = models.CharField(
        _("how we sold"), max_length=20, choices=DealSource.choices, blank=True
    )
    source_text = models.CharField(_("source in the CRM"), max_length=200, blank=True)
    loss_reason = models.CharField(_("loss reason"), max_length=300, blank=True)
    source_system = models.CharField(_("CRM"), max_length=60, default="import")
    external_id = models.CharField(_("ID in the CRM"), max_length=100, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    if TYPE_CHECKING:
        client_id: int
        manager_id: int

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "external_id"],
                condition=Q(external_id__isnull=False),
                name="uniq_deal_external_id_per_crm",
            ),
        ]
        indexes = [
            # Covers the funnel and the bare GROUP BY manager, step over a window of creation
            # dates, so neither reads the table; the client is there for the scopes below the
            # director. It also serves the list's newest-first order.
            models.Index(
                fields=[
                    "created",
                    "manager",
                    "step",
                    "reached",
                    "status",
                    "met_on",
                    "closed",
                    "client",
                ],
                name="deal_funnel_cover",
            ),
            models.Index(fields=["client", "status"], name="deal_client_status"),
        ]

    def __str__(self) -> str:
        return self.title or f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("deals:deal-detail", args=[self.pk])


class DealStageChange(models.Model):
    """A stage change KAM saw between two imports of the same deal (the stage history)."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="stage_changes")
    date = models.DateField(_("date"))
    stage_from = models.CharField(_("from stage"), max_length=200, blank=True)
    stage_to = models.CharField(_("to stage"), max_length=200)
    step = models.CharField(_("funnel step"), max_length=20, choices=FunnelStep.choices)
    status = models.CharField(_("status"), max_length=10, choices=DealStatus.choices)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["deal", "date", "id"]

    def __str__(self) -> str:
        return f"{self.stage_from} → {self.stage_to}"


class StageMapping(models.Model):
    """A CRM stage name and the funnel step it means; admins edit the list.

    Names are matched folded (case, ё, spaces). Defaults cover the standard amoCRM and
    Bitrix24 pipelines; a file with a stage not listed here is refused, never guessed.
    """

    name = models.CharField(_("CRM stage"), max_length=200)
    folded = models.CharField(max_length=200, unique=True, editable=False)
    step = models.CharField(_("funnel step"), max_length=20, choices=FunnelStep.choices)
    crm = models.CharField(_("CRM"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("stage mapping")
        verbose_name_plural = _("stage map")
        ordering = ["crm", "id"]

    def __str__(self) -> str:
        return f"{self.name} → {self.step}"


class IndustryReference(models.Model):
    """A reference range of one conversion in one industry, shown beside the figures.

    Ships with real estate from seed 002 and a generic B2B starting point; admins edit them.
    """

    industry = models.CharField(_("industry"), max_length=120)
    transition = models.CharField(_("conversion"), max_length=30, choices=Transition.choices)
    low = models.DecimalField(_("from, %"), max_digits=5, decimal_places=2, null=True, blank=True)
    high = models.DecimalField(_("to, %"), max_digits=5, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("where the figure comes from"), max_length=300, blank=True)
    is_active = models.BooleanField(_("shown on the funnel"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("reference range")
        verbose_name_plural = _("reference ranges")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(low__isnull=True) | Q(high__isnull=True) | Q(low__lte=models.F("high")),
                name="reference_low_not_above_high",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.industry}: {self.transition}"
