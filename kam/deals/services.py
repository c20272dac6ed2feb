"""Writes of deals: imported deals with their stage history, the stage map, reference ranges."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from kam.accounts.access import can_manage_users
from kam.accounts.models import User
from kam.deals import domain
from kam.deals.domain import Step
from kam.deals.models import Deal, DealStageChange, StageMapping


@dataclass(frozen=True, slots=True)
class DealRecord:
    """A checked deal of an import, with its client and manager resolved to ids."""

    key: str
    client_id: int
    manager_id: int
    title: str
    amount: Decimal | None
    created: date
    closed: date | None
    stage: str
    step: Step
    source: str
    source_text: str
    loss_reason: str
    changed_on: date  # when a stage change seen now is recorded as having happened


@dataclass
class UpsertCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    stage_changes: int = 0


_FIELDS = (
    "client_id",
    "manager_id",
    "title",
    "amount",
    "created",
    "closed",
    "stage",
    "step",
    "status",
    "reached",
    "source",
    "source_text",
    "loss_reason",
)


def _reach(step: Step) -> int:
    return domain.STEP_RANK[step]


@transaction.atomic
def deals_upsert(*, records: Sequence[DealRecord], source_system: str, write: bool) -> UpsertCounts:
    """Create new deals, update known ones by CRM id, and record every stage change seen.

    A re-import never lowers `reached`: a deal KAM once saw at a meeting keeps that, even when
    the newer export shows it lost. Unchanged deals are not written at all.
    """
    counts = UpsertCounts()
    existing: dict[str, Deal] = {}
    keys = [r.key for r in records]
    step = 900 if connection.vendor == "sqlite" else 5000
    for start in range(0, len(keys), step):
        chunk = keys[start : start + step]
        for deal in Deal.objects.filter(source_system=source_system, external_id__in=chunk):
            if deal.external_id is not None:
                existing[deal.external_id] = deal
    fresh: list[Deal] = []
    changed: list[Deal] = []
    history: list[DealStageChange] = []
    for record in records:
        status = domain.status_of(record.step)
        old = existing.get(record.key)
        if old is None:
            fresh.append(
                Deal(
                    client_id=record.client_id,
                    manager_id=record.manager_id,
                    title=record.title,
                    amount=record.amount,
                    created=record.created,
                    closed=record.closed,
                    stage=record.stage,
                    step=record.step.value,
                    status=status,
                    reached=_reach(record.step),
                    source=record.source,
                    source_text=record.source_text,
                    loss_reason=record.loss_reason,
                    source_system=source_system,
                    external_id=record.key,
                )
            )
            continue
        new_values = {
            "client_id": record.client_id,
            "manager_id": record.manager_id,
            "title": record.title,
            "amount": record.amount,
            "created": record.created,
            "closed": record.closed,
            "stage": record.stage,
            "step": record.step.value,
            "status": status,
            "reached": max(old.reached, _reach(record.step)),
            "source": record.source,
            "source_text": record.source_text,
            "loss_reason": record.loss_reason,
        }
        if all(getattr(old, name) == value for name, value in new_values.items()):
            counts.unchanged += 1
            continue
        if domain.fold(old.stage) != domain.fold(record.stage):
            history.append(
                DealStageChange(
                    deal=old,
                    date=record.closed if status != "open" and record.closed else record.changed_on,
                    stage_from=old.stage,
                    stage_to=record.stage,
                    step=record.step.value,
                    status=status,
                )
            )
        for name, value in new_values.items():
            setattr(old, name, value)
        changed.append(old)
    counts.created = len(fresh)
    counts.updated = len(changed)
    counts.stage_changes = len(history)
    if write:
        Deal.objects.bulk_create(fresh, batch_size=1000)
        if changed:
            Deal.objects.bulk_update(changed, [*_FIELDS, "updated_at"], batch_size=1000)
        DealStageChange.objects.bulk_create(history, batch_size=1000)
    return counts


# --- the stage map -------------------------------------------------------------------------


@transaction.atomic
def stage_mapping_set(*, actor: User, names: Mapping[str, str], crm: str = "") -> int:
    """Map CRM stage names to funnel steps (new names added, known ones changed); admins only."""
    if not can_manage_users(actor):
        raise PermissionDenied
    done = 0
    for name, step in names.items():
        folded = domain.fold(name)
        if not folded:
            continue
        if step not in {s.value for s in Step}:
            raise ValidationError({"step": f"{step!r}"})
        StageMapping.objects.update_or_create(
            folded=folded, defaults={"name": name.strip()[:200], "step": step, "crm": crm}
        )
        done += 1
    return done
