"""NPS campaigns, respondents and answers; eNPS answers kept apart from people; complaint cases."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kam.accounts.models import Department
from kam.clients.choices import Segment
from kam.clients.models import Client, Contact
from kam.surveys.choices import AnswerChannel, Audience, CampaignKind

SCORE_RANGE = models.Q(score__gte=0, score__lte=10)


class Campaign(models.Model):
    """A survey wave: client NPS (by phone and/or personal links) or employee eNPS."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=CampaignKind.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    audience = models.CharField(
        _("who is surveyed"), max_length=10, choices=Audience.choices, default=Audience.ALL
    )
    segment = models.CharField(_("segment"), max_length=20, choices=Segment.choices, blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("manager"),
    )
    by_phone = models.BooleanField(_("by phone"), default=True)
    by_link = models.BooleanField(_("by personal link"), default=False)
    link_days = models.PositiveSmallIntegerField(_("links valid for, days"), default=14)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="campaign_period"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def channels_label(self) -> str:
        """How the campaign asks, for a table cell: «телефон, ссылки»."""
        if self.kind == CampaignKind.EMPLOYEE:
            return str(_("anonymous links"))
        channels = [
            str(label)
            for on, label in ((self.by_phone, _("phone")), (self.by_link, _("links")))
            if on
        ]
        return ", ".join(channels) or str(_("imported answers"))


class Respondent(models.Model):
    """A client surveyed in a campaign; a personal link stores only its token's SHA-256."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="respondents")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    token_expires = models.DateTimeField(null=True, blank=True)
    link_sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    if TYPE_CHECKING:
        campaign_id: int
        client_id: int

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "client"], name="one_respondent_per_client")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.client_id}"


class Answer(models.Model):
    """A client's 0–10 answer. One per respondent (the database enforces single use)."""

    respondent = models.OneToOneField(Respondent, on_delete=models.PROTECT, related_name="answer")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="answers")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="nps_answers")
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=AnswerChannel.choices)
    answered_on = models.DateField(_("date"), db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    if TYPE_CHECKING:
        client_id: int
        campaign_id: int

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["-answered_on", "-id"]
        constraints = [models.CheckConstraint(condition=SCORE_RANGE, name="answer_score_0_10")]

    def __str__(self) -> str:
        return f"{self.client_id}: {self.score}"


class EmployeeInvitation(models.Model):
    """An employee's personal eNPS link. Its answers are NOT linked back to it or the person:
    the invitation only records that it was used, so reminders reach the others."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    token_expires = models.DateTimeField()
    used = models.BooleanField(default=False)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "user"], name="one_invitation_per_person")
        ]

    def __str__(self) -> str:
        return f"invitation {self.pk}"

    if TYPE_CHECKING:
        campaign_id: int
        user_id: int


class EmployeeAnswer(models.Model):
    """An anonymous eNPS answer: about the company (no department) or about a department's
    service; the respondent's department only (no user, address or agent; day precision)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="employee_answers"
    )
    about = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    answered_on = models.DateField()

    class Meta:
        constraints = [models.CheckConstraint(condition=SCORE_RANGE, name="employee_score_0_10")]

    def __str__(self) -> str:
        return f"eNPS {self.score}"
