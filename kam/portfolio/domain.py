"""Pure portfolio arithmetic: revenue shares, key-client classes, concentration (SPEC §1).

No Django here (STYLE §3): selectors aggregate revenue per client in SQL and hand the sums to
these functions. Every threshold is an admin setting and is passed in explicitly.
"""

import operator
from bisect import bisect_left
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from itertools import accumulate, pairwise
from statistics import median
from types import MappingProxyType
from typing import Any, Generic, Protocol, TypeVar

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
HHI_MAX = Decimal(10000)


class SortableKey(Hashable, Protocol):
    """A client key usable in a dict and orderable, so ABC ties sort the same way (SPEC §1)."""

    def __lt__(self, other: Any, /) -> bool: ...


K = TypeVar("K", bound=SortableKey)


class KeyClass(StrEnum):
    """Key-client class by revenue share: key > 10%, critical > 20%, mono > 50% (SPEC §1)."""

    MONO = "mono"
    CRITICAL = "critical"
    KEY = "key"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class KeyThresholds:
    """Share thresholds as fractions (defaults in settings: 0.10 / 0.20 / 0.50; SPEC §1).

    Requires 0 <= key <= critical <= mono <= 1, otherwise the classes would overlap.
    """

    key: Decimal
    critical: Decimal
    mono: Decimal

    def __post_init__(self) -> None:
        if not ZERO <= self.key <= self.critical <= self.mono <= ONE:
            raise ValueError("thresholds must satisfy 0 <= key <= critical <= mono <= 1")


def revenue_share(revenue: Decimal, total: Decimal) -> Decimal:
    """Revenue share = client revenue / company revenue, a fraction (SPEC §1).

    Returns 0 when the company revenue is zero or negative (no meaningful share exists).
    """
    if total <= ZERO:
        return ZERO
    return revenue / total


def key_client_class(share: Decimal, *, thresholds: KeyThresholds) -> KeyClass:
    """Class by share, strictly greater than each threshold (SPEC §1: "share > 10%").

    So exactly 10% is not key, exactly 20% is key, exactly 50% is critical.
    """
    if share > thresholds.mono:
        return KeyClass.MONO
    if share > thresholds.critical:
        return KeyClass.CRITICAL
    if share > thresholds.key:
        return KeyClass.KEY
    return KeyClass.NONE


def _by_revenue_desc(revenues: Mapping[K, Decimal]) -> list[tuple[K, Decimal]]:
    """Clients by revenue descending, ties by key ascending for determinism (SPEC §1)."""
    by_key = sorted(revenues.items(), key=lambda item: item[0])
    return sorted(by_key, key=lambda item: item[1], reverse=True)


def abc_classes(revenues: Mapping[K, Decimal], *, a: Decimal, b: Decimal) -> dict[K, str]:
    """ABC classes by cumulative revenue share (SPEC §1: A first 80%, B next 15%, C the rest).

    Clients sorted by revenue descending; with ``cum_before`` the share of all clients before
    this one: A if cum_before < a (the client crossing ``a`` is still A), B if cum_before < b,
    else C. The total is the sum of positive revenues; clients with zero or negative revenue
    are always C. Comparisons are done in money (cum < a·total) to avoid division rounding.
    """
    if not ZERO <= a <= b <= ONE:
        raise ValueError("ABC boundaries must satisfy 0 <= a <= b <= 1")
    total = sum((r for r in revenues.values() if r > ZERO), ZERO)
    classes: dict[K, str] = {}
    cumulative = ZERO
    for key, revenue in _by_revenue_desc(revenues):
        if revenue <= ZERO:
            classes[key] = "C"
            continue
        if cumulative < a * total:
            classes[key] = "A"
        elif cumulative < b * total:
            classes[key] = "B"
        else:
            classes[key] = "C"
        cumulative += revenue
    return classes


def hhi(shares_pct: Iterable[Decimal]) -> Decimal:
    """Herfindahl-Hirschman index = Σ sᵢ² over shares in percent, 0…10,000 (SPEC §1)."""
    return sum((share * share for share in shares_pct), ZERO)


def equivalent_clients(hhi_value: Decimal) -> Decimal | None:
    """Equivalent number of equal clients = 10,000 / HHI (SPEC §1); None when HHI is 0."""
    if hhi_value <= ZERO:
        return None
    return HHI_MAX / hhi_value


def top_shares(
    revenues: Iterable[Decimal], total: Decimal, ns: Sequence[int] = (1, 3, 5)
) -> dict[int, Decimal]:
    """Top-n share = Σ of the n largest revenues / total, for each n (SPEC §1: top-1/3/5).

    With fewer than n clients the share of all of them is returned.
    """
    ordered = sorted(revenues, reverse=True)
    return {n: revenue_share(sum(ordered[:n], ZERO), total) for n in ns}


def _non_negative_ascending(revenues: Iterable[Decimal]) -> list[Decimal]:
    """Revenues ascending; the Lorenz curve is undefined for negative values (SPEC §1)."""
    ordered = sorted(revenues)
    if ordered and ordered[0] < ZERO:
        raise ValueError("Lorenz curve and Gini need non-negative revenues")
    return ordered


def lorenz_points(revenues: Iterable[Decimal]) -> list[tuple[Decimal, Decimal]]:
    """Lorenz curve (SPEC §1): points (i/n, Σ of the i smallest revenues / total), i = 0…n.

    Starts at (0, 0) and ends at (1, 1). With no clients or zero total revenue the curve is the
    diagonal itself, [(0, 0), (1, 1)]. Raises ValueError for negative revenues.
    """
    ordered = _non_negative_ascending(revenues)
    total = sum(ordered, ZERO)
    if not ordered or total == ZERO:
        return [(ZERO, ZERO), (ONE, ONE)]
    n = Decimal(len(ordered))
    points = [(ZERO, ZERO)]
    cumulative = ZERO
    for i, revenue in enumerate(ordered, start=1):
        cumulative += revenue
        points.append((Decimal(i) / n, cumulative / total))
    return points


def gini(revenues: Iterable[Decimal]) -> Decimal:
    """Gini coefficient = 1 - 2·(area under the Lorenz curve), trapezoids (SPEC §1).

    0 for equal revenues, (n - 1)/n when one client has all of it.
    """
    points = lorenz_points(revenues)
    twice_area = sum(((x1 - x0) * (y0 + y1) for (x0, y0), (x1, y1) in pairwise(points)), ZERO)
    return ONE - twice_area


def manager_load_flag(key_clients: int, *, limit: int) -> bool:
    """Manager load is flagged when revenue-bearing key clients > limit (SPEC §1: more than 3)."""
    return key_clients > limit


@dataclass(frozen=True, slots=True)
class ClientShare(Generic[K]):
    """One client's row on the portfolio page: share = revenue / total, classes (SPEC §1)."""

    key: K
    revenue: Decimal
    share: Decimal
    key_class: KeyClass
    abc: str


@dataclass(frozen=True, slots=True)
class PortfolioSummary(Generic[K]):
    """Portfolio figures (SPEC §1): rows by revenue desc, HHI, 10,000/HHI, top-n, alerts.

    ``alerts`` holds the clients whose class is critical or mono (each dependency is an alert).
    """

    total: Decimal
    clients: tuple[ClientShare[K], ...]
    hhi: Decimal
    equivalent_clients: Decimal | None
    top_shares: Mapping[int, Decimal]
    alerts: tuple[ClientShare[K], ...]

    @property
    def has_mono_client(self) -> bool:
        """True when a mono-client exists: new clients must be developed now (SPEC §1)."""
        return any(row.key_class is KeyClass.MONO for row in self.alerts)


def _client_row(
    key: K, revenue: Decimal, total: Decimal, *, thresholds: KeyThresholds, abc: str
) -> ClientShare[K]:
    """One row: share = revenue / total and its key class (SPEC §1)."""
    share = revenue_share(revenue, total)
    return ClientShare(
        key=key,
        revenue=revenue,
        share=share,
        key_class=key_client_class(share, thresholds=thresholds),
        abc=abc,
    )


def classify_portfolio(
    revenues: Mapping[K, Decimal],
    *,
    thresholds: KeyThresholds,
    abc_a: Decimal,
    abc_b: Decimal,
) -> PortfolioSummary[K]:
    """Share, key class and ABC class per client plus concentration figures (SPEC §1).

    total = Σ revenue; share = revenue / total; HHI over shares in percent.
    """
    total = sum(revenues.values(), ZERO)
    abc = abc_classes(revenues, a=abc_a, b=abc_b)
    rows = tuple(
        _client_row(key, revenue, total, thresholds=thresholds, abc=abc[key])
        for key, revenue in _by_revenue_desc(revenues)
    )
    hhi_value = hhi(row.share * HUNDRED for row in rows)
    dependent = {KeyClass.CRITICAL, KeyClass.MONO}
    return PortfolioSummary(
        total=total,
        clients=rows,
        hhi=hhi_value,
        equivalent_clients=equivalent_clients(hhi_value),
        top_shares=MappingProxyType(top_shares(revenues.values(), total)),
        alerts=tuple(row for row in rows if row.key_class in dependent),
    )


@dataclass(frozen=True, slots=True)
class RankBounds:
    """Classes of clients ranked by revenue, largest first, as counts of leading ranks.

    Both classifications are monotone in the rank (a larger revenue never has a lower class),
    so five numbers describe them for any number of clients: ranks [0, mono) are mono-clients,
    [mono, critical) critical, [critical, key) key, the rest none; ranks [0, a) are ABC class
    A, [a, b) B, the rest C.
    """

    mono: int
    critical: int
    key: int
    a: int
    b: int

    def key_class(self, rank: int) -> KeyClass:
        """The key class of the client at `rank` (0 = the largest revenue)."""
        if rank < self.mono:
            return KeyClass.MONO
        if rank < self.critical:
            return KeyClass.CRITICAL
        if rank < self.key:
            return KeyClass.KEY
        return KeyClass.NONE

    def abc(self, rank: int) -> str:
        """The ABC class of the client at `rank`."""
        return "A" if rank < self.a else "B" if rank < self.b else "C"


def _count_above(revenues_desc: Sequence[int], limit: Decimal | int) -> int:
    """How many leading revenues (sorted largest first) are strictly above `limit`: a binary
    search, the first index whose revenue is <= limit."""
    return bisect_left(revenues_desc, -limit, key=operator.neg)


def _leading(revenues_desc: Sequence[int], threshold: Decimal, total: int) -> int:
    """How many leading revenues have a share strictly above `threshold` of `total`."""
    if total <= 0:
        return 0
    return _count_above(revenues_desc, threshold * total)


def rank_bounds(
    revenues_desc: Sequence[int],
    *,
    thresholds: KeyThresholds,
    abc_a: Decimal,
    abc_b: Decimal,
) -> RankBounds:
    """The same classes as `key_client_class` and `abc_classes` (SPEC §1) for revenues already
    sorted largest first (ties in any fixed order), in integer money units such as kopecks.

    A share above a threshold is `revenue > threshold · total`; a client is A when the revenue
    of all clients before it is below `a · positive total`. Cost: one cumulative sum over the
    positive revenues (C speed) and two binary searches, instead of a Decimal share per client.
    """
    if not ZERO <= abc_a <= abc_b <= ONE:
        raise ValueError("ABC boundaries must satisfy 0 <= a <= b <= 1")
    total = sum(revenues_desc)
    positives = _count_above(revenues_desc, 0)
    before = [0, *accumulate(revenues_desc[: max(positives - 1, 0)])] if positives else []
    positive_total = sum(revenues_desc[:positives])
    return RankBounds(
        mono=_leading(revenues_desc, thresholds.mono, total),
        critical=_leading(revenues_desc, thresholds.critical, total),
        key=_leading(revenues_desc, thresholds.key, total),
        a=bisect_left(before, abc_a * positive_total),
        b=bisect_left(before, abc_b * positive_total),
    )


@dataclass(frozen=True, slots=True)
class Concentration:
    """Concentration of a set of clients (SPEC §1): total, HHI, 10,000/HHI, top-n, Lorenz."""

    total: int
    hhi: Decimal
    equivalent_clients: Decimal | None
    top_shares: Mapping[int, Decimal]
    lorenz: list[tuple[Decimal, Decimal]]


def concentration(
    revenues_desc: Sequence[int], *, ns: Sequence[int] = (1, 3, 5), lorenz_limit: int = 201
) -> Concentration:
    """HHI, top-n shares and the Lorenz curve of integer revenues sorted largest first.

    HHI = Σ (100·rᵢ/total)² = 10,000·Σrᵢ² / total², computed exactly in integers and divided
    once; 0 when the total is not positive. The Lorenz curve (clients smallest first) is
    sampled at no more than `lorenz_limit` points, keeping both ends; negative revenues
    (refunds larger than sales) count as zero on the curve, which is undefined for them.
    """
    total = sum(revenues_desc)
    if total > 0:
        squares = sum(map(operator.mul, revenues_desc, revenues_desc))
        hhi_value = Decimal(10_000 * squares) / Decimal(total * total)
    else:
        hhi_value = ZERO
    top = {
        n: revenue_share(Decimal(sum(revenues_desc[:n])), Decimal(total)) if total > 0 else ZERO
        for n in ns
    }
    return Concentration(
        total=total,
        hhi=hhi_value,
        equivalent_clients=equivalent_clients(hhi_value),
        top_shares=MappingProxyType(top),
        lorenz=_sampled_lorenz(revenues_desc, limit=lorenz_limit),
    )


def _sampled_lorenz(revenues_desc: Sequence[int], *, limit: int) -> list[tuple[Decimal, Decimal]]:
    """`downsample(lorenz_points(...), limit=limit)` without building every point."""
    n = len(revenues_desc)
    ascending: Iterable[int] = reversed(revenues_desc)
    if revenues_desc and revenues_desc[-1] < 0:
        ascending = (max(r, 0) for r in ascending)
    cumulative = [0, *accumulate(ascending)]
    total = cumulative[-1]
    if n == 0 or total == 0:
        return [(ZERO, ZERO), (ONE, ONE)]
    if n + 1 <= limit:
        picks: Sequence[int] = range(n + 1)
    else:
        step = n / (limit - 1)
        picks = [round(i * step) for i in range(limit)]
    size, whole = Decimal(n), Decimal(total)
    return [(Decimal(i) / size, Decimal(cumulative[i]) / whole) for i in picks]


class GridCell(StrEnum):
    """Where a key client sits on the current-revenue vs three-year-potential grid (SPEC §1)."""

    GROW = "grow"  # large revenue now, large potential
    DEVELOP = "develop"  # small revenue now, large potential (the prospective kind)
    KEEP = "keep"  # large revenue now, little potential
    SERVE = "serve"  # small revenue now, little potential


@dataclass(frozen=True, slots=True)
class GridSplit:
    """The lines that cut the grid into four cells: a revenue level and a potential level.

    A client on a line counts as large on that axis.
    """

    revenue: Decimal
    potential: Decimal

    def cell(self, revenue: Decimal, potential: Decimal, *, revenue_key: bool = False) -> GridCell:
        """The client's cell. A revenue-key client (its share is above the key threshold) is
        large now by definition, wherever the median falls: it is never told to be served at
        a low cost; the revenue median sorts the clients that are key for other reasons."""
        large_now = revenue_key or revenue >= self.revenue
        large_later = potential >= self.potential
        if large_later:
            return GridCell.GROW if large_now else GridCell.DEVELOP
        return GridCell.KEEP if large_now else GridCell.SERVE


def grid_split(points: Sequence[tuple[Decimal, Decimal]]) -> GridSplit | None:
    """Split at the median current revenue and the median potential of the placed clients.

    The caller passes the whole company's key clients, never one viewer's scope, so a client
    gets the same cell (and advice) whoever looks at it. Medians keep the cells meaningful
    whatever the units and scale (12 months of revenue against three years of potential);
    with fewer than two clients there is nothing to split.
    """
    if len(points) < 2:
        return None
    return GridSplit(
        revenue=Decimal(median(r for r, _p in points)),
        potential=Decimal(median(p for _r, p in points)),
    )


def account_goal_is_measurable(target_value: Decimal | None, due: date | None) -> bool:
    """An account-plan goal needs a finite number and a date (SPEC §1: "did what I could" is
    no result)."""
    return target_value is not None and target_value.is_finite() and due is not None


@dataclass(frozen=True, slots=True)
class Window:
    """A reporting period with both ends inclusive (SPEC §1: any period selectable)."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError("the window starts after it ends")


def share_change_points(now: Decimal | None, before: Decimal | None) -> Decimal:
    """Change of a revenue share in percentage points; no revenue in a period counts as 0."""
    return ((now or ZERO) - (before or ZERO)) * HUNDRED


def previous_window(window: Window) -> Window | None:
    """The period just before `window`, for trends; None before the calendar's first day.

    A window of whole months (a calendar year or quarter, the last 12 months) steps back by
    the same number of months, so 2025 compares with 2024 and Q2 with Q1; any other window
    steps back by its length in days.
    """
    try:
        if window.end < date.max:  # the calendar's last day has no day after it
            after = _shift_days(window.end, 1)
            months = (after.year - window.start.year) * 12 + after.month - window.start.month
            if months >= 1 and _add_months(after, -months) == window.start:
                start = _add_months(window.start, -months)
                return Window(start=start, end=_shift_days(window.start, -1))
        end = _shift_days(window.start, -1)
        return Window(start=_shift_days(end, -(window.end - window.start).days), end=end)
    except (ValueError, OverflowError):
        return None


def _shift_days(day: date, days: int) -> date:
    return date.fromordinal(day.toordinal() + days)


def _add_months(day: date, months: int) -> date:
    """The same day `months` later (earlier when negative), clamped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, _days_in_month(year, month + 1)))


def window_last_months(today: date, *, months: int) -> Window:
    """The last `months` months up to and including today (default window: 12 months)."""
    if months < 1:
        raise ValueError("months must be positive")
    year, month = today.year, today.month - months
    while month < 1:
        month += 12
        year -= 1
    day = min(today.day, _days_in_month(year, month))
    start = date(year, month, day)
    return Window(start=date.fromordinal(start.toordinal() + 1), end=today)


def window_year(year: int) -> Window:
    """A calendar year."""
    return Window(start=date(year, 1, 1), end=date(year, 12, 31))


def window_quarter(year: int, quarter: int) -> Window:
    """A calendar quarter (1..4)."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError("quarter must be 1..4")
    first = 3 * (quarter - 1) + 1
    last = first + 2
    return Window(start=date(year, first, 1), end=date(year, last, _days_in_month(year, last)))


def previous_quarter(today: date) -> tuple[int, int]:
    """(year, quarter) of the last complete quarter before today."""
    quarter = (today.month - 1) // 3 + 1
    return (today.year - 1, 4) if quarter == 1 else (today.year, quarter - 1)


def _days_in_month(year: int, month: int) -> int:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return (nxt - date(year, month, 1)).days


def downsample(
    points: Sequence[tuple[Decimal, Decimal]], *, limit: int
) -> list[tuple[Decimal, Decimal]]:
    """At most `limit` points of a curve, always keeping the first and the last (for charts)."""
    if len(points) <= limit:
        return list(points)
    step = (len(points) - 1) / (limit - 1)
    return [points[round(i * step)] for i in range(limit)]
