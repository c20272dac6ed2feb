"""Every chart KAM draws is built here: one locale, one number format, margins and config.

Figures are plain plotly.js JSON built on the server (`{"data", "layout", "config"}`) and drawn
by static/kam/charts.js with the partial plotly bundle (scatter and bar only; see
kam/core/staticfinders.py). The page language decides:

- month and day names (plotly's `config.locales`, filled from Django's own translations);
- number separators (`layout.separators`: a decimal comma and a no-break space between
  thousands in Russian, "1,234.5" in English);
- large amounts on axes: «150 млн», «600 тыс» in Russian, "150M", "600k" in English, as
  ticks computed here (plotly's own SI suffixes cannot be translated, so they are switched off
  everywhere: `exponentformat: "none"`).

Every axis gets `automargin`, so long category names and tick labels push the plotting area
instead of being cut at the edge of the chart.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.utils.dates import MONTHS, MONTHS_3, WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import get_language
from django.utils.translation import gettext as _

Figure = dict[str, Any]

NBSP = "\u00a0"
FONT = {"family": "system-ui, sans-serif", "size": 12}

# The look every chart shares; language-dependent keys are added by `chart()`.
BASE_LAYOUT: dict[str, Any] = {
    "margin": {"l": 10, "r": 10, "t": 44, "b": 10, "pad": 4},
    "height": 340,
    "paper_bgcolor": "rgba(0,0,0,0)",
    "plot_bgcolor": "#fff",
    "font": FONT,
    "title": {
        "x": 0,
        "xanchor": "left",
        "y": 1,
        "yref": "container",
        "yanchor": "top",
        "pad": {"l": 6, "t": 12},
        "font": {"size": 14},
    },
    "hoverlabel": {"font": FONT},
}
AXIS: dict[str, Any] = {
    "automargin": True,
    "exponentformat": "none",
    "separatethousands": True,
    "gridcolor": "#e6e6e6",
    "zerolinecolor": "#bbbbbb",
}
CONFIG: dict[str, Any] = {"displaylogo": False, "displayModeBar": False, "responsive": True}


def language() -> str:
    """The two-letter language of the current request ("ru" unless English is chosen)."""
    return (get_language() or "ru").split("-")[0]


def separators() -> str:
    """plotly's `separators`: the decimal mark, then the thousands mark."""
    return "," + NBSP if language() == "ru" else ".,"


def number(value: float | Decimal | int, decimals: int = 0) -> str:
    """A number the way the page language writes it: «1 234,5» or "1,234.5" (at most
    `decimals` digits after the mark, trailing zeros dropped; a true minus sign)."""
    text = f"{float(value):,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    text = text.replace("-", "\u2212")
    if separators()[0] == ",":
        text = text.replace(",", NBSP).replace(".", ",")
    return text


def short_amount(value: float | Decimal | int, decimals: int = 0) -> str:
    """An amount on an axis: «150 млн», «1,5 млрд», «600 тыс» (or "150M", "600k")."""
    amount = float(value)
    size = abs(amount)
    if size >= 1e9:
        return _("{number} bn").format(number=number(amount / 1e9, decimals))
    if size >= 1e6:
        return _("{number} mln").format(number=number(amount / 1e6, decimals))
    if size >= 1e3:
        return _("{number} k").format(number=number(amount / 1e3, decimals))
    return number(amount, decimals)


def locale_config() -> dict[str, Any]:
    """plotly's locale for the page language, with Django's month and day names."""
    code = language()
    return {
        "locale": code,
        "locales": {
            code: {
                "format": {
                    "months": [str(MONTHS[i]) for i in range(1, 13)],
                    # Django's are lower case ("jan"); Russian writes «янв» so, English "Jan".
                    "shortMonths": [
                        str(MONTHS_3[i]) if code == "ru" else str(MONTHS_3[i]).capitalize()
                        for i in range(1, 13)
                    ],
                    # plotly's week starts on Sunday, Django's on Monday.
                    "days": [str(WEEKDAYS[(i + 6) % 7]) for i in range(7)],
                    "shortDays": [str(WEEKDAYS_ABBR[(i + 6) % 7]) for i in range(7)],
                    "date": "%d.%m.%Y" if code == "ru" else "%m/%d/%Y",
                    "decimal": separators()[0],
                    "thousands": separators()[1],
                }
            }
        },
    }


def _nice_step(span: float, ticks: int) -> float:
    raw = span / max(ticks, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1.0, 2.0, 2.5, 5.0, 10.0):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def amount_axis(
    values: Iterable[float | Decimal | int], *, title: str = "", ticks: int = 5, pad: float = 0
) -> dict[str, Any]:
    """An axis of money: ticks at round amounts labelled «150 млн», the range from zero (or
    the smallest negative value) to the largest, widened by `pad` of the span on both sides
    for point labels that must not touch the edge."""
    numbers = [float(v) for v in values] or [0.0]
    low, high = min(0.0, min(numbers)), max(0.0, max(numbers))
    if high == low:
        high = low + 1
    step = _nice_step(high - low, ticks)
    first = math.floor(low / step) * step
    vals: list[float] = []
    tick = first
    while tick <= high + step * 1e-9:
        vals.append(round(tick, 6))
        tick += step
    if vals[-1] < high:
        vals.append(round(vals[-1] + step, 6))
    margin = (vals[-1] - vals[0]) * pad
    axis: dict[str, Any] = {
        "tickmode": "array",
        "tickvals": vals,
        "ticktext": [short_amount(v, 1) for v in vals],
        "range": [vals[0] - margin, vals[-1] + margin],
    }
    if title:
        axis["title"] = {"text": title}
    return axis


def count_axis(values: Iterable[int], **extra: Any) -> dict[str, Any]:
    """An axis of counts from zero: whole-number ticks only (no «0, 0, 1, 1» on small data)."""
    top = max([0, *values])
    step = max(1, math.ceil(_nice_step(top or 1, 5)))
    return {"rangemode": "tozero", "tickformat": ",d", "dtick": step, "tick0": 0, **extra}


def date_axis(**extra: Any) -> dict[str, Any]:
    """A calendar axis: month names of the page language, dates in hover as the language
    writes them."""
    return {"type": "date", "hoverformat": "%x", **extra}


def percent_axis(*, title: str = "", upper: float = 100, **extra: Any) -> dict[str, Any]:
    """An axis of percentages from 0 to `upper`, every tick marked with «%»."""
    axis: dict[str, Any] = {"range": [0, upper], "ticksuffix": "%", "dtick": 20, **extra}
    if title:
        axis["title"] = {"text": title}
    return axis


def short_label(name: str, limit: int = 24) -> str:
    """A category or point label cut at a word boundary where possible, with an ellipsis."""
    if len(name) <= limit:
        return name
    cut = name[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(' ,.;:«"') + "…"


def chart(
    data: Sequence[Mapping[str, Any]],
    *,
    title: str,
    height: int = 340,
    legend: bool = False,
    **layout: Any,
) -> Figure:
    """A figure with KAM's look and the page language's formats.

    `layout` keys are plotly layout attributes; every `xaxis*`/`yaxis*` gets the shared axis
    defaults (automargin, no SI suffixes, grouped thousands) under what the caller sets.
    """
    full: dict[str, Any] = {
        **BASE_LAYOUT,
        "title": {**BASE_LAYOUT["title"], "text": title},
        "height": height,
        "separators": separators(),
        "showlegend": legend,
    }
    if legend:
        # Above the plot, under the title: below it, it would collide with rotated ticks.
        full["legend"] = {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"}
        full["margin"] = {**full["margin"], "t": 76}
    for axis in ("xaxis", "yaxis"):
        layout.setdefault(axis, {})
    for key, value in layout.items():
        if key.startswith(("xaxis", "yaxis")):
            full[key] = {**AXIS, **value}
        elif isinstance(value, dict) and isinstance(full.get(key), dict):
            full[key] = {**full[key], **value}
        else:
            full[key] = value
    return {
        "data": [dict(trace) for trace in data],
        "layout": full,
        "config": {**CONFIG, **locale_config()},
    }


def pareto_chart(
    names: Sequence[str],
    values: Sequence[float | Decimal | int],
    cumulative: Sequence[float | Decimal],
    *,
    title: str,
    value_title: str,
    cumulative_title: str,
    amounts: bool = False,
    height: int = 420,
) -> Figure:
    """A Pareto chart: bars of `values` (largest first) under the cumulative share line in %
    on a right axis 0–100 %. `cumulative` comes from the caller's own computation (each
    app's domain); `amounts` labels the bar axis «150 млн», otherwise whole counts."""
    # Positions, not names, on the x axis: two bars with the same short name stay apart.
    positions = list(range(len(names)))
    heights = [float(v) for v in values]
    shown = [number(v, 2) if amounts else number(v) for v in values]
    return chart(
        [
            {
                "x": positions,
                "y": heights,
                "type": "bar",
                "name": value_title,
                "marker": {"color": "#2e6da4"},
                "customdata": [[n, s] for n, s in zip(names, shown, strict=True)],
                "hovertemplate": "%{customdata[0]}<br>%{customdata[1]}<extra></extra>",
            },
            {
                "x": positions,
                "y": [float(c) for c in cumulative],
                "type": "scatter",
                "mode": "lines+markers",
                "name": cumulative_title,
                "yaxis": "y2",
                "line": {"color": "#b35c00"},
                "hovertemplate": "%{y:.1f}%<extra></extra>",
            },
        ],
        title=title,
        height=height,
        legend=True,
        xaxis={
            "showgrid": False,
            "tickangle": -45,
            "tickmode": "array",
            "tickvals": positions,
            "ticktext": [short_label(n) for n in names],
        },
        yaxis=(
            amount_axis(heights, title=value_title)
            if amounts
            else count_axis((round(h) for h in heights), title={"text": value_title})
        ),
        yaxis2={
            **percent_axis(title=cumulative_title),
            "overlaying": "y",
            "side": "right",
            "showgrid": False,
        },
    )
