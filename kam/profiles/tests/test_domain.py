"""The profile's arithmetic: fit, score parsing, rank correlation, quadrant, time sinks."""

from __future__ import annotations

import math
import statistics
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kam.profiles import domain as d
from kam.profiles.opposites import suggest_opposite

scores = st.integers(min_value=-5, max_value=5)


@pytest.mark.parametrize(
    ("given_scores", "weights", "expected"),
    [
        ({"a": 5, "b": 5}, {"a": 1, "b": 1}, 1.0),
        ({"a": -5, "b": -5}, {"a": 1, "b": 1}, -1.0),
        ({"a": 5, "b": -5}, {"a": 1, "b": 1}, 0.0),
        ({"a": 3, "b": None}, {"a": 1, "b": 1}, 0.6),  # blanks are left out, not zero
        ({"a": 4, "b": 2}, {"a": 3, "b": 1}, (3 * 4 + 1 * 2) / (5 * 4)),
        ({"a": 4, "b": -5}, {"a": 1, "b": 0}, 0.8),  # a zero weight removes the trait
        ({"a": 2, "zz": -5}, {"a": 1}, 0.4),  # a score of a trait not in the profile
    ],
)
def test_fit_table(given_scores, weights, expected) -> None:
    assert d.fit(given_scores, weights).value == pytest.approx(expected)


def test_fit_of_nothing_scored_is_none() -> None:
    result = d.fit({"a": None}, {"a": 1, "b": 1})
    assert result.value is None
    assert (result.scored, result.total) == (0, 2)
    assert d.fit({"a": 3}, {"a": 0}).value is None


def test_fit_refuses_scores_out_of_range() -> None:
    with pytest.raises(ValueError, match="outside"):
        d.fit({"a": 6}, {"a": 1})


@given(st.lists(scores, min_size=1, max_size=8))
def test_equal_weights_give_the_plain_mean_over_five(values: list[int]) -> None:
    names = [f"t{i}" for i in range(len(values))]
    result = d.fit(dict(zip(names, values, strict=True)), dict.fromkeys(names, 1.0))
    assert result.value == pytest.approx(statistics.mean(values) / 5)


@given(
    st.lists(st.tuples(scores, st.integers(min_value=1, max_value=20)), min_size=1, max_size=8),
    st.integers(min_value=2, max_value=50),
)
def test_fit_is_within_bounds_and_scale_free(pairs: list[tuple[int, int]], factor: int) -> None:
    names = [f"t{i}" for i in range(len(pairs))]
    given_scores = {n: s for n, (s, _w) in zip(names, pairs, strict=True)}
    weights = {n: float(w) for n, (_s, w) in zip(names, pairs, strict=True)}
    scaled = {n: w * factor for n, w in weights.items()}
    value = d.fit(given_scores, weights).value
    assert value is not None
    assert -1 <= value <= 1
    assert d.fit(given_scores, scaled).value == pytest.approx(value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3", 3),
        ("+4", 4),
        ("\u22122", -2),
        ("-5", -5),
        ("3,0", 3),
        ("", None),
        ("  ", None),
        ("6", d.ScoreProblem.OUT_OF_RANGE),
        ("-6", d.ScoreProblem.OUT_OF_RANGE),
        ("2.5", d.ScoreProblem.NOT_WHOLE),
        ("2,5", d.ScoreProblem.NOT_WHOLE),
        ("хорошо", d.ScoreProblem.NOT_A_NUMBER),
        ("nan", d.ScoreProblem.NOT_A_NUMBER),
    ],
)
def test_parse_score(raw: str, expected: object) -> None:
    assert d.parse_score(raw) == expected


def test_spearman_published_example() -> None:
    # The IQ / hours of TV example of the Wikipedia article on Spearman's rho: −29/165.
    iq = [106, 100, 86, 101, 99, 103, 97, 113, 112, 110]
    tv = [7, 27, 2, 50, 28, 29, 20, 12, 6, 17]
    result = d.spearman(iq, tv)
    assert result.rho == pytest.approx(-29 / 165)
    assert result.n == 10
    assert result.low is not None
    assert result.high is not None
    assert result.low < 0 < result.high
    assert not result.evidence


def _reference_rho(xs: list[float], ys: list[float]) -> float:
    """Spearman's rho the textbook way: Pearson's r of mid-ranks (statistics.correlation)."""

    def ranks(values: list[float]) -> list[float]:
        out = []
        for v in values:
            below = sum(1 for w in values if w < v)
            equal = sum(1 for w in values if w == v)
            out.append(below + (equal + 1) / 2)
        return out

    return statistics.correlation(ranks(xs), ranks(ys))


@given(
    st.lists(
        st.tuples(st.integers(-5, 5), st.integers(0, 6)),
        min_size=4,
        max_size=40,
    )
)
def test_spearman_agrees_with_a_reference(pairs: list[tuple[int, int]]) -> None:
    xs = [float(p[0]) for p in pairs]
    ys = [float(p[1]) for p in pairs]
    result = d.spearman(xs, ys)
    if len(set(xs)) == 1 or len(set(ys)) == 1:
        assert result.rho is None
        return
    assert result.rho == pytest.approx(_reference_rho(xs, ys), abs=1e-9)
    assert result.rho is not None
    assert result.low is not None
    assert result.high is not None
    assert result.low <= result.rho <= result.high
    assert -1 <= result.low <= result.high <= 1


def test_spearman_interval_uses_fisher_z_with_fieller_variance() -> None:
    xs = list(range(30))
    ys = [x + (7 if x % 3 == 0 else -5) * (x % 4) for x in xs]
    result = d.spearman(xs, ys)
    assert result.rho is not None
    z = math.atanh(result.rho)
    half = 1.959963984540054 * math.sqrt(1.06 / 27)
    assert result.low == pytest.approx(math.tanh(z - half))
    assert result.high == pytest.approx(math.tanh(z + half))


def test_perfect_agreement_is_evidence() -> None:
    result = d.spearman([1, 2, 3, 4, 5, 6], [10, 20, 30, 40, 50, 60])
    assert result.rho == pytest.approx(1.0)
    assert result.evidence


def test_too_few_pairs_have_no_interval() -> None:
    result = d.spearman([1, 2, 3], [3, 1, 2])
    assert result.low is None
    assert not result.evidence


@pytest.mark.parametrize(
    ("we", "they", "expected"),
    [
        (True, True, d.Quadrant.WIN_WIN),
        (True, False, d.Quadrant.WE_WIN),
        (False, True, d.Quadrant.CLIENT_WINS),
        (False, False, d.Quadrant.LOSE_LOSE),
        (None, True, None),
    ],
)
def test_quadrant(we: bool | None, they: bool | None, expected: d.Quadrant | None) -> None:
    assert d.quadrant(we_win=we, client_wins=they) == expected


def test_time_sinks_are_low_fit_busy_and_small() -> None:
    rows = [
        d.TimeRow(1, 600, -0.4, Decimal(4_000)),  # low fit, much time, small: listed
        d.TimeRow(2, 500, 0.6, Decimal(5_000)),  # good fit: not listed
        d.TimeRow(3, 30, -0.8, Decimal(1_000)),  # little time: not listed
        d.TimeRow(4, 400, -0.2, Decimal(9_000_000)),  # big revenue: not listed
        d.TimeRow(5, 700, None, Decimal(100)),  # not scored: no judgement
        d.TimeRow(6, 20, 0.1, Decimal(50_000)),
    ]
    assert [r.client_id for r in d.time_sinks(rows)] == [1]


def test_merged_counts_follow_chains_and_count_people_once() -> None:
    items = [(1, None, 10), (2, 1, 11), (3, 2, 10), (4, None, 12), (5, None, 11)]
    assert d.merged_counts(items) == {1: 2, 4: 1, 5: 1}


def test_ranked_puts_unscored_last() -> None:
    fits = [(1, d.Fit(0.2, 1, 2)), (2, d.Fit(None, 0, 2)), (3, d.Fit(0.9, 2, 2))]
    assert [c for c, _f in d.ranked(fits)] == [3, 1, 2]


@pytest.mark.parametrize(
    ("worst", "opposite"),
    [
        ("Медленно принимает решения", "Быстро принимает решения"),
        ("Негибок при обсуждении цен", "Гибок при обсуждении цен"),
        ("Не лоялен к моей компании", "Лоялен к моей компании"),
        ("Секретничает и не желает сотрудничать", "Открыт к сотрудничеству, делится информацией"),
        ("Закрытая компания", "Открытая компания"),
        ("Нелояльные сотрудники", "Лояльные сотрудники"),
        ("Любит футбол", None),
    ],
)
def test_suggested_opposites(worst: str, opposite: str | None) -> None:
    assert suggest_opposite(worst) == opposite
