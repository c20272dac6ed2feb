"""Choice lists of the surveys app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignKind(models.TextChoices):
    CLIENT = "client", _("Client NPS")
    EMPLOYEE = "employee", _("Employee eNPS")


class Audience(models.TextChoices):
    ALL = "all", _("All clients")
    KEY = "key", _("Key clients")
    SEGMENT = "segment", _("One segment")
    MANAGER = "manager", _("One manager's clients")


class AnswerChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    LINK = "link", _("Link")
    IMPORT = "import", _("Import")
