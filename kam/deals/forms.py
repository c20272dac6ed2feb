"""Forms of the deals pages: filters, the funnel window, the stage map and reference ranges."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.accounts.access import visible_managers
from kam.accounts.models import User
from kam.core.forms import LocalDateInput
from kam.deals import domain
from kam.deals.choices import DealSource, DealStatus, FunnelStep
from kam.deals.models import IndustryReference, StageMapping

DATE = LocalDateInput()


class FunnelForm(forms.Form):
    date_from = forms.DateField(label=_("Created from"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("Created to"), required=False, widget=DATE)


class DealFilterForm(forms.Form):
    """Filters of the deals list; managers limited to those the viewer sees."""

    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any")), *DealStatus.choices], required=False
    )
    manager = forms.ModelChoiceField(
        label=_("Manager"), queryset=User.objects.none(), required=False
    )
    step = forms.ChoiceField(
        label=_("Funnel step"), choices=[("", _("Any")), *FunnelStep.choices], required=False
    )
    met = forms.ChoiceField(
        label=_("Reached a meeting"),
        choices=[("", _("Any")), ("yes", _("Yes")), ("no", _("No"))],
        required=False,
    )
    source = forms.ChoiceField(
        label=_("How we sold"), choices=[("", _("Any")), *DealSource.choices], required=False
    )
    date_from = forms.DateField(label=_("Created from"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("Created to"), required=False, widget=DATE)
    client = forms.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, viewer: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["manager"]
        if not isinstance(field, forms.ModelChoiceField):  # pragma: no cover
            raise TypeError(field)
        field.queryset = visible_managers(viewer).order_by("last_name", "first_name")
        field.label_from_instance = lambda u: u.display_name  # type: ignore[method-assign,assignment]


class StageMappingForm(forms.ModelForm[StageMapping]):
    class Meta:
        model = StageMapping
        fields = ["name", "step", "crm"]

    def save(self, commit: bool = True) -> StageMapping:
        self.instance.folded = domain.fold(self.instance.name)
        return super().save(commit=commit)

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        folded = domain.fold(name)
        taken = StageMapping.objects.filter(folded=folded).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("This stage is already in the map."))
        return name


StageMapFormSet = forms.modelformset_factory(
    StageMapping, form=StageMappingForm, extra=3, can_delete=True
)

ReferenceFormSet = forms.modelformset_factory(
    IndustryReference,
    fields=["industry", "transition", "low", "high", "note", "is_active", "order"],
    extra=1,
    can_delete=True,
)


class UnknownStagesForm(forms.Form):
    """One step choice per stage name the file has and the map lacks."""

    def __init__(self, *args: Any, names: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.names = names
        for i, name in enumerate(names):
            self.fields[f"stage_{i}"] = forms.ChoiceField(
                label=name, choices=[("", "—"), *FunnelStep.choices]
            )

    def mapping(self) -> dict[str, str]:
        return {name: self.cleaned_data[f"stage_{i}"] for i, name in enumerate(self.names)}


def unknown_stages(errors: list[dict[str, Any]]) -> list[str]:
    """The stage names an import refused (as the file wrote them), from its stored errors: a
    deals file lists them in one error, a revenue file names each in an error of its own."""
    for error in errors:
        if error.get("code") == "unknown_stages":
            return list(json.loads((error.get("params") or {}).get("stages", "[]")))
    named = {str(e.get("value", "")) for e in errors if e.get("code") == "stage_unknown"}
    return sorted(name for name in named if name.strip())
