"""The contrast-analysis API: scoped list, the full analysis cut to visible clients, schema."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient

from kam.accounts.services import token_for
from kam.reviews import services as svc
from kam.reviews.choices import Question
from kam.reviews.models import Analysis
from kam.reviews.tests.factories import AS_OF, client, tag
from kam.testing import Org

pytestmark = pytest.mark.django_db


def _api(user: Any) -> HttpClient:
    return HttpClient(headers={"Authorization": f"Token {token_for(user=user)}"})


def _analysis(org: Org) -> Analysis:
    analysis = svc.analysis_create(actor=org.director, name="Годовой разбор", as_of=AS_OF)
    late = tag("Сроки", "dissatisfied")
    for i, manager in enumerate((org.manager_a1, org.manager_b1)):
        entry = svc.entry_add(
            actor=org.director,
            analysis=analysis,
            client=client(f"Недовольный {i}", manager),
            side="dissatisfied",
            evidence_note="Претензия",
        )
        svc.answer_save(
            actor=org.director,
            entry=entry,
            question=Question.PATH,
            text="Потеряли срок",
            option="no",
            tags=[late],
        )
    return analysis


def test_list_is_scoped_by_author(org: Org) -> None:
    analysis = _analysis(org)
    listed = _api(org.director).get("/api/v1/reviews/").json()["analyses"]
    assert [a["id"] for a in listed] == [analysis.pk]
    assert listed[0]["dissatisfied"] == 2
    assert _api(org.supervisor_a).get("/api/v1/reviews/").json() == {"analyses": []}
    assert _api(org.supervisor_a).get(f"/api/v1/reviews/{analysis.pk}/").status_code == 404
    assert HttpClient().get("/api/v1/reviews/").status_code == 401


def test_detail_shape_and_pareto(org: Org) -> None:
    analysis = _analysis(org)
    body = _api(org.director).get(f"/api/v1/reviews/{analysis.pk}/").json()
    assert body["name"] == "Годовой разбор"
    assert body["as_of"] == AS_OF.isoformat()
    assert body["dissatisfied"] == 2
    assert body["hidden_clients"] == 0
    assert body["pareto"]["dissatisfied"]["rows"] == [
        {"tag": "Сроки", "count": 2, "share": 100.0, "cumulative": 100.0, "first": True}
    ]
    first = body["clients"][0]
    assert first["answers"]["path"] == {"option": "no", "text": "Потеряли срок", "tags": ["Сроки"]}
    assert first["evidence_note"] == "Претензия"


def test_schema_documents_the_routes(org: Org) -> None:
    http = HttpClient()
    http.force_login(org.manager_a1)
    paths = http.get("/api/schema/", {"format": "json"}).json()["paths"]
    assert "/api/v1/reviews/" in paths
    assert "404" in paths["/api/v1/reviews/{analysis_id}/"]["get"]["responses"]
