"""Regressions of the probe's 500s: NPS windows at the calendar's ends (page, API, CLI)."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from kam.surveys.domain import report_window
from kam.testing import Org

pytestmark = pytest.mark.django_db

ROLES = ["manager_a1", "supervisor_a", "director", "admin"]


def _http(org: Org, persona: str) -> HttpClient:
    http = HttpClient(raise_request_exception=False)
    user = org.persona(persona)
    assert user is not None
    http.force_login(user)
    return http


@pytest.mark.parametrize(
    ("query", "api_query"),
    [
        ({"date_to": "0001-01-01"}, {"to": "0001-01-01"}),
        ({"date_from": "9999-12-31"}, {"from": "9999-12-31"}),
        ({"date_from": "0001-01-01"}, {"from": "0001-01-01"}),
        ({"date_to": "9999-12-31"}, {"to": "9999-12-31"}),
        (
            {"date_from": "0001-01-01", "date_to": "9999-12-31"},
            {"from": "0001-01-01", "to": "9999-12-31"},
        ),
        ({"date_from": "9999-12-31", "date_to": "0001-01-01"}, {"from": "0001-01-01"}),
    ],
)
def test_nps_results_at_the_calendars_ends(
    org: Org, query: dict[str, str], api_query: dict[str, str]
) -> None:
    http = _http(org, "director")
    assert http.get(reverse("surveys:results"), query).status_code == 200
    api = http.get(reverse("api:nps-results"), api_query)
    assert api.status_code == 200
    window = api.json()["window"]
    assert window["from"] <= window["to"]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (None, None, (date(2025, 3, 3), date(2026, 3, 2))),
        (None, date(1, 1, 1), (date(1, 1, 1), date(1, 1, 1))),
        (None, date(1, 6, 1), (date(1, 1, 1), date(1, 6, 1))),
        (date(9999, 12, 31), None, (date(9999, 12, 31), date(9999, 12, 31))),
        (date(2026, 1, 1), None, (date(2026, 1, 1), date(2026, 3, 2))),
        (date(2026, 5, 1), date(2026, 1, 1), (date(2026, 1, 1), date(2026, 5, 1))),
    ],
)
def test_report_window(start: date | None, end: date | None, expected: tuple[date, date]) -> None:
    assert report_window(start, end, today=date(2026, 3, 2)) == expected


@pytest.mark.parametrize(
    ("args", "window"),
    [
        (["--to", "0001-01-01"], {"from": "0001-01-01", "to": "0001-01-01"}),
        (["--from", "9999-12-31"], {"from": "9999-12-31", "to": "9999-12-31"}),
    ],
)
def test_cli_nps_report_at_the_calendars_ends(
    org: Org, capsys: pytest.CaptureFixture[str], args: list[str], window: dict[str, str]
) -> None:
    import json

    from kam.cli import main

    assert main(["report", "nps", *args, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["window"] == window


def test_answers_of_a_campaign_ending_at_the_calendars_end(org: Org) -> None:
    from kam.surveys.models import Campaign

    campaign = Campaign.objects.get(respondents__client=org.client_a1)
    Campaign.objects.filter(pk=campaign.pk).update(end=date(9999, 12, 31))
    response = _http(org, "manager_a1").get(reverse("api:campaign-answers", args=[campaign.pk]))
    assert response.status_code == 200
