"""Django admin: superuser maintenance of users and departments only (never dossiers).

Changes of a user go through `user_update`, so the org-chart rule and its log apply here as on
KAM's own pages. DRF's token admin is gone with its app: API keys are stored hashed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from kam.accounts.models import Department, User
from kam.accounts.services import (
    USER_FIELDS,
    password_set_log,
    user_update,
    user_update_check,
)


def _service_data(form: forms.ModelForm[User]) -> dict[str, Any]:
    return {k: form.cleaned_data[k] for k in form.changed_data if k in USER_FIELDS}


@admin.register(User)
class KamUserAdmin(UserAdmin):  # type: ignore[type-arg]
    fieldsets = (
        *UserAdmin.fieldsets,  # type: ignore[misc]
        (
            "KAM",
            {
                "fields": (
                    "middle_name",
                    "is_manager",
                    "is_supervisor",
                    "is_director",
                    "is_admin",
                    "supervisor",
                    "department",
                    "language",
                )
            },
        ),
    )
    list_display = (
        "username",
        "last_name",
        "first_name",
        "is_manager",
        "is_supervisor",
        "is_director",
        "is_admin",
        "supervisor",
        "is_active",
    )

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        base = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return base
        actor = request.user
        if not isinstance(actor, User):  # the admin site lets only staff in
            return base
        checked: User = actor

        class Checked(base):  # type: ignore[misc, valid-type]
            def clean(self) -> dict[str, Any]:
                cleaned: dict[str, Any] = super().clean()
                if not self.errors:
                    try:
                        user_update_check(actor=checked, user=obj, **_service_data(self))
                    except ValidationError as exc:
                        raise ValidationError(exc.messages) from exc
                return cleaned

        return Checked

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if not change:
            if isinstance(request.user, User):
                obj.password_set_by = request.user
            super().save_model(request, obj, form, change)
            return
        data = _service_data(form)
        rest = [
            f
            for f in form.changed_data
            if f not in USER_FIELDS and f not in {"password", "groups", "user_permissions"}
        ]
        fresh = User.objects.get(pk=obj.pk)
        user_update(actor=request.user, user=fresh, **data)  # type: ignore[arg-type]
        if rest:
            for field in rest:
                setattr(fresh, field, form.cleaned_data[field])
            fresh.save(update_fields=rest)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            target = User.objects.filter(pk=id).first()
            if target is not None and isinstance(request.user, User):
                password_set_log(actor=request.user, user=target)
        return response


admin.site.register(Department)
