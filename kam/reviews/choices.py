"""Choices of the contrast analysis (SPEC §8, seed 003): sides, questions and answer options."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise


class Side(models.TextChoices):
    """The two sides of the analysis (the same codes as the health app's candidate sides)."""

    SATISFIED = "satisfied", _("Satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class TagSide(models.TextChoices):
    """Where a cause tag may be used."""

    SATISFIED = "satisfied", _("Satisfied side")
    DISSATISFIED = "dissatisfied", _("Dissatisfied side")
    BOTH = "both", _("Both sides")


class Question(models.TextChoices):
    """The six questions of each side's questionnaire."""

    HOW_SOLD = "how_sold", _("How we sold to this client")
    CLIENT_TYPE = "client_type", _("Client type")
    TRUE_NEEDS = "true_needs", _("True needs, in the client's own words")
    SATISFIED_WITH = "satisfied_with", _("What exactly the client is satisfied with")
    DECISION = "decision", _("Who decides and how")
    OUR_ACTIONS = "our_actions", _("Our actions that led to the satisfaction")
    PORTRAIT = "portrait", _("Portrait of the client and the usual needs of its type")
    STATED_NEED = "stated_need", _("The need the client stated, and was it the true one")
    DECIDER = "decider", _("Who decided whether the client is satisfied, and their goals")
    PATH = "path", _("Our path from the need to the delivery")
    QUALITY = "quality", _("How well we solved the task, and who erred")
    SHOULD_HAVE = "should_have", _("What we should have done")


SATISFIED_QUESTIONS: tuple[Question, ...] = (
    Question.HOW_SOLD,
    Question.CLIENT_TYPE,
    Question.TRUE_NEEDS,
    Question.SATISFIED_WITH,
    Question.DECISION,
    Question.OUR_ACTIONS,
)
DISSATISFIED_QUESTIONS: tuple[Question, ...] = (
    Question.PORTRAIT,
    Question.STATED_NEED,
    Question.DECIDER,
    Question.PATH,
    Question.QUALITY,
    Question.SHOULD_HAVE,
)
QUESTIONS: dict[str, tuple[Question, ...]] = {
    Side.SATISFIED: SATISFIED_QUESTIONS,
    Side.DISSATISFIED: DISSATISFIED_QUESTIONS,
}

HINTS: dict[str, StrOrPromise] = {
    Question.HOW_SOLD: _(
        "Where the client came from; KAM fills it in from the source of the client's deals."
    ),
    Question.CLIENT_TYPE: _("By your classification; the portrait of this type matters."),
    Question.TRUE_NEEDS: _(
        "What the client says or writes, not what the manager was selling. Quote them."
    ),
    Question.SATISFIED_WITH: _("Why they became repeat buyers: the concrete things they value."),
    Question.DECISION: _("Names and positions of the deciders and how a decision is made."),
    Question.OUR_ACTIONS: _("What exactly we did for this client that made them satisfied."),
    Question.PORTRAIT: _("Who the client is by your classification; what such clients need."),
    Question.STATED_NEED: _("What the client said or wrote; do we believe it was the real need?"),
    Question.DECIDER: _("Who judged the result on the client's side and what their tasks are."),
    Question.PATH: _(
        "From taking the request to the delivery: were tasks passed on correctly inside "
        "the company, and what tasks did we actually solve?"
    ),
    Question.QUALITY: _("How well we solved the client's task; who in our company erred, in what."),
    Question.SHOULD_HAVE: _("What would have made this client satisfied."),
}


class HowSold(models.TextChoices):
    """How we sold (SPEC §8); prefilled from the deals' source (kam.deals DealSource)."""

    REFERRAL = "referral", _("Referral")
    MOVED_CONTACT = "moved_contact", _("A contact who moved to a new job brought us")
    TENDER = "tender", _("Tender")
    NEW_REGION = "new_region", _("Direct sale in a new region")
    OTHER = "other", _("Other")


class ClientType(models.TextChoices):
    """Client type (SPEC §8 list; the same codes as the client's segment)."""

    LARGE = "large", _("Large business")
    MEDIUM = "medium", _("Medium business")
    SMALL = "small", _("Small business")
    PRIVATE = "private", _("Private person")
    STATE = "state", _("State organisation")


class Verdict(models.TextChoices):
    """A yes / partly / no judgement of a dissatisfied client's answer."""

    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Not known")


# Which option list a question carries beside its text (label of the option field).
OPTIONS: dict[str, tuple[type[models.TextChoices], StrOrPromise]] = {
    Question.HOW_SOLD: (HowSold, _("Channel")),
    Question.CLIENT_TYPE: (ClientType, _("Type")),
    Question.STATED_NEED: (Verdict, _("Was it the true need?")),
    Question.PATH: (Verdict, _("Were tasks passed on correctly?")),
    Question.QUALITY: (Verdict, _("Did we solve the task well?")),
}
