"""Login, preferences and user administration."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView, PasswordChangeView
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kam.accounts.access import can_manage_users
from kam.accounts.domain import Landing, landing
from kam.accounts.exports import user_list_export
from kam.accounts.forms import (
    BrandingForm,
    DepartmentForm,
    LanguageForm,
    SettingsForm,
    UserForm,
)
from kam.accounts.models import Department, User
from kam.accounts.selectors import (
    assignable_people,
    department_list,
    org_changes_for,
    org_changes_recent,
    org_chart,
    token_of,
    user_list,
)
from kam.accounts.services import (
    branding_update,
    department_save,
    password_set_log,
    settings_update,
    token_issue,
    user_create,
    user_set_language,
    user_update,
)
from kam.core.exporting import EXPORT_FORMATS
from kam.core.forms import errors_to_form
from kam.core.http import AuthenticatedRequest
from kam.core.models import branding, company_settings


def home_view(request: AuthenticatedRequest) -> HttpResponse:
    """The start page of the user's role (`landing`): their own Today, the team's day for a
    director, the administration for an administrator who carries no clients."""
    where = landing(request.user.roles)
    if where is Landing.TEAM:
        return redirect(reverse("today") + "?view=team")
    if where is Landing.ADMIN:
        return redirect("accounts:user-list")
    return redirect("today")


login_view = login_not_required(
    LoginView.as_view(template_name="registration/login.html", redirect_authenticated_user=True)
)


@require_POST
def language_view(request: AuthenticatedRequest) -> HttpResponse:
    form = LanguageForm(request.POST)
    if form.is_valid():
        user_set_language(actor=request.user, language=form.cleaned_data["language"])
    response = redirect(request.POST.get("next") or "home")
    if not response.url.startswith("/"):
        response = redirect("home")
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        request.user.language,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        samesite="Lax",
    )
    return response


def _require_admin(request: AuthenticatedRequest) -> None:
    if not can_manage_users(request.user):
        raise PermissionDenied


def user_list_view(request: AuthenticatedRequest) -> HttpResponseBase:
    _require_admin(request)
    if request.GET.get("format") in EXPORT_FORMATS:
        return user_list_export(request.GET["format"], user_list())
    return render(request, "accounts/user_list.html", {"users": user_list()})


@require_http_methods(["GET", "POST"])
def user_create_view(request: AuthenticatedRequest) -> HttpResponse:
    _require_admin(request)
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            user_create(actor=request.user, password=data.pop("password") or None, **data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("User created."))
            return redirect("accounts:user-list")
    return render(request, "accounts/user_form.html", {"form": form, "target": None})


@require_http_methods(["GET", "POST"])
def user_edit_view(request: AuthenticatedRequest, user_id: int) -> HttpResponse:
    _require_admin(request)
    target = get_object_or_404(User, pk=user_id)
    form = UserForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            user_update(
                actor=request.user,
                user=get_object_or_404(User, pk=user_id),
                password=data.pop("password") or None,
                **data,
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("accounts:user-list")
    context = {
        "form": form,
        "target": target,
        "reassign_targets": assignable_people().exclude(pk=target.pk),
        "client_count": target.clients.count(),
    }
    return render(request, "accounts/user_form.html", context)


# --- The user's own profile: API key, password, org-chart changes that concern them ----------


def _profile(request: AuthenticatedRequest, *, new_key: str = "") -> HttpResponse:
    context = {
        "token": token_of(viewer=request.user),
        "new_key": new_key,
        "changes": org_changes_for(viewer=request.user),
    }
    response = render(request, "accounts/profile.html", context)
    add_never_cache_headers(response)  # a new key is on the page once; keep it out of caches
    return response


def profile_view(request: AuthenticatedRequest) -> HttpResponse:
    return _profile(request)


@require_POST
def token_rotate_view(request: AuthenticatedRequest) -> HttpResponse:
    return _profile(request, new_key=token_issue(user=request.user))


class OwnPasswordChangeView(PasswordChangeView):
    """Django's password change; the password is the user's own again afterwards."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        password_set_log(actor=form.user, user=form.user)
        return response


password_change_view = OwnPasswordChangeView.as_view()


# --- Admin pages: departments, the org chart, handing a leaver's clients over ---------------


def department_list_view(request: AuthenticatedRequest) -> HttpResponse:
    _require_admin(request)
    return render(request, "accounts/department_list.html", {"departments": department_list()})


@require_http_methods(["GET", "POST"])
def department_edit_view(request: AuthenticatedRequest, department_id: int = 0) -> HttpResponse:
    _require_admin(request)
    record = get_object_or_404(Department, pk=department_id) if department_id else None
    form = DepartmentForm(request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid():
        try:
            department_save(
                actor=request.user,
                department=get_object_or_404(Department, pk=department_id) if record else None,
                name=form.cleaned_data["name"],
                parent=form.cleaned_data["parent"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Department saved."))
            return redirect("accounts:department-list")
    return render(request, "accounts/department_form.html", {"form": form, "record": record})


def org_chart_view(request: AuthenticatedRequest) -> HttpResponse:
    _require_admin(request)
    context = {"rows": org_chart(), "changes": org_changes_recent()}
    return render(request, "accounts/org_chart.html", context)


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
    brand = branding()
    context = {"form": form, "brand_form": BrandingForm(instance=brand), "brand": brand}
    return render(request, "accounts/settings.html", context, status=400 if form.errors else 200)


@require_POST
def branding_view(request: AuthenticatedRequest) -> HttpResponse:
    """What clients see on survey pages and e-mails: name, logo, sender, subject."""
    if not can_manage_users(request.user):
        raise PermissionDenied
    brand = branding()
    brand_form = BrandingForm(request.POST, request.FILES, instance=brand)
    if brand_form.is_valid():
        data = brand_form.cleaned_data
        try:
            branding_update(
                actor=request.user,
                company_name=data["company_name"],
                survey_from_email=data["survey_from_email"],
                survey_subject=data["survey_subject"],
                logo=data.get("logo_file"),
                remove_logo=data.get("remove_logo", False),
            )
        except ValidationError as exc:
            errors_to_form(brand_form, exc)
        else:
            messages.success(request, _("Client-facing settings saved."))
            return redirect("settings")
    context = {
        "form": SettingsForm(instance=company_settings()),
        "brand_form": brand_form,
        "brand": branding(),
    }
    return render(request, "accounts/settings.html", context, status=400)
