"""Tests of the pure relationship rules (SPEC §3, §4): tables and hypothesis properties."""

import random
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kam.relations.domain import (
    ALERT_NEGATIVE_BALANCE,
    ALERT_WITHDRAWAL_STREAK,
    BankEntry,
    CadenceStatus,
    EntryKind,
    Proposal,
    balance_trend,
    bank_alerts,
    bank_balance,
    cadence_status,
    days_until_date,
    in_pause,
    near_annual_date,
    pause_until,
    propose_entries,
    signed_weight,
    upcoming,
    withdrawal_streak,
)

DAY0 = date(2025, 3, 1)
DEP, WD = EntryKind.DEPOSIT, EntryKind.WITHDRAWAL
fast = settings(max_examples=200, deadline=None)


def day(n: int) -> date:
    return DAY0 + timedelta(days=n)


def entry(kind: EntryKind, weight: int, n: int) -> BankEntry:
    return BankEntry(kind=kind, weight=weight, on=day(n))


entries_strategy = st.lists(
    st.builds(
        BankEntry,
        kind=st.sampled_from(EntryKind),
        weight=st.integers(1, 5),
        on=st.dates(min_value=date(2024, 1, 1), max_value=date(2024, 3, 31)),
    ),
    max_size=25,
)


@pytest.mark.parametrize(
    ("today", "days_since", "overdue"),
    [(0, 0, 0), (9, 9, 0), (10, 10, 0), (11, 11, 1), (25, 25, 15)],
)
def test_cadence_day_ten_is_in_time_and_day_eleven_is_overdue(
    today: int, days_since: int, overdue: int
) -> None:
    status = cadence_status(DAY0, day(today), every_days=10)
    assert status == CadenceStatus(
        last_positive=DAY0, days_since_positive=days_since, due_on=day(10), days_overdue=overdue
    )
    assert status.is_overdue is (overdue > 0)


def test_never_contacted_client_is_overdue_by_one_period() -> None:
    status = cadence_status(None, DAY0, every_days=10)
    assert status == CadenceStatus(None, None, None, 10)
    assert status.is_overdue


def test_cadence_rejects_a_contact_after_today_and_an_empty_period() -> None:
    with pytest.raises(ValueError, match="after today"):
        cadence_status(day(1), DAY0, every_days=10)
    with pytest.raises(ValueError, match="every_days"):
        cadence_status(DAY0, DAY0, every_days=0)


@pytest.mark.parametrize(
    ("on", "paused"),
    [(-1, False), (0, False), (1, True), (7, True), (14, True), (15, False), (30, False)],
)
def test_pause_covers_days_one_to_fourteen(on: int, paused: bool) -> None:
    assert pause_until(DAY0, days=14) == day(14)
    assert in_pause(DAY0, day(on), days=14) is paused


def test_no_negative_contact_means_no_pause() -> None:
    assert pause_until(None, days=14) is None
    assert in_pause(None, DAY0, days=14) is False


def test_zero_day_pause_never_blocks() -> None:
    assert pause_until(DAY0, days=0) == DAY0
    assert not any(in_pause(DAY0, day(n), days=0) for n in range(-1, 3))


def test_negative_pause_length_is_rejected() -> None:
    with pytest.raises(ValueError, match="pause"):
        pause_until(DAY0, days=-1)


@pytest.mark.parametrize("weight", [0, 6, -1])
def test_bank_entry_weight_must_be_one_to_five(weight: int) -> None:
    with pytest.raises(ValueError, match="weight"):
        BankEntry(kind=DEP, weight=weight, on=DAY0)


def test_signed_weight() -> None:
    assert signed_weight(entry(DEP, 3, 0)) == 3
    assert signed_weight(entry(WD, 5, 0)) == -5


def test_bank_balance_trend_and_streak() -> None:
    entries = [entry(DEP, 3, 0), entry(WD, 1, 2), entry(DEP, 2, 2), entry(WD, 4, 5)]
    assert bank_balance(entries) == 0
    assert balance_trend(entries) == [(day(0), 3), (day(2), 4), (day(5), 0)]
    assert withdrawal_streak(entries) == 1


def test_streak_follows_dates_not_input_order() -> None:
    entries = [entry(WD, 1, 3), entry(WD, 1, 4), entry(DEP, 5, 1), entry(WD, 2, 2)]
    assert withdrawal_streak(entries) == 3


def test_streak_keeps_input_order_within_one_date() -> None:
    assert withdrawal_streak([entry(WD, 1, 1), entry(DEP, 1, 1)]) == 0
    assert withdrawal_streak([entry(DEP, 1, 1), entry(WD, 1, 1)]) == 1


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        ([], []),
        ([entry(DEP, 2, 0)], []),
        ([entry(WD, 1, 0)], [ALERT_NEGATIVE_BALANCE]),
        ([entry(DEP, 5, 0), entry(WD, 1, 1), entry(WD, 1, 2)], []),
        ([entry(DEP, 5, 0)] + [entry(WD, 1, n) for n in (1, 2, 3)], [ALERT_WITHDRAWAL_STREAK]),
        (
            [entry(WD, 2, n) for n in (1, 2, 3)],
            [ALERT_NEGATIVE_BALANCE, ALERT_WITHDRAWAL_STREAK],
        ),
    ],
)
def test_bank_alerts(entries: list[BankEntry], expected: list[str]) -> None:
    assert bank_alerts(entries, streak_limit=3) == expected


def test_bank_alert_codes_are_stable() -> None:
    assert (ALERT_NEGATIVE_BALANCE, ALERT_WITHDRAWAL_STREAK) == (
        "negative_balance",
        "withdrawal_streak",
    )


def test_bank_alerts_reject_an_empty_streak_limit() -> None:
    with pytest.raises(ValueError, match="streak_limit"):
        bank_alerts([], streak_limit=0)


@pytest.mark.parametrize(
    ("month", "day_of_month", "today", "expected"),
    [
        (5, 10, date(2025, 5, 10), 0),
        (5, 10, date(2025, 5, 9), 1),
        (5, 10, date(2025, 5, 11), 364),
        (1, 1, date(2025, 12, 31), 1),
        (2, 29, date(2025, 2, 28), 0),
        (2, 29, date(2025, 2, 27), 1),
        (2, 29, date(2025, 3, 1), 364),
        (2, 29, date(2024, 2, 29), 0),
        (2, 29, date(2024, 2, 28), 1),
        (2, 29, date(2023, 3, 1), 365),
        (3, 1, date(2024, 2, 28), 2),
    ],
)
def test_days_until_annual_date(month: int, day_of_month: int, today: date, expected: int) -> None:
    assert days_until_date(month, day_of_month, today) == expected


@pytest.mark.parametrize(("month", "day_of_month"), [(2, 30), (4, 31), (13, 1), (0, 5)])
def test_impossible_annual_date_is_rejected(month: int, day_of_month: int) -> None:
    with pytest.raises(ValueError):
        days_until_date(month, day_of_month, DAY0)


@pytest.mark.parametrize(("today", "expected"), [(1, False), (2, True), (5, True), (6, False)])
def test_upcoming_within_ahead_days(today: int, expected: bool) -> None:
    # the date is 2025-03-06 (DAY0 + 5); three days ahead covers 03-03 … 03-06
    assert upcoming(3, 6, day(today), ahead_days=3) is expected


def test_upcoming_rejects_negative_window() -> None:
    with pytest.raises(ValueError, match="ahead_days"):
        upcoming(3, 6, DAY0, ahead_days=-1)


@fast
@given(entries_strategy, st.randoms(use_true_random=False))
def test_balance_is_the_signed_sum_in_any_order(
    entries: list[BankEntry], rnd: random.Random
) -> None:
    shuffled = list(entries)
    rnd.shuffle(shuffled)
    expected = sum(e.weight if e.kind is DEP else -e.weight for e in entries)
    assert bank_balance(entries) == bank_balance(shuffled) == expected


@fast
@given(entries_strategy)
def test_streak_never_exceeds_the_withdrawals(entries: list[BankEntry]) -> None:
    streak = withdrawal_streak(entries)
    assert 0 <= streak <= sum(1 for e in entries if e.kind is WD)


@fast
@given(entries_strategy)
def test_trend_ends_at_the_balance_with_one_point_per_date(entries: list[BankEntry]) -> None:
    trend = balance_trend(entries)
    assert [d for d, _ in trend] == sorted({e.on for e in entries})
    assert (trend[-1][1] if trend else 0) == bank_balance(entries)


@fast
@given(st.dates(max_value=date(9000, 1, 1)), st.integers(0, 40), st.integers(1, 30))
def test_cadence_overdue_is_days_past_due(last: date, gap: int, every: int) -> None:
    today = last + timedelta(days=gap)
    status = cadence_status(last, today, every_days=every)
    assert status.days_overdue == max(0, gap - every)


@fast
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), st.dates())
def test_next_annual_date_is_within_a_year(today: date, birthday: date) -> None:
    days = days_until_date(birthday.month, birthday.day, today)
    assert 0 <= days <= 365
    target = today + timedelta(days=days)
    assert (target.month, target.day) == (birthday.month, birthday.day) or (
        (birthday.month, birthday.day) == (2, 29) and (target.month, target.day) == (2, 28)
    )


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, []),
        ({"tone": "negative"}, [Proposal.NEGATIVE_CONTACT]),
        ({"inside_pause": True}, [Proposal.PAUSE_CONTACT]),
        ({"gap_days": 10, "cadence_days": 10}, []),
        ({"gap_days": 11, "cadence_days": 10}, [Proposal.CADENCE_GAP]),
        ({"gap_days": 50, "cadence_days": None}, []),
        ({"kept_plan": True, "on_a_date": True}, [Proposal.KEPT_PROMISE, Proposal.REMEMBERED_DATE]),
        (
            {"tone": "negative", "inside_pause": True, "gap_days": 30, "cadence_days": 10},
            [Proposal.NEGATIVE_CONTACT, Proposal.PAUSE_CONTACT, Proposal.CADENCE_GAP],
        ),
    ],
)
def test_proposals(kwargs: dict[str, object], expected: list[Proposal]) -> None:
    base: dict[str, object] = {
        "tone": "positive",
        "inside_pause": False,
        "gap_days": None,
        "cadence_days": None,
        "kept_plan": False,
        "on_a_date": False,
    }
    assert propose_entries(**{**base, **kwargs}) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2026, 5, 9), False),
        (date(2026, 5, 10), True),
        (date(2026, 5, 11), True),
        (date(2026, 5, 12), True),
        (date(2026, 5, 13), False),
        (date(2027, 1, 1), False),
    ],
)
def test_near_annual_date(on: date, expected: bool) -> None:
    assert near_annual_date(5, 11, on) is expected


def test_near_annual_date_across_new_year() -> None:
    assert near_annual_date(1, 1, date(2026, 12, 31))
    assert near_annual_date(12, 31, date(2027, 1, 1))


def test_a_disloyal_clients_cadence_is_a_share_of_the_usual_at_least_a_day() -> None:
    from kam.relations.domain import cadence_shortened

    assert cadence_shortened(10, 50) == 5
    assert cadence_shortened(3, 10) == 1
    assert cadence_shortened(14, 100) == 14
    assert cadence_shortened(7, 70) == 4  # 4.9 days: whole days, rounded down
