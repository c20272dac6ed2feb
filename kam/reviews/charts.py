"""Plotly figures of the synthesis (drawn by static/kam/charts.js), built with the portfolio's
shared layout."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kam.portfolio.charts import LAYOUT
from kam.reviews.domain import SideSynthesis

COLORS = {"satisfied": "#2e7d32", "dissatisfied": "#b3261e"}


def pareto_figure(side: SideSynthesis, *, title: str) -> dict[str, Any]:
    """Clients per cause tag (bars, the vital few darker) with the cumulative share (line)."""
    names = [r.tag[:40] for r in side.rows]
    color = COLORS.get(side.side, "#2e6da4")
    return {
        "data": [
            {
                "x": names,
                "y": [r.count for r in side.rows],
                "type": "bar",
                "name": _("Clients"),
                "marker": {
                    "color": [color if r.vital else "#9e9e9e" for r in side.rows],
                },
            },
            {
                "x": names,
                "y": [round(r.cumulative, 1) for r in side.rows],
                "type": "scatter",
                "mode": "lines+markers",
                "name": _("Cumulative share, %"),
                "yaxis": "y2",
                "line": {"color": "#b35c00"},
            },
        ],
        "layout": {
            **LAYOUT,
            "title": {"text": title},
            "xaxis": {"tickangle": -30, "automargin": True},
            "yaxis": {"title": {"text": _("Clients")}, "rangemode": "tozero", "dtick": 1},
            "yaxis2": {
                "overlaying": "y",
                "side": "right",
                "range": [0, 105],
                "dtick": 20,
                "ticksuffix": " %",
            },
            "showlegend": False,
            "height": 360,
            "margin": {**LAYOUT["margin"], "r": 60},
            # Russian: decimal comma, a space between thousands.
            "separators": ".," if (get_language() or "ru").startswith("en") else ", ",
        },
    }
