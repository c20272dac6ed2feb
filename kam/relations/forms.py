"""Forms of the contact log."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.accounts.access import AnyUser, visible_managers
from kam.accounts.models import User
from kam.clients.models import Client, Contact
from kam.clients.selectors import active_contacts
from kam.core.forms import LocalDateInput
from kam.relations.choices import ContactChannel, EntryKind, ToneChoice
from kam.relations.models import BankCatalogueEntry, RelationshipStage
from kam.relations.selectors import catalogue_for


def _contact_label(contact: Contact) -> str:
    if contact.is_active:
        return str(contact)
    return _("%(name)s (archived)") % {"name": contact}


class InteractionForm(forms.Form):
    """Log a contact, or plan one (then without a tone)."""

    date = forms.DateField(label=_("Date"), widget=LocalDateInput())
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
    duration_minutes = forms.IntegerField(
        label=_("Time spent, minutes"),
        required=False,
        min_value=0,
        max_value=24 * 60,
        help_text=_("Optional: shows where the seller's time goes."),
    )
    planned = forms.BooleanField(label=_("This is a plan, not done yet"), required=False)
    confirm_pause = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, client: Client, keep_contacts: Iterable[int] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["contacts"]
        # Contacts archived since the entry was logged stay offered (and ticked) when it is
        # corrected, so a correction never drops them silently.
        choices = active_contacts(client, keep=keep_contacts).order_by("full_name")
        field.queryset = choices  # type: ignore[attr-defined]
        field.label_from_instance = _contact_label  # type: ignore[attr-defined]


class InteractionEditForm(InteractionForm):
    """Correct a logged (or planned) contact: the same fields, the plan/done state stays."""

    def __init__(
        self,
        *args: Any,
        client: Client,
        planned: bool,
        linked: Iterable[int] = (),
        author: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, client=client, keep_contacts=linked, **kwargs)
        if author:  # a supervisor corrects a manager's entry: it is about the author
            self.fields["personal"].label = _("%(author)s took part personally") % {
                "author": author
            }
        del self.fields["planned"]
        if planned:
            del self.fields["tone"]
        else:
            self.fields["tone"].choices = ToneChoice.choices  # type: ignore[attr-defined]
            self.fields["tone"].required = True


class CompleteForm(forms.Form):
    """A planned contact took place: how did it go?"""

    tone = forms.ChoiceField(label=_("Tone"), choices=ToneChoice.choices)
    confirm_pause = forms.BooleanField(required=False)


class StageForm(forms.Form):
    """Move the client to a relationship stage."""

    stage = forms.ModelChoiceField(label=_("Stage"), queryset=RelationshipStage.objects.none())
    date = forms.DateField(label=_("Since"), widget=LocalDateInput())
    reason = forms.CharField(label=_("Why"), max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = RelationshipStage.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        )


WEIGHTS = [(n, str(n)) for n in range(1, 6)]


class BankEntryForm(forms.Form):
    """A deposit or withdrawal; picking a typical entry fills kind, weight and note."""

    typical = forms.ModelChoiceField(
        label=_("Typical entry"),
        queryset=BankCatalogueEntry.objects.none(),
        required=False,
        empty_label=_("— describe it yourself —"),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", "—"), *EntryKind.choices], required=False
    )
    weight = forms.TypedChoiceField(
        label=_("Weight (1–5)"),
        choices=[("", "—"), *WEIGHTS],
        coerce=int,
        required=False,
        empty_value=None,
    )
    date = forms.DateField(label=_("Date"), widget=LocalDateInput())
    note = forms.CharField(label=_("What happened"), max_length=500, required=False)
    interaction = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, stage: RelationshipStage | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["typical"].queryset = catalogue_for(stage)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        typical: BankCatalogueEntry | None = data.get("typical")
        if typical is not None:
            data["kind"] = data.get("kind") or typical.kind
            data["weight"] = data.get("weight") or typical.weight
            data["note"] = data.get("note") or typical.title
        for name in ("kind", "weight", "note"):
            if not data.get(name) and name not in self.errors:
                self.add_error(name, _("Pick a typical entry or fill this in."))
        return data


class TaskForm(forms.Form):
    """A relationship task."""

    title = forms.CharField(label=_("Task"), max_length=300)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    due = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=LocalDateInput(),
    )

    def __init__(self, *args: Any, viewer: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = visible_managers(viewer).order_by(  # type: ignore[attr-defined]
            "last_name", "first_name"
        )


StageFormSet = forms.modelformset_factory(
    RelationshipStage,
    fields=[
        "name",
        "order",
        "description",
        "advice",
        "kam_stage",
        "is_crisis",
        "checklist_template",
        "is_active",
    ],
    extra=1,
    can_delete=False,
    widgets={
        "description": forms.Textarea(attrs={"rows": 2}),
        "advice": forms.Textarea(attrs={"rows": 3}),
        "checklist_template": forms.Textarea(attrs={"rows": 3}),
    },
)

CatalogueFormSet = forms.modelformset_factory(
    BankCatalogueEntry,
    fields=["kind", "title", "weight", "stage", "source", "is_active"],
    extra=2,
    can_delete=False,
)
