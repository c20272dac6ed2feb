"""Plotly figures built on the server from report numbers (drawn by static/kam/charts.js)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from kam.portfolio.selectors import GridPoint, PortfolioReport

LAYOUT: dict[str, Any] = {
    "margin": {"l": 50, "r": 20, "t": 40, "b": 45},
    "height": 340,
    "paper_bgcolor": "rgba(0,0,0,0)",
    "plot_bgcolor": "#fff",
    "font": {"family": "system-ui, sans-serif", "size": 12},
}


def lorenz_figure(report: PortfolioReport) -> dict[str, Any]:
    """Lorenz curve of the clients in scope, with the line of perfect equality."""
    xs = [float(x) * 100 for x, _y in report.lorenz]
    ys = [float(y) * 100 for _x, y in report.lorenz]
    return {
        "data": [
            {
                "x": xs,
                "y": ys,
                "type": "scatter",
                "mode": "lines",
                "name": _("Lorenz curve"),
                "line": {"color": "#1f4e79", "width": 3},
            },
            {
                "x": [0, 100],
                "y": [0, 100],
                "type": "scatter",
                "mode": "lines",
                "name": _("Equal shares"),
                "line": {"color": "#999", "dash": "dot"},
            },
        ],
        "layout": {
            **LAYOUT,
            "title": {"text": _("Lorenz curve")},
            "xaxis": {
                "title": {"text": _("Share of clients, smallest first, %")},
                "range": [0, 100],
            },
            "yaxis": {"title": {"text": _("Share of revenue, %")}, "range": [0, 100]},
            "showlegend": False,
        },
    }


def pareto_figure(report: PortfolioReport, *, top: int = 30) -> dict[str, Any]:
    """Revenue of the largest clients (bars) with the cumulative share (line)."""
    rows = report.rows[:top]
    total = report.scope_total or Decimal(1)
    cumulative, running = [], Decimal(0)
    for row in rows:
        running += row.revenue
        cumulative.append(float(running / total * 100))
    names = [r.name[:28] for r in rows]
    return {
        "data": [
            {
                "x": names,
                "y": [float(r.revenue) for r in rows],
                "type": "bar",
                "name": _("Revenue"),
                "marker": {"color": "#2e6da4"},
            },
            {
                "x": names,
                "y": cumulative,
                "type": "scatter",
                "mode": "lines+markers",
                "name": _("Cumulative share, %"),
                "yaxis": "y2",
                "line": {"color": "#b35c00"},
            },
        ],
        "layout": {
            **LAYOUT,
            "title": {"text": _("Pareto chart of the largest clients")},
            "xaxis": {"tickangle": -45, "automargin": True},
            "yaxis": {"title": {"text": _("Revenue")}},
            "yaxis2": {
                "overlaying": "y",
                "side": "right",
                "range": [0, 100],
                "title": {"text": "%"},
            },
            "showlegend": False,
            "height": 400,
        },
    }


def grid_figure(points: list[GridPoint]) -> dict[str, Any]:
    """Current revenue against three-year potential for key clients."""
    return {
        "data": [
            {
                "x": [float(p.revenue) for p in points],
                "y": [float(p.potential or 0) for p in points],
                "text": [p.name for p in points],
                "type": "scatter",
                "mode": "markers+text",
                "textposition": "top center",
                "marker": {"size": 12, "color": "#1f4e79"},
            },
        ],
        "layout": {
            **LAYOUT,
            "title": {"text": _("Current revenue vs potential over three years")},
            "xaxis": {"title": {"text": _("Revenue in the window")}},
            "yaxis": {"title": {"text": _("Potential over three years")}},
        },
    }
