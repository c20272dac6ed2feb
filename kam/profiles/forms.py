"""Forms of the ideal-profile pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.accounts.models import User
from kam.core.forms import LocalDateInput
from kam.profiles.domain import SCORE_MAX, SCORE_MIN
from kam.profiles.models import PickKind, Trait

SCORE_CHOICES = [
    ("", _("— not scored")),
    *((str(v), f"{v:+d}") for v in range(SCORE_MAX, SCORE_MIN - 1, -1)),
]


class WorkshopForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)


class PickForm(forms.Form):
    client = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Best or worst"), choices=PickKind.choices)


class TraitForm(forms.Form):
    kind = forms.ChoiceField(label=_("Of a best or a worst client"), choices=PickKind.choices)
    text = forms.CharField(label=_("Trait"), max_length=200)


class OppositeForm(forms.Form):
    trait = forms.IntegerField(widget=forms.HiddenInput)
    opposite = forms.CharField(label=_("Positive opposite"), max_length=200)


class MergeForm(forms.Form):
    item = forms.IntegerField()
    into = forms.IntegerField()


class ScoresForm(forms.Form):
    """One select per trait of the current profile: −5…+5 or not scored."""

    def __init__(self, *args: Any, traits: list[Trait], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.traits = traits
        for trait in traits:
            self.fields[f"t{trait.pk}"] = forms.TypedChoiceField(
                label=trait.name,
                choices=SCORE_CHOICES,
                required=False,
                coerce=int,
                empty_value=None,
            )

    def scores(self) -> dict[Trait, int | None]:
        return {t: self.cleaned_data.get(f"t{t.pk}") for t in self.traits}


class ActionForm(forms.Form):
    text = forms.CharField(label=_("What to do"), max_length=300)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())
    due = forms.DateField(label=_("Due date"), widget=LocalDateInput())
    done = forms.BooleanField(label=_("Done"), required=False)

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class WeightsForm(forms.Form):
    def __init__(self, *args: Any, traits: list[Trait], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.traits = traits
        for trait in traits:
            self.fields[f"w{trait.pk}"] = forms.DecimalField(
                label=trait.name,
                min_value=Decimal(0),
                max_value=Decimal(1000),
                decimal_places=2,
                initial=trait.weight,
            )

    def weights(self) -> dict[Trait, Decimal]:
        return {t: self.cleaned_data[f"w{t.pk}"] for t in self.traits}


YES_NO = [("", _("— not judged yet")), ("yes", _("yes")), ("no", _("no"))]


class AssessmentForm(forms.Form):
    we_win = forms.ChoiceField(label=_("Do we win?"), choices=YES_NO, required=False)
    our_gain = forms.CharField(
        label=_("What we gain (margin, terms, strategic value)"), max_length=300, required=False
    )
    client_wins = forms.ChoiceField(label=_("Does the client win?"), choices=YES_NO, required=False)
    client_goal = forms.CharField(
        label=_("The client's stated goal, and whether it is met"), max_length=300, required=False
    )
    refused = forms.BooleanField(label=_("We refuse this deal: it is not win–win"), required=False)

    def values(self) -> dict[str, object]:
        data = dict(self.cleaned_data)
        for key in ("we_win", "client_wins"):
            data[key] = {"yes": True, "no": False}.get(data[key])
        return data
