"""Forms of the contrast-analysis pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kam.accounts.models import User
from kam.core.forms import LocalDateInput
from kam.reviews.choices import OPTIONS, Question, Side, TagSide
from kam.reviews.models import CauseTag


class AnalysisForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    as_of = forms.DateField(label=_("Analysis date"), widget=LocalDateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["as_of"].initial = timezone.localdate()


class PickForm(forms.Form):
    client = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    side = forms.ChoiceField(label=_("Side"), choices=Side.choices)
    evidence_note = forms.CharField(
        label=_("Evidence"), max_length=2000, required=False, widget=forms.Textarea({"rows": 2})
    )


class AnswerForm(forms.Form):
    """One question: its text, its option (where the question has one) and its cause tags."""

    text = forms.CharField(
        label=_("Answer"), required=False, max_length=4000, widget=forms.Textarea({"rows": 3})
    )
    option = forms.ChoiceField(required=False)
    tags = forms.ModelMultipleChoiceField(
        label=_("Cause tags"),
        queryset=CauseTag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, question: str, side: str, **kwargs: Any) -> None:
        kwargs["prefix"] = question
        super().__init__(*args, **kwargs)
        self.question = Question(question)
        options = OPTIONS.get(question)
        option = self.fields["option"]
        if options is None:
            del self.fields["option"]
        else:
            option.label = options[1]
            option.choices = [("", "—"), *options[0].choices]  # type: ignore[attr-defined]
        tags: Any = self.fields["tags"]
        kept = self.initial.get("tags") or []
        tags.queryset = CauseTag.objects.filter(
            Q(side__in=[side, TagSide.BOTH]) & (Q(is_active=True) | Q(pk__in=[t.pk for t in kept]))
        )


class TagForm(forms.Form):
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=120)
    name_en = forms.CharField(label=_("Name (English)"), max_length=120, required=False)
    side = forms.ChoiceField(label=_("Used on"), choices=TagSide.choices, initial=TagSide.BOTH)


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=300)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())
    due = forms.DateField(label=_("Due date"), widget=LocalDateInput())
    tag = forms.ModelChoiceField(label=_("Cause"), queryset=CauseTag.objects.all(), required=False)

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner: Any = self.fields["owner"]
        owner.queryset = owners
        owner.label_from_instance = lambda u: u.display_name
