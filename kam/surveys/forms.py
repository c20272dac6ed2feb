"""Forms of the surveys app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.accounts.access import AnyUser, visible_managers
from kam.accounts.models import Department
from kam.core.forms import LocalDateInput
from kam.surveys.models import Campaign

DATE = LocalDateInput()
SCORES = [(str(n), str(n)) for n in range(11)]
BY_CHOICES = [
    ("manager", _("Manager")),
    ("segment", _("Segment")),
    ("month", _("Month")),
    ("stage", _("Relationship stage")),
    ("campaign", _("Campaign")),
]


class CampaignForm(forms.ModelForm[Campaign]):
    class Meta:
        model = Campaign
        fields = [
            "name",
            "kind",
            "start",
            "end",
            "audience",
            "segment",
            "manager",
            "by_phone",
            "by_link",
            "link_days",
        ]
        widgets = {"start": DATE, "end": DATE}

    def __init__(self, *args: Any, viewer: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = visible_managers(viewer)  # type: ignore[attr-defined]


class ScoreForm(forms.Form):
    """The 0–10 answer: a radio per number, none chosen by default, no free text."""

    score = forms.TypedChoiceField(
        label=_("Score the client gave, 0–10"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "scores"}),
        error_messages={"required": _("Ask for the number and choose it: 0 to 10.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LinkScoreForm(ScoreForm):
    """The same answer as the client gives it on a personal link: worded for the client (the
    phone form's wording is the manager's script)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        score = self.fields["score"]
        score.label = _(
            "How likely are you to recommend us to colleagues, friends or partners? "
            "Choose a number from 0 to 10."
        )
        score.error_messages["required"] = _("Please choose a number from 0 to 10.")
        self.fields["comment"].label = _("What is the main reason for your score? (optional)")


class EmployeeScoreForm(LinkScoreForm):
    """eNPS: the company score plus optional scores of other departments' service."""

    def __init__(self, *args: Any, departments: list[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["score"].label = _(
            "How likely are you to recommend our company as a place to work? "
            "Choose a number from 0 to 10."
        )
        self.fields["comment"].label = _("Comment (optional)")
        for department in departments:
            self.fields[f"dept_{department.pk}"] = forms.TypedChoiceField(
                label=_("Service of “%(name)s” to you, 0–10 (optional)")
                % {"name": department.name},
                choices=[("", "—"), *SCORES],
                coerce=int,
                required=False,
                empty_value=None,
            )

    def department_scores(self) -> dict[int, int]:
        return {
            int(name.removeprefix("dept_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("dept_") and value is not None
        }


class ResultsForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)
    by = forms.ChoiceField(label=_("Break down by"), choices=BY_CHOICES, required=False)
