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

    # No index of its own: the (client, date) index below serves every lookup by client, and
    # one index fewer is a cheaper bulk import.
    client = models.ForeignKey(
        Client,
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="revenue",
        db_index=False,
    )
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=15, decimal_places=2)
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
            # The key first: rows of one source share their first column, so an index led by
            # the source compares every pair of keys in full when it is built, while one led by
            # the key sorts on its leading bytes (PostgreSQL: 0.9 s instead of 1.3 s for a
            # million fingerprints). Every lookup names both columns.
            models.UniqueConstraint(
                fields=["external_id", "source"],
                condition=Q(external_id__isnull=False),
                name="uniq_revenue_external_id_per_source",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "date"]),
            # Covers every window query (date range → client, amount) without touching the
            # table: the portfolio GROUP BY, company totals on the card and Today's key list.
            models.Index(fields=["date", "client", "amount"], name="revenue_window_cover"),
        ]

    def __str__(self) -> str:
        return f"{self.client_id} {self.date} {self.amount}"

    @property
    def source_label(self) -> str:
        """Where the record came from, in words («вручную», «демо-данные»), not a code."""
        labels = {
            "manual": _("entered by hand"),
            "import": _("file import"),
            "demo": _("demo data"),
            "api": "API",
            "amocrm": "amoCRM",
            "bitrix24": _("Bitrix24"),
        }
        return str(labels.get(self.source, self.source))


class KeyAccountProfile(models.Model):
    """What revenue alone cannot tell: strategic/reference or prospective value, 3-year potential.

    Revenue-key status is computed from shares; these marks are the manager's judgement and
    carry a reason (SPEC §1, the four types of key client).
    """

    client = models.OneToOneField(
        Client, on_delete=models.PROTECT, related_name="key_profile", verbose_name=_("client")
    )
    strategic = models.BooleanField(_("strategic / reference client"), default=False)
    strategic_reason = models.CharField(_("why strategic"), max_length=500, blank=True)
    prospective = models.BooleanField(_("prospective client"), default=False)
    prospective_reason = models.CharField(_("why prospective"), max_length=500, blank=True)
    potential_3y = models.DecimalField(
        _("revenue potential over three years"),
        max_digits=15,
        decimal_places=2,
        null=True,
        blank=True,
    )
    updated_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("key-account profile")
        verbose_name_plural = _("key-account profiles")

    def __str__(self) -> str:
        return f"profile:{self.client_id}"

    if TYPE_CHECKING:
        client_id: int


class AccountPlan(models.Model):
    """The account plan of a key client: measurable goals, actions, results and reviews."""

    client = models.OneToOneField(
        Client, on_delete=models.PROTECT, related_name="account_plan", verbose_name=_("client")
    )
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("account plan")
        verbose_name_plural = _("account plans")

    def __str__(self) -> str:
        return f"plan:{self.client_id}"

    if TYPE_CHECKING:
        client_id: int


class PlanGoal(models.Model):
    """A goal with a number and a date ("did what I could" is not a result)."""

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=300)
    target_value = models.DecimalField(_("target (number)"), max_digits=15, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    due = models.DateField(_("due date"))
    achieved_value = models.DecimalField(
        _("achieved (number)"), max_digits=15, decimal_places=2, null=True, blank=True
    )
    result = models.TextField(_("result"), blank=True)
    closed = models.BooleanField(_("closed"), default=False)

    class Meta:
        verbose_name = _("plan goal")
        verbose_name_plural = _("plan goals")
        ordering = ["due", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_value__isnull=False) & Q(due__isnull=False),
                name="goal_is_measurable",
            )
        ]

    def __str__(self) -> str:
        return self.title


class PlanAction(models.Model):
    """An action towards a goal, with an owner and a date."""

    goal = models.ForeignKey(PlanGoal, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    due = models.DateField(_("due date"))
    done = models.BooleanField(_("done"), default=False)

    class Meta:
        verbose_name = _("plan action")
        verbose_name_plural = _("plan actions")
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return self.title


class PlanReview(models.Model):
    """A dated review of the plan: what moved, what did not, what changes."""

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="reviews")
    author = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    notes = models.TextField(_("review notes"))

    class Meta:
        verbose_name = _("plan review")
        verbose_name_plural = _("plan reviews")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"review:{self.date}"
