"""The questions-a-call chart: weeks on a calendar axis (Russian month names), the habit line."""

from __future__ import annotations

from django.utils import translation

from kam.calls.charts import weeks_figure
from kam.calls.presentation import WeekRow


def _week(week: str, n: int) -> WeekRow:
    per_call = {"technical": 1.5, "personal": 0.5, "motivation": 0.25, "other": 0.0}
    return WeekRow(week, 4, per_call, sum(per_call.values()), False, n)


def test_weeks_are_mondays_on_a_calendar_axis_with_the_habit_line() -> None:
    rows = [_week("2025-W52", 1), _week("2026-W01", 2), _week("2026-W02", 3)]
    with translation.override("ru"):
        fig = weeks_figure(rows, low=3, high=6, habit_weeks=2)
    assert fig["data"][0]["x"] == ["2025-12-22", "2025-12-29", "2026-01-05"]
    assert fig["data"][0]["y"] == [1.5, 1.5, 1.5]
    assert fig["layout"]["xaxis"]["type"] == "date"
    assert fig["config"]["locale"] == "ru"
    band, habit = fig["layout"]["shapes"]
    assert (band["y0"], band["y1"]) == (3, 6)
    assert habit["x0"] == "2025-12-29"  # the second week shown
    assert fig["layout"]["barmode"] == "stack"


def test_no_habit_line_before_enough_weeks() -> None:
    fig = weeks_figure([_week("2026-W10", 1)], low=3, high=6, habit_weeks=4)
    assert len(fig["layout"]["shapes"]) == 1


def test_the_newcomer_band_fits_on_the_axis() -> None:
    fig = weeks_figure([_week("2026-W10", 1)], low=3, high=6, habit_weeks=4)
    assert fig["layout"]["yaxis"]["range"][0] == 0
    assert fig["layout"]["yaxis"]["range"][1] >= 6
