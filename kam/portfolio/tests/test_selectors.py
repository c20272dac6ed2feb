"""The SQL aggregation agrees with the pure functions on generated data (both databases)."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest

from kam.clients.choices import ClientStatus
from kam.clients.models import Client
from kam.core.models import company_settings
from kam.core.testing import Org
from kam.portfolio.domain import KeyClass, KeyThresholds, Window, classify_portfolio
from kam.portfolio.models import RevenueRecord
from kam.portfolio.selectors import portfolio_report, revenue_by_client

WINDOW = Window(start=date(2026, 1, 1), end=date(2026, 12, 31))


def _generate(org: Org, seed: int, clients: int = 60, rows: int = 1500) -> list[RevenueRecord]:
    rng = random.Random(seed)
    managers = [org.manager_a1, org.manager_a2, org.manager_b1]
    made = [
        Client.objects.create(
            name=f"Gen {seed}-{i}", normalized_name=f"gen {seed}-{i}", manager=rng.choice(managers)
        )
        for i in range(clients)
    ]
    records = [
        RevenueRecord(
            client=rng.choice(made),
            date=date(2025, 10, 1) + timedelta(days=rng.randrange(0, 500)),
            amount=Decimal(rng.randrange(1, 10_000_000)) / 100,
            source="gen",
        )
        for _ in range(rows)
    ]
    return RevenueRecord.objects.bulk_create(records)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_group_by_matches_a_python_sum_of_the_rows(org: Org, seed: int) -> None:
    _generate(org, seed)
    Client.objects.filter(pk=org.client_b1.pk).update(status=ClientStatus.ARCHIVED)
    expected: dict[int, Decimal] = defaultdict(Decimal)
    for r in RevenueRecord.objects.select_related("client"):
        if WINDOW.start <= r.date <= WINDOW.end and r.client.status == ClientStatus.ACTIVE:
            expected[r.client_id] += r.amount
    assert revenue_by_client(WINDOW) == {k: v for k, v in expected.items() if v}


def test_report_equals_the_pure_classification(org: Org) -> None:
    _generate(org, 7)
    report = portfolio_report(viewer=org.director, window=WINDOW)
    settings = company_settings()
    oracle = classify_portfolio(
        revenue_by_client(WINDOW),
        thresholds=KeyThresholds(
            key=settings.key_share, critical=settings.critical_share, mono=settings.mono_share
        ),
        abc_a=settings.abc_a,
        abc_b=settings.abc_b,
    )
    assert [(r.client_id, r.revenue, r.key_class, r.abc) for r in report.rows] == [
        (c.key, c.revenue, c.key_class, c.abc) for c in oracle.clients
    ]
    assert report.hhi == oracle.hhi
    assert report.company_total == oracle.total


def test_manager_scope_keeps_company_shares(org: Org) -> None:
    _generate(org, 11)
    company = portfolio_report(viewer=org.director, window=WINDOW)
    mine = portfolio_report(viewer=org.manager_a1, window=WINDOW)
    shares = {r.client_id: r.share for r in company.rows}
    assert mine.rows
    assert all(r.manager_id == org.manager_a1.pk for r in mine.rows)
    assert all(r.share == shares[r.client_id] for r in mine.rows)
    assert mine.company_total == company.company_total
    assert mine.scope_total < company.scope_total


def test_thresholds_come_from_the_settings(org: Org) -> None:
    RevenueRecord.objects.filter(client=org.client_a1).update(amount=Decimal(300))
    RevenueRecord.objects.filter(client=org.client_a2).update(amount=Decimal(600))
    RevenueRecord.objects.filter(client=org.client_b1).update(amount=Decimal(100))
    report = portfolio_report(viewer=org.director, window=WINDOW)
    classes = {r.client_id: r.key_class for r in report.rows}
    assert classes[org.client_a2.pk] is KeyClass.MONO  # 60%
    assert classes[org.client_a1.pk] is KeyClass.CRITICAL  # 30%
    assert classes[org.client_b1.pk] is KeyClass.NONE  # exactly 10% is not key
    assert [a.row.client_id for a in report.alerts] == [org.client_a2.pk, org.client_a1.pk]
    settings = company_settings()
    settings.mono_share = Decimal("0.70")
    settings.save()
    report = portfolio_report(viewer=org.director, window=WINDOW)
    assert {r.client_id: r.key_class for r in report.rows}[org.client_a2.pk] is KeyClass.CRITICAL


def test_manager_load_flags_more_than_the_limit(org: Org) -> None:
    for i in range(4):
        c = Client.objects.create(
            name=f"Key {i}", normalized_name=f"key {i}", manager=org.manager_a1
        )
        RevenueRecord.objects.create(client=c, date=date(2026, 5, 1), amount=Decimal(1000))
    report = portfolio_report(viewer=org.director, window=WINDOW)
    load = {m.manager_id: m for m in report.managers}
    assert load[org.manager_a1.pk].key_clients == 5  # four new + client_a1, each above 10%
    assert load[org.manager_a1.pk].overloaded
    assert not load[org.manager_b1.pk].overloaded
