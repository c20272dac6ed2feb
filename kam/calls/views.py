"""Pages of the calls app: list, call page, manager and team pages, upload, method setup."""

from __future__ import annotations

from datetime import date
from typing import Any

from csp.decorators import csp_update
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import modelformset_factory
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from kam.accounts.access import can_manage_users, scope_of
from kam.calls import domain as d
from kam.calls.charts import weeks_figure
from kam.calls.forms import ChecklistItemForm, MethodForm, UploadForm, WindowForm, method_initial
from kam.calls.funnel import funnel_available
from kam.calls.models import ChecklistItem
from kam.calls.presentation import turns, week_rows
from kam.calls.selectors import (
    call_get,
    call_list,
    call_settings,
    checklist_items,
    current_method,
    default_window,
    industries,
    industry_get,
    manager_get,
    manager_stats,
    utterances_of,
)
from kam.calls.services import calls_import, method_restore, method_update
from kam.core.http import AuthenticatedRequest, positive_int

ChecklistFormSet = modelformset_factory(ChecklistItem, form=ChecklistItemForm, extra=0)


def _window(request: AuthenticatedRequest) -> tuple[WindowForm, date, date]:
    start, end = default_window()
    form = WindowForm(request.GET or None, initial={"date_from": start, "date_to": end})
    if form.is_valid():
        start = form.cleaned_data.get("date_from") or start
        end = form.cleaned_data.get("date_to") or end
    return form, start, end


def _reference() -> dict[str, Any]:
    s = call_settings()
    return {
        "low": s.newcomer_questions_low,
        "high": s.newcomer_questions_high,
        "habit_weeks": s.habit_weeks,
    }


def call_list_view(request: AuthenticatedRequest) -> HttpResponse:
    form, start, end = _window(request)
    page = Paginator(call_list(viewer=request.user, start=start, end=end), 100).get_page(
        positive_int(request.GET.get("page"), 1)
    )
    context = {
        "form": form,
        "page": page,
        "start": start,
        "end": end,
        "can_upload": can_manage_users(request.user),
    }
    return render(request, "calls/call_list.html", context)


def call_detail_view(request: AuthenticatedRequest, call_id: int) -> HttpResponse:
    call = call_get(viewer=request.user, call_id=call_id)
    method = current_method()
    utterances = utterances_of(call)
    analysis = d.analyse(utterances, method.lexicon)
    score = d.checklist_score(analysis, method.checklist)
    context = {
        "call": call,
        "turns": turns(utterances, analysis),
        "analysis": analysis,
        "questions": [(c.value, analysis.questions[c]) for c in d.Category],
        "score": score,
    }
    return render(request, "calls/call_detail.html", context)


@csp_update({"style-src": ["'unsafe-inline'"]})  # type: ignore[arg-type]  # plotly
def manager_view(request: AuthenticatedRequest, user_id: int) -> HttpResponse:
    manager = manager_get(viewer=request.user, user_id=user_id)
    form, start, end = _window(request)
    stats = manager_stats(viewer=request.user, start=start, end=end, manager_ids=[manager.pk])
    reference = _reference()
    weeks = week_rows(stats[0]["weeks"], low=reference["low"]) if stats else []
    context = {
        "manager": manager,
        "form": form,
        "stats": stats[0] if stats else None,
        "weeks": weeks,
        "chart": weeks_figure(
            weeks,
            low=reference["low"],
            high=reference["high"],
            habit_weeks=reference["habit_weeks"],
        ),
        "reference": reference,
        "funnel": funnel_available(),
        "calls": call_list(viewer=request.user, start=start, end=end, manager_id=manager.pk)[:50],
    }
    return render(request, "calls/manager.html", context)


def team_view(request: AuthenticatedRequest) -> HttpResponse:
    form, start, end = _window(request)
    reference = _reference()
    managers = manager_stats(viewer=request.user, start=start, end=end)
    for m in managers:
        m["rows"] = week_rows(m["weeks"], low=reference["low"])
    context = {
        "form": form,
        "managers": managers,
        "reference": reference,
        "funnel": funnel_available(),
        "scope": scope_of(request.user),
    }
    return render(request, "calls/team.html", context)


@require_http_methods(["GET", "POST"])
def upload_view(request: AuthenticatedRequest) -> HttpResponse:
    if not can_manage_users(request.user):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        files = [(f.name or "upload", f.read()) for f in request.FILES.getlist("transcripts")]
        result = calls_import(
            actor=request.user,
            files=files,
            default_manager=form.cleaned_data["manager"],
            dry_run=form.cleaned_data["dry_run"],
        )
        if result.ok and not form.cleaned_data["dry_run"]:
            messages.success(
                request,
                ngettext(
                    "%(n)d call imported: %(c)d new, %(u)d updated, %(s)d unchanged.",
                    "%(n)d calls imported: %(c)d new, %(u)d updated, %(s)d unchanged.",
                    result.calls,
                )
                % {
                    "n": result.calls,
                    "c": result.created,
                    "u": result.updated,
                    "s": result.unchanged,
                },
            )
            return redirect("calls:call-list")
    failed = request.method == "POST" and (result is None or not result.ok)
    status = 400 if failed else 200
    return render(request, "calls/upload.html", {"form": form, "result": result}, status=status)


@require_http_methods(["GET", "POST"])
def setup_view(request: AuthenticatedRequest) -> HttpResponse:
    if not can_manage_users(request.user):
        raise PermissionDenied
    settings = call_settings()
    industry = settings.industry
    chosen = request.POST.get("industry") or request.GET.get("industry")
    if chosen:
        industry = industry_get(positive_int(chosen, 0))
    if request.method == "POST" and "restore" in request.POST:
        changed = method_restore(actor=request.user, industry=industry)
        messages.success(request, _("Preset restored; %(n)d calls re-analysed.") % {"n": changed})
        return redirect(f"{request.path}?industry={industry.pk}")
    items = checklist_items(industry)
    form = MethodForm(request.POST or None, initial=method_initial(settings, industry))
    formset = ChecklistFormSet(request.POST or None, queryset=items, prefix="items")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        changed = method_update(
            actor=request.user,
            industry=industry,
            make_current=data["use"],
            words={c: data[c] for c in ("technical", "personal", "motivation")},
            items=[{**f.cleaned_data, "id": f.instance.pk} for f in formset.forms],
            reference={
                k: data[k]
                for k in ("newcomer_questions_low", "newcomer_questions_high", "habit_weeks")
            },
        )
        messages.success(request, _("Saved; %(n)d calls re-analysed.") % {"n": changed})
        return redirect(f"{request.path}?industry={industry.pk}")
    context = {
        "form": form,
        "formset": formset,
        "industry": industry,
        "industries": industries(),
        "in_use": settings.industry,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "calls/setup.html", context, status=status)
