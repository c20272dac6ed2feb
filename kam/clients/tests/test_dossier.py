"""The dossier page and its writes, completeness, reviews and the confidential contact fields."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from kam.accounts.models import User
from kam.clients.domain import dossier_completeness, review_overdue
from kam.clients.models import Competitor, ContactDate, ContactRole, Dossier
from kam.testing import Org, canary

pytestmark = pytest.mark.django_db


def _http(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


@pytest.mark.parametrize(
    ("roles", "competitors", "notes", "reviewed", "score", "missing"),
    [
        (set(), False, False, False, 0, 5),
        ({"decision_maker"}, False, False, False, 12, 4),
        (
            {"decision_maker", "gatekeeper", "technical", "economic", "user"},
            True,
            True,
            True,
            100,
            0,
        ),
        ({"decision_maker", "supporter", "opponent"}, True, False, True, 37, 4),
    ],
)
def test_completeness(
    roles: set[str], competitors: bool, notes: bool, reviewed: bool, score: int, missing: int
) -> None:
    got, unknown = dossier_completeness(
        roles, has_competitors=competitors, has_notes=notes, reviewed_in_time=reviewed
    )
    assert (got, len(unknown)) == (score, missing)


def test_review_overdue_after_90_days() -> None:
    today = timezone.localdate()
    assert not review_overdue(today - timedelta(days=90), today, every_days=90)
    assert review_overdue(today - timedelta(days=91), today, every_days=90)
    assert review_overdue(None, today, every_days=90)


def test_dossier_page_warns_of_unknown_roles_and_marks_review(org: Org) -> None:
    http = _http(org.manager_a1)
    url = reverse("clients:dossier", args=[org.client_a1.pk])
    body = http.get(url).content.decode()
    assert 'id="missing-roles"' in body
    assert "Gatekeeper" in body or "Привратник" in body
    assert canary(org.client_a1) in body
    response = http.post(reverse("clients:dossier-review", args=[org.client_a1.pk]))
    assert response.status_code == 302
    dossier = Dossier.objects.get(client=org.client_a1)
    assert dossier.last_reviewed_on == timezone.localdate()
    assert dossier.reviewed_by == org.manager_a1
    # Next from the Today page goes back there; a foreign next does not.
    back = http.post(
        reverse("clients:dossier-review", args=[org.client_a1.pk]), {"next": "/today/"}
    )
    assert back["Location"] == "/today/"
    away = http.post(
        reverse("clients:dossier-review", args=[org.client_a1.pk]), {"next": "https://evil/"}
    )
    assert away["Location"] == url


def test_notes_competitors_and_dates(org: Org) -> None:
    http = _http(org.supervisor_a)
    client = org.client_a1
    http.post(reverse("clients:dossier-notes", args=[client.pk]), {"notes": "Новые заметки"})
    assert Dossier.objects.get(client=client).notes == "Новые заметки"
    bad = http.post(reverse("clients:competitor-create", args=[client.pk]), {"name": ""})
    assert bad.status_code == 400
    http.post(
        reverse("clients:competitor-create", args=[client.pk]),
        {"name": "СуперСнаб", "strengths": "Цена", "last_activity": "2026-10-01"},
    )
    competitor = Competitor.objects.get(client=client, name="СуперСнаб")
    http.post(
        reverse("clients:competitor-edit", args=[client.pk, competitor.pk]),
        {"name": "СуперСнаб", "weaknesses": "Сроки"},
    )
    competitor.refresh_from_db()
    assert competitor.weaknesses == "Сроки"
    http.post(reverse("clients:competitor-archive", args=[client.pk, competitor.pk]))
    competitor.refresh_from_db()
    assert not competitor.is_active
    contact = client.contacts.get()
    http.post(
        reverse("clients:contact-date-create", args=[client.pk, contact.pk]),
        {"what": "Именины", "date": "2026-12-07"},
    )
    assert ContactDate.objects.filter(contact=contact, what="Именины").exists()
    bad_date = http.post(
        reverse("clients:contact-date-create", args=[client.pk, contact.pk]),
        {"what": "X", "date": "31.02.2026"},
    )
    assert bad_date.status_code == 400


def test_roles_fill_completeness(org: Org) -> None:
    contact = org.client_a1.contacts.get()
    for role in ("gatekeeper", "technical", "economic", "user"):
        ContactRole.objects.create(contact=contact, role=role)
    body = _http(org.manager_a1).get(reverse("clients:dossier", args=[org.client_a1.pk]))
    assert 'id="missing-roles"' not in body.content.decode()


def test_confidential_contact_fields_only_for_dossier_readers(org: Org) -> None:
    client = org.client_a1
    contact = client.contacts.get()
    edit = reverse("clients:contact-edit", args=[client.pk, contact.pk])
    card = reverse("clients:client-detail", args=[client.pk])
    director = _http(org.director)
    assert 'name="attitude"' not in director.get(edit).content.decode()
    assert 'name="attitude"' in _http(org.manager_a1).get(edit).content.decode()
    assert 'id="dossier-link"' not in director.get(card).content.decode()
    assert 'id="dossier-link"' in _http(org.supervisor_a).get(card).content.decode()
    # The director renames the contact: the confidential fields stay as they were.
    director.post(edit, {"full_name": "Новое имя", "attitude": "positive", "notes": "x"})
    contact.refresh_from_db()
    assert contact.full_name == "Новое имя"
    assert contact.attitude == "negative"
    assert canary(client) in contact.notes
    # The manager changes them, and the shared history does not keep them.
    _http(org.manager_a1).post(
        edit, {"full_name": "Новое имя", "attitude": "positive", "influence": "low", "notes": "y"}
    )
    contact.refresh_from_db()
    assert (contact.attitude, contact.notes) == ("positive", "y")
    assert not hasattr(contact.history.first(), "notes")
