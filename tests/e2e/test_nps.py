"""NPS in the browser: a manager records a phone answer through the script; a client answers
through a personal link on a phone-sized screen."""

from __future__ import annotations

from typing import Any

import pytest

from kam.playbooks.models import ComplaintCase
from kam.surveys.models import Answer, Campaign
from kam.surveys.services import issue_links
from kam.testing import Org
from tests.e2e.test_client_card import _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_manager_records_a_phone_answer_via_the_script(
    live_server: Any, page: Any, org: Org
) -> None:
    campaign = Campaign.objects.get(respondents__client=org.client_a1)
    _login(page, live_server.url, "manager_a1")
    page.get_by_role("heading", name="Сегодня").wait_for()
    page.locator("#to-call").get_by_role("link", name="Позвонить").first.click()
    page.get_by_text("«Всё отлично» — это не 10").wait_for()
    # Sending without a number is refused: no default score.
    page.get_by_role("button", name="Записать ответ").click()
    page.get_by_text("Спросите число и выберите его: от 0 до 10.").wait_for()
    assert not Answer.objects.exists()
    page.locator("#score-form").get_by_label("4", exact=True).check()
    page.get_by_label("Комментарий (необязательно)").fill("Срывают сроки")
    page.get_by_role("button", name="Записать ответ").click()
    page.get_by_text("Ответ записан: 4.").wait_for()
    answer = Answer.objects.get()
    assert (answer.score, answer.campaign, answer.recorded_by) == (4, campaign, org.manager_a1)
    # A critic opens a complaint case for the manager.
    assert ComplaintCase.objects.filter(answer=answer, owner=org.manager_a1).exists()


def test_client_answers_through_a_link_on_a_phone(
    live_server: Any, mobile_page: Any, org: Org
) -> None:
    campaign = Campaign.objects.get(respondents__client=org.client_a1)
    issued = issue_links(
        actor=org.manager_a1,
        campaign=campaign,
        link_url=lambda c, t: f"{live_server.url}/surveys/s/{c.pk}/{t}/",
    )
    url = f"{live_server.url}/surveys/s/{campaign.pk}/{issued[0].token}/"
    response = mobile_page.goto(url)
    assert response is not None
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "no-store" in response.headers["cache-control"]
    mobile_page.get_by_text("Насколько вероятно, что вы порекомендуете нас").wait_for()
    width = mobile_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing wider than the phone
    mobile_page.get_by_label("9", exact=True).check()
    mobile_page.get_by_role("button", name="Отправить").click()
    mobile_page.get_by_role("heading", name="Спасибо!").wait_for()
    assert Answer.objects.get().score == 9
    mobile_page.goto(url)
    mobile_page.get_by_text("Ссылкой уже воспользовались").wait_for()
    assert Answer.objects.count() == 1
