"""Pure funnel rules: Wilson bounds against published values, and invariants (no database)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kam.deals import domain as d
from kam.deals.domain import DealFacts, FunnelCounts

# Newcombe (1998), "Two-sided confidence intervals for the single proportion", Statistics in
# Medicine 17:857–872, Table I, method 3 (Wilson score without continuity correction).
NEWCOMBE = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0, 0.1611),
    (1, 29, 0.0061, 0.1718),
]


@pytest.mark.parametrize(("k", "n", "low", "high"), NEWCOMBE)
def test_wilson_matches_newcombes_published_bounds(k: int, n: int, low: float, high: float) -> None:
    r = d.wilson(k, n)
    assert round(r.low, 4) == low
    assert round(r.high, 4) == high
    assert r.value == k / n


def test_wilson_at_all_successes_reaches_one() -> None:
    r = d.wilson(20, 20)
    assert r.high == 1.0
    assert round(r.low, 4) == round(1 - 0.1611, 4)  # the mirror of 0/20


@pytest.mark.parametrize(("k", "n"), [(0, 0), (-1, 5), (6, 5)])
def test_wilson_refuses_impossible_counts(k: int, n: int) -> None:
    with pytest.raises(ValueError):
        d.wilson(k, n)


def test_seed_real_estate_funnel() -> None:
    # Seed 002: 100 consultations → 6 visits → 2 deals (1–2 out of 5 visits).
    rates = d.funnel_rates(FunnelCounts(100, 6, 2))
    cm, mw = rates["consultation_meeting"], rates["meeting_won"]
    assert cm is not None
    assert mw is not None
    assert cm.value == 0.06
    assert mw.value == pytest.approx(1 / 3)
    assert cm.n == 100
    assert mw.n == 6
    assert d.is_indicative(mw.n, min_n=30)
    assert not d.is_indicative(cm.n, min_n=30)


def test_counts_that_grow_along_the_funnel_are_refused() -> None:
    with pytest.raises(ValueError, match="must not grow"):
        FunnelCounts(10, 11, 0)
    with pytest.raises(ValueError, match="must not grow"):
        FunnelCounts(10, 3, 4)


def test_top_manager_loses_nothing_and_weak_one_loses_on_consultation_to_meeting() -> None:
    best = FunnelCounts(200, 30, 9)  # 15% to a meeting, 30% of meetings won
    weak = FunnelCounts(200, 10, 3)  # 5% to a meeting, the same 30% after it
    losses = d.losses_against_best(weak, best)
    assert losses["consultation_meeting"].lost_entries == pytest.approx(20)
    assert losses["consultation_meeting"].lost_deals == pytest.approx(6)
    assert losses["meeting_won"].lost_deals == pytest.approx(0)
    assert losses["consultation_meeting"].clear
    assert d.weakest_step(losses) == "consultation_meeting"
    assert d.weakest_step(d.losses_against_best(best, best)) is None


def test_weak_closer_loses_on_meeting_to_deal() -> None:
    best = FunnelCounts(100, 20, 10)
    closer = FunnelCounts(100, 20, 2)
    assert d.weakest_step(d.losses_against_best(closer, best)) == "meeting_won"


def test_best_prefers_evidence_over_a_lucky_few() -> None:
    groups = [("lucky", FunnelCounts(2, 2, 2)), ("steady", FunnelCounts(200, 60, 30))]
    assert d.best_of(groups, min_n=30) == "steady"
    assert d.best_of([("a", FunnelCounts(3, 1, 1))], min_n=30) == "a"
    assert d.best_of([("a", d.EMPTY)], min_n=30) is None


def test_overlapping_managers_are_not_ranked() -> None:
    a = d.wilson(10, 40)
    b = d.wilson(12, 40)
    c = d.wilson(90, 100)
    ranks = d.rank_managers([("a", a), ("b", b), ("c", c)])
    assert ranks == {"c": 1, "a": None, "b": None}


def test_stage_map_file_with_header_and_problems() -> None:
    rows = [
        ["stage", "step"],
        ["Показ квартиры", "meeting"],
        ["Бронь", "предложение"],
        ["Оплачено", "won"],
        ["Бронь", "lost"],
        ["Странное", "куда-то"],
        ["только одна колонка"],
    ]
    mapping, problems = d.parse_stage_map(rows)
    assert mapping == {"показ квартиры": "meeting", "бронь": "proposal", "оплачено": "won"}
    assert [(p.line, p.code) for p in problems] == [
        (5, "stage_twice"),
        (6, "unknown_step"),
        (7, "two_columns"),
    ]


def test_stage_map_without_header() -> None:
    mapping, problems = d.parse_stage_map([["Консультация", "consultation"]])
    assert mapping == {"консультация": "consultation"}
    assert not problems


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("По рекомендации", "referral"),
        ("  ТЕНДЕР ", "tender"),
        ("Веб-сайт", "inbound"),
        ("Новый регион", "new_region"),
        ("Контакт сменил работу", "moved_contact"),
        ("Выставка", "other"),
        ("", ""),
    ],
)
def test_sources_map_onto_how_we_sold(text: str, code: str) -> None:
    assert d.map_source(text) == code


def test_reached_rank_takes_the_history() -> None:
    assert d.reached_rank("lost") == 0
    assert d.reached_rank("lost", ["consultation", "proposal"]) == 2
    assert d.status_of(d.Step.PROPOSAL) == "open"


MEETINGS = [date(2026, 2, 1), date(2026, 3, 1), date(2026, 3, 1), date(2026, 5, 10)]


@pytest.mark.parametrize(
    ("created", "closed", "first"),
    [
        (date(2026, 1, 1), None, date(2026, 2, 1)),
        (date(2026, 2, 1), None, date(2026, 2, 1)),  # the day of creation counts
        (date(2026, 2, 2), None, date(2026, 3, 1)),
        (date(2026, 2, 2), date(2026, 3, 1), date(2026, 3, 1)),  # so does the day of close
        (date(2026, 2, 2), date(2026, 2, 28), None),
        (date(2026, 5, 11), None, None),
        (date(2026, 1, 1), date(2026, 1, 31), None),
    ],
)
def test_first_meeting_during_a_deals_life(
    created: date, closed: date | None, first: date | None
) -> None:
    assert d.first_meeting(MEETINGS, created, closed) == first
    assert d.first_meeting([], created, closed) is None


@given(
    st.lists(st.integers(0, 60), max_size=8),
    st.integers(0, 60),
    st.none() | st.integers(0, 30),
)
def test_first_meeting_is_the_earliest_inside_the_life(
    offsets: list[int], start: int, length: int | None
) -> None:
    day0 = date(2026, 1, 1)
    meetings = sorted(day0 + timedelta(days=o) for o in offsets)
    created = day0 + timedelta(days=start)
    closed = None if length is None else created + timedelta(days=length)
    inside = [m for m in meetings if created <= m and (closed is None or m <= closed)]
    assert d.first_meeting(meetings, created, closed) == (min(inside) if inside else None)


def test_reference_position() -> None:
    assert d.reference_position(0.04, low=0.05, high=0.07) is d.Position.BELOW
    assert d.reference_position(0.06, low=0.05, high=0.07) is d.Position.WITHIN
    assert d.reference_position(0.9, low=None, high=0.7) is d.Position.ABOVE
    assert d.reference_position(0.0, low=None, high=0.7) is d.Position.WITHIN


# --- properties ----------------------------------------------------------------------------


@st.composite
def successes_of_n(draw: st.DrawFn) -> tuple[int, int]:
    n = draw(st.integers(min_value=1, max_value=100_000))
    return draw(st.integers(min_value=0, max_value=n)), n


@given(successes_of_n())
def test_wilson_interval_holds_the_point_inside_zero_one(kn: tuple[int, int]) -> None:
    r = d.wilson(*kn)
    assert 0.0 <= r.low <= r.value <= r.high <= 1.0


@given(successes_of_n())
def test_wilson_narrows_with_four_times_the_deals(kn: tuple[int, int]) -> None:
    k, n = kn
    small, big = d.wilson(k, n), d.wilson(4 * k, 4 * n)
    assert big.high - big.low <= small.high - small.low + 1e-12


facts = st.builds(
    DealFacts,
    manager=st.integers(min_value=1, max_value=4),
    rank=st.integers(min_value=0, max_value=3),
    won=st.booleans(),
    meeting_logged=st.booleans(),
)


@given(st.lists(facts, max_size=200))
def test_counted_funnels_never_grow_and_rates_stay_in_range(deals: list[DealFacts]) -> None:
    counts = d.count_funnel(deals)
    assert sum(c.consultation for c in counts.values()) == len(deals)
    for c in counts.values():
        assert c.consultation >= c.meeting >= c.won  # FunnelCounts checks it too
        for r in d.funnel_rates(c).values():
            assert r is None or 0.0 <= r.low <= r.value <= r.high <= 1.0


@given(st.lists(facts, min_size=1, max_size=200))
def test_the_best_loses_nothing_against_itself(deals: list[DealFacts]) -> None:
    counts = d.count_funnel(deals)
    best = d.best_of(list(counts.items()), min_n=30)
    assert best is not None
    losses = d.losses_against_best(counts[best], counts[best])
    assert all(loss.lost_deals == 0 and not loss.clear for loss in losses.values())
    for own in counts.values():
        for loss in d.losses_against_best(own, counts[best]).values():
            assert loss.lost_deals >= 0
            assert loss.lost_entries >= 0
