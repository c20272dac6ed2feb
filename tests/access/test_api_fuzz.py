"""Schemathesis over the OpenAPI schema (/api/schema/) as each role, bounded.

Every operation gets generated valid and invalid requests with the role's token; the checks
are schemathesis' own (no 5xx, documented status codes and shapes, invalid input refused,
valid input accepted) plus one of ours: a Russian request gets its error messages in Russian.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client as HttpClient
from hypothesis import HealthCheck, settings

from kam.accounts.services import token_for
from kam.testing import Org

ROLES = ["manager_a1", "supervisor_a", "director"]
EXAMPLES = 5
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def _schema() -> dict[str, Any]:
    """The schema /api/schema/ serves, built without a request (it needs no data)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    raw = SchemaGenerator().get_schema(request=None, public=True)
    return dict(json.loads(OpenApiJsonRenderer().render(raw)))


schema = schemathesis.openapi.from_dict(_schema())
schema.app = WSGIHandler()


def _messages(body: Any) -> list[str]:
    if isinstance(body, str):
        return [body]
    if isinstance(body, list):
        return [m for item in body for m in _messages(item)]
    if isinstance(body, dict):
        return [m for item in body.values() for m in _messages(item)]
    return []


def errors_in_the_request_language(ctx: Any, response: Any, case: Any) -> bool | None:
    """A 4xx answer to a Russian request explains itself in Russian."""
    if not 400 <= response.status_code < 500:
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    english = [m for m in _messages(body) if LATIN_WORD.search(m) and not CYRILLIC.search(m)]
    assert not english, f"English error text for a Russian request: {english}"
    return True


def test_served_schema_is_the_one_fuzzed(org: Org) -> None:
    http = HttpClient()
    http.force_login(org.manager_a1)
    served = http.get("/api/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert served.status_code == 200
    assert sorted(json.loads(served.content)["paths"]) == sorted(_schema()["paths"])


# The operations and roles already counted (an item's examples all run in one process).
COUNTED: set[tuple[str, str]] = set()


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """Schemathesis calls the WSGI handler directly, whose request signals would close the
    test's database connection (inside its transaction) on PostgreSQL; Django's own test
    client disconnects them the same way."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples on every run: a CI failure is reproducible
    suppress_health_check=list(HealthCheck),
)
def test_api_as_each_role(case: Any, role: str, org: Org, drill_tally: Any) -> None:
    user = org.persona(role)
    assert user is not None
    key = (case.operation.label, role)
    drill_tally("schemathesis", operation_roles=int(key not in COUNTED), requests=1)
    COUNTED.add(key)
    case.call_and_validate(
        headers={"Authorization": f"Token {token_for(user=user)}", "Accept-Language": "ru"},
        additional_checks=[errors_in_the_request_language],
    )
