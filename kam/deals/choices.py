"""Choices of deals: status, funnel step, source ("how we sold"), funnel transitions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DealStatus(models.TextChoices):
    """Where a deal stands: still open, won or lost."""

    OPEN = "open", _("Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class FunnelStep(models.TextChoices):
    """The funnel step a CRM stage maps to (SPEC §9: consultations → meetings → deals)."""

    CONSULTATION = "consultation", _("Consultation")
    MEETING = "meeting", _("Meeting or visit")
    PROPOSAL = "proposal", _("Proposal")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class DealSource(models.TextChoices):
    """How the deal came to us (SPEC §8 "how we sold"); the CRM's «Источник» maps onto these."""

    REFERRAL = "referral", _("Referral")
    MOVED_CONTACT = "moved_contact", _("A contact who moved to a new job brought us")
    TENDER = "tender", _("Tender")
    NEW_REGION = "new_region", _("Direct sale in a new region")
    INBOUND = "inbound", _("Inbound request")
    OTHER = "other", _("Other")


class Transition(models.TextChoices):
    """A conversion of the funnel."""

    CONSULTATION_MEETING = "consultation_meeting", _("Consultation → meeting")
    MEETING_WON = "meeting_won", _("Meeting → deal")
    CONSULTATION_WON = "consultation_won", _("Consultation → deal")
