"""Forms of the portfolio page, key-account marks and account plans."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.accounts.access import AnyUser, visible_managers
from kam.accounts.models import User
from kam.core.forms import AmountField, LocalDateInput
from kam.portfolio.domain import (
    Window,
    previous_quarter,
    window_last_months,
    window_quarter,
    window_year,
)

PRESETS = [
    ("last12", _("Last 12 months")),
    ("this_year", _("This calendar year")),
    ("last_year", _("Last calendar year")),
    ("this_quarter", _("This quarter")),
    ("last_quarter", _("Last complete quarter")),
    ("custom", _("Custom period")),
]


class WindowForm(forms.Form):
    """The reporting window: a preset or custom dates (both ends inclusive)."""

    preset = forms.ChoiceField(label=_("Period"), choices=PRESETS, required=False)
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=LocalDateInput(),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=LocalDateInput(),
    )

    def window(self, *, today: date, months: int) -> Window:
        """The chosen window; invalid input falls back to the default with a form error."""
        data = self.cleaned_data if self.is_valid() else {}
        preset = data.get("preset") or "last12"
        if preset == "this_year":
            return window_year(today.year)
        if preset == "last_year":
            return window_year(today.year - 1)
        if preset == "this_quarter":
            return window_quarter(today.year, (today.month - 1) // 3 + 1)
        if preset == "last_quarter":
            return window_quarter(*previous_quarter(today))
        if preset == "custom" and data.get("date_from") and data.get("date_to"):
            return Window(start=data["date_from"], end=data["date_to"])
        return window_last_months(today, months=months)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if data.get("preset") == "custom":
            if not start or not end:
                raise forms.ValidationError(_("Give both dates of a custom period."))
            if start > end:
                raise forms.ValidationError(_("The period starts after it ends."))
        return data


class KeyProfileForm(forms.Form):
    """Strategic / prospective marks with reasons, and the three-year potential."""

    strategic = forms.BooleanField(label=_("Strategic / reference client"), required=False)
    strategic_reason = forms.CharField(label=_("Why strategic"), required=False, max_length=500)
    prospective = forms.BooleanField(label=_("Prospective client"), required=False)
    prospective_reason = forms.CharField(label=_("Why prospective"), required=False, max_length=500)
    potential_3y = AmountField(
        label=_("Revenue potential over three years"), required=False, min_value=0
    )


class GoalForm(forms.Form):
    """A measurable goal: a number and a date are both required."""

    title = forms.CharField(label=_("Goal"), max_length=300)
    target_value = AmountField(label=_("Target (number)"))
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False)
    due = forms.DateField(label=_("Due date"), widget=LocalDateInput())


class GoalResultForm(forms.Form):
    """What was achieved, as a number, and whether the goal is closed."""

    achieved_value = forms.DecimalField(
        label=_("Achieved (number)"),
        max_digits=15,
        decimal_places=2,
        required=False,
        localize=True,
    )
    result = forms.CharField(
        label=_("Result"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    closed = forms.BooleanField(label=_("Goal closed"), required=False)


class ActionForm(forms.Form):
    """An action with an owner and a date."""

    title = forms.CharField(label=_("Action"), max_length=300)
    owner: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Owner"), queryset=User.objects.none()
    )
    due = forms.DateField(label=_("Due date"), widget=LocalDateInput())

    def __init__(self, *args: Any, viewer: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = visible_managers(viewer)  # type: ignore[attr-defined]


class ReviewForm(forms.Form):
    """A review of the plan."""

    date = forms.DateField(label=_("Date"), widget=LocalDateInput())
    notes = forms.CharField(label=_("Review notes"), widget=forms.Textarea(attrs={"rows": 3}))


class RevenueForm(forms.Form):
    """A revenue record entered by hand."""

    date = forms.DateField(label=_("Date"), widget=LocalDateInput())
    amount = AmountField(label=_("Amount"), min_value=0)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
