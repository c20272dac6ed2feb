"""Import pages: upload → check (preview, mapping, every error) → confirm → result."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kam.core.exporting import EXPORT_FORMATS, export_response
from kam.core.http import AuthenticatedRequest
from kam.deals.forms import UnknownStagesForm, unknown_stages
from kam.deals.services import stage_mapping_set
from kam.imports.domain import Kind, Preset
from kam.imports.forms import ImportForm
from kam.imports.messages import reason, undo_blocker, warning
from kam.imports.models import ImportJob, JobStatus
from kam.imports.selectors import import_job_get, import_job_list
from kam.imports.services import (
    import_job_confirm,
    import_job_create,
    import_job_discard,
    import_job_progress,
    import_job_recheck,
)
from kam.imports.undo import import_job_undo, undo_check

FIELD_LABELS = {
    "client": gettext_lazy("Client"),
    "inn": gettext_lazy("INN"),
    "date": gettext_lazy("Date"),
    "amount": gettext_lazy("Amount"),
    "manager": gettext_lazy("Responsible"),
    "score": gettext_lazy("Score"),
    "comment": gettext_lazy("Comment"),
    "external_id": gettext_lazy("ID in the CRM"),
    "city": gettext_lazy("City"),
    "website": gettext_lazy("Website"),
    "segment": gettext_lazy("Segment"),
    "channel": gettext_lazy("Channel"),
    "full_name": gettext_lazy("Full name"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "middle_name": gettext_lazy("Middle name"),
    "position": gettext_lazy("Position"),
    "phone": gettext_lazy("Phone"),
    "mobile_phone": gettext_lazy("Mobile phone"),
    "email": gettext_lazy("E-mail"),
    "birthday": gettext_lazy("Birthday"),
    "tone": gettext_lazy("Tone"),
    "summary": gettext_lazy("Summary"),
    "personal": gettext_lazy("Personally"),
    "respondent": gettext_lazy("Respondent"),
    "stage": gettext_lazy("Deal stage (won deals only)"),
    "deal": gettext_lazy("Deal"),
    "title": gettext_lazy("Deal"),
    "created": gettext_lazy("Created"),
    "closed": gettext_lazy("Closed"),
    "closed_flag": gettext_lazy("Deal closed"),
    "modified": gettext_lazy("Modified"),
    "source": gettext_lazy("Source"),
    "loss_reason": gettext_lazy("Loss reason"),
    "currency": gettext_lazy("Currency"),
}


@require_http_methods(["GET", "POST"])
def import_start_view(request: AuthenticatedRequest) -> HttpResponse:
    recent = import_job_list(viewer=request.user)[:20]
    form = ImportForm(request.POST or None, request.FILES or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        job = import_job_create(
            actor=request.user,
            kind=Kind(form.cleaned_data["kind"]),
            preset=Preset(form.cleaned_data["preset"]),
            upload=form.cleaned_data["file"],
            default_manager=form.cleaned_data["manager"],
            allow_future=form.cleaned_data["allow_future"],
        )
        return redirect("imports:job", job.pk)
    status = 400 if form.errors else 200
    context = {"form": form, "recent": recent}
    return render(request, "imports/import_start.html", context, status=status)


def _errors(job: ImportJob, limit: int = 1000) -> list[dict[str, object]]:
    return [{**e, "reason": reason(e["code"], e.get("params") or {})} for e in job.errors[:limit]]


def _diff(diff: dict[str, Any]) -> dict[str, Any]:
    """The period diff of a file without ids with real dates and amounts (shown the Russian
    way by the template)."""
    if not diff:
        return {}

    def rows(key: str) -> list[tuple[str, date, Decimal]]:
        return [
            (name, date.fromisoformat(day), Decimal(amount))
            for name, day, amount in diff.get(key) or []
        ]

    return {
        "from": date.fromisoformat(diff["from"]),
        "to": date.fromisoformat(diff["to"]),
        "created": rows("created"),
        "deleted": rows("deleted"),
    }


@require_GET
def job_view(request: AuthenticatedRequest, job_id: int) -> HttpResponse:
    job = import_job_get(viewer=request.user, job_id=job_id)
    mapping = [
        (FIELD_LABELS.get(name, name), header)
        for name, header in (job.info.get("mapping") or {}).items()
    ]
    context = {
        "job": job,
        "errors": _errors(job),
        "summary": job.summary,
        "mapping": mapping,
        "progress": import_job_progress(job) if job.is_running else {},
        "warnings": [warning(code) for code in job.summary.get("warnings") or []],
        "not_data": job.info.get("not_data") or {},
        "diff": _diff(job.summary.get("diff") or {}),
        "undo": undo_check(job) if job.status == JobStatus.DONE else None,
        "undo_reasons": [],
        "stages_form": _stages_form(job),
    }
    if context["undo"] is not None:
        context["undo_reasons"] = [undo_blocker(c, p) for c, p in context["undo"].blockers]
    template = "imports/job.html"
    if request.htmx and not request.htmx.boosted:
        template += "#status"
    return render(request, template, context)


def _stages_form(job: ImportJob) -> UnknownStagesForm | None:
    """The step choices for stages a deals or revenue file was refused for, while its file is
    kept."""
    names = unknown_stages(job.errors) if job.stored_path else []
    return UnknownStagesForm(names=names) if names else None


@require_POST
def job_stages_view(request: AuthenticatedRequest, job_id: int) -> HttpResponse:
    """Map the stages a deals file was refused for, then check the same file again."""
    job = import_job_get(viewer=request.user, job_id=job_id)
    form = UnknownStagesForm(request.POST, names=unknown_stages(job.errors))
    if not form.is_valid() or not form.names:
        messages.error(request, _("Choose a funnel step for every stage."))
        return redirect("imports:job", job.pk)
    stage_mapping_set(actor=request.user, names=form.mapping(), crm=job.info.get("preset", ""))
    try:
        import_job_recheck(actor=request.user, job=job)
    except PermissionDenied:
        messages.error(request, _("The file is no longer kept; upload it again."))
    return redirect("imports:job", job.pk)


@require_POST
def job_confirm_view(request: AuthenticatedRequest, job_id: int) -> HttpResponse:
    job = import_job_get(viewer=request.user, job_id=job_id)
    try:
        import_job_confirm(actor=request.user, job=job)
    except PermissionDenied:
        messages.error(request, _("This file is not ready to import."))
    return redirect("imports:job", job.pk)


@require_POST
def job_discard_view(request: AuthenticatedRequest, job_id: int) -> HttpResponse:
    job = import_job_get(viewer=request.user, job_id=job_id)
    import_job_discard(actor=request.user, job=job)
    messages.success(request, _("The file was discarded; nothing was imported."))
    return redirect("imports:start")


@require_POST
def job_undo_view(request: AuthenticatedRequest, job_id: int) -> HttpResponse:
    job = import_job_get(viewer=request.user, job_id=job_id)
    check = import_job_undo(actor=request.user, job=job)
    if check.ok:
        messages.success(request, _("The import was undone: what it created was removed."))
    else:
        for code, params in check.blockers:
            messages.error(request, undo_blocker(code, params))
    return redirect("imports:job", job.pk)


@require_GET
def job_errors_view(request: AuthenticatedRequest, job_id: int) -> HttpResponseBase:
    job = import_job_get(viewer=request.user, job_id=job_id)
    fmt = request.GET.get("format", "csv")
    headers = [_("Row"), _("Column"), _("Value"), _("Reason")]
    rows = ([e["row"], e["column"], e["value"], e["reason"]] for e in _errors(job, 10**6))
    return export_response(
        fmt if fmt in EXPORT_FORMATS else "csv", f"errors_{job.pk}", headers, rows
    )
