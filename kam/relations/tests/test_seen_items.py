"""Small things a head of sales saw (issue 19): a client's first day, wording, quotes,
the relationships overview."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from kam.clients.services import client_create
from kam.portfolio.models import KeyAccountProfile
from kam.relations.domain import cadence_status
from kam.relations.selectors import cadence_rows
from kam.testing import Org

pytestmark = pytest.mark.django_db


def test_cadence_of_a_never_contacted_client_counts_from_its_first_day() -> None:
    today = timezone.localdate()
    fresh = cadence_status(None, today, every_days=30, since=today)
    assert fresh.days_overdue == 0
    assert fresh.due_on == today + timedelta(days=30)
    old = cadence_status(None, today, every_days=30, since=today - timedelta(days=45))
    assert old.days_overdue == 15


def test_a_brand_new_key_client_is_not_overdue_on_day_zero(org: Org) -> None:
    client = client_create(actor=org.manager_a1, name="Новый Ключевой", manager=org.manager_a1)
    KeyAccountProfile.objects.create(
        client=client, strategic=True, strategic_reason="reference", updated_by=org.manager_a1
    )
    row = cadence_rows(type(client).objects.filter(pk=client.pk), today=timezone.localdate())[0]
    assert row.status is not None
    assert row.status.days_overdue == 0
    assert row.status.due_on == timezone.localdate() + timedelta(days=10)
    http = HttpClient()
    http.force_login(org.manager_a1)
    card = http.get(client.get_absolute_url()).content.decode()
    cadence = card.split('id="cadence"')[1].split("</p>")[0]
    assert "Просрочено" not in cadence
    due = (timezone.localdate() + timedelta(days=10)).strftime("%d.%m.%Y")
    assert due in cadence
    today = http.get(reverse("today")).content.decode()
    rows = today.split('id="due"')[1].split("</section>")[0].split("<tr>")
    assert not [r for r in rows if "Новый Ключевой" in r]  # due in 10 days: not on today's list
    assert [r for r in rows if org.client_a1.name in r and "просрочено на 10" in r]


def test_a_visit_without_the_manager_reads_plainly(org: Org) -> None:
    from kam.relations.services import interaction_log

    interaction_log(
        actor=org.manager_a1,
        client=org.client_a1,
        date=timezone.localdate(),
        channel="visit",
        personal=False,
        tone="positive",
        summary="Инженер съездил на объект",
    )
    http = HttpClient()
    http.force_login(org.manager_a1)
    card = http.get(org.client_a1.get_absolute_url()).content.decode()
    row = card.split("Инженер съездил на объект")[0].rsplit("<li", 1)[1]
    assert "без участия менеджера" in row
    assert "без личного участия" not in card


def test_overview_lists_each_client_once_alerts_then_other_low_balances(org: Org) -> None:
    from kam.relations.services import bank_entry_add

    bank_entry_add(
        actor=org.manager_a1, client=org.client_a1, kind="withdrawal", weight=3, note="Сорвали"
    )
    bank_entry_add(
        actor=org.manager_a2, client=org.client_a2, kind="deposit", weight=1, note="Помогли"
    )
    http = HttpClient()
    http.force_login(org.director)
    page = http.get(reverse("relations:overview")).content.decode()
    alerts = page.split('id="alerts"')[1].split("</section>")[0]
    balances = page.split('id="balances"')[1].split("</section>")[0]
    assert org.client_a1.name in alerts
    assert org.client_a1.name not in balances
    assert org.client_a2.name in balances
    assert org.client_b1.name in balances
    assert org.client_a2.name not in alerts


def test_bank_entries_show_the_stage_of_the_stage_history_on_their_date(org: Org) -> None:
    from kam.relations.models import RelationshipStage
    from kam.relations.selectors import bank_account
    from kam.relations.services import bank_entry_add, stage_set

    today = timezone.localdate()
    first, crisis = (
        RelationshipStage.objects.filter(is_active=True).order_by("order")[0],
        RelationshipStage.objects.get(is_crisis=True),
    )
    stage_set(
        actor=org.manager_a1,
        client=org.client_a1,
        stage=first,
        reason="Знакомство",
        on=today - timedelta(days=60),
    )
    entry = bank_entry_add(
        actor=org.manager_a1,
        client=org.client_a1,
        kind="withdrawal",
        weight=2,
        note="Сорвали срок",
        on=today - timedelta(days=10),
    )
    assert entry.stage == first
    # Entered later, backdated: the crisis began 20 days ago, so the entry of 10 days ago
    # happened in the crisis, by the history.
    stage_set(
        actor=org.manager_a1,
        client=org.client_a1,
        stage=crisis,
        reason="Смотрят на конкурентов",
        on=today - timedelta(days=20),
    )
    account = bank_account(viewer=org.manager_a1, client_id=org.client_a1.pk)
    assert account.entries[0].stage == crisis
    http = HttpClient()
    http.force_login(org.manager_a1)
    page = http.get(reverse("relations:bank", args=[org.client_a1.pk])).content.decode()
    row = page.split("Сорвали срок")[1].split("</tr>")[0]
    assert crisis.name in row
    assert first.name not in row
