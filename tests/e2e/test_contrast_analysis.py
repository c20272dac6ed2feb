"""A head of sales runs a contrast analysis in the browser: creates it, picks a proposed
dissatisfied client and a satisfied one with typed-in evidence, answers the questionnaire
with cause tags, and sees the Pareto table and chart of the synthesis."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from kam.reviews.models import Answer, Entry
from kam.testing import Org
from tests.e2e.test_client_card import _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_head_of_sales_runs_a_contrast_analysis(live_server: Any, page: Any, org: Org) -> None:
    _login(page, live_server.url, "supervisor_a")
    page.get_by_role("heading", name="Сегодня").wait_for()
    page.get_by_role("link", name="Контрастный анализ").click()
    page.get_by_label("Название").fill("Осенний разбор")
    page.get_by_label("Дата анализа").fill(timezone.localdate().strftime("%d.%m.%Y"))
    page.get_by_role("button", name="Создать").click()
    page.get_by_role("heading", name="Осенний разбор").wait_for()

    # KAM proposes the persona clients as dissatisfied (each has a complaint case).
    proposed = page.locator("#side-dissatisfied ul.candidates li", has_text=org.client_a1.name)
    assert "жалоб: 1" in proposed.inner_text()
    proposed.get_by_role("button", name="Добавить").click()
    page.locator("#side-dissatisfied ul.picked").get_by_text(org.client_a1.name).wait_for()

    # A satisfied client KAM did not propose: the evidence is typed in.
    page.get_by_label("Найти клиента").fill("Альфа-Два")
    page.get_by_role("button", name="Найти").click()
    found = page.locator("ul.found li", has_text=org.client_a2.name)
    found.get_by_label("Сторона").select_option("satisfied")
    found.get_by_label("Основание").fill("NPS 10 и три повторных заказа")
    found.get_by_role("button", name="Добавить").click()
    page.locator("#side-satisfied ul.picked").get_by_text(org.client_a2.name).wait_for()
    # Never on both sides: the picked client is no longer offered on the other side.
    assert page.locator("ul.candidates li", has_text=org.client_a2.name).count() == 0

    page.locator("#side-dissatisfied ul.picked").get_by_role(
        "link", name=org.client_a1.name
    ).click()
    page.get_by_role("heading", name=org.client_a1.name).wait_for()
    path = page.locator("#q-path")
    path.get_by_label("Задачи переданы правильно?").select_option("no")
    path.get_by_label("Ответ").fill("Склад узнал о сроке за день до отгрузки")
    path.get_by_label("Задача потерялась при передаче внутри компании").check()
    page.locator("#q-quality").get_by_label("Сорваны сроки поставки").check()
    page.get_by_role("button", name="Сохранить ответы").click()
    page.get_by_text("Ответы сохранены.").wait_for()

    answer = Answer.objects.get(entry__client=org.client_a1, question="path")
    assert answer.option == "no"
    assert [t.name_ru for t in answer.tags.all()] == [
        "Задача потерялась при передаче внутри компании"
    ]
    assert Entry.objects.get(client=org.client_a2).evidence_note == "NPS 10 и три повторных заказа"

    page.get_by_role("link", name="Осенний разбор").click()
    page.get_by_role("link", name="Синтез").click()
    table = page.locator("#pareto-dissatisfied table.pareto")
    table.wait_for()
    rows = table.locator("tbody tr")
    assert rows.count() == 2
    text = table.inner_text()
    assert "Сорваны сроки поставки" in text
    assert "50,0" in text  # each tag is one of two mentions
    assert "100,0" in text
    # The chart is drawn from the locally served plotly.
    page.locator("#chart-dissatisfied svg.main-svg").first.wait_for()
    assert "Исправить в первую очередь" in page.locator("#pareto-dissatisfied").inner_text()
