"""Deals pages: the funnel with the weak step, the scoped list, setup pages, the web import."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kam.accounts.models import User
from kam.clients.models import Client
from kam.deals.models import Deal, StageMapping
from kam.imports.models import ImportJob, JobStatus
from kam.testing import Org

pytestmark = pytest.mark.django_db


def _login(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def _deals(client: Client, *, total: int, met: int, won: int) -> None:
    """`total` deals created this month: `met` reached a meeting, `won` of those were won."""
    today = timezone.localdate()
    rows = []
    for i in range(total):
        is_won = i < won
        reached = i < met
        step = "won" if is_won else ("lost" if reached or i % 2 else "consultation")
        rows.append(
            Deal(
                client=client,
                manager_id=client.manager_id,
                title=f"Сделка {client.pk}-{i}",
                created=today - timedelta(days=1 + i % 20),
                closed=today if step in ("won", "lost") else None,
                status={"won": "won", "lost": "lost"}.get(step, "open"),
                stage=step,
                step=step,
                reached=3 if is_won else (1 if reached else 0),
            )
        )
    Deal.objects.bulk_create(rows)


def test_head_of_sales_sees_the_weak_step_and_only_the_team(org: Org) -> None:
    _deals(org.client_a1, total=60, met=15, won=6)  # 25% to a meeting, 40% of meetings won
    _deals(org.client_a2, total=60, met=3, won=1)  # 5% to a meeting
    _deals(org.client_b1, total=40, met=10, won=4)  # another team
    page = _login(org.supervisor_a).get(reverse("deals:funnel")).content.decode()
    assert 'data-weak-step="consultation_meeting"' in page
    assert "Тестов Manager_A1" in page
    assert "Тестов Manager_A2" in page
    assert "Manager_B1" not in page
    weak_row = page.split('data-manager="Тестов Manager_A2"')[1].split("</tr>")[0]
    assert "weak-step" in weak_row
    assert "<strong>5%</strong>" in weak_row  # one percent format everywhere


def test_deals_list_is_scoped_and_filtered(org: Org) -> None:
    _deals(org.client_a1, total=3, met=1, won=1)
    _deals(org.client_b1, total=2, met=0, won=0)
    http = _login(org.manager_a1)
    page = http.get(reverse("deals:deal-list")).content.decode()
    assert page.count('class="deal"') == 3
    assert "Маркер-B1" not in page
    won = http.get(reverse("deals:deal-list"), {"status": "won"}).content.decode()
    assert won.count('class="deal"') == 1
    met = http.get(reverse("deals:deal-list"), {"met": "no"}).content.decode()
    assert met.count('class="deal"') == 2
    # Another team's manager in the filter is not a choice: the form refuses it, no leak.
    other = http.get(reverse("deals:deal-list"), {"manager": org.manager_b1.pk})
    assert "Маркер-B1" not in other.content.decode()


def test_stage_map_page_is_for_admins_and_saves_folded_names(org: Org) -> None:
    assert _login(org.director).get(reverse("deals:stages-setup")).status_code == 403
    http = _login(org.admin)
    mappings = list(StageMapping.objects.all())
    data: dict[str, object] = {
        "form-TOTAL_FORMS": len(mappings) + 1,
        "form-INITIAL_FORMS": len(mappings),
    }
    for i, m in enumerate(mappings):
        data |= {f"form-{i}-id": m.pk, f"form-{i}-name": m.name, f"form-{i}-step": m.step}
        data[f"form-{i}-crm"] = m.crm
    n = len(mappings)
    data |= {f"form-{n}-name": "  Оплачено  ", f"form-{n}-step": "won", f"form-{n}-crm": ""}
    response = http.post(reverse("deals:stages-setup"), data)
    assert response.status_code == 302
    assert StageMapping.objects.get(folded="оплачено").step == "won"
    data[f"form-{n}-name"] = "ПЕРЕГОВОРЫ"  # already mapped under another spelling
    assert http.post(reverse("deals:stages-setup"), data).status_code == 400


def test_web_import_offers_the_mapping_and_checks_the_same_file_again(org: Org) -> None:
    http = _login(org.admin)
    content = (
        "ID;Название сделки;Бюджет;Ответственный;Дата создания;Дата закрытия;Этап сделки;"
        "Компания\n"
        "11;Квартира;5 000 000;Тестов Manager_A1;01.10.2025;05.10.2025;Оплачено;ООО «Вектор»\n"
        "12;Дом;9 000 000;Тестов Manager_A1;02.10.2025;не закрыта;Бронь;ООО «Вектор»\n"
    ).encode()
    upload = SimpleUploadedFile("deals.csv", content)
    response = http.post(
        reverse("imports:start"), {"kind": "deals", "preset": "auto", "file": upload}
    )
    assert response.status_code == 302
    job = ImportJob.objects.latest("id")
    assert job.status == JobStatus.INVALID
    page = http.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert 'id="stage-map"' in page
    assert "«Бронь», «Оплачено»" in page
    assert not Deal.objects.exists()
    # The form lists the names sorted: «Бронь» first.
    http.post(
        reverse("imports:job-stages", args=[job.pk]), {"stage_0": "proposal", "stage_1": "won"}
    )
    job.refresh_from_db()
    assert job.status == JobStatus.CHECKED, job.errors
    http.post(reverse("imports:job-confirm", args=[job.pk]))
    assert Deal.objects.get(external_id="11").status == "won"
    assert Deal.objects.get(external_id="12").step == "proposal"


def test_api_funnel_is_the_callers_scope(org: Org) -> None:
    _deals(org.client_a1, total=4, met=2, won=1)
    _deals(org.client_b1, total=2, met=1, won=1)
    data = _login(org.manager_a1).get(reverse("api:funnel")).json()
    assert data["team"]["consultation"] == 4
    assert [m["manager"] for m in data["managers"]] == ["Тестов Manager_A1"]
    everyone = _login(org.director).get(reverse("api:funnel")).json()
    assert everyone["team"]["consultation"] == 6
    bad = _login(org.director).get(reverse("api:funnel"), {"from": "2026-13-01"})
    assert bad.status_code == 400


def test_funnel_page_queries_do_not_grow_with_managers(
    org: Org, django_assert_max_num_queries: Any
) -> None:
    http = _login(org.director)
    _deals(org.client_a1, total=5, met=2, won=1)
    with CaptureQueriesContext(connection) as one:
        http.get(reverse("deals:funnel"))
    _deals(org.client_a2, total=5, met=2, won=1)
    _deals(org.client_b1, total=5, met=2, won=1)
    with django_assert_max_num_queries(len(one)):
        assert http.get(reverse("deals:funnel")).status_code == 200


def test_client_card_shows_the_deals_panel_and_today_the_idle_deals(org: Org) -> None:
    _deals(org.client_a1, total=3, met=1, won=1)
    Deal.objects.filter(client=org.client_a1, status="open").update(
        created=timezone.localdate() - timedelta(days=60)
    )
    http = _login(org.manager_a1)
    card = http.get(reverse("clients:client-detail", args=[org.client_a1.pk])).content.decode()
    assert 'id="deals"' in card
    assert 'data-deals="won"' in card
    assert 'data-deals="lost"' in card
    today = http.get(reverse("today")).content.decode()
    assert 'id="idle-deals"' in today
    assert f"Сделка {org.client_a1.pk}-2" in today  # the open one
    other = _login(org.manager_a2).get(reverse("today")).content.decode()
    assert 'id="idle-deals"' not in other


def test_deal_page_shows_the_deal_and_its_stage_history_to_those_who_see_the_client(
    org: Org,
) -> None:
    from datetime import date

    from kam.deals.models import DealStageChange
    from kam.relations.services import interaction_log

    deal = Deal.objects.create(
        client=org.client_a1,
        manager=org.manager_a1,
        title="Поставка станков",
        created=date(2025, 9, 1),
        closed=date(2025, 10, 20),
        status="lost",
        stage="Закрыто и не реализовано",
        step="lost",
        reached=1,
        loss_reason="Дорого",
    )
    for day, before, after, step, status in (
        (date(2025, 10, 20), "Переговоры", "Закрыто и не реализовано", "lost", "lost"),
        (date(2025, 9, 15), "Первичный контакт", "Переговоры", "meeting", "open"),
    ):
        DealStageChange.objects.create(
            deal=deal, date=day, stage_from=before, stage_to=after, step=step, status=status
        )
    url = reverse("deals:deal-detail", args=[deal.pk])
    page = _login(org.manager_a1).get(url).content.decode()
    assert '<dd id="deal-met-on">—</dd>' in page
    interaction_log(
        actor=org.manager_a1,
        client=org.client_a1,
        date=date(2025, 10, 1),
        channel="visit",
        personal=True,
        tone="positive",
    )
    page = _login(org.manager_a1).get(url).content.decode()
    assert '<dd id="deal-met-on">01.10.2025</dd>' in page
    assert "Поставка станков" in page
    assert "Дорого" in page
    rows = page.split('class="stage-change"')[1:]
    # Oldest first, as stored.
    assert [r.split("<td>")[1].split("</td>")[0] for r in rows] == ["15.09.2025", "20.10.2025"]
    assert "Первичный контакт" in rows[0]
    assert "Закрыто и не реализовано" in rows[1]
    # The supervisor sees it; a manager of another team does not even learn it exists.
    assert _login(org.supervisor_a).get(url).status_code == 200
    assert _login(org.manager_b1).get(url).status_code == 404
    # The list, the client card and the deal page link to each other.
    listing = _login(org.manager_a1).get(reverse("deals:deal-list")).content.decode()
    assert f'href="{url}"' in listing
    panel = reverse("clients:card-panel", args=[org.client_a1.pk, "deals"])
    card = _login(org.manager_a1).get(panel).content.decode()
    assert f'href="{url}"' in card
