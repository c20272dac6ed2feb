from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.accounts.models import User
from kam.core.forms import LocalDateInput
from kam.playbooks.choices import CaseSource
from kam.playbooks.models import DifficultType, PlaybookSettings, RootCause


class CaseStepForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    cause = forms.ModelChoiceField(
        label=_("Root cause"), queryset=RootCause.objects.none(), required=False
    )
    root_cause = forms.CharField(
        label=_("Root cause in detail"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    change_made = forms.CharField(
        label=_("What changed so that it does not repeat"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cause = self.fields["cause"]
        assert isinstance(cause, forms.ModelChoiceField)  # noqa: S101 - declared above
        cause.queryset = RootCause.objects.filter(is_active=True)


class TagForm(forms.Form):
    type = forms.ModelChoiceField(
        label=_("Type"), queryset=DifficultType.objects.all(), to_field_name="code"
    )
    note = forms.CharField(
        label=_("Evidence: what the client did or said"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CaseOpenForm(forms.Form):
    source = forms.ChoiceField(
        label=_("Source"),
        choices=[(v, label) for v, label in CaseSource.choices if v != CaseSource.NPS],
    )
    summary = forms.CharField(
        label=_("What the client says"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    about_manager = forms.BooleanField(
        label=_("The complaint is about the manager"), required=False
    )


class TypeEditForm(forms.ModelForm[DifficultType]):
    checklist = forms.CharField(
        label=_("Checklist: one item per line, Russian | English"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    class Meta:
        model = DifficultType
        fields = [
            "name_ru",
            "name_en",
            "portrait_ru",
            "portrait_en",
            "advice_ru",
            "advice_en",
            "behaviour_on",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ("portrait_ru", "portrait_en", "advice_ru", "advice_en")
        }

    def checklist_items(self) -> list[tuple[str, str]]:
        items = []
        for line in self.cleaned_data.get("checklist", "").splitlines():
            if not line.strip():
                continue
            ru, _sep, en = line.partition("|")
            items.append((ru.strip()[:300], en.strip()[:300]))
        return items


class PlaybookSettingsForm(forms.ModelForm[PlaybookSettings]):
    class Meta:
        model = PlaybookSettings
        fields = [
            "sla_listen_hours",
            "sla_understand_hours",
            "sla_solution_hours",
            "sla_thank_hours",
            "sla_act_hours",
            "sla_diagnose_hours",
            "disloyal_cadence_percent",
            "price_validity_days",
            "product_sheet",
        ]


class CauseForm(forms.Form):
    name_ru = forms.CharField(label=_("name (Russian)"), max_length=200)
    name_en = forms.CharField(label=_("name (English)"), max_length=200, required=False)


class ReportForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=LocalDateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=LocalDateInput())
    manager = forms.ModelChoiceField(
        label=_("Manager"), queryset=User.objects.none(), required=False
    )
    type = forms.ChoiceField(label=_("Client type"), required=False)

    def __init__(self, *args: Any, managers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.fields["manager"]
        assert isinstance(manager, forms.ModelChoiceField)  # noqa: S101 - declared above
        manager.queryset = managers
        kind = self.fields["type"]
        assert isinstance(kind, forms.ChoiceField)  # noqa: S101 - declared above
        kind.choices = [("", "—"), *((t.code, t.name) for t in DifficultType.objects.all())]
