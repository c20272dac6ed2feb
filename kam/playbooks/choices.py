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


class CaseSource(models.TextChoices):
    """Where a complaint came from."""

    CALL = "call", _("Call")
    LETTER = "letter", _("Letter")
    MEETING = "meeting", _("Meeting")
    MESSENGER = "messenger", _("Messenger")
    NPS = "nps", _("NPS critic")
    PAST = "past", _("Past fault (our blunder)")


class TypeCode(models.TextChoices):
    """The ten difficult-client types (SPEC §7); the codes are stable, the cards editable."""

    KNOW_NOTHING = "know_nothing", _("Know-nothing")
    SEVEN_FRIDAYS = "seven_fridays", _("Seven Fridays a week")
    LAZY = "lazy", _("Lazy one")
    SCROOGE = "scrooge", _("Scrooge")
    DISLOYAL = "disloyal", _("Disloyal")
    WHINER = "whiner", _("Whiner")
    CONSERVATIVE = "conservative", _("Conservative")
    SHOW_OFF = "show_off", _("Show-off")
    OUR_BLUNDER = "our_blunder", _("Our blunder")
    BRAWLER = "brawler", _("Brawler")
