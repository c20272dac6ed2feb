"""Every write that can change a deal's first logged meeting keeps `Deal.met_on` right, so the
funnel (one GROUP BY over deals) counts a meeting logged during a deal's life and stops counting
it once the entry is corrected or deleted. Expected values come from the contact log itself,
computed here row by row, never from `met_on`."""

from __future__ import annotations

import random
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from kam.accounts.models import User
from kam.cli import main
from kam.clients.models import Client
from kam.deals import domain as d
from kam.deals.models import Deal
from kam.deals.selectors import DealFilters, deal_list, funnel_counts
from kam.deals.services import DealRecord, deal_meetings_refresh, deals_upsert
from kam.imports.models import ImportJob
from kam.imports.undo import import_job_undo
from kam.relations.models import Interaction
from kam.relations.services import (
    interaction_complete,
    interaction_delete,
    interaction_edit,
    interaction_log,
)
from kam.reports import company_viewer
from kam.testing import Org

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 30)
WINDOW = {"date_from": TODAY - timedelta(days=400), "date_to": TODAY, "today": TODAY}


def _record(
    key: str,
    client: Client,
    created: date,
    step: str = "consultation",
    closed: date | None = None,
) -> DealRecord:
    return DealRecord(
        key=key,
        client_id=client.pk,
        manager_id=client.manager_id,
        title=key,
        amount=None,
        created=created,
        closed=closed,
        stage=step,
        step=d.Step(step),
        source="",
        source_text="",
        loss_reason="",
        changed_on=TODAY,
    )


def _upsert(*records: DealRecord) -> None:
    deals_upsert(records=list(records), source_system="test", write=True)


def _log(org: Org, client: Client, day: date, channel: str = "meeting") -> Interaction:
    author = client.manager
    assert author is not None
    return interaction_log(
        actor=author,
        client=client,
        date=day,
        channel=channel,
        personal=True,
        tone="positive",
        confirm_pause=True,
    )


def _edit(interaction: Interaction, **changes: object) -> None:
    fields = {
        "date": interaction.date,
        "channel": interaction.channel,
        "personal": interaction.personal,
        "tone": interaction.tone,
        "summary": interaction.summary,
        "duration_minutes": interaction.duration_minutes,
        **changes,
    }
    interaction_edit(
        actor=interaction.author,
        interaction=interaction,
        confirm_pause=True,
        **fields,  # type: ignore[arg-type]
    )


def _expected_met_on(deal: Deal) -> date | None:
    """The first meeting or visit with the deal's client done during its life, from the log."""
    days = [
        i.date
        for i in Interaction.objects.filter(client_id=deal.client_id)
        if not i.planned
        and i.channel in {"meeting", "visit"}
        and deal.created <= i.date
        and (deal.closed is None or i.date <= deal.closed)
    ]
    return min(days, default=None)


def _meetings(manager: User) -> int:
    return funnel_counts(viewer=company_viewer(), **WINDOW)[manager.pk].meeting


def test_a_meeting_logged_after_the_deal_counts_until_corrected_or_deleted(org: Org) -> None:
    _upsert(_record("A", org.client_a1, TODAY - timedelta(days=100)))
    assert _meetings(org.manager_a1) == 0
    meeting = _log(org, org.client_a1, TODAY - timedelta(days=50))
    deal = Deal.objects.get(external_id="A")
    assert deal.met_on == TODAY - timedelta(days=50) == _expected_met_on(deal)
    assert _meetings(org.manager_a1) == 1
    met = deal_list(viewer=org.manager_a1, filters=DealFilters(reached_meeting=True))
    assert [x.pk for x in met] == [deal.pk]
    # Corrected into a phone call: no meeting any more.
    _edit(meeting, channel="call")
    assert _meetings(org.manager_a1) == 0
    assert list(deal_list(viewer=org.manager_a1, filters=DealFilters(reached_meeting=True))) == []
    # Back to a visit, but dated before the deal was created: still none.
    _edit(meeting, channel="visit", date=TODAY - timedelta(days=120))
    assert _meetings(org.manager_a1) == 0
    _edit(meeting, date=TODAY - timedelta(days=10))
    assert _meetings(org.manager_a1) == 1
    interaction_delete(actor=org.manager_a1, interaction=meeting)
    deal.refresh_from_db()
    assert deal.met_on is None
    assert _meetings(org.manager_a1) == 0


def test_the_earliest_meeting_is_kept_and_the_next_one_takes_over(org: Org) -> None:
    _upsert(_record("A", org.client_a1, TODAY - timedelta(days=100)))
    late = _log(org, org.client_a1, TODAY - timedelta(days=20), "visit")
    early = _log(org, org.client_a1, TODAY - timedelta(days=60))
    _log(org, org.client_a2, TODAY - timedelta(days=70))  # another client's meeting
    deal = Deal.objects.get(external_id="A")
    assert deal.met_on == early.date == _expected_met_on(deal)
    interaction_delete(actor=org.manager_a1, interaction=early)
    deal.refresh_from_db()
    assert deal.met_on == late.date == _expected_met_on(deal)


def test_a_planned_meeting_counts_once_it_took_place(org: Org) -> None:
    _upsert(_record("A", org.client_a1, TODAY - timedelta(days=30)))
    planned = interaction_log(
        actor=org.manager_a1,
        client=org.client_a1,
        date=TODAY + timedelta(days=400),
        channel="meeting",
        personal=True,
        planned=True,
    )
    deal = Deal.objects.get(external_id="A")
    assert deal.met_on is None
    interaction_complete(
        actor=org.manager_a1, interaction=planned, tone="positive", confirm_pause=True
    )
    deal.refresh_from_db()
    planned.refresh_from_db()
    assert deal.met_on == planned.date == _expected_met_on(deal)
    # An open deal: the meeting counts once it lies between the creation and today.
    counts = funnel_counts(viewer=company_viewer(), **{**WINDOW, "today": planned.date})
    assert counts[org.manager_a1.pk].meeting == 1


def test_deal_imports_find_meetings_logged_before_them_and_follow_the_close(org: Org) -> None:
    _log(org, org.client_a1, TODAY - timedelta(days=40))
    _upsert(
        _record("A", org.client_a1, TODAY - timedelta(days=90)),
        _record("B", org.client_a1, TODAY - timedelta(days=30)),  # created after the meeting
    )
    a, b = Deal.objects.get(external_id="A"), Deal.objects.get(external_id="B")
    assert (a.met_on, b.met_on) == (TODAY - timedelta(days=40), None)
    assert _meetings(org.manager_a1) == 1
    # A newer export: A was lost before the meeting, so it never reached one.
    _upsert(
        _record("A", org.client_a1, TODAY - timedelta(days=90), "lost", TODAY - timedelta(days=50)),
        _record("B", org.client_a1, TODAY - timedelta(days=30)),
    )
    a.refresh_from_db()
    assert a.met_on is None is _expected_met_on(a)
    assert _meetings(org.manager_a1) == 0


def test_a_lost_deal_counts_a_meeting_up_to_its_close_not_after(org: Org) -> None:
    closed = TODAY - timedelta(days=20)
    _upsert(_record("A", org.client_a1, TODAY - timedelta(days=90), "lost", closed))
    after = _log(org, org.client_a1, closed + timedelta(days=1))
    assert _meetings(org.manager_a1) == 0
    _edit(after, date=closed)
    assert _meetings(org.manager_a1) == 1


def test_activity_import_and_its_undo(org: Org, tmp_path: Path) -> None:
    _upsert(_record("A", org.client_a1, date(2026, 1, 10)))
    path = tmp_path / "contacts.csv"
    path.write_text(
        "Клиент;Дата;Канал;Тон;Итог;Ответственный\n"
        "Альфа-Один Маркер-A1;01.02.2026;Визит;позитивный;Показ;Тестов Manager_A1\n",
        encoding="utf-8",
    )
    assert main(["import", "interactions", str(path), "--no-progress"]) == 0
    deal = Deal.objects.get(external_id="A")
    assert deal.met_on == date(2026, 2, 1) == _expected_met_on(deal)
    assert _meetings(org.manager_a1) == 1
    assert import_job_undo(actor=org.admin, job=ImportJob.objects.latest("id")).ok
    deal.refresh_from_db()
    assert deal.met_on is None
    assert _meetings(org.manager_a1) == 0


def test_undo_of_a_deals_import_puts_the_first_meeting_back_too(org: Org, tmp_path: Path) -> None:
    _log(org, org.client_a1, date(2026, 2, 1))
    header = "ID;Название сделки;Этап сделки;Дата создания;Дата закрытия;Компания;Ответственный\n"
    first = tmp_path / "first.csv"
    first.write_text(
        header + "77;Поставка;Первичный контакт;10.01.2026;;Альфа-Один Маркер-A1;\n",
        encoding="utf-8",
    )
    assert main(["import", "deals", str(first), "--no-progress", "--preset", "amocrm"]) == 0
    deal = Deal.objects.get(external_id="77")
    assert deal.met_on == date(2026, 2, 1)
    later = tmp_path / "later.csv"
    later.write_text(
        header
        + "77;Поставка;Закрыто и не реализовано;10.01.2026;20.01.2026;Альфа-Один Маркер-A1;\n",
        encoding="utf-8",
    )
    assert main(["import", "deals", str(later), "--no-progress", "--preset", "amocrm"]) == 0
    deal = Deal.objects.get(pk=deal.pk)
    assert (deal.status, deal.met_on) == ("lost", None)
    assert import_job_undo(actor=org.admin, job=ImportJob.objects.latest("id")).ok
    deal.refresh_from_db()
    assert (deal.status, deal.closed, deal.met_on) == ("open", None, date(2026, 2, 1))


def test_the_repair_command_corrects_only_wrong_dates(org: Org) -> None:
    _upsert(
        _record("A", org.client_a1, TODAY - timedelta(days=90)),
        _record("B", org.client_a2, TODAY - timedelta(days=90)),
    )
    _log(org, org.client_a1, TODAY - timedelta(days=40))
    # Written around KAM: a visit nobody told the deals about, and a wrong stored date.
    Interaction.objects.create(
        client=org.client_a2,
        author=org.manager_a2,
        date=TODAY - timedelta(days=5),
        channel="visit",
        tone="positive",
    )
    Deal.objects.filter(external_id="A").update(met_on=TODAY - timedelta(days=80))
    out = StringIO()
    call_command("deals_meetings_refresh", stdout=out)
    assert out.getvalue().strip() == "deals meetings: 2 corrected"
    for deal in Deal.objects.all():
        assert deal.met_on == _expected_met_on(deal)
    out = StringIO()
    call_command("deals_meetings_refresh", stdout=out)
    assert out.getvalue().strip() == "deals meetings: 0 corrected"


def test_the_migration_fills_the_deals_already_there(org: Org) -> None:
    from importlib import import_module

    from django.apps import apps

    _upsert(_record("A", org.client_a1, TODAY - timedelta(days=90)))
    Interaction.objects.create(
        client=org.client_a1,
        author=org.manager_a1,
        date=TODAY - timedelta(days=3),
        channel="meeting",
        tone="neutral",
    )
    import_module("kam.deals.migrations.0003_deal_met_on").fill_met_on(apps, None)
    assert Deal.objects.get().met_on == TODAY - timedelta(days=3)


@pytest.mark.parametrize("seed", range(4))
def test_random_writes_keep_the_funnel_equal_to_the_oracle(org: Org, seed: int) -> None:
    """Deals imported and re-imported, contacts logged, planned, completed, corrected and
    deleted in random order; then the funnel equals the oracle computed from the log."""
    rng = random.Random(seed)
    keys: list[str] = []
    logged: list[Interaction] = []
    for _ in range(60):
        action = rng.choice(["deal", "deal", "reimport", "log", "log", "log", "edit", "delete"])
        client = rng.choice(org.clients)
        if action == "deal" or (action == "reimport" and keys):
            key = rng.choice(keys) if action == "reimport" else f"k{len(keys)}"
            if action == "deal":
                keys.append(key)
            else:
                client = Client.objects.get(pk=Deal.objects.get(external_id=key).client_id)
            created = TODAY - timedelta(days=rng.randint(0, 300))
            step = rng.choice(["consultation", "meeting", "proposal", "won", "lost"])
            closed = None
            if step in {"won", "lost"}:
                closed = created + timedelta(days=rng.randint(0, 60))
            _upsert(_record(key, client, created, step, closed))
        elif action == "log" or not logged:
            planned = rng.random() < 0.15
            entry = interaction_log(
                actor=client.manager,
                client=client,
                date=TODAY - timedelta(days=rng.randint(-30 if planned else 0, 300)),
                channel=rng.choice(["meeting", "visit", "call", "email"]),
                personal=True,
                tone="" if planned else "positive",
                planned=planned,
                confirm_pause=True,
            )
            if planned and rng.random() < 0.5:
                entry = interaction_complete(
                    actor=entry.author, interaction=entry, tone="neutral", confirm_pause=True
                )
            logged.append(entry)
        elif action == "edit":
            entry = rng.choice(logged)
            _edit(
                entry,
                date=TODAY - timedelta(days=rng.randint(0 if not entry.planned else -30, 300)),
                channel=rng.choice(["meeting", "visit", "call"]),
            )
        else:
            entry = logged.pop(rng.randrange(len(logged)))
            interaction_delete(actor=entry.author, interaction=entry)
    log = [
        (i.client_id, i.date)
        for i in Interaction.objects.all()
        if not i.planned and i.channel in {"meeting", "visit"}
    ]
    facts = []
    for deal in Deal.objects.all():
        assert deal.met_on == _expected_met_on(deal)
        end = deal.closed or TODAY
        met = any(c == deal.client_id and deal.created <= day <= end for c, day in log)
        if WINDOW["date_from"] <= deal.created <= WINDOW["date_to"]:
            facts.append(d.DealFacts(deal.manager_id, deal.reached, deal.status == "won", met))
    assert funnel_counts(viewer=company_viewer(), **WINDOW) == d.count_funnel(facts)
    assert deal_meetings_refresh() == 0  # nothing was left wrong
