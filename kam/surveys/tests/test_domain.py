"""Tests for kam.surveys.domain (SPEC §5): plain pytest + hypothesis, no Django, no DB."""

from __future__ import annotations

import functools
import math
from typing import Any

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kam.surveys.domain import (
    Interval,
    NpsClass,
    NpsCounts,
    classify_score,
    counts_from_scores,
    critical_value,
    enps_visible,
    enps_visible_groups,
    histogram,
    intervals_overlap,
    is_indicative,
    is_significant_change,
    nps,
    nps_interval,
    rank_groups,
    repeat_purchase_rate,
    standard_error,
    t_quantile,
    z_quantile,
)

WORKED = NpsCounts(promoters=22, neutrals=12, critics=6)

counts_st = st.builds(
    NpsCounts,
    promoters=st.integers(0, 2000),
    neutrals=st.integers(0, 2000),
    critics=st.integers(0, 2000),
).filter(lambda c: c.n > 0)


def width(interval: Interval) -> float:
    return interval.high - interval.low


# --- classification ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (0, NpsClass.CRITIC),
        (6, NpsClass.CRITIC),
        (7, NpsClass.NEUTRAL),
        (8, NpsClass.NEUTRAL),
        (9, NpsClass.PROMOTER),
        (10, NpsClass.PROMOTER),
    ],
)
def test_score_boundaries_classify_as_spec(score: int, expected: NpsClass) -> None:
    assert classify_score(score) is expected


@pytest.mark.parametrize("bad", [-1, 11, 7.0, True, False, "7", None])
def test_anything_but_an_integer_0_to_10_is_rejected(bad: object) -> None:
    with pytest.raises(ValueError, match="integer 0-10"):
        classify_score(bad)  # type: ignore[arg-type]


def test_class_values_are_stable_strings() -> None:
    assert [c.value for c in NpsClass] == ["critic", "neutral", "promoter"]


def test_counts_from_scores_tallies_each_class() -> None:
    counts = counts_from_scores([0, 6, 7, 8, 9, 10, 10])
    assert counts == NpsCounts(promoters=3, neutrals=2, critics=2)
    assert counts.n == 7


def test_counts_from_scores_rejects_a_non_score() -> None:
    with pytest.raises(ValueError, match="integer 0-10"):
        counts_from_scores([9, 9.5])  # type: ignore[list-item]


@pytest.mark.parametrize("bad", [-1, 1.0, True])
def test_counts_reject_negative_or_non_integer(bad: object) -> None:
    with pytest.raises(ValueError, match="non-negative integer"):
        NpsCounts(promoters=bad, neutrals=0, critics=0)  # type: ignore[arg-type]


def test_histogram_has_eleven_bins_indexed_by_score() -> None:
    assert histogram([]) == [0] * 11
    assert histogram([0, 10, 10, 7]) == [1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 2]
    with pytest.raises(ValueError, match="integer 0-10"):
        histogram([11])


# --- NPS ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        (NpsCounts(promoters=22, neutrals=12, critics=6), 40.0),
        (NpsCounts(promoters=10, neutrals=0, critics=0), 100.0),
        (NpsCounts(promoters=0, neutrals=0, critics=3), -100.0),
        (NpsCounts(promoters=0, neutrals=5, critics=0), 0.0),
        (NpsCounts(promoters=1, neutrals=1, critics=1), 0.0),
        (NpsCounts(promoters=41, neutrals=12, critics=7), 100 * 34 / 60),
    ],
)
def test_nps_is_percent_promoters_minus_percent_critics(counts: NpsCounts, expected: float) -> None:
    assert nps(counts) == pytest.approx(expected)


def test_nps_without_answers_is_undefined() -> None:
    with pytest.raises(ValueError, match="without answers"):
        nps(NpsCounts(promoters=0, neutrals=0, critics=0))


@given(counts_st)
@settings(max_examples=200)
def test_nps_lies_in_minus_100_to_100(counts: NpsCounts) -> None:
    assert -100 <= nps(counts) <= 100


# --- critical values ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("df", "expected"),
    [(1, 12.706), (2, 4.303), (3, 3.182), (5, 2.571), (10, 2.228), (29, 2.045), (31, 2.040)],
)
def test_t_quantile_matches_the_printed_table(df: int, expected: float) -> None:
    assert t_quantile(0.975, df) == pytest.approx(expected, abs=5e-4)


def test_t_quantile_is_symmetric_and_zero_at_the_median() -> None:
    assert t_quantile(0.5, 7) == pytest.approx(0.0, abs=1e-9)
    assert t_quantile(0.025, 7) == pytest.approx(-t_quantile(0.975, 7))


@pytest.mark.parametrize(("p", "df"), [(0.0, 5), (1.0, 5), (0.9, 0), (0.9, 2.0)])
def test_t_quantile_rejects_bad_arguments(p: float, df: int) -> None:
    with pytest.raises(ValueError):
        t_quantile(p, df)


@functools.cache
def _reference_t_quantile(p: float, df: int) -> float:
    """Student t quantile at 30 digits with mpmath (a dev dependency, so this always runs):
    P(T ≤ t) = 1 − I_{df/(df+t²)}(df/2, 1/2)/2 for t ≥ 0 (regularized incomplete beta),
    bisected on [0, 1024] to a narrow bracket, then solved by the secant method."""
    if p < 0.5:
        return -_reference_t_quantile(1 - p, df)
    with mpmath.workdps(30):
        half = mpmath.mpf(1) / 2

        def cdf_minus_p(t: Any) -> Any:
            x = df / (df + t * t)
            return 1 - mpmath.betainc(df * half, half, 0, x, regularized=True) / 2 - p

        low, high = mpmath.mpf(0), mpmath.mpf(1024)
        for _ in range(24):
            middle = (low + high) / 2
            low, high = (middle, high) if cdf_minus_p(middle) < 0 else (low, middle)
        tolerance = mpmath.mpf(10) ** -24
        return float(mpmath.findroot(cdf_minus_p, (low, high), solver="secant", tol=tolerance))


T_GRID = [
    (p, df)
    for df in [*range(1, 40), 60, 100, 500]
    for p in (0.55, 0.8, 0.9, 0.95, 0.975, 0.99, 0.995, 0.9995, 0.1, 0.025)
]


@pytest.mark.parametrize(("p", "df"), T_GRID)
def test_t_quantile_agrees_with_a_high_precision_reference(p: float, df: int) -> None:
    assert t_quantile(p, df) == pytest.approx(_reference_t_quantile(p, df), rel=1e-8)


@pytest.mark.parametrize("p", [0.55, 0.9, 0.975, 0.9995, 0.025])
def test_t_quantile_closed_forms_for_one_and_two_degrees_of_freedom(p: float) -> None:
    # df 1 is the Cauchy distribution; df 2 has t = (2p − 1) / √(2p(1 − p)).
    assert t_quantile(p, 1) == pytest.approx(math.tan(math.pi * (p - 0.5)), rel=1e-8)
    assert t_quantile(p, 2) == pytest.approx((2 * p - 1) / math.sqrt(2 * p * (1 - p)), rel=1e-8)


def test_z_quantile_gives_the_usual_normal_values() -> None:
    assert z_quantile(0.975) == pytest.approx(1.959964, abs=1e-6)
    assert z_quantile(0.95) == pytest.approx(1.644854, abs=1e-6)
    assert z_quantile(0.005) == pytest.approx(-2.575829, abs=1e-6)


def test_critical_value_uses_t_with_n_plus_2_df_below_30_and_z_from_30() -> None:
    assert critical_value(27, confidence=0.95) == pytest.approx(2.045, abs=5e-4)  # df 29
    assert critical_value(29, confidence=0.95) == pytest.approx(t_quantile(0.975, 31))
    assert critical_value(30, confidence=0.95) == pytest.approx(1.959964, abs=1e-6)
    assert critical_value(1, confidence=0.95) == pytest.approx(t_quantile(0.975, 3))


# --- adjusted Wald interval ----------------------------------------------------------------------


def test_worked_example_n40_gives_raw_40_and_interval_15_1_to_59_3() -> None:
    interval = nps_interval(WORKED)
    assert nps(WORKED) == 40.0
    assert interval.low == pytest.approx(15.1, abs=0.05)
    assert interval.high == pytest.approx(59.3, abs=0.05)
    assert interval.method == "adjusted-wald"


def test_interval_is_centred_on_the_adjusted_point_not_the_raw_one() -> None:
    interval = nps_interval(WORKED)
    adjusted = 100 * (22.75 - 6.75) / 43
    assert (interval.low + interval.high) / 2 == pytest.approx(adjusted)
    # Centring on the raw +40 would give [17.9, 62.1], which is not the worked example.
    assert interval.low != pytest.approx(17.9, abs=0.05)


def test_standard_error_of_worked_example_by_hand() -> None:
    p_p, p_c = 22.75 / 43, 6.75 / 43
    expected = 100 * math.sqrt((p_p + p_c - (p_p - p_c) ** 2) / 43)
    assert standard_error(WORKED) == pytest.approx(expected)
    assert standard_error(WORKED) == pytest.approx(11.285, abs=1e-3)


def test_small_sample_uses_a_wider_t_interval() -> None:
    small = NpsCounts(promoters=11, neutrals=6, critics=3)  # n = 20 < 30
    half = width(nps_interval(small)) / 2
    assert half == pytest.approx(t_quantile(0.975, 22) * standard_error(small))


def test_interval_is_clipped_to_minus_100_and_100() -> None:
    assert nps_interval(NpsCounts(promoters=1, neutrals=0, critics=0)).high == 100.0
    assert nps_interval(NpsCounts(promoters=0, neutrals=0, critics=1)).low == -100.0


def test_higher_confidence_gives_a_wider_interval() -> None:
    assert width(nps_interval(WORKED, confidence=0.99)) > width(nps_interval(WORKED))
    assert width(nps_interval(WORKED, confidence=0.80)) < width(nps_interval(WORKED))


@pytest.mark.parametrize("confidence", [0.0, 1.0, 95.0, -0.5])
def test_interval_rejects_a_confidence_outside_0_1(confidence: float) -> None:
    with pytest.raises(ValueError, match="strictly between"):
        nps_interval(WORKED, confidence=confidence)


def test_interval_without_answers_is_undefined() -> None:
    with pytest.raises(ValueError, match="without answers"):
        nps_interval(NpsCounts(promoters=0, neutrals=0, critics=0))


# --- finite-population correction ---------------------------------------------------------------


def test_fpc_narrows_the_interval_when_answers_are_most_of_the_base() -> None:
    plain = nps_interval(WORKED)
    book = nps_interval(WORKED, population=60)
    assert width(book) < width(plain)
    factor = math.sqrt((60 - 40) / (60 - 1))
    assert width(book) == pytest.approx(width(plain) * factor)
    assert standard_error(WORKED, population=60) == pytest.approx(standard_error(WORKED) * factor)


def test_fpc_is_stronger_the_closer_the_base_is_to_n() -> None:
    widths = [width(nps_interval(WORKED, population=pop)) for pop in (400, 100, 60, 45, 41)]
    assert widths == sorted(widths, reverse=True)
    assert len(set(widths)) == len(widths)


def test_fpc_is_ignored_at_or_below_5_percent_of_the_base() -> None:
    plain = nps_interval(WORKED)
    assert nps_interval(WORKED, population=800) == plain  # 40/800 = 5% exactly
    assert nps_interval(WORKED, population=10_000) == plain
    assert width(nps_interval(WORKED, population=799)) < width(plain)  # just above 5%


def test_census_collapses_the_interval_to_the_raw_point() -> None:
    census = nps_interval(WORKED, population=40)
    assert census.low == census.high == pytest.approx(nps(WORKED))
    # One critic out of a base of one: −100 exactly, not the adjusted −25 (a bug seen on the
    # NPS page as «−25,0 … −25,0» beside an NPS of −100).
    one = nps_interval(NpsCounts(promoters=0, neutrals=0, critics=1), population=1)
    assert one.low == one.high == -100.0


def test_near_a_census_the_interval_keeps_the_raw_point() -> None:
    counts = NpsCounts(promoters=58, neutrals=0, critics=0)
    interval = nps_interval(counts, population=60)
    assert interval.high == 100.0  # raw NPS is 100
    # Independently: FPC = √(2/59); adjusted centre 100·(58.75 − 0.75)/61; z = 1.96 (n ≥ 30).
    fpc = math.sqrt(2 / 59)
    p_p, p_c = 58.75 / 61, 0.75 / 61
    se = 100 * math.sqrt((p_p + p_c - (p_p - p_c) ** 2) / 61) * fpc
    centre = 100 + fpc * (100 * (p_p - p_c) - 100)
    assert interval.low == pytest.approx(centre - critical_value(58, confidence=0.95) * se)


@given(counts_st, st.integers(0, 400))
@settings(max_examples=300)
def test_interval_contains_raw_point_with_any_population(counts: NpsCounts, extra: int) -> None:
    interval = nps_interval(counts, population=counts.n + extra)
    assert interval.low - 1e-9 <= nps(counts) <= interval.high + 1e-9


def test_population_smaller_than_n_is_rejected() -> None:
    with pytest.raises(ValueError, match="smaller than"):
        nps_interval(WORKED, population=39)


# --- interval properties ------------------------------------------------------------------------


@given(counts_st, st.one_of(st.none(), st.integers(0, 5000)))
@settings(max_examples=200)
def test_interval_is_ordered_and_within_bounds(counts: NpsCounts, extra: int | None) -> None:
    population = None if extra is None else counts.n + extra
    interval = nps_interval(counts, population=population)
    assert -100 <= interval.low <= interval.high <= 100


def test_interval_contains_raw_point_for_every_count_up_to_n_60() -> None:
    # Proven here exhaustively for n <= 60 (and offline for n <= 400); hypothesis covers above.
    for n in range(1, 61):
        for promoters in range(n + 1):
            for critics in range(n - promoters + 1):
                counts = NpsCounts(promoters, n - promoters - critics, critics)
                interval = nps_interval(counts)
                assert interval.low <= nps(counts) <= interval.high, counts


@given(counts_st)
@settings(max_examples=200)
def test_interval_contains_raw_point_without_population(counts: NpsCounts) -> None:
    interval = nps_interval(counts)
    assert interval.low <= nps(counts) <= interval.high


@given(
    st.builds(
        NpsCounts,
        promoters=st.integers(0, 20),
        neutrals=st.integers(0, 20),
        critics=st.integers(0, 20),
    ).filter(lambda c: c.n > 0),
    st.integers(1, 60),
    st.integers(1, 60),
)
@settings(max_examples=200)
def test_interval_narrows_as_n_grows_with_the_same_proportions(
    base: NpsCounts, k1: int, k2: int
) -> None:
    small, large = sorted((k1, k2))

    def scaled(k: int) -> NpsCounts:
        return NpsCounts(base.promoters * k, base.neutrals * k, base.critics * k)

    assert width(nps_interval(scaled(large))) <= width(nps_interval(scaled(small))) + 1e-9
    assert standard_error(scaled(large)) <= standard_error(scaled(small)) + 1e-12


# --- indicative, significance, overlap, ranking -------------------------------------------------


@pytest.mark.parametrize(("n", "expected"), [(0, True), (29, True), (30, False), (500, False)])
def test_figures_below_min_n_are_indicative(n: int, expected: bool) -> None:
    assert is_indicative(n, min_n=30) is expected


def test_big_swing_is_significant() -> None:
    later = NpsCounts(promoters=10, neutrals=12, critics=18)  # -20
    assert is_significant_change(WORKED, later)
    assert is_significant_change(later, WORKED)


def test_small_swing_is_not_significant() -> None:
    later = NpsCounts(promoters=20, neutrals=12, critics=8)  # +30, delta 10
    assert not is_significant_change(WORKED, later)


def test_significance_threshold_is_z_times_root_sum_of_squares() -> None:
    later = NpsCounts(promoters=440, neutrals=240, critics=120)  # +40 again, n = 800
    assert not is_significant_change(WORKED, later)
    moved = NpsCounts(promoters=560, neutrals=160, critics=80)  # +60
    threshold = 1.96 * math.hypot(standard_error(WORKED), standard_error(moved))
    assert nps(moved) - nps(WORKED) == pytest.approx(20.0)
    assert (threshold < 20.0) is is_significant_change(WORKED, moved)
    assert not is_significant_change(WORKED, moved, z=20.0 / threshold * 1.96 + 0.01)


def test_fpc_can_make_a_change_significant() -> None:
    a = NpsCounts(promoters=24, neutrals=20, critics=6)  # +36, n = 50
    b = NpsCounts(promoters=30, neutrals=16, critics=4)  # +52, n = 50
    assert not is_significant_change(a, b)
    assert is_significant_change(a, b, population_a=52, population_b=52)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((0, 10), (5, 15), True),
        ((0, 10), (10, 20), True),  # touching counts as overlap
        ((0, 10), (10.001, 20), False),
        ((-50, 50), (-1, 1), True),
    ],
)
def test_intervals_overlap(a: tuple[float, float], b: tuple[float, float], expected: bool) -> None:
    ia, ib = Interval(*a), Interval(*b)
    assert intervals_overlap(ia, ib) is expected
    assert intervals_overlap(ib, ia) is expected


def test_interval_rejects_reversed_bounds() -> None:
    with pytest.raises(ValueError, match="exceeds"):
        Interval(low=5, high=4)


def test_separated_groups_are_ranked_by_point() -> None:
    groups = [
        ("b", Interval(30, 50), 40.0),
        ("a", Interval(70, 90), 80.0),
        ("c", Interval(-10, 20), 5.0),
    ]
    assert rank_groups(groups) == [("a", 1), ("b", 2), ("c", 3)]


def test_overlapping_groups_get_no_rank() -> None:
    groups = [
        ("a", Interval(60, 80), 70.0),
        ("b", Interval(55, 75), 65.0),
        ("c", Interval(0, 20), 10.0),
    ]
    assert rank_groups(groups) == [("a", None), ("b", None), ("c", 3)]


def test_rank_groups_edge_cases() -> None:
    assert rank_groups([]) == []
    assert rank_groups([(7, Interval(0, 1), 0.5)]) == [(7, 1)]


@given(
    st.lists(
        st.tuples(st.floats(-100, 100), st.floats(0, 60)).map(
            lambda t: (Interval(t[0] - t[1] / 2, t[0] + t[1] / 2), t[0])
        ),
        max_size=8,
    )
)
@settings(max_examples=200)
def test_ranked_groups_never_overlap_anyone(items: list[tuple[Interval, float]]) -> None:
    groups = [(i, interval, point) for i, (interval, point) in enumerate(items)]
    result = rank_groups(groups)
    assert sorted(key for key, _ in result) == list(range(len(groups)))
    points = [groups[key][2] for key, _ in result]
    assert points == sorted(points, reverse=True)
    for key, rank in result:
        others = [g[1] for g in groups if g[0] != key]
        clear = not any(intervals_overlap(groups[key][1], other) for other in others)
        assert (rank is not None) is clear
        if rank is not None:
            assert rank == [k for k, _ in result].index(key) + 1


# --- eNPS anonymity -----------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "expected"), [(0, False), (4, False), (5, True), (50, True)])
def test_enps_group_needs_min_n_answers(n: int, expected: bool) -> None:
    assert enps_visible(n, min_n=5) is expected


def test_enps_all_children_large_enough_are_shown() -> None:
    assert enps_visible_groups(20, {"a": 5, "b": 7, "c": 8}, min_n=5) == {"a", "b", "c"}


def test_enps_single_small_child_forces_the_smallest_sibling_hidden() -> None:
    # 'c' (3) would equal 20 - 10 - 7: hide 'b', the smallest shown.
    assert enps_visible_groups(20, {"a": 10, "b": 7, "c": 3}, min_n=5) == {"a"}


def test_enps_two_small_children_with_a_small_sum_are_not_derivable_together() -> None:
    # 'c' and 'd' together (3 answers) would be 20 - 10 - 7: hide 'b' as well.
    children = {"a": 10, "b": 7, "c": 2, "d": 1}
    assert enps_visible_groups(20, children, min_n=5) == {"a"}
    # The probe's case: hidden groups of 1 and 3 answers beside two shown ones.
    assert enps_visible_groups(20, {"a": 9, "b": 7, "c": 1, "d": 3}, min_n=5) == {"a"}


def test_enps_small_children_whose_sum_is_large_enough_only_reveal_that_sum() -> None:
    children = {"a": 10, "b": 7, "c": 3, "d": 2}
    assert enps_visible_groups(22, children, min_n=5) == {"a", "b"}


def test_enps_empty_children_do_not_count_as_hidden() -> None:
    assert enps_visible_groups(17, {"a": 10, "b": 7, "c": 0}, min_n=5) == {"a", "b"}


def test_enps_everything_hidden_when_one_sibling_would_leak() -> None:
    assert enps_visible_groups(9, {"a": 6, "b": 3}, min_n=5) == set()


def test_enps_small_parent_shows_nothing() -> None:
    assert enps_visible_groups(4, {"a": 2, "b": 2}, min_n=5) == set()


def test_enps_direct_answers_in_the_parent_count_as_a_hidden_unit() -> None:
    # 2 answers sit directly in the parent: 12 - 5 - 5 would expose them.
    assert enps_visible_groups(12, {"a": 5, "b": 5}, min_n=5) == {"b"}
    # 6 direct answers are above the threshold: deriving them is harmless.
    assert enps_visible_groups(16, {"a": 5, "b": 5}, min_n=5) == {"a", "b"}
    # A small child plus one direct answer (4 together) would be 14 - 10: nothing is shown.
    assert enps_visible_groups(14, {"a": 10, "b": 3}, min_n=5) == set()
    # With 2 direct answers the hidden part holds 5: 'a' may be shown.
    assert enps_visible_groups(15, {"a": 10, "b": 3}, min_n=5) == {"a"}


def test_enps_rejects_inconsistent_sizes() -> None:
    with pytest.raises(ValueError, match="more answers"):
        enps_visible_groups(5, {"a": 3, "b": 3}, min_n=5)
    with pytest.raises(ValueError, match="min_n"):
        enps_visible_groups(5, {"a": 3}, min_n=0)


@given(
    st.dictionaries(st.sampled_from("abcdefgh"), st.integers(0, 20), max_size=8),
    st.integers(0, 10),
    st.integers(1, 8),
)
@settings(max_examples=200)
def test_enps_never_shows_small_or_derivable_groups(
    children: dict[str, int], direct: int, min_n: int
) -> None:
    parent_n = sum(children.values()) + direct
    shown = enps_visible_groups(parent_n, children, min_n=min_n)
    assert shown <= set(children)
    assert all(children[key] >= min_n for key in shown)
    if parent_n >= min_n and shown:
        # Units the viewer cannot see: hidden children and answers given directly in the parent.
        hidden = [n for key, n in children.items() if key not in shown and n > 0]
        hidden += [direct] if direct > 0 else []
        # The shown figures give exactly one quantity about the hidden units: their union
        # (the total minus the shown groups). It must be empty or large enough.
        assert sum(hidden) == 0 or sum(hidden) >= min_n
    if direct == 0 and all(n >= min_n or n == 0 for n in children.values()):
        assert shown == {key for key, n in children.items() if n > 0}


# --- repeat purchases ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("again", "total", "expected"), [(0, 0, None), (0, 4, 0.0), (1, 4, 0.25), (4, 4, 1.0)]
)
def test_repeat_purchase_rate_is_a_share(again: int, total: int, expected: float | None) -> None:
    assert repeat_purchase_rate(again, total) == expected


def test_repeat_purchase_rate_rejects_more_buyers_than_clients() -> None:
    with pytest.raises(ValueError, match="more repeat buyers"):
        repeat_purchase_rate(5, 4)
