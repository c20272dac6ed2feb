"""NPS charts of the results page (drawn by static/kam/charts.js through kam.core.charts)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kam.core.charts import Figure, chart, count_axis, date_axis, number
from kam.surveys.selectors import Figure as NpsFigure

CRITIC, NEUTRAL, PROMOTER = "#c0392b", "#9a9a9a", "#2f855a"
SOLID, PALE = "#2e6da4", "#a9c1dc"


def histogram_figure(histogram: Sequence[int]) -> Figure:
    """Answers by score 0–10, coloured by class (critics 0–6, neutrals 7–8, promoters 9–10)."""
    colours = [CRITIC if s <= 6 else NEUTRAL if s <= 8 else PROMOTER for s in range(11)]
    return chart(
        [
            {
                "x": list(range(11)),
                "y": list(histogram),
                "type": "bar",
                "marker": {"color": colours},
                "hovertemplate": _("score %{x}, answers: %{y}") + "<extra></extra>",
            }
        ],
        title=_("Answers by score"),
        height=280,
        xaxis={"title": {"text": _("Score")}, "dtick": 1, "range": [-0.6, 10.6]},
        yaxis=count_axis(histogram),
    )


def monthly_figure(groups: Sequence[tuple[str, NpsFigure, Any]], *, min_n: int) -> Figure:
    """NPS by month with n above every bar; a month with fewer than `min_n` answers is drawn
    pale and hatched under its own legend entry, so a −100 from one answer says what it is."""

    def trace(rows: list[tuple[str, NpsFigure]], *, name: str, pale: bool) -> dict[str, Any]:
        marker: dict[str, Any] = {"color": PALE if pale else SOLID}
        if pale:
            marker["pattern"] = {"shape": "/", "fgcolor": SOLID, "size": 6}
        return {
            "x": [f"{label}-01" for label, _f in rows],
            "y": [round(f.value or 0.0, 1) for _l, f in rows],
            "text": [_("n = {n}").format(n=f.n) for _l, f in rows],
            "customdata": [
                [number(f.value or 0.0), f.n, _("indicative") if f.indicative else ""]
                for _l, f in rows
            ],
            "hovertemplate": "NPS %{customdata[0]} · n = %{customdata[1]} %{customdata[2]}"
            "<extra></extra>",
            "textposition": "outside",
            "cliponaxis": False,
            "type": "bar",
            "name": name,
            "marker": marker,
        }

    months = [(label, fig) for label, fig, _rank in groups if fig.n]
    solid = [(label, fig) for label, fig in months if not fig.indicative]
    pale = [(label, fig) for label, fig in months if fig.indicative]
    data = []
    if solid:
        data.append(
            trace(
                solid,
                name=ngettext("{n} answer or more", "{n} answers or more", min_n).format(n=min_n),
                pale=False,
            )
        )
    if pale:
        data.append(
            trace(
                pale,
                name=ngettext(
                    "fewer than {n} answer: indicative",
                    "fewer than {n} answers: indicative",
                    min_n,
                ).format(n=min_n),
                pale=True,
            )
        )
    ticks = [-100, -50, 0, 50, 100]
    return chart(
        data,
        title=_("NPS by month"),
        height=320,
        legend=True,
        barmode="overlay",
        xaxis=date_axis(tickformat="%b %Y", dtick="M1"),
        yaxis={
            "range": [-118, 118],
            "tickmode": "array",
            "tickvals": ticks,
            "ticktext": [number(t) for t in ticks],
            "zeroline": True,
        },
    )
