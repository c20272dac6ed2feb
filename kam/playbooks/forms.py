from django import forms
from django.utils.translation import gettext_lazy as _


class CaseStepForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    root_cause = forms.CharField(
        label=_("Root cause"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    change_made = forms.CharField(
        label=_("What changed so that it does not repeat"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
