"""Regressions of the schemathesis findings: the schema documents the errors the API gives,
schema-valid input is accepted, schema-violating input is refused, and a Russian request gets
its errors in Russian."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client as HttpClient

from kam.accounts.services import token_for
from kam.core.api import VISIBLE_TEXT
from kam.testing import Org


def _http(org: Org, language: str = "ru") -> HttpClient:
    token = token_for(user=org.manager_a1)
    return HttpClient(headers={"Authorization": f"Token {token}", "Accept-Language": language})


def _schema(org: Org) -> dict[str, Any]:
    http = HttpClient()
    http.force_login(org.manager_a1)
    return dict(json.loads(http.get("/api/schema/", {"format": "json"}).content))


def test_every_operation_documents_its_errors(org: Org) -> None:
    schema = _schema(org)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert "401" in codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if operation.get("parameters") or "requestBody" in operation:
                assert "400" in codes, (method, path)
    assert "404" in schema["paths"]["/api/v1/clients/"]["get"]["responses"]  # ?page=999


def test_required_text_says_it_needs_a_visible_character(org: Org) -> None:
    schemas = _schema(org)["components"]["schemas"]
    # The schema states the pattern in ECMAScript form (\u0000 for Python's \x00).
    stated = schemas["BankEntryInput"]["properties"]["note"]["pattern"]
    assert stated == VISIBLE_TEXT.replace("\\x00", "\\u0000")
    assert schemas["StageInput"]["properties"]["reason"]["pattern"] == stated
    pattern = re.compile(stated)
    assert [bool(pattern.search(t)) for t in ("Помог", " a\t", "   ", "a\x00", "")] == [
        True,
        True,
        False,
        False,
        False,
    ]
    url = f"/api/v1/clients/{org.client_a1.pk}/bank/"
    blank = _http(org).post(
        url, {"kind": "deposit", "weight": 2, "note": "   "}, content_type="application/json"
    )
    assert blank.status_code == 400
    assert blank.json() == {"note": ["Напишите хотя бы один видимый символ."]}
    ok = _http(org).post(
        url, {"kind": "deposit", "weight": 2, "note": "Помог"}, content_type="application/json"
    )
    assert ok.status_code == 201
    nul = _http(org).post(
        url,
        {"kind": "deposit", "weight": 2, "note": "По\u0000мог"},
        content_type="application/json",
    )
    assert nul.status_code == 400


def test_an_empty_page_number_is_refused(org: Org) -> None:
    response = _http(org).get("/api/v1/clients/", {"page": ""})
    assert response.status_code == 400
    assert response.json() == {"page": ["Укажите номер страницы."]}
    assert _http(org).get("/api/v1/clients/", {"page": "1"}).status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/surveys/results/", "/api/v1/portfolio/"])
@pytest.mark.parametrize("param", ["from", "to"])
def test_an_empty_date_parameter_is_refused(org: Org, url: str, param: str) -> None:
    response = _http(org).get(url, {param: ""})
    assert response.status_code == 400
    assert response.json() == {
        param: ["Укажите дату в виде ГГГГ-ММ-ДД или не передавайте параметр."]
    }


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/api/v1/clients/999999/", {"detail": "Не найдено."}),
        ("/api/v1/clients/not-a-number/", {"detail": "Не найдено."}),
        (
            "/api/v1/clients/?status=zzz",
            {"status": ["Допустимые значения: active, archived, all."]},
        ),
        (
            "/api/v1/surveys/results/?by=zzz",
            {"by": ["Допустимые значения: manager, segment, month, stage, campaign."]},
        ),
        (
            "/api/v1/surveys/results/?from=2026-13-01",
            {"from": ["Неправильный формат date. Используйте один из этих форматов: YYYY-MM-DD."]},
        ),
    ],
)
def test_errors_come_in_russian_as_json(org: Org, url: str, expected: dict[str, Any]) -> None:
    response = _http(org).get(url)
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == expected
    english = _http(org, "en")
    assert english.get(url).status_code == response.status_code


def test_bounds_the_wrong_way_round_are_swapped(org: Org) -> None:
    for url in ("/api/v1/surveys/results/", "/api/v1/portfolio/"):
        window = _http(org).get(url, {"from": "2026-05-01", "to": "2026-01-01"}).json()["window"]
        assert window == {"from": "2026-01-01", "to": "2026-05-01"}
