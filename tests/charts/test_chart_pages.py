"""Every chart page hands its figures the page language's months, separators and amounts."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Sum
from django.test import Client as HttpClient
from django.utils import timezone

from kam.portfolio.models import RevenueRecord
from kam.relations.models import BankEntry
from kam.surveys.models import Answer, Respondent
from kam.testing import Org

NBSP = "\u00a0"
FIG = re.compile(r'<script id="fig-([a-z]+)" type="application/json">(.*?)</script>', re.S)


def _figures(http: HttpClient, url: str) -> dict[str, dict[str, Any]]:
    response = http.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert "vendor/plotly/plotly-basic.min.js" in html, url  # the partial bundle, not 4.8 MB
    found = {name: json.loads(body) for name, body in FIG.findall(html)}
    assert found, url
    return found


@pytest.fixture
def company(org: Org) -> Org:
    today = timezone.localdate()
    RevenueRecord.objects.create(
        client=org.client_a1, date=today.replace(day=1), amount=Decimal(150_000_000)
    )
    RevenueRecord.objects.create(
        client=org.client_a2, date=today.replace(day=1), amount=Decimal(600_000_000)
    )
    respondent = Respondent.objects.filter(client=org.client_a1).get()
    Answer.objects.create(
        respondent=respondent,
        campaign=respondent.campaign,
        client=org.client_a1,
        score=0,
        channel="phone",
        answered_on=today.replace(day=1),
    )
    BankEntry.objects.create(
        client=org.client_a1,
        kind="deposit",
        weight=3,
        date=date(2026, 1, 10),
        note="Помогли с отгрузкой",
        author=org.manager_a1,
    )
    return org


def _pages(org: Org) -> list[str]:
    return [
        "/portfolio/",
        "/relationships/",
        "/surveys/results/",
        f"/relationships/{org.client_a1.pk}/bank/",
    ]


def _axes(fig: dict[str, Any]) -> list[dict[str, Any]]:
    return [v for k, v in fig["layout"].items() if k.startswith(("xaxis", "yaxis"))]


def test_russian_chart_pages_carry_russian_months_separators_and_amounts(company: Org) -> None:
    http = HttpClient()
    http.force_login(company.director)
    for url in _pages(company):
        for name, fig in _figures(http, url).items():
            where = f"{url} {name}"
            assert fig["config"]["locale"] == "ru", where
            assert fig["config"]["locales"]["ru"]["format"]["shortMonths"][0] == "янв", where
            assert fig["layout"]["separators"] == "," + NBSP, where
            for axis in _axes(fig):
                assert axis["automargin"] is True, where
                assert axis["exponentformat"] == "none", where
                for text in axis.get("ticktext", []):
                    assert not re.search(r"\d[MkB]$", str(text)), (where, text)
    pareto = _figures(http, "/portfolio/")["pareto"]
    assert pareto["layout"]["yaxis"]["ticktext"][-1].endswith(NBSP + "млн")
    # The bars keep the true amounts (the org's own 1,000 of January is in the window too).
    largest = RevenueRecord.objects.filter(client=company.client_a2).aggregate(s=Sum("amount"))
    assert max(pareto["data"][0]["y"]) == float(largest["s"])
    assert pareto["layout"]["yaxis2"]["ticksuffix"] == "%"
    monthly = _figures(http, "/surveys/results/")["trend"]
    (bar,) = monthly["data"]
    assert bar["y"] == [-100.0]
    assert bar["text"] == ["n = 1"]
    assert "ориентировочно" in bar["name"]


def test_english_chart_pages_keep_english_formats(company: Org) -> None:
    company.director.language = "en"
    company.director.save(update_fields=["language"])
    http = HttpClient()
    http.force_login(company.director)
    figures = _figures(http, "/portfolio/")
    pareto = figures["pareto"]
    assert pareto["config"]["locale"] == "en"
    assert pareto["layout"]["separators"] == ".,"
    assert pareto["layout"]["yaxis"]["ticktext"][-1].endswith("M")
    assert "млн" not in json.dumps(figures, ensure_ascii=False)
    monthly = _figures(http, "/surveys/results/")["trend"]
    assert monthly["config"]["locales"]["en"]["format"]["shortMonths"][0] == "Jan"
    assert "indicative" in monthly["data"][0]["name"]
