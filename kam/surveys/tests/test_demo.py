"""The demo company presents itself by name on the pages its clients and employees open."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from kam.demo import load_demo
from kam.surveys.choices import CampaignKind
from kam.surveys.demo import DEMO_COMPANY
from kam.surveys.models import Campaign

pytestmark = pytest.mark.django_db


def test_demo_survey_pages_carry_the_demo_company_name() -> None:
    load_demo(clients=40)
    campaign = Campaign.objects.filter(kind=CampaignKind.EMPLOYEE).first()
    assert campaign is not None
    page = HttpClient().get(reverse("surveys:enps-link", args=[campaign.pk, "x" * 30]))
    assert page.status_code == 200
    assert DEMO_COMPANY in page.content.decode()
