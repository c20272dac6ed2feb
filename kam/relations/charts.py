"""Plotly figures of the relationship views (drawn by static/kam/charts.js)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from kam.core.charts import Figure, chart, count_axis, date_axis, short_label


def trend_figure(trend: list[tuple[date, int]], *, title: str | None = None) -> Figure:
    """The running balance as a step line with a zero line."""
    xs = [day.isoformat() for day, _balance in trend]
    ys = [balance for _day, balance in trend]
    return chart(
        [
            {
                "x": xs,
                "y": ys,
                "type": "scatter",
                "mode": "lines+markers",
                "line": {"shape": "hv", "color": "#1f4e79", "width": 2},
                "name": _("Balance"),
            }
        ],
        title=title or _("Balance over time"),
        height=280,
        xaxis=date_axis(),
        yaxis={"zeroline": True, "zerolinecolor": "#b3261e", "zerolinewidth": 2},
    )


def stages_figure(counts: list[tuple[str, int]]) -> Figure:
    """Clients per relationship stage."""
    return chart(
        [
            {
                "x": [short_label(name, 28) for name, _n in counts],
                "y": [n for _name, n in counts],
                "customdata": [name for name, _n in counts],
                "hovertemplate": "%{customdata}: %{y}<extra></extra>",
                "type": "bar",
                "marker": {"color": "#2e6da4"},
            }
        ],
        title=_("Clients by stage"),
        height=300,
        xaxis={"type": "category", "tickangle": -30},
        yaxis=count_axis(n for _name, n in counts),
    )
