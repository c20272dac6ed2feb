"""Plotly figures built on the server from report numbers (drawn by static/kam/charts.js)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from kam.portfolio.domain import GridCell
from kam.portfolio.selectors import KeyGrid, PortfolioReport

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


def cell_label(cell: GridCell) -> str:
    """The name of a cell of the key-client grid, as the page and the chart show it."""
    return {
        GridCell.GROW: _("Grow and defend"),
        GridCell.DEVELOP: _("Win a larger share"),
        GridCell.KEEP: _("Keep and serve well"),
        GridCell.SERVE: _("Serve efficiently"),
    }[cell]


def cell_advice(cell: GridCell) -> str:
    """What to do with a client in that cell."""
    return {
        GridCell.GROW: _(
            "Large now and large ahead: a plan with growth goals, several contacts in the "
            "buying centre and a close eye on competitors."
        ),
        GridCell.DEVELOP: _(
            "Small now, large potential: learn what the client buys elsewhere and offer the "
            "next step; a key-account manager or a business developer should own it."
        ),
        GridCell.KEEP: _(
            "Large now, little growth ahead: protect the relationship and the service level, "
            "and do not overspend on expansion."
        ),
        GridCell.SERVE: _("Small now and small ahead: standard service at a low cost to serve."),
    }[cell]


# Where each cell's name sits on the chart, in fractions of the plotting area.
_CORNERS = {
    GridCell.GROW: (0.99, 0.99, "right", "top"),
    GridCell.DEVELOP: (0.01, 0.99, "left", "top"),
    GridCell.KEEP: (0.99, 0.01, "right", "bottom"),
    GridCell.SERVE: (0.01, 0.01, "left", "bottom"),
}


def grid_figure(grid: KeyGrid) -> dict[str, Any]:
    """Current revenue against three-year potential for key clients, cut at the medians."""
    points = grid.placed
    layout: dict[str, Any] = {
        **LAYOUT,
        "title": {"text": _("Current revenue vs potential over three years")},
        "xaxis": {"title": {"text": _("Revenue in the window")}},
        "yaxis": {"title": {"text": _("Potential over three years")}},
    }
    if grid.split is not None:
        line = {"color": "#999", "dash": "dash", "width": 1}
        layout["shapes"] = [
            {"type": "line", "xref": "x", "yref": "paper", "y0": 0, "y1": 1, "line": line}
            | {"x0": float(grid.split.revenue), "x1": float(grid.split.revenue)},
            {"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "line": line}
            | {"y0": float(grid.split.potential), "y1": float(grid.split.potential)},
        ]
        layout["annotations"] = [
            {
                "text": cell_label(cell),
                "xref": "paper",
                "yref": "paper",
                "x": x,
                "y": y,
                "xanchor": xanchor,
                "yanchor": yanchor,
                "showarrow": False,
                "font": {"color": "#777", "size": 11},
            }
            for cell, (x, y, xanchor, yanchor) in _CORNERS.items()
        ]
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
        "layout": layout,
    }
