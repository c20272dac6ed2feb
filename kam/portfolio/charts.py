"""Plotly figures built on the server from report numbers (drawn by static/kam/charts.js)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from kam.core.charts import (
    BASE_LAYOUT,
    Figure,
    amount_axis,
    chart,
    number,
    pareto_chart,
    percent_axis,
    short_label,
)
from kam.portfolio.domain import GridCell
from kam.portfolio.selectors import KeyGrid, PortfolioReport

# Kept for callers that built their own layouts; new charts use kam.core.charts.chart().
LAYOUT: dict[str, Any] = BASE_LAYOUT


def lorenz_figure(report: PortfolioReport) -> Figure:
    """Lorenz curve of the clients in scope, with the line of perfect equality."""
    xs = [float(x) * 100 for x, _y in report.lorenz]
    ys = [float(y) * 100 for _x, y in report.lorenz]
    return chart(
        [
            {
                "x": xs,
                "y": ys,
                "type": "scatter",
                "mode": "lines",
                "name": _("Lorenz curve"),
                "line": {"color": "#1f4e79", "width": 3},
                "hovertemplate": "%{x:.1f}% → %{y:.1f}%<extra></extra>",
            },
            {
                "x": [0, 100],
                "y": [0, 100],
                "type": "scatter",
                "mode": "lines",
                "name": _("Equal shares"),
                "line": {"color": "#999", "dash": "dot"},
                "hoverinfo": "skip",
            },
        ],
        title=_("Lorenz curve"),
        xaxis=percent_axis(title=_("Share of clients, smallest first, %")),
        yaxis=percent_axis(title=_("Share of revenue, %")),
    )


def pareto_figure(report: PortfolioReport, *, top: int = 30) -> Figure:
    """Revenue of the largest clients (bars) with the cumulative share (line)."""
    rows = report.rows[:top]
    total = report.scope_total or Decimal(1)
    cumulative, running = [], Decimal(0)
    for row in rows:
        running += row.revenue
        cumulative.append(float(running / total * 100))
    return pareto_chart(
        [r.name for r in rows],
        [r.revenue for r in rows],
        cumulative,
        title=_("Pareto chart of the largest clients"),
        value_title=_("Revenue"),
        cumulative_title=_("Cumulative share, %"),
        amounts=True,
    )


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


def grid_figure(grid: KeyGrid) -> Figure:
    """Current revenue against three-year potential for key clients, cut at the medians."""
    points = grid.placed
    revenues = [float(p.revenue) for p in points]
    potentials = [float(p.potential or 0) for p in points]
    layout: dict[str, Any] = {
        # Room around the points, so a name above the highest one stays inside the chart.
        "xaxis": amount_axis(revenues, title=_("Revenue in the window"), pad=0.08),
        "yaxis": amount_axis(potentials, title=_("Potential over three years"), pad=0.12),
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
    return chart(
        [
            {
                "x": revenues,
                "y": potentials,
                "text": [short_label(p.name, 20) for p in points],
                "customdata": [
                    [p.name, number(p.revenue), number(p.potential or 0)] for p in points
                ],
                "hovertemplate": "%{customdata[0]}<br>%{customdata[1]} → %{customdata[2]}"
                "<extra></extra>",
                "type": "scatter",
                "mode": "markers+text",
                "textposition": "top center",
                "cliponaxis": False,
                "marker": {"size": 12, "color": "#1f4e79"},
            },
        ],
        title=_("Current revenue vs potential over three years"),
        height=420,
        **layout,
    )
