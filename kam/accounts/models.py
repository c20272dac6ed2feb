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
