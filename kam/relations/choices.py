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
