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
from kam.portfolio.domain import (
    KeyClass,
    KeyThresholds,
    Window,
    classify_portfolio,
    downsample,
    hhi,
    lorenz_points,
    top_shares,
)
from kam.portfolio.models import RevenueRecord
from kam.portfolio.selectors import portfolio_report
from kam.testing import Org

WINDOW = Window(start=date(2026, 1, 1), end=date(2026, 12, 31))
TOLERANCE = Decimal("1e-18")


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
    report = portfolio_report(viewer=org.director, window=WINDOW)
    assert {r.client_id: r.revenue for r in report.rows} == {k: v for k, v in expected.items() if v}


def _oracle_sums(visible: set[int] | None = None) -> dict[int, Decimal]:
    """Per-client sums in plain Python over every record (the slow, obvious way)."""
    sums: dict[int, Decimal] = defaultdict(Decimal)
    for r in RevenueRecord.objects.select_related("client"):
        if WINDOW.start <= r.date <= WINDOW.end and r.client.status == ClientStatus.ACTIVE:
            sums[r.client_id] += r.amount
    return {k: v for k, v in sums.items() if v and (visible is None or k in visible)}


def _add_awkward_revenue(org: Org) -> None:
    """Refunds, a client netting to exactly zero, a refund-only client and exact ties."""
    day = date(2026, 3, 1)
    zero = Client.objects.create(name="Zero", normalized_name="zero", manager=org.manager_a1)
    refund = Client.objects.create(name="Refund", normalized_name="refund", manager=org.manager_a2)
    twins = [
        Client.objects.create(name=f"Twin {i}", normalized_name=f"twin {i}", manager=org.manager_b1)
        for i in range(2)
    ]
    RevenueRecord.objects.bulk_create(
        [
            RevenueRecord(client=zero, date=day, amount=Decimal("150.25")),
            RevenueRecord(client=zero, date=day, amount=Decimal("-150.25")),
            RevenueRecord(client=refund, date=day, amount=Decimal("-999.99")),
            RevenueRecord(client=org.client_a1, date=day, amount=Decimal("-0.01")),
            *(RevenueRecord(client=t, date=day, amount=Decimal("777777.77")) for t in twins),
        ]
    )


@pytest.mark.parametrize("persona", ["director", "supervisor_a", "manager_a1"])
def test_report_equals_the_pure_functions_for_every_scope(org: Org, persona: str) -> None:
    """Every figure of the report agrees with the pure oracle run over the raw records."""
    _generate(org, 7)
    _add_awkward_revenue(org)
    Client.objects.filter(pk=org.client_b1.pk).update(status=ClientStatus.ARCHIVED)
    viewer = org.persona(persona)
    assert viewer is not None
    visible = {
        "director": None,
        "supervisor_a": {org.manager_a1.pk, org.manager_a2.pk},
        "manager_a1": {org.manager_a1.pk},
    }[persona]
    report = portfolio_report(viewer=viewer, window=WINDOW)
    settings = company_settings()
    company = _oracle_sums()
    oracle = classify_portfolio(
        company,
        thresholds=KeyThresholds(
            key=settings.key_share, critical=settings.critical_share, mono=settings.mono_share
        ),
        abc_a=settings.abc_a,
        abc_b=settings.abc_b,
    )
    managers = dict(Client.objects.values_list("id", "manager_id"))
    expected = [c for c in oracle.clients if visible is None or managers[c.key] in visible]

    assert report.company_total == oracle.total
    assert [(r.client_id, r.revenue, r.share, r.key_class, r.abc) for r in report.rows] == [
        (c.key, c.revenue, c.share, c.key_class, c.abc) for c in expected
    ]
    assert len(report.rows) == len(expected)
    scope_total = sum((c.revenue for c in expected), Decimal(0))
    assert report.scope_total == scope_total
    assert abs(report.hhi - hhi(c.revenue / scope_total * 100 for c in expected)) < TOLERANCE
    assert report.top_shares == top_shares([c.revenue for c in expected], scope_total)
    clamped = [max(c.revenue, Decimal(0)) for c in expected]
    assert report.lorenz == downsample(lorenz_points(clamped), limit=201)
    assert report.counts == {k.value: sum(c.key_class is k for c in expected) for k in KeyClass}
    assert [a.row.client_id for a in report.alerts] == [
        c.key for c in expected if c.key_class in (KeyClass.CRITICAL, KeyClass.MONO)
    ]
    load: dict[int, list[object]] = {}
    for c in expected:
        entry = load.setdefault(managers[c.key], [0, 0, Decimal(0)])
        entry[0] += c.key_class is not KeyClass.NONE  # type: ignore[operator]
        entry[1] += 1  # type: ignore[operator]
        entry[2] += c.revenue  # type: ignore[operator]
    assert {m.manager_id: [m.key_clients, m.clients, m.revenue] for m in report.managers} == load


def test_rows_read_like_a_list(org: Org) -> None:
    _generate(org, 5)
    rows = portfolio_report(viewer=org.director, window=WINDOW).rows
    listed = list(rows)
    assert len(listed) == len(rows) > 50
    assert rows[-1] == listed[-1]
    assert rows[10:20] == listed[10:20]
    assert rows[::7] == listed[::7]
    assert rows.find(listed[33].client_id) == listed[33]
    assert rows.find(-1) is None
    with pytest.raises(IndexError):
        rows[len(listed)]


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


def test_client_card_status_agrees_with_the_portfolio_page(org: Org) -> None:
    from kam.portfolio.selectors import client_key_status, default_window

    _generate(org, 13, clients=12, rows=400)
    _add_awkward_revenue(org)
    report = portfolio_report(viewer=org.director, window=default_window())
    assert report.rows
    for row in report.rows:
        status = client_key_status(viewer=org.director, client_id=row.client_id)
        assert (status.revenue, status.share, status.key_class) == (
            row.revenue,
            row.share,
            row.key_class,
        )


def test_rows_read_after_a_client_is_archived_keep_their_names(org: Org) -> None:
    """Rows are built while the page renders; archiving a client meanwhile must not break it."""
    _generate(org, 17, clients=20, rows=200)
    report = portfolio_report(viewer=org.director, window=WINDOW)
    victim = report.rows[5].client_id
    fresh = portfolio_report(viewer=org.director, window=WINDOW)
    Client.objects.filter(pk=victim).update(status=ClientStatus.ARCHIVED)
    names = {r.client_id: r.name for r in fresh.rows}
    assert names[victim] == Client.objects.get(pk=victim).name


@pytest.mark.parametrize("seed", [5, 29])
def test_one_client_key_check_agrees_with_the_company_ranking(org: Org, seed: int) -> None:
    """The card asks about one client (`is_key_client`); Today ranks the company
    (`key_client_ids`): both must name the same key accounts, at the exact threshold too."""
    from kam.portfolio.models import KeyAccountProfile
    from kam.portfolio.selectors import default_window, is_key_client, key_client_ids

    _generate(org, seed, clients=14, rows=300)
    _add_awkward_revenue(org)
    window = default_window()
    archived = Client.objects.order_by("?").first()
    assert archived is not None
    Client.objects.filter(pk=archived.pk).update(status=ClientStatus.ARCHIVED)
    big = Client.objects.create(name="Крупный", normalized_name="крупный", manager=org.manager_a2)
    RevenueRecord.objects.create(client=big, date=window.end, amount=Decimal("90000000.00"))
    # A client with exactly 10% of the company's revenue is not key (share > 10%): a filler of
    # a few kopecks makes the total divisible by 9, the new client brings a ninth of it.
    inside = RevenueRecord.objects.filter(
        date__gte=window.start, date__lte=window.end, client__status=ClientStatus.ACTIVE
    )
    kopecks = sum(int(r.amount * 100) for r in inside)
    filler = (9 - kopecks % 9) % 9
    other = Client.objects.filter(status=ClientStatus.ACTIVE).first()
    assert other is not None
    RevenueRecord.objects.create(client=other, date=window.end, amount=Decimal(filler) / 100)
    edge = Client.objects.create(name="Ровно", normalized_name="ровно", manager=org.manager_a1)
    tenth = Decimal((kopecks + filler) // 9) / 100
    RevenueRecord.objects.create(client=edge, date=window.end, amount=tenth)
    marked = Client.objects.create(name="Метка", normalized_name="метка", manager=org.manager_b1)
    KeyAccountProfile.objects.create(client=marked, prospective=True, prospective_reason="r")
    keys = key_client_ids()
    assert marked.pk in keys
    assert big.pk in keys
    assert edge.pk not in keys
    for client in Client.objects.all():
        assert is_key_client(client) is (client.pk in keys), client.name
