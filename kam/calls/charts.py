"""Plotly figure of a manager's questions a call, week by week (drawn by static/kam/charts.js)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from kam.calls.presentation import WeekRow
from kam.core.charts import Figure, chart, date_axis

COLOURS = {
    "technical": "#2b6cb0",
    "personal": "#2f855a",
    "motivation": "#b7791f",
    "other": "#888888",
}


def _monday(week: str) -> str:
    """«2025-W14» as the ISO date of that week's Monday (a calendar axis names the months)."""
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 1).isoformat()


def weeks_figure(rows: Sequence[WeekRow], *, low: int, high: int, habit_weeks: int) -> Figure:
    """Stacked questions a call by type per week, with the newcomer band (low–high) and the
    week by which a habit should have settled."""
    names = {
        "technical": _("technical"),
        "personal": _("personal"),
        "motivation": _("motivation"),
        "other": _("other question"),
    }
    weeks = [_monday(r.week) for r in rows]
    data = [
        {
            "x": weeks,
            "y": [r.per_call.get(key, 0) for r in rows],
            "type": "bar",
            "name": names[key],
            "marker": {"color": colour},
        }
        for key, colour in COLOURS.items()
    ]
    shapes: list[dict[str, Any]] = [
        {
            "type": "rect",
            "xref": "paper",
            "x0": 0,
            "x1": 1,
            "y0": low,
            "y1": high,
            "fillcolor": "#b3261e",
            "opacity": 0.12,
            "line": {"width": 0},
        }
    ]
    if len(weeks) >= habit_weeks:
        week = weeks[habit_weeks - 1]
        shapes.append(
            {
                "type": "line",
                "yref": "paper",
                "x0": week,
                "x1": week,
                "y0": 0,
                "y1": 1,
                "line": {"dash": "dash", "color": "#1f4e79"},
            }
        )
    return chart(
        data,
        title=_("Questions a call, week by week"),
        height=340,
        legend=True,
        barmode="stack",
        shapes=shapes,
        xaxis=date_axis(tickformat="%d %b"),
        # The newcomer band stays whole on the chart even above every week's bar.
        yaxis={
            "title": {"text": _("questions a call")},
            "range": [0, max([high, *(r.total for r in rows)]) * 1.1],
        },
    )
