"""Choice lists of the clients app (labels translated)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Segment(models.TextChoices):
    """Client type (SPEC §8 list)."""

    LARGE = "large", _("Large business")
    MEDIUM = "medium", _("Medium business")
    SMALL = "small", _("Small business")
    PRIVATE = "private", _("Private person")
    STATE = "state", _("State organisation")


class Channel(models.TextChoices):
    """How the client was won (SPEC §8)."""

    REFERRAL = "referral", _("Referral")
    MOVED_CONTACT = "moved_contact", _("Contact moved to a new job")
    TENDER = "tender", _("Tender")
    NEW_REGION = "new_region", _("Direct sale in a new region")
    OTHER = "other", _("Other")


class ClientStatus(models.TextChoices):
    """Whether the client is worked or archived (archived leave lists and figures)."""

    ACTIVE = "active", _("Active")
    ARCHIVED = "archived", _("Archived")


class BuyingRole(models.TextChoices):
    """Roles in the client's buying centre (SPEC §2)."""

    DECISION_MAKER = "decision_maker", _("Decision maker")
    GATEKEEPER = "gatekeeper", _("Gatekeeper")
    TECHNICAL = "technical", _("Technical specialist")
    ECONOMIC = "economic", _("Economic specialist")
    USER = "user", _("User")
    SUPPORTER = "supporter", _("Supporter")
    OPPONENT = "opponent", _("Opponent")
    ADVISOR = "advisor", _("Advisor")
    INFORMANT = "informant", _("Informant")


class Attitude(models.TextChoices):
    """A contact's attitude to us."""

    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral")
    NEGATIVE = "negative", _("Negative")
    UNKNOWN = "unknown", _("Unknown")


class Influence(models.TextChoices):
    """How much a contact weighs in the client's decisions."""

    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")
    UNKNOWN = "unknown", _("Unknown")
