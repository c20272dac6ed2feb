"""Login, preferences and user administration."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kam.accounts.access import can_manage_users
from kam.accounts.exports import user_list_export
from kam.accounts.forms import LanguageForm, SettingsForm, UserForm
from kam.accounts.models import User
from kam.accounts.selectors import user_list
from kam.accounts.services import settings_update, user_create, user_set_language, user_update
from kam.core.exporting import EXPORT_FORMATS
from kam.core.http import AuthenticatedRequest
from kam.core.models import company_settings

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
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
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
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("accounts:user-list")
    return render(request, "accounts/user_form.html", {"form": form, "target": target})


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
    return render(request, "accounts/settings.html", {"form": form})
