"""Writes of the playbook: tags and checklist ticks, the editable cards and lists, complaint
cases (opened from any source, worked through the steps of SPEC §7 in order against their SLA,
escalated when late, closed only with a diagnosis) and what KAM does by itself for each type."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.accounts.models import User
from kam.clients.models import Client
from kam.playbooks.choices import CaseSource, CaseStep, TypeCode
from kam.playbooks.domain import names_person, step_deadline
from kam.playbooks.models import (
    CaseStepRecord,
    ChecklistItem,
    ChecklistTick,
    ClientTypeTag,
    ComplaintCase,
    DifficultType,
    PlaybookSettings,
    RootCause,
    playbook_settings,
)
from kam.relations.models import ChecklistTask, Interaction
from kam.relations.services import task_add

STEPS = list(CaseStep)
VOICE_SOURCES = {CaseSource.CALL, CaseSource.MEETING, CaseSource.MESSENGER}


# --- Types, tags and ticks ---------------------------------------------------------------------


def active_types(client: Client) -> dict[str, DifficultType]:
    """The client's live types by code."""
    tags = ClientTypeTag.objects.filter(client=client, removed_at__isnull=True).select_related(
        "type"
    )
    return {tag.type.code: tag.type for tag in tags}


def _acting(client: Client, code: str) -> DifficultType | None:
    """The client's live type `code` when its behaviour is on, else None."""
    kind = active_types(client).get(code)
    return kind if kind is not None and kind.behaviour_on else None


def _task_once(
    *, actor: User, client: Client, title: str, due: date | None
) -> ChecklistTask | None:
    """A relationship task for the client's manager, unless the same one is still open."""
    if ChecklistTask.objects.filter(client=client, title=title[:300], done=False).exists():
        return None
    return task_add(actor=actor, client=client, title=title, due=due)


@transaction.atomic
def tag_add(*, actor: User, client: Client, type_code: str, note: str = "") -> ClientTypeTag:
    """Put the client in a difficult type, with the evidence; then what the type does."""
    kind = DifficultType.objects.filter(code=type_code).first()
    if kind is None:
        raise ValidationError({"type": _("No such difficult-client type.")})
    if ClientTypeTag.objects.filter(client=client, type=kind, removed_at__isnull=True).exists():
        raise ValidationError({"type": _("The client already has this type.")})
    tag = ClientTypeTag.objects.create(
        client=client, type=kind, note=note.strip(), created_by=actor
    )
    if kind.behaviour_on:
        _on_tagged(actor=actor, client=client, kind=kind, note=note.strip())
    return tag


def _on_tagged(*, actor: User, client: Client, kind: DifficultType, note: str) -> None:
    today = timezone.localdate()
    soon = today + timedelta(days=7)
    if kind.code == TypeCode.OUR_BLUNDER:
        summary = note or _("Past negative experience with us (tagged “our blunder”).")
        case_open(client=client, actor=actor, summary=summary, source=CaseSource.PAST)
    elif kind.code == TypeCode.LAZY:
        _task_once(
            actor=actor,
            client=client,
            title=_("Find a second, higher contact in the buying centre"),
            due=soon,
        )
    elif kind.code == TypeCode.CONSERVATIVE:
        _task_once(actor=actor, client=client, title=_("Offer a pilot order"), due=soon)
        _task_once(
            actor=actor,
            client=client,
            title=_("Find a reference from someone the client trusts"),
            due=soon,
        )
    elif kind.code == TypeCode.SHOW_OFF:
        _task_once(
            actor=actor,
            client=client,
            title=_("Prepare an exclusive offer; trade concessions only for concessions"),
            due=soon,
        )
    elif kind.code == TypeCode.KNOW_NOTHING:
        planned = (
            Interaction.objects.filter(client=client, planned=True, date__gte=today)
            .order_by("date", "id")
            .first()
        )
        _product_sheet_task(actor=actor, client=client, on=planned.date if planned else soon)


def _product_sheet_task(*, actor: User, client: Client, on: date) -> ChecklistTask | None:
    sheet = playbook_settings().product_sheet or _("the plain-words product sheet")
    title = _("Attach %(sheet)s to the contact of %(date)s") % {
        "sheet": sheet,
        "date": on.strftime("%d.%m.%Y"),
    }
    return _task_once(actor=actor, client=client, title=title, due=on)


@transaction.atomic
def tag_remove(*, actor: User, tag: ClientTypeTag) -> ClientTypeTag:
    """Take the type off the client; the tag stays in the history with who and when."""
    if tag.removed_at is not None:
        raise ValidationError({"type": _("This type was already removed.")})
    tag.removed_at = timezone.now()
    tag.removed_by = actor
    tag.save(update_fields=["removed_at", "removed_by"])
    return tag


@transaction.atomic
def tick_set(*, actor: User, client: Client, item: ChecklistItem, ticked: bool) -> None:
    """Tick (or untick) a checklist item of one of the client's types."""
    if item.type.code not in active_types(client):
        raise ValidationError({"item": _("This item belongs to a type the client does not have.")})
    if ticked:
        ChecklistTick.objects.get_or_create(client=client, item=item, defaults={"ticked_by": actor})
    else:
        ChecklistTick.objects.filter(client=client, item=item).delete()


@transaction.atomic
def type_update(
    *, actor: User, kind: DifficultType, items: list[tuple[str, str]], **fields: Any
) -> DifficultType:
    """Edit a type's card (both languages), its behaviour switch and its checklist; items are
    matched by position, extra old ones are retired (their ticks stay)."""
    for name, value in fields.items():
        setattr(kind, name, value)
    kind.full_clean()
    kind.save(update_fields=list(fields))
    existing = list(ChecklistItem.objects.filter(type=kind).order_by("order", "id"))
    for index, (ru, en) in enumerate(items, start=1):
        if index <= len(existing):
            item = existing[index - 1]
            item.text_ru, item.text_en, item.order, item.is_active = ru, en, index, True
            item.save(update_fields=["text_ru", "text_en", "order", "is_active"])
        else:
            ChecklistItem.objects.create(type=kind, order=index, text_ru=ru, text_en=en)
    for item in existing[len(items) :]:
        item.is_active = False
        item.save(update_fields=["is_active"])
    return kind


@transaction.atomic
def settings_update(*, actor: User, **fields: Any) -> PlaybookSettings:
    row = playbook_settings()
    for name, value in fields.items():
        setattr(row, name, value)
    row.full_clean()
    row.save(update_fields=list(fields))
    return row


@transaction.atomic
def cause_add(*, actor: User, name_ru: str, name_en: str = "") -> RootCause:
    if not name_ru.strip():
        raise ValidationError({"name_ru": _("Name the cause.")})
    last = RootCause.objects.order_by("-order").values_list("order", flat=True).first() or 0
    return RootCause.objects.create(
        name_ru=name_ru.strip(), name_en=name_en.strip(), order=last + 10
    )


@transaction.atomic
def cause_set_active(*, actor: User, cause: RootCause, active: bool) -> RootCause:
    cause.is_active = active
    cause.save(update_fields=["is_active"])
    return cause


# --- Complaint cases ---------------------------------------------------------------------------


def _names_manager(summary: str, manager: User) -> bool:
    return bool(summary.strip()) and names_person(summary, [manager.last_name, manager.first_name])


def case_owner(client: Client, *, about_manager: bool) -> User:
    """Who works the case: the client's manager, or for a complaint about the manager that
    manager's supervisor (the manager when there is none)."""
    manager = client.manager
    if about_manager and manager.supervisor is not None:
        return manager.supervisor
    return manager


@transaction.atomic
def case_open(
    *,
    client: Client,
    owner: User | None = None,
    summary: str = "",
    answer: Any = None,
    source: str | None = None,
    about_manager: bool = False,
    actor: User | None = None,
) -> ComplaintCase:
    """Open a complaint case for `client` from any source; `answer` is the NPS answer that
    raised it, if any (surveys calls this for every critic). A complaint about the manager (the
    flag, or the client's words naming them) goes to the manager's supervisor."""
    source = source or (CaseSource.NPS if answer is not None else CaseSource.CALL)
    if source not in CaseSource.values:
        raise ValidationError({"source": _("Choose where the complaint came from.")})
    manager = client.manager
    about = about_manager or _names_manager(summary, manager)
    if about or owner is None:
        owner = case_owner(client, about_manager=about)
    case = ComplaintCase.objects.create(
        client=client,
        owner=owner,
        summary=summary.strip(),
        answer=answer,
        source=source,
        about_manager=about,
        manager=manager,
        opened_by=actor,
    )
    sla = playbook_settings().sla_hours()
    case.next_due_at = step_deadline(case.opened_at, sla[CaseStep.LISTEN])
    case.save(update_fields=["next_due_at"])
    brawler = _acting(client, TypeCode.BRAWLER)
    if brawler is not None and source in VOICE_SOURCES:
        _task_once(
            actor=actor or owner,
            client=client,
            title=_("Ask the client to put the complaint in writing"),
            due=timezone.localdate() + timedelta(days=1),
        )
    return case


def _next_step(case: ComplaintCase) -> CaseStep | None:
    done = set(case.steps.values_list("step", flat=True))
    return next((s for s in STEPS if s.value not in done), None)


def _check_diagnosis(cause: RootCause | None, root_cause: str, change_made: str) -> None:
    errors = {}
    if cause is None or not cause.is_active:
        errors["cause"] = _("Pick the root cause from the list.")
    if not root_cause.strip():
        errors["root_cause"] = _("Name the root cause.")
    if not change_made.strip():
        errors["change_made"] = _("Say what changed so that it does not repeat.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def case_step(
    *,
    actor: User,
    case: ComplaintCase,
    step: str,
    note: str = "",
    cause: RootCause | None = None,
    root_cause: str = "",
    change_made: str = "",
    now: datetime | None = None,
) -> CaseStepRecord:
    """Record the next step of a case, in order, against its SLA deadline; the diagnosis
    closes it and needs a cause from the list, its text and what changed (SPEC §7)."""
    case = ComplaintCase.objects.select_for_update().get(pk=case.pk)
    if case.closed_at is not None:
        raise ValidationError({"step": _("The case is closed.")})
    expected = _next_step(case)
    if expected is None or step != expected.value:
        raise ValidationError(
            {
                "step": _("Take the steps in order: next is “%(step)s”.")
                % {"step": expected.label if expected else "—"}
            }
        )
    moment = now or timezone.now()
    fields = ["next_due_at"]
    if step == CaseStep.DIAGNOSE:
        _check_diagnosis(cause, root_cause, change_made)
        case.cause = cause
        case.root_cause = root_cause.strip()
        case.change_made = change_made.strip()
        case.closed_at = moment
        fields += ["cause", "root_cause", "change_made", "closed_at"]
    due = case.next_due_at
    record = CaseStepRecord.objects.create(
        case=case,
        step=step,
        note=note.strip(),
        done_by=actor,
        due_at=due,
        late=due is not None and moment > due,
    )
    if now is not None:  # a step recorded for a given moment (tests, imports)
        CaseStepRecord.objects.filter(pk=record.pk).update(done_at=now)
    following = STEPS[STEPS.index(CaseStep(step)) + 1] if step != CaseStep.DIAGNOSE else None
    sla = playbook_settings().sla_hours()
    case.next_due_at = step_deadline(moment, sla[following]) if following else None
    case.save(update_fields=fields)
    return record


def case_close(
    *,
    actor: User,
    case: ComplaintCase,
    cause: RootCause | None,
    root_cause: str,
    change_made: str,
    note: str = "",
) -> CaseStepRecord:
    """Close a case with its diagnosis (the last step); refused without one."""
    _check_diagnosis(cause, root_cause, change_made)
    return case_step(
        actor=actor,
        case=case,
        step=CaseStep.DIAGNOSE,
        note=note,
        cause=cause,
        root_cause=root_cause,
        change_made=change_made,
    )


@transaction.atomic
def cases_escalate(*, now: datetime | None = None) -> list[ComplaintCase]:
    """Hand every open case whose current step is past its SLA to the owner's supervisor
    (once per case; the owner keeps working it). Run by `kam complaints-escalate`."""
    moment = now or timezone.now()
    late = (
        ComplaintCase.objects.select_for_update()
        .filter(closed_at__isnull=True, next_due_at__lt=moment, escalated_at__isnull=True)
        .select_related("owner")
    )
    out = []
    for case in late:
        supervisor = case.owner.supervisor
        if supervisor is None:
            continue
        case.escalated_to = supervisor
        case.escalated_at = moment
        case.save(update_fields=["escalated_to", "escalated_at"])
        out.append(case)
    return out


# --- Answers to other apps' events -------------------------------------------------------------


def on_interaction_logged(
    *, actor: User, interaction: Interaction, completed: bool, **kwargs: Any
) -> None:
    """Seven-Fridays: minutes after every contact and an alternative contact; whiner: the
    risks checklist before a meeting; know-nothing: the product sheet for the next contact."""
    client = interaction.client
    types = {code: kind for code, kind in active_types(client).items() if kind.behaviour_on}
    if not types:
        return
    on = interaction.date
    if TypeCode.SEVEN_FRIDAYS in types and not interaction.planned:
        _task_once(
            actor=actor,
            client=client,
            title=_("Send the minutes and agreements of the contact of %(date)s")
            % {"date": on.strftime("%d.%m.%Y")},
            due=timezone.localdate() + timedelta(days=1),
        )
        if client.contacts.filter(is_active=True).count() < 2:
            _task_once(
                actor=actor,
                client=client,
                title=_("Find an alternative contact person at the client"),
                due=timezone.localdate() + timedelta(days=7),
            )
    if (
        TypeCode.WHINER in types
        and interaction.planned
        and interaction.channel
        in (
            "meeting",
            "visit",
        )
    ):
        _task_once(
            actor=actor,
            client=client,
            title=_("Before the meeting of %(date)s: list the risks and your answers")
            % {"date": on.strftime("%d.%m.%Y")},
            due=max(timezone.localdate(), on - timedelta(days=1)),
        )
    if TypeCode.KNOW_NOTHING in types and interaction.planned:
        _product_sheet_task(actor=actor, client=client, on=on)


def on_plan_item_added(*, actor: User, client: Client, item: Any, **kwargs: Any) -> None:
    """Scrooge: every plan item carries a price-validity date that reminds on Today."""
    if _acting(client, TypeCode.SCROOGE) is None:
        return
    until = timezone.localdate() + timedelta(days=playbook_settings().price_validity_days)
    _task_once(
        actor=actor,
        client=client,
        title=_("Prices for “%(item)s” are valid until %(date)s: confirm or re-quote")
        % {"item": item.title, "date": until.strftime("%d.%m.%Y")},
        due=until,
    )


def disloyal_cadence(clients: Any) -> dict[int, int]:
    """Percent of the usual cadence for the disloyal clients among `clients` (one query)."""
    percent = playbook_settings().disloyal_cadence_percent
    ids = ClientTypeTag.objects.filter(
        client__in=clients,
        removed_at__isnull=True,
        type__code=TypeCode.DISLOYAL,
        type__behaviour_on=True,
    ).values_list("client_id", flat=True)
    return dict.fromkeys(ids, percent)
