"""The client's side in the browser (issue 19): the branded survey page and e-mail at 1440×900
and on a phone, the 0–10 scale in two even rows on a phone, the links page's CSV download,
copy buttons and leave warning, and the Russian answer to a wrong method."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from kam.surveys.models import Answer, Campaign, Respondent
from kam.surveys.services import campaign_create, issue_links, token_hash
from kam.surveys.tests.test_client_side import png
from kam.testing import Org
from tests.e2e.settle import close_quietly
from tests.e2e.test_client_card import _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("KAM_SHOTS_DIR", Path(tempfile.gettempdir()) / "shots-survey"))
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _admin_brands_the_company(page: Any, base: str, tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(png(160, 48, (46, 109, 164)))
    _login(page, base, "admin")
    page.goto(f"{base}/settings/")
    form = page.locator("#branding-form")
    form.get_by_label("Название компании для клиентов").fill("ООО «Ромашка»")
    form.get_by_label("Адрес отправителя писем с опросом").fill("service@romashka.ru")
    form.get_by_label("Логотип (PNG, JPEG или WebP, до 256 КБ)").set_input_files(str(logo))
    form.get_by_role("button", name="Сохранить").click()
    page.get_by_text("Настройки для клиентов сохранены.").wait_for()
    assert page.locator("#branding img.brand-logo").evaluate("i => i.naturalWidth") == 160
    assert page.get_by_label("ключевой клиент: доля выше, %").input_value() == "10"
    _shot(page, "settings-desktop")


def _issue(org: Org, base: str) -> tuple[Campaign, str]:
    contact = org.client_a1.contacts.get()
    contact.email = "lpr@example.com"
    contact.save()
    campaign = Campaign.objects.get(respondents__client=org.client_a1)
    issued = issue_links(
        actor=org.manager_a1,
        campaign=campaign,
        link_url=lambda c, t: f"{base}/surveys/s/{c.pk}/{t}/",
    )
    return campaign, issued[0].token


def test_branded_survey_page_and_email_on_desktop_and_phone(
    live_server: Any, browser: Any, org: Org, tmp_path: Path
) -> None:
    base = live_server.url
    context = browser.new_context(locale="ru-RU", viewport=DESKTOP)
    admin = context.new_page()
    admin.set_default_timeout(10_000)
    _admin_brands_the_company(admin, base, tmp_path)
    close_quietly(context)
    campaign, token = _issue(org, base)
    url = f"{base}/surveys/s/{campaign.pk}/{token}/"
    message = mail.outbox[0]
    assert isinstance(message, EmailMultiAlternatives)
    html = str(message.alternatives[0][0])

    for label, viewport, mobile in (("desktop", DESKTOP, False), ("phone", PHONE, True)):
        ctx = browser.new_context(
            locale="ru-RU", viewport=viewport, is_mobile=mobile, has_touch=mobile
        )
        page = ctx.new_page()
        page.set_default_timeout(10_000)
        # The e-mail as a mail client shows it.
        page.set_content(html, wait_until="load")
        assert page.locator("img").evaluate("i => i.naturalWidth") == 160
        assert page.get_by_text("0 — точно не порекомендую").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        cells = [page.locator("#mail-scale a").nth(n).bounding_box() for n in range(11)]
        assert len({round(b["y"]) for b in cells}) == (2 if mobile else 1)
        assert min(b["width"] for b in cells) >= 44  # a finger-sized target even on a phone
        _shot(page, f"email-{label}")
        # The survey page.
        page.goto(url)
        page.get_by_text("Спасибо, что работаете с нами").wait_for()
        body = page.locator("body").inner_text()
        assert "KAM" not in body
        assert "ООО «Ромашка»" in body
        assert campaign.name not in body
        assert "Оценка клиента" not in body
        assert page.locator("img.public-logo").evaluate("i => i.naturalWidth") == 160
        assert page.get_by_text("0 — точно не порекомендую").is_visible()
        assert page.get_by_text("10 — обязательно порекомендую").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        boxes = [page.locator(".scale-cell").nth(n).bounding_box() for n in range(11)]
        tops = sorted({round(b["y"]) for b in boxes})
        widths = {round(b["width"]) for b in boxes}
        assert len(widths) == 1, widths  # every number gets the same cell
        if mobile:
            # Two even rows: 0–5 and 6–10, each cell a comfortable touch target.
            assert len(tops) == 2, tops
            assert [round(b["y"]) for b in boxes[:6]] == [tops[0]] * 6
            assert [round(b["y"]) for b in boxes[6:]] == [tops[1]] * 5
            assert boxes[0]["height"] >= 44
            assert boxes[0]["width"] >= 44
        else:
            assert len(tops) == 1, tops
        _shot(page, f"survey-{label}")
        ctx.close()

    # Choosing 8 in the e-mail opens the page with 8 chosen; the client sends it.
    ctx = browser.new_context(locale="ru-RU", viewport=PHONE, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    page.set_default_timeout(10_000)
    page.set_content(html, wait_until="load")
    page.get_by_role("link", name="8", exact=True).click()
    page.get_by_text("Спасибо, что работаете с нами").wait_for()
    assert not Answer.objects.exists()  # opening the page saved nothing
    assert page.get_by_label("8", exact=True).is_checked()
    page.get_by_label("Что главное повлияло на вашу оценку? (необязательно)").fill("Быстро")
    page.get_by_role("button", name="Отправить").click()
    page.get_by_role("heading", name="Спасибо!").wait_for()
    assert "ООО «Ромашка»" in page.locator("body").inner_text()
    _shot(page, "thanks-phone")
    ctx.close()
    answer = Answer.objects.get()
    assert (answer.score, answer.comment) == (8, "Быстро")


def test_sending_without_a_number_asks_the_client_politely(
    live_server: Any, mobile_page: Any, org: Org
) -> None:
    campaign, token = _issue(org, live_server.url)
    mobile_page.goto(f"{live_server.url}/surveys/s/{campaign.pk}/{token}/")
    mobile_page.get_by_role("button", name="Отправить").click()
    mobile_page.get_by_text("Пожалуйста, выберите число от 0 до 10.").wait_for()
    assert "Спросите" not in mobile_page.locator("body").inner_text()
    _shot(mobile_page, "survey-phone-error")
    assert not Answer.objects.exists()


def test_links_page_csv_copy_buttons_and_leave_warning(
    live_server: Any, browser: Any, org: Org
) -> None:
    base = live_server.url
    mailed = org.client_a1.contacts.get()
    mailed.email = "lpr@example.com"
    mailed.save()
    campaign = campaign_create(
        actor=org.supervisor_a,
        name="Волна весна",
        kind="client",
        start=date(2026, 1, 1),
        end=date(2036, 12, 31),
        audience="all",
        by_phone=False,
        by_link=True,
    )
    context = browser.new_context(locale="ru-RU", viewport=DESKTOP, accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    page = context.new_page()
    page.set_default_timeout(10_000)
    _login(page, base, "supervisor_a")
    page.goto(f"{base}/surveys/{campaign.pk}/")
    page.get_by_role("button", name="Создать и разослать ссылки").click()
    page.get_by_role("heading", name="Персональные ссылки").wait_for()
    rows = page.locator("#links tbody tr")
    assert rows.count() == Respondent.objects.filter(campaign=campaign).count() == 2
    _shot(page, "links-desktop")

    # Leaving before the download asks first (the click on the menu is the page's first
    # interaction); staying keeps the links on screen.
    dialogs: list[str] = []

    def stay(dialog: Any) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    page.get_by_role("link", name="Клиенты").click()
    assert dialogs == ["beforeunload"]
    assert page.url.endswith(f"/surveys/{campaign.pk}/links/")
    first_link = rows.nth(0).locator("input").input_value()
    page.remove_listener("dialog", stay)

    # A copy button puts that row's link on the clipboard.
    rows.nth(0).get_by_role("button", name="Скопировать").click()
    rows.nth(0).get_by_text("Скопировано").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == first_link
    page.get_by_role("button", name="Скопировать все").click()
    page.locator("#copy-all-status").get_by_text("Скопировано").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    for n in range(2):
        row = rows.nth(n)
        client = row.locator("td").first.inner_text()
        assert f"{client} — Контакт {client}: {row.locator('input').input_value()}" in copied

    # The CSV: names, e-mail status and the working links, made with the page.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Скачать ссылки (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"survey-links-{campaign.pk}-")
    text = Path(download.path()).read_bytes().decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert table[0][:5] == ["Клиент", "Контакт", "Телефон", "Эл. почта", "Отправлена письмом"]
    by_client = {row[0]: row for row in table[1:]}
    assert by_client[org.client_a1.name][2:5] == ["", "lpr@example.com", "да"]
    assert by_client[org.client_a2.name][4] == "нет"
    token = by_client[org.client_a1.name][5].rstrip("/").rsplit("/", 1)[1]
    assert Respondent.objects.get(campaign=campaign, client=org.client_a1).token_hash == (
        token_hash(token)
    )
    # After the download, leaving is not held up.
    page.on("dialog", stay)
    page.get_by_role("link", name="Клиенты").click()
    page.get_by_role("heading", name="Клиенты").wait_for()
    assert dialogs == ["beforeunload"]
    # The file lived only in that page: the hash is all that is kept.
    assert token not in str(list(Respondent.objects.values()))
    close_quietly(context)


def test_links_page_on_a_phone(live_server: Any, browser: Any, org: Org) -> None:
    base = live_server.url
    campaign = Campaign.objects.get(respondents__client=org.client_a1)
    context = browser.new_context(locale="ru-RU", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    _login(page, base, "supervisor_a")
    page.goto(f"{base}/surveys/{campaign.pk}/")
    page.get_by_role("button", name="Создать и разослать ссылки").click()
    page.get_by_role("link", name="Скачать ссылки (CSV)").wait_for()
    _shot(page, "links-phone")
    close_quietly(context)


def test_failed_campaign_form_then_reload_is_not_an_english_405(
    live_server: Any, page: Any, org: Org
) -> None:
    base = live_server.url
    _login(page, base, "supervisor_a")
    page.goto(f"{base}/surveys/")
    page.get_by_text("Новая кампания").click()
    page.locator("#campaign-form").get_by_role("button", name="Создать кампанию").click()
    page.locator("#campaign-form .error").first.wait_for()
    assert page.url.endswith("/surveys/new/")
    # Switching the language comes back to the address in the bar by GET.
    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", name="NPS and eNPS campaigns").wait_for()
    assert page.url.endswith("/surveys/")
    page.get_by_role("button", name="Русский").click()
    response = page.goto(f"{base}/surveys/new/")
    assert response is not None
    assert response.status == 200
    assert page.url.endswith("/surveys/")
    page.get_by_role("heading", name="Кампании NPS и eNPS").wait_for()
    # Any other page that only takes a form answers a wrong method in Russian.
    response = page.goto(f"{base}/surveys/{Campaign.objects.first().pk}/links/")  # type: ignore[union-attr]
    assert response is not None
    assert response.status == 405
    page.get_by_role("heading", name="Этот адрес не открывается как страница").wait_for()
    assert "Method Not Allowed" not in page.content()


def test_employee_enps_page_shares_the_branded_scale(
    live_server: Any, browser: Any, org: Org
) -> None:
    from kam.accounts.models import Department
    from kam.core.models import branding

    row = branding()
    row.company_name = "ООО «Ромашка»"
    row.save()
    for name in ("Логистика", "Бухгалтерия"):
        Department.objects.create(name=name)
    campaign = Campaign.objects.create(
        name="eNPS весна (внутреннее)",
        kind="employee",
        start=date(2026, 1, 1),
        end=date(2036, 12, 31),
        created_by=org.director,
    )
    url = f"{live_server.url}/surveys/e/{campaign.pk}/{'x' * 32}/"
    for label, viewport, mobile in (("desktop", DESKTOP, False), ("phone", PHONE, True)):
        ctx = browser.new_context(
            locale="ru-RU", viewport=viewport, is_mobile=mobile, has_touch=mobile
        )
        page = ctx.new_page()
        page.set_default_timeout(10_000)
        page.goto(url)
        page.get_by_role("heading", name="Анонимный вопрос").wait_for()
        body = page.locator("body").inner_text()
        assert "KAM" not in body
        assert "eNPS весна" not in body
        assert page.get_by_text("0 — точно не порекомендую").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        tops = {round(page.locator(".scale-cell").nth(n).bounding_box()["y"]) for n in range(11)}
        assert len(tops) == (2 if mobile else 1)
        _shot(page, f"enps-{label}")
        ctx.close()
