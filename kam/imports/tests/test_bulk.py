"""The bulk insert of new clients an import creates: the rows and history rows
`bulk_create_with_history` writes, inserted without a model object per row."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from kam.clients.models import Client
from kam.imports.kinds.bulk import insert_with_history
from kam.testing import Org

pytestmark = pytest.mark.django_db(transaction=True)

CLIENT_COLUMNS = ("name", "normalized_name", "inn", "segment", "channel", "status", "manager_id",
                  "city", "website", "notes")  # fmt: skip
HISTORY_COLUMNS = ("name", "inn", "segment", "channel", "status", "manager_id", "city", "website",
                   "notes", "history_type", "history_change_reason", "history_user_id")  # fmt: skip


def _rows(org: Org, tag: str) -> list[dict[str, Any]]:
    return [
        {"name": f"ООО «{tag} {i}»", "normalized_name": f"{tag.lower()} {i}",
         "inn": f"{ord(tag[0])}{i:08d}" if i % 2 else None, "manager_id": org.manager_a1.pk,
         **({"city": "Казань", "segment": "large"} if i % 3 == 0 else {})}
        for i in range(5)
    ]  # fmt: skip


def _stored(tag: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The clients of `tag` and their history rows, with the tag taken out of their texts."""

    def plain(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        return value.replace(tag, "#").replace(tag.lower(), "#").replace(str(ord(tag[0])), "#")

    prefix = f"ООО «{tag}"
    clients = Client.objects.filter(name__startswith=prefix).order_by("id")
    history = Client.history.filter(name__startswith=prefix).order_by("id")
    return (
        [tuple(plain(c[k]) for k in CLIENT_COLUMNS) for c in clients.values(*CLIENT_COLUMNS)],
        [tuple(plain(h[k]) for k in HISTORY_COLUMNS) for h in history.values(*HISTORY_COLUMNS)],
    )


@pytest.mark.parametrize("with_user", [True, False])
def test_insert_with_history_writes_what_bulk_create_with_history_writes(
    org: Org, with_user: bool
) -> None:
    user = org.admin if with_user else None
    before = timezone.now()
    with transaction.atomic():
        bulk_create_with_history(
            [Client(**row) for row in _rows(org, "Aa")], Client, default_user=user
        )
    with transaction.atomic():
        ids = insert_with_history(Client, _rows(org, "Bb"), history_user=user)
    after = timezone.now()
    expected_clients, expected_history = _stored("Aa")
    clients, history = _stored("Bb")
    assert clients == expected_clients
    assert len(clients) == 5
    assert history == expected_history
    assert len(history) == 5
    assert {h[-1] for h in history} == {user.pk if user else None}
    # The ids are returned in the order of the rows, and each history row names its client.
    names = dict(Client.objects.filter(pk__in=ids).values_list("pk", "name"))
    assert [names[pk] for pk in ids] == [r["name"] for r in _rows(org, "Bb")]
    made = Client.history.filter(id__in=ids)
    assert sorted(made.values_list("id", flat=True)) == sorted(ids)
    for client in Client.objects.filter(pk__in=ids):
        assert before <= client.created_at <= after
        assert client.updated_at == client.created_at
        entry = made.get(id=client.pk)
        assert entry.history_date == client.created_at
        assert entry.created_at == client.created_at
    # The ordinary insert afterwards takes the next id.
    assert Client.objects.create(name="Потом", manager=org.admin).pk == max(ids) + 1


def test_ids_of_deleted_clients_are_never_given_again(org: Org) -> None:
    """An undone import deletes the clients it created: their ids stay unused, as the
    database's own sequence keeps them."""
    with transaction.atomic():
        first = insert_with_history(Client, _rows(org, "Cc"), history_user=None)
    Client.history.filter(id__in=first).delete()
    Client.objects.filter(pk__in=first).delete()
    with transaction.atomic():
        second = insert_with_history(Client, _rows(org, "Dd"), history_user=None)
    assert min(second) > max(first)
    assert Client.objects.create(name="Потом", manager=org.admin).pk > max(second)
    assert insert_with_history(Client, [], history_user=None) == []
    assert timedelta(0) <= timezone.now() - Client.objects.get(pk=second[0]).created_at
