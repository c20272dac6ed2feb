"""Demo revenue (three years, a heavy tail: one critical client, key clients, one that fell),
key-account marks and account plans with overdue goals."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from kam.clients.models import Client
from kam.core.demo import DemoContext
from kam.portfolio.models import (
    AccountPlan,
    KeyAccountProfile,
    PlanAction,
    PlanGoal,
    PlanReview,
    RevenueRecord,
)

# Revenue shares of the largest clients in the last 12 months: one critical, three key.
TOP_SHARES = (0.24, 0.13, 0.115, 0.105)
# A client that was key a year ago (about 15%) and has fallen to 7%: the trend shows it.
FALLEN_SHARE = 0.07
# Revenue of each year back (this year, a year ago, two years ago) relative to this year: the
# critical client grew fast (about 17% a year ago, so the dependency is growing), the fallen one
# shrank, everyone else grew steadily.
GROWTH = {"critical": (1.0, 0.65, 0.5), "fallen": (1.0, 2.0, 2.2), "other": (1.0, 0.9, 0.8)}


def _annual_weights(rng: random.Random, count: int) -> list[float]:
    # The top clients get fixed shares; the rest share what is left with a Pareto tail capped
    # below the key threshold so the demo has exactly the dependencies it promises.
    rest_total = 1 - sum(TOP_SHARES) - FALLEN_SHARE
    raw = [rng.paretovariate(1.3) for _ in range(count - len(TOP_SHARES) - 1)]
    raw = [min(r, 40.0) for r in raw]
    scale = rest_total / sum(raw)
    return [*TOP_SHARES, FALLEN_SHARE, *(r * scale for r in raw)]


def _revenue_rows(
    rng: random.Random, clients: list[Client], weights: list[float], today: date
) -> list[RevenueRecord]:
    annual_total = 600_000_000.0  # about 600 million roubles in the last 12 months
    rows: list[RevenueRecord] = []
    for index, (client, weight) in enumerate(zip(clients, weights, strict=True)):
        kind = "critical" if index == 0 else "fallen" if index == len(TOP_SHARES) else "other"
        for year_back in range(3):
            amount_year = annual_total * weight * GROWTH[kind][year_back]
            deals = max(1, min(24, int(rng.expovariate(1 / 6)) + 1))
            noise = 0.3 if kind == "other" and weight not in TOP_SHARES else 0.02
            for _ in range(deals):
                offset = rng.randrange(0, 365) + 365 * year_back
                amount = amount_year / deals * rng.uniform(1 - noise, 1 + noise)
                rows.append(
                    RevenueRecord(
                        client=client,
                        date=today - timedelta(days=offset),
                        amount=Decimal(str(round(max(amount, 1000.0), 2))),
                        source="demo",
                    )
                )
    return rows


def _key_accounts(rng: random.Random, clients: list[Client], today: date) -> None:
    """Marks, potentials and account plans (some goals overdue) for the largest clients."""
    top = clients[: len(TOP_SHARES)]
    for client in top:
        KeyAccountProfile.objects.create(
            client=client,
            potential_3y=Decimal(rng.randrange(200, 600) * 1_000_000),
            updated_by=client.manager,
        )
    KeyAccountProfile.objects.create(
        client=clients[10],
        strategic=True,
        potential_3y=Decimal(90_000_000),
        strategic_reason="Первый клиент в нефтегазовой отрасли: открывает вертикальный рынок",
        updated_by=clients[10].manager,
    )
    KeyAccountProfile.objects.create(
        client=clients[11],
        prospective=True,
        potential_3y=Decimal(150_000_000),
        prospective_reason="Основной объём закупок сейчас уходит конкуренту",
        updated_by=clients[11].manager,
    )
    goals = [
        ("Увеличить годовой объём закупок", Decimal(180_000_000), "руб.", -20),
        ("Подписать рамочный договор на 3 года", Decimal(1), "договор", 45),
        ("Вывести в поставки новую линейку", Decimal(3), "позиции", -5),
    ]
    for client in top:
        plan = AccountPlan.objects.create(client=client, created_by=client.manager)
        for title, target, unit, days in goals:
            goal = PlanGoal.objects.create(
                plan=plan,
                title=title,
                target_value=target,
                unit=unit,
                due=today + timedelta(days=days),
            )
            PlanAction.objects.create(
                goal=goal,
                title="Встреча с ЛПР по итогам квартала",
                owner=client.manager,
                due=today + timedelta(days=days - 10),
            )
        PlanReview.objects.create(
            plan=plan,
            author=client.manager,
            date=today - timedelta(days=30),
            notes="Объём растёт медленнее плана, нужен выход на ЛПР.",
        )


def seed(ctx: DemoContext) -> None:
    if ctx.key_count != len(TOP_SHARES):  # the clients' demo reserved the largest clients
        raise ValueError("DemoContext.key_count must match portfolio.demo.TOP_SHARES")
    revenue = _revenue_rows(
        ctx.rng, ctx.clients, _annual_weights(ctx.rng, len(ctx.clients)), ctx.today
    )
    RevenueRecord.objects.bulk_create(revenue, batch_size=2000)
    _key_accounts(ctx.rng, ctx.clients, ctx.today)
    ctx.counts["revenue"] = len(revenue)
