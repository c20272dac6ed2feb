from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.core.forms import DecimalInputField, LocalDateInput
from kam.health.domain import COMPONENTS, Alert
from kam.health.models import HealthSettings


class SnoozeForm(forms.Form):
    code = forms.ChoiceField(label=_("alert"), choices=[(a.value, a.value) for a in Alert])
    until = forms.DateField(label=_("snoozed until"), widget=LocalDateInput())
    reason = forms.CharField(label=_("reason"), max_length=300)


class HealthSettingsForm(forms.ModelForm[HealthSettings]):
    class Meta:
        model = HealthSettings
        fields = [
            *(f"weight_{name}" for name in COMPONENTS),
            "stop_multiple",
            "stop_min_days",
            "stop_min_purchases",
            "share_drop_pp",
            "negative_contacts",
            "new_client_months",
        ]
        field_classes = {"stop_multiple": DecimalInputField, "share_drop_pp": DecimalInputField}
