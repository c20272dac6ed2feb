"""Landing page and error pages."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kam.accounts.access import can_manage_users
from kam.core.http import AuthenticatedRequest
from kam.core.models import CompanySettings, company_settings
from kam.core.services import settings_update


class SettingsForm(forms.ModelForm[CompanySettings]):
    """All company settings on one form."""

    class Meta:
        model = CompanySettings
        fields = [
            "key_share",
            "critical_share",
            "mono_share",
            "abc_a",
            "abc_b",
            "manager_key_client_limit",
            "window_months",
            "cadence_days",
            "pause_days",
            "dossier_review_days",
            "reminder_days_ahead",
            "cadence_large_days",
            "cadence_medium_days",
            "cadence_small_days",
            "cadence_private_days",
            "cadence_state_days",
            "bank_withdrawal_streak",
            "bank_negative_alert",
        ]


def home_view(request: AuthenticatedRequest) -> HttpResponse:
    """The landing page: Today (whom to contact, pauses, reviews, dates, plan items)."""
    return redirect("today")


def not_found_view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        # An API address that matches no route (e.g. a non-numeric id) answers like the API.
        from django.http import JsonResponse

        return JsonResponse({"detail": _("Not found.")}, status=404)
    return render(request, "404.html", status=404)


def forbidden_view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def server_error_view(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


@require_http_methods(["GET", "POST"])
def settings_view(request: AuthenticatedRequest) -> HttpResponse:
    """Company settings: thresholds and rules, for admins."""
    if not can_manage_users(request.user):
        raise PermissionDenied
    form = SettingsForm(request.POST or None, instance=company_settings())
    if request.method == "POST" and form.is_valid():
        settings_update(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Settings saved."))
        return redirect("settings")
    return render(request, "core/settings.html", {"form": form})
