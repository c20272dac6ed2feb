"""Charts in Russian, drawn by the browser: Russian months, «млн» instead of «M», nothing cut.

Screenshots of every chart page at 1440×900 and 390×844 go to /tmp/shots-charts/.
"""

from __future__ import annotations

import itertools
import os
import re
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from kam.calls.services import calls_import
from kam.portfolio.models import KeyAccountProfile, RevenueRecord
from kam.relations.models import BankEntry
from kam.surveys.models import Answer, Respondent
from kam.testing import Org
from tests.e2e.settle import close_quietly
from tests.e2e.test_client_card import _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("KAM_SHOTS_DIR", tempfile.gettempdir())) / "shots-charts"
RU_MONTHS = ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")
EN_MONTHS = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")
SI_SUFFIX = re.compile(r"\d\s?[MkGB]$")
# Every text plotly drew (ticks, axis titles, point labels, annotations, legend) with its box
# and the box of the chart's outer SVG.
TEXTS = r"""(root) => {
  const svg = root.querySelector('svg.main-svg').getBoundingClientRect();
  const shown = (t) => {
    const r = t.getBoundingClientRect();
    return t.textContent.trim() && r.width > 0 && r.height > 0;
  };
  const boxes = Array.from(root.querySelectorAll('svg text')).filter(shown)
    .map((t) => {
      const r = t.getBoundingClientRect();
      const g = t.closest('g[class]');
      const rotated = /rotate\((?!0[,)])/.test(t.getAttribute('transform') || '');
      return {text: t.textContent, cls: g ? g.getAttribute('class') : '', rotated,
              left: r.left, right: r.right, top: r.top, bottom: r.bottom};
    });
  return {svg: {left: svg.left, right: svg.right, top: svg.top, bottom: svg.bottom}, boxes};
}"""


@pytest.fixture
def company(org: Org) -> Org:
    today = timezone.localdate()
    first = today.replace(day=1)
    RevenueRecord.objects.create(client=org.client_a1, date=first, amount=Decimal(150_000_000))
    RevenueRecord.objects.create(client=org.client_a2, date=first, amount=Decimal(600_000_000))
    RevenueRecord.objects.create(client=org.client_b1, date=first, amount=Decimal(97_500_000))
    for client, potential in ((org.client_a1, 900_000_000), (org.client_a2, 650_000_000)):
        KeyAccountProfile.objects.update_or_create(
            client=client, defaults={"potential_3y": Decimal(potential)}
        )
    respondent = Respondent.objects.filter(client=org.client_a1).get()
    Answer.objects.create(
        respondent=respondent,
        campaign=respondent.campaign,
        client=org.client_a1,
        score=0,
        channel="phone",
        answered_on=first,
    )
    for month, weight in ((1, 3), (3, 2), (6, 4), (9, 1)):
        BankEntry.objects.create(
            client=org.client_a1,
            kind="deposit" if month != 6 else "withdrawal",
            weight=weight,
            date=date(today.year, month, 10),
            note="Помогли с отгрузкой",
            author=org.manager_a1,
        )
    files = [(f"w{i}.txt", _transcript(i, today).encode()) for i in range(0, 35, 7)]
    result = calls_import(actor=org.admin, files=files)
    assert not result.errors, result.errors
    return org


def _transcript(days_ago: int, today: date) -> str:
    day = today - timedelta(days=days_ago)
    return (
        f"ID: chart-{days_ago}\nДата: {day.isoformat()} 11:30\nСотрудник: manager_a1\n"
        "[00:00:00] Менеджер: Добрый день! Сколько комнат вам нужно?\n"
        "[00:00:04] Клиент: Две.\n"
        "[00:00:07] Менеджер: Что для вас самое главное в новой квартире?\n"
        "[00:00:15] Клиент: Тишина.\n"
    )


def _pages(org: Org) -> dict[str, str]:
    return {
        "portfolio": "/portfolio/",
        "relations": "/relationships/",
        "nps": "/surveys/results/",
        "bank": f"/relationships/{org.client_a1.pk}/bank/",
        "calls": f"/calls/managers/{org.manager_a1.pk}/",
    }


def _check_charts(page: Any, where: str) -> list[str]:
    """Every chart on the page: drawn, Russian, no SI suffix, no text outside its SVG."""
    ticks: list[str] = []
    plots = page.locator('div.plot[id^="chart-"]')
    assert plots.count() > 0, where
    for i in range(plots.count()):
        plot = plots.nth(i)
        plot.locator("svg.main-svg").first.wait_for()
        drawn = plot.evaluate(TEXTS)
        svg = drawn["svg"]
        assert drawn["boxes"], where
        for box in drawn["boxes"]:
            label = f"{where} {plot.get_attribute('id')} {box['cls']} «{box['text']}»"
            assert box["left"] >= svg["left"] - 1, label
            assert box["right"] <= svg["right"] + 1, label
            assert box["top"] >= svg["top"] - 1, label
            assert box["bottom"] <= svg["bottom"] + 1, label
            if "tick" in box["cls"]:
                ticks.append(box["text"])
                assert not SI_SUFFIX.search(box["text"]), label
                assert not EN_MONTHS.search(box["text"]), label
        _no_overlap(drawn["boxes"], f"{where} {plot.get_attribute('id')}")
    return ticks


def _no_overlap(boxes: list[dict[str, Any]], where: str) -> None:
    """Upright tick labels of one axis never run into each other."""
    for cls in ("xtick", "ytick", "y2tick"):
        same = sorted(
            (b for b in boxes if b["cls"] == cls and not b["rotated"]),
            key=lambda b: (b["left"], b["top"]),
        )
        for a, b in itertools.combinations(same, 2):
            apart = (
                a["right"] <= b["left"] + 0.5
                or b["right"] <= a["left"] + 0.5
                or a["bottom"] <= b["top"] + 0.5
                or b["bottom"] <= a["top"] + 0.5
            )
            assert apart, f"{where} {cls}: «{a['text']}» runs into «{b['text']}»"


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])
def test_russian_chart_pages_draw_russian_labels_inside_the_chart(
    live_server: Any, browser: Any, company: Org, width: int, height: int
) -> None:
    mobile = width < 600
    context = browser.new_context(
        locale="ru-RU",
        viewport={"width": width, "height": height},
        is_mobile=mobile,
        has_touch=mobile,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        _login(page, live_server.url, "director")
        page.get_by_role("heading", name="Сегодня").wait_for()
        SHOTS.mkdir(parents=True, exist_ok=True)
        ticks: dict[str, list[str]] = {}
        for name, path in _pages(company).items():
            page.goto(live_server.url + path)
            ticks[name] = _check_charts(page, f"{name}@{width}")
            for i, plot in enumerate(page.locator('div.plot[id^="chart-"]').all()):
                if mobile:  # a phone's page is looked at whole (element shots land askew)
                    break
                plot.screenshot(path=str(SHOTS / f"{name}-{i}-{width}x{height}.png"))
            page.screenshot(path=str(SHOTS / f"{name}-{width}x{height}.png"), full_page=True)
        # Calendar axes name the months in Russian.
        for name in ("nps", "bank", "calls"):
            assert any(m in t for t in ticks[name] for m in RU_MONTHS), (name, ticks[name])
        # Amounts in words: «600 млн», not «600M».
        assert any("млн" in t for t in ticks["portfolio"]), ticks["portfolio"]
        assert any(t.endswith("%") for t in ticks["portfolio"]), ticks["portfolio"]
        # The NPS month of one answer says so: n on the bar, the indicative legend entry.
        page.goto(live_server.url + "/surveys/results/")
        trend = page.locator("#chart-trend")
        trend.locator("svg.main-svg").first.wait_for()
        assert "n = 1" in (trend.locator("g.trace.bars").first.text_content() or "")
        assert "ориентировочно" in (trend.locator("g.legend").text_content() or "")
    finally:
        close_quietly(context)
