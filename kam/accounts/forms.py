"""Forms for user administration and preferences."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from kam.accounts.models import Department, User
from kam.core.models import LOGO_MAX_BYTES, Branding, CompanySettings


class UserForm(forms.ModelForm[User]):
    """An admin's view of a user: names, roles, supervisor, department, active, password."""

    password = forms.CharField(
        label=_("New password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the current password."),
    )

    class Meta:
        model = User
        fields = [
            "username",
            "last_name",
            "first_name",
            "middle_name",
            "email",
            "is_manager",
            "is_supervisor",
            "is_director",
            "is_admin",
            "supervisor",
            "department",
            "is_active",
            "language",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs = User.objects.filter(is_active=True, is_supervisor=True)
        if self.instance.pk:
            qs = qs.exclude(pk=self.instance.pk)
        self.fields["supervisor"].queryset = qs  # type: ignore[attr-defined]
        self.fields["supervisor"].help_text = _(
            "The supervisor reads the dossiers of this person's clients. When this person is a "
            "supervisor with clients of their own, their supervisor reads those dossiers."
        )

    def clean_password(self) -> str:
        password: str = self.cleaned_data.get("password") or ""
        if password:
            validate_password(password, self.instance if self.instance.pk else None)
        return password


class LanguageForm(forms.Form):
    """The interface language."""

    language = forms.ChoiceField(
        label=_("Interface language"), choices=[("ru", "Русский"), ("en", "English")]
    )


class DepartmentForm(forms.ModelForm[Department]):
    """A department's name and its parent."""

    class Meta:
        model = Department
        fields = ["name", "parent"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            qs = Department.objects.exclude(pk=self.instance.pk)
            self.fields["parent"].queryset = qs  # type: ignore[attr-defined]


SHARE_FIELDS = ("key_share", "critical_share", "mono_share", "abc_a", "abc_b")


class PercentField(forms.DecimalField):
    """A share kept as a fraction (0.1) and shown and typed as percent («10», «12,5»)."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "size": 6})

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=Decimal(0), max_value=Decimal(100), decimal_places=2, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal | int | float):
            percent = (Decimal(value) * 100).quantize(Decimal("0.01")).normalize()
            return f"{percent:f}".replace(".", ",")
        return value

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
            value = value.removesuffix("%")
        return super().to_python(value)


class SettingsForm(forms.ModelForm[CompanySettings]):
    """All company settings on one form; shares are typed in percent with a decimal comma."""

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
            "log_correction_hours",
            "cadence_large_days",
            "cadence_medium_days",
            "cadence_small_days",
            "cadence_private_days",
            "cadence_state_days",
            "bank_withdrawal_streak",
            "bank_negative_alert",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in SHARE_FIELDS:
            label = getattr(CompanySettings._meta.get_field(name), "verbose_name", name)
            self.fields[name] = PercentField(label=f"{label}, %")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in SHARE_FIELDS:
            if data.get(name) is not None:
                data[name] = (data[name] / 100).quantize(Decimal("0.0001"))
        return data


class BrandingForm(forms.ModelForm[Branding]):
    """What clients see: company name and logo, survey e-mail sender and subject."""

    logo_file = forms.FileField(
        label=_("Logo (PNG, JPEG or WebP, up to 256 KB)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    class Meta:
        model = Branding
        fields = ["company_name", "survey_from_email", "survey_subject"]

    def clean_logo_file(self) -> bytes | None:
        upload = self.cleaned_data.get("logo_file")
        if not upload:
            return None
        if upload.size > LOGO_MAX_BYTES:
            raise forms.ValidationError(_("The logo is larger than 256 KB."))
        return bytes(upload.read())
