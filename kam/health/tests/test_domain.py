"""Pure health components, alerts and candidate rules: tables and properties (no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kam.health import domain
from kam.health.domain import Alert, ClientFacts, Side, Thresholds

TODAY = date(2026, 6, 30)
TH = Thresholds(
    stop_multiple=Decimal(3),
    stop_min_days=60,
    stop_min_purchases=3,
    share_drop_pp=Decimal(5),
    negative_contacts=3,
)
WEIGHTS = dict.fromkeys(domain.COMPONENTS, 10)


def facts(**kw: object) -> ClientFacts:
    base = ClientFacts(
        client_id=1,
        purchases=5,
        first_purchase=date(2023, 1, 10),
        last_purchase=TODAY - timedelta(days=10),
        median_gap_days=30.0,
        revenue_cur=Decimal(1000),
        revenue_prev=Decimal(1000),
        share_cur_pct=Decimal(10),
        share_prev_pct=Decimal(10),
        cadence_every_days=10,
        last_positive_contact=TODAY - timedelta(days=5),
        bank_entries=2,
        bank_balance=4,
        last_score=9,
        promoter_answers=1,
        critic_answers=0,
        negative_contacts=0,
        negative_contacts_year=0,
        open_complaints=0,
        complaints=0,
        roles_present=5,
        dossier_reviewed_in_time=True,
    )
    return replace(base, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("cur", "prev", "change", "quality"),
    [
        (100, 100, 0.0, 0.5),
        (200, 100, 100.0, 0.75),
        (0, 100, -100.0, 0.0),
        (50, 100, -50.0, 0.25),
        (100, 0, None, 1.0),
        (0, 0, None, None),
    ],
)
def test_trend_quality(cur: int, prev: int, change: float | None, quality: float | None) -> None:
    assert domain.trend_quality(Decimal(cur), Decimal(prev)) == (change, quality)


@pytest.mark.parametrize(
    ("silent", "gap", "quality"),
    [(10, 30, 1.0), (30, 30, 1.0), (60, 30, 0.5), (90, 30, 0.0), (400, 30, 0.0), (5, None, None)],
)
def test_recency_quality(silent: int, gap: float | None, quality: float | None) -> None:
    assert domain.recency_quality(silent, gap, multiple=Decimal(3)) == quality


@pytest.mark.parametrize(
    ("days_ago", "every", "overdue", "quality"),
    [
        (5, 10, 0, 1.0),
        (10, 10, 0, 1.0),
        (15, 10, 5, 0.5),
        (20, 10, 10, 0.0),
        (30, 10, 20, 0.0),
        (None, 10, 10, 0.0),
    ],
)
def test_cadence_quality(days_ago: int | None, every: int, overdue: int, quality: float) -> None:
    last = None if days_ago is None else TODAY - timedelta(days=days_ago)
    assert domain.cadence_quality(last, TODAY, every) == (overdue, quality)


def test_no_cadence_means_no_data() -> None:
    assert domain.cadence_quality(TODAY, TODAY, None) == (None, None)


@pytest.mark.parametrize(
    ("entries", "balance", "quality"),
    [(0, 0, None), (1, 0, 0.5), (3, 10, 1.0), (3, -10, 0.0), (3, 25, 1.0), (2, 5, 0.75)],
)
def test_bank_quality(entries: int, balance: int, quality: float | None) -> None:
    assert domain.bank_quality(entries, balance) == quality


@pytest.mark.parametrize(
    ("entries", "trend", "quality"),
    [(0, 3, None), (4, 0, 0.5), (4, 5, 1.0), (4, -5, 0.0), (4, 12, 1.0), (4, -1, 0.4)],
)
def test_bank_trend_quality(entries: int, trend: int, quality: float | None) -> None:
    assert domain.bank_trend_quality(entries, trend) == quality


@given(st.integers(min_value=1, max_value=500), st.integers(min_value=-500, max_value=500))
def test_bank_trend_is_shown_and_scored_with_the_balance(entries: int, trend: int) -> None:
    """Balance and trend are separate components: a falling trend lowers health even with a
    high balance, and a zero trend weight removes it."""
    f = facts(bank_entries=entries, bank_balance=10, bank_trend=trend)
    parts = domain.components_of(f, TODAY, TH)
    assert parts["bank_trend"][0] == trend
    quality = parts["bank_trend"][1]
    assert quality is not None
    assert 0 <= quality <= 1
    only = {name: int(name == "bank_trend") for name in domain.COMPONENTS}
    assert domain.score(parts, only)[0] == round(100 * quality)
    rising = domain.components_of(facts(bank_entries=entries, bank_trend=5), TODAY, TH)
    falling = domain.components_of(facts(bank_entries=entries, bank_trend=-5), TODAY, TH)
    assert domain.score(rising, WEIGHTS)[0] > domain.score(falling, WEIGHTS)[0]  # type: ignore[operator]
    zero = WEIGHTS | {"bank_trend": 0}
    assert domain.score(rising, zero)[0] == domain.score(falling, zero)[0]


def test_nps_complaints_dossier_tables() -> None:
    assert domain.nps_quality(None) is None
    assert domain.nps_quality(9) == 0.9
    with pytest.raises(ValueError, match="0…10"):
        domain.nps_quality(11)
    assert [domain.complaints_quality(n) for n in (0, 1, 2, 5)] == [1.0, 0.5, 0.0, 0.0]
    assert domain.dossier_quality(5, True) == (100, 1.0)
    assert domain.dossier_quality(2, True)[0] == 50
    assert domain.dossier_quality(0, False) == (0, 0.0)


def test_score_is_weighted_mean_and_points_add_up() -> None:
    parts = {"a": (1, 1.0), "b": (2, 0.0), "c": (None, None)}
    health, comps = domain.score(parts, {"a": 3, "b": 1, "c": 5})
    assert health == 75
    points = {c.name: c.points for c in comps}
    assert points == {"a": 75.0, "b": 0.0, "c": 0.0}


def test_score_without_any_weight_is_undefined() -> None:
    assert domain.score({"a": (1, 1.0)}, {"a": 0})[0] is None
    with pytest.raises(ValueError, match="negative"):
        domain.score({"a": (1, 1.0)}, {"a": -1})


qualities = st.one_of(st.none(), st.floats(min_value=0, max_value=1))
weights = st.integers(min_value=0, max_value=100)


@given(st.dictionaries(st.sampled_from(domain.COMPONENTS), st.tuples(qualities, weights)))
def test_health_within_0_100_and_points_sum_to_it(
    data: dict[str, tuple[float | None, int]],
) -> None:
    parts = {name: (None, q) for name, (q, _) in data.items()}
    health, comps = domain.score(parts, {name: w for name, (_, w) in data.items()})
    if health is not None:
        assert 0 <= health <= 100
        assert abs(sum(c.points for c in comps) - health) <= 0.5 + 0.05 * len(comps)


@given(st.dictionaries(st.sampled_from(domain.COMPONENTS), st.tuples(qualities, weights)))
def test_health_of_is_the_scores_health(data: dict[str, tuple[float | None, int]]) -> None:
    parts = {name: (None, q) for name, (q, _) in data.items()}
    w = {name: wt for name, (_, wt) in data.items()}
    assert domain.health_of(parts, w) == domain.score(parts, w)[0]


@given(
    st.dictionaries(st.sampled_from(domain.COMPONENTS), st.tuples(qualities, weights), min_size=2),
    st.floats(min_value=0, max_value=1),
)
def test_zero_weight_removes_a_component(
    data: dict[str, tuple[float | None, int]], other: float
) -> None:
    name = next(iter(data))
    w = {n: wt for n, (_, wt) in data.items()} | {name: 0}
    parts = {n: (None, q) for n, (q, _) in data.items()}
    changed = parts | {name: (None, other)}
    first, comps = domain.score(parts, w)
    assert first == domain.score(changed, w)[0]
    assert next(c for c in comps if c.name == name).points == 0.0


@given(st.integers(min_value=0, max_value=4000), st.floats(min_value=1, max_value=400))
def test_full_health_of_facts_stays_in_range(silent: int, gap: float) -> None:
    f = facts(last_purchase=TODAY - timedelta(days=silent), median_gap_days=gap)
    health, _ = domain.score(domain.components_of(f, TODAY, TH), WEIGHTS)
    assert health is not None
    assert 0 <= health <= 100


@pytest.mark.parametrize(
    ("purchases", "silent", "gap", "stopped"),
    [
        (5, 91, 30.0, True),  # > 3 × 30 and ≥ 60
        (5, 90, 30.0, False),  # exactly 3 × the gap is not more than it
        (5, 59, 10.0, False),  # > 3 × 10 but under 60 days
        (5, 60, 10.0, True),
        (2, 400, 30.0, False),  # not a regular buyer
        (3, 400, 30.0, True),
    ],
)
def test_stopped_buying(purchases: int, silent: int, gap: float, stopped: bool) -> None:
    f = facts(
        purchases=purchases, last_purchase=TODAY - timedelta(days=silent), median_gap_days=gap
    )
    assert domain.stopped_buying(f, TODAY, TH) is stopped
    assert (Alert.STOPPED_BUYING in domain.alerts(f, TODAY, TH)) is stopped


def test_share_drop_negative_run_and_critic_alerts() -> None:
    assert domain.alerts(facts(), TODAY, TH) == []
    f = facts(share_prev_pct=Decimal(15), share_cur_pct=Decimal(7))
    assert domain.alerts(f, TODAY, TH) == [Alert.SHARE_DROP]
    assert domain.alerts(facts(share_prev_pct=Decimal(15)), TODAY, TH) == []  # exactly 5 pp
    assert domain.alerts(facts(negative_contacts=4), TODAY, TH) == [Alert.NEGATIVE_CONTACTS]
    critic = facts(critic_answers=1, last_score=3)
    assert domain.alerts(critic, TODAY, TH) == [Alert.CRITIC_ANSWER]
    # A later promoter answer clears the critic alert.
    assert domain.alerts(facts(critic_answers=1, last_score=10), TODAY, TH) == []


NEW_SINCE = TODAY - timedelta(days=548)


def test_candidates_table() -> None:
    new = facts(first_purchase=TODAY - timedelta(days=200), purchases=4, promoter_answers=1)
    sat = domain.candidate(new, TODAY, TH, new_since=NEW_SINCE)
    assert sat is not None
    assert sat.side is Side.SATISFIED
    assert sat.evidence["repeat_purchases"] == 3
    assert sat.strength == 3 + 2
    assert domain.candidate(facts(), TODAY, TH, new_since=NEW_SINCE) is None  # old client
    assert domain.candidate(replace(new, open_complaints=1), TODAY, TH, new_since=NEW_SINCE) is None
    churn = facts(last_purchase=TODAY - timedelta(days=200), complaints=1, critic_answers=2)
    dis = domain.candidate(churn, TODAY, TH, new_since=NEW_SINCE)
    assert dis is not None
    assert dis.side is Side.DISSATISFIED
    assert dis.evidence == {
        "stopped_buying": True,
        "days_silent": 200,
        "median_gap_days": 30,
        "complaints": 1,
        "critic_answers": 2,
        "negative_contacts": 0,
        "share_drop_pp": 0.0,
    }
    assert dis.strength == 4


@given(
    st.integers(min_value=0, max_value=30),
    st.integers(min_value=0, max_value=3),
    st.integers(min_value=0, max_value=3),
    st.integers(min_value=0, max_value=6),
    st.integers(min_value=0, max_value=2),
    st.integers(min_value=0, max_value=1000),
    st.integers(min_value=0, max_value=2000),
    st.integers(min_value=0, max_value=30),
)
def test_never_on_both_sides(
    purchases: int,
    complaints: int,
    critics: int,
    negatives: int,
    promoters: int,
    silent: int,
    first_ago: int,
    drop: int,
) -> None:
    f = facts(
        purchases=purchases,
        complaints=complaints,
        open_complaints=complaints,
        critic_answers=critics,
        negative_contacts_year=negatives,
        promoter_answers=promoters,
        last_purchase=TODAY - timedelta(days=silent),
        first_purchase=TODAY - timedelta(days=max(first_ago, silent)),
        share_prev_pct=Decimal(drop),
        share_cur_pct=Decimal(0),
    )
    cand = domain.candidate(f, TODAY, TH, new_since=NEW_SINCE)
    evidence_of_trouble = (
        complaints or critics or negatives >= 3 or drop > 5 or domain.stopped_buying(f, TODAY, TH)
    )
    if evidence_of_trouble:
        assert cand is not None
        assert cand.side is Side.DISSATISFIED
    elif cand is not None:
        assert cand.side is Side.SATISFIED


def test_pareto_table() -> None:
    rows = domain.pareto({"сроки": 6, "цена": 2, "качество": 2, "прочее": 0})
    assert [(r.tag, r.count) for r in rows] == [("сроки", 6), ("качество", 2), ("цена", 2)]
    assert [r.cumulative_pct for r in rows] == [60.0, 80.0, 100.0]
    assert domain.pareto({}) == []


@given(st.dictionaries(st.text(min_size=1, max_size=5), st.integers(min_value=0, max_value=50)))
def test_pareto_is_ordered_and_ends_at_100(counts: dict[str, int]) -> None:
    rows = domain.pareto(counts)
    assert [r.count for r in rows] == sorted((r.count for r in rows), reverse=True)
    cumulative = [r.cumulative_pct for r in rows]
    assert cumulative == sorted(cumulative)
    if rows:
        assert cumulative[-1] == pytest.approx(100)


@given(
    st.integers(min_value=-5000, max_value=5000),
    st.integers(min_value=-5000, max_value=5000),
    st.one_of(st.none(), st.integers(min_value=0, max_value=900)),
    st.one_of(st.none(), st.floats(min_value=0, max_value=400)),
    st.one_of(st.none(), st.integers(min_value=0, max_value=200)),
    st.one_of(st.none(), st.integers(min_value=1, max_value=90)),
    st.integers(min_value=0, max_value=4),
    st.integers(min_value=-20, max_value=20),
    st.one_of(st.none(), st.integers(min_value=0, max_value=10)),
    st.integers(min_value=0, max_value=3),
    st.integers(min_value=0, max_value=5),
    st.booleans(),
    st.dictionaries(st.sampled_from(domain.COMPONENTS), st.integers(min_value=0, max_value=50)),
)
def test_fast_score_is_the_score(
    cur: int,
    prev: int,
    silent: int | None,
    gap: float | None,
    contacted: int | None,
    every: int | None,
    entries: int,
    balance: int,
    score: int | None,
    open_cases: int,
    roles: int,
    reviewed: bool,
    weights: dict[str, int],
) -> None:
    """The snapshot's `health_score` gives exactly the card's score (components summed)."""
    f = facts(
        revenue_cur=Decimal(cur),
        revenue_prev=Decimal(prev),
        last_purchase=None if silent is None else TODAY - timedelta(days=silent),
        median_gap_days=gap,
        last_positive_contact=None if contacted is None else TODAY - timedelta(days=contacted),
        cadence_every_days=every,
        bank_entries=entries,
        bank_balance=balance,
        bank_trend=balance // 2,
        last_score=score,
        open_complaints=open_cases,
        roles_present=roles,
        dossier_reviewed_in_time=reviewed,
    )
    expected = domain.score(domain.components_of(f, TODAY, TH), weights)[0]
    assert domain.health_score(f, TODAY, TH, weights) == expected
    assert domain.health_of(domain.components_of(f, TODAY, TH), weights) == expected
