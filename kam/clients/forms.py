"""Forms of the client card."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kam.accounts.access import AnyUser, visible_managers
from kam.accounts.selectors import assignable_people
from kam.clients.choices import BuyingRole, Channel, ClientStatus, Segment
from kam.clients.models import Client, Competitor, Contact, ContactDate
from kam.clients.services import validate_inn
from kam.core.composition import ClientColumn
from kam.core.forms import LocalDateInput


class ClientForm(forms.ModelForm[Client]):
    """Create or edit a client; the manager list is limited to whom the viewer may assign."""

    class Meta:
        model = Client
        fields = ["name", "inn", "segment", "channel", "manager", "city", "website", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, viewer: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = visible_managers(viewer).order_by(  # type: ignore[attr-defined]
            "last_name", "first_name"
        )
        self.fields["inn"].required = False

    def clean_inn(self) -> str | None:
        try:
            return validate_inn(self.cleaned_data.get("inn"))
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["inn"]) from exc

    def validate_unique(self) -> None:
        # Uniqueness (INN) is checked by the service with a clearer message.
        return


class ContactForm(forms.ModelForm[Contact]):
    """A contact with its buying-centre roles (several allowed)."""

    roles = forms.MultipleChoiceField(
        label=_("Roles in the buying centre"),
        choices=BuyingRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Contact
        fields = [
            "full_name",
            "position",
            "phone",
            "mobile_phone",
            "email",
            "birthday",
            "attitude",
            "influence",
            "notes",
        ]
        widgets = {
            "birthday": LocalDateInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, confidential: bool = False, **kwargs: Any) -> None:
        # Attitude, influence and notes are dossier content: only its readers see the fields.
        super().__init__(*args, **kwargs)
        if not confidential:
            for name in ("attitude", "influence", "notes"):
                del self.fields[name]


class ContactDateForm(forms.ModelForm[ContactDate]):
    """An important date of a contact besides the birthday."""

    class Meta:
        model = ContactDate
        fields = ["what", "date"]
        widgets = {"date": LocalDateInput()}


class DossierNotesForm(forms.Form):
    """The free notes of a dossier."""

    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class CompetitorForm(forms.ModelForm[Competitor]):
    """A competitor courting the client."""

    class Meta:
        model = Competitor
        fields = ["name", "strengths", "weaknesses", "offer", "last_activity"]
        widgets = {
            "strengths": forms.Textarea(attrs={"rows": 2}),
            "weaknesses": forms.Textarea(attrs={"rows": 2}),
            "offer": forms.Textarea(attrs={"rows": 2}),
            "last_activity": LocalDateInput(),
        }


class ClientFilterForm(forms.Form):
    """Query-string filters of the client list; junk values are simply ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    manager = forms.TypedChoiceField(label=_("Manager"), required=False, coerce=int)
    segment = forms.ChoiceField(
        label=_("Segment"), required=False, choices=[("", _("Any")), *Segment.choices]
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("Any")), *Channel.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            (ClientStatus.ACTIVE, _("Active")),
            (ClientStatus.ARCHIVED, _("Archived")),
            ("all", _("All")),
        ],
    )
    # Free text (a header's "-name" too; unknown sorts fall back to the name), shown as a list.
    sort = forms.CharField(label=_("Sort by"), required=False, widget=forms.Select)

    def __init__(
        self, *args: Any, viewer: AnyUser, columns: Sequence[ClientColumn] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # The sorts of the column headers, also as a list (a phone shows no header row).
        sorts: list[tuple[str, str]] = []
        named = [("name", _("Name")), ("manager", _("Manager")), ("segment", _("Segment"))]
        named += [(c.key, c.label) for c in columns if c.sortable]
        for key, label in named:
            sorts += [(key, f"{label} ↑"), (f"-{key}", f"{label} ↓")]
        self.fields["sort"].widget.choices = sorts
        managers = visible_managers(viewer).order_by("last_name", "first_name")
        self.fields["manager"].choices = [("", _("Any"))] + [  # type: ignore[attr-defined]
            (m.pk, m.display_name) for m in managers
        ]


class ReassignForm(forms.Form):
    """Whom to hand all clients of a person to (an admin's page of that person)."""

    target = forms.ModelChoiceField(
        label=_("Hand all their clients to"),
        queryset=assignable_people(),
    )
