"""Writes of clients and contacts: keyword-only, with an actor, in a transaction, recorded."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.accounts.access import can_assign_manager, can_read_dossier
from kam.accounts.models import OrgChange, User
from kam.accounts.services import no_dossier_gain, org_change_log
from kam.clients.choices import ClientStatus
from kam.clients.domain import inn_error, normalize_company_name
from kam.clients.models import Client, Competitor, Contact, ContactDate, ContactRole, Dossier

CLIENT_FIELDS = ("name", "inn", "segment", "channel", "manager", "city", "website", "notes")
CONTACT_FIELDS = ("full_name", "position", "phone", "mobile_phone", "email", "birthday")
# Dossier content on a contact: written only by the people who may read the dossier.
CONFIDENTIAL_CONTACT_FIELDS = ("attitude", "influence", "notes")
COMPETITOR_FIELDS = ("name", "strengths", "weaknesses", "offer", "last_activity")


def _contact_fields(actor: User, client: Client) -> tuple[str, ...]:
    if can_read_dossier(actor, client):
        return CONTACT_FIELDS + CONFIDENTIAL_CONTACT_FIELDS
    return CONTACT_FIELDS


def validate_inn(value: str | None) -> str | None:
    """Clean an INN or raise a field-keyed ValidationError with a plain reason."""
    if value is None or not value.strip():
        return None
    reason = inn_error(value)
    messages = {
        "digits": _("The INN must contain digits only."),
        "length": _("The INN must have 10 digits (company) or 12 digits (person)."),
        "checksum": _("The INN check digits do not match: the number has a typo."),
    }
    if reason is not None:
        raise ValidationError({"inn": messages[reason]})
    return value.strip()


def _check_manager(actor: User, manager: User) -> None:
    if not can_assign_manager(actor, manager):
        raise ValidationError({"manager": _("You cannot assign clients to this person.")})


def _check_inn_free(inn: str | None, exclude_pk: int | None = None) -> None:
    if inn is None:
        return
    qs = Client.objects.filter(inn=inn)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise ValidationError({"inn": _("Another client already has this INN.")})


@transaction.atomic
def client_create(*, actor: User, **data: Any) -> Client:
    """Create a client owned by `manager` (the actor when not given)."""
    data.setdefault("manager", actor)
    data["inn"] = validate_inn(data.get("inn"))
    _check_manager(actor, data["manager"])
    _check_inn_free(data["inn"])
    client = Client(**{k: v for k, v in data.items() if k in CLIENT_FIELDS})
    client.normalized_name = normalize_company_name(client.name)
    client._history_user = actor  # type: ignore[attr-defined]
    client.full_clean(exclude=["normalized_name"])
    try:
        client.save()
    except IntegrityError as exc:  # a concurrent create with the same INN
        raise ValidationError({"inn": _("Another client already has this INN.")}) from exc
    return client


@transaction.atomic
def client_update(*, actor: User, client: Client, **data: Any) -> Client:
    """Change a client's fields; only the fields given are written."""
    if "inn" in data:
        data["inn"] = validate_inn(data["inn"])
        _check_inn_free(data["inn"], exclude_pk=client.pk)
    if "manager" in data and data["manager"].pk != client.manager_id:
        _check_manager(actor, data["manager"])
    changed = [k for k in CLIENT_FIELDS if k in data and getattr(client, k) != data[k]]
    if not changed:
        return client
    old_manager = User.objects.select_related("supervisor").get(pk=client.manager_id)
    for key in changed:
        setattr(client, key, data[key])
    if "name" in changed:
        client.normalized_name = normalize_company_name(client.name)
        changed.append("normalized_name")
    client._history_user = actor  # type: ignore[attr-defined]
    client.full_clean(exclude=["normalized_name"], validate_unique=False)
    # The org-chart rule: nobody hands a client to a pair that makes them a dossier reader.
    with no_dossier_gain(actor):
        client.save(update_fields=[*changed, "updated_at"])
    if "manager" in changed:
        _log_manager_change(actor, client, old_manager)
    return client


def _log_manager_change(actor: User | None, client: Client, old_manager: User) -> None:
    new_manager = User.objects.select_related("supervisor").get(pk=client.manager_id)
    org_change_log(
        actor=actor,
        kind=OrgChange.Kind.CLIENT_MANAGER,
        client=client,
        subject=new_manager,
        affected=[old_manager, old_manager.supervisor, new_manager, new_manager.supervisor],
        before=old_manager.display_name,
        after=new_manager.display_name,
    )


@transaction.atomic
def clients_reassign(*, actor: User, source: User, target: User) -> int:
    """Hand every client of `source` to `target` (e.g. a manager who left); one log row each.

    Refused as a whole when the actor may not assign to `target` or would gain a dossier.
    """
    if source.pk == target.pk:
        raise ValidationError({"target": _("Choose another person.")})
    if not can_assign_manager(actor, target):
        raise ValidationError({"target": _("You cannot assign clients to this person.")})
    clients = list(Client.objects.filter(manager=source).order_by("pk"))
    old_manager = User.objects.select_related("supervisor").get(pk=source.pk)
    with no_dossier_gain(actor):
        for client in clients:
            client.manager = target
            client._history_user = actor  # type: ignore[attr-defined]
            client.save(update_fields=["manager", "updated_at"])
    for client in clients:
        _log_manager_change(actor, client, old_manager)
    return len(clients)


@transaction.atomic
def client_set_status(*, actor: User, client: Client, status: ClientStatus) -> Client:
    """Archive or restore a client (there is no hard delete of business records)."""
    if client.status != status:
        client.status = status
        client._history_user = actor  # type: ignore[attr-defined]
        client.save(update_fields=["status", "updated_at"])
    return client


def _set_roles(contact: Contact, roles: Iterable[str]) -> None:
    wanted = set(roles)
    current = set(contact.role_set.values_list("role", flat=True))
    contact.role_set.filter(role__in=current - wanted).delete()
    ContactRole.objects.bulk_create(
        [ContactRole(contact=contact, role=r) for r in sorted(wanted - current)]
    )


@transaction.atomic
def contact_create(
    *, actor: User, client: Client, roles: Iterable[str] = (), **data: Any
) -> Contact:
    """Add a contact with buying-centre roles to a client."""
    allowed = _contact_fields(actor, client)
    contact = Contact(client=client, **{k: v for k, v in data.items() if k in allowed})
    contact._history_user = actor  # type: ignore[attr-defined]
    contact.full_clean()
    contact.save()
    _set_roles(contact, roles)
    return contact


@transaction.atomic
def contact_update(
    *, actor: User, contact: Contact, roles: Iterable[str] | None = None, **data: Any
) -> Contact:
    """Change a contact and, when given, replace its roles."""
    allowed = _contact_fields(actor, contact.client)
    changed = [k for k in allowed if k in data and getattr(contact, k) != data[k]]
    for key in changed:
        setattr(contact, key, data[key])
    if changed:
        contact._history_user = actor  # type: ignore[attr-defined]
        contact.full_clean()
        contact.save(update_fields=changed)
    if roles is not None:
        _set_roles(contact, roles)
    return contact


@transaction.atomic
def contact_archive(*, actor: User, contact: Contact) -> None:
    """Take a contact off the card (kept in history; business records are not deleted)."""
    contact.is_active = False
    contact._history_user = actor  # type: ignore[attr-defined]
    contact.save(update_fields=["is_active"])


@transaction.atomic
def contact_date_add(*, actor: User, contact: Contact, what: str, date: date) -> ContactDate:
    """An important date of a contact (reminded on the Today page like a birthday)."""
    record = ContactDate(contact=contact, what=what.strip(), date=date)
    record.full_clean()
    record.save()
    return record


def contact_date_delete(*, actor: User, record: ContactDate) -> None:
    """Remove an important date (a reminder, not a business record)."""
    record.delete()


# --- Dossier (callers fetch the client through the dossier selectors, which answer 404) ------


def _check_dossier(actor: User, client: Client) -> None:
    if not can_read_dossier(actor, client):
        raise Http404


@transaction.atomic
def dossier_save(*, actor: User, client: Client, notes: str) -> Dossier:
    """Change the free notes of a dossier."""
    _check_dossier(actor, client)
    dossier, _created = Dossier.objects.select_for_update().get_or_create(client=client)
    dossier.notes = notes
    dossier.save(update_fields=["notes", "updated_at"])
    return dossier


@transaction.atomic
def dossier_mark_reviewed(*, actor: User, client: Client, on: date | None = None) -> Dossier:
    """Record that the dossier was reviewed today (or on `on`, never in the future)."""
    _check_dossier(actor, client)
    today = timezone.localdate()
    day = min(on or today, today)
    dossier, _created = Dossier.objects.select_for_update().get_or_create(client=client)
    dossier.last_reviewed_on = day
    dossier.reviewed_by = actor
    dossier.save(update_fields=["last_reviewed_on", "reviewed_by", "updated_at"])
    return dossier


@transaction.atomic
def competitor_save(
    *, actor: User, client: Client, competitor: Competitor | None = None, **data: Any
) -> Competitor:
    """Add a competitor to the dossier or change one."""
    _check_dossier(actor, client)
    record = competitor or Competitor(client=client)
    for key in COMPETITOR_FIELDS:
        if key in data:
            setattr(record, key, data[key])
    record.full_clean()
    record.save()
    return record


def competitor_archive(*, actor: User, competitor: Competitor) -> None:
    """Take a competitor off the dossier (kept, not deleted)."""
    _check_dossier(actor, competitor.client)
    competitor.is_active = False
    competitor.save(update_fields=["is_active"])
