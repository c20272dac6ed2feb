"""Health pages: the portfolio's health list and snoozing an alert. Thin views."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kam.accounts.access import can_manage_users, client_get
from kam.core.http import AuthenticatedRequest
from kam.health.forms import HealthSettingsForm, SnoozeForm
from kam.health.models import health_settings
from kam.health.selectors import health_overview
from kam.health.services import alert_snooze, health_settings_update
from kam.health.texts import explained


def health_list_view(request: AuthenticatedRequest) -> HttpResponse:
    """The viewer's clients by stored health (today's snapshot, its time shown)."""
    found = health_overview(viewer=request.user, as_of=timezone.localdate(), rows=300, limit=10)
    context = {
        "rows": [explained(r) for r in found.rows],
        "total": found.total,
        "lowest": found.lowest,
        "drops": found.drops,
        "health_written_at": found.written_at,
    }
    return render(request, "health/health_list.html", context)


def portfolio_section_view(request: AuthenticatedRequest) -> HttpResponse:
    """The portfolio page's health section (loaded after the page): the viewer's lowest scores
    and biggest drops, key clients first."""
    found = health_overview(viewer=request.user, as_of=timezone.localdate())
    context = {
        "health_lowest": found.lowest,
        "health_drops": found.drops,
        "health_written_at": found.written_at,
    }
    return render(request, "health/_portfolio.html", context)


@require_POST
def snooze_view(request: AuthenticatedRequest, client_id: int) -> HttpResponseBase:
    client = client_get(request.user, client_id)
    form = SnoozeForm(request.POST)
    if form.is_valid():
        try:
            alert_snooze(
                actor=request.user, client=client, today=timezone.localdate(), **form.cleaned_data
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Alert snoozed."))
    else:
        for field, errors in form.errors.items():
            messages.error(
                request, f"{form.fields[field].label}: {' '.join(str(e) for e in errors)}"
            )
    return redirect(client.get_absolute_url() + "#health")


@require_http_methods(["GET", "POST"])
def settings_view(request: AuthenticatedRequest) -> HttpResponse:
    """Weights of the health components and alert thresholds, for admins."""
    if not can_manage_users(request.user):
        raise PermissionDenied
    form = HealthSettingsForm(request.POST or None, instance=health_settings())
    if request.method == "POST" and form.is_valid():
        try:
            health_settings_update(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("health:settings")
    return render(request, "health/settings.html", {"form": form})
