"""Health settings show and take fractions the Russian way («2,5», not «2.50»)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from kam.health.models import HealthSettings
from kam.testing import Org

pytestmark = pytest.mark.django_db


def test_health_settings_decimal_comma(org: Org) -> None:
    http = HttpClient()
    http.force_login(org.admin)
    html = http.get(reverse("health:settings")).content.decode()
    assert 'name="stop_multiple" value="3"' in html
    assert "3.0" not in html
    data = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', html))
    data.pop("csrfmiddlewaretoken", None)
    data.update({"stop_multiple": "2,5", "share_drop_pp": "7,25"})
    response = http.post(reverse("health:settings"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = HealthSettings.objects.get()
    assert (saved.stop_multiple, saved.share_drop_pp) == (Decimal("2.5"), Decimal("7.25"))
    again = http.get(reverse("health:settings")).content.decode()
    assert 'name="stop_multiple" value="2,5"' in again
    assert 'name="share_drop_pp" value="7,25"' in again
