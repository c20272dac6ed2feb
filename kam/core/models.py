"""Company-wide settings: every number of SPEC is a default an admin can change."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

FRACTION = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))]


class CompanySettings(models.Model):
    """One row (pk=1) of admin-editable thresholds; code reads it via `company_settings()`."""

    key_share = models.DecimalField(
        _("key client share above"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.10"),
        validators=FRACTION,
    )
    critical_share = models.DecimalField(
        _("critical dependency share above"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.20"),
        validators=FRACTION,
    )
    mono_share = models.DecimalField(
        _("mono-client share above"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.50"),
        validators=FRACTION,
    )
    abc_a = models.DecimalField(
        _("ABC: class A up to cumulative share"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.80"),
        validators=FRACTION,
    )
    abc_b = models.DecimalField(
        _("ABC: class B up to cumulative share"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.95"),
        validators=FRACTION,
    )
    manager_key_client_limit = models.PositiveSmallIntegerField(
        _("key clients per manager, at most"), default=3
    )
    window_months = models.PositiveSmallIntegerField(
        _("default portfolio window, months"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    cadence_days = models.PositiveSmallIntegerField(
        _("key client: positive contact at least every N days"),
        default=10,
        validators=[MinValueValidator(1)],
    )
    pause_days = models.PositiveSmallIntegerField(
        _("pause in personal contact after a negative one, days"), default=14
    )
    dossier_review_days = models.PositiveSmallIntegerField(
        _("dossier review at least every N days"),
        default=90,
        validators=[MinValueValidator(1)],
    )
    reminder_days_ahead = models.PositiveSmallIntegerField(
        _("remind of birthdays and dates N days ahead"), default=3
    )
    log_correction_hours = models.PositiveSmallIntegerField(
        _("contact log: the author or their supervisor may correct an entry within N hours"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 90)],
        help_text=_("Counted from the moment the entry was written; every change is kept."),
    )
    bank_withdrawal_streak = models.PositiveSmallIntegerField(
        _("emotional bank: alert after N withdrawals in a row"),
        default=3,
        validators=[MinValueValidator(1)],
    )
    bank_negative_alert = models.BooleanField(
        _("emotional bank: alert on a negative balance"), default=True
    )
    # Cadence for clients that are not key accounts, per segment; empty = no cadence.
    cadence_large_days = models.PositiveSmallIntegerField(
        _("other large-business clients: contact at least every N days"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
    )
    cadence_medium_days = models.PositiveSmallIntegerField(
        _("other medium-business clients: contact at least every N days"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
    )
    cadence_small_days = models.PositiveSmallIntegerField(
        _("other small-business clients: contact at least every N days"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
    )
    cadence_private_days = models.PositiveSmallIntegerField(
        _("other private clients: contact at least every N days"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
    )
    cadence_state_days = models.PositiveSmallIntegerField(
        _("other state clients: contact at least every N days"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
    )

    class Meta:
        verbose_name = _("company settings")
        verbose_name_plural = _("company settings")

    def __str__(self) -> str:
        return str(_("Company settings"))

    def segment_cadence(self) -> dict[str, int]:
        """Cadence in days per segment for clients that are not key accounts (set ones only)."""
        days = {
            "large": self.cadence_large_days,
            "medium": self.cadence_medium_days,
            "small": self.cadence_small_days,
            "private": self.cadence_private_days,
            "state": self.cadence_state_days,
        }
        return {segment: n for segment, n in days.items() if n}

    def clean(self) -> None:
        if not self.key_share <= self.critical_share <= self.mono_share:
            raise ValidationError(
                _("Thresholds must grow: key ≤ critical dependency ≤ mono-client.")
            )
        if not self.abc_a <= self.abc_b:
            raise ValidationError(_("The class A boundary must not exceed the class B boundary."))


def company_settings() -> CompanySettings:
    """The settings row, created with the defaults on first use."""
    settings, _created = CompanySettings.objects.get_or_create(pk=1)
    return settings


LOGO_MAX_BYTES = 256 * 1024


class Branding(models.Model):
    """One row (pk=1): how the company presents itself to clients on survey pages and e-mails.

    The logo is kept in the database (no file path, no user-chosen name): only PNG, JPEG or
    WebP up to LOGO_MAX_BYTES, checked by its content, served by `logo_view` under its digest.
    """

    company_name = models.CharField(
        _("company name shown to clients"),
        max_length=120,
        blank=True,
        help_text=_("Shown on survey pages and e-mails instead of «KAM»."),
    )
    logo = models.BinaryField(blank=True, default=b"", editable=False)
    logo_type = models.CharField(max_length=20, blank=True, editable=False)
    logo_digest = models.CharField(max_length=64, blank=True, editable=False)
    survey_from_email = models.EmailField(
        _("sender address of survey e-mails"),
        blank=True,
        help_text=_("An address of your domain that clients recognise, e.g. service@company.ru."),
    )
    survey_subject = models.CharField(
        _("subject of survey e-mails"),
        max_length=150,
        blank=True,
        help_text=_("Empty: «One question about our work» with the company name."),
    )

    class Meta:
        verbose_name = _("branding")
        verbose_name_plural = _("branding")

    def __str__(self) -> str:
        return self.company_name or "branding"


def branding() -> Branding:
    """The branding row, created empty on first use."""
    row, _created = Branding.objects.get_or_create(pk=1)
    return row


def branding_with_logo(digest: str) -> Branding | None:
    """The branding row when its logo has this digest (a logo's address), else None."""
    return Branding.objects.filter(pk=1, logo_digest=digest).exclude(logo_digest="").first()
