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
from django.utils.translation import ngettext

from kam.accounts.models import User
from kam.clients.models import Client, Contact
from kam.core.models import company_settings
from kam.relations.choices import CorrectionKind, EntryKind, TaskKind, ToneChoice
from kam.relations.domain import Correction, in_pause, pause_until
from kam.relations.models import (
    BankEntry,
    ChecklistTask,
    Interaction,
    InteractionRevision,
    RelationshipStage,
    StageChange,
)
from kam.relations.selectors import correction_of, pause_suggestions
from kam.relations.signals import contact_log_changed, interaction_logged


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


def pause_warning(
    *, client: Client, author: User, on: date, personal: bool, exclude: int | None = None
) -> PauseWarning | None:
    """The warning for a personal contact of the client's manager on `on`, if in a pause
    (`exclude`: an entry being corrected does not count against itself)."""
    if not personal or author.pk != client.manager_id:
        return None
    negatives = Interaction.objects.filter(
        client=client,
        author_id=client.manager_id,
        planned=False,
        tone=ToneChoice.NEGATIVE,
        date__lt=on,
    )
    if exclude is not None:
        negatives = negatives.exclude(pk=exclude)
    last_negative = negatives.aggregate(last=Max("date"))["last"]
    days = company_settings().pause_days
    if last_negative is None or not in_pause(last_negative, on, days=days):
        return None
    until = pause_until(last_negative, days=days)
    assert until is not None  # noqa: S101 - last_negative is set
    return PauseWarning(last_negative, until, pause_suggestions(client))


def _check(
    *,
    client: Client,
    on: date,
    planned: bool,
    tone: str,
    contacts: Iterable[Contact],
    linked: Iterable[int] = (),
) -> list[Contact]:
    """The contact's fields checked; `linked`: contacts already on the entry being corrected,
    which stay allowed after they were archived."""
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if not planned and on > today:
        errors["date"] = _("A contact in the future can only be planned.")
    if not planned and tone not in ToneChoice.values:
        errors["tone"] = _("Say how the contact went.")
    if planned and tone:
        errors["tone"] = _("A planned contact has no tone yet.")
    chosen = list(contacts)
    kept = set(linked)
    if any(c.client_id != client.pk or not (c.is_active or c.pk in kept) for c in chosen):
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
    duration_minutes: int | None = None,
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
        duration_minutes=duration_minutes,
    )
    interaction.full_clean()
    interaction.save()
    interaction.contacts.set(chosen)
    contact_log_changed.send(sender=Interaction, client_ids=[interaction.client_id])
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
    contact_log_changed.send(sender=Interaction, client_ids=[interaction.client_id])
    interaction_logged.send(
        sender=Interaction, actor=actor, interaction=interaction, completed=True
    )
    return interaction


# --- Corrections of the contact log ------------------------------------------------------------


class CorrectionRefused(Exception):  # noqa: N818 - the caller answers 403 with the reason
    """The actor may not correct this entry (not the author or their supervisor, or too late)."""

    def __init__(self, verdict: Correction) -> None:
        super().__init__(verdict.value)
        self.verdict = verdict

    @property
    def reason(self) -> str:
        hours = company_settings().log_correction_hours
        if self.verdict is Correction.TOO_LATE:
            return ngettext(
                "An entry can be corrected within %(hours)d hour of writing it; this one is"
                " older. Log a new contact instead.",
                "An entry can be corrected within %(hours)d hours of writing it; this one is"
                " older. Log a new contact instead.",
                hours,
            ) % {"hours": hours}
        return _("Only the author of the entry or the author's supervisor can correct it.")


def _require_correction(actor: User, interaction: Interaction) -> None:
    verdict = correction_of(viewer=actor, interaction=interaction)
    if verdict is not Correction.ALLOWED:
        raise CorrectionRefused(verdict)


def _snapshot(interaction: Interaction) -> dict[str, object]:
    """The entry as people read it, for the history (before/after)."""
    return {
        "date": interaction.date.isoformat(),
        "channel": interaction.channel,
        "personal": interaction.personal,
        "tone": interaction.tone,
        "planned": interaction.planned,
        "summary": interaction.summary,
        "duration_minutes": interaction.duration_minutes,
        "contacts": sorted(c.full_name for c in interaction.contacts.all()),
    }


def _take_back_bank_entries(interaction: Interaction) -> list[dict[str, object]]:
    """Bank entries confirmed after this contact are taken back (listed for the history);
    KAM proposes again from the corrected entry."""
    entries = list(BankEntry.objects.filter(interaction=interaction))
    taken = [
        {"kind": e.kind, "weight": e.weight, "note": e.note, "date": e.date.isoformat()}
        for e in entries
    ]
    BankEntry.objects.filter(pk__in=[e.pk for e in entries]).delete()
    return taken


# What the emotional-bank proposals after a contact depend on (relations.selectors.proposals_for).
PROPOSAL_INPUTS = ("date", "personal", "tone")


@transaction.atomic
def interaction_edit(
    *,
    actor: User,
    interaction: Interaction,
    date: date,
    channel: str,
    personal: bool,
    tone: str = "",
    summary: str = "",
    contacts: Iterable[Contact] = (),
    duration_minutes: int | None = None,
    confirm_pause: bool = False,
) -> InteractionRevision | None:
    """Correct an entry (the author or their supervisor, within the window). Cadence and pause
    follow at once (they are read from the log); when the date, tone or personal part change,
    bank entries confirmed after it are taken back. None when nothing changed."""
    _require_correction(actor, interaction)
    client = interaction.client
    chosen = _check(
        client=client,
        on=date,
        planned=interaction.planned,
        tone=tone,
        contacts=contacts,
        linked=interaction.contacts.values_list("pk", flat=True),
    )
    if (date, personal) != (interaction.date, interaction.personal):
        warning = pause_warning(
            client=client,
            author=interaction.author,
            on=date,
            personal=personal,
            exclude=interaction.pk,
        )
        if warning is not None and not confirm_pause:
            raise PauseNotConfirmed(warning)
    before = _snapshot(interaction)
    fed = {name: getattr(interaction, name) for name in PROPOSAL_INPUTS}
    interaction.date = date
    interaction.channel = channel
    interaction.personal = personal
    interaction.tone = "" if interaction.planned else tone
    interaction.summary = summary.strip()
    interaction.duration_minutes = duration_minutes
    interaction.full_clean()
    interaction.save(
        update_fields=["date", "channel", "personal", "tone", "summary", "duration_minutes"]
    )
    interaction.contacts.set(chosen)
    after = _snapshot(interaction)
    if after == before:
        return None
    contact_log_changed.send(sender=Interaction, client_ids=[interaction.client_id])
    if any(getattr(interaction, name) != value for name, value in fed.items()):
        taken = _take_back_bank_entries(interaction)
        if taken:
            before["bank_entries"] = taken
    return InteractionRevision.objects.create(
        client=client,
        interaction=interaction,
        interaction_ref=interaction.pk,
        kind=CorrectionKind.EDIT,
        actor=actor,
        before=before,
        after=after,
    )


@transaction.atomic
def interaction_delete(*, actor: User, interaction: Interaction) -> InteractionRevision:
    """Delete an entry (the author or their supervisor, within the window); the history keeps
    it, and bank entries confirmed after it are taken back."""
    _require_correction(actor, interaction)
    before = _snapshot(interaction)
    taken = _take_back_bank_entries(interaction)
    if taken:
        before["bank_entries"] = taken
    revision = InteractionRevision.objects.create(
        client=interaction.client,
        interaction=None,
        interaction_ref=interaction.pk,
        kind=CorrectionKind.DELETE,
        actor=actor,
        before=before,
        after=None,
    )
    interaction.delete()
    contact_log_changed.send(sender=Interaction, client_ids=[revision.client_id])
    return revision


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
