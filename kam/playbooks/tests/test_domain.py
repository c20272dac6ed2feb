"""Pure rules of the playbook, without a database: Pareto, age, cadence, naming the manager."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from kam.playbooks.domain import (
    names_person,
    pareto,
    split_age,
    step_deadline,
)


def test_pareto_table_from_the_80_20_rule() -> None:
    rows = pareto({"сроки": 5, "качество": 3, "счёт": 1, "другое": 1})
    assert [(r.cause, r.count) for r in rows] == [
        ("сроки", 5),
        ("качество", 3),
        ("другое", 1),
        ("счёт", 1),
    ]
    assert [round(r.cumulative) for r in rows] == [50, 80, 90, 100]
    assert [r.vital for r in rows] == [True, True, False, False]
    assert pareto({}) == []


@given(st.dictionaries(st.text(min_size=1, max_size=5), st.integers(1, 50), min_size=1))
def test_pareto_invariants(counts: dict[str, int]) -> None:
    rows = pareto(counts)
    total = sum(counts.values())
    assert sum(r.count for r in rows) == total
    assert abs(rows[-1].cumulative - 100) < 1e-9
    assert all(a.count >= b.count for a, b in itertools.pairwise(rows))
    vital = [r for r in rows if r.vital]
    # The vital few reach 80% and drop any one of them, they would not.
    assert vital == rows[: len(vital)]
    assert vital[-1].cumulative >= 80 - 1e-9
    if len(vital) > 1:
        assert vital[-2].cumulative < 80


def test_age_and_deadlines() -> None:
    age = split_age(timedelta(days=2, hours=4, minutes=59, seconds=59))
    assert (age.days, age.hours, age.minutes) == (2, 4, 59)
    start = datetime(2026, 3, 1, 9, 0)  # noqa: DTZ001 - pure arithmetic
    assert step_deadline(start, 30) == datetime(2026, 3, 2, 15, 0)  # noqa: DTZ001


def test_the_clients_words_name_the_manager_in_any_case_form() -> None:
    names = ["Петров", "Иван"]
    assert names_person("Жалуемся на Петрова: не перезвонил", names)
    assert names_person("Ивану передайте, что мы недовольны", names)
    assert not names_person("Склад на Петровке отгрузил не то", names)
    assert names_person("Тестовым недовольны", ["Тестов"])
    assert not names_person("Тесты не прошли", ["Тестов"])
    assert not names_person("", names)
