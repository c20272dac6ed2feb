"""A figure several panels of one page need is computed once per request, never kept longer."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from kam.core.memo import per_request
from kam.testing import Org

pytestmark = pytest.mark.django_db


def test_outside_a_request_every_call_computes() -> None:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert per_request("k", compute) == 1
    assert per_request("k", compute) == 2


def test_the_card_sums_the_company_revenue_once(org: Org) -> None:
    """The key-status and contact-log panels both need the company's revenue over the window;
    the card asks the database once, and a second request asks again."""
    http = HttpClient()
    http.force_login(org.manager_a1)
    url = org.client_a1.get_absolute_url()
    http.get(url)
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            assert http.get(url).status_code == 200
        company_sums = [
            q["sql"]
            for q in ctx.captured_queries
            if "SUM(" in q["sql"]
            and "portfolio_revenuerecord" in q["sql"]
            and "clients_client" in q["sql"]  # the company total joins the client's status
        ]
        assert len(company_sums) == 1, company_sums
