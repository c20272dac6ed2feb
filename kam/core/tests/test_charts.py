"""The chart helper: one locale, one number format and the same axis defaults for every chart."""

from __future__ import annotations

import itertools
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from kam.core import charts
from kam.core.staticfinders import BASIC, FULL, PREFIX, PlotlyFinder, full_root

NBSP = "\u00a0"


def _version(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(200).decode()
    found = re.search(r"plotly\.js .*?v(\d+\.\d+\.\d+)", head)
    assert found, head
    return found.group(1)


def _figure() -> charts.Figure:
    return charts.chart(
        [{"x": ["2026-01-01", "2026-02-01"], "y": [1, 2], "type": "bar"}],
        title="t",
        xaxis=charts.date_axis(),
        yaxis2={"overlaying": "y"},
    )


def test_russian_figure_names_months_in_russian_and_writes_a_decimal_comma() -> None:
    with translation.override("ru"):
        fig = _figure()
    fmt = fig["config"]["locales"]["ru"]["format"]
    assert fig["config"]["locale"] == "ru"
    assert fmt["shortMonths"][:3] == ["янв", "фев", "мар"]
    assert fmt["months"][0].lower() == "январь"
    assert fig["layout"]["separators"] == "," + NBSP
    text = json.dumps(fig, ensure_ascii=False)
    assert "Jan" not in text
    assert "January" not in text


def test_english_figure_keeps_english_months_and_a_decimal_point() -> None:
    with translation.override("en"):
        fig = _figure()
    fmt = fig["config"]["locales"]["en"]["format"]
    assert fig["config"]["locale"] == "en"
    assert fmt["shortMonths"][:3] == ["Jan", "Feb", "Mar"]
    assert fig["layout"]["separators"] == ".,"
    assert "янв" not in json.dumps(fig, ensure_ascii=False)


def test_every_axis_gets_automargin_and_no_si_suffixes() -> None:
    with translation.override("ru"):
        fig = _figure()
    for key in ("xaxis", "yaxis", "yaxis2"):
        axis = fig["layout"][key]
        assert axis["automargin"] is True, key
        assert axis["exponentformat"] == "none", key
    assert fig["layout"]["xaxis"]["type"] == "date"
    assert fig["layout"]["yaxis2"]["overlaying"] == "y"  # what the caller set is kept


def test_caller_settings_win_over_the_defaults() -> None:
    fig = charts.chart([], title="t", height=200, xaxis={"automargin": False}, margin={"t": 60})
    assert fig["layout"]["height"] == 200
    assert fig["layout"]["xaxis"]["automargin"] is False
    assert fig["layout"]["margin"]["t"] == 60
    assert fig["layout"]["margin"]["l"] == charts.BASE_LAYOUT["margin"]["l"]


@pytest.mark.parametrize(
    ("language", "value", "decimals", "expected"),
    [
        ("ru", 1234567.891, 2, f"1{NBSP}234{NBSP}567,89"),
        ("ru", 2.5, 1, "2,5"),
        ("ru", 3.0, 1, "3"),
        ("ru", -40, 0, "\u221240"),
        ("en", 1234567.891, 2, "1,234,567.89"),
        ("en", Decimal("2.50"), 2, "2.5"),
    ],
)
def test_numbers_follow_the_page_language(
    language: str, value: float, decimals: int, expected: str
) -> None:
    with translation.override(language):
        assert charts.number(value, decimals) == expected


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [
        ("ru", 150_000_000, f"150{NBSP}млн"),
        ("ru", 600_000, f"600{NBSP}тыс"),
        ("ru", 1_500_000_000, f"1,5{NBSP}млрд"),
        ("ru", 750, "750"),
        ("en", 150_000_000, "150M"),
        ("en", 600_000, "600k"),
        ("en", 1_500_000_000, "1.5B"),
    ],
)
def test_amounts_on_axes_use_words_of_the_language(
    language: str, value: float, expected: str
) -> None:
    with translation.override(language):
        assert charts.short_amount(value, 1) == expected


def test_amount_axis_covers_the_data_at_round_ticks() -> None:
    values = [3_000_000, 150_000_000, 610_000_000]
    with translation.override("ru"):
        axis = charts.amount_axis(values, title="Выручка")
    ticks = axis["tickvals"]
    assert ticks[0] == 0
    assert ticks[-1] >= max(values)
    steps = {b - a for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1  # evenly spaced
    assert axis["range"] == [ticks[0], ticks[-1]]
    assert all("млн" in t or t == "0" for t in axis["ticktext"])
    assert not any(t.endswith(("M", "k")) for t in axis["ticktext"])
    assert axis["title"]["text"] == "Выручка"


def test_amount_axis_pads_for_point_labels_and_takes_negatives() -> None:
    axis = charts.amount_axis([-12, 30], pad=0.1)
    low, high = axis["tickvals"][0], axis["tickvals"][-1]
    assert low <= -12
    assert high >= 30
    assert axis["range"] == [low - (high - low) * 0.1, high + (high - low) * 0.1]


def test_long_labels_are_cut_at_a_word_with_an_ellipsis() -> None:
    assert charts.short_label("ООО Альфа") == "ООО Альфа"
    cut = charts.short_label("Общество с ограниченной ответственностью «Северный ветер»", 24)
    assert cut.endswith("…")
    assert len(cut) <= 24
    assert cut.startswith("Общество с ограниченной")


def test_finder_serves_the_partial_bundle_under_both_names() -> None:
    finder = PlotlyFinder()
    assert finder.name == BASIC, "node_modules is missing: run `npm ci` (make install)"
    basic = finder.find(f"{PREFIX}/{BASIC}")
    assert basic.endswith("plotly.js-basic-dist-min/plotly-basic.min.js")
    assert finder.find(f"{PREFIX}/{FULL}") == basic  # old templates get the small bundle too
    assert [name for name, _storage in finder.list(None)] == [BASIC, FULL]
    # The same plotly.js version as the full bundle of the pinned plotly PyPI package.
    assert _version(Path(basic)) == _version(full_root() / FULL)
    assert finder.check() == []


def test_pareto_chart_of_counts_has_whole_ticks_and_a_percent_axis() -> None:
    counts = [5, 3, 2]
    running = [sum(counts[: i + 1]) * 100 / sum(counts) for i in range(len(counts))]
    with translation.override("ru"):
        fig = charts.pareto_chart(
            ["Сроки", "Цена", "Сроки"],  # two causes may share a name: positions keep them
            counts,
            running,
            title="Причины",
            value_title="Случаи",
            cumulative_title="Накопленная доля, %",
        )
    bars, line = fig["data"]
    assert bars["x"] == [0, 1, 2]
    assert bars["y"] == [5.0, 3.0, 2.0]
    assert line["y"] == [50.0, 80.0, 100.0]
    assert fig["layout"]["xaxis"]["ticktext"] == ["Сроки", "Цена", "Сроки"]
    assert fig["layout"]["yaxis"]["dtick"] == 1
    assert fig["layout"]["yaxis"]["tickformat"] == ",d"
    right = fig["layout"]["yaxis2"]
    assert right["ticksuffix"] == "%"
    assert right["range"] == [0, 100]
    assert right["automargin"] is True
