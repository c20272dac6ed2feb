"""A head of sales runs the ideal-profile workshop in the browser, from the first best client
to the five chosen traits, then scores a client and sees the action item."""

from __future__ import annotations

from typing import Any

import pytest

from kam.profiles.models import ActionItem, ProfileVersion
from kam.testing import Org
from tests.e2e.test_client_card import _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BEST = ["Доверяет нам", "Готов платить за ценность", "Выполняет договорённости"]
WORST = ["Медленно принимает решения", "Секретничает и не желает сотрудничать", "Жадный"]


def _pick(page: Any, name: str, kind: str) -> None:
    page.get_by_label("Найти клиента").fill(name)
    page.get_by_role("button", name="Найти").click()
    row = page.locator("ul.found li", has_text=name)
    row.get_by_role("button", name=kind).click()
    page.locator("#named").get_by_text(name).wait_for()


def _next(page: Any, heading: str) -> None:
    page.get_by_role("button", name="Следующий шаг").click()
    page.get_by_role("heading", name=heading).wait_for()


def test_head_of_sales_runs_the_workshop(live_server: Any, page: Any, org: Org) -> None:
    _login(page, live_server.url, "supervisor_a")
    page.get_by_role("heading", name="Сегодня").wait_for()
    page.get_by_role("link", name="Профиль клиента").click()
    page.get_by_role("link", name="Начать сессию").click()
    page.locator("#id_title").fill("Весенняя сессия")
    page.get_by_role("button", name="Начать").click()
    page.get_by_role("heading", name="Весенняя сессия").wait_for()

    _pick(page, org.client_a1.name, "Лучший")
    _pick(page, org.client_a2.name, "Худший")
    for kind, texts in (("лучший", BEST), ("худший", WORST)):
        for text in texts:
            page.get_by_label("Черта лучшего или худшего клиента").select_option(label=kind)
            page.locator("#id_text").fill(text)
            page.get_by_role("button", name="Добавить черту").click()
            page.locator("#traits").get_by_text(text, exact=False).first.wait_for()

    # A worst trait comes with its suggested opposite, which the team can rewrite.
    assert "Быстро принимает решения" in page.locator("#traits").inner_text()
    _next(page, "Черты")
    greedy = page.locator("#traits li", has_text="Жадный")
    greedy.get_by_label("Позитивная противоположность").fill("Ценит качество выше цены")
    greedy.get_by_role("button", name="Сохранить").click()
    page.locator("#traits").get_by_text("Ценит качество выше цены").wait_for()

    _next(page, "3. Один список: объедините повторы")
    _next(page, "4. Выберите пять самых важных черт")
    boxes = page.locator("#choose-form input[type=checkbox]")
    assert boxes.count() == 6
    for index in range(5):
        boxes.nth(index).check()
    first_id = boxes.nth(0).get_attribute("value")
    page.locator(f"#weight-{first_id}").fill("2")
    page.get_by_role("button", name="Сохранить выбор").click()
    page.get_by_text("Выбор сохранён.").wait_for()
    page.get_by_role("button", name="Сохранить профиль").click()
    page.get_by_text("Идеальный профиль сохранён как новая версия.").wait_for()

    version = ProfileVersion.objects.get()
    assert version.traits.count() == 5
    assert sorted(float(w) for w in version.traits.values_list("weight", flat=True)) == [
        1.0,
        1.0,
        1.0,
        1.0,
        2.0,
    ]

    # Score a client: a trait below zero becomes an action item on the fit page.
    page.get_by_role("link", name="Открыть профиль и оценить клиентов").click()
    page.get_by_role("heading", name="Версия 1").wait_for()
    page.goto(f"{live_server.url}/icp/clients/{org.client_a1.pk}/")
    traits = list(version.traits.all())
    page.get_by_label(traits[0].name).select_option("4")
    page.get_by_label(traits[1].name).select_option("-2")
    page.get_by_role("button", name="Сохранить оценки").click()
    page.get_by_text("Оценки сохранены").wait_for()
    fit = page.locator("#fit h2").inner_text()
    # Independent arithmetic: (2·4 + 1·(−2)) / (5·(2 + 1)) = 0.4 when the first trait weighs 2.
    weights = {t.name: float(t.weight) for t in traits}
    w0, w1 = weights[traits[0].name], weights[traits[1].name]
    expected = round((w0 * 4 + w1 * -2) / (5 * (w0 + w1)) * 100)
    assert f"{expected:+d}%" in fit
    assert ActionItem.objects.get().trait == traits[1]
    page.locator("#fit-actions").get_by_text(traits[1].name).wait_for()
