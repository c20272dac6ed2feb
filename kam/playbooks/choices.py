"""Choices of the difficult-clients playbook."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStep(models.TextChoices):
    """The steps of a complaint case, in order (SPEC §7)."""

    LISTEN = "listen", _("Listen to the client to the end")
    UNDERSTAND = "understand", _("Show understanding, sympathise, apologise")
    SOLUTION = "solution", _("Find the solution together")
    THANK = "thank", _("Thank the client for raising it")
    ACT = "act", _("Act at once")
    DIAGNOSE = "diagnose", _("Diagnose: root cause and what changed")
