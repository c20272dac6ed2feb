"""Edge values in every query parameter of every GET route and API read, as every role: no 5xx.

The parameters of each route are found by watching which keys its view reads from the query
string on a plain request (forms, DRF serializers and hand parsing all go through QueryDict),
so a parameter added later is crawled without touching this file. Each parameter then gets
each boundary value on its own, so an early 400 on one cannot hide a 500 on another.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.http import QueryDict
from django.test import Client as HttpClient

from kam.testing import Org
from tests.access.routes import ROUTES
from tests.access.test_matrix import _urls

ROLES = ["anonymous", "manager_a1", "supervisor_a", "director", "admin", "superuser"]
EDGE_VALUES = [
    "",
    "0001-01-01",
    "9999-12-31",
    "99999999999999999999999999",
    "-1",
    "x" * 3000,
    "не-такой-выбор",
    "xlsx",
    "csv",
]
# Read by every page (middleware, language, the login redirect), not parameters of a route.
PROBE = "_probe"
IGNORED = {"csrfmiddlewaretoken", "urlencode", PROBE}


@contextmanager
def _watch_query_keys() -> Iterator[set[str]]:
    """Record every key looked up in any QueryDict while the block runs."""
    seen: set[str] = set()
    originals = {name: getattr(QueryDict, name) for name in ("get", "getlist", "__getitem__")}
    contains = QueryDict.__contains__

    def recording(name: str) -> Any:
        original = originals[name]

        def wrapper(self: QueryDict, key: str, *args: Any, **kwargs: Any) -> Any:
            seen.add(key)
            return original(self, key, *args, **kwargs)

        return wrapper

    def recording_contains(self: QueryDict, key: object) -> bool:
        if isinstance(key, str):
            seen.add(key)
        return contains(self, key)

    try:
        for name in originals:
            setattr(QueryDict, name, recording(name))
        QueryDict.__contains__ = recording_contains  # type: ignore[method-assign,assignment]
        yield seen
    finally:
        for name, original in originals.items():
            setattr(QueryDict, name, original)
        QueryDict.__contains__ = contains  # type: ignore[method-assign]


@pytest.mark.parametrize("role", ROLES)
def test_edge_values_in_every_query_parameter_never_give_a_5xx(
    org: Org, role: str, drill_figures: Any
) -> None:
    http = HttpClient(raise_request_exception=False)
    user = org.persona(role)
    if user is not None:
        http.force_login(user)
    failures: list[str] = []
    requests = parameters = 0
    for name, route in sorted(ROUTES.items()):
        if "GET" not in route.methods or name == "accounts:logout":
            continue
        for url, _key in _urls(org, name, route)[:1]:
            with _watch_query_keys() as keys:
                http.get(url)
                # A non-empty query string binds the forms (`request.GET or None`), whose
                # fields are read only then.
                http.get(url, {PROBE: "1"})
            params = sorted(keys - IGNORED)
            parameters += len(params)
            for param in params:
                for value in EDGE_VALUES:
                    status = http.get(url, {param: value}).status_code
                    requests += 1
                    if status >= 500:
                        failures.append(f"{role} GET {url}?{param}={value[:20]!r}: {status}")
    drill_figures(
        f"DRILL edge-values role={role} parameters={parameters} requests={requests} "
        f"server_errors={len(failures)}"
    )
    assert not failures, "\n".join(failures)
