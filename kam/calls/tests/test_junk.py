"""Junk in the calls pages' fields and files never produces a 500."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import reverse

from kam.calls.models import Call
from kam.testing import Org

JUNK = ["", "x" * 5000, "\x00", "-1", "9" * 40, "31.02.2026", "1e309", "NaN", "<b>"]
FIELDS = [
    "industry",
    "use",
    "technical",
    "personal",
    "motivation",
    "newcomer_questions_low",
    "newcomer_questions_high",
    "habit_weeks",
    "items-TOTAL_FORMS",
    "items-INITIAL_FORMS",
    "items-0-id",
    "items-0-weight",
    "items-0-threshold",
    "manager",
    "dry_run",
    "date_from",
    "date_to",
    "page",
    "from",
    "to",
]
FILES = [
    b"",
    b"\xff\xfe\x00\x00garbage",
    b"[1, 2, 3]",
    b'{"utterances": [{"speaker": {"a": 1}, "text": 5, "start": "x"}]}',
    b'{"call_id": 5, "start_time": 1700000000, "utterances": []}',
    "ID звонка;Расшифровка\n1;\n".encode(),
    "id;date\n1;2\n".encode("cp1251"),
    "Дата: 99.99.9999\nМенеджер: а?\n".encode(),
    "Длительность: много\nМенеджер: а?\n".encode(),
]


@pytest.mark.parametrize("junk", JUNK)
def test_pages_survive_junk(org: Org, junk: str) -> None:
    http = HttpClient()
    http.force_login(org.admin)
    payload = dict.fromkeys(FIELDS, junk)
    for name in ("calls:setup", "calls:upload"):
        assert http.post(reverse(name), payload).status_code < 500
        assert http.get(reverse(name), payload).status_code < 500
    for name in ("calls:call-list", "calls:team", "api:calls-report"):
        assert http.get(reverse(name), payload).status_code < 500
    assert http.get(reverse("calls:manager", args=[org.manager_a1.pk]), payload).status_code < 500


@pytest.mark.parametrize("data", FILES)
def test_upload_survives_junk_files(org: Org, data: bytes) -> None:
    http = HttpClient()
    http.force_login(org.admin)
    for name in ("junk.txt", "junk.json", "junk.csv"):
        upload = SimpleUploadedFile(name, data)
        response = http.post(reverse("calls:upload"), {"transcripts": [upload]})
        assert response.status_code == 400, (name, data)
    assert not Call.objects.exists()
