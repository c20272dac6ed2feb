"""Choices of the calls app (labels through gettext)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionCategory(models.TextChoices):
    TECHNICAL = "technical", _("technical")
    PERSONAL = "personal", _("personal")
    MOTIVATION = "motivation", _("motivation")


class CheckKind(models.TextChoices):
    TECHNICAL_AT_LEAST = "technical_at_least", _("technical questions, at least")
    PERSONAL_AT_LEAST = "personal_at_least", _("personal questions, at least")
    MOTIVATION_AT_LEAST = "motivation_at_least", _("motivation questions, at least")
    QUESTIONS_AT_LEAST = "questions_at_least", _("questions in all, at least")
    NO_EXACT_PRICE = "no_exact_price", _("no exact price named")
    MEETING_PROPOSED = "meeting_proposed", _("meeting proposed")
    MEETING_AGREED = "meeting_agreed", _("meeting agreed")
    TALK_SHARE_AT_MOST = "talk_share_at_most", _("manager talk share, at most (0..1)")
    MONOLOGUE_AT_MOST = "monologue_at_most", _("longest monologue, at most (words)")
