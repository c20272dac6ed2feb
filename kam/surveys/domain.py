"""Pure NPS / eNPS arithmetic (SPEC §5): classes, net score, intervals, anonymity.

No Django, no ORM: selectors aggregate answers into `NpsCounts` and pass thresholds (minimum n,
surveyed base) in as arguments; these functions do the maths on those few numbers.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeVar

K = TypeVar("K")
H = TypeVar("H", bound=Hashable)

MIN_SCORE = 0
MAX_SCORE = 10
#: Rocks (2016): add 3/4 of a promoter and 3/4 of a critic, i.e. n + 3 with the neutrals' 1.5.
ADJUST_SIDE = 0.75
ADJUST_N = 3
#: Below this many answers the critical value is Student's t, not the normal z (SPEC §5).
T_BELOW_N = 30
#: Finite-population correction applies once answers exceed this share of the base (SPEC §5).
FPC_SAMPLING_FRACTION = 0.05


class NpsClass(StrEnum):
    """Answer class by score (SPEC §5): critic 0–6, neutral 7–8, promoter 9–10."""

    CRITIC = "critic"
    NEUTRAL = "neutral"
    PROMOTER = "promoter"


def _check_score(score: object) -> int:
    """Return `score` if it is an int 0–10 (SPEC §5: only an explicit integer is a score)."""
    # bool is an int subclass and 7.0 == 7, so check the exact type, not equality.
    if type(score) is not int or not MIN_SCORE <= score <= MAX_SCORE:
        raise ValueError(f"an NPS score is an integer 0-10, got {score!r}")
    return score


def _check_count(name: str, value: object) -> int:
    """Return `value` if it is a non-negative int (not bool), else raise ValueError."""
    if type(value) is not int or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return value


def classify_score(score: int) -> NpsClass:
    """Class of one answer (SPEC §5): 0–6 critic, 7–8 neutral, 9–10 promoter.

    Raises ValueError for anything but an `int` in 0..10 (so `True`, `7.0`, `-1`, `11`).
    """
    value = _check_score(score)
    if value <= 6:
        return NpsClass.CRITIC
    if value <= 8:
        return NpsClass.NEUTRAL
    return NpsClass.PROMOTER


@dataclass(frozen=True, slots=True)
class NpsCounts:
    """Answers per class (SPEC §5); n = promoters + neutrals + critics."""

    promoters: int
    neutrals: int
    critics: int

    def __post_init__(self) -> None:
        """Reject negative or non-integer counts."""
        _check_count("promoters", self.promoters)
        _check_count("neutrals", self.neutrals)
        _check_count("critics", self.critics)

    @property
    def n(self) -> int:
        """Number of answers: n = P + N + C."""
        return self.promoters + self.neutrals + self.critics


def counts_from_scores(scores: Iterable[int]) -> NpsCounts:
    """Count promoters, neutrals and critics among raw 0–10 scores (SPEC §5 classes)."""
    tally = dict.fromkeys(NpsClass, 0)
    for score in scores:
        tally[classify_score(score)] += 1
    return NpsCounts(
        promoters=tally[NpsClass.PROMOTER],
        neutrals=tally[NpsClass.NEUTRAL],
        critics=tally[NpsClass.CRITIC],
    )


def histogram(scores: Iterable[int]) -> list[int]:
    """Answers per score value: list of 11 counts, index = score 0..10 (SPEC §5)."""
    bins = [0] * (MAX_SCORE - MIN_SCORE + 1)
    for score in scores:
        bins[_check_score(score)] += 1
    return bins


def nps(counts: NpsCounts) -> float:
    """Raw net score in −100…+100: NPS = 100·(P − C)/n (SPEC §5, % promoters − % critics).

    Raises ValueError when n == 0 (undefined without answers).
    """
    if counts.n == 0:
        raise ValueError("NPS is undefined without answers")
    return 100 * (counts.promoters - counts.critics) / counts.n


@dataclass(frozen=True, slots=True)
class Interval:
    """Confidence interval for NPS in points, low ≤ high within [−100, 100] (SPEC §5)."""

    low: float
    high: float
    method: str = "adjusted-wald"

    def __post_init__(self) -> None:
        """Reject reversed bounds."""
        if not self.low <= self.high:
            raise ValueError(f"interval low {self.low} exceeds high {self.high}")


# --- critical values ---------------------------------------------------------------------------


def _t_two_sided_mass(t: float, df: int) -> float:
    """A(t|ν) = P(|T| < t) for Student's t with integer ν, exact finite series.

    Abramowitz & Stegun 26.7.3/26.7.4 with θ = atan(t/√ν):
    odd ν:  A = (2/π)·[θ + sinθ·cosθ·(1 + (2/3)cos²θ + … + (2·4…(ν−3))/(1·3…(ν−2))·cos^(ν−3)θ)],
    even ν: A = sinθ·(1 + (1/2)cos²θ + … + (1·3…(ν−3))/(2·4…(ν−2))·cos^(ν−2)θ).
    """
    theta = math.atan(t / math.sqrt(df))
    sin_t, cos2 = math.sin(theta), math.cos(theta) ** 2
    term, total = 1.0, 1.0
    if df % 2 == 1:
        for k in range(2, df - 1, 2):  # factors 2/3, 4/5, … up to (ν−3)/(ν−2)
            term *= cos2 * k / (k + 1)
            total += term
        series = sin_t * math.cos(theta) * total if df > 1 else 0.0
        return 2 / math.pi * (theta + series)
    for k in range(1, df - 2, 2):  # factors 1/2, 3/4, … up to (ν−3)/(ν−2)
        term *= cos2 * k / (k + 1)
        total += term
    return sin_t * total


def _invert_increasing(cdf_two_sided: float, mass: Callable[[float], float]) -> float:
    """Smallest x ≥ 0 with mass(x) ≥ cdf_two_sided, by bracketing and bisection to 1e-12."""
    high = 1.0
    while mass(high) < cdf_two_sided:
        high *= 2
    low = 0.0
    while high - low > 1e-12 * max(1.0, high):
        mid = (low + high) / 2
        if mass(mid) < cdf_two_sided:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def _check_probability(p: float) -> None:
    """Raise ValueError unless 0 < p < 1."""
    if not 0 < p < 1:
        raise ValueError(f"probability must be strictly between 0 and 1, got {p!r}")


def t_quantile(p: float, df: int) -> float:
    """Inverse CDF of Student's t with integer df: t such that P(T ≤ t) = p (SPEC §5, n < 30).

    Bisection on the exact series A(t|ν) = P(|T| < t) (A&S 26.7.3/4): P(T ≤ t) = (1 + A)/2 for
    t ≥ 0, and t(1 − p) = −t(p). Accurate to ~1e-10, e.g. t(0.975, 10) = 2.228139.
    """
    _check_probability(p)
    if type(df) is not int or df < 1:
        raise ValueError(f"degrees of freedom must be a positive integer, got {df!r}")
    if p < 0.5:
        return -t_quantile(1 - p, df)
    return _invert_increasing(2 * p - 1, lambda t: _t_two_sided_mass(t, df))


def z_quantile(p: float) -> float:
    """Inverse standard normal CDF: z with Φ(z) = p, Φ(z) = (1 + erf(z/√2))/2 (SPEC §5, n ≥ 30).

    Bisection on math.erf; z(0.975) = 1.959964.
    """
    _check_probability(p)
    if p < 0.5:
        return -z_quantile(1 - p)
    return _invert_increasing(2 * p - 1, lambda z: math.erf(z / math.sqrt(2)))


@functools.lru_cache(maxsize=256)
def critical_value(n: int, *, confidence: float) -> float:
    """Two-sided critical value for the NPS interval (SPEC §5).

    Student t with n_adj − 1 = n + 2 degrees of freedom when n < 30, else the normal z;
    quantile p = (1 + confidence)/2, so 1.959964 for 95% with n ≥ 30.
    """
    _check_probability(confidence)
    p = (1 + confidence) / 2
    if n < T_BELOW_N:
        return t_quantile(p, n + ADJUST_N - 1)
    return z_quantile(p)


# --- adjusted Wald ---------------------------------------------------------------------------


def _fpc(n: int, population: int | None) -> float:
    """Finite-population correction √((N − n)/(N − 1)), only when n/N > 5% (SPEC §5).

    1.0 without a population or when answers are at most 5% of the surveyed base N.
    A census (n == N) gives 0.
    """
    if population is None:
        return 1.0
    _check_count("population", population)
    if population < n:
        raise ValueError(f"population {population} is smaller than the {n} answers")
    if n / population <= FPC_SAMPLING_FRACTION:
        return 1.0
    if population == n:
        return 0.0
    return math.sqrt((population - n) / (population - 1))


def _adjusted(counts: NpsCounts) -> tuple[float, float, int]:
    """Rocks (2016) adjusted proportions (p_p, p_c, n_adj) = ((P+¾)/(n+3), (C+¾)/(n+3), n+3)."""
    if counts.n == 0:
        raise ValueError("NPS interval is undefined without answers")
    n_adj = counts.n + ADJUST_N
    return (
        (counts.promoters + ADJUST_SIDE) / n_adj,
        (counts.critics + ADJUST_SIDE) / n_adj,
        n_adj,
    )


def standard_error(counts: NpsCounts, *, population: int | None = None) -> float:
    """Adjusted-Wald standard error of NPS in points (SPEC §5, Rocks 2016).

    SE = 100·√((p_p + p_c − (p_p − p_c)²)/n_adj)·FPC with p_p = (P+¾)/(n+3), p_c = (C+¾)/(n+3),
    n_adj = n + 3, FPC = √((N − n)/(N − 1)) when a population N is given and n/N > 5%.
    Raises ValueError when n == 0 or N < n.
    """
    p_p, p_c, n_adj = _adjusted(counts)
    variance = (p_p + p_c - (p_p - p_c) ** 2) / n_adj
    return 100 * math.sqrt(variance) * _fpc(counts.n, population)


def nps_interval(
    counts: NpsCounts, *, population: int | None = None, confidence: float = 0.95
) -> Interval:
    """Adjusted-Wald confidence interval for NPS, in points (SPEC §5, Rocks 2016).

    bounds = 100·(NPS_adj ± crit·SE), clipped to [−100, 100], where NPS_adj = p_p − p_c with
    p_p = (P+¾)/(n+3), p_c = (C+¾)/(n+3); SE as in `standard_error` (FPC included); crit is
    Student t with n + 2 df when n < 30, else normal z (`critical_value`).

    The interval is centred on the ADJUSTED point, not the raw NPS (which stays the displayed
    point value): this is the variant that reproduces the worked example P=22, N=12, C=6 →
    raw +40, interval [15.1, 59.3] (centring on the raw +40 would give [17.9, 62.1]).
    Without a population the interval contains the raw NPS for every n ≥ 1 (checked
    exhaustively for all counts with n ≤ 400; the tests recheck n ≤ 60).

    With a finite-population correction FPC < 1 the adjustment, a small-sample device, fades
    with the part of the base not asked: the centre is NPS + FPC·(NPS_adj − NPS) and the half
    width FPC·crit·SE. A census (n = N, FPC = 0) is then the raw NPS exactly (every client
    answered, nothing is estimated), and since both the shift and the half width scale by
    the same FPC the raw point stays inside whenever it is inside without the correction.
    Raises ValueError when n == 0, N < n, or confidence not in (0, 1).
    """
    p_p, p_c, _ = _adjusted(counts)
    shrink = _fpc(counts.n, population)
    half = critical_value(counts.n, confidence=confidence) * standard_error(
        counts, population=population
    )
    raw = nps(counts)
    centre = raw + shrink * (100 * (p_p - p_c) - raw)
    return Interval(low=max(-100.0, centre - half), high=min(100.0, centre + half))


def is_indicative(n: int, *, min_n: int) -> bool:
    """True when a figure rests on fewer than `min_n` answers (SPEC §5: below n = 30)."""
    return _check_count("n", n) < min_n


def is_significant_change(
    a: NpsCounts,
    b: NpsCounts,
    *,
    population_a: int | None = None,
    population_b: int | None = None,
    z: float = 1.96,
) -> bool:
    """Whether NPS moved significantly between two periods (SPEC §5).

    |NPS_b − NPS_a| > z·√(SE_a² + SE_b²), raw NPS difference, adjusted-Wald SEs in points
    (with each period's finite-population correction). Raises ValueError if either n == 0.
    """
    delta = nps(b) - nps(a)
    se_a = standard_error(a, population=population_a)
    se_b = standard_error(b, population=population_b)
    return abs(delta) > z * math.hypot(se_a, se_b)


def intervals_overlap(a: Interval, b: Interval) -> bool:
    """Whether two closed intervals share a point: a.low ≤ b.high and b.low ≤ a.high (SPEC §5).

    Touching bounds count as overlap, so ranking stays conservative.
    """
    return a.low <= b.high and b.low <= a.high


def rank_groups(groups: Sequence[tuple[K, Interval, float]]) -> list[tuple[K, int | None]]:
    """Rank groups (e.g. managers) by NPS only where intervals allow it (SPEC §5).

    Rule: groups come back sorted by point value, best first (ties keep input order). A group
    gets a rank only if its interval overlaps no other group's interval; its rank is
    1 + the number of groups whose interval lies entirely above its own. Every other group gets
    None: "managers are not ranked where intervals overlap". With a single group it is rank 1.
    """
    ordered = sorted(groups, key=lambda group: group[2], reverse=True)
    ranked: list[tuple[K, int | None]] = []
    for index, (key, interval, _) in enumerate(ordered):
        others = [other for j, (_, other, _) in enumerate(ordered) if j != index]
        if any(intervals_overlap(interval, other) for other in others):
            ranked.append((key, None))
        else:
            ranked.append((key, 1 + sum(other.low > interval.high for other in others)))
    return ranked


# --- eNPS anonymity ----------------------------------------------------------------------------


def enps_visible(group_n: int, *, min_n: int) -> bool:
    """Direct anonymity rule for eNPS: a group's result is shown only if n ≥ min_n (SPEC §5)."""
    return _check_count("group_n", group_n) >= min_n


def enps_visible_groups(parent_n: int, children: Mapping[H, int], *, min_n: int) -> set[H]:
    """Children whose eNPS may be shown under direct and secondary suppression (SPEC §5).

    1. A child is a candidate only if its n ≥ min_n.
    2. The parent total is taken as known whenever parent_n ≥ min_n. Answers given directly
       in the parent (parent_n − Σ children) form an extra, never-shown unit.
    3. While the parent is known, the hidden units together (parent − Σ shown, the only
       quantity the shown figures give about them) must hold 0 or at least min_n answers: if
       they hold fewer (one hidden group of 3, or two of 1 and 3), the smallest shown child
       (first in mapping order on ties) is hidden too. No hidden group and no union of hidden
       groups can then be computed with fewer than min_n answers. The result may be empty.
    Apply level by level: call again with each shown or hidden child as the next parent.
    Raises ValueError for negative sizes, min_n < 1, or children summing above parent_n.
    """
    _check_count("parent_n", parent_n)
    if type(min_n) is not int or min_n < 1:
        raise ValueError(f"min_n must be a positive integer, got {min_n!r}")
    sizes = {key: _check_count("child n", n) for key, n in children.items()}
    if parent_n - sum(sizes.values()) < 0:
        raise ValueError("children hold more answers than their parent")
    shown = [key for key, n in sizes.items() if enps_visible(n, min_n=min_n)]
    if not enps_visible(parent_n, min_n=min_n):
        return set(shown)
    while shown and 0 < parent_n - sum(sizes[key] for key in shown) < min_n:
        shown.remove(min(shown, key=lambda key: sizes[key]))
    return set(shown)


def repeat_purchase_rate(buyers_again: int, total: int) -> float | None:
    """Share of a class's clients who bought again: buyers_again / total, 0…1 (SPEC §5).

    None when the class has no clients (total == 0). Raises ValueError unless
    0 ≤ buyers_again ≤ total.
    """
    _check_count("buyers_again", buyers_again)
    _check_count("total", total)
    if buyers_again > total:
        raise ValueError("more repeat buyers than clients")
    if total == 0:
        return None
    return buyers_again / total


def report_window(
    start: date | None, end: date | None, *, today: date, days: int = 365
) -> tuple[date, date]:
    """The inclusive window of an NPS report from optional bounds, never overflowing the
    calendar: no end → today (or the start, when it lies later); no start → `days` days up to
    the end, cut at the calendar's first day; bounds given the wrong way round are swapped."""
    if end is None:
        end = max(today, start) if start is not None else today
    if start is None:
        start = date.fromordinal(max(1, end.toordinal() - (days - 1)))
    if start > end:
        start, end = end, start
    return start, end
