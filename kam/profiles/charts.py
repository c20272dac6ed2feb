"""The seller's-time chart: minutes per client against fit, bubble size by revenue."""

from __future__ import annotations

import math
from typing import Any

from django.utils.translation import gettext as _

from kam.core.charts import Figure, chart
from kam.profiles.selectors import TimeReport


def time_figure(report: TimeReport) -> Figure | None:
    """One point per scored client that took time; None when there is nothing to draw."""
    points = [(row, name) for row, name in report.rows if row.fit is not None]
    if not points:
        return None
    sinks = {row.client_id for row, _name in report.sinks}
    biggest = max(float(row.revenue) for row, _name in points) or 1.0

    def size(revenue: float) -> float:
        return 8 + 30 * math.sqrt(max(revenue, 0.0) / biggest)

    def trace(selected: list[tuple[Any, str]], name: str, color: str) -> dict[str, Any]:
        return {
            "x": [round((row.fit or 0) * 100) for row, _n in selected],
            "y": [row.minutes for row, _n in selected],
            "text": [n for _r, n in selected],
            "marker": {
                "size": [size(float(row.revenue)) for row, _n in selected],
                "color": color,
                "opacity": 0.75,
            },
            "type": "scatter",
            "mode": "markers",
            "name": name,
            "hovertemplate": "%{text}<br>%{x}%, %{y} " + _("min") + "<extra></extra>",
        }

    data = [
        trace([p for p in points if p[0].client_id not in sinks], _("Clients"), "#1f4e79"),
        trace(
            [p for p in points if p[0].client_id in sinks],
            _("Candidates to serve differently or let go"),
            "#c0392b",
        ),
    ]
    return chart(
        data,
        title=_("Time spent against fit (bubble: revenue)"),
        height=380,
        legend=True,
        xaxis={
            "title": {"text": _("Fit, %")},
            "range": [-105, 105],
            "zeroline": True,
            "ticksuffix": "%",
        },
        yaxis={"title": {"text": _("Minutes")}, "rangemode": "tozero"},
    )
