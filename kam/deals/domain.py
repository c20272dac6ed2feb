"""Pure rules of deals and the funnel (SPEC §9): steps, Wilson intervals, losses against the best.

No Django here. Selectors count deals in SQL and hand these functions a few integers per
manager; the functions turn them into rates with intervals and decide what may be compared.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeVar

from kam.surveys.domain import Interval, rank_groups

K = TypeVar("K")

# Two-sided 95%: the 0.975 quantile of the standard normal distribution.
Z95 = 1.959963984540054


class Step(StrEnum):
    """Funnel steps a CRM stage maps onto; `LOST` says nothing about how far a deal got."""

    CONSULTATION = "consultation"
    MEETING = "meeting"
    PROPOSAL = "proposal"
    WON = "won"
    LOST = "lost"


# How far along the funnel each step is. A lost deal is at rank 0 unless its history (or a
# logged meeting) shows more: the stage «Закрыто и не реализовано» hides where it was lost.
STEP_RANK: dict[Step, int] = {
    Step.CONSULTATION: 0,
    Step.MEETING: 1,
    Step.PROPOSAL: 2,
    Step.WON: 3,
    Step.LOST: 0,
}
MEETING_RANK = STEP_RANK[Step.MEETING]
WON_RANK = STEP_RANK[Step.WON]

TRANSITIONS = ("consultation_meeting", "meeting_won", "consultation_won")


def step_rank(step: str) -> int:
    """How far a step is along the funnel: consultation 0, meeting 1, proposal 2, won 3."""
    return STEP_RANK[Step(step)]


def reached_rank(current: str, history: Iterable[str] = ()) -> int:
    """The furthest rank a deal has reached: its current step or any step KAM saw it at."""
    return max([step_rank(current), *(step_rank(s) for s in history)])


def first_meeting(meetings: Sequence[date], created: date, closed: date | None) -> date | None:
    """The first of a client's logged meetings (sorted dates) on or after a deal's creation,
    and not after its close when it is closed: what `Deal.met_on` stores. None without one."""
    i = bisect_left(meetings, created)
    if i == len(meetings):
        return None
    day = meetings[i]
    return day if closed is None or day <= closed else None


# --- rates and intervals -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rate:
    """A conversion as a fraction 0..1 with its 95% Wilson interval and the n it rests on."""

    value: float
    low: float
    high: float
    n: int
    successes: int

    def __post_init__(self) -> None:
        if not 0.0 <= self.low <= self.value <= self.high <= 1.0:
            raise ValueError(f"rate {self.value} outside [{self.low}, {self.high}]")

    def as_dict(self) -> dict[str, float | int]:
        return {"value": self.value, "low": self.low, "high": self.high, "n": self.n}

    @property
    def interval(self) -> Interval:
        return Interval(low=self.low, high=self.high, method="wilson")


def wilson(successes: int, n: int, *, z: float = Z95) -> Rate:
    """Wilson score interval for a proportion k/n (Wilson 1927; Newcombe 1998, method 3).

    centre = (p + z²/2n) / (1 + z²/n), half = z·√(p(1 − p)/n + z²/4n²) / (1 + z²/n).
    Unlike the plain Wald interval it stays inside [0, 1] and is sensible at k = 0 or k = n,
    which matters for managers with a handful of deals. Raises ValueError when n == 0 or
    k is outside 0..n.
    """
    if isinstance(n, bool) or isinstance(successes, bool):
        raise TypeError("counts must be integers")
    if n <= 0:
        raise ValueError("a rate needs at least one deal")
    if not 0 <= successes <= n:
        raise ValueError(f"{successes} successes out of {n}")
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    # Rounding can push a bound a hair past the point at k = 0 or k = n; clamp to the truth.
    low = 0.0 if successes == 0 else min(p, max(0.0, centre - half))
    high = 1.0 if successes == n else max(p, min(1.0, centre + half))
    return Rate(value=p, low=low, high=high, n=n, successes=successes)


def rate(successes: int, n: int) -> Rate | None:
    """A Wilson rate, or None when there is nothing to divide by."""
    return wilson(successes, n) if n > 0 else None


def is_indicative(n: int, *, min_n: int) -> bool:
    """True when a conversion rests on fewer than `min_n` deals (SPEC §5 rule: below 30)."""
    if n < 0:
        raise ValueError("n must not be negative")
    return n < min_n


# --- funnel counts -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FunnelCounts:
    """Deals created in a window: all of them (consultations), those that reached a meeting,
    and those won. Each step is a subset of the one before, so counts never grow."""

    consultation: int
    meeting: int
    won: int

    def __post_init__(self) -> None:
        if not 0 <= self.won <= self.meeting <= self.consultation:
            raise ValueError(
                f"funnel counts must not grow: {self.consultation}, {self.meeting}, {self.won}"
            )

    def __add__(self, other: FunnelCounts) -> FunnelCounts:
        return FunnelCounts(
            self.consultation + other.consultation,
            self.meeting + other.meeting,
            self.won + other.won,
        )


EMPTY = FunnelCounts(0, 0, 0)


def funnel_rates(counts: FunnelCounts) -> dict[str, Rate | None]:
    """Consultation → meeting, meeting → won and consultation → won, each with its interval."""
    return {
        "consultation_meeting": rate(counts.meeting, counts.consultation),
        "meeting_won": rate(counts.won, counts.meeting),
        "consultation_won": rate(counts.won, counts.consultation),
    }


@dataclass(frozen=True, slots=True)
class DealFacts:
    """What the funnel needs of one deal (the oracle's input; SQL computes the same)."""

    manager: int
    rank: int
    won: bool
    meeting_logged: bool = False


def count_funnel(deals: Iterable[DealFacts]) -> dict[int, FunnelCounts]:
    """Per-manager funnel counts, row by row: the reference the SQL aggregate is tested against.

    A deal reached a meeting when its rank is meeting or further, or a meeting or visit with
    its client was logged during its life; a won deal reached every step.
    """
    tally: dict[int, list[int]] = {}
    for deal in deals:
        row = tally.setdefault(deal.manager, [0, 0, 0])
        row[0] += 1
        if deal.won or deal.rank >= MEETING_RANK or deal.meeting_logged:
            row[1] += 1
        if deal.won:
            row[2] += 1
    return {k: FunnelCounts(*v) for k, v in tally.items()}


# --- comparing managers --------------------------------------------------------------------


def best_of(groups: Sequence[tuple[K, FunnelCounts]], *, min_n: int) -> K | None:
    """The manager to compare others with: the highest lower Wilson bound of consultation → won.

    The lower bound rewards a high rate only as far as the deals behind it support it, so a
    newcomer with 2 wins out of 2 does not beat a steady 30 out of 200. Managers with at least
    `min_n` deals come first; when nobody has that many, everyone with a deal competes.
    """
    eligible = [(k, c) for k, c in groups if c.consultation >= min_n]
    if not eligible:
        eligible = [(k, c) for k, c in groups if c.consultation > 0]
    if not eligible:
        return None

    def key(item: tuple[K, FunnelCounts]) -> tuple[float, float]:
        r = wilson(item[1].won, item[1].consultation)
        return r.low, r.value

    return max(eligible, key=key)[0]


@dataclass(frozen=True, slots=True)
class StepLoss:
    """Deals a manager loses at one step compared with the best manager's rate there.

    `lost_deals` is in won deals: what closing the gap at this step alone would add, all else
    equal. `clear` is True when the two intervals do not overlap (the gap is not noise).
    """

    transition: str
    gap: float  # best rate − own rate (negative: better than the best at this step)
    lost_entries: float  # deals that did not pass this step and would have at the best's rate
    lost_deals: float
    clear: bool


def losses_against_best(own: FunnelCounts, best: FunnelCounts) -> dict[str, StepLoss]:
    """Where a manager loses against the best, per step (SPEC §9, seed 002).

    Won = C·r₁·r₂. At the best's r₁ the manager would bring C·(r₁* − r₁) more deals to a
    meeting, worth C·(r₁* − r₁)·r₂* won deals at the best's own meeting → deal rate (the
    manager's r₂ may rest on a handful of meetings, or none); at the best's r₂ the manager
    would win M·(r₂* − r₂) more. Gaps below zero lose nothing. A step without data on either
    side loses nothing measurable.
    """
    out: dict[str, StepLoss] = {}
    mine, theirs = funnel_rates(own), funnel_rates(best)
    r1, b1 = mine["consultation_meeting"], theirs["consultation_meeting"]
    r2, b2 = mine["meeting_won"], theirs["meeting_won"]
    if r1 is not None and b1 is not None:
        gap = b1.value - r1.value
        entries = own.consultation * max(0.0, gap)
        downstream = b2.value if b2 is not None else 0.0
        out["consultation_meeting"] = StepLoss(
            "consultation_meeting",
            gap,
            entries,
            entries * downstream,
            not _overlap(r1, b1),
        )
    if r2 is not None and b2 is not None:
        gap = b2.value - r2.value
        entries = own.meeting * max(0.0, gap)
        out["meeting_won"] = StepLoss("meeting_won", gap, entries, entries, not _overlap(r2, b2))
    return out


def weakest_step(losses: Mapping[str, StepLoss]) -> str | None:
    """The step where a manager loses most won deals against the best; None if nowhere."""
    worst = max(losses.values(), key=lambda loss: loss.lost_deals, default=None)
    if worst is None or worst.lost_deals <= 0:
        return None
    return worst.transition


def _overlap(a: Rate, b: Rate) -> bool:
    return a.low <= b.high and b.low <= a.high


def rank_managers(groups: Sequence[tuple[K, Rate]]) -> dict[K, int | None]:
    """Ranks by a rate only where intervals allow it (the NPS rule, surveys.domain.rank_groups):
    a manager whose interval overlaps another's gets no rank."""
    return dict(rank_groups([(k, r.interval, r.value) for k, r in groups]))


# --- reference ranges ----------------------------------------------------------------------


class Position(StrEnum):
    BELOW = "below"
    WITHIN = "within"
    ABOVE = "above"


def reference_position(value: float, *, low: float | None, high: float | None) -> Position:
    """Where a rate stands against an industry range; an open end never flags."""
    if low is not None and value < low:
        return Position.BELOW
    if high is not None and value > high:
        return Position.ABOVE
    return Position.WITHIN


# --- stage names, stage maps and sources ---------------------------------------------------

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """A CRM name folded for matching: case, ё, repeated and surrounding spaces."""
    return _SPACES.sub(" ", text.replace("\ufeff", "")).strip().casefold().replace("ё", "е")


STEP_WORDS: dict[str, Step] = {
    **{s.value: s for s in Step},
    "консультация": Step.CONSULTATION,
    "встреча": Step.MEETING,
    "визит": Step.MEETING,
    "показ": Step.MEETING,
    "экскурсия": Step.MEETING,
    "предложение": Step.PROPOSAL,
    "кп": Step.PROPOSAL,
    "выиграна": Step.WON,
    "успех": Step.WON,
    "проиграна": Step.LOST,
    "отказ": Step.LOST,
}


@dataclass(frozen=True, slots=True)
class MapLine:
    """One problem of a stage-map file: the line (1-based), the text, and the reason code."""

    line: int
    text: str
    code: str


def parse_stage_map(rows: Iterable[Sequence[str]]) -> tuple[dict[str, Step], list[MapLine]]:
    """Read `stage;step` rows (header optional): folded stage name → step, and the problems.

    A first row whose second cell is not a step is taken as the header. The same stage twice
    with different steps is a problem, never a silent last-one-wins.
    """
    mapping: dict[str, Step] = {}
    names: dict[str, str] = {}
    problems: list[MapLine] = []
    for number, row in enumerate(rows, start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if len(cells) < 2 or not cells[0]:
            problems.append(MapLine(number, ";".join(cells), "two_columns"))
            continue
        step = STEP_WORDS.get(fold(cells[1]))
        if step is None:
            if number == 1:
                continue  # the header
            problems.append(MapLine(number, cells[1], "unknown_step"))
            continue
        key = fold(cells[0])
        if key in mapping and mapping[key] is not step:
            problems.append(MapLine(number, cells[0], "stage_twice"))
            continue
        mapping[key], names[key] = step, cells[0]
    return mapping, problems


def status_of(step: Step) -> str:
    """A deal's status from its step: won, lost, or open for everything in between."""
    if step is Step.WON:
        return "won"
    if step is Step.LOST:
        return "lost"
    return "open"


SOURCE_WORDS: dict[str, str] = {
    # Bitrix24's standard «Источник» list, amoCRM's usual values, and plain words.
    "по рекомендации": "referral",
    "рекомендация": "referral",
    "рекомендации": "referral",
    "сарафанное радио": "referral",
    "referral": "referral",
    "контакт сменил работу": "moved_contact",
    "перешел на новую работу": "moved_contact",
    "контакт перешел в новую компанию": "moved_contact",
    "moved contact": "moved_contact",
    "тендер": "tender",
    "тендеры": "tender",
    "торги": "tender",
    "госзакупки": "tender",
    "аукцион": "tender",
    "tender": "tender",
    "новый регион": "new_region",
    "прямая продажа в новом регионе": "new_region",
    "new region": "new_region",
    "звонок": "inbound",
    "входящий звонок": "inbound",
    "обратный звонок": "inbound",
    "веб-сайт": "inbound",
    "сайт": "inbound",
    "заявка с сайта": "inbound",
    "входящая заявка": "inbound",
    "электронная почта": "inbound",
    "e-mail": "inbound",
    "crm-форма": "inbound",
    "интернет-магазин": "inbound",
    "реклама": "inbound",
    "онлайн-чат": "inbound",
    "inbound": "inbound",
    "другое": "other",
    "other": "other",
}


def map_source(text: str) -> str:
    """The "how we sold" code of a CRM source; empty stays empty, anything unknown is other."""
    folded = fold(text)
    if not folded:
        return ""
    return SOURCE_WORDS.get(folded, "other")
