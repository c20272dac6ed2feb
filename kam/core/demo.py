"""Deterministic demo company: org chart, ~300 clients with contacts and 3 years of revenue.

The revenue has a realistic heavy tail: one client above 20% of the last 12 months (a critical
dependency) and a few above 10% (key clients). Same seed, same day → same data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from faker import Faker
from simple_history.utils import bulk_create_with_history

from kam.accounts.models import Department, User
from kam.clients.choices import Attitude, BuyingRole, Channel, Influence, Segment
from kam.clients.domain import normalize_company_name
from kam.clients.models import Client, Contact, ContactRole
from kam.portfolio.models import RevenueRecord

DEMO_PASSWORD = "kam-demo"  # noqa: S105 - the documented password of the demo users


@dataclass(frozen=True, slots=True)
class DemoLogin:
    """One demo login for the start-up banner."""

    username: str
    role: str


DEMO_LOGINS = (
    DemoLogin("admin", "admin"),
    DemoLogin("director", "director"),
    DemoLogin("head1", "supervisor of manager1-3"),
    DemoLogin("head2", "supervisor of manager4-6"),
    *(
        DemoLogin(f"manager{i}", f"manager, reports to head{1 if i <= 3 else 2}")
        for i in range(1, 7)
    ),
)

SEGMENT_WEIGHTS = {
    Segment.LARGE: 15,
    Segment.MEDIUM: 35,
    Segment.SMALL: 35,
    Segment.PRIVATE: 5,
    Segment.STATE: 10,
}
CHANNEL_WEIGHTS = {
    Channel.REFERRAL: 30,
    Channel.MOVED_CONTACT: 10,
    Channel.TENDER: 20,
    Channel.NEW_REGION: 15,
    Channel.OTHER: 25,
}
# Revenue shares of the largest clients in the last 12 months: one critical, three key.
TOP_SHARES = (0.24, 0.13, 0.115, 0.105)
# A client that was key a year ago (about 15%) and has fallen to 7%: the trend shows it.
FALLEN_SHARE = 0.07
# Revenue of each year back (this year, a year ago, two years ago) relative to this year: the
# critical client grew fast (about 17% a year ago, so the dependency is growing), the fallen one
# shrank, everyone else grew steadily.
GROWTH = {"critical": (1.0, 0.65, 0.5), "fallen": (1.0, 2.0, 2.2), "other": (1.0, 0.9, 0.8)}


def database_is_empty() -> bool:
    """True when there are no users and no clients yet (a fresh install)."""
    return not User.objects.exists() and not Client.objects.exists()


def _user(fake: Faker, username: str, **flags: object) -> User:
    user = User(
        username=username,
        first_name=fake.first_name_male() if username != "admin" else "Админ",
        last_name=fake.last_name_male() if username != "admin" else "Системный",
        email=f"{username}@example.ru",
        **flags,
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def _org_chart(fake: Faker) -> list[User]:
    top = Department.objects.create(name="Дирекция")
    sales1 = Department.objects.create(name="Отдел продаж 1", parent=top)
    sales2 = Department.objects.create(name="Отдел продаж 2", parent=top)
    for name in ("Логистика", "Бухгалтерия", "Служба поддержки"):
        Department.objects.create(name=name, parent=top)
    _user(fake, "admin", is_admin=True, department=top)
    director = _user(fake, "director", is_director=True, department=top)
    head1 = _user(
        fake, "head1", is_supervisor=True, is_manager=True, supervisor=director, department=sales1
    )
    head2 = _user(
        fake, "head2", is_supervisor=True, is_manager=True, supervisor=director, department=sales2
    )
    managers = [
        _user(
            fake,
            f"manager{i}",
            is_manager=True,
            supervisor=head1 if i <= 3 else head2,
            department=sales1 if i <= 3 else sales2,
        )
        for i in range(1, 7)
    ]
    return [*managers, head1, head2]


def _company_names(fake: Faker, count: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = fake.company()
        key = normalize_company_name(name)
        if key and key not in seen:
            seen.add(key)
            names.append(name)
    return names


def _inn(fake: Faker, segment: str, seen: set[str]) -> str:
    while True:
        inn = fake.individuals_inn() if segment == Segment.PRIVATE else fake.businesses_inn()
        if inn not in seen:
            seen.add(inn)
            return inn


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


def _contacts(fake: Faker, rng: random.Random, clients: list[Client]) -> list[Contact]:
    positions = [
        "Генеральный директор",
        "Коммерческий директор",
        "Финансовый директор",
        "Главный инженер",
        "Начальник отдела закупок",
        "Секретарь",
        "Менеджер по закупкам",
        "Технический специалист",
        "Главный бухгалтер",
    ]
    contacts = []
    for client in clients:
        for _ in range(rng.randint(2, 6)):
            male = rng.random() < 0.6
            name = fake.name_male() if male else fake.name_female()
            contacts.append(
                Contact(
                    client=client,
                    full_name=name,
                    position=rng.choice(positions),
                    phone=fake.phone_number(),
                    email=fake.email(),
                    birthday=fake.date_of_birth(minimum_age=25, maximum_age=65)
                    if rng.random() < 0.7
                    else None,
                    attitude=rng.choice(list(Attitude.values)),
                    influence=rng.choice(list(Influence.values)),
                )
            )
    return contacts


def _roles(rng: random.Random, contacts: list[Contact]) -> list[ContactRole]:
    roles = list(BuyingRole.values)
    out: list[ContactRole] = []
    for contact in contacts:
        picked = rng.sample(roles, k=rng.choice((1, 1, 1, 2)))
        out.extend(ContactRole(contact=contact, role=r) for r in picked)
    return out


def _key_accounts(rng: random.Random, clients: list[Client], today: date) -> None:
    """Marks, potentials and account plans (some goals overdue) for the largest clients."""
    from kam.portfolio.models import (
        AccountPlan,
        KeyAccountProfile,
        PlanAction,
        PlanGoal,
        PlanReview,
    )

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


@transaction.atomic
def load_demo(*, clients: int = 300, seed: int = 2026, today: date | None = None) -> dict[str, int]:
    """Create the demo company in an empty database; returns counts of what was created."""
    fake = Faker("ru_RU")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    today = today or timezone.localdate()
    people = _org_chart(fake)
    managers = people[:6]
    inns: set[str] = set()
    objs = []
    for idx, name in enumerate(_company_names(fake, clients)):
        segment = rng.choices(list(SEGMENT_WEIGHTS), weights=list(SEGMENT_WEIGHTS.values()))[0]
        # manager1 carries the critical client and three key ones: an overloaded manager.
        owner = managers[0] if idx < len(TOP_SHARES) else rng.choice(people)
        objs.append(
            Client(
                name=name,
                normalized_name=normalize_company_name(name),
                inn=_inn(fake, segment, inns),
                segment=segment if idx >= len(TOP_SHARES) else Segment.LARGE,
                channel=rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[
                    0
                ],
                manager=owner,
                city=fake.city_name(),
            )
        )
    created = bulk_create_with_history(objs, Client, batch_size=500)
    contacts = bulk_create_with_history(_contacts(fake, rng, created), Contact, batch_size=1000)
    ContactRole.objects.bulk_create(_roles(rng, contacts), batch_size=2000)
    revenue = _revenue_rows(rng, created, _annual_weights(rng, len(created)), today)
    RevenueRecord.objects.bulk_create(revenue, batch_size=2000)
    _key_accounts(rng, created, today)
    from kam.relations.demo import seed_relations, seed_stages_and_bank

    relations = seed_relations(rng, created, today)
    relations.update(seed_stages_and_bank(rng, created, today))
    from kam.surveys.demo import seed_surveys

    relations.update(seed_surveys(rng, created, today))
    from kam.calls.demo import seed as seed_calls

    relations.update(seed_calls(rng, today))
    return {
        **relations,
        "users": len(people) + 2,
        "clients": len(created),
        "contacts": len(contacts),
        "revenue": len(revenue),
    }
