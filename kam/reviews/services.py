"""Writes of the contrast analysis: each in a transaction, with an actor."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.accounts.access import visible_clients
from kam.accounts.models import User
from kam.clients.models import Client
from kam.reviews import domain
from kam.reviews.choices import OPTIONS, QUESTIONS, Side, TagSide
from kam.reviews.models import Analysis, Answer, CauseTag, Entry, ReviewTask
from kam.reviews.selectors import client_candidate, may_run_analyses, task_owners

NAME_MAX = 200
TEXT_MAX = 4000
NOTE_MAX = 2000


def _require_runner(actor: User) -> None:
    if not may_run_analyses(actor):
        raise PermissionDenied(_("Only a head of sales, a director or an admin may do this."))


@transaction.atomic
def analysis_create(*, actor: User, name: str, as_of: date) -> Analysis:
    _require_runner(actor)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the analysis a name.")})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": _("The name is longer than 200 characters.")})
    return Analysis.objects.create(name=name, as_of=as_of, author=actor)


@transaction.atomic
def entry_add(
    *, actor: User, analysis: Analysis, client: Client, side: str, evidence_note: str = ""
) -> Entry:
    """Pick a client on a side. KAM's own evidence is kept when the health rules propose the
    client on that side as of the analysis date; otherwise the picker must type it in.
    A client is never on both sides and a side holds at most ten clients."""
    _require_runner(actor)
    if not visible_clients(actor).filter(pk=client.pk).exists():
        raise PermissionDenied
    Analysis.objects.select_for_update().filter(pk=analysis.pk).first()  # serialise picks
    problem = domain.pick_problem(
        dict(analysis.entries.values_list("client_id", "side")),
        client.pk,
        side,
        max_per_side=domain.MAX_PER_SIDE,
    )
    if problem is not None:
        raise ValidationError({"side": _pick_message(problem, client)})
    note = evidence_note.strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"evidence_note": _("The evidence is longer than 2000 characters.")})
    proposed = client_candidate(client, analysis.as_of)
    evidence: dict[str, object] = {}
    if proposed is not None and proposed[0] == side:
        evidence = proposed[1]
    elif not note:
        raise ValidationError(
            {
                "evidence_note": _(
                    "KAM has no figures showing that %(client)s is %(side)s: type in the "
                    "evidence (repeat purchases, an NPS score, a complaint, a remark…)."
                )
                % {"client": client.name, "side": Side(side).label.lower()}
            }
        )
    return Entry.objects.create(
        analysis=analysis,
        client=client,
        side=side,
        evidence=evidence,
        evidence_note=note,
        added_by=actor,
    )


def _pick_message(problem: domain.PickProblem, client: Client) -> str:
    if problem is domain.PickProblem.ALREADY_PICKED:
        return _("%(client)s is already on this side.") % {"client": client.name}
    if problem is domain.PickProblem.OTHER_SIDE:
        return _("%(client)s is already on the other side: a client is never on both sides.") % {
            "client": client.name
        }
    if problem is domain.PickProblem.SIDE_FULL:
        return _("This side already has %(n)s clients.") % {"n": domain.MAX_PER_SIDE}
    return _("Choose the satisfied or the dissatisfied side.")


@transaction.atomic
def entry_remove(*, actor: User, entry: Entry) -> None:
    _require_runner(actor)
    entry.delete()


@transaction.atomic
def answer_save(
    *,
    actor: User,
    entry: Entry,
    question: str,
    text: str = "",
    option: str = "",
    tags: Iterable[CauseTag] = (),
) -> Answer:
    """Save one answer of the entry's questionnaire with its cause tags (replacing them)."""
    _require_runner(actor)
    if question not in QUESTIONS[entry.side]:
        raise ValidationError({"question": _("This question belongs to the other side.")})
    text = text.strip()
    if len(text) > TEXT_MAX:
        raise ValidationError({"text": _("The answer is longer than 4000 characters.")})
    option = option.strip()
    if option:
        choices = OPTIONS.get(question)
        if choices is None or option not in choices[0].values:
            raise ValidationError({"option": _("Choose one of the offered options.")})
    answer = Answer.objects.filter(entry=entry, question=question).first()
    chosen = list(tags)
    allowed = {TagSide.BOTH.value, entry.side}
    kept = set(answer.tags.values_list("pk", flat=True)) if answer else set()
    for tag in chosen:
        if tag.side not in allowed:
            raise ValidationError(
                {"tags": _("The tag “%(tag)s” is for the other side.") % {"tag": tag.name}}
            )
        if not tag.is_active and tag.pk not in kept:
            raise ValidationError(
                {"tags": _("The tag “%(tag)s” is no longer in use.") % {"tag": tag.name}}
            )
    if answer is None:
        answer = Answer.objects.create(
            entry=entry, question=question, text=text, option=option, updated_by=actor
        )
    else:
        answer.text, answer.option, answer.updated_by = text, option, actor
        answer.save(update_fields=["text", "option", "updated_by", "updated_at"])
    answer.tags.set(chosen)
    return answer


@transaction.atomic
def tag_add(*, actor: User, name_ru: str, name_en: str = "", side: str = "both") -> CauseTag:
    if not (actor.is_active and (actor.is_admin or actor.is_superuser)):
        raise PermissionDenied
    name_ru, name_en = name_ru.strip(), name_en.strip()
    if not name_ru:
        raise ValidationError({"name_ru": _("Write the tag in Russian.")})
    if side not in TagSide.values:
        raise ValidationError({"side": _("Choose where the tag is used.")})
    last = CauseTag.objects.order_by("-order").values_list("order", flat=True).first() or 0
    return CauseTag.objects.create(
        name_ru=name_ru[:120], name_en=name_en[:120], side=side, order=min(last + 10, 32000)
    )


@transaction.atomic
def tag_set_active(*, actor: User, tag: CauseTag, active: bool) -> None:
    if not (actor.is_active and (actor.is_admin or actor.is_superuser)):
        raise PermissionDenied
    tag.is_active = active
    tag.save(update_fields=["is_active"])


@transaction.atomic
def task_create(
    *,
    actor: User,
    analysis: Analysis,
    title: str,
    owner: User,
    due: date,
    tag: CauseTag | None = None,
) -> ReviewTask:
    """Turn a chosen fix (or strength) into a task with an owner and a due date."""
    _require_runner(actor)
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Say what is to be done.")})
    if not task_owners(actor).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": _("Choose an owner from your team.")})
    return ReviewTask.objects.create(
        analysis=analysis,
        tag=tag,
        title=title[:300],
        owner=owner,
        due=due,
        created_by=actor,
    )


@transaction.atomic
def task_set_done(*, actor: User, task: ReviewTask, done: bool = True) -> None:
    task.done = done
    task.done_at = timezone.now() if done else None
    task.save(update_fields=["done", "done_at"])
