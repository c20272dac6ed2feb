"""Deals pages: the funnel, the deals list, the stage map and reference ranges (admins)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kam.accounts.access import can_manage_users
from kam.core.http import AuthenticatedRequest, positive_int
from kam.deals.choices import Transition
from kam.deals.forms import (
    DealFilterForm,
    FunnelForm,
    ReferenceFormSet,
    StageMapFormSet,
)
from kam.deals.selectors import DealFilters, deal_detail, deal_history, deal_list, funnel

# Windows reach a year back from their end: keep both ends on the calendar (no deal is older
# than 1900 or newer than 9990, so the answer is the same).
_EARLIEST, _LATEST = date(1900, 1, 1), date(9990, 12, 31)


def _on_calendar(day: date) -> date:
    return min(max(day, _EARLIEST), _LATEST)


def _window(form: FunnelForm) -> tuple[date, date]:
    data = form.cleaned_data if form.is_valid() else {}
    end = _on_calendar(data.get("date_to") or timezone.localdate())
    start = _on_calendar(data.get("date_from") or end - timedelta(days=364))
    return (start, end) if start <= end else (end, start)


@require_GET
def funnel_view(request: AuthenticatedRequest) -> HttpResponse:
    form = FunnelForm(request.GET or None)
    start, end = _window(form)
    if not form.is_bound:
        form = FunnelForm(initial={"date_from": start, "date_to": end})
    context = {
        "form": form,
        "funnel": funnel(viewer=request.user, date_from=start, date_to=end),
        "transitions": Transition.choices,
        "reference_keys": ["consultation_meeting", "meeting_won"],
        "window_query": urlencode({"date_from": start, "date_to": end}),
    }
    return render(request, "deals/funnel.html", context)


@require_GET
def deal_list_view(request: AuthenticatedRequest) -> HttpResponse:
    form = DealFilterForm(request.GET or None, viewer=request.user)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    met = {"yes": True, "no": False}.get(data.get("met") or "")
    manager = data.get("manager")
    filters = DealFilters(
        status=data.get("status") or "",
        manager=manager.pk if manager else None,
        step=data.get("step") or "",
        source=data.get("source") or "",
        client=data.get("client"),
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        reached_meeting=met,
    )
    deals = deal_list(viewer=request.user, filters=filters)
    page = Paginator(deals, 50).get_page(positive_int(request.GET.get("page"), 1))
    return render(request, "deals/deal_list.html", {"form": form, "page": page})


@require_GET
def deal_detail_view(request: AuthenticatedRequest, deal_id: int) -> HttpResponse:
    """A deal with its stored stage history; a deal of a client the viewer cannot see is 404."""
    deal = deal_detail(viewer=request.user, deal_id=deal_id)
    if deal is None:
        raise Http404
    context = {"deal": deal, "history": deal_history(deal)}
    return render(request, "deals/deal_detail.html", context)


def _setup(request: AuthenticatedRequest, formset_class: Any, title: str) -> HttpResponse:
    if not can_manage_users(request.user):
        raise PermissionDenied
    formset = formset_class(request.POST or None)  # the model's rows, by its default manager
    if request.method == "POST" and formset.is_valid():
        formset.save()
        messages.success(request, _("Changes saved."))
        return redirect(request.path)
    context = {
        "formset": formset,
        "title": title,
        "crumb_url": reverse("deals:funnel"),
        "crumb_label": _("Funnel"),
    }
    return render(request, "core/formset_page.html", context, status=400 if formset.errors else 200)


@require_http_methods(["GET", "POST"])
def stages_setup_view(request: AuthenticatedRequest) -> HttpResponse:
    return _setup(request, StageMapFormSet, _("Stage map: CRM stages and funnel steps"))


@require_http_methods(["GET", "POST"])
def references_setup_view(request: AuthenticatedRequest) -> HttpResponse:
    return _setup(request, ReferenceFormSet, _("Industry reference ranges of the funnel"))
