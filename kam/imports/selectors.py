"""Reads of import jobs: admins only (SPEC: admins run imports)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kam.accounts.access import AnyUser, can_manage_users
from kam.imports.models import ImportJob
from kam.imports.services import import_job_refresh


def import_job_list(*, viewer: AnyUser) -> QuerySet[ImportJob]:
    """Recent imports, newest first."""
    if not can_manage_users(viewer):
        raise PermissionDenied
    return ImportJob.objects.select_related("actor").order_by("-created_at")


def import_job_get(*, viewer: AnyUser, job_id: int) -> ImportJob:
    """One import job (403 for non-admins, 404 when missing); a dead worker's job is failed."""
    job = get_object_or_404(import_job_list(viewer=viewer), pk=job_id)
    return import_job_refresh(job)
