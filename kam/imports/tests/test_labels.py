"""Import pages name formats and kinds in words, not as codes («generic», «clients»)."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from kam.imports.models import ImportJob
from kam.testing import Org

pytestmark = pytest.mark.django_db


def test_job_page_and_recent_list_show_words_not_codes(org: Org) -> None:
    job = ImportJob.objects.create(
        kind="clients",
        preset="generic",
        status="invalid",
        actor=org.admin,
        file_name="clients.csv",
        info={"format": "csv", "encoding": "utf-8", "delimiter": ";", "preset": "generic"},
    )
    http = HttpClient()
    http.force_login(org.admin)
    page = http.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "Таблица (Excel/CSV)" in page
    assert ": generic" not in page
    start = http.get(reverse("imports:start")).content.decode()
    recent = start.split("clients.csv", 1)[1]
    assert "<td>Клиенты</td>" in recent
    assert "<td>clients</td>" not in recent
