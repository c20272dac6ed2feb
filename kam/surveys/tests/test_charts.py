"""NPS by month: n on every bar, and a month of few answers says that it is indicative."""

from __future__ import annotations

from django.utils import translation

from kam.surveys.charts import histogram_figure, monthly_figure
from kam.surveys.domain import NpsCounts
from kam.surveys.selectors import MIN_N, Figure, figure_of


def _month(promoters: int, neutrals: int, critics: int) -> Figure:
    return figure_of(NpsCounts(promoters=promoters, neutrals=neutrals, critics=critics))


def test_one_critic_is_drawn_as_an_indicative_minus_100_with_its_n() -> None:
    groups = [
        ("2026-01", _month(20, 8, 4), None),  # 32 answers: a real figure
        ("2026-02", _month(0, 0, 1), None),  # one critic
    ]
    with translation.override("ru"):
        fig = monthly_figure(groups, min_n=MIN_N)
    solid, pale = fig["data"]
    assert solid["x"] == ["2026-01-01"]
    assert solid["y"] == [round(100 * (20 - 4) / 32, 1)]  # % promoters − % critics
    assert solid["text"] == ["n = 32"]
    assert "pattern" not in solid["marker"]
    assert pale["x"] == ["2026-02-01"]
    assert pale["y"] == [-100.0]
    assert pale["text"] == ["n = 1"]
    assert pale["marker"]["pattern"]["shape"] == "/"
    assert pale["name"] == "меньше 30 ответов: ориентировочно"
    assert "ориентировочно" in pale["customdata"][0][2]
    assert fig["layout"]["showlegend"] is True
    assert fig["layout"]["xaxis"]["type"] == "date"
    assert fig["layout"]["yaxis"]["ticktext"] == ["\u2212100", "\u221250", "0", "50", "100"]


def test_english_legend_and_no_indicative_trace_when_every_month_is_large() -> None:
    with translation.override("en"):
        fig = monthly_figure([("2026-03", _month(30, 0, 0), None)], min_n=MIN_N)
    assert len(fig["data"]) == 1
    assert fig["data"][0]["name"] == "30 answers or more"
    assert fig["data"][0]["y"] == [100.0]


def test_histogram_colours_scores_by_class() -> None:
    fig = histogram_figure([1] * 11)
    colours = fig["data"][0]["marker"]["color"]
    assert len(set(colours[:7])) == 1
    assert len(set(colours[7:9])) == 1
    assert len(set(colours[9:])) == 1
    assert len(set(colours)) == 3
