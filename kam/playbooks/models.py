"""Complaint cases worked through the steps of SPEC §7 (moved here from surveys; the tables
were renamed by migration, every row kept)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kam.playbooks.choices import CaseStep


class ComplaintCase(models.Model):
    """A critic's answer (or a complaint) worked through the steps of SPEC §7."""

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
    summary = models.TextField(_("what the client says"), blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    change_made = models.TextField(_("what changed so that it does not repeat"), blank=True)

    if TYPE_CHECKING:
        client_id: int

    class Meta:
        verbose_name = _("complaint case")
        verbose_name_plural = _("complaint cases")
        ordering = ["closed_at", "-opened_at"]

    def __str__(self) -> str:
        return f"case {self.pk}"


class CaseStepRecord(models.Model):
    """One step of a case, done by its owner at a moment."""

    case = models.ForeignKey(ComplaintCase, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(max_length=20, choices=CaseStep.choices)
    note = models.TextField(_("note"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["done_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "step"], name="one_record_per_step")]

    def __str__(self) -> str:
        return self.step
