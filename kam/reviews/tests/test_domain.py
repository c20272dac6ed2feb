"""Pure rules of the contrast analysis: picks, how we sold and the Pareto synthesis (tables and
properties, no database)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kam.reviews import domain
from kam.reviews.domain import PickProblem


@pytest.mark.parametrize(
    ("picked", "client", "side", "expected"),
    [
        ({}, 1, "satisfied", None),
        ({1: "satisfied"}, 1, "satisfied", PickProblem.ALREADY_PICKED),
        ({1: "satisfied"}, 1, "dissatisfied", PickProblem.OTHER_SIDE),
        ({1: "dissatisfied"}, 1, "satisfied", PickProblem.OTHER_SIDE),
        (dict.fromkeys(range(10), "satisfied"), 99, "satisfied", PickProblem.SIDE_FULL),
        (dict.fromkeys(range(10), "satisfied"), 99, "dissatisfied", None),
        (dict.fromkeys(range(9), "satisfied"), 99, "satisfied", None),
        ({}, 1, "neutral", PickProblem.UNKNOWN_SIDE),
    ],
)
def test_pick_rules(
    picked: dict[int, str], client: int, side: str, expected: PickProblem | None
) -> None:
    assert domain.pick_problem(picked, client, side, max_per_side=10) == expected


@settings(deadline=None)  # a shared, busy machine: no timing in tests
@given(
    st.lists(
        st.tuples(st.integers(min_value=1, max_value=30), st.sampled_from(domain.SIDES)),
        max_size=80,
    ),
    st.integers(min_value=1, max_value=12),
)
def test_applying_allowed_picks_never_puts_a_client_on_both_sides(
    attempts: list[tuple[int, str]], limit: int
) -> None:
    picked: dict[int, str] = {}
    sides_seen: dict[int, set[str]] = {}
    for client, side in attempts:
        if domain.pick_problem(picked, client, side, max_per_side=limit) is None:
            picked[client] = side
            sides_seen.setdefault(client, set()).add(side)
    assert all(len(s) == 1 for s in sides_seen.values())
    for side in domain.SIDES:
        assert sum(1 for s in picked.values() if s == side) <= limit


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        ([], None),
        (["", ""], None),
        (["", "tender", "referral"], "tender"),
        (["referral"], "referral"),
        (["moved_contact"], "moved_contact"),
        (["new_region"], "new_region"),
        (["inbound", "tender"], "other"),
        (["something-else"], "other"),
    ],
)
def test_how_sold_takes_the_first_source(sources: list[str], expected: str | None) -> None:
    assert domain.how_sold(sources) == expected


def test_side_synthesis_table() -> None:
    # 10 clients; «сроки» on 5, «документы» on 3, «цена» on 1, «прочее» on 1 → 10 mentions.
    side = domain.side_synthesis(
        "dissatisfied",
        {"сроки": 5, "документы": 3, "цена": 1, "прочее": 1, "неважно": 0},
        clients=10,
        answered=8,
    )
    assert [(r.tag, r.count) for r in side.rows] == [
        ("сроки", 5),
        ("документы", 3),
        ("прочее", 1),
        ("цена", 1),
    ]
    assert [r.share for r in side.rows] == [50.0, 30.0, 10.0, 10.0]
    assert [r.cumulative for r in side.rows] == [50.0, 80.0, 90.0, 100.0]
    # The head reaching 80 % is the vital few: two fixes to do first.
    assert [r.tag for r in side.focus] == ["сроки", "документы"]
    assert [r.client_share for r in side.rows] == [50.0, 30.0, 10.0, 10.0]
    assert side.mentions == 10


def test_client_share_differs_from_mention_share() -> None:
    side = domain.side_synthesis("satisfied", {"a": 4, "b": 4}, clients=4, answered=4)
    assert [r.share for r in side.rows] == [50.0, 50.0]
    assert [r.client_share for r in side.rows] == [100.0, 100.0]


def test_empty_side_has_no_rows() -> None:
    side = domain.side_synthesis("satisfied", {}, clients=0, answered=0)
    assert side.rows == []
    assert side.focus == []


@pytest.mark.parametrize(
    ("counts", "clients", "answered"),
    [({"a": 3}, 2, 2), ({}, 2, 3), ({}, -1, 0)],
)
def test_impossible_counts_are_refused(counts: dict[str, int], clients: int, answered: int) -> None:
    with pytest.raises(ValueError, match=r"\w"):
        domain.side_synthesis("satisfied", counts, clients=clients, answered=answered)


@st.composite
def side_counts(draw: st.DrawFn) -> tuple[dict[str, int], int]:
    clients = draw(st.integers(min_value=1, max_value=10))
    tags = draw(st.lists(st.text(min_size=1, max_size=6), unique=True, max_size=12))
    return {t: draw(st.integers(min_value=0, max_value=clients)) for t in tags}, clients


@settings(deadline=None)
@given(side_counts())
def test_pareto_properties(data: tuple[dict[str, int], int]) -> None:
    counts, clients = data
    side = domain.side_synthesis("dissatisfied", counts, clients=clients, answered=clients)
    rows = side.rows
    assert {r.tag for r in rows} == {t for t, n in counts.items() if n > 0}
    assert [r.count for r in rows] == sorted((r.count for r in rows), reverse=True)
    cumulative = [r.cumulative for r in rows]
    assert cumulative == sorted(cumulative)
    if rows:
        assert cumulative[-1] == pytest.approx(100)
        assert sum(r.share for r in rows) == pytest.approx(100)
        # The vital few are a non-empty head of the list and reach 80 %.
        focus = side.focus
        assert focus == rows[: len(focus)]
        assert focus[-1].cumulative >= 80 - 1e-9
        if len(focus) > 1:
            assert focus[-2].cumulative < 80
    assert all(0 < r.client_share <= 100 for r in rows)
