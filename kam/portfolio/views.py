"""Portfolio page, key-account marks and account plans."""

from __future__ import annotations

from typing import Any

from csp.decorators import csp_update
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kam.accounts.access import client_get
from kam.clients.card import render_card
from kam.core.composition import render_portfolio_sections
from kam.core.exporting import EXPORT_FORMATS
from kam.core.forms import errors_to_form
from kam.core.http import AuthenticatedRequest, htmx_or_redirect, positive_int, safe_next
from kam.core.models import company_settings
from kam.portfolio.charts import (
    cell_advice,
    cell_label,
    grid_figure,
    lorenz_figure,
    pareto_figure,
)
from kam.portfolio.domain import GridCell, Window
from kam.portfolio.exports import portfolio_export
from kam.portfolio.forms import (
    ActionForm,
    GoalForm,
    GoalResultForm,
    KeyProfileForm,
    RevenueForm,
    ReviewForm,
    WindowForm,
)
from kam.portfolio.selectors import (
    goal_get,
    key_client_grid,
    key_profile_for,
    plan_for,
    plan_overview,
    portfolio_report,
    portfolio_trend,
    revenue_get,
)
from kam.portfolio.services import (
    action_add,
    action_set_done,
    goal_add,
    goal_record_result,
    key_profile_save,
    plan_create,
    revenue_create,
    revenue_delete,
    revenue_update,
    review_add,
)


def _window(request: AuthenticatedRequest) -> tuple[WindowForm, Window]:
    form = WindowForm(request.GET or None)
    return form, form.window(today=timezone.localdate(), months=company_settings().window_months)


def _portfolio_view(request: AuthenticatedRequest) -> HttpResponse:
    form, window = _window(request)
    report = portfolio_report(viewer=request.user, window=window)
    if request.GET.get("format") in EXPORT_FORMATS:
        return portfolio_export(request.GET["format"], report)  # type: ignore[return-value]
    page = Paginator(report.rows, 50).get_page(positive_int(request.GET.get("page"), 1))
    grid = key_client_grid(viewer=request.user, report=report)
    context = {
        "form": form,
        "report": report,
        "page": page,
        "grid": grid,
        "plans": plan_overview(viewer=request.user),
        "sections": render_portfolio_sections(request, {"report": report}),
        "lorenz": lorenz_figure(report),
        "pareto": pareto_figure(report),
        "grid_chart": grid_figure(grid),
        "grid_cells": [(cell_label(c), cell_advice(c)) for c in GridCell],
        "grid_rows": [
            (p, cell_label(p.cell) if p.cell else "", cell_advice(p.cell) if p.cell else "")
            for p in grid.points
        ],
    }
    return render(request, "portfolio/portfolio.html", context)


def trend_view(request: AuthenticatedRequest) -> HttpResponse:
    """The "what changed" section of the portfolio page, loaded after the page (htmx): it
    costs a second report, for the period just before the window."""
    _form, window = _window(request)
    trend = portfolio_trend(viewer=request.user, window=window)
    return render(request, "portfolio/_trend.html", {"trend": trend})


# plotly.js sets style attributes on the SVG it draws; scripts stay strictly 'self'.
portfolio_view = csp_update({"style-src": ["'unsafe-inline'"]})(_portfolio_view)  # type: ignore[arg-type]


@require_http_methods(["GET", "POST"])
def key_profile_view(request: AuthenticatedRequest, client_id: int) -> HttpResponse:
    client = client_get(request.user, client_id)
    profile = key_profile_for(viewer=request.user, client_id=client_id)
    initial = {f: getattr(profile, f) for f in KeyProfileForm.base_fields} if profile else {}
    form = KeyProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            key_profile_save(actor=request.user, client=client, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Key-account marks saved."))
            return redirect(client)
    return render(request, "portfolio/key_profile.html", {"client": client, "form": form})


def _plan_page(
    request: AuthenticatedRequest, client_id: int, status: int = 200, **forms: Any
) -> HttpResponse:
    client = client_get(request.user, client_id)
    plan = plan_for(viewer=request.user, client_id=client_id)
    context = {
        "client": client,
        "plan": plan,
        "today": timezone.localdate(),
        "goal_form": forms.get("goal_form") or GoalForm(),
        "action_form": forms.get("action_form") or ActionForm(viewer=request.user),
        "review_form": forms.get("review_form")
        or ReviewForm(initial={"date": timezone.localdate()}),
        "result_form": GoalResultForm(),
        "failed_goal": forms.get("failed_goal"),
        "failed_form": forms.get("failed_form"),
    }
    return render(request, "portfolio/plan.html", context, status=status)


def plan_view(request: AuthenticatedRequest, client_id: int) -> HttpResponse:
    return _plan_page(request, client_id)


def _plan_url(client_id: int) -> str:
    return reverse("portfolio:plan", args=[client_id])


@require_POST
def goal_create_view(request: AuthenticatedRequest, client_id: int) -> HttpResponse:
    client = client_get(request.user, client_id)
    form = GoalForm(request.POST)
    if form.is_valid():
        plan = plan_for(viewer=request.user, client_id=client_id)
        try:
            if plan is None:
                plan_create(actor=request.user, client=client, **form.cleaned_data)
            else:
                goal_add(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Goal added."))
            return redirect(_plan_url(client_id))
    return _plan_page(request, client_id, status=400, goal_form=form)


@require_POST
def goal_result_view(request: AuthenticatedRequest, client_id: int, goal_id: int) -> HttpResponse:
    goal = goal_get(viewer=request.user, client_id=client_id, goal_id=goal_id)
    form = GoalResultForm(request.POST)
    if form.is_valid():
        try:
            goal_record_result(actor=request.user, goal=goal, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Result saved."))
            return redirect(_plan_url(client_id))
    return _plan_page(request, client_id, status=400, failed_goal=goal.pk, failed_form=form)


@require_POST
def action_create_view(request: AuthenticatedRequest, client_id: int, goal_id: int) -> HttpResponse:
    goal = goal_get(viewer=request.user, client_id=client_id, goal_id=goal_id)
    form = ActionForm(request.POST, viewer=request.user)
    if form.is_valid():
        try:
            action_add(actor=request.user, goal=goal, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Action added."))
            return redirect(_plan_url(client_id))
    return _plan_page(request, client_id, status=400, action_form=form)


@require_POST
def action_done_view(
    request: AuthenticatedRequest, client_id: int, goal_id: int, action_id: int
) -> HttpResponse:
    goal = goal_get(viewer=request.user, client_id=client_id, goal_id=goal_id)
    action = goal.actions.filter(pk=action_id).first()
    if action is None:
        raise Http404
    action_set_done(actor=request.user, action=action, done=request.POST.get("done") == "1")
    return redirect(safe_next(request, _plan_url(client_id)))


@require_POST
def review_create_view(request: AuthenticatedRequest, client_id: int) -> HttpResponse:
    plan = plan_for(viewer=request.user, client_id=client_id)
    if plan is None:
        raise Http404
    form = ReviewForm(request.POST)
    if form.is_valid():
        review_add(actor=request.user, plan=plan, **form.cleaned_data)
        messages.success(request, _("Review recorded."))
        return redirect(_plan_url(client_id))
    return _plan_page(request, client_id, status=400, review_form=form)


# --- Revenue records of a client (entered by hand on the card) --------------------------------


@require_POST
def revenue_create_view(request: AuthenticatedRequest, client_id: int) -> HttpResponse:
    client = client_get(request.user, client_id)
    form = RevenueForm(request.POST)
    if form.is_valid():
        revenue_create(actor=request.user, client=client, **form.cleaned_data)
        messages.success(request, _("Revenue recorded."))
        return htmx_or_redirect(request, client.get_absolute_url() + "#revenue")
    return render_card(request, client_id, revenue_form=form)


@require_http_methods(["GET", "POST"])
def revenue_edit_view(
    request: AuthenticatedRequest, client_id: int, record_id: int
) -> HttpResponse:
    record = revenue_get(viewer=request.user, client_id=client_id, record_id=record_id)
    initial = {"date": record.date, "amount": record.amount, "note": record.note}
    form = RevenueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        revenue_update(actor=request.user, record=record, **form.cleaned_data)
        messages.success(request, _("Revenue record saved."))
        return redirect(record.client.get_absolute_url() + "#revenue")
    return render(
        request,
        "portfolio/revenue_form.html",
        {"form": form, "record": record, "client": record.client},
    )


@require_POST
def revenue_delete_view(
    request: AuthenticatedRequest, client_id: int, record_id: int
) -> HttpResponse:
    record = revenue_get(viewer=request.user, client_id=client_id, record_id=record_id)
    revenue_delete(actor=request.user, record=record)
    messages.success(request, _("Revenue record deleted; the deletion is kept in the history."))
    return htmx_or_redirect(request, record.client.get_absolute_url() + "#revenue")
