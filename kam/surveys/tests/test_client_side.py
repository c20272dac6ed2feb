"""What clients see (issue 19): the company's name and logo instead of «KAM», client wording on
the survey pages, a branded e-mail from the configured sender, the links page's CSV; and the
smaller wording fixes around surveys and settings."""

from __future__ import annotations

import base64
import csv
import io
import re
import struct
import zlib
from decimal import Decimal
from email.header import decode_header, make_header

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMultiAlternatives
from django.test import Client as HttpClient
from django.urls import reverse

from kam.accounts.models import User
from kam.clients.models import Client, Contact, ContactRole
from kam.core.models import Branding, branding, company_settings
from kam.portfolio.models import RevenueRecord
from kam.surveys.models import Answer, Campaign, Respondent
from kam.surveys.services import campaign_create, invite_employees, issue_links, token_hash
from kam.testing import Org

pytestmark = pytest.mark.django_db


def png(width: int = 40, height: int = 20, rgb: tuple[int, int, int] = (31, 78, 121)) -> bytes:
    """A real (tiny) PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def _http(user: User | None) -> HttpClient:
    http = HttpClient()
    if user is not None:
        http.force_login(user)
    return http


def _brand(http: HttpClient, **extra: object) -> HttpClient:
    data: dict[str, object] = {
        "company_name": "ООО «Ромашка»",
        "survey_from_email": "service@romashka.ru",
        "survey_subject": "",
        **extra,
    }
    response = http.post(reverse("settings-branding"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return http


def _campaign(org: Org) -> Campaign:
    return Campaign.objects.get(respondents__client=org.client_a1)


def _url(campaign: Campaign, token: str) -> str:
    return f"http://testserver/surveys/s/{campaign.pk}/{token}/"


# --- branding in settings -------------------------------------------------------------------


def test_admin_sets_name_logo_sender_and_the_logo_is_served_publicly(org: Org) -> None:
    http = _brand(_http(org.admin), logo_file=SimpleUploadedFile("logo.png", png(), "image/png"))
    row = branding()
    assert row.company_name == "ООО «Ромашка»"
    assert row.logo_type == "image/png"
    assert bytes(row.logo) == png()
    # The settings page shows the current logo; the logo answers without a login.
    assert (
        reverse("brand-logo", args=[row.logo_digest])
        in http.get(reverse("settings")).content.decode()
    )
    logo = _http(None).get(reverse("brand-logo", args=[row.logo_digest]))
    assert logo.status_code == 200
    assert logo["Content-Type"] == "image/png"
    assert logo["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in logo["Content-Security-Policy"]
    assert "immutable" in logo["Cache-Control"]
    assert logo.content == png()
    # Another digest (a replaced logo's old address, or a guess) is not found.
    assert _http(None).get(reverse("brand-logo", args=["0" * 64])).status_code == 404
    # Removing the logo.
    _brand(http, remove_logo="on")
    assert branding().logo_digest == ""
    assert _http(None).get(reverse("brand-logo", args=[row.logo_digest])).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "image/svg+xml",
        ),
        ("logo.png", b"<html><script>alert(1)</script></html>", "image/png"),
        ("logo.png", b"GIF89a" + b"\x00" * 20, "image/png"),
    ],
)
def test_a_logo_that_is_not_a_png_jpeg_or_webp_is_refused(
    org: Org, name: str, content: bytes, mime: str
) -> None:
    response = _http(org.admin).post(
        reverse("settings-branding"),
        {"company_name": "Ромашка", "logo_file": SimpleUploadedFile(name, content, mime)},
    )
    assert response.status_code == 400
    assert "Логотип должен быть изображением PNG, JPEG или WebP." in response.content.decode()
    assert branding().logo_digest == ""
    assert branding().company_name == ""  # nothing of the refused form is saved


def test_an_oversized_logo_is_refused(org: Org) -> None:
    big = png() + b"\x00" * (256 * 1024)
    response = _http(org.admin).post(
        reverse("settings-branding"),
        {"company_name": "Ромашка", "logo_file": SimpleUploadedFile("logo.png", big, "image/png")},
    )
    assert response.status_code == 400
    assert "Логотип больше 256 КБ." in response.content.decode()
    assert not Branding.objects.exclude(logo_digest="").exists()


def test_only_admins_change_branding(org: Org) -> None:
    for user in (org.director, org.supervisor_a, org.manager_a1):
        response = _http(user).post(reverse("settings-branding"), {"company_name": "Взлом"})
        assert response.status_code == 403
    assert branding().company_name == ""


# --- the public page ------------------------------------------------------------------------


def test_public_page_shows_the_company_not_kam_and_client_wording(org: Org) -> None:
    _brand(_http(org.admin), logo_file=SimpleUploadedFile("logo.png", png(), "image/png"))
    campaign = _campaign(org)
    token = issue_links(actor=org.manager_a1, campaign=campaign, link_url=_url)[0].token
    html = _http(None).get(reverse("surveys:link", args=[campaign.pk, token])).content.decode()
    assert "ООО «Ромашка»" in html
    assert reverse("brand-logo", args=[branding().logo_digest]) in html
    assert "KAM" not in html
    assert campaign.name not in html  # the internal campaign name stays internal
    for internal in ("Оценка клиента", "Спросите число", "0–10"):
        assert internal not in html
    assert "0 — точно не порекомендую" in html
    assert "10 — обязательно порекомендую" in html
    # Sending without a number: a client's message, not the manager's script.
    refused = _http(None).post(reverse("surveys:link", args=[campaign.pk, token]), {})
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "Пожалуйста, выберите число от 0 до 10." in text
    assert "Спросите" not in text


def test_a_number_chosen_in_the_email_is_preselected_not_saved(org: Org) -> None:
    campaign = _campaign(org)
    token = issue_links(actor=org.manager_a1, campaign=campaign, link_url=_url)[0].token
    url = reverse("surveys:link", args=[campaign.pk, token])
    html = _http(None).get(url, {"score": "7"}).content.decode()
    assert re.search(r'<input[^>]*value="7"[^>]*checked', html)
    assert not Answer.objects.filter(campaign=campaign).exists()


def test_phone_mode_keeps_the_managers_script_wording(org: Org) -> None:
    campaign = _campaign(org)
    http = _http(org.manager_a1)
    html = http.get(reverse("surveys:phone", args=[campaign.pk, org.client_a1.pk])).content
    assert "Оценка клиента, 0–10" in html.decode()
    refused = http.post(reverse("surveys:phone", args=[campaign.pk, org.client_a1.pk]), {})
    assert "Спросите число и выберите его: от 0 до 10." in refused.content.decode()


def test_enps_page_is_worded_for_the_employee_and_branded(org: Org) -> None:
    _brand(_http(org.admin))
    from datetime import date

    campaign = Campaign.objects.create(
        name="eNPS внутреннее имя",
        kind="employee",
        start=date(2026, 1, 1),
        end=date(2036, 12, 31),
        created_by=org.director,
    )
    html = _http(None).get(reverse("surveys:enps-link", args=[campaign.pk, "x" * 32])).content
    text = html.decode()
    assert "ООО «Ромашка»" in text
    assert "KAM" not in text
    assert "Насколько вероятно, что вы порекомендуете нашу компанию как место работы?" in text
    assert "0 — точно не порекомендую" in text
    assert "eNPS внутреннее имя" not in text


# --- the e-mail -----------------------------------------------------------------------------


def test_link_email_comes_from_the_company_with_a_client_subject(org: Org) -> None:
    _brand(_http(org.admin), logo_file=SimpleUploadedFile("logo.png", png(), "image/png"))
    contact = org.client_a1.contacts.get()
    contact.email = "lpr@example.com"
    contact.save()
    campaign = _campaign(org)
    token = issue_links(actor=org.manager_a1, campaign=campaign, link_url=_url)[0].token
    message = mail.outbox[0]
    sender = str(make_header(decode_header(message.from_email)))
    assert sender == "ООО «Ромашка» <service@romashka.ru>"
    assert message.subject == "ООО «Ромашка»: один вопрос о нашей работе"
    assert campaign.name not in message.subject
    assert campaign.name not in message.body
    assert token in message.body
    assert "0 — точно не порекомендую, 10 — обязательно порекомендую." in message.body
    assert isinstance(message, EmailMultiAlternatives)
    html, mime = str(message.alternatives[0][0]), message.alternatives[0][1]
    assert mime == "text/html"
    assert f"http://testserver/brand/logo/{branding().logo_digest}/" in html
    for n in range(11):  # each number opens the page with it chosen
        assert f"{_url(campaign, token)}?score={n}" in html
    assert "KAM" not in html
    assert "KAM" not in message.body


def test_subject_and_sender_default_sensibly_and_the_custom_subject_wins(
    org: Org, settings: object
) -> None:
    contact = org.client_a1.contacts.get()
    contact.email = "lpr@example.com"
    contact.save()
    _brand(_http(org.admin), survey_subject="Как мы работаем? Ответ за 10 секунд")
    issue_links(actor=org.manager_a1, campaign=_campaign(org), link_url=_url)
    assert mail.outbox[0].subject == "Как мы работаем? Ответ за 10 секунд"


# --- the links page -------------------------------------------------------------------------


def _decode_csv(href: str) -> list[list[str]]:
    prefix = "data:text/csv;charset=utf-8;base64,"
    assert href.startswith(prefix)
    text = base64.b64decode(href[len(prefix) :]).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_links_page_offers_the_links_as_csv_with_names_and_mail_status(org: Org) -> None:
    tricky = Client.objects.create(
        name='=HYPERLINK("http://evil.example","x")',
        normalized_name="hyperlink",
        inn="7728168971",
        manager=org.manager_a2,
    )
    person = Contact.objects.create(client=tricky, full_name="+Иван Петров", phone="+7 900 1")
    ContactRole.objects.create(contact=person, role="decision_maker")
    mailed = org.client_a1.contacts.get()
    mailed.email = "lpr@example.com"
    mailed.save()
    from datetime import date

    campaign = campaign_create(
        actor=org.supervisor_a,
        name="Волна весна — внутреннее",
        kind="client",
        start=date(2026, 1, 1),
        end=date(2036, 12, 31),
        audience="all",
        by_phone=False,
        by_link=True,
    )
    http = _http(org.supervisor_a)
    response = http.post(reverse("surveys:send-links", args=[campaign.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    href = re.search(r'id="links-csv" href="([^"]+)"', html)
    assert href is not None
    rows = _decode_csv(href.group(1).replace("&amp;", "&"))
    assert rows[0] == [
        "Клиент",
        "Контакт",
        "Телефон",
        "Эл. почта",
        "Отправлена письмом",
        "Персональная ссылка",
        "Действует до",
    ]
    by_client = {row[0]: row for row in rows[1:]}
    expected_clients = set(
        Respondent.objects.filter(campaign=campaign).values_list("client__name", flat=True)
    )
    assert {name.lstrip("'") for name in by_client} == expected_clients
    a1 = by_client[org.client_a1.name]
    assert a1[1:5] == [mailed.full_name, "", "lpr@example.com", "да"]
    # Formula injection: text starting with = or + is escaped for spreadsheets.
    evil = by_client["'" + tricky.name]
    assert evil[1:5] == ["'+Иван Петров", "'+7 900 1", "", "нет"]
    # The link in the file is the one that works, and only its hash is stored.
    token = a1[5].rstrip("/").rsplit("/", 1)[1]
    respondent = Respondent.objects.get(campaign=campaign, client=org.client_a1)
    assert respondent.token_hash == token_hash(token)
    assert respondent.contact == mailed
    assert Respondent.objects.filter(token_hash=token).count() == 0
    # Nothing is stored in plain: the page cannot be had again.
    again = http.post(reverse("surveys:send-links", args=[campaign.pk]))
    assert token not in again.content.decode()


def test_enps_invitations_come_from_the_configured_sender(org: Org) -> None:
    _brand(_http(org.admin))
    from datetime import date

    org.manager_a1.email = "m@example.com"
    org.manager_a1.save()
    campaign = Campaign.objects.create(
        name="eNPS",
        kind="employee",
        start=date(2026, 1, 1),
        end=date(2036, 12, 31),
        created_by=org.director,
    )
    invite_employees(actor=org.director, campaign=campaign, link_url=_url)
    assert mail.outbox
    assert all("service@romashka.ru" in m.from_email for m in mail.outbox)


# --- smaller wording ------------------------------------------------------------------------


def test_campaign_channels_are_listed_with_a_comma(org: Org) -> None:
    html = _http(org.supervisor_a).get(reverse("surveys:campaign-list")).content.decode()
    assert '<td class="channels">телефон, ссылки</td>' in html
    assert "телефон ссылки" not in html


def test_nps_breakdown_columns_all_have_headers(org: Org) -> None:
    html = _http(org.director).get(reverse("surveys:results"), {"by": "segment"}).content
    table = html.decode().split('id="groups"')[1]
    head = re.search(r"<thead><tr>(.*?)</tr></thead>", table, re.S)
    assert head is not None
    assert "<th></th>" not in head.group(1)
    assert "<th>Сегмент</th>" in head.group(1)


def test_users_list_calls_people_by_name_not_title(org: Org) -> None:
    html = _http(org.admin).get(reverse("accounts:user-list")).content.decode()
    head = re.search(r"<thead><tr>(.*?)</tr></thead>", html, re.S)
    assert head is not None
    assert "<th>Имя</th>" in head.group(1)
    assert "Название" not in head.group(1)


def test_settings_show_and_take_shares_in_percent_with_a_decimal_comma(org: Org) -> None:
    http = _http(org.admin)
    html = http.get(reverse("settings")).content.decode()
    assert 'name="key_share" value="10"' in html
    assert "0.1000" not in html
    assert "0,10" not in html
    form = re.findall(r'name="([a-z_]+)" value="([^"]*)"', html)
    data = {name: value for name, value in form if name != "csrfmiddlewaretoken"}
    data.update({"key_share": "12,5", "critical_share": "20", "mono_share": "50 %"})
    data["bank_negative_alert"] = "on"
    response = http.post(reverse("settings"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    saved = company_settings()
    assert saved.key_share == Decimal("0.125")
    assert saved.mono_share == Decimal("0.5")
    assert 'name="key_share" value="12,5"' in http.get(reverse("settings")).content.decode()
    # A share above 100 % is refused with a Russian message.
    data["key_share"] = "150"
    refused = http.post(reverse("settings"), data)
    assert refused.status_code == 400
    assert company_settings().key_share == Decimal("0.125")


def test_revenue_source_and_import_codes_are_words(org: Org) -> None:
    RevenueRecord.objects.filter(client=org.client_a1).update(source="demo")
    html = (
        _http(org.manager_a1)
        .get(reverse("clients:card-panel", args=[org.client_a1.pk, "revenue"]))
        .content.decode()
    )
    assert "демо-данные" in html
    assert ">demo<" not in html


def test_campaign_page_warns_while_the_company_is_not_named(org: Org) -> None:
    url = reverse("surveys:campaign-detail", args=[_campaign(org).pk])
    page = _http(org.admin).get(url).content.decode()
    assert 'id="brand-missing"' in page
    assert reverse("settings") + "#branding" in page
    assert "Попросите администратора" in _http(org.manager_a1).get(url).content.decode()
    _brand(_http(org.admin))
    assert 'id="brand-missing"' not in _http(org.admin).get(url).content.decode()
