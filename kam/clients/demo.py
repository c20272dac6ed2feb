"""Demo clients and their contacts with buying-centre roles."""

from __future__ import annotations

import random

from faker import Faker
from simple_history.utils import bulk_create_with_history

from kam.clients.choices import Attitude, BuyingRole, Channel, Influence, Segment
from kam.clients.domain import normalize_company_name
from kam.clients.models import Client, Contact, ContactRole
from kam.core.demo import DemoContext

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


def seed(ctx: DemoContext) -> None:
    fake, rng = ctx.fake, ctx.rng
    managers = ctx.people[:6]
    inns: set[str] = set()
    objs = []
    for idx, name in enumerate(_company_names(fake, ctx.size)):
        segment = rng.choices(list(SEGMENT_WEIGHTS), weights=list(SEGMENT_WEIGHTS.values()))[0]
        # manager1 carries the critical client and three key ones: an overloaded manager.
        owner = managers[0] if idx < ctx.key_count else rng.choice(ctx.people)
        objs.append(
            Client(
                name=name,
                normalized_name=normalize_company_name(name),
                inn=_inn(fake, segment, inns),
                segment=segment if idx >= ctx.key_count else Segment.LARGE,
                channel=rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[
                    0
                ],
                manager=owner,
                city=fake.city_name(),
            )
        )
    ctx.clients = bulk_create_with_history(objs, Client, batch_size=500)
    contacts = bulk_create_with_history(_contacts(fake, rng, ctx.clients), Contact, batch_size=1000)
    ContactRole.objects.bulk_create(_roles(rng, contacts), batch_size=2000)
    ctx.counts.update(clients=len(ctx.clients), contacts=len(contacts))
