"""The dossier as a head of sales saw it (issue 19): «Добавить контакт» in the buying centre,
and a title that does not call every client a key account."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from kam.clients.models import Contact
from kam.clients.services import client_create
from kam.testing import Org

pytestmark = pytest.mark.django_db


def _http(org: Org) -> HttpClient:
    http = HttpClient()
    http.force_login(org.manager_a1)
    return http


def test_buying_centre_adds_a_contact_from_the_dossier(org: Org) -> None:
    http = _http(org)
    url = reverse("clients:dossier", args=[org.client_a1.pk])
    page = http.get(url).content.decode()
    centre = page.split('id="buying-centre"')[1].split("</section>")[0]
    assert "Добавить контакт" in centre
    assert 'name="attitude"' in centre  # the dossier's fields are there too
    create = reverse("clients:contact-create", args=[org.client_a1.pk])
    saved = http.post(
        create,
        {
            "from": "dossier",
            "next": f"{url}#buying-centre",
            "full_name": "Смирнова Анна",
            "roles": ["gatekeeper"],
            "attitude": "positive",
            "influence": "medium",
        },
    )
    assert saved.status_code == 302
    assert saved["Location"] == f"{url}#buying-centre"
    contact = Contact.objects.get(full_name="Смирнова Анна")
    assert contact.role_codes == ["gatekeeper"]
    assert contact.attitude == "positive"
    bad = http.post(create, {"from": "dossier", "full_name": "", "email": "nope"})
    assert bad.status_code == 400
    assert 'id="buying-centre"' in bad.content.decode()


def test_dossier_title_says_key_account_only_for_key_accounts(org: Org) -> None:
    http = _http(org)
    fresh = client_create(actor=org.manager_a1, name="Без Выручки", manager=org.manager_a1)
    page = http.get(reverse("clients:dossier", args=[fresh.pk])).content.decode()
    assert "<h1>Досье клиента</h1>" in page
    assert "Досье ключевого клиента" not in page
    status = page.split('id="dossier-key-status"')[1].split("</section>")[0]
    assert "сейчас не ключевой" in status
    key = http.get(reverse("clients:dossier", args=[org.client_a1.pk])).content.decode()
    status = key.split('id="dossier-key-status"')[1].split("</section>")[0]
    assert "ключевой клиент" in status
    assert "сейчас не ключевой" not in status
