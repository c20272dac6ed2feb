"""Client, contact and revenue writes: validation, history, access to assignees."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kam.clients.choices import ClientStatus
from kam.clients.models import Client, Contact
from kam.clients.selectors import client_history
from kam.clients.services import (
    client_create,
    client_set_status,
    client_update,
    contact_create,
    contact_update,
)
from kam.portfolio.services import revenue_create, revenue_delete
from kam.testing import Org


def test_client_create_records_who_and_folds_the_name(org: Org) -> None:
    client = client_create(actor=org.manager_a1, name="ООО «Вектор»", inn="7710140679")
    assert client.manager == org.manager_a1
    assert client.normalized_name == "вектор"
    record = client.history.get()
    assert record.history_user == org.manager_a1
    assert record.history_type == "+"


def test_bad_inn_is_a_field_error(org: Org) -> None:
    with pytest.raises(ValidationError) as exc:
        client_create(actor=org.manager_a1, name="Вектор", inn="7710140678")
    assert "inn" in exc.value.message_dict
    assert not Client.objects.filter(name="Вектор").exists()


def test_duplicate_inn_is_refused(org: Org) -> None:
    with pytest.raises(ValidationError) as exc:
        client_create(actor=org.manager_a1, name="Копия", inn=org.client_b1.inn)
    assert "inn" in exc.value.message_dict


def test_manager_cannot_hand_a_client_to_another_team(org: Org) -> None:
    with pytest.raises(ValidationError) as exc:
        client_create(actor=org.manager_a1, name="Чужой", manager=org.manager_b1)
    assert "manager" in exc.value.message_dict
    with pytest.raises(ValidationError):
        client_update(actor=org.supervisor_a, client=org.client_a1, manager=org.manager_b1)
    client_update(actor=org.supervisor_a, client=org.client_a1, manager=org.manager_a2)
    org.client_a1.refresh_from_db()
    assert org.client_a1.manager == org.manager_a2


def test_update_writes_only_changed_fields_and_history(org: Org) -> None:
    client_update(actor=org.manager_a1, client=org.client_a1, city="Казань")
    history = client_history(client=org.client_a1)
    change = next(h for h in history if h["kind"] == "client" and h["action"] == "~")
    assert change["who"] == org.manager_a1
    assert [str(c) for c in change["changes"]] == ["город"]


def test_archive_and_restore(org: Org) -> None:
    client_set_status(actor=org.manager_a1, client=org.client_a1, status=ClientStatus.ARCHIVED)
    assert Client.objects.get(pk=org.client_a1.pk).status == ClientStatus.ARCHIVED
    client_set_status(actor=org.manager_a1, client=org.client_a1, status=ClientStatus.ACTIVE)
    assert Client.objects.get(pk=org.client_a1.pk).status == ClientStatus.ACTIVE


def test_contact_roles_are_replaced_not_duplicated(org: Org) -> None:
    contact = contact_create(
        actor=org.manager_a1,
        client=org.client_a1,
        full_name="Сидоров",
        roles=["gatekeeper", "user"],
    )
    assert sorted(contact.role_codes) == ["gatekeeper", "user"]
    contact_update(actor=org.manager_a1, contact=contact, roles=["user", "advisor"])
    contact = Contact.objects.get(pk=contact.pk)
    assert sorted(contact.role_codes) == ["advisor", "user"]


def test_revenue_delete_is_kept_in_history(org: Org) -> None:
    record = revenue_create(
        actor=org.manager_a1, client=org.client_a1, date=date(2026, 3, 1), amount=Decimal("50")
    )
    revenue_delete(actor=org.manager_a1, record=record)
    kinds = [(h["kind"], h["action"]) for h in client_history(client=org.client_a1)]
    assert ("revenue", "-") in kinds
    assert ("revenue", "+") in kinds
