"""Clients, their contacts and the contacts' buying-centre roles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kam.clients.choices import Attitude, BuyingRole, Channel, ClientStatus, Influence, Segment

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager

    from kam.accounts.models import User


class Client(models.Model):
    """A client company (or private person) the team sells to.

    Never deleted: archiving takes it out of lists and figures and can be undone.
    """

    name = models.CharField(_("name"), max_length=300)
    normalized_name = models.CharField(max_length=300, db_index=True, editable=False)
    inn = models.CharField(_("INN"), max_length=12, null=True, blank=True, unique=True)
    segment = models.CharField(
        _("segment"), max_length=20, choices=Segment.choices, default=Segment.MEDIUM
    )
    channel = models.CharField(
        _("acquisition channel"), max_length=20, choices=Channel.choices, default=Channel.OTHER
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ClientStatus.choices,
        default=ClientStatus.ACTIVE,
        db_index=True,
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        on_delete=models.PROTECT,
        related_name="clients",
    )
    city = models.CharField(_("city"), max_length=120, blank=True)
    website = models.CharField(_("website"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["normalized_name", "updated_at"])

    if TYPE_CHECKING:
        manager_id: int
        contacts: RelatedManager[Contact]

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name"]
        indexes = [models.Index(fields=["manager", "status"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("clients:client-detail", args=[self.pk])

    @property
    def is_archived(self) -> bool:
        return self.status == ClientStatus.ARCHIVED


class Contact(models.Model):
    """A person at the client; their buying-centre roles are in ContactRole."""

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="contacts"
    )
    full_name = models.CharField(_("full name"), max_length=300)
    position = models.CharField(_("position"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    mobile_phone = models.CharField(_("mobile phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    attitude = models.CharField(
        _("attitude"), max_length=20, choices=Attitude.choices, default=Attitude.UNKNOWN
    )
    influence = models.CharField(
        _("influence"), max_length=20, choices=Influence.choices, default=Influence.UNKNOWN
    )
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    # Attitude, influence and notes are dossier content: kept out of the shared history.
    history = HistoricalRecords(excluded_fields=["attitude", "influence", "notes"])

    if TYPE_CHECKING:
        client_id: int
        role_set: RelatedManager[ContactRole]

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def role_codes(self) -> list[str]:
        """Role codes, from the prefetch cache when the selector prefetched them."""
        return [r.role for r in self.role_set.all()]

    @property
    def role_labels(self) -> list[str]:
        labels = dict(BuyingRole.choices)
        return [str(labels[code]) for code in self.role_codes if code in labels]


class ContactRole(models.Model):
    """One buying-centre role of a contact; a contact may hold several."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="role_set")
    role = models.CharField(_("role"), max_length=30, choices=BuyingRole.choices)

    class Meta:
        verbose_name = _("buying-centre role")
        verbose_name_plural = _("buying-centre roles")
        constraints = [
            models.UniqueConstraint(fields=["contact", "role"], name="uniq_contact_role"),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id}:{self.role}"

    if TYPE_CHECKING:
        contact_id: int


def user_display(user: User | None) -> str:
    """A user's name for lists; an em dash when there is none."""
    return user.display_name if user is not None else "—"


class ContactDate(models.Model):
    """An important date of a contact besides the birthday (a company anniversary, a name day)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="dates")
    what = models.CharField(_("occasion"), max_length=200)
    date = models.DateField(_("date"))

    class Meta:
        verbose_name = _("important date")
        verbose_name_plural = _("important dates")
        ordering = ["date"]

    def __str__(self) -> str:
        return self.what


class Dossier(models.Model):
    """The confidential dossier of a client: free notes and the review date.

    Readable ONLY by the client's manager and that manager's direct supervisor (access.py);
    never registered in the Django admin, never part of the client's public history.
    """

    client = models.OneToOneField(Client, on_delete=models.PROTECT, related_name="dossier")
    notes = models.TextField(_("dossier notes"), blank=True)
    last_reviewed_on = models.DateField(_("last reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")

    def __str__(self) -> str:
        return f"dossier:{self.client_id}"

    if TYPE_CHECKING:
        client_id: int


class Competitor(models.Model):
    """A competitor courting the client with the same product or service (dossier content)."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="competitors")
    name = models.CharField(_("competitor"), max_length=200)
    strengths = models.TextField(_("strengths"), blank=True)
    weaknesses = models.TextField(_("weaknesses"), blank=True)
    offer = models.TextField(_("what they offer"), blank=True)
    last_activity = models.DateField(_("last seen activity"), null=True, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("competitor")
        verbose_name_plural = _("competitors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DossierView(models.Model):
    """One opening of a dossier, or one refused attempt: who, when, which client, where.

    Append-only. Repeated openings of the same page in one session within the same minute fold
    into one row (`count`, `last_at`), so a reload does not bury the log.
    """

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    viewed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    channel = models.CharField(max_length=10, default="web")
    page = models.CharField(max_length=20, default="dossier")
    allowed = models.BooleanField(default=True)
    session_key = models.CharField(max_length=64, blank=True)
    count = models.PositiveIntegerField(default=1)
    last_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("dossier view")
        verbose_name_plural = _("dossier views")
        ordering = ["-viewed_at"]

    def __str__(self) -> str:
        return f"{self.viewer_id}@{self.client_id}"

    if TYPE_CHECKING:
        viewer_id: int
        client_id: int
