"""The ten types: their cards through the API and the pages, tagging with note, author, date,
removal and history, checklist ticks, the card wherever the client appears, admin editing."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import translation

from kam.accounts.models import User
from kam.playbooks.choices import TypeCode
from kam.playbooks.models import ChecklistTick, ClientTypeTag, DifficultType
from kam.playbooks.services import tag_add
from kam.surveys.models import Campaign
from kam.testing import Org

pytestmark = pytest.mark.django_db

CODES = [
    "know_nothing",
    "seven_fridays",
    "lazy",
    "scrooge",
    "disloyal",
    "whiner",
    "conservative",
    "show_off",
    "our_blunder",
    "brawler",
]


def _http(user: User | None) -> HttpClient:
    http = HttpClient()
    if user is not None:
        http.force_login(user)
    return http


def test_api_lists_the_ten_types_with_stable_codes(org: Org) -> None:
    data = _http(org.manager_a1).get(reverse("api:playbook-types")).json()
    assert sorted(t["code"] for t in data) == sorted(CODES)
    scrooge = next(t for t in data if t["code"] == "scrooge")
    assert scrooge["name"] == "Скрудж"
    assert "срок действия цены" in scrooge["advice"]
    assert len(scrooge["checklist"]) == 2
    assert set(scrooge) == {"code", "name", "advice", "checklist"}
    with translation.override("en"):
        english = _http(org.manager_a1).get(
            reverse("api:playbook-types"), HTTP_ACCEPT_LANGUAGE="en"
        )
    assert english.status_code == 200


def test_api_tags_and_untags_a_client_within_scope(org: Org) -> None:
    http = _http(org.manager_a1)
    url = reverse("api:client-types", args=[org.client_a1.pk])
    created = http.post(
        url, {"type": "scrooge", "note": "торгуется"}, content_type="application/json"
    )
    assert created.status_code == 201
    assert created.json()["difficult_types"] == [{"code": "scrooge", "name": "Скрудж"}]
    detail = http.get(reverse("api:client-detail", args=[org.client_a1.pk])).json()
    assert detail["difficult_types"] == [{"code": "scrooge", "name": "Скрудж"}]
    again = http.post(url, {"type": "scrooge"}, content_type="application/json")
    assert again.status_code == 400
    unknown = http.post(url, {"type": "nobody"}, content_type="application/json")
    assert unknown.status_code == 400
    assert "type" in unknown.json()
    foreign = http.post(
        reverse("api:client-types", args=[org.client_b1.pk]),
        {"type": "scrooge"},
        content_type="application/json",
    )
    assert foreign.status_code == 404
    assert _http(org.manager_b1).delete(f"{url}?type=scrooge").status_code == 404
    removed = http.delete(f"{url}?type=scrooge")
    assert removed.status_code == 200
    assert removed.json()["difficult_types"] == []
    assert http.delete(f"{url}?type=scrooge").status_code == 404
    tag = ClientTypeTag.objects.get(client=org.client_a1)
    assert (tag.note, tag.created_by, tag.removed_by) == (
        "торгуется",
        org.manager_a1,
        org.manager_a1,
    )
    assert tag.removed_at is not None


def test_tagging_through_the_card_with_history_and_ticks(org: Org) -> None:
    http = _http(org.manager_a1)
    card = reverse("clients:client-detail", args=[org.client_a1.pk])
    response = http.post(
        reverse("playbooks:tag-add", args=[org.client_a1.pk]),
        {"tag-type": "whiner", "tag-note": "Полчаса «а если»"},
    )
    assert response.status_code == 302
    html = http.get(card).content.decode()
    panel = html.split('id="playbook"')[1].split("</section>")[0]
    assert "Нытик" in panel
    assert "Полчаса «а если»" in panel
    assert org.manager_a1.display_name in panel
    bad = http.post(reverse("playbooks:tag-add", args=[org.client_a1.pk]), {"tag-type": "whiner"})
    assert bad.status_code == 400
    assert "У клиента уже есть этот тип." in bad.content.decode()
    item = DifficultType.objects.get(code="whiner").items.first()
    assert item is not None
    http.post(reverse("playbooks:tick", args=[org.client_a1.pk]), {"item": item.pk, "ticked": "1"})
    assert ChecklistTick.objects.filter(client=org.client_a1, item=item).exists()
    other = DifficultType.objects.get(code="lazy").items.first()
    assert other is not None
    refused = http.post(
        reverse("playbooks:tick", args=[org.client_a1.pk]), {"item": other.pk, "ticked": "1"}
    )
    assert refused.status_code == 400
    http.post(reverse("playbooks:tag-remove", args=[org.client_a1.pk]), {"type": "whiner"})
    html = http.get(card).content.decode()
    panel = html.split('id="playbook"')[1].split("</section>")[0]
    assert 'data-type="whiner"' not in panel
    history = panel.split("История типов")[1]
    assert "Нытик" in history
    assert "снят" in history


def test_the_card_shows_wherever_the_client_appears(org: Org) -> None:
    tag_add(actor=org.manager_a1, client=org.client_a1, type_code=TypeCode.SCROOGE, note="x")
    http = _http(org.manager_a1)
    card = http.get(reverse("clients:client-detail", args=[org.client_a1.pk])).content.decode()
    assert 'id="playbook-aside-contact-form"' in card
    today = http.get(reverse("today")).content.decode()
    section = today.split('id="difficult-today"')[1].split("</section>")[0]
    assert org.client_a1.name in section
    assert "Скрудж" in section
    campaign = Campaign.objects.get(respondents__client=org.client_a1)
    phone = http.get(reverse("surveys:phone", args=[campaign.pk, org.client_a1.pk]))
    assert 'id="playbook-aside-nps-phone"' in phone.content.decode()
    dossier = http.get(reverse("clients:dossier", args=[org.client_a1.pk])).content.decode()
    assert 'id="playbook-aside-dossier"' in dossier
    # An untagged client shows no card anywhere.
    other = _http(org.manager_a2)
    card2 = other.get(reverse("clients:client-detail", args=[org.client_a2.pk])).content.decode()
    assert "playbook-aside" not in card2
    assert 'id="difficult-today"' not in other.get(reverse("today")).content.decode()


def test_admin_edits_a_card_and_turns_its_behaviour_off(org: Org) -> None:
    url = reverse("playbooks:type-edit", args=["scrooge"])
    assert _http(org.manager_a1).get(url).status_code == 403
    http = _http(org.admin)
    kind = DifficultType.objects.get(code="scrooge")
    response = http.post(
        url,
        {
            "name_ru": "Скупой",
            "name_en": "Miser",
            "portrait_ru": kind.portrait_ru,
            "portrait_en": kind.portrait_en,
            "advice_ru": "Новый совет",
            "advice_en": "New advice",
            "checklist": "Пункт один | Item one\nПункт два | Item two\nПункт три",
        },
    )
    assert response.status_code == 302
    kind.refresh_from_db()
    assert (kind.name_ru, kind.behaviour_on) == ("Скупой", False)
    assert [i.text_ru for i in kind.items.filter(is_active=True)] == [
        "Пункт один",
        "Пункт два",
        "Пункт три",
    ]
    data = _http(org.manager_a1).get(reverse("api:playbook-types")).json()
    assert next(t for t in data if t["code"] == "scrooge")["name"] == "Скупой"


def test_admin_sets_the_sla_and_the_root_causes(org: Org) -> None:
    url = reverse("playbooks:setup")
    assert _http(org.supervisor_a).get(url).status_code == 403
    http = _http(org.admin)
    fields = {
        "save_settings": "1",
        "sla_listen_hours": "1",
        "sla_understand_hours": "2",
        "sla_solution_hours": "3",
        "sla_thank_hours": "4",
        "sla_act_hours": "5",
        "sla_diagnose_hours": "6",
        "disloyal_cadence_percent": "40",
        "price_validity_days": "14",
        "product_sheet": "",
    }
    assert http.post(url, fields).status_code == 302
    bad = http.post(url, {**fields, "sla_listen_hours": "0"})
    assert bad.status_code == 400
    assert http.post(url, {"add_cause": "1", "name_ru": "Логистика"}).status_code == 302
    from kam.playbooks.models import RootCause, playbook_settings

    assert playbook_settings().sla_hours()["act"] == 5
    cause = RootCause.objects.get(name_ru="Логистика")
    http.post(url, {"toggle_cause": cause.pk})
    cause.refresh_from_db()
    assert cause.is_active is False


def test_type_list_page(org: Org) -> None:
    html = _http(org.manager_a1).get(reverse("playbooks:type-list")).content.decode()
    for code in CODES:
        assert f'id="type-{code}"' in html
