"""Regression of the probe's 500: the complaint-case download as XLSX, for every role."""

from __future__ import annotations

import io

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from openpyxl import load_workbook

from kam.testing import Org

pytestmark = pytest.mark.django_db

ROLES = ["manager_a1", "supervisor_a", "director", "admin"]


def _http(org: Org, persona: str) -> HttpClient:
    http = HttpClient(raise_request_exception=False)
    user = org.persona(persona)
    assert user is not None
    http.force_login(user)
    return http


@pytest.mark.parametrize("persona", ROLES)
def test_cases_download_as_xlsx_for_every_role(org: Org, persona: str) -> None:
    from kam.playbooks.selectors import cases_for

    response = _http(org, persona).get(reverse("playbooks:case-list"), {"format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.values)
    user = org.persona(persona)
    assert user is not None
    assert len(rows) - 1 == cases_for(user).count() > 0
    opened = rows[1][2]
    assert opened is not None
    assert opened.tzinfo is None
