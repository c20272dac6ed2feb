"""Contact log, cadence and pause: services, selectors, pages, API and the cadence report."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from kam.accounts.models import User
from kam.cli import main
from kam.clients.models import Client
from kam.core.models import company_settings
from kam.portfolio.models import KeyAccountProfile, RevenueRecord
from kam.relations.models import Interaction
from kam.relations.selectors import cadence_rows, today_page
from kam.relations.services import PauseNotConfirmed, interaction_complete, interaction_log
from kam.testing import Org

pytestmark = pytest.mark.django_db


def _today() -> date:
    return timezone.localdate()


def _log(actor: User, client: Client, days_ago: int, tone: str, **extra: Any) -> Interaction:
    return interaction_log(
        actor=actor,
        client=client,
        date=_today() - timedelta(days=days_ago),
        channel="call",
        personal=True,
        tone=tone,
        **extra,
    )


def _make_key(client: Client, user: User) -> None:
    KeyAccountProfile.objects.create(
        client=client, strategic=True, strategic_reason="reference", updated_by=user
    )


def _http(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


@pytest.mark.parametrize(("days_ago", "warned"), [(0, False), (1, True), (14, True), (15, False)])
def test_pause_warns_inside_the_14_days_only(org: Org, days_ago: int, warned: bool) -> None:
    # The negative contact happened `days_ago` days ago; a personal call is logged today.
    _log(org.manager_a1, org.client_a1, days_ago, "negative")
    if warned:
        with pytest.raises(PauseNotConfirmed) as caught:
            _log(org.manager_a1, org.client_a1, 0, "positive")
        warning = caught.value.warning
        assert warning.until == _today() - timedelta(days=days_ago) + timedelta(days=14)
        assert warning.suggestions[0] == org.supervisor_a
        assert org.manager_a2 in warning.suggestions
        assert Interaction.objects.filter(tone="positive").count() == 0
        _log(org.manager_a1, org.client_a1, 0, "positive", confirm_pause=True)
    else:
        _log(org.manager_a1, org.client_a1, 0, "positive")
    assert Interaction.objects.filter(tone="positive").count() == 1


def test_pause_applies_to_the_manager_and_personal_contacts_only(org: Org) -> None:
    _log(org.manager_a1, org.client_a1, 3, "negative")
    # The supervisor steps in: no warning. An e-mail that is not personal: no warning.
    _log(org.supervisor_a, org.client_a1, 0, "positive")
    interaction_log(
        actor=org.manager_a1,
        client=org.client_a1,
        date=_today(),
        channel="email",
        personal=False,
        tone="neutral",
    )
    # Planning a meeting inside the pause warns too.
    with pytest.raises(PauseNotConfirmed):
        interaction_log(
            actor=org.manager_a1,
            client=org.client_a1,
            date=_today() + timedelta(days=5),
            channel="meeting",
            personal=True,
            planned=True,
        )
    # A plan after the pause is fine.
    interaction_log(
        actor=org.manager_a1,
        client=org.client_a1,
        date=_today() + timedelta(days=12),
        channel="meeting",
        personal=True,
        planned=True,
    )


def test_a_positive_contact_inside_the_pause_does_not_end_it(org: Org) -> None:
    _log(org.manager_a1, org.client_a1, 5, "negative")
    _log(org.supervisor_a, org.client_a1, 2, "positive")
    row = cadence_rows(Client.objects.filter(pk=org.client_a1.pk), today=_today(), key_ids=set())
    assert row[0].pause_until == _today() + timedelta(days=9)


def test_bad_contacts_are_refused_with_field_errors(org: Org) -> None:
    with pytest.raises(ValidationError) as caught:
        interaction_log(
            actor=org.manager_a1,
            client=org.client_a1,
            date=_today() + timedelta(days=1),
            channel="call",
            personal=True,
            tone="",
            contacts=[org.client_b1.contacts.get()],
        )
    assert set(caught.value.message_dict) == {"date", "tone", "contacts"}
    assert Interaction.objects.filter(planned=False).count() == 0


@pytest.mark.parametrize(("days_ago", "overdue"), [(10, 0), (11, 1), (30, 20)])
def test_key_client_cadence_counts_positive_contacts(org: Org, days_ago: int, overdue: int) -> None:
    _make_key(org.client_a1, org.manager_a1)
    _log(org.manager_a1, org.client_a1, days_ago, "positive")
    _log(org.manager_a1, org.client_a1, 1, "neutral")  # a neutral contact does not count
    rows = cadence_rows(Client.objects.filter(pk=org.client_a1.pk), today=_today())
    assert rows[0].is_key
    assert rows[0].status is not None
    assert rows[0].status.days_since_positive == days_ago
    assert rows[0].status.days_overdue == overdue


def test_revenue_key_clients_and_segment_cadence(org: Org) -> None:
    # client_b1 gets 90% of the last 12 months: key by revenue.
    RevenueRecord.objects.create(
        client=org.client_b1, date=_today() - timedelta(days=3), amount=Decimal(90_000)
    )
    settings = company_settings()
    settings.cadence_medium_days = 30
    settings.save()
    org.client_a2.segment = "medium"
    org.client_a2.save()
    org.client_a1.segment = "small"
    org.client_a1.save()
    _log(org.manager_a2, org.client_a2, 31, "negative")
    rows = {r.client.pk: r for r in cadence_rows(Client.objects.all(), today=_today())}
    assert rows[org.client_b1.pk].is_key
    assert rows[org.client_b1.pk].every_days == 10
    # A non-key client of a segment with a cadence counts any contact.
    assert not rows[org.client_a2.pk].is_key
    assert rows[org.client_a2.pk].every_days == 30
    status = rows[org.client_a2.pk].status
    assert status is not None
    assert status.days_overdue == 1
    # Segment without a cadence and no pause: not a row at all.
    assert org.client_a1.pk not in rows


def test_today_lists_due_paused_planned_dates_and_reviews(org: Org) -> None:
    _make_key(org.client_a1, org.manager_a1)
    _log(org.manager_a1, org.client_a1, 20, "positive")
    _log(org.manager_a1, org.client_a1, 2, "negative")
    contact = org.client_a1.contacts.get()
    contact.birthday = (_today() + timedelta(days=2)).replace(year=1980)
    contact.save()
    page = today_page(viewer=org.manager_a1)
    assert org.client_a1 in [r.client for r in page.due]
    assert [r.client for r in page.paused] == [org.client_a1]
    assert [d.what for d in page.dates] == ["birthday"]
    assert [r.client for r in page.reviews] == [org.client_a1]  # never reviewed
    assert [i.client for i in page.planned] == [org.client_a1]  # the persona's planned call
    # Another manager's Today shows none of it.
    other = today_page(viewer=org.manager_a2)
    assert org.client_a1 not in [r.client for r in other.due]
    assert not other.paused
    assert not other.dates


def test_team_today_shows_compliance_per_manager(org: Org) -> None:
    for client, manager in ((org.client_a1, org.manager_a1), (org.client_a2, org.manager_a2)):
        _make_key(client, manager)
    _log(org.manager_a1, org.client_a1, 3, "positive")
    from kam.clients.services import dossier_mark_reviewed

    dossier_mark_reviewed(actor=org.manager_a1, client=org.client_a1)
    page = today_page(viewer=org.supervisor_a, team=True)
    figures = {c.manager.username: c for c in page.compliance}
    assert set(figures) == {"manager_a1", "manager_a2"}
    assert figures["manager_a1"].within_cadence == 100
    assert figures["manager_a1"].reviewed_on_time == 100
    assert figures["manager_a2"].within_cadence == 0
    assert figures["manager_a2"].reviewed_on_time == 0
    assert figures["manager_a1"].completeness is not None
    # The director sees the figures but no dossier completeness.
    director = {
        c.manager.username: c for c in today_page(viewer=org.director, team=True).compliance
    }
    assert director["manager_a1"].within_cadence == 100
    assert director["manager_a1"].completeness is None
    assert "manager_b1" in director


def test_complete_a_planned_contact(org: Org) -> None:
    planned = org.client_a1.interactions.get()
    interaction_complete(actor=org.manager_a1, interaction=planned, tone="positive")
    planned.refresh_from_db()
    assert not planned.planned
    assert planned.tone == "positive"
    assert planned.date == _today()
    with pytest.raises(ValidationError):
        interaction_complete(actor=org.manager_a1, interaction=planned, tone="positive")


def test_card_form_warns_then_saves_on_confirmation(org: Org) -> None:
    _log(org.manager_a1, org.client_a1, 1, "negative")
    http = _http(org.manager_a1)
    url = reverse("relations:interaction-create", args=[org.client_a1.pk])
    data = {
        "date": _today().isoformat(),
        "channel": "meeting",
        "personal": "on",
        "tone": "positive",
    }
    response = http.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="pause-warning"' in body
    assert org.supervisor_a.display_name in body
    assert Interaction.objects.filter(tone="positive").count() == 0
    response = http.post(url, {**data, "confirm_pause": "on"})
    assert response.status_code == 302
    assert Interaction.objects.filter(tone="positive").count() == 1
    card = http.get(reverse("clients:client-detail", args=[org.client_a1.pk])).content.decode()
    assert 'id="pause"' in card


def test_card_form_errors_are_shown_not_500(org: Org) -> None:
    http = _http(org.manager_a1)
    url = reverse("relations:interaction-create", args=[org.client_a1.pk])
    response = http.post(url, {"date": "31.02.2026", "channel": "pigeon"})
    assert response.status_code == 400
    response = http.post(url, {"date": _today().isoformat(), "channel": "call"})
    assert response.status_code == 400
    assert Interaction.objects.filter(planned=False).count() == 0


def test_today_page_renders_for_every_role(org: Org) -> None:
    _make_key(org.client_a1, org.manager_a1)
    assert _http(org.manager_a1).get("/")["Location"] == reverse("today")
    body = _http(org.manager_a1).get(reverse("today")).content.decode()
    assert org.client_a1.name in body
    team = _http(org.supervisor_a).get(reverse("today"), {"view": "team"}).content.decode()
    assert 'id="compliance"' in team
    assert org.manager_a1.display_name in team
    # A manager asking for the team view gets their own day.
    mine = _http(org.manager_a1).get(reverse("today"), {"view": "team"}).content.decode()
    assert 'id="compliance"' not in mine


def test_api_interactions_and_today(org: Org) -> None:
    http = _http(org.manager_a1)
    url = reverse("api:interaction-list", args=[org.client_a1.pk])
    contact = org.client_a1.contacts.get()
    body = {"date": _today().isoformat(), "channel": "call", "tone": "negative"}
    created = http.post(url, {**body, "contacts": [contact.pk]}, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["contacts"] == [contact.pk]
    tomorrow = (_today() + timedelta(days=1)).isoformat()
    plan = {"date": tomorrow, "channel": "meeting", "planned": True}
    refused = http.post(url, plan, content_type="application/json")
    assert refused.status_code == 409
    assert refused.json()["suggestions"][0]["id"] == org.supervisor_a.pk
    ok = http.post(url, {**plan, "confirm_pause": True}, content_type="application/json")
    assert ok.status_code == 201
    foreign = {**body, "contacts": [org.client_b1.contacts.get().pk]}
    assert http.post(url, foreign, content_type="application/json").status_code == 400
    # Ids no database column can hold are a field error, not a server error (found by fuzzing).
    for junk in (10**27, -5, 0):
        bad = http.post(url, {**body, "contacts": [junk]}, content_type="application/json")
        assert bad.status_code == 400, junk
        assert "contacts" in bad.json()
    assert len(http.get(url).json()) == 3  # two logged + the persona's planned call
    today = http.get(reverse("api:today")).json()
    assert today["paused"][0]["client"] == org.client_a1.pk
    assert _http(org.manager_b1).get(url).status_code == 404


def test_report_cadence_json_as_a_user(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    _make_key(org.client_a1, org.manager_a1)
    _make_key(org.client_b1, org.manager_b1)
    _log(org.manager_a1, org.client_a1, 12, "positive")
    _log(org.manager_b1, org.client_b1, 3, "negative")
    assert main(["report", "cadence", "--as", "supervisor_a", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["as"] == "supervisor_a"
    # Every persona client is key by revenue (a third each); client_a2 was never contacted.
    assert data["overdue"] == [
        {
            "client": org.client_a2.name,
            "manager": org.manager_a2.display_name,
            "days_since_positive": None,
            "days_overdue": 10,
        },
        {
            "client": org.client_a1.name,
            "manager": org.manager_a1.display_name,
            "days_since_positive": 12,
            "days_overdue": 2,
        },
    ]
    assert data["paused"] == []  # client_b1 is not supervisor_a's
    assert {r["client"] for r in data["reviews_due"]} == {org.client_a1.name, org.client_a2.name}
    assert main(["report", "cadence", "--format", "json"]) == 0
    company = json.loads(capsys.readouterr().out)
    assert company["as"] is None
    assert [p["client"] for p in company["paused"]] == [org.client_b1.name]
    assert main(["report", "cadence", "--as", "nobody"]) == 1


@pytest.mark.parametrize(
    ("zone", "local_day", "overdue"),
    [
        # 2026-03-11 22:30 UTC is 01:30 on the 12th in Moscow (+3), 08:30 on the 12th in
        # Vladivostok (+10) and 18:30 on the 11th in New York (-4): a positive contact on the
        # 1st is overdue by a day only where the local date is already the 12th.
        ("Europe/Moscow", date(2026, 3, 12), 1),
        ("Asia/Vladivostok", date(2026, 3, 12), 1),
        ("America/New_York", date(2026, 3, 11), 0),
    ],
)
def test_cadence_counts_in_the_company_time_zone(
    org: Org, settings: Any, zone: str, local_day: date, overdue: int
) -> None:
    import time_machine

    settings.TIME_ZONE = zone
    _make_key(org.client_a1, org.manager_a1)
    Interaction.objects.create(
        client=org.client_a1,
        author=org.manager_a1,
        date=date(2026, 3, 1),
        channel="call",
        tone="positive",
    )
    with time_machine.travel("2026-03-11 22:30:00+00:00", tick=False):
        assert timezone.localdate() == local_day
        rows = cadence_rows(Client.objects.filter(pk=org.client_a1.pk), today=timezone.localdate())
    assert rows[0].status is not None
    assert rows[0].status.days_overdue == overdue


@pytest.mark.parametrize(
    ("birthday", "today", "expected"),
    [
        (date(1980, 2, 29), date(2027, 2, 27), date(2027, 2, 28)),  # non-leap: Feb 28
        (date(1980, 2, 29), date(2028, 2, 27), date(2028, 2, 29)),
        (date(1975, 1, 2), date(2026, 12, 30), date(2027, 1, 2)),  # across the new year
        (date(1975, 1, 3), date(2026, 12, 30), None),  # 4 days ahead: outside 3
        (date(1975, 12, 29), date(2026, 12, 30), None),  # yesterday
    ],
)
def test_upcoming_dates_window_in_sql(
    org: Org, birthday: date, today: date, expected: date | None
) -> None:
    from kam.relations.selectors import upcoming_dates

    contact = org.client_a1.contacts.get()
    contact.birthday = birthday
    contact.save()
    found = upcoming_dates(Client.objects.all(), today=today, ahead=3)
    birthdays = [d.date for d in found if d.what == "birthday"]
    assert birthdays == ([expected] if expected else [])


def test_quick_entry_from_today(org: Org) -> None:
    http = _http(org.manager_a1)
    page = http.get(reverse("today")).content.decode()
    assert "quicklog" in page  # every persona client is key and never contacted: all due
    url = reverse("relations:interaction-create", args=[org.client_a1.pk])
    quick = {
        "date": _today().isoformat(),
        "channel": "call",
        "personal": "on",
        "next": "/today/",
        "tone": "positive",
    }
    assert http.post(url, quick)["Location"] == "/today/"
    negative = http.post(url, {**quick, "tone": "negative"})
    assert "propose=" in negative["Location"]  # to the card, where a withdrawal is proposed
    page = http.get(reverse("today")).content.decode()
    assert org.client_a1.name in page.split('id="paused"')[1]


def test_contact_log_and_overview_downloads(org: Org) -> None:
    _log(org.manager_a1, org.client_a1, 2, "negative", summary="=HYPERLINK(1)")
    http = _http(org.manager_a1)
    url = reverse("relations:interaction-list", args=[org.client_a1.pk])
    body = http.get(url, {"format": "csv"}).content.decode("utf-8")
    assert body.startswith("\ufeff")
    lines = body.strip().splitlines()
    assert lines[0].count(";") == 6
    assert "'=HYPERLINK(1)" in body  # formula cells are escaped
    assert len(lines) == 3  # header, the logged contact, the persona's planned call
    assert _http(org.manager_b1).get(url, {"format": "csv"}).status_code == 404
    overview = _http(org.manager_b1).get(reverse("relations:overview"), {"format": "xlsx"})
    assert overview.status_code == 200
    assert overview["Content-Type"].startswith("application/vnd.openxmlformats")
