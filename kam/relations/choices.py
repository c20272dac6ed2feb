"""Choice lists of the contact log."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ContactChannel(models.TextChoices):
    """How the contact happened (SPEC §3)."""

    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    VISIT = "visit", _("Visit")
    EMAIL = "email", _("E-mail")
    MESSENGER = "messenger", _("Messenger")


class ToneChoice(models.TextChoices):
    """How the contact went."""

    POSITIVE = "positive", pgettext_lazy("tone", "Positive")
    NEUTRAL = "neutral", pgettext_lazy("tone", "Neutral")
    NEGATIVE = "negative", pgettext_lazy("tone", "Negative")


class KamStage(models.TextChoices):
    """McDonald's key-account-management stages, for the optional mapping of our stages."""

    EXPLORATORY = "exploratory", _("Exploratory")
    BASIC = "basic", _("Basic")
    COOPERATIVE = "cooperative", _("Cooperative")
    INTERDEPENDENT = "interdependent", _("Interdependent")
    INTEGRATED = "integrated", _("Integrated")


class EntryKind(models.TextChoices):
    """Emotional bank account entry (SPEC §4)."""

    DEPOSIT = "deposit", _("Deposit")
    WITHDRAWAL = "withdrawal", _("Withdrawal")


class TaskKind(models.TextChoices):
    """Where a relationship task came from."""

    MANUAL = "manual", _("Added by hand")
    TEMPLATE = "template", _("From the stage checklist")
    FEEDBACK = "feedback", _("Feedback after a deal")
    REFERRAL = "referral", _("Ask a promoter for a referral or a review")
    IMPROVEMENT = "improvement", _("Improve for a neutral client")


class CorrectionKind(models.TextChoices):
    """What happened to a contact-log entry after it was written."""

    EDIT = "edit", _("Edited")
    DELETE = "delete", _("Deleted")
