"""Forms of the calls app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.accounts.models import User
from kam.calls.models import CallSettings, ChecklistItem, Industry
from kam.core.forms import LocalDateInput

DATE = LocalDateInput()


class WindowForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe)."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    transcripts = MultipleFileField(
        label=_("Transcripts (.txt, .json, .csv; several at once)"),
        widget=MultipleFileInput(attrs={"multiple": True, "accept": ".txt,.json,.csv"}),
    )
    manager = forms.ModelChoiceField(
        label=_("Manager for files that name none"),
        queryset=User.objects.filter(is_active=True, is_manager=True),
        required=False,
    )
    dry_run = forms.BooleanField(label=_("Only check, write nothing"), required=False)


class MethodForm(forms.Form):
    """An industry's words and reference lines; checklist rows are parsed by the view."""

    use = forms.BooleanField(label=_("Analyse calls with this industry's words"), required=False)
    technical = forms.CharField(
        label=_("Technical question words"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )
    personal = forms.CharField(
        label=_("Personal question words"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    motivation = forms.CharField(
        label=_("Motivation question words"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )
    newcomer_questions_low = forms.IntegerField(
        label=_("Newcomer questions a call, from"), min_value=0, max_value=100
    )
    newcomer_questions_high = forms.IntegerField(
        label=_("Newcomer questions a call, to"), min_value=0, max_value=100
    )
    habit_weeks = forms.IntegerField(
        label=_("Weeks for a habit to settle"), min_value=1, max_value=104
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("newcomer_questions_low"), data.get("newcomer_questions_high")
        if low is not None and high is not None and low > high:
            self.add_error("newcomer_questions_high", _("Must not be below the lower line."))
        return data


class ChecklistItemForm(forms.ModelForm[ChecklistItem]):
    class Meta:
        model = ChecklistItem
        fields = ["title", "weight", "threshold"]


def method_initial(settings: CallSettings, industry: Industry) -> dict[str, Any]:
    words = {lx.category: lx.words for lx in industry.lexicons.all()}
    return {
        "use": settings.industry_id == industry.pk,
        "technical": words.get("technical", ""),
        "personal": words.get("personal", ""),
        "motivation": words.get("motivation", ""),
        "newcomer_questions_low": settings.newcomer_questions_low,
        "newcomer_questions_high": settings.newcomer_questions_high,
        "habit_weeks": settings.habit_weeks,
    }
