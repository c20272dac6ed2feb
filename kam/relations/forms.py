"""Forms of the contact log."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.clients.models import Client, Contact
from kam.relations.choices import ContactChannel, ToneChoice


class InteractionForm(forms.Form):
    """Log a contact, or plan one (then without a tone)."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    channel = forms.ChoiceField(label=_("Channel"), choices=ContactChannel.choices)
    personal = forms.BooleanField(label=_("I took part personally"), required=False, initial=True)
    tone = forms.ChoiceField(
        label=_("Tone"),
        required=False,
        choices=[("", _("— (planned contact)")), *ToneChoice.choices],
    )
    contacts = forms.ModelMultipleChoiceField(
        label=_("Contacts involved"),
        queryset=Contact.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    planned = forms.BooleanField(label=_("This is a plan, not done yet"), required=False)
    confirm_pause = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = Contact.objects.filter(  # type: ignore[attr-defined]
            client=client, is_active=True
        ).order_by("full_name")


class CompleteForm(forms.Form):
    """A planned contact took place: how did it go?"""

    tone = forms.ChoiceField(label=_("Tone"), choices=ToneChoice.choices)
    confirm_pause = forms.BooleanField(required=False)
