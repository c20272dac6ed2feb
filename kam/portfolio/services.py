"""Writes of revenue records (manual entry on the client card)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kam.accounts.access import can_assign_manager
from kam.accounts.models import User
from kam.clients.models import Client
from kam.portfolio.domain import account_goal_is_measurable
from kam.portfolio.models import (
    AccountPlan,
    KeyAccountProfile,
    PlanAction,
    PlanGoal,
    PlanReview,
    RevenueRecord,
)
from kam.portfolio.signals import deal_won, plan_item_added


@transaction.atomic
def revenue_create(
    *, actor: User, client: Client, date: date, amount: Decimal, note: str = ""
) -> RevenueRecord:
    """Record revenue from a client by hand (source "manual", no external id).

    A won deal proposes a feedback call (an NPS question) as a relationship task.
    """
    record = RevenueRecord(client=client, date=date, amount=amount, note=note, source="manual")
    record._history_user = actor  # type: ignore[attr-defined]
    record.full_clean()
    record.save()
    if amount > 0:
        deal_won.send(sender=RevenueRecord, actor=actor, client=client, deal_date=date)
    return record


@transaction.atomic
def revenue_update(
    *, actor: User, record: RevenueRecord, date: date, amount: Decimal, note: str = ""
) -> RevenueRecord:
    """Correct a revenue record; the previous values stay in its history."""
    changed = []
    for key, value in (("date", date), ("amount", amount), ("note", note)):
        if getattr(record, key) != value:
            setattr(record, key, value)
            changed.append(key)
    if changed:
        record._history_user = actor  # type: ignore[attr-defined]
        record.full_clean()
        record.save(update_fields=changed)
    return record


@transaction.atomic
def revenue_delete(*, actor: User, record: RevenueRecord) -> None:
    """Remove a mistaken record; the deletion is kept in the history with who and when."""
    record._history_user = actor  # type: ignore[attr-defined]
    record.delete()


PROFILE_FIELDS = (
    "strategic",
    "strategic_reason",
    "prospective",
    "prospective_reason",
    "potential_3y",
)


@transaction.atomic
def key_profile_save(*, actor: User, client: Client, **data: Any) -> KeyAccountProfile:
    """Mark a client strategic/reference or prospective (each with a reason) and its potential."""
    errors = {}
    if data.get("strategic") and not (data.get("strategic_reason") or "").strip():
        errors["strategic_reason"] = _("Say why the client is strategic.")
    if data.get("prospective") and not (data.get("prospective_reason") or "").strip():
        errors["prospective_reason"] = _("Say why the client is prospective.")
    if errors:
        raise ValidationError(errors)
    profile, _created = KeyAccountProfile.objects.get_or_create(client=client)
    changed = [k for k in PROFILE_FIELDS if k in data and getattr(profile, k) != data[k]]
    for key in changed:
        setattr(profile, key, data[key])
    profile.updated_by = actor
    profile._history_user = actor  # type: ignore[attr-defined]
    profile.save(update_fields=[*changed, "updated_by", "updated_at"])
    return profile


def _check_goal(target_value: Decimal | None, due: date | None) -> None:
    if not account_goal_is_measurable(target_value, due):
        raise ValidationError(
            {
                "target_value": _(
                    "A goal needs a number and a date: 'did what I could' is no result."
                )
            }
        )


@transaction.atomic
def plan_create(
    *, actor: User, client: Client, title: str, target_value: Decimal, due: date, unit: str = ""
) -> AccountPlan:
    """Start a client's account plan; it cannot exist without a first measurable goal."""
    _check_goal(target_value, due)
    if AccountPlan.objects.filter(client=client).exists():
        raise ValidationError(_("This client already has an account plan."))
    plan = AccountPlan.objects.create(client=client, created_by=actor)
    PlanGoal.objects.create(plan=plan, title=title, target_value=target_value, due=due, unit=unit)
    return plan


@transaction.atomic
def goal_add(
    *, actor: User, plan: AccountPlan, title: str, target_value: Decimal, due: date, unit: str = ""
) -> PlanGoal:
    """Add a measurable goal to a plan."""
    _check_goal(target_value, due)
    goal = PlanGoal.objects.create(
        plan=plan, title=title, target_value=target_value, due=due, unit=unit
    )
    plan_item_added.send(sender=PlanGoal, actor=actor, client=plan.client, item=goal)
    return goal


@transaction.atomic
def goal_record_result(
    *,
    actor: User,
    goal: PlanGoal,
    achieved_value: Decimal | None,
    result: str,
    closed: bool,
) -> PlanGoal:
    """Write down what was achieved, as a number; closing a goal requires one."""
    if closed and achieved_value is None:
        raise ValidationError(
            {"achieved_value": _("Close a goal with the number actually achieved.")}
        )
    goal.achieved_value = achieved_value
    goal.result = result
    goal.closed = closed
    goal.save(update_fields=["achieved_value", "result", "closed"])
    return goal


@transaction.atomic
def action_add(*, actor: User, goal: PlanGoal, title: str, owner: User, due: date) -> PlanAction:
    """Add an action to a goal; its owner must be someone the actor may assign work to."""
    if not can_assign_manager(actor, owner):
        raise ValidationError({"owner": _("You cannot assign actions to this person.")})
    action = PlanAction.objects.create(goal=goal, title=title, owner=owner, due=due)
    plan_item_added.send(sender=PlanAction, actor=actor, client=goal.plan.client, item=action)
    return action


@transaction.atomic
def action_set_done(*, actor: User, action: PlanAction, done: bool) -> PlanAction:
    """Tick an action done (or undo)."""
    action.done = done
    action.save(update_fields=["done"])
    return action


@transaction.atomic
def review_add(*, actor: User, plan: AccountPlan, date: date, notes: str) -> PlanReview:
    """Record a review of the plan."""
    return PlanReview.objects.create(plan=plan, author=actor, date=date, notes=notes)
