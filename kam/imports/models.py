"""Import runs: one uploaded file, its check and (after confirmation) its write."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kam.imports.domain import Kind, Preset


class JobStatus(models.TextChoices):
    """Where an import run is: checked, written, or failed (nothing written then)."""

    CHECKING = "checking", _("Checking the file")
    CHECKED = "checked", _("Checked: ready to import")
    INVALID = "invalid", _("Errors found: nothing imported")
    APPLYING = "applying", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed: nothing imported")
    UNDONE = "undone", _("Undone: what it created was removed")


class ImportJob(models.Model):
    """One import of one file, started on the web page or by `kam import`.

    It is also the audit record of the import: who, when, what file, what it did. The file
    itself lives in var/imports/ only until the job is finished.
    """

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("what"), max_length=20, choices=[(k.value, k.value) for k in Kind])
    preset = models.CharField(
        _("format"), max_length=20, choices=[(p.value, p.value) for p in Preset]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=JobStatus.choices, default=JobStatus.CHECKING
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    file_name = models.CharField(_("file"), max_length=255)
    file_size = models.BigIntegerField(default=0)
    stored_path = models.CharField(max_length=500, blank=True)
    # What the check found: format, encoding, delimiter, mapping, first rows; and the outcome.
    info = models.JSONField(default=dict)
    errors = models.JSONField(default=list)
    error_count = models.IntegerField(default=0)
    summary = models.JSONField(default=dict)
    # The audit record of a write: what it created (ids, or the revenue rows' source and
    # stamp) and what it needs to put back what it changed or replaced (see import_job_undo).
    written = models.JSONField(default=dict, blank=True)
    undo = models.JSONField(default=dict, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    rows_done = models.BigIntegerField(default=0)
    rows_total = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    if TYPE_CHECKING:
        actor_id: int | None
        undone_by_id: int | None

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind}:{self.file_name}"

    @property
    def is_running(self) -> bool:
        return self.status in (JobStatus.CHECKING, JobStatus.APPLYING)

    def summary_value(self, key: str) -> Any:
        return self.summary.get(key)
