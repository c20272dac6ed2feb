"""Writes of the contact log: keyword-only, with an actor, in a transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.accounts.models import User
from kam.clients.models import Client, Contact
from kam.core.models import company_settings
from kam.relations.choices import EntryKind, TaskKind, ToneChoice
from kam.relations.domain import in_pause, pause_until
from kam.relations.models import (
    BankEntry,
    ChecklistTask,
    Interaction,
    RelationshipStage,
    StageChange,
)
from kam.relations.selectors import pause_suggestions
from kam.relations.signals import interaction_logged


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
    interaction_logged.send(
        sender=Interaction, actor=actor, interaction=interaction, completed=False
    )
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
    interaction_logged.send(
        sender=Interaction, actor=actor, interaction=interaction, completed=True
    )
    return interaction


# --- Stages, bank, checklist -----------------------------------------------------------------


@transaction.atomic
def stage_set(
    *, actor: User, client: Client, stage: RelationshipStage, reason: str, on: date | None = None
) -> StageChange:
    """Move the client to a stage with a reason (dated; the history keeps every move)."""
    day = on or timezone.localdate()
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = _("Say why the relationship moved to this stage.")
    if day > timezone.localdate():
        errors["date"] = _("A stage change cannot be in the future.")
    if not stage.is_active:
        errors["stage"] = _("This stage is no longer in use.")
    if errors:
        raise ValidationError(errors)
    return StageChange.objects.create(
        client=client, stage=stage, date=day, reason=reason.strip(), author=actor
    )


@transaction.atomic
def bank_entry_add(
    *,
    actor: User,
    client: Client,
    kind: str,
    weight: int,
    note: str,
    on: date | None = None,
    stage: RelationshipStage | None = None,
    interaction: Interaction | None = None,
) -> BankEntry:
    """A deposit or withdrawal; the stage defaults to the client's current one."""
    day = on or timezone.localdate()
    errors: dict[str, str] = {}
    if kind not in EntryKind.values:
        errors["kind"] = _("Choose a deposit or a withdrawal.")
    if not isinstance(weight, int) or not 1 <= weight <= 5:
        errors["weight"] = _("The weight is a whole number from 1 to 5.")
    if day > timezone.localdate():
        errors["date"] = _("An entry cannot be dated in the future.")
    if not note.strip():
        errors["note"] = _("Say what happened.")
    if interaction is not None and interaction.client_id != client.pk:
        errors["interaction"] = _("Pick a contact of this client.")
    if errors:
        raise ValidationError(errors)
    if stage is None:
        current = (
            StageChange.objects.filter(client=client, date__lte=day)
            .order_by("-date", "-id")
            .first()
        )
        stage = current.stage if current else None
    return BankEntry.objects.create(
        client=client,
        kind=kind,
        weight=weight,
        note=note.strip()[:500],
        date=day,
        stage=stage,
        author=actor,
        interaction=interaction,
    )


@transaction.atomic
def task_add(
    *,
    actor: User,
    client: Client,
    title: str,
    owner: User | None = None,
    due: date | None = None,
    kind: str = TaskKind.MANUAL,
) -> ChecklistTask:
    """A relationship task; the owner defaults to the client's manager."""
    if not title.strip():
        raise ValidationError({"title": _("Name the task.")})
    task = ChecklistTask(
        client=client,
        title=title.strip()[:300],
        owner=owner or client.manager,
        due=due,
        kind=kind,
        created_by=actor,
    )
    task.full_clean()
    task.save()
    return task


@transaction.atomic
def checklist_from_template(
    *, actor: User, client: Client, stage: RelationshipStage
) -> list[ChecklistTask]:
    """Create the stage's template tasks that the client does not have open yet."""
    today = timezone.localdate()
    open_titles = set(
        ChecklistTask.objects.filter(client=client, done=False).values_list("title", flat=True)
    )
    created = []
    for index, title in enumerate(stage.template_tasks):
        if title in open_titles:
            continue
        created.append(
            task_add(
                actor=actor,
                client=client,
                title=title,
                due=today + timedelta(days=30 * (index + 1)),
                kind=TaskKind.TEMPLATE,
            )
        )
    return created


def task_set_done(*, actor: User, task: ChecklistTask, done: bool) -> ChecklistTask:
    task.done = done
    task.done_at = timezone.now() if done else None
    task.save(update_fields=["done", "done_at"])
    return task


def feedback_task_after_deal(
    *, actor: User | None, client: Client, deal_date: date
) -> ChecklistTask | None:
    """After a won deal: a task to ask for feedback with an NPS call (one open at a time).

    An import run from the shell has no actor: the task is then recorded as the manager's own.
    """
    if ChecklistTask.objects.filter(client=client, kind=TaskKind.FEEDBACK, done=False).exists():
        return None
    return task_add(
        actor=actor or client.manager,
        client=client,
        title=_("Ask for feedback on the deal of %(date)s: an NPS call")
        % {"date": deal_date.strftime("%d.%m.%Y")},
        due=max(deal_date, timezone.localdate()) + timedelta(days=7),
        kind=TaskKind.FEEDBACK,
    )
