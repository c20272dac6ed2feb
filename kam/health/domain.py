"""Pure rules of account health, churn alerts and contrast-analysis candidates (SPEC §8).

No Django here (STYLE §3). Selectors reduce revenue, contacts, answers and cases to a few
numbers per client (`ClientFacts`); these functions turn them into component qualities, a
0–100 score whose points add up to the score, alert codes and a candidate side. Every
threshold and weight is an admin setting passed in explicitly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

COMPONENTS = (
    "revenue_trend",
    "recency",
    "cadence",
    "bank",
    "bank_trend",
    "nps",
    "complaints",
    "dossier",
)
ESSENTIAL_ROLE_COUNT = 5  # essential buying-centre roles (kam.clients.domain.ESSENTIAL_ROLES)
BANK_SCALE = 10  # a balance of +10 or more is full quality, −10 or less is none
BANK_TREND_DAYS = 90  # the bank's trend: how the balance moved over this many days
BANK_TREND_SCALE = 5  # a rise of +5 or more in that time is full quality, a fall of −5 none
CRITIC_MAX = 6
PROMOTER_MIN = 9


class Alert(StrEnum):
    STOPPED_BUYING = "stopped_buying"
    SHARE_DROP = "share_drop"
    NEGATIVE_CONTACTS = "negative_contacts"
    CRITIC_ANSWER = "critic_answer"


class Side(StrEnum):
    SATISFIED = "satisfied"
    DISSATISFIED = "dissatisfied"


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Admin settings of the alerts and candidate rules."""

    stop_multiple: Decimal  # silent for more than this × the median gap …
    stop_min_days: int  # … and at least this many days
    stop_min_purchases: int  # only regular buyers (purchase dates)
    share_drop_pp: Decimal  # share fall between periods, percentage points
    negative_contacts: int  # negative contacts in the recent window that raise an alert


@dataclass(slots=True)  # not frozen: a snapshot builds one per client, frozen ones 2× slower
class ClientFacts:
    """Everything health needs about one client, already aggregated (one row per client).

    Periods: `revenue_cur` is the 12 months up to the date, `revenue_prev` the 12 before;
    shares are in percent of the company's revenue in the same periods.
    """

    client_id: int
    purchases: int  # distinct purchase dates up to the date
    first_purchase: date | None
    last_purchase: date | None
    median_gap_days: float | None  # median of gaps between consecutive purchase dates
    revenue_cur: Decimal
    revenue_prev: Decimal
    share_cur_pct: Decimal
    share_prev_pct: Decimal
    cadence_every_days: int | None  # None: no cadence applies to this client
    last_positive_contact: date | None
    bank_entries: int
    bank_balance: int
    last_score: int | None  # the latest NPS answer's score
    promoter_answers: int
    critic_answers: int  # critic answers in the recent window
    negative_contacts: int  # negative contacts in the last 30 days (alerts)
    negative_contacts_year: int  # negative contacts in the last 12 months (contrast analysis)
    open_complaints: int
    complaints: int  # complaint cases opened in the analysis window
    roles_present: int  # essential buying-centre roles named among active contacts
    dossier_reviewed_in_time: bool
    bank_trend: int = 0  # balance change over the last BANK_TREND_DAYS (deposits − withdrawals)


@dataclass(slots=True)  # not frozen: a list builds eight per client, frozen ones 5× slower
class Component:
    """One named part of the score: its shown value, its quality 0…1 (None = no data) and
    the points it adds to the score."""

    name: str
    value: float | int | None
    quality: float | None
    points: float


def _clamp(x: float) -> float:
    return max(0.0, min(1.0, x))


def trend_quality(revenue_cur: Decimal, revenue_prev: Decimal) -> tuple[float | None, float | None]:
    """(change in % or None, quality): quality = (1 + Δ / max(cur, prev)) / 2, so a flat
    revenue is 0.5, a doubled one 0.75, a lost one 0; no revenue at all → no data. The
    division is of floats (each sum converted once), as the SQL scoring does it."""
    top = max(revenue_cur, revenue_prev)
    if top <= 0:
        return None, None
    change = None if revenue_prev <= 0 else float((revenue_cur - revenue_prev) * 100 / revenue_prev)
    return change, _clamp((1 + float(revenue_cur - revenue_prev) / float(top)) / 2)


def days_silent(last_purchase: date | None, today: date) -> int | None:
    return None if last_purchase is None else (today - last_purchase).days


def recency_quality(
    silent: int | None, median_gap: float | None, *, multiple: Decimal
) -> float | None:
    """1 while the silence is within the client's usual (median) gap, falling linearly to 0 at
    `multiple` × that gap; no data without at least one gap."""
    if silent is None or median_gap is None or median_gap <= 0:
        return None
    limit = float(multiple) * median_gap
    if silent <= median_gap:
        return 1.0
    if limit <= median_gap:
        return 0.0
    return _clamp(1 - (silent - median_gap) / (limit - median_gap))


def cadence_quality(
    last_positive: date | None, today: date, every_days: int | None
) -> tuple[int | None, float | None]:
    """(days overdue, quality): 1 when within the cadence, 0 after one more full period overdue.
    A client never contacted positively is one period overdue (as the cadence rule counts it)."""
    if every_days is None or every_days < 1:
        return None, None
    if last_positive is None:
        overdue = every_days
    else:
        overdue = max(0, (today - last_positive).days - every_days)
    return overdue, _clamp(1 - overdue / every_days)


def bank_quality(entries: int, balance: int) -> float | None:
    """0.5 at a zero balance, 1 at +BANK_SCALE or more, 0 at −BANK_SCALE or less."""
    if entries == 0:
        return None
    return _clamp((balance + BANK_SCALE) / (2 * BANK_SCALE))


def bank_trend_quality(entries: int, trend: int) -> float | None:
    """How the balance moved lately: 0.5 when flat, 1 at +BANK_TREND_SCALE or more, 0 at
    −BANK_TREND_SCALE or less; no data for a client without any bank entry."""
    if entries == 0:
        return None
    return _clamp((trend + BANK_TREND_SCALE) / (2 * BANK_TREND_SCALE))


def nps_quality(last_score: int | None) -> float | None:
    """The latest answer's score / 10; no answer → no data."""
    if last_score is None:
        return None
    if not 0 <= last_score <= 10:
        raise ValueError("an NPS score lies in 0…10")
    return last_score / 10


def complaints_quality(open_cases: int) -> float:
    """1 without open complaint cases, 0.5 with one, 0 with two or more."""
    if open_cases < 0:
        raise ValueError("a count is never negative")
    return _clamp(1 - open_cases / 2)


def dossier_quality(roles_present: int, reviewed_in_time: bool) -> tuple[int, float]:
    """(completeness %, quality): essential buying-centre roles named plus a timely review,
    each one part of six."""
    if not 0 <= roles_present <= ESSENTIAL_ROLE_COUNT:
        raise ValueError("roles_present out of range")
    quality = (roles_present + int(reviewed_in_time)) / (ESSENTIAL_ROLE_COUNT + 1)
    return round(quality * 100), quality


def score(
    parts: Mapping[str, tuple[float | int | None, float | None]], weights: Mapping[str, int]
) -> tuple[int | None, list[Component]]:
    """Health 0…100 = 100 · Σ wᵢqᵢ / Σ wᵢ over components with data and a positive weight.

    Each component's points = 100 · wᵢqᵢ / Σ wᵢ, so the points add up to the score (before
    rounding). A zero weight or no data leaves a component out of both sums. None when no
    component counts.
    """
    if any(w < 0 for w in weights.values()):
        raise ValueError("weights are never negative")
    counted = {
        name: (q, weights.get(name, 0))
        for name, (_, q) in parts.items()
        if q is not None and weights.get(name, 0) > 0
    }
    total = sum(w for _, w in counted.values())
    components = []
    for name, (value, quality) in parts.items():
        points = 0.0
        if name in counted and total:
            points = 100 * weights[name] * counted[name][0] / total
        components.append(Component(name, value, quality, round(points, 1)))
    if not total:
        return None, components
    health = round(100 * sum(q * w for q, w in counted.values()) / total)
    return max(0, min(100, health)), components


def health_of(
    parts: Mapping[str, tuple[float | int | None, float | None]], weights: Mapping[str, int]
) -> int | None:
    """`score(parts, weights)[0]` without building the components (daily snapshots score
    every client)."""
    return _weighted_score(((name, quality) for name, (_, quality) in parts.items()), weights)


def components_of(
    facts: ClientFacts, today: date, th: Thresholds
) -> dict[str, tuple[float | int | None, float | None]]:
    """(shown value, quality) of every component of one client."""
    change, trend = trend_quality(facts.revenue_cur, facts.revenue_prev)
    silent = days_silent(facts.last_purchase, today)
    overdue, cadence = cadence_quality(facts.last_positive_contact, today, facts.cadence_every_days)
    completeness, dossier = dossier_quality(facts.roles_present, facts.dossier_reviewed_in_time)
    return {
        "revenue_trend": (None if change is None else round(change, 1), trend),
        "recency": (
            silent,
            recency_quality(silent, facts.median_gap_days, multiple=th.stop_multiple),
        ),
        "cadence": (overdue, cadence),
        "bank": (
            facts.bank_balance if facts.bank_entries else None,
            bank_quality(facts.bank_entries, facts.bank_balance),
        ),
        "bank_trend": (
            facts.bank_trend if facts.bank_entries else None,
            bank_trend_quality(facts.bank_entries, facts.bank_trend),
        ),
        "nps": (facts.last_score, nps_quality(facts.last_score)),
        "complaints": (facts.open_complaints, complaints_quality(facts.open_complaints)),
        "dossier": (completeness, dossier),
    }


def health_score(
    facts: ClientFacts, today: date, th: Thresholds, weights: Mapping[str, int]
) -> int | None:
    """`health_of(components_of(facts, today, th), weights)` without the shown values (a
    snapshot scores every client): the same qualities, added in the same order."""
    top = max(facts.revenue_cur, facts.revenue_prev)
    trend = (
        None
        if top <= 0
        else _clamp((1 + float(facts.revenue_cur - facts.revenue_prev) / float(top)) / 2)
    )
    last = facts.last_purchase
    silent = None if last is None else (today - last).days
    qualities: tuple[tuple[str, float | None], ...] = (
        ("revenue_trend", trend),
        ("recency", recency_quality(silent, facts.median_gap_days, multiple=th.stop_multiple)),
        (
            "cadence",
            cadence_quality(facts.last_positive_contact, today, facts.cadence_every_days)[1],
        ),
        ("bank", bank_quality(facts.bank_entries, facts.bank_balance)),
        ("bank_trend", bank_trend_quality(facts.bank_entries, facts.bank_trend)),
        ("nps", nps_quality(facts.last_score)),
        ("complaints", complaints_quality(facts.open_complaints)),
        ("dossier", dossier_quality(facts.roles_present, facts.dossier_reviewed_in_time)[1]),
    )
    return _weighted_score(qualities, weights)


def _weighted_score(
    qualities: Iterable[tuple[str, float | None]], weights: Mapping[str, int]
) -> int | None:
    """0–100: the weighted mean of the known qualities (0..1); None when no weighted one is
    known. A weight of zero removes its component."""
    total = 0
    weighted = 0.0
    for name, quality in qualities:
        w = weights.get(name, 0)
        if w < 0:
            raise ValueError("weights are never negative")
        if quality is not None and w > 0:
            total += w
            weighted += quality * w
    if not total:
        return None
    return max(0, min(100, round(100 * weighted / total)))


def stopped_buying(facts: ClientFacts, today: date, th: Thresholds) -> bool:
    """A regular buyer (≥ stop_min_purchases purchase dates) silent for more than
    stop_multiple × its own median gap and at least stop_min_days."""
    silent = days_silent(facts.last_purchase, today)
    if silent is None or facts.median_gap_days is None or facts.purchases < th.stop_min_purchases:
        return False
    return silent > float(th.stop_multiple) * facts.median_gap_days and silent >= th.stop_min_days


def share_drop_pp(facts: ClientFacts) -> Decimal:
    """Fall of the revenue share between the periods in percentage points (0 when it grew)."""
    return max(Decimal(0), facts.share_prev_pct - facts.share_cur_pct)


def critic_now(facts: ClientFacts) -> bool:
    """The latest answer is a critic's (0…6) and lies in the recent window; a later,
    better answer clears it."""
    return (
        facts.critic_answers > 0 and facts.last_score is not None and facts.last_score <= CRITIC_MAX
    )


def alerts(facts: ClientFacts, today: date, th: Thresholds) -> list[Alert]:
    """Alert codes of one client, in a fixed order."""
    found = []
    if stopped_buying(facts, today, th):
        found.append(Alert.STOPPED_BUYING)
    if share_drop_pp(facts) > th.share_drop_pp:
        found.append(Alert.SHARE_DROP)
    if facts.negative_contacts >= th.negative_contacts:
        found.append(Alert.NEGATIVE_CONTACTS)
    if critic_now(facts):
        found.append(Alert.CRITIC_ANSWER)
    return found


@dataclass(frozen=True, slots=True)
class Candidate:
    client_id: int
    side: Side
    strength: int
    evidence: dict[str, object]


def candidate(
    facts: ClientFacts, today: date, th: Thresholds, *, new_since: date
) -> Candidate | None:
    """Which side of the contrast analysis a client is a candidate for, with its evidence.

    Dissatisfied: stopped buying, a complaint case, a critic answer, at least the alert's
    number of negative contacts within a year, or a share drop above the threshold.
    Satisfied: first purchase on or after `new_since`, no open complaint, no dissatisfaction
    fact, and repeat purchases, a promoter answer or growing revenue. Any dissatisfaction
    fact wins, so a client is never on both sides.
    """
    stopped = stopped_buying(facts, today, th)
    drop = share_drop_pp(facts)
    dropped = drop > th.share_drop_pp
    negatives = (
        facts.negative_contacts_year if facts.negative_contacts_year >= th.negative_contacts else 0
    )
    facts_count = int(stopped) + facts.complaints + facts.critic_answers + negatives + int(dropped)
    if facts_count:
        silent = days_silent(facts.last_purchase, today)
        return Candidate(
            facts.client_id,
            Side.DISSATISFIED,
            facts_count,
            {
                "stopped_buying": stopped,
                "days_silent": silent,
                "median_gap_days": None
                if facts.median_gap_days is None
                else round(facts.median_gap_days),
                "complaints": facts.complaints,
                "critic_answers": facts.critic_answers,
                "negative_contacts": facts.negative_contacts_year,
                "share_drop_pp": float(round(drop, 1)) if dropped else 0.0,
            },
        )
    if facts.first_purchase is None or facts.first_purchase < new_since or facts.open_complaints:
        return None
    repeats = max(0, facts.purchases - 1)
    growing = facts.revenue_prev > 0 and facts.revenue_cur > facts.revenue_prev
    strength = repeats + 2 * facts.promoter_answers + 2 * int(growing)
    if not strength:
        return None
    return Candidate(
        facts.client_id,
        Side.SATISFIED,
        strength,
        {
            "first_purchase": facts.first_purchase.isoformat(),
            "repeat_purchases": repeats,
            "promoter_answers": facts.promoter_answers,
            "last_score": facts.last_score,
            "revenue_growth": growing,
        },
    )


@dataclass(frozen=True, slots=True)
class ParetoRow:
    tag: str
    count: int
    share_pct: float
    cumulative_pct: float


def pareto(cause_counts: Mapping[str, int]) -> list[ParetoRow]:
    """Cause tags by count (ties by name), each with its share and the cumulative share in %
    (the building block of the contrast analysis' synthesis; the last row reaches 100)."""
    if any(n < 0 for n in cause_counts.values()):
        raise ValueError("a count is never negative")
    total = sum(cause_counts.values())
    rows = []
    running = 0
    for tag, count in sorted(cause_counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if not count:
            continue
        running += count
        rows.append(ParetoRow(tag, count, 100 * count / total, 100 * running / total))
    return rows
