"""Writes of the contact log: keyword-only, with an actor, in a transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.accounts.models import User
from kam.clients.models import Client, Contact
from kam.core.models import company_settings
from kam.relations.choices import ToneChoice
from kam.relations.domain import in_pause, pause_until
from kam.relations.models import Interaction
from kam.relations.selectors import pause_suggestions


@dataclass(frozen=True, slots=True)
class PauseWarning:
    """A personal contact by the manager inside the pause after a negative contact (SPEC §3)."""

    last_negative: date
    until: date
    suggestions: list[User]


class PauseNotConfirmed(Exception):  # noqa: N818 - a signal to the caller, not an error
    """Raised instead of saving when a personal contact falls inside the pause unconfirmed."""

    def __init__(self, warning: PauseWarning) -> None:
        super().__init__("personal contact inside the pause")
        self.warning = warning


def pause_warning(*, client: Client, author: User, on: date, personal: bool) -> PauseWarning | None:
    """The warning for a personal contact of the client's manager on `on`, if in a pause."""
    if not personal or author.pk != client.manager_id:
        return None
    last_negative = Interaction.objects.filter(
        client=client,
        author_id=client.manager_id,
        planned=False,
        tone=ToneChoice.NEGATIVE,
        date__lt=on,
    ).aggregate(last=Max("date"))["last"]
    days = company_settings().pause_days
    if last_negative is None or not in_pause(last_negative, on, days=days):
        return None
    until = pause_until(last_negative, days=days)
    assert until is not None  # noqa: S101 - last_negative is set
    return PauseWarning(last_negative, until, pause_suggestions(client))


def _check(
    *, client: Client, on: date, planned: bool, tone: str, contacts: Iterable[Contact]
) -> list[Contact]:
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if not planned and on > today:
        errors["date"] = _("A contact in the future can only be planned.")
    if not planned and tone not in ToneChoice.values:
        errors["tone"] = _("Say how the contact went.")
    if planned and tone:
        errors["tone"] = _("A planned contact has no tone yet.")
    chosen = list(contacts)
    if any(c.client_id != client.pk or not c.is_active for c in chosen):
        errors["contacts"] = _("Pick contacts of this client.")
    if errors:
        raise ValidationError(errors)
    return chosen


@transaction.atomic
def interaction_log(
    *,
    actor: User,
    client: Client,
    date: date,
    channel: str,
    personal: bool,
    tone: str = "",
    summary: str = "",
    contacts: Iterable[Contact] = (),
    planned: bool = False,
    confirm_pause: bool = False,
) -> Interaction:
    """Log a contact (or plan one). A personal contact of the manager inside the pause raises
    PauseNotConfirmed unless `confirm_pause`; nothing is written then."""
    chosen = _check(client=client, on=date, planned=planned, tone=tone, contacts=contacts)
    warning = pause_warning(client=client, author=actor, on=date, personal=personal)
    if warning is not None and not confirm_pause:
        raise PauseNotConfirmed(warning)
    interaction = Interaction(
        client=client,
        author=actor,
        date=date,
        channel=channel,
        personal=personal,
        tone="" if planned else tone,
        summary=summary.strip(),
        planned=planned,
    )
    interaction.full_clean()
    interaction.save()
    interaction.contacts.set(chosen)
    return interaction


@transaction.atomic
def interaction_complete(
    *, actor: User, interaction: Interaction, tone: str, confirm_pause: bool = False
) -> Interaction:
    """A planned contact took place today with this tone."""
    if not interaction.planned:
        raise ValidationError({"tone": _("This contact is already logged.")})
    today = timezone.localdate()
    _check(client=interaction.client, on=today, planned=False, tone=tone, contacts=())
    warning = pause_warning(
        client=interaction.client, author=actor, on=today, personal=interaction.personal
    )
    if warning is not None and not confirm_pause:
        raise PauseNotConfirmed(warning)
    interaction.planned = False
    interaction.tone = tone
    interaction.date = today
    interaction.author = actor
    interaction.save(update_fields=["planned", "tone", "date", "author"])
    return interaction
