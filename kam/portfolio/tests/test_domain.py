"""Tests of the pure portfolio rules (SPEC §1): table-driven cases and hypothesis properties."""

from datetime import date
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kam.portfolio.domain import (
    GridCell,
    GridSplit,
    KeyClass,
    KeyThresholds,
    Window,
    abc_classes,
    account_goal_is_measurable,
    classify_portfolio,
    concentration,
    downsample,
    equivalent_clients,
    gini,
    grid_split,
    hhi,
    key_client_class,
    lorenz_points,
    manager_load_flag,
    previous_window,
    rank_bounds,
    revenue_share,
    share_change_points,
    top_shares,
)

D = Decimal
THRESHOLDS = KeyThresholds(key=D("0.10"), critical=D("0.20"), mono=D("0.50"))
A, B = D("0.80"), D("0.95")
TOLERANCE = D("1e-20")
# HHI from exact integer squares against the reference built from shares rounded to Decimal's
# 28 significant digits: up to 80 shares of up to 100 (3 integer digits, 25 decimals), each
# squared and summed, differ by up to about 80·2·100·1e-25 ≈ 2e-21 per term in the worst case;
# a hypothesis run found a difference of exactly 1e-20. The figure is shown with one decimal.
HHI_TOLERANCE = D("1e-15")

revenue = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False)
positive_revenue = st.decimals(min_value=D("0.01"), max_value=10**9, places=2, allow_nan=False)
revenues_by_client = st.dictionaries(st.integers(0, 1000), revenue, min_size=1, max_size=30)
fast = settings(max_examples=200, deadline=None)


@pytest.mark.parametrize(
    ("share", "expected"),
    [
        (D("0"), KeyClass.NONE),
        (D("0.0999"), KeyClass.NONE),
        (D("0.10"), KeyClass.NONE),
        (D("0.1001"), KeyClass.KEY),
        (D("0.20"), KeyClass.KEY),
        (D("0.2001"), KeyClass.CRITICAL),
        (D("0.50"), KeyClass.CRITICAL),
        (D("0.5001"), KeyClass.MONO),
        (D("1"), KeyClass.MONO),
    ],
)
def test_key_class_is_strictly_above_each_threshold(share: Decimal, expected: KeyClass) -> None:
    assert key_client_class(share, thresholds=THRESHOLDS) is expected


def test_key_class_follows_admin_thresholds() -> None:
    strict = KeyThresholds(key=D("0.05"), critical=D("0.15"), mono=D("0.40"))
    assert key_client_class(D("0.06"), thresholds=strict) is KeyClass.KEY
    assert key_client_class(D("0.45"), thresholds=strict) is KeyClass.MONO


@pytest.mark.parametrize(
    ("key", "critical", "mono"),
    [("0.3", "0.2", "0.5"), ("0.1", "0.6", "0.5"), ("-0.1", "0.2", "0.5"), ("0.1", "0.2", "1.5")],
)
def test_unordered_thresholds_are_rejected(key: str, critical: str, mono: str) -> None:
    with pytest.raises(ValueError, match="thresholds"):
        KeyThresholds(key=D(key), critical=D(critical), mono=D(mono))


@pytest.mark.parametrize(
    ("revenue", "total", "expected"),
    [
        (D("10"), D("100"), D("0.1")),
        (D("0"), D("100"), D("0")),
        (D("100"), D("100"), D("1")),
        (D("5"), D("0"), D("0")),
        (D("5"), D("-1"), D("0")),
    ],
)
def test_revenue_share(revenue: Decimal, total: Decimal, expected: Decimal) -> None:
    assert revenue_share(revenue, total) == expected


def test_exact_ten_percent_client_is_not_key() -> None:
    share = revenue_share(D("100000"), D("1000000"))
    assert key_client_class(share, thresholds=THRESHOLDS) is KeyClass.NONE


@pytest.mark.parametrize(
    ("revenues", "expected"),
    [
        # b takes the cumulative share from 0.50 to 0.85: the client crossing 80% stays A
        ({"a": D(50), "b": D(35), "c": D(10), "d": D(5)}, {"a": "A", "b": "A", "c": "B", "d": "C"}),
        # before c the cumulative share is exactly 0.80 -> B; before d exactly 0.95 -> C
        ({"a": D(60), "b": D(20), "c": D(15), "d": D(5)}, {"a": "A", "b": "A", "c": "B", "d": "C"}),
        # b crosses both boundaries (0.79 -> 0.95), so nothing is left for B
        ({"a": D(79), "b": D(16), "c": D(5)}, {"a": "A", "b": "A", "c": "C"}),
        ({"a": D(100)}, {"a": "A"}),
        ({"a": D(100), "z": D(0)}, {"a": "A", "z": "C"}),
        ({"a": D(0), "b": D(0)}, {"a": "C", "b": "C"}),
        ({"a": D(10), "r": D(-3)}, {"a": "A", "r": "C"}),
    ],
)
def test_abc_classes_table(revenues: dict[str, Decimal], expected: dict[str, str]) -> None:
    assert abc_classes(revenues, a=A, b=B) == expected


def test_abc_ties_are_broken_by_key() -> None:
    revenues = {"b": D(40), "a": D(40), "c": D(20)}
    # sorted a, b, c: before b the cumulative share is 0.40 -> A; before c 0.80 -> B
    assert abc_classes(revenues, a=A, b=B) == {"a": "A", "b": "A", "c": "B"}
    tied = {"y": D(45), "x": D(45), "z": D(10)}
    assert abc_classes(tied, a=D("0.40"), b=B) == {"x": "A", "y": "B", "z": "B"}


def test_abc_rejects_unordered_boundaries() -> None:
    with pytest.raises(ValueError, match="ABC"):
        abc_classes({"a": D(1)}, a=D("0.95"), b=D("0.80"))


@pytest.mark.parametrize(
    ("shares_pct", "expected_hhi", "expected_equivalent"),
    [
        ([D(100)], D(10000), D(1)),
        ([D(50), D(50)], D(5000), D(2)),
        ([D(25)] * 4, D(2500), D(4)),
        ([D(60), D(30), D(10)], D(4600), D(10000) / D(4600)),
        ([], D(0), None),
    ],
)
def test_hhi_and_equivalent_clients(
    shares_pct: list[Decimal], expected_hhi: Decimal, expected_equivalent: Decimal | None
) -> None:
    value = hhi(shares_pct)
    assert value == expected_hhi
    assert equivalent_clients(value) == expected_equivalent


def test_top_shares_of_top_one_three_five() -> None:
    revenues = [D(40), D(5), D(20), D(10), D(10), D(5), D(10)]
    assert top_shares(revenues, D(100)) == {1: D("0.4"), 3: D("0.7"), 5: D("0.9")}


def test_top_shares_with_fewer_clients_than_n() -> None:
    assert top_shares([D(3), D(1)], D(4), ns=(1, 5)) == {1: D("0.75"), 5: D(1)}


def test_lorenz_points_of_a_skewed_portfolio() -> None:
    assert lorenz_points([D(75), D(0), D(25), D(0)]) == [
        (D(0), D(0)),
        (D("0.25"), D(0)),
        (D("0.5"), D(0)),
        (D("0.75"), D("0.25")),
        (D(1), D(1)),
    ]


@pytest.mark.parametrize("revenues", [[], [D(0), D(0)]])
def test_lorenz_of_empty_portfolio_is_the_diagonal(revenues: list[Decimal]) -> None:
    assert lorenz_points(revenues) == [(D(0), D(0)), (D(1), D(1))]
    assert gini(revenues) == 0


def test_lorenz_rejects_negative_revenue() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        lorenz_points([D(5), D(-1)])


@pytest.mark.parametrize(
    ("revenues", "expected"),
    [
        ([D(10)] * 4, D(0)),
        ([D(0), D(0), D(0), D(100)], D("0.75")),
        ([D(1), D(3)], D("0.25")),
    ],
)
def test_gini(revenues: list[Decimal], expected: Decimal) -> None:
    assert gini(revenues) == expected


@pytest.mark.parametrize(
    ("key_clients", "flagged"), [(0, False), (1, False), (3, False), (4, True), (10, True)]
)
def test_manager_load_is_flagged_above_the_limit(key_clients: int, flagged: bool) -> None:
    assert manager_load_flag(key_clients, limit=3) is flagged


@pytest.mark.parametrize(
    ("target", "due", "measurable"),
    [
        (D(1000000), date(2025, 12, 31), True),
        (D(0), date(2025, 12, 31), True),
        (None, date(2025, 12, 31), False),
        (D(5), None, False),
        (None, None, False),
        (D("NaN"), date(2025, 12, 31), False),
    ],
)
def test_account_goal_needs_a_number_and_a_date(
    target: Decimal | None, due: date | None, measurable: bool
) -> None:
    assert account_goal_is_measurable(target, due) is measurable


def test_classify_portfolio_rows_and_alerts() -> None:
    revenues = {1: D(10), 2: D(600), 3: D(250), 4: D(100), 5: D(40)}
    summary = classify_portfolio(revenues, thresholds=THRESHOLDS, abc_a=A, abc_b=B)
    assert summary.total == D(1000)
    assert [row.key for row in summary.clients] == [2, 3, 4, 5, 1]
    assert [row.key_class for row in summary.clients] == [
        KeyClass.MONO,
        KeyClass.CRITICAL,
        KeyClass.NONE,
        KeyClass.NONE,
        KeyClass.NONE,
    ]
    assert [row.abc for row in summary.clients] == ["A", "A", "B", "C", "C"]
    assert summary.clients[0].share == D("0.6")
    assert summary.hhi == D(3600 + 625 + 100 + 16 + 1)
    assert summary.equivalent_clients == D(10000) / D(4342)
    assert dict(summary.top_shares) == {1: D("0.6"), 3: D("0.95"), 5: D(1)}
    assert [row.key for row in summary.alerts] == [2, 3]
    assert summary.has_mono_client


def test_classify_portfolio_without_revenue() -> None:
    summary = classify_portfolio({"x": D(0)}, thresholds=THRESHOLDS, abc_a=A, abc_b=B)
    assert summary.total == 0
    assert summary.hhi == 0
    assert summary.equivalent_clients is None
    assert summary.alerts == ()
    assert not summary.has_mono_client


@fast
@given(revenues_by_client)
def test_shares_sum_to_one(revenues: dict[int, Decimal]) -> None:
    summary = classify_portfolio(revenues, thresholds=THRESHOLDS, abc_a=A, abc_b=B)
    total_share = sum((row.share for row in summary.clients), D(0))
    expected = D(1) if summary.total > 0 else D(0)
    assert abs(total_share - expected) <= TOLERANCE


@fast
@given(revenues_by_client)
def test_abc_partitions_clients_and_a_covers_at_least_a(revenues: dict[int, Decimal]) -> None:
    classes = abc_classes(revenues, a=A, b=B)
    assert classes.keys() == revenues.keys()
    assert set(classes.values()) <= {"A", "B", "C"}
    total = sum(revenues.values(), D(0))
    a_revenue = sum((r for k, r in revenues.items() if classes[k] == "A"), D(0))
    assert a_revenue >= A * total


@fast
@given(revenues_by_client)
def test_abc_classes_never_go_back_in_revenue_order(revenues: dict[int, Decimal]) -> None:
    classes = abc_classes(revenues, a=A, b=B)
    ordered = sorted(revenues, key=lambda k: (-revenues[k], k))
    labels = [classes[k] for k in ordered]
    assert labels == sorted(labels)
    seen_c = False
    for label in labels:
        assert not (seen_c and label == "A")
        seen_c = seen_c or label == "C"


@fast
@given(st.lists(positive_revenue, min_size=1, max_size=30))
def test_hhi_lies_between_equal_split_and_monopoly(revenues: list[Decimal]) -> None:
    total = sum(revenues, D(0))
    value = hhi(revenue_share(r, total) * 100 for r in revenues)
    lower = D(10000) / len(revenues)
    assert lower - TOLERANCE <= value <= D(10000) + TOLERANCE


@fast
@given(st.lists(revenue, max_size=30))
def test_lorenz_curve_is_monotone_and_below_the_diagonal(revenues: list[Decimal]) -> None:
    points = lorenz_points(revenues)
    assert points[0] == (D(0), D(0))
    assert points[-1] == (D(1), D(1))
    for (x0, y0), (x1, y1) in pairwise(points):
        assert x0 < x1
        assert y0 <= y1
    for x, y in points:
        assert 0 <= y <= x <= 1
    assert -TOLERANCE <= gini(revenues) < 1


@fast
@given(st.lists(revenue, min_size=1, max_size=30), st.lists(st.integers(1, 10), max_size=4))
def test_top_shares_grow_with_n(revenues: list[Decimal], ns: list[int]) -> None:
    total = sum(revenues, D(0))
    shares = top_shares(revenues, total, ns=sorted(ns))
    values = [shares[n] for n in sorted(set(ns))]
    assert values == sorted(values)
    assert all(0 <= v <= 1 for v in values)


# --- the rank-based fast path used by the report, checked against the functions above ---

kopecks = st.integers(-(10**6), 10**11)
kopecks_by_client = st.dictionaries(st.integers(0, 500), kopecks, min_size=0, max_size=60)
thresholds = st.tuples(
    st.decimals(0, 1, places=2), st.decimals(0, 1, places=2), st.decimals(0, 1, places=2)
).map(sorted)
abc_bounds = st.tuples(st.decimals(0, 1, places=2), st.decimals(0, 1, places=2)).map(sorted)


def _ranked(revenues: dict[int, int]) -> list[tuple[int, int]]:
    return sorted(revenues.items(), key=lambda item: (-item[1], item[0]))


@fast
@given(kopecks_by_client, thresholds, abc_bounds)
def test_rank_bounds_give_the_classes_of_classify_portfolio(
    revenues: dict[int, int], levels: list[Decimal], abc: list[Decimal]
) -> None:
    limits = KeyThresholds(key=levels[0], critical=levels[1], mono=levels[2])
    ranked = _ranked(revenues)
    bounds = rank_bounds([r for _k, r in ranked], thresholds=limits, abc_a=abc[0], abc_b=abc[1])
    oracle = classify_portfolio(
        {k: D(r) for k, r in revenues.items()}, thresholds=limits, abc_a=abc[0], abc_b=abc[1]
    )
    assert [(k, bounds.key_class(i), bounds.abc(i)) for i, (k, _r) in enumerate(ranked)] == [
        (c.key, c.key_class, c.abc) for c in oracle.clients
    ]


@pytest.mark.parametrize(
    ("revenues", "mono", "critical", "key"),
    [
        ([50, 30, 10, 10], 0, 2, 2),  # exactly 50% is critical, exactly 10% is not key
        ([51, 20, 10, 19], 1, 1, 3),  # exactly 20% is key, not critical
        ([10, 10, 10, 10, 10, 10, 10, 10, 10, 10], 0, 0, 0),  # ten clients of exactly 10%
        ([], 0, 0, 0),
        ([-5, -7], 0, 0, 0),  # no positive total: no shares
    ],
)
def test_rank_bounds_on_exact_thresholds(
    revenues: list[int], mono: int, critical: int, key: int
) -> None:
    desc = sorted(revenues, reverse=True)
    bounds = rank_bounds(desc, thresholds=THRESHOLDS, abc_a=A, abc_b=B)
    assert (bounds.mono, bounds.critical, bounds.key) == (mono, critical, key)


def test_rank_bounds_reject_unordered_abc() -> None:
    with pytest.raises(ValueError, match="ABC"):
        rank_bounds([3, 2, 1], thresholds=THRESHOLDS, abc_a=D("0.9"), abc_b=D("0.8"))


@fast
@given(st.lists(kopecks, max_size=80), st.integers(2, 40))
def test_concentration_matches_hhi_top_shares_and_lorenz(revenues: list[int], limit: int) -> None:
    desc = sorted(revenues, reverse=True)
    figures = concentration(desc, lorenz_limit=limit)
    total = sum(desc)
    money = [D(r) for r in desc]
    if total > 0:
        assert abs(figures.hhi - hhi(r / total * 100 for r in money)) < HHI_TOLERANCE
        assert figures.top_shares == top_shares(money, D(total))
    else:
        assert figures.hhi == 0
        assert set(figures.top_shares.values()) == {D(0)}
    clamped = [max(r, D(0)) for r in money]
    assert figures.lorenz == downsample(lorenz_points(clamped), limit=limit)
    assert figures.equivalent_clients == equivalent_clients(figures.hhi)


def test_grid_needs_two_clients_and_splits_at_the_medians() -> None:
    assert grid_split([]) is None
    assert grid_split([(D(10), D(20))]) is None
    split = grid_split([(D(10), D(100)), (D(30), D(50)), (D(20), D(10))])
    assert split == GridSplit(revenue=D(20), potential=D(50))
    even = grid_split([(D(10), D(100)), (D(30), D(50))])
    assert even == GridSplit(revenue=D(20), potential=D(75))


@pytest.mark.parametrize(
    ("revenue", "potential", "cell"),
    [
        (D(30), D(90), GridCell.GROW),
        (D(20), D(50), GridCell.GROW),  # on both lines: large on both axes
        (D(19), D(50), GridCell.DEVELOP),
        (D(20), D(49), GridCell.KEEP),
        (D(0), D(0), GridCell.SERVE),
    ],
)
def test_grid_cells(revenue: Decimal, potential: Decimal, cell: GridCell) -> None:
    assert GridSplit(revenue=D(20), potential=D(50)).cell(revenue, potential) is cell


@fast
@given(st.lists(st.tuples(revenue, revenue), min_size=2, max_size=30))
def test_grid_split_puts_clients_on_both_sides(points: list[tuple[Decimal, Decimal]]) -> None:
    split = grid_split(points)
    assert split is not None
    large_now = sum(r >= split.revenue for r, _p in points)
    large_later = sum(p >= split.potential for _r, p in points)
    # A median leaves at least half of the clients at or above it on each axis.
    assert 2 * large_now >= len(points)
    assert 2 * large_later >= len(points)


@pytest.mark.parametrize(
    ("start", "end", "prev_start", "prev_end"),
    [
        (date(2026, 1, 1), date(2026, 12, 31), date(2025, 1, 1), date(2025, 12, 31)),
        (date(2024, 3, 1), date(2024, 3, 1), date(2024, 2, 29), date(2024, 2, 29)),
        # Whole months step back by months: a quarter by the quarter before (90 vs 91 days),
        # a calendar year by the year before even across a leap day, 12 months by 12 months.
        (date(2026, 4, 1), date(2026, 6, 30), date(2026, 1, 1), date(2026, 3, 31)),
        (date(2025, 1, 1), date(2025, 12, 31), date(2024, 1, 1), date(2024, 12, 31)),
        (date(2025, 12, 2), date(2026, 12, 1), date(2024, 12, 2), date(2025, 12, 1)),
        (date(2024, 3, 10), date(2024, 3, 19), date(2024, 2, 29), date(2024, 3, 9)),  # 10 days
    ],
)
def test_previous_window_ends_the_day_before(
    start: date, end: date, prev_start: date, prev_end: date
) -> None:
    previous = previous_window(Window(start=start, end=end))
    assert previous == Window(start=prev_start, end=prev_end)


def test_no_previous_window_before_the_calendar_starts() -> None:
    assert previous_window(Window(start=date(1, 1, 1), end=date(1, 12, 31))) is None
    assert previous_window(Window(start=date(1, 1, 5), end=date(1, 12, 31))) is None
    assert previous_window(Window(start=date(1, 1, 5), end=date(1, 1, 6))) == Window(
        start=date(1, 1, 3), end=date(1, 1, 4)
    )


def test_previous_window_of_a_window_ending_on_the_last_day_of_the_calendar() -> None:
    window = Window(start=date(9999, 12, 1), end=date(9999, 12, 31))
    assert previous_window(window) == Window(start=date(9999, 10, 31), end=date(9999, 11, 30))


@pytest.mark.parametrize(
    ("now", "before", "points"),
    [(D("0.24"), D("0.19"), D(5)), (None, D("0.13"), D(-13)), (D("0.1"), None, D(10))],
)
def test_share_change_in_points(
    now: Decimal | None, before: Decimal | None, points: Decimal
) -> None:
    assert share_change_points(now, before) == points


@pytest.mark.parametrize(("potential", "cell"), [(D(0), GridCell.KEEP), (D(50), GridCell.GROW)])
def test_a_revenue_key_client_is_large_now_whatever_the_median(
    potential: D, cell: GridCell
) -> None:
    # Below the revenue median, but its share is above the key threshold: never "serve at a
    # low cost" (SERVE) nor "win a larger share" (DEVELOP).
    split = GridSplit(revenue=D(1000), potential=D(50))
    assert split.cell(D(10), potential, revenue_key=True) is cell
    assert split.cell(D(10), potential) in {GridCell.SERVE, GridCell.DEVELOP}
