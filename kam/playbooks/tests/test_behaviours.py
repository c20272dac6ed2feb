"""What KAM does by itself for each difficult type: each behaviour happens for a tagged client,
and not when the admin turns the type's behaviour off (so each test fails without it)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from kam.clients.models import Contact
from kam.playbooks.choices import CaseSource, TypeCode
from kam.playbooks.models import ComplaintCase, DifficultType, PlaybookSettings
from kam.playbooks.services import case_open, tag_add
from kam.portfolio.services import action_add, goal_add
from kam.relations.models import ChecklistTask
from kam.relations.selectors import cadence_rows
from kam.relations.services import interaction_log
from kam.testing import Org

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[True, False], ids=["on", "off"])
def behaviour_on(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


def _tag(org: Org, code: str, on: bool, note: str = "") -> None:
    DifficultType.objects.filter(code=code).update(behaviour_on=on)
    tag_add(actor=org.manager_a1, client=org.client_a1, type_code=code, note=note)


def _new_tasks(org: Org) -> list[str]:
    return list(
        ChecklistTask.objects.filter(client=org.client_a1)
        .exclude(title="Поздравить с юбилеем")
        .values_list("title", flat=True)
    )


def test_seven_fridays_minutes_after_every_contact_and_alternative_contact(
    org: Org, behaviour_on: bool
) -> None:
    _tag(org, TypeCode.SEVEN_FRIDAYS, behaviour_on)
    today = timezone.localdate()
    for day in (today - timedelta(days=1), today):
        interaction_log(
            actor=org.manager_a1,
            client=org.client_a1,
            date=day,
            channel="call",
            personal=True,
            tone="neutral",
        )
    titles = _new_tasks(org)
    minutes = [t for t in titles if "протокол" in t.lower() or "minutes" in t.lower()]
    alternative = [t for t in titles if "альтернативн" in t.lower() or "alternative" in t]
    if behaviour_on:
        assert len(minutes) == 2  # one per logged contact
        assert {today.strftime("%d.%m.%Y"), (today - timedelta(days=1)).strftime("%d.%m.%Y")} == {
            t.rsplit(" ", 1)[-1] for t in minutes
        }
        assert len(alternative) == 1  # the client has one contact; asked once
    else:
        assert titles == []


def test_seven_fridays_asks_no_alternative_when_there_is_one(org: Org) -> None:
    Contact.objects.create(client=org.client_a1, full_name="Второй контакт")
    _tag(org, TypeCode.SEVEN_FRIDAYS, True)
    interaction_log(
        actor=org.manager_a1,
        client=org.client_a1,
        date=timezone.localdate(),
        channel="call",
        personal=True,
        tone="neutral",
    )
    titles = _new_tasks(org)
    assert len(titles) == 1
    assert "альтернативн" not in titles[0].lower()


def test_scrooge_plan_items_carry_a_price_validity_reminder(org: Org, behaviour_on: bool) -> None:
    PlaybookSettings.objects.update_or_create(pk=1, defaults={"price_validity_days": 21})
    _tag(org, TypeCode.SCROOGE, behaviour_on)
    plan = org.client_a1.account_plan
    goal = goal_add(
        actor=org.manager_a1,
        plan=plan,
        title="Рост объёма",
        target_value=Decimal(5),
        due=timezone.localdate() + timedelta(days=90),
    )
    action_add(
        actor=org.manager_a1,
        goal=goal,
        title="Отправить КП",
        owner=org.manager_a1,
        due=timezone.localdate() + timedelta(days=10),
    )
    tasks = ChecklistTask.objects.filter(client=org.client_a1).exclude(title="Поздравить с юбилеем")
    if behaviour_on:
        until = timezone.localdate() + timedelta(days=21)
        assert [t.due for t in tasks] == [until, until]
        assert any("Отправить КП" in t.title for t in tasks)
        # The reminder is on the manager's Today once it is due.
        assert all(t.owner == org.manager_a1 for t in tasks)
    else:
        assert not tasks.exists()


def test_disloyal_cadence_is_shortened(org: Org, behaviour_on: bool) -> None:
    PlaybookSettings.objects.update_or_create(pk=1, defaults={"disloyal_cadence_percent": 50})
    today = timezone.localdate()
    one = type(org.client_a1).objects.filter(pk=org.client_a1.pk)
    _tag(org, TypeCode.DISLOYAL, behaviour_on)
    as_key = cadence_rows(one, today=today, key_ids={org.client_a1.pk})
    as_other = cadence_rows(one, today=today, key_ids=set())
    if behaviour_on:
        # A key account: half its 10 days; any other client: half the key-account cadence.
        assert [r.every_days for r in as_key] == [5]
        assert [r.every_days for r in as_other] == [5]
    else:
        assert [r.every_days for r in as_key] == [10]
        assert as_other == []  # no cadence at all for a client that is not key


def test_disloyal_contact_form_suggests_a_visit(org: Org, behaviour_on: bool) -> None:
    _tag(org, TypeCode.DISLOYAL, behaviour_on)
    http = HttpClient()
    http.force_login(org.manager_a1)
    html = http.get(reverse("clients:client-detail", args=[org.client_a1.pk])).content.decode()
    aside = html.split('id="playbook-aside-contact-form"')[1].split("</aside>")[0]
    assert ("Предпочитайте визит звонку" in aside) is behaviour_on


def test_whiner_risks_checklist_before_a_planned_meeting(org: Org, behaviour_on: bool) -> None:
    _tag(org, TypeCode.WHINER, behaviour_on)
    meeting = timezone.localdate() + timedelta(days=6)
    interaction_log(
        actor=org.manager_a1,
        client=org.client_a1,
        date=meeting,
        channel="meeting",
        personal=True,
        planned=True,
    )
    # A planned call is not a meeting: no risks checklist for it.
    interaction_log(
        actor=org.manager_a1,
        client=org.client_a1,
        date=meeting + timedelta(days=1),
        channel="call",
        personal=True,
        planned=True,
    )
    tasks = list(ChecklistTask.objects.filter(client=org.client_a1, title__icontains="риск"))
    if behaviour_on:
        assert [t.due for t in tasks] == [meeting - timedelta(days=1)]
        assert meeting.strftime("%d.%m.%Y") in tasks[0].title
    else:
        assert tasks == []


def test_brawler_complaint_by_voice_asks_for_it_in_writing(org: Org, behaviour_on: bool) -> None:
    _tag(org, TypeCode.BRAWLER, behaviour_on)
    case_open(client=org.client_a1, actor=org.manager_a1, source=CaseSource.LETTER, summary="x")
    assert not ChecklistTask.objects.filter(title__icontains="письменн").exists()
    case_open(client=org.client_a1, actor=org.manager_a1, source=CaseSource.CALL, summary="y")
    asked = ChecklistTask.objects.filter(client=org.client_a1, title__icontains="письменн")
    assert asked.exists() is behaviour_on


def test_brawler_contact_form_reminds_of_recording_consent(org: Org, behaviour_on: bool) -> None:
    _tag(org, TypeCode.BRAWLER, behaviour_on)
    http = HttpClient()
    http.force_login(org.manager_a1)
    html = http.get(reverse("clients:client-detail", args=[org.client_a1.pk])).content.decode()
    aside = html.split('id="playbook-aside-contact-form"')[1].split("</aside>")[0]
    assert ("нужно согласие клиента, полученное заранее" in aside) is behaviour_on


def test_our_blunder_opens_a_complaint_case_on_the_old_fault(org: Org, behaviour_on: bool) -> None:
    _tag(org, TypeCode.OUR_BLUNDER, behaviour_on, note="Сорвали поставку в 2019 году")
    cases = ComplaintCase.objects.filter(client=org.client_a1, source=CaseSource.PAST)
    if behaviour_on:
        case = cases.get()
        assert case.summary == "Сорвали поставку в 2019 году"
        assert case.owner == org.manager_a1
        assert case.next_due_at is not None
    else:
        assert not cases.exists()


@pytest.mark.parametrize(
    ("code", "needles"),
    [
        (TypeCode.LAZY, ["второй, более высокий контакт"]),
        (TypeCode.CONSERVATIVE, ["пробный заказ", "рекомендац"]),
        (TypeCode.SHOW_OFF, ["эксклюзивное предложение"]),
    ],
)
def test_tagging_suggests_the_next_moves(
    org: Org, behaviour_on: bool, code: str, needles: list[str]
) -> None:
    _tag(org, code, behaviour_on)
    titles = " | ".join(_new_tasks(org)).lower()
    for needle in needles:
        assert (needle in titles) is behaviour_on, (needle, titles)


def test_know_nothing_product_sheet_goes_with_the_next_contact(
    org: Org, behaviour_on: bool
) -> None:
    PlaybookSettings.objects.update_or_create(pk=1, defaults={"product_sheet": "Памятка-2026"})
    planned = timezone.localdate() + timedelta(days=4)
    interaction_log(
        actor=org.manager_a1,
        client=org.client_a1,
        date=planned,
        channel="meeting",
        personal=True,
        planned=True,
    )
    _tag(org, TypeCode.KNOW_NOTHING, behaviour_on)
    tasks = list(ChecklistTask.objects.filter(client=org.client_a1, title__contains="Памятка"))
    if behaviour_on:
        assert [t.due for t in tasks] == [planned]
        assert planned.strftime("%d.%m.%Y") in tasks[0].title
    else:
        assert tasks == []


def test_every_behaviour_is_stated_on_the_card(org: Org) -> None:
    http = HttpClient()
    http.force_login(org.manager_a1)
    DifficultType.objects.filter(code=TypeCode.SCROOGE).update(behaviour_on=False)
    for code in TypeCode.values:
        tag_add(actor=org.manager_a1, client=org.client_a1, type_code=code)
    html = http.get(reverse("clients:client-detail", args=[org.client_a1.pk])).content.decode()
    panel = html.split('id="playbook"')[1].split("</section>")[0]
    assert panel.count("Что делает KAM:") == 10
    assert panel.count("выключено администратором") == 1
