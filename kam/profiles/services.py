"""Writes of the ideal profile: the workshop, versions, scores and action items."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.accounts.access import visible_clients
from kam.accounts.models import User
from kam.clients.models import Client
from kam.deals.models import Deal
from kam.profiles import domain as d
from kam.profiles.models import (
    ActionItem,
    DealAssessment,
    PickKind,
    ProfileVersion,
    Trait,
    TraitScore,
    Workshop,
    WorkshopPick,
    WorkshopStep,
    WorkshopTrait,
)
from kam.profiles.opposites import suggest_opposite

PROFILE_SIZE = 5  # seed 001: the five most important traits make the profile
ACTION_DAYS = 14  # a new action item is due two weeks after the low score
STEPS = list(WorkshopStep.values)


def may_run_workshops(user: User) -> bool:
    """Heads of sales (supervisors), directors and admins run workshops and edit profiles."""
    return bool(
        user.is_active
        and (user.is_supervisor or user.is_director or user.is_admin or user.is_superuser)
    )


def _require_runner(actor: User | None) -> None:
    """A runner, or None: a command-line import, which is trusted like the other imports."""
    if actor is not None and not may_run_workshops(actor):
        raise PermissionDenied(_("Only a head of sales, a director or an admin may do this."))


def _require_step(workshop: Workshop, step: str) -> None:
    if workshop.step != step:
        raise ValidationError(
            _("The workshop is at the step “%(step)s”; this belongs to another step.")
            % {"step": WorkshopStep(workshop.step).label}
        )


@transaction.atomic
def workshop_create(*, actor: User, title: str) -> Workshop:
    _require_runner(actor)
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Give the workshop a title.")})
    return Workshop.objects.create(title=title[:200], created_by=actor)


@transaction.atomic
def pick_add(*, actor: User, workshop: Workshop, client: Client, kind: str) -> WorkshopPick:
    """A participant names one of their clients (current or archived) as best or worst."""
    _require_step(workshop, WorkshopStep.PICK)
    if kind not in PickKind.values:
        raise ValidationError({"kind": _("Choose best or worst.")})
    if not visible_clients(actor).filter(pk=client.pk).exists():
        raise PermissionDenied
    pick, created = WorkshopPick.objects.get_or_create(
        workshop=workshop, participant=actor, client=client, defaults={"kind": kind}
    )
    if not created and pick.kind != kind:
        pick.kind = kind
        pick.save(update_fields=["kind"])
    return pick


@transaction.atomic
def pick_remove(*, actor: User, pick: WorkshopPick) -> None:
    _require_step(pick.workshop, WorkshopStep.PICK)
    if pick.participant_id != actor.pk and not may_run_workshops(actor):
        raise PermissionDenied
    pick.delete()


@transaction.atomic
def trait_add(*, actor: User, workshop: Workshop, kind: str, text: str) -> WorkshopTrait:
    """A trait of a best or a worst client; a worst one gets a suggested opposite at once."""
    _require_step(workshop, WorkshopStep.PICK)
    text = " ".join(text.split())
    if not text:
        raise ValidationError({"text": _("Write the trait.")})
    if len(text) > 200:
        raise ValidationError({"text": _("Keep a trait under 200 characters.")})
    if kind not in PickKind.values:
        raise ValidationError({"kind": _("Choose best or worst.")})
    opposite = (suggest_opposite(text) or "") if kind == PickKind.WORST else ""
    return WorkshopTrait.objects.create(
        workshop=workshop, participant=actor, kind=kind, text=text, opposite=opposite[:200]
    )


@transaction.atomic
def opposite_set(*, actor: User, trait: WorkshopTrait, opposite: str) -> WorkshopTrait:
    if trait.workshop.step not in (WorkshopStep.PICK, WorkshopStep.INVERT):
        raise ValidationError(_("Opposites are written before the lists are merged."))
    if trait.participant_id != actor.pk and not may_run_workshops(actor):
        raise PermissionDenied
    if trait.kind != PickKind.WORST:
        raise ValidationError(_("Only a worst-client trait has an opposite."))
    opposite = " ".join(opposite.split())
    if not opposite:
        raise ValidationError({"opposite": _("Write the positive opposite.")})
    trait.opposite = opposite[:200]
    trait.save(update_fields=["opposite"])
    return trait


@transaction.atomic
def merge(*, actor: User, item: WorkshopTrait, into: WorkshopTrait) -> None:
    """Merge a duplicate into another item of the list (by hand, in the merge step)."""
    _require_runner(actor)
    _require_step(item.workshop, WorkshopStep.MERGE)
    if item.workshop_id != into.workshop_id or item.pk == into.pk:
        raise ValidationError(_("Merge an item into another item of the same list."))
    root = into
    while root.merged_into_id is not None:
        root = WorkshopTrait.objects.get(pk=root.merged_into_id)
    if root.pk == item.pk:
        raise ValidationError(_("Merge an item into another item of the same list."))
    item.merged_into = root
    item.chosen = False
    item.save(update_fields=["merged_into", "chosen"])
    WorkshopTrait.objects.filter(merged_into=item).update(merged_into=root)


@transaction.atomic
def unmerge(*, actor: User, item: WorkshopTrait) -> None:
    _require_runner(actor)
    _require_step(item.workshop, WorkshopStep.MERGE)
    item.merged_into = None
    item.save(update_fields=["merged_into"])


@transaction.atomic
def choose(*, actor: User, workshop: Workshop, weights: Mapping[int, Decimal]) -> None:
    """The chosen traits (item id → weight); at most five, weights not negative."""
    _require_runner(actor)
    _require_step(workshop, WorkshopStep.CHOOSE)
    if len(weights) > PROFILE_SIZE:
        raise ValidationError(_("Choose at most five traits."))
    if any(w < 0 for w in weights.values()):
        raise ValidationError(_("A weight is never negative."))
    items = WorkshopTrait.objects.filter(workshop=workshop, merged_into__isnull=True)
    known = set(items.values_list("pk", flat=True))
    if not set(weights) <= known:
        raise ValidationError(_("Choose among the items of the merged list."))
    items.update(chosen=False)
    for item_id, weight in weights.items():
        items.filter(pk=item_id).update(chosen=True, weight=weight)


def _advance_check(workshop: Workshop) -> None:
    traits = WorkshopTrait.objects.filter(workshop=workshop)
    if workshop.step == WorkshopStep.PICK:
        if not traits.filter(kind=PickKind.BEST).exists():
            raise ValidationError(_("Write at least one trait of a best client first."))
        if not traits.filter(kind=PickKind.WORST).exists():
            raise ValidationError(_("Write at least one trait of a worst client first."))
    elif workshop.step == WorkshopStep.INVERT:
        missing = traits.filter(kind=PickKind.WORST, opposite="").count()
        if missing:
            raise ValidationError(
                _("%(n)s worst-client traits still have no positive opposite.") % {"n": missing}
            )
    elif workshop.step == WorkshopStep.CHOOSE:
        canonical = traits.filter(merged_into__isnull=True).count()
        chosen = traits.filter(merged_into__isnull=True, chosen=True)
        need = min(PROFILE_SIZE, canonical)
        if chosen.count() != need:
            raise ValidationError(
                _("Choose %(need)s traits (chosen: %(have)s).")
                % {"need": need, "have": chosen.count()}
            )
        if sum(Decimal(w) for w in chosen.values_list("weight", flat=True)) <= 0:
            raise ValidationError(_("At least one chosen trait needs a weight above zero."))


@transaction.atomic
def workshop_advance(*, actor: User, workshop: Workshop) -> Workshop:
    """Go to the next step; the last one saves the chosen traits as a new profile version."""
    _require_runner(actor)
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if workshop.step == WorkshopStep.DONE:
        raise ValidationError(_("The workshop is finished."))
    _advance_check(workshop)
    following = STEPS[STEPS.index(workshop.step) + 1]
    if following == WorkshopStep.DONE:
        chosen = WorkshopTrait.objects.filter(
            workshop=workshop, merged_into__isnull=True, chosen=True
        ).order_by("id")
        version_create(
            actor=actor,
            traits=[(t.positive, t.weight) for t in chosen],
            workshop=workshop,
            note=workshop.title,
        )
        workshop.finished_at = timezone.now()
    workshop.step = following
    workshop.save(update_fields=["step", "finished_at"])
    return workshop


@transaction.atomic
def workshop_back(*, actor: User, workshop: Workshop) -> Workshop:
    """One step back (before the profile is saved), to correct something."""
    _require_runner(actor)
    if workshop.step in (WorkshopStep.PICK, WorkshopStep.DONE):
        raise ValidationError(_("There is no step to go back to."))
    workshop.step = STEPS[STEPS.index(workshop.step) - 1]
    workshop.save(update_fields=["step"])
    return workshop


@transaction.atomic
def version_create(
    *,
    actor: User | None,
    traits: Iterable[tuple[str, Decimal | float | int]],
    workshop: Workshop | None = None,
    note: str = "",
) -> ProfileVersion:
    """A new profile version with these traits; older versions and their scores stay."""
    _require_runner(actor)
    items = [(" ".join(name.split())[:200], Decimal(str(w))) for name, w in traits]
    names = [n for n, _w in items]
    if not items or any(not n for n in names):
        raise ValidationError(_("A profile needs at least one named trait."))
    if len({n.casefold() for n in names}) != len(names):
        raise ValidationError(_("Two traits have the same name."))
    number = (ProfileVersion.objects.aggregate(m=Max("number"))["m"] or 0) + 1
    version = ProfileVersion.objects.create(
        number=number, workshop=workshop, note=note[:300], created_by=actor
    )
    Trait.objects.bulk_create(
        Trait(version=version, name=name, weight=weight, position=i)
        for i, (name, weight) in enumerate(items)
    )
    return version


@transaction.atomic
def trait_weight_set(*, actor: User, trait: Trait, weight: Decimal) -> Trait:
    _require_runner(actor)
    if weight < 0:
        raise ValidationError({"weight": _("A weight is never negative.")})
    trait.weight = weight
    trait.full_clean()
    trait.save(update_fields=["weight"])
    return trait


def _ensure_action(*, actor: User | None, client: Client, trait: Trait, today: date) -> None:
    if ActionItem.objects.filter(client=client, trait=trait, done=False).exists():
        return
    ActionItem.objects.create(
        client=client,
        trait=trait,
        text=_("Work on: %(trait)s") % {"trait": trait.name},
        owner_id=client.manager_id,
        due=today + timedelta(days=ACTION_DAYS),
        created_by=actor,
    )


@transaction.atomic
def scores_set(
    *,
    actor: User | None,
    client: Client,
    scores: Mapping[Trait, int | None],
    source: str = "web",
    today: date | None = None,
) -> int:
    """Record the client's scores (only those that changed); every trait scored below zero
    gets an open action item. Returns how many scores changed."""
    today = today or timezone.localdate()
    if actor is not None and not visible_clients(actor).filter(pk=client.pk).exists():
        raise PermissionDenied
    for score in scores.values():
        if score is not None and not d.SCORE_MIN <= score <= d.SCORE_MAX:
            raise ValidationError(
                {"score": _("A score is a whole number from −5 to +5 (got %(v)s).") % {"v": score}}
            )
    last = dict(
        TraitScore.objects.filter(
            client=client, trait__in=list(scores), pk__in=_last_ids(client, list(scores))
        ).values_list("trait_id", "score")
    )
    changed = []
    for trait, score in scores.items():
        previous = last.get(trait.pk)
        known = trait.pk in last
        if (known and previous == score) or (not known and score is None):
            continue
        changed.append(
            TraitScore(client=client, trait=trait, score=score, scored_by=actor, source=source)
        )
    TraitScore.objects.bulk_create(changed)
    for trait, score in scores.items():
        if score is not None and score < 0:
            _ensure_action(actor=actor, client=client, trait=trait, today=today)
    return len(changed)


def _last_ids(client: Client, traits: list[Trait]) -> list[int]:
    return list(
        TraitScore.objects.filter(client=client, trait__in=traits)
        .values("trait")
        .annotate(m=Max("id"))
        .values_list("m", flat=True)
    )


@transaction.atomic
def action_update(
    *,
    actor: User,
    item: ActionItem,
    text: str,
    owner: User,
    due: date,
    done: bool,
) -> ActionItem:
    if not visible_clients(actor).filter(pk=item.client_id).exists():
        raise PermissionDenied
    text = " ".join(text.split())
    if not text:
        raise ValidationError({"text": _("Say what to do.")})
    if not owner.is_active:
        raise ValidationError({"owner": _("The owner must be an active user.")})
    item.text = text[:300]
    item.owner = owner
    item.due = due
    if done and not item.done:
        item.done_at = timezone.now()
    if not done:
        item.done_at = None
    item.done = done
    item.save()
    return item


@transaction.atomic
def assessment_save(
    *,
    actor: User,
    deal: Deal,
    we_win: bool | None,
    our_gain: str = "",
    client_wins: bool | None,
    client_goal: str = "",
    refused: bool = False,
) -> DealAssessment:
    """Place a deal in the win–win quadrant (or refuse it as not win–win)."""
    if not visible_clients(actor).filter(pk=deal.client_id).exists():
        raise PermissionDenied
    if refused and we_win is True and client_wins is True:
        raise ValidationError(
            {"refused": _("A win–win deal is not refused for being not win–win.")}
        )
    assessment, _created = DealAssessment.objects.get_or_create(deal=deal)
    assessment.we_win = we_win
    assessment.our_gain = " ".join(our_gain.split())[:300]
    assessment.client_wins = client_wins
    assessment.client_goal = " ".join(client_goal.split())[:300]
    assessment.refused = refused
    assessment.assessed_by = actor
    assessment.save()
    return assessment
