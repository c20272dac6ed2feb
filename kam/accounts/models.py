"""Users, roles and the org chart."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from kam.accounts.domain import Roles

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager


class Department(models.Model):
    """A unit of the company (sales department, logistics...), nested by `parent`."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who logs in. Roles are flags because one person may hold several.

    `supervisor` is the direct supervisor in the org chart (at most one).
    """

    middle_name = models.CharField(_("middle name"), max_length=150, blank=True)
    is_manager = models.BooleanField(_("manager"), default=False)
    is_supervisor = models.BooleanField(_("supervisor"), default=False)
    is_director = models.BooleanField(_("director"), default=False)
    is_admin = models.BooleanField(_("administrator"), default=False)
    supervisor = models.ForeignKey(
        "self",
        verbose_name=_("direct supervisor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    # Who last set this user's password when it was not the user: an admin who knows someone's
    # password can act as them, so the org-chart rule counts that person as the admin's.
    password_set_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    # Who last changed this user's e-mail address when it was not the user, and when: an eNPS
    # link is not e-mailed to an address someone else set lately (they could read it).
    email_changed_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    email_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    language = models.CharField(
        _("interface language"),
        max_length=8,
        choices=[("ru", "Русский"), ("en", "English")],
        default="ru",
    )

    if TYPE_CHECKING:
        reports: RelatedManager[User]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """Surname and first name, as Russian teams write them; the login when both are empty."""
        name = " ".join(p for p in (self.last_name, self.first_name) if p)
        return name or self.username

    @property
    def roles(self) -> Roles:
        """The user's roles as a plain value for the pure role rules."""
        return Roles(
            manager=self.is_manager,
            supervisor=self.is_supervisor,
            director=self.is_director,
            admin=self.is_admin,
            superuser=self.is_superuser,
            active=self.is_active,
        )

    @property
    def role_labels(self) -> list[str]:
        """Human labels of the roles held, for lists and the header."""
        labels = []
        for flag, label in (
            (self.is_manager, _("manager")),
            (self.is_supervisor, _("supervisor")),
            (self.is_director, _("director")),
            (self.is_admin, _("administrator")),
        ):
            if flag:
                labels.append(str(label))
        return labels


class ApiToken(models.Model):
    """A user's API key, stored as its SHA-256 only: the key is shown once, when it is made.

    `prefix` (the first characters) lets the owner recognise which key is current.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="api_token")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}…"


class OrgChange(models.Model):
    """One change of the org chart or of a client's manager: who did what to whom, and when.

    Append-only. `manager` and `supervisor` are the people whose dossier pairs the change
    touched (the subject and their supervisors before and after); they see it on their profile.
    """

    class Kind(models.TextChoices):
        SUPERVISOR = "supervisor", _("direct supervisor changed")
        ROLES = "roles", _("roles changed")
        ACTIVE = "active", _("access changed")
        CLIENT_MANAGER = "client_manager", _("client's manager changed")
        PASSWORD = "password", _("password set by an administrator")
        EMAIL = "email", _("e-mail address changed by an administrator")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    subject = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    client = models.ForeignKey(
        "clients.Client", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    before = models.CharField(max_length=300, blank=True)
    after = models.CharField(max_length=300, blank=True)
    affected = models.ManyToManyField(User, related_name="org_changes_seen", blank=True)

    class Meta:
        verbose_name = _("org chart change")
        verbose_name_plural = _("org chart changes")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind}@{self.at:%Y-%m-%d}"
