from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.health.domain import Alert


class SnoozeForm(forms.Form):
    code = forms.ChoiceField(label=_("alert"), choices=[(a.value, a.value) for a in Alert])
    until = forms.DateField(
        label=_("snoozed until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("reason"), max_length=300)
