"""Correcting the contact log: edit and delete by the author or the author's supervisor within
the company's window, kept in history, with the pause, cadence and bank recomputed."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from kam.accounts.models import User
from kam.clients.models import Client, Contact
from kam.core.models import company_settings
from kam.relations.domain import Correction, correction_verdict
from kam.relations.models import BankEntry, Interaction, InteractionRevision
from kam.relations.selectors import cadence_rows
from kam.relations.services import (
    CorrectionRefused,
    bank_entry_add,
    interaction_delete,
    interaction_edit,
    interaction_log,
)
from kam.testing import Org

pytestmark = pytest.mark.django_db


def _today() -> date:
    return timezone.localdate()


def _negative_call(org: Org, days_ago: int = 1) -> Interaction:
    return interaction_log(
        actor=org.manager_a1,
        client=org.client_a1,
        date=_today() - timedelta(days=days_ago),
        channel="call",
        personal=True,
        tone="negative",
        summary="Мис-клик",
    )


def _pause_until(client: Client) -> date | None:
    rows = cadence_rows(Client.objects.filter(pk=client.pk), today=_today(), key_ids=set())
    return rows[0].pause_until if rows else None


def _edit(actor: User, interaction: Interaction, **changes: Any) -> InteractionRevision | None:
    fields: dict[str, Any] = {
        "date": interaction.date,
        "channel": interaction.channel,
        "personal": interaction.personal,
        "tone": interaction.tone,
        "summary": interaction.summary,
        "duration_minutes": interaction.duration_minutes,
        "contacts": list(interaction.contacts.all()),
    }
    fields.update(changes)
    return interaction_edit(actor=actor, interaction=interaction, **fields)


def _age(interaction: Interaction, hours: float) -> None:
    Interaction.objects.filter(pk=interaction.pk).update(
        created_at=timezone.now() - timedelta(hours=hours)
    )
    interaction.refresh_from_db()


@pytest.mark.parametrize(
    ("author", "boss", "hours", "window", "verdict"),
    [
        (True, False, 0, 48, Correction.ALLOWED),
        (True, False, 48, 48, Correction.ALLOWED),
        (True, False, 48.01, 48, Correction.TOO_LATE),
        (False, True, 10, 48, Correction.ALLOWED),
        (False, True, 49, 48, Correction.TOO_LATE),
        (False, False, 0, 48, Correction.NOT_YOURS),
        (True, False, 70, 72, Correction.ALLOWED),
    ],
)
def test_correction_verdict(
    author: bool, boss: bool, hours: float, window: int, verdict: Correction
) -> None:
    assert (
        correction_verdict(
            is_author=author,
            is_authors_supervisor=boss,
            age=timedelta(hours=hours),
            window_hours=window,
        )
        is verdict
    )


def test_a_mis_clicked_negative_corrected_to_positive_ends_the_pause(org: Org) -> None:
    entry = _negative_call(org)
    assert _pause_until(org.client_a1) == _today() - timedelta(days=1) + timedelta(days=14)
    withdrawal = bank_entry_add(
        actor=org.manager_a1,
        client=org.client_a1,
        kind="withdrawal",
        weight=3,
        note="Негативный контакт",
        interaction=entry,
    )
    revision = _edit(org.manager_a1, entry, tone="positive")
    assert revision is not None
    assert _pause_until(org.client_a1) is None
    entry.refresh_from_db()
    assert entry.tone == "positive"
    assert revision.before["tone"] == "negative"
    assert revision.after is not None
    assert revision.after["tone"] == "positive"
    assert revision.actor == org.manager_a1
    # The withdrawal confirmed after the mis-click is taken back, and the history says so.
    assert not BankEntry.objects.filter(pk=withdrawal.pk).exists()
    assert revision.before["bank_entries"][0]["weight"] == 3
    labels = [label for label, _old, _new in revision.changes]
    assert labels == ["тон"]


def test_a_summary_fix_keeps_bank_entries_and_nothing_changed_writes_no_history(
    org: Org,
) -> None:
    entry = _negative_call(org)
    kept = bank_entry_add(
        actor=org.manager_a1,
        client=org.client_a1,
        kind="withdrawal",
        weight=2,
        note="Негативный контакт",
        interaction=entry,
    )
    assert _edit(org.manager_a1, entry) is None
    revision = _edit(org.manager_a1, entry, summary="Клиент недоволен сроками")
    assert revision is not None
    assert BankEntry.objects.filter(pk=kept.pk).exists()
    assert InteractionRevision.objects.count() == 1


def test_delete_ends_the_pause_and_the_history_keeps_the_entry(org: Org) -> None:
    entry = _negative_call(org)
    entry_id = entry.pk
    revision = interaction_delete(actor=org.supervisor_a, interaction=entry)
    assert not Interaction.objects.filter(pk=entry_id).exists()
    assert _pause_until(org.client_a1) is None
    revision.refresh_from_db()
    assert revision.interaction_ref == entry_id
    assert revision.kind == "delete"
    assert revision.before["summary"] == "Мис-клик"
    assert revision.actor == org.supervisor_a


@pytest.mark.parametrize("persona", ["director", "manager_a2", "admin"])
def test_only_the_author_and_the_supervisor_may_correct(org: Org, persona: str) -> None:
    entry = _negative_call(org)
    with pytest.raises(CorrectionRefused) as caught:
        interaction_delete(actor=org.persona(persona), interaction=entry)  # type: ignore[arg-type]
    assert caught.value.verdict is Correction.NOT_YOURS
    assert Interaction.objects.filter(pk=entry.pk).exists()


def test_the_window_is_a_setting(org: Org) -> None:
    entry = _negative_call(org)
    _age(entry, 50)
    with pytest.raises(CorrectionRefused) as caught:
        _edit(org.manager_a1, entry, tone="positive")
    assert caught.value.verdict is Correction.TOO_LATE
    settings = company_settings()
    settings.log_correction_hours = 72
    settings.save(update_fields=["log_correction_hours"])
    _edit(org.manager_a1, entry, tone="positive")
    entry.refresh_from_db()
    assert entry.tone == "positive"


def _http(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def _form(entry: Interaction, **changes: str) -> dict[str, str]:
    data = {
        "date": entry.date.isoformat(),
        "channel": entry.channel,
        "personal": "on",
        "tone": entry.tone,
        "summary": entry.summary,
    }
    data.update(changes)
    return data


def test_card_shows_correct_and_delete_to_the_author_only(org: Org) -> None:
    entry = _negative_call(org)
    edit_url = reverse("relations:interaction-edit", args=[org.client_a1.pk, entry.pk])
    card = _http(org.manager_a1).get(org.client_a1.get_absolute_url())
    assert edit_url in card.content.decode()
    card = _http(org.director).get(org.client_a1.get_absolute_url())
    assert card.status_code == 200
    assert edit_url not in card.content.decode()


def test_edit_page_saves_a_correction_and_lists_it(org: Org) -> None:
    entry = _negative_call(org)
    url = reverse("relations:interaction-edit", args=[org.client_a1.pk, entry.pk])
    http = _http(org.manager_a1)
    assert http.get(url).status_code == 200
    response = http.post(url, _form(entry, tone="positive"))
    assert response.status_code == 302
    assert f"propose={entry.pk}" in response["Location"]
    entry.refresh_from_db()
    assert entry.tone == "positive"
    log = http.get(reverse("relations:interaction-list", args=[org.client_a1.pk]))
    corrections = log.content.decode().split('id="log-corrections"')[1]
    assert "Негативный" in corrections
    assert "Позитивный" in corrections
    assert org.manager_a1.display_name in corrections


def test_edit_page_refuses_with_reasons(org: Org) -> None:
    entry = _negative_call(org)
    url = reverse("relations:interaction-edit", args=[org.client_a1.pk, entry.pk])
    delete_url = reverse("relations:interaction-delete", args=[org.client_a1.pk, entry.pk])
    # Not the client's people at all: 404, as if the entry did not exist.
    assert _http(org.manager_b1).get(url).status_code == 404
    # Sees the client but is neither the author nor the author's supervisor: 403 with a reason.
    refused = _http(org.director).post(delete_url)
    assert refused.status_code == 403
    assert "только её автор или его руководитель" in refused.content.decode()
    _age(entry, 49)
    late = _http(org.manager_a1).post(url, _form(entry, tone="positive"))
    assert late.status_code == 403
    assert "48 часов" in late.content.decode()
    entry.refresh_from_db()
    assert entry.tone == "negative"
    assert Interaction.objects.filter(pk=entry.pk).exists()


def test_delete_page_deletes_after_confirmation(org: Org) -> None:
    entry = _negative_call(org)
    url = reverse("relations:interaction-delete", args=[org.client_a1.pk, entry.pk])
    http = _http(org.supervisor_a)
    assert "Удалить запись" in http.get(url).content.decode()
    assert Interaction.objects.filter(pk=entry.pk).exists()
    assert http.post(url).status_code == 302
    assert not Interaction.objects.filter(pk=entry.pk).exists()
    assert InteractionRevision.objects.get().kind == "delete"


def test_moving_an_entry_into_the_pause_warns_before_saving(org: Org) -> None:
    _negative_call(org, days_ago=5)
    later = interaction_log(
        actor=org.manager_a1,
        client=org.client_a1,
        date=_today(),
        channel="email",
        personal=False,
        tone="neutral",
    )
    url = reverse("relations:interaction-edit", args=[org.client_a1.pk, later.pk])
    response = _http(org.manager_a1).post(url, _form(later, tone="neutral", channel="meeting"))
    assert response.status_code == 200
    assert 'id="pause-warning"' in response.content.decode()
    later.refresh_from_db()
    assert later.personal is False
    confirmed = _form(later, tone="neutral", channel="meeting", confirm_pause="on")
    assert _http(org.manager_a1).post(url, confirmed).status_code == 302
    later.refresh_from_db()
    assert later.personal is True


def test_api_patch_and_delete_follow_the_same_rules(org: Org) -> None:
    entry = _negative_call(org)
    url = f"/api/v1/clients/{org.client_a1.pk}/interactions/{entry.pk}/"
    body = json.dumps({"tone": "positive"})
    hidden = _http(org.manager_b1).patch(url, body, content_type="application/json")
    assert hidden.status_code == 404
    refused = _http(org.director).patch(url, body, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["detail"]
    assert _http(org.director).get(url).status_code == 200
    ok = _http(org.manager_a1).patch(url, body, content_type="application/json")
    assert ok.status_code == 200
    assert ok.json()["tone"] == "positive"
    assert ok.json()["corrections"][0]["before"]["tone"] == "negative"
    assert _pause_until(org.client_a1) is None
    bad = _http(org.manager_a1).patch(
        url, json.dumps({"date": "2999-01-01"}), content_type="application/json"
    )
    assert bad.status_code == 400
    assert "date" in bad.json()
    _age(entry, 49)
    assert _http(org.supervisor_a).delete(url).status_code == 403
    Interaction.objects.filter(pk=entry.pk).update(created_at=timezone.now())
    assert _http(org.supervisor_a).delete(url).status_code == 204
    assert not Interaction.objects.filter(pk=entry.pk).exists()


def _with_archived_contact(org: Org) -> tuple[Interaction, Contact]:
    contact = Contact.objects.create(client=org.client_a1, full_name="Архипова Анна Сергеевна")
    entry = _negative_call(org)
    entry.contacts.add(contact)
    Contact.objects.filter(pk=contact.pk).update(is_active=False)  # left the client since
    return entry, contact


def test_a_correction_keeps_a_contact_archived_since_the_entry(org: Org) -> None:
    entry, contact = _with_archived_contact(org)
    url = reverse("relations:interaction-edit", args=[org.client_a1.pk, entry.pk])
    http = _http(org.manager_a1)
    page = http.get(url).content.decode()
    assert "Архипова Анна Сергеевна (в архиве)" in page  # offered, ticked, marked archived
    response = http.post(url, {**_form(entry, tone="positive"), "contacts": [str(contact.pk)]})
    assert response.status_code == 302
    assert list(entry.contacts.all()) == [contact]
    # Another archived contact of the client, not on the entry, is still refused.
    other = Contact.objects.create(client=org.client_a1, full_name="Иванов", is_active=False)
    refused = http.post(url, {**_form(entry), "contacts": [str(contact.pk), str(other.pk)]})
    assert refused.status_code == 400


def test_api_correction_keeps_a_contact_archived_since_the_entry(org: Org) -> None:
    entry, contact = _with_archived_contact(org)
    url = f"/api/v1/clients/{org.client_a1.pk}/interactions/{entry.pk}/"
    body = json.dumps({"tone": "positive", "contacts": [contact.pk]})
    ok = _http(org.manager_a1).patch(url, body, content_type="application/json")
    assert ok.status_code == 200, ok.content
    assert list(entry.contacts.all()) == [contact]


def test_a_supervisor_correcting_reads_whose_personal_part_it_is(org: Org) -> None:
    entry = _negative_call(org)
    url = reverse("relations:interaction-edit", args=[org.client_a1.pk, entry.pk])
    boss = _http(org.supervisor_a).get(url).content.decode()
    assert f"{org.manager_a1.display_name} лично участвовал(а)" in boss
    own = _http(org.manager_a1).get(url).content.decode()
    assert "Я участвовал лично" in own
    assert org.manager_a1.display_name + " лично" not in own
