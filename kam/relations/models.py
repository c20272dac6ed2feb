"""The contact log: every interaction with a client, done or planned."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kam.clients.models import Client, Contact
from kam.relations.choices import ContactChannel, ToneChoice


class Interaction(models.Model):
    """One contact with a client: date, channel, personal or not, tone, summary.

    A planned contact has `planned=True` and no tone yet; it counts for nothing until done.
    """

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="interactions", verbose_name=_("client")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="interactions",
        verbose_name=_("who"),
    )
    date = models.DateField(_("date"), db_index=True)
    channel = models.CharField(_("channel"), max_length=20, choices=ContactChannel.choices)
    personal = models.BooleanField(_("the manager took part personally"), default=True)
    tone = models.CharField(_("tone"), max_length=10, choices=ToneChoice.choices, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    contacts = models.ManyToManyField(Contact, blank=True, verbose_name=_("contacts involved"))
    planned = models.BooleanField(_("planned"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    if TYPE_CHECKING:
        client_id: int
        author_id: int

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["client", "planned", "tone", "date"])]

    def __str__(self) -> str:
        return f"{self.client_id} {self.date} {self.channel}"
