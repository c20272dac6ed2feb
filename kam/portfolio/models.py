"""Revenue records: what each client paid and when (the base of every portfolio figure)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kam.clients.models import Client


class RevenueRecord(models.Model):
    """Revenue from one client on one date (a closed deal, an invoice, a month's shipments).

    `external_id` is unique per `source` (the CRM or file it came from), so re-imports update
    instead of duplicating; manual records have no external id.
    """

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="revenue"
    )
    date = models.DateField(_("date"), db_index=True)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    source = models.CharField(_("source"), max_length=60, default="manual")
    external_id = models.CharField(_("external id"), max_length=100, null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    if TYPE_CHECKING:
        client_id: int

    class Meta:
        verbose_name = _("revenue record")
        verbose_name_plural = _("revenue records")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=Q(external_id__isnull=False),
                name="uniq_revenue_external_id_per_source",
            ),
        ]
        indexes = [models.Index(fields=["client", "date"])]

    def __str__(self) -> str:
        return f"{self.client_id} {self.date} {self.amount}"
