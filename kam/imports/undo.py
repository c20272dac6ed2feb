"""Undo of an import job: remove exactly what the job created, put back what it replaced.

The job is the audit unit of an import: `ImportJob.written` lists what its write created
(users, clients, contacts, interactions by id; revenue rows by their source and the job's
stamp, as they are written in bulk) and `ImportJob.undo` holds what it needs to restore the
rows it changed or replaced. An undo is refused, with the reasons, when later work depends on
what the job created: a client that has since got revenue, contacts, interactions or anything
else not made by this job, or was edited; a created person who has since been given clients,
a password or a login; revenue rows edited or removed since.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from kam.accounts.access import can_manage_users
from kam.accounts.models import User
from kam.clients.models import Client, Contact
from kam.deals.models import Deal, DealStageChange
from kam.deals.services import DEAL_COLUMNS, deal_meetings_refresh
from kam.health.tasks import refresh_health_snapshot_soon
from kam.imports.models import ImportJob, JobStatus
from kam.portfolio.models import RevenueRecord
from kam.relations.models import Interaction
from kam.relations.signals import contact_log_changed


@dataclass
class UndoCheck:
    """Whether a job can be undone: the blockers (translated later) and what would go."""

    blockers: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    removes: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.blockers


def _own_revenue(job: ImportJob) -> Q | None:
    revenue = job.written.get("revenue")
    if not revenue:
        return None
    return Q(source=revenue["source"], created_at=datetime.fromisoformat(revenue["stamp"]))


def _own_deals(job: ImportJob) -> Q | None:
    """The deals a deals import created: its CRM's deals stamped with the job's write."""
    deals = job.written.get("deals")
    if not deals:
        return None
    return Q(
        source_system=deals["source_system"], updated_at=datetime.fromisoformat(deals["stamp"])
    )


def _dependents(
    model: type[models.Model], pks: list[int], own: dict[type[models.Model], Q]
) -> list[tuple[str, int]]:
    """Rows of other tables that point at `pks` of `model` and are not the job's own."""
    found: list[tuple[str, int]] = []
    for relation in model._meta.related_objects:
        related = relation.related_model
        if not isinstance(related, type) or related.__name__.startswith("Historical"):
            continue
        if relation.many_to_many or not relation.field.concrete:
            continue
        name = relation.field.name
        rows = related._default_manager.filter(**{f"{name}__in": pks})
        if related in own:
            rows = rows.exclude(own[related])
        count = rows.count()
        if count:
            found.append((str(related._meta.verbose_name_plural), count))
    return found


def undo_check(job: ImportJob) -> UndoCheck:
    """What an undo of `job` would remove, or why it is refused."""
    check = UndoCheck()
    if job.status != JobStatus.DONE or job.undone_at is not None:
        check.blockers.append(("not_done", {}))
        return check
    written = job.written or {}
    if written.get("nps_answers"):
        check.blockers.append(("nps", {}))
    clients = list(written.get("clients") or [])
    users = list(written.get("users") or [])
    own: dict[type[models.Model], Q] = {
        Contact: Q(pk__in=written.get("contacts") or []),
        Interaction: Q(pk__in=written.get("interactions") or []),
        Client: Q(pk__in=clients),
    }
    revenue = _own_revenue(job)
    own[RevenueRecord] = revenue if revenue is not None else Q(pk__in=[])
    deals = _own_deals(job)
    own[Deal] = deals if deals is not None else Q(pk__in=[])
    finished = job.updated_at
    if deals is not None:
        count = Deal.objects.filter(deals).count()
        if count != written["deals"]["count"]:
            check.blockers.append(
                ("deals_changed", {"count": str(written["deals"]["count"] - count)})
            )
        check.removes["deals"] = count
    if revenue is not None:
        count = RevenueRecord.objects.filter(revenue).count()
        if count != written["revenue"]["count"]:
            check.blockers.append(
                ("revenue_changed", {"count": str(written["revenue"]["count"] - count)})
            )
        edited = RevenueRecord.history.filter(
            revenue, history_type="~", history_date__gt=finished
        ).count()
        if edited:
            check.blockers.append(("revenue_edited", {"count": str(edited)}))
        later = _later_jobs_touching(job)
        if later:
            check.blockers.append(("later_import", {"jobs": ", ".join(map(str, later))}))
        check.removes["revenue"] = count
    if clients:
        for label, count in _dependents(Client, clients, own):
            check.blockers.append(("client_used", {"what": label, "count": str(count)}))
        edited = (
            Client.history.filter(id__in=clients, history_date__gt=finished)
            .exclude(history_type="+")
            .count()
        )
        if edited:
            check.blockers.append(("client_edited", {"count": str(edited)}))
        check.removes["clients"] = len(clients)
    if users:
        for label, count in _dependents(User, users, own):
            check.blockers.append(("user_used", {"what": label, "count": str(count)}))
        people = User.objects.filter(pk__in=users)
        if any(u.has_usable_password() or u.last_login for u in people):
            check.blockers.append(("user_active", {}))
        check.removes["users"] = len(users)
    for key in ("contacts", "interactions"):
        if written.get(key):
            check.removes[key] = len(written[key])
    return check


def _later_jobs_touching(job: ImportJob) -> list[int]:
    """Later revenue imports (not undone) that updated or replaced rows this job created."""
    revenue = job.written["revenue"]
    own = set(
        RevenueRecord.objects.filter(_own_revenue(job) or Q(pk__in=[])).values_list("pk", flat=True)
    )
    later = ImportJob.objects.filter(
        status=JobStatus.DONE, kind=job.kind, created_at__gt=job.created_at
    ).exclude(pk=job.pk)
    hits: list[int] = []
    for other in later.only("id", "undo", "written"):
        if (other.written.get("revenue") or {}).get("source") != revenue["source"]:
            continue
        touched = {row[0] for key in ("revenue_updated", "revenue_notes", "revenue_deleted")
                   for row in other.undo.get(key) or []}  # fmt: skip
        if touched & own:
            hits.append(other.pk)
    return hits


def import_job_undo(*, actor: User, job: ImportJob) -> UndoCheck:
    """Remove what `job` created and restore what it replaced, in one transaction; refused
    (nothing changes) when later work depends on it."""
    if not can_manage_users(actor):
        raise PermissionDenied
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        check = undo_check(job)
        if not check.ok:
            return check
        written, undo = job.written, job.undo
        revenue = _own_revenue(job)
        if revenue is not None:
            pks = list(RevenueRecord.objects.filter(revenue).values_list("pk", flat=True))
            for start in range(0, len(pks), 900):
                RevenueRecord.objects.filter(pk__in=pks[start : start + 900]).delete()
        _restore_revenue(undo)
        deals = _own_deals(job)
        DealStageChange.objects.filter(pk__in=written.get("stage_changes") or []).delete()
        if deals is not None:
            # Their stage history goes with them (a cascade).
            Deal.objects.filter(deals).delete()
        _restore_deals(undo)
        logged = Interaction.objects.filter(pk__in=written.get("interactions") or [])
        changed = sorted(set(logged.values_list("client_id", flat=True)))
        logged.delete()
        contact_log_changed.send(sender=Interaction, client_ids=changed)
        for contact in Contact.objects.filter(pk__in=written.get("contacts") or []):
            contact._history_user = actor  # type: ignore[attr-defined]
            contact.delete()
        for pk, values in undo.get("contacts_changed") or []:
            _put_back(Contact, pk, values, actor)
        for pk, values in undo.get("clients_changed") or []:
            _put_back(Client, pk, values, actor)
        for client in Client.objects.filter(pk__in=written.get("clients") or []):
            client._history_user = actor  # type: ignore[attr-defined]
            client.delete()
        User.objects.filter(pk__in=written.get("users") or []).delete()
        job.status = JobStatus.UNDONE
        job.undone_at = timezone.now()
        job.undone_by = actor
        job.save(update_fields=["status", "undone_at", "undone_by", "updated_at"])
        refresh_health_snapshot_soon()  # queued for when the undo commits
    return check


def _put_back(
    model: type[Client] | type[Contact], pk: int, values: dict[str, Any], actor: User
) -> None:
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None:
        return
    for name, value in values.items():
        field = model._meta.get_field(name)
        if isinstance(field, models.DateField) and isinstance(value, str):
            value = date.fromisoformat(value)
        setattr(obj, name, value)
    obj._history_user = actor  # type: ignore[union-attr]
    obj.save(update_fields=list(values))


def _restore_deals(undo: dict[str, Any]) -> None:
    """Deals a deals import updated, as they were (their stage, step, status, amount...)."""
    rows = undo.get("deals_updated") or []
    if not rows:
        return
    names = [*DEAL_COLUMNS, "updated_at"]
    dated = {"created", "closed"}
    put_back = []
    for pk, *values in rows:
        deal = Deal(pk=pk)
        for name, value in zip(names, values, strict=True):
            if name == "updated_at":
                value = datetime.fromisoformat(value)
            elif name in dated and value is not None:
                value = date.fromisoformat(value)
            elif name == "amount" and value is not None:
                value = Decimal(value)
            setattr(deal, name, value)
        put_back.append(deal)
    Deal.objects.bulk_update(put_back, names, batch_size=1000)
    # Their client, creation or close may be back to what it was: so may their first meeting.
    deal_meetings_refresh(deal_ids=[deal.pk for deal in put_back])


def _restore_revenue(undo: dict[str, Any]) -> None:
    """Rows the job replaced or changed, as they were."""
    deleted = undo.get("revenue_deleted") or []
    if deleted:
        RevenueRecord.objects.bulk_create(
            [
                RevenueRecord(
                    id=pk,
                    client_id=client,
                    date=date.fromisoformat(day),
                    amount=Decimal(amount),
                    source=source,
                    external_id=key,
                    note=note,
                    created_at=datetime.fromisoformat(created),
                )
                for pk, client, day, amount, source, key, note, created in deleted
            ],
            batch_size=1000,
        )
        # created_at is set on insert; the rows get their own back (it is part of the key
        # by which the undo of the job that created them finds them).
        stamps: dict[str, list[int]] = {}
        for row in deleted:
            stamps.setdefault(row[7], []).append(row[0])
        for created, pks in stamps.items():
            for start in range(0, len(pks), 900):
                RevenueRecord.objects.filter(pk__in=pks[start : start + 900]).update(
                    created_at=datetime.fromisoformat(created)
                )
    updated = undo.get("revenue_updated") or []
    if updated:
        RevenueRecord.objects.bulk_update(
            [
                RevenueRecord(
                    id=pk, client_id=client, date=date.fromisoformat(day), amount=Decimal(amount),
                    note=note,
                )
                for pk, client, day, amount, note in updated
            ],
            ["client_id", "date", "amount", "note"],
            batch_size=1000,
        )  # fmt: skip
    notes = undo.get("revenue_notes") or []
    if notes:
        RevenueRecord.objects.bulk_update(
            [RevenueRecord(id=pk, note=note) for pk, note in notes], ["note"], batch_size=1000
        )
