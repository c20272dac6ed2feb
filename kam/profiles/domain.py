"""The ideal customer profile in numbers (SPEC §6): fit, ranking, rank correlation, quadrant.

Pure functions, no Django. A trait score is an integer −5…+5; a blank is "not scored yet".
Fit = Σ wᵢ·sᵢ / (5·Σ wᵢ) over the scored traits only, a fraction from −1 to +1.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum

SCORE_MIN = -5
SCORE_MAX = 5
# Spearman's rho needs this many pairs for an interval (Fisher z has n − 3 in it).
MIN_PAIRS = 4
Z95 = 1.959963984540054


@dataclass(frozen=True)
class Fit:
    """A client's fit against the profile: the fraction (None when nothing is scored yet)."""

    value: float | None
    scored: int
    total: int

    @property
    def percent(self) -> int | None:
        return None if self.value is None else round(self.value * 100)


def fit(scores: Mapping[str, int | None], weights: Mapping[str, float]) -> Fit:
    """Weighted fit over the traits that carry a score; traits of zero weight count for nothing.

    `weights` names every trait of the profile; scores of traits not in it are ignored.
    """
    num = 0.0
    den = 0.0
    scored = 0
    for trait, weight in weights.items():
        score = scores.get(trait)
        if score is None:
            continue
        if not SCORE_MIN <= score <= SCORE_MAX:
            raise ValueError(f"score {score} outside {SCORE_MIN}..{SCORE_MAX}")
        if weight < 0:
            raise ValueError("weights are never negative")
        scored += 1
        num += weight * score
        den += weight
    if scored == 0 or den == 0:
        return Fit(None, scored, len(weights))
    value = num / (SCORE_MAX * den)
    return Fit(max(-1.0, min(1.0, value)), scored, len(weights))


class ScoreProblem(Enum):
    """Why a cell is not a score (the import names the row, column and this reason)."""

    NOT_A_NUMBER = "not_a_number"
    NOT_WHOLE = "not_whole"
    OUT_OF_RANGE = "out_of_range"


def parse_score(raw: str) -> int | ScoreProblem | None:
    """A spreadsheet cell → a score, None for a blank, or the reason it is not one.

    "+3", "−2" (a typographic minus), "3,0" and "3.0" are accepted; "2,5", "6" and words are not.
    """
    text = raw.strip().replace("\u2212", "-").replace("\u2013", "-").replace(" ", "")
    if not text:
        return None
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return ScoreProblem.NOT_A_NUMBER
    if not number.is_finite():
        return ScoreProblem.NOT_A_NUMBER
    if number != number.to_integral_value():
        return ScoreProblem.NOT_WHOLE
    value = int(number)
    if not SCORE_MIN <= value <= SCORE_MAX:
        return ScoreProblem.OUT_OF_RANGE
    return value


def parse_weight(raw: str) -> float | None:
    """A weight cell → a non-negative number (blank → None: the default weight of 1)."""
    text = raw.strip().replace(" ", "").replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return -1.0
    if not math.isfinite(value) or value < 0:
        return -1.0
    return value


def ranked(fits: Iterable[tuple[int, Fit]]) -> list[tuple[int, Fit]]:
    """Clients by fit, best first; unscored clients last; ties keep the id order."""
    items = list(fits)
    return sorted(
        items,
        key=lambda item: (item[1].value is None, -(item[1].value or 0.0), item[0]),
    )


def average_ranks(values: Sequence[float]) -> list[float]:
    """Ranks 1..n with ties given their average rank (as Spearman's rho needs)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        rank = (i + j) / 2 + 1
        for k in range(i, j + 1):
            ranks[order[k]] = rank
        i = j + 1
    return ranks


def _pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    n = len(xs)
    mx = sum(xs) / n
    my = sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


@dataclass(frozen=True)
class Correlation:
    """Spearman's rho with its 95% interval (Fisher z, Fieller–Hartley–Pearson variance)."""

    rho: float | None
    low: float | None
    high: float | None
    n: int

    @property
    def evidence(self) -> bool:
        """True only when the interval excludes zero: otherwise "no evidence yet"."""
        if self.low is None or self.high is None:
            return False
        return self.low > 0 or self.high < 0


def spearman(xs: Sequence[float], ys: Sequence[float]) -> Correlation:
    """Rank correlation of paired values with a 95% interval.

    The interval uses Fisher's z with variance 1.06/(n − 3) (Fieller, Hartley and Pearson,
    1957), the usual choice for Spearman's rho; fewer than four pairs give no interval.
    """
    if len(xs) != len(ys):
        raise ValueError("pairs of equal length expected")
    n = len(xs)
    if n < 2:
        return Correlation(None, None, None, n)
    rho = _pearson(average_ranks(xs), average_ranks(ys))
    if rho is None or n < MIN_PAIRS:
        return Correlation(rho, None, None, n)
    if abs(rho) >= 1.0:
        return Correlation(rho, rho, rho, n)
    z = math.atanh(rho)
    half = Z95 * math.sqrt(1.06 / (n - 3))
    return Correlation(rho, math.tanh(z - half), math.tanh(z + half), n)


class Quadrant(Enum):
    """The win–win quadrant of a deal (seed 001: close deals only where both sides win)."""

    WIN_WIN = "win_win"
    WE_WIN = "we_win"  # we win, the client loses
    CLIENT_WINS = "client_wins"  # the client wins, we lose
    LOSE_LOSE = "lose_lose"


def quadrant(*, we_win: bool | None, client_wins: bool | None) -> Quadrant | None:
    """The quadrant, or None while either side is not judged yet."""
    if we_win is None or client_wins is None:
        return None
    if we_win and client_wins:
        return Quadrant.WIN_WIN
    if we_win:
        return Quadrant.WE_WIN
    if client_wins:
        return Quadrant.CLIENT_WINS
    return Quadrant.LOSE_LOSE


@dataclass(frozen=True)
class TimeRow:
    """A client in the seller's-time table: minutes spent, fit and revenue."""

    client_id: int
    minutes: int
    fit: float | None
    revenue: Decimal


def median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[mid])
    return (ordered[mid - 1] + ordered[mid]) / 2


def time_sinks(rows: Sequence[TimeRow]) -> list[TimeRow]:
    """Clients to serve differently or let go: low fit, much time, little revenue.

    Low fit is a fit below zero; much time is above the median minutes of the clients that took
    any time; little revenue is at or below the median revenue of the same clients. Unscored
    clients are never listed: without a fit there is no judgement to make.
    """
    busy = [r for r in rows if r.minutes > 0]
    if len(busy) < 2:
        return []
    time_mid = median([float(r.minutes) for r in busy]) or 0.0
    revenue_mid = median([float(r.revenue) for r in busy]) or 0.0
    out = [
        r
        for r in busy
        if r.fit is not None
        and r.fit < 0
        and r.minutes > time_mid
        and float(r.revenue) <= revenue_mid
    ]
    return sorted(out, key=lambda r: (-r.minutes, r.client_id))


def merged_counts(
    items: Iterable[tuple[int, int | None, int]],
) -> dict[int, int]:
    """Workshop merge: (item id, merged into id or None, participant id) → participants per item.

    Each canonical item (not merged into another) counts the distinct participants who named
    it or any item merged into it, following chains of merges.
    """
    parent: dict[int, int | None] = {}
    who: dict[int, int] = {}
    for item_id, into, participant in items:
        parent[item_id] = into
        who[item_id] = participant

    def root(item_id: int) -> int:
        seen = set()
        while parent.get(item_id) is not None and item_id not in seen:
            seen.add(item_id)
            item_id = parent[item_id]  # type: ignore[assignment]
        return item_id

    people: dict[int, set[int]] = {}
    for item_id, participant in who.items():
        people.setdefault(root(item_id), set()).add(participant)
    return {item_id: len(names) for item_id, names in people.items()}
