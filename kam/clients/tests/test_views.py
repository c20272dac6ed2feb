"""Client pages: list filters and search, card, forms with errors, archive, contacts."""

from __future__ import annotations

from django.test import Client as HttpClient
from django.urls import reverse

from kam.clients.choices import ClientStatus
from kam.clients.models import Client, Contact
from kam.clients.services import client_create
from kam.testing import Org


def _as(user: object) -> HttpClient:
    http = HttpClient()
    http.force_login(user)  # type: ignore[arg-type]
    return http


def test_search_finds_by_folded_name_and_inn(org: Org) -> None:
    http = _as(org.director)
    url = reverse("clients:client-list")
    html = http.get(url, {"q": "альфа-ОДИН"}).content.decode()
    assert org.client_a1.name in html
    assert org.client_a2.name not in html
    html = http.get(url, {"q": (org.client_b1.inn or "")[:6]}).content.decode()
    assert org.client_b1.name in html
    assert org.client_a1.name not in html


def test_filters_by_manager_and_segment(org: Org) -> None:
    http = _as(org.director)
    url = reverse("clients:client-list")
    html = http.get(url, {"manager": org.manager_a2.pk}).content.decode()
    assert org.client_a2.name in html
    assert org.client_a1.name not in html
    Client.objects.filter(pk=org.client_b1.pk).update(segment="state")
    html = http.get(url, {"segment": "state"}).content.decode()
    assert org.client_b1.name in html
    assert org.client_a1.name not in html


def test_junk_query_parameters_never_fail(org: Org) -> None:
    http = _as(org.manager_a1)
    url = reverse("clients:client-list")
    for params in (
        {"page": "abc"},
        {"page": "-5"},
        {"manager": "x"},
        {"sort": "';drop"},
        {"segment": "nope"},
        {"q": "x" * 5000},
        {"page": "99999"},
    ):
        assert http.get(url, params).status_code == 200, params


def test_sorting_by_name_descending(org: Org) -> None:
    html = _as(org.director).get(reverse("clients:client-list"), {"sort": "-name"}).content.decode()
    assert html.index(org.client_b1.name) < html.index(org.client_a1.name)


def test_pagination_splits_long_lists(org: Org) -> None:
    for i in range(55):
        client_create(actor=org.manager_a1, name=f"Клиент номер {i:03d}")
    http = _as(org.manager_a1)
    first = http.get(reverse("clients:client-list")).content.decode()
    second = http.get(reverse("clients:client-list"), {"page": 2}).content.decode()
    assert "Страница 1 из 2" in first
    assert "Клиент номер 054" in second
    assert "Клиент номер 054" not in first


def test_htmx_search_returns_only_the_results_fragment(org: Org) -> None:
    response = _as(org.manager_a1).get(
        reverse("clients:client-list"), {"q": "альфа"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">')
    assert "<html" not in html


def test_create_with_invalid_inn_shows_the_reason(org: Org) -> None:
    response = _as(org.manager_a1).post(
        reverse("clients:client-create"),
        {
            "name": "Новый",
            "inn": "1234567890",
            "segment": "small",
            "channel": "tender",
            "manager": org.manager_a1.pk,
        },
    )
    assert response.status_code == 200
    assert "Контрольные цифры ИНН не сходятся" in response.content.decode()
    assert not Client.objects.filter(name="Новый").exists()


def test_create_then_card(org: Org) -> None:
    response = _as(org.manager_a1).post(
        reverse("clients:client-create"),
        {
            "name": "ООО «Новый»",
            "inn": "7710140679",
            "segment": "small",
            "channel": "tender",
            "manager": org.manager_a1.pk,
        },
    )
    client = Client.objects.get(inn="7710140679")
    assert response["Location"] == client.get_absolute_url()
    html = _as(org.manager_a1).get(client.get_absolute_url()).content.decode()
    assert "Тендер" in html
    # The history panel is loaded after the card, from the fragment URL the card points to.
    panel_url = reverse("clients:card-panel", args=[client.pk, "history"])
    assert f'hx-get="{panel_url}"' in html
    history = _as(org.manager_a1).get(panel_url).content.decode()
    assert "создал(а)" in history  # the history shows the creation


def test_manager_picker_offers_only_assignable_people(org: Org) -> None:
    html = _as(org.manager_a1).get(reverse("clients:client-create")).content.decode()
    assert org.manager_a1.display_name in html
    assert f'value="{org.manager_b1.pk}"' not in html


def test_archived_clients_leave_the_list_and_can_be_restored(org: Org) -> None:
    http = _as(org.manager_a1)
    http.post(reverse("clients:client-archive", args=[org.client_a1.pk]))
    assert Client.objects.get(pk=org.client_a1.pk).status == ClientStatus.ARCHIVED
    html = http.get(reverse("clients:client-list")).content.decode()
    assert org.client_a1.name not in html
    html = http.get(reverse("clients:client-list"), {"status": "archived"}).content.decode()
    assert org.client_a1.name in html
    http.post(reverse("clients:client-restore", args=[org.client_a1.pk]))
    assert Client.objects.get(pk=org.client_a1.pk).status == ClientStatus.ACTIVE


def test_contact_form_errors_come_back_on_the_card(org: Org) -> None:
    response = _as(org.manager_a1).post(
        reverse("clients:contact-create", args=[org.client_a1.pk]),
        {"full_name": "", "email": "bad", "attitude": "positive", "influence": "high"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Обязательное поле." in html
    assert "<details open" in html


def test_contact_edit_and_remove(org: Org) -> None:
    contact = org.client_a1.contacts.get()
    http = _as(org.manager_a1)
    http.post(
        reverse("clients:contact-edit", args=[org.client_a1.pk, contact.pk]),
        {
            "full_name": "Новое Имя",
            "attitude": "negative",
            "influence": "low",
            "roles": ["opponent"],
            "birthday": "1980-02-29",
        },
    )
    contact = Contact.objects.get(pk=contact.pk)
    assert contact.full_name == "Новое Имя"
    assert contact.role_codes == ["opponent"]
    http.post(reverse("clients:contact-archive", args=[org.client_a1.pk, contact.pk]))
    html = http.get(org.client_a1.get_absolute_url()).content.decode()
    assert "Новое Имя" not in html  # the history (loaded apart) may still name it
    panel = reverse("clients:card-panel", args=[org.client_a1.pk, "history"])
    assert "Новое Имя" in http.get(panel).content.decode()


def test_revenue_with_decimal_comma_and_bad_amount(org: Org) -> None:
    http = _as(org.manager_a1)
    url = reverse("portfolio:revenue-create", args=[org.client_a1.pk])
    bad = http.post(url, {"date": "2026-02-30", "amount": "много"})
    assert bad.status_code == 400
    assert org.client_a1.revenue.count() == 1
    http.post(url, {"date": "2026-03-01", "amount": "1234,50"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert org.client_a1.revenue.filter(amount="1234.50").exists()


def test_admin_manages_users_and_blocks_reporting_loops(org: Org) -> None:
    http = _as(org.admin)
    response = http.post(
        reverse("accounts:user-edit", args=[org.director.pk]),
        {
            "username": "director",
            "is_director": "on",
            "is_supervisor": "on",
            "supervisor": org.supervisor_a.pk,
            "is_active": "on",
            "language": "ru",
        },
    )
    assert response.status_code == 200
    assert "замкнутая цепочка" in response.content.decode()
    org.director.refresh_from_db()
    assert org.director.supervisor is None
