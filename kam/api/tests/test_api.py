"""API v1 skeleton: token auth, pagination, scoping, schema."""

from __future__ import annotations

from django.test import Client as HttpClient

from kam.accounts.models import User
from kam.accounts.services import token_for
from kam.clients.services import client_create
from kam.testing import Org


def _token_client(user: User) -> HttpClient:
    return HttpClient(headers={"Authorization": f"Token {token_for(user=user)}"})


def test_client_list_is_paginated_and_scoped(org: Org) -> None:
    for i in range(60):
        client_create(actor=org.manager_a1, name=f"API клиент {i}")
    http = _token_client(org.manager_a1)
    page1 = http.get("/api/v1/clients/").json()
    assert page1["count"] == 61
    assert len(page1["results"]) == 50
    assert page1["next"]
    names = {c["name"] for c in page1["results"]}
    assert org.client_b1.name not in names
    page2 = http.get("/api/v1/clients/?page=2").json()
    assert len(page2["results"]) == 11


def test_client_detail_shape(org: Org) -> None:
    http = _token_client(org.supervisor_a)
    body = http.get(f"/api/v1/clients/{org.client_a2.pk}/").json()
    assert body["name"] == org.client_a2.name
    assert body["inn"] == org.client_a2.inn
    assert body["manager"] == {"id": org.manager_a2.pk, "name": org.manager_a2.display_name}


def test_contacts_of_a_client_with_roles(org: Org) -> None:
    http = _token_client(org.manager_a1)
    body = http.get(f"/api/v1/clients/{org.client_a1.pk}/contacts/").json()
    assert body["results"][0]["roles"] == ["decision_maker"]
    assert http.get(f"/api/v1/clients/{org.client_b1.pk}/contacts/").status_code == 404


def test_bad_token_and_bad_page_are_clean_errors(org: Org) -> None:
    http = HttpClient()
    assert http.get("/api/v1/clients/", HTTP_AUTHORIZATION="Token nope").status_code == 401
    http = _token_client(org.manager_a1)
    assert http.get("/api/v1/clients/?page=999").status_code == 404
    assert http.get("/api/v1/clients/?page=abc").status_code == 404


def test_schema_lists_the_v1_routes(org: Org) -> None:
    http = _token_client(org.manager_a1)
    response = http.get("/api/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/clients/" in paths
    assert "/api/v1/clients/{client_id}/contacts/" in paths


def test_swagger_ui_is_served_locally_without_inline_scripts(org: Org) -> None:
    http = HttpClient()
    http.force_login(org.manager_a1)
    html = http.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()


def test_api_root_lists_every_endpoint_and_the_docs(org: Org) -> None:
    http = _token_client(org.manager_a1)
    root = http.get("/api/v1/")
    assert root.status_code == 200
    body = root.json()
    assert body["docs"] == "http://testserver/api/docs/"
    assert http.get(body["schema"].removeprefix("http://testserver")).status_code == 200
    listed = {e["path"]: e for e in body["endpoints"]}
    # The same paths and methods the OpenAPI schema documents (itself aside).
    schema = http.get("/api/schema/?format=json").json()["paths"]
    assert set(listed) | {"/api/v1/"} == set(schema)
    for path, entry in listed.items():
        assert set(entry["methods"]) == {m.upper() for m in schema[path]} - {"HEAD"}, path
        assert entry["description"], path
        assert "<" not in path
    assert listed["/api/v1/clients/{client_id}/dossier/"]["methods"] == ["GET", "PUT"]
    # Nothing is listed to a stranger.
    assert HttpClient().get("/api/v1/").status_code in {401, 403}
