"""The phone script says whom to call: the contact's name, position and number."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from kam.clients.models import Contact
from kam.surveys.models import Campaign
from kam.testing import Org

pytestmark = pytest.mark.django_db


def test_phone_script_shows_whom_to_call(org: Org) -> None:
    campaign = Campaign.objects.get(respondents__client=org.client_a1)
    url = reverse("surveys:phone", args=[campaign.pk, org.client_a1.pk])
    http = HttpClient()
    http.force_login(org.manager_a1)
    # No phone anywhere yet: the page says so and points to the card.
    empty = http.get(url).content.decode()
    assert 'id="whom-to-call"' in empty
    assert "нет номера телефона" in empty
    decision_maker = org.client_a1.contacts.get()
    Contact.objects.filter(pk=decision_maker.pk).update(
        phone="+7 495 123-45-67", position="Генеральный директор"
    )
    Contact.objects.create(client=org.client_a1, full_name="Борисов Олег", phone="+7 900 000-00-00")
    page = http.get(url).content.decode()
    block = page.split('id="whom-to-call"')[1].split("</div>")[0]
    assert decision_maker.full_name in block
    assert "Генеральный директор" in block
    assert 'href="tel:+7495123-45-67"' in block
    # The decision maker comes first.
    assert block.index(decision_maker.full_name) < block.index("Борисов Олег")
