"""Plotly figures of the relationship views (drawn by static/kam/charts.js)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from kam.portfolio.charts import LAYOUT


def trend_figure(trend: list[tuple[date, int]], *, title: str | None = None) -> dict[str, Any]:
    """The running balance as a step line with a zero line."""
    xs = [day.isoformat() for day, _balance in trend]
    ys = [balance for _day, balance in trend]
    return {
        "data": [
            {
                "x": xs,
                "y": ys,
                "type": "scatter",
                "mode": "lines+markers",
                "line": {"shape": "hv", "color": "#1f4e79", "width": 2},
                "name": _("Balance"),
            }
        ],
        "layout": {
            **LAYOUT,
            "height": 280,
            "title": {"text": title or _("Balance over time")},
            "yaxis": {"zeroline": True, "zerolinecolor": "#b3261e", "zerolinewidth": 2},
            "showlegend": False,
        },
    }


def stages_figure(counts: list[tuple[str, int]]) -> dict[str, Any]:
    """Clients per relationship stage."""
    return {
        "data": [
            {
                "x": [name for name, _n in counts],
                "y": [n for _name, n in counts],
                "type": "bar",
                "marker": {"color": "#2e6da4"},
            }
        ],
        "layout": {**LAYOUT, "height": 280, "title": {"text": _("Clients by stage")}},
    }
