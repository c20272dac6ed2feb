"""Stages, the emotional bank account and the checklist: database, pages, API and report."""

from __future__ import annotations

import html
import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from kam.accounts.models import User
from kam.cli import main
from kam.clients.models import Client
from kam.portfolio.services import revenue_create
from kam.relations.domain import BankEntry as PureEntry
from kam.relations.domain import EntryKind as PureKind
from kam.relations.domain import bank_balance, withdrawal_streak
from kam.relations.models import BankEntry, ChecklistTask, RelationshipStage, StageChange
from kam.relations.selectors import bank_account, relation_rows
from kam.relations.services import bank_entry_add, interaction_log, stage_set
from kam.testing import Org, build_org

pytestmark = pytest.mark.django_db


def _http(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def _stage(name: str) -> RelationshipStage:
    return RelationshipStage.objects.get(name=name)


def test_default_stages_and_catalogue_are_installed() -> None:
    names = list(RelationshipStage.objects.values_list("name", flat=True))
    assert names == [
        "Знакомство",
        "Ухаживание",
        "Первая сделка («свадьба»)",
        "Совместная жизнь",
        "Бес в ребро",
        "Зрелые отношения",
    ]
    crisis = _stage("Бес в ребро")
    assert crisis.is_crisis
    assert "конкурент" in crisis.advice
    assert len(_stage("Зрелые отношения").template_tasks) >= 5
    assert _stage("Знакомство").kam_stage == "exploratory"


entries_strategy = st.lists(
    st.tuples(
        st.sampled_from(["deposit", "withdrawal"]),
        st.integers(min_value=1, max_value=5),
        st.integers(min_value=0, max_value=20),
    ),
    min_size=0,
    max_size=12,
)


class BankProperties(HypothesisTestCase):
    """Balance = signed sum in any insertion order; the SQL run of withdrawals = the pure one."""

    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
    @given(entries=entries_strategy, order=st.randoms())
    def test_balance_and_streak(self, entries: list[tuple[str, int, int]], order: object) -> None:
        org = build_org()
        today = timezone.localdate()
        shuffled = list(entries)
        order.shuffle(shuffled)  # type: ignore[attr-defined]
        for kind, weight, days_ago in shuffled:
            bank_entry_add(
                actor=org.manager_a1,
                client=org.client_a1,
                kind=kind,
                weight=weight,
                note="x",
                on=today - timedelta(days=days_ago),
            )
        signed = sum(w if k == "deposit" else -w for k, w, _d in entries)
        pure = [
            PureEntry(kind=PureKind(e.kind), weight=e.weight, on=e.date)
            for e in BankEntry.objects.filter(client=org.client_a1).order_by("id")
        ]
        row = next(
            r for r in relation_rows(Client.objects.all()) if r.client.pk == org.client_a1.pk
        )
        assert row.balance == signed == bank_balance(pure)
        assert row.streak == withdrawal_streak(pure)
        account = bank_account(viewer=org.manager_a1, client_id=org.client_a1.pk)
        assert account.balance == signed
        if account.trend:
            assert account.trend[-1][1] == signed


def test_streak_alert_after_three_withdrawals_and_negative_balance(org: Org) -> None:
    today = timezone.localdate()
    for days, kind in ((10, "deposit"), (8, "withdrawal"), (5, "withdrawal")):
        bank_entry_add(
            actor=org.manager_a1,
            client=org.client_a1,
            kind=kind,
            weight=1,
            note=kind,
            on=today - timedelta(days=days),
        )
    assert bank_account(viewer=org.manager_a1, client_id=org.client_a1.pk).alerts == [
        "negative_balance"
    ]
    bank_entry_add(
        actor=org.manager_a1, client=org.client_a1, kind="withdrawal", weight=1, note="3rd"
    )
    account = bank_account(viewer=org.manager_a1, client_id=org.client_a1.pk)
    assert account.alerts == ["negative_balance", "withdrawal_streak"]
    card = _http(org.manager_a1).get(org.client_a1.get_absolute_url()).content.decode()
    assert 'id="bank-alert-withdrawal_streak"' in card


def test_api_bank_post_changes_balance_by_the_signed_weight(org: Org) -> None:
    stage_set(
        actor=org.manager_a1, client=org.client_a1, stage=_stage("Совместная жизнь"), reason="r"
    )
    http = _http(org.manager_a1)
    url = reverse("api:bank", args=[org.client_a1.pk])
    before = http.get(url).json()
    assert before == {"balance": 0, "alerts": [], "entries": []}
    body = {
        "kind": "withdrawal",
        "weight": 3,
        "date": timezone.localdate().isoformat(),
        "note": "n",
    }
    created = http.post(url, body, content_type="application/json")
    assert created.status_code == 201
    data = created.json()
    assert data["balance"] == -3
    entry = data["entries"][0]
    assert set(entry) == {"id", "kind", "weight", "stage", "date", "note", "author"}
    assert entry["stage"] == "Совместная жизнь"
    for bad in ({**body, "weight": 6}, {**body, "weight": 0}, {**body, "kind": "gift"}, {}):
        assert http.post(url, bad, content_type="application/json").status_code == 400
    future = {**body, "date": (timezone.localdate() + timedelta(days=3)).isoformat()}
    assert http.post(url, future, content_type="application/json").status_code == 400
    assert BankEntry.objects.count() == 1
    # The bank follows client visibility: the director reads it, another team does not.
    assert _http(org.director).get(url).json()["balance"] == -3
    assert _http(org.manager_b1).get(url).status_code == 404


def test_stage_change_on_the_card_shows_advice_and_offers_the_checklist(org: Org) -> None:
    http = _http(org.manager_a1)
    client = org.client_a1
    url = reverse("relations:stage-set", args=[client.pk])
    assert http.post(url, {"stage": _stage("Бес в ребро").pk}).status_code == 400
    response = http.post(
        url,
        {
            "stage": _stage("Бес в ребро").pk,
            "date": timezone.localdate().isoformat(),
            "reason": "Жалоба на сроки",
        },
    )
    assert response.status_code == 302
    card = http.get(client.get_absolute_url()).content.decode()
    assert 'id="stage-advice"' in card
    assert "конкурент" in card
    mature = _stage("Зрелые отношения")
    response = http.post(
        url, {"stage": mature.pk, "date": timezone.localdate().isoformat(), "reason": "Наладили"}
    )
    assert f"offer_checklist={mature.pk}" in response["Location"]
    card = http.get(response["Location"]).content.decode()
    assert 'id="checklist-offer"' in card
    template = reverse("relations:checklist-template", args=[client.pk])
    http.post(template, {"stage": mature.pk})
    tasks = ChecklistTask.objects.filter(client=client, kind="template")
    assert tasks.count() == len(mature.template_tasks)
    http.post(template, {"stage": mature.pk})  # open template tasks are not doubled
    assert ChecklistTask.objects.filter(client=client, kind="template").count() == tasks.count()
    assert StageChange.objects.filter(client=client).count() == 2
    api = http.get(reverse("api:stage", args=[client.pk])).json()
    assert api["current"]["stage"] == "Зрелые отношения"
    assert [h["stage"] for h in api["history"]] == ["Зрелые отношения", "Бес в ребро"]


def test_negative_contact_proposes_a_withdrawal_not_written_until_confirmed(org: Org) -> None:
    http = _http(org.manager_a1)
    client = org.client_a1
    response = http.post(
        reverse("relations:interaction-create", args=[client.pk]),
        {"date": timezone.localdate().isoformat(), "channel": "call", "tone": "negative"},
    )
    assert "propose=" in response["Location"]
    card = http.get(response["Location"]).content.decode()
    assert 'id="proposals"' in card
    assert "Негативный контакт" in card
    assert BankEntry.objects.count() == 0
    http.post(
        reverse("relations:bank-add", args=[client.pk]),
        {
            "kind": "withdrawal",
            "weight": "2",
            "note": "Негативный контакт",
            "date": timezone.localdate().isoformat(),
        },
    )
    assert BankEntry.objects.get().signed == -2


def test_proposals_for_pause_gap_and_dates(org: Org) -> None:
    from kam.relations.selectors import proposals_for

    today = timezone.localdate()
    client = org.client_a1  # key by revenue in the persona data
    interaction_log(
        actor=org.manager_a1,
        client=client,
        date=today - timedelta(days=20),
        channel="call",
        personal=True,
        tone="negative",
    )
    contact = client.contacts.get()
    contact.birthday = today.replace(year=1980) if (today.month, today.day) != (2, 29) else None
    contact.save()
    done = interaction_log(
        actor=org.manager_a1,
        client=client,
        date=today - timedelta(days=8),
        channel="meeting",
        personal=True,
        tone="positive",
        confirm_pause=True,
    )
    codes = [
        e.code for e in proposals_for(viewer=org.manager_a1, client=client, interaction_id=done.pk)
    ]
    # 12 days after the negative contact: inside the pause; no positive contact before: no gap.
    assert codes == ["pause-contact"]
    later = interaction_log(
        actor=org.manager_a1,
        client=client,
        date=today,
        channel="call",
        personal=False,
        tone="neutral",
    )
    codes = [
        e.code
        for e in proposals_for(
            viewer=org.manager_a1, client=client, interaction_id=later.pk, kept_plan=True
        )
    ]
    expected = ["kept-promise"] + (["date"] if contact.birthday else [])
    assert codes == expected


def test_feedback_task_after_a_won_deal(org: Org) -> None:
    revenue_create(
        actor=org.manager_a1, client=org.client_a1, date=date(2026, 3, 1), amount=Decimal(500)
    )
    revenue_create(
        actor=org.manager_a1, client=org.client_a1, date=date(2026, 3, 2), amount=Decimal(700)
    )
    tasks = ChecklistTask.objects.filter(client=org.client_a1, kind="feedback")
    assert tasks.count() == 1  # one open feedback task at a time
    assert "01.03.2026" in tasks.get().title


def test_api_checklist_and_today_tasks(org: Org) -> None:
    http = _http(org.manager_a1)
    url = reverse("api:checklist", args=[org.client_a1.pk])
    due = timezone.localdate().isoformat()
    created = http.post(url, {"title": "Позвонить", "due": due}, content_type="application/json")
    assert created.status_code == 201
    assert created.json()[0]["owner"]["id"] == org.manager_a1.pk
    foreign = {"title": "x", "owner": org.manager_b1.pk}
    assert http.post(url, foreign, content_type="application/json").status_code == 400
    assert (
        http.post(url, {"from_template": True}, content_type="application/json").status_code == 400
    )
    assert {t["title"] for t in http.get(url).json()} >= {"Позвонить"}
    today = http.get(reverse("today")).content.decode()
    assert "Позвонить" in today
    # The browser tab shows the page's name, not the tasks section's markup.
    title = re.search(r"<title>(.*?)</title>", today, re.S)
    assert title is not None
    assert html.unescape(title.group(1)).split() == ["Сегодня", "·", "KAM"]


def test_overview_and_setup_pages(org: Org) -> None:
    stage_set(actor=org.manager_a1, client=org.client_a1, stage=_stage("Бес в ребро"), reason="r")
    page = _http(org.director).get(reverse("relations:overview")).content.decode()
    assert "Бес в ребро" in page
    assert org.client_b1.name in page  # the director sees the company
    mine = _http(org.manager_b1).get(reverse("relations:overview")).content.decode()
    assert org.client_a1.name not in mine
    admin = _http(org.admin)
    setup = reverse("relations:stages-setup")
    form = admin.get(setup).context["formset"]
    data = {
        "form-TOTAL_FORMS": str(form.total_form_count()),
        "form-INITIAL_FORMS": str(form.initial_form_count()),
    }
    for i, sub in enumerate(form.forms):
        for name, field in sub.fields.items():
            value = sub.initial.get(name, field.initial)
            if value is None or value is False:
                continue
            data[f"form-{i}-{name}"] = "on" if value is True else str(getattr(value, "pk", value))
    data["form-0-name"] = "Первое знакомство"
    assert admin.post(setup, data).status_code == 302
    assert RelationshipStage.objects.filter(name="Первое знакомство").exists()
    assert _http(org.director).get(setup).status_code == 403


def test_report_relations_json(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    stage_set(actor=org.manager_a1, client=org.client_a1, stage=_stage("Бес в ребро"), reason="r")
    bank_entry_add(
        actor=org.manager_a1, client=org.client_a1, kind="withdrawal", weight=2, note="n"
    )
    assert main(["report", "relations", "--as", "manager_a1", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["as"] == "manager_a1"
    assert data["clients"] == [
        {
            "client": org.client_a1.name,
            "manager": org.manager_a1.display_name,
            "stage": "Бес в ребро",
            "balance": -2,
            "withdrawals_in_a_row": 1,
            "alerts": ["negative_balance"],
        }
    ]
    assert main(["report", "relations", "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["clients"]) == 3


def test_reports_as_xlsx(org: Org, tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    from pathlib import Path

    from openpyxl import load_workbook

    out = Path(str(tmp_path))
    bank_entry_add(
        actor=org.manager_a1, client=org.client_a1, kind="withdrawal", weight=1, note="n"
    )
    assert main(["report", "relations", "--format", "xlsx"]) == 2  # --out is required
    assert main(["report", "relations", "--format", "xlsx", "--out", str(out / "r.xlsx")]) == 0
    sheet = load_workbook(out / "r.xlsx")["Клиенты"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Клиент", "Менеджер", "Стадия", "Баланс", "Снятий подряд", "Тревоги")
    assert len(rows) == 4
    assert main(["report", "cadence", "--format", "xlsx", "--out", str(out / "c.xlsx")]) == 0
    book = load_workbook(out / "c.xlsx")
    assert book.sheetnames == ["Сводка", "Просрочено", "Пауза", "Пересмотр досье", "Даты"]
    assert book["Просрочено"].max_row == 4  # header + the three never-contacted key clients
    capsys.readouterr()


def test_overview_lists_agree_with_the_full_computation(org: Org) -> None:
    """The overview's short lists (lowest balances, alerts) are chosen in SQL; they must be
    the first rows of the full list sorted the same way, computed entry by entry in Python."""
    today = timezone.localdate()
    rng = [("deposit", 3), ("withdrawal", 2), ("withdrawal", 1), ("deposit", 1), ("withdrawal", 4)]
    for i in range(9):
        client = Client.objects.create(
            name=f"Банк {i}", normalized_name=f"банк {i % 4}", manager=org.manager_a1
        )
        for j in range(i % 6):
            kind, weight = rng[(i + j) % len(rng)]
            # Several entries on one day: the run follows the id order within a day.
            BankEntry.objects.create(
                client=client,
                kind=kind,
                weight=weight,
                note="n",
                date=today - timedelta(days=(j + 1) // 2),
                author=org.manager_a1,
            )
    clients = Client.objects.all()

    def pure(client: Client) -> tuple[int, int]:
        entries = [
            PureEntry(kind=PureKind(e.kind), weight=e.weight, on=e.date)
            for e in BankEntry.objects.filter(client=client).order_by("date", "id")
        ]
        return bank_balance(entries), withdrawal_streak(entries)

    expected = sorted(
        ((*pure(c), c.normalized_name, c.pk) for c in clients),
        key=lambda t: (t[0], t[2], t[3]),
    )
    lowest = relation_rows(clients, by_balance=True, limit=5)
    assert [(r.balance, r.streak, r.client.pk) for r in lowest] == [
        (b, s, pk) for b, s, _n, pk in expected[:5]
    ]
    from kam.core.models import company_settings

    limits = company_settings()
    assert limits.bank_negative_alert
    alerted = [t for t in expected if t[0] < 0 or t[1] >= limits.bank_withdrawal_streak]
    assert alerted, "the data should raise alerts"
    alerts = relation_rows(clients, alerts_only=True, by_balance=True, limit=3)
    assert [r.client.pk for r in alerts] == [t[3] for t in alerted[:3]]
    every = relation_rows(clients, alerts_only=True)
    assert {r.client.pk for r in every} == {t[3] for t in alerted}
