"""Demo deals: a year of an amoCRM pipeline with open, won and lost deals for every manager.

The story of seed 002: managers convert meetings into deals at about the same rate (around a
third), and differ on consultation → meeting. Deals are with prospects (new small companies),
as a funnel of consultations is; a meeting shows in the stage, in the stage history, or only
as a visit logged with the client. `manager1` brings about one consultation in five
to a meeting; `manager2` about one in twenty, so the funnel page shows his weak step. Each of
the two has well over 30 deals, so their intervals are honest and do not overlap.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from simple_history.utils import bulk_create_with_history

from kam.accounts.models import User
from kam.clients.choices import Channel, Segment
from kam.clients.domain import normalize_company_name
from kam.clients.models import Client
from kam.deals.choices import DealSource
from kam.deals.models import Deal, DealStageChange
from kam.relations.choices import ContactChannel, ToneChoice
from kam.relations.models import Interaction

# Consultation → meeting rate by manager login; the rest of the team sits in between.
MEETING_RATE = {"manager1": 0.20, "manager2": 0.05}
DEFAULT_MEETING_RATE = 0.11
MEETING_WON_RATE = 0.33
DEALS_PER_MANAGER = {"manager1": 110, "manager2": 110}
DEFAULT_DEALS = 45

OPEN_EARLY = ("Первичный контакт", "consultation", 0)
OPEN_MEETING = ("Переговоры", "meeting", 1)
OPEN_PROPOSAL = ("Принимают решение", "proposal", 2)
WON = ("Успешно реализовано", "won", 3)
LOST = ("Закрыто и не реализовано", "lost", 0)
LOSS_REASONS = ("Дорого", "Выбрали конкурента", "Пропала потребность", "Не вышли на ЛПР")
TITLES = ("Поставка", "Сервисный договор", "Пилотный проект", "Расширение лицензий", "Монтаж")


def _source(rng: random.Random) -> tuple[str, str]:
    return rng.choices(
        [
            (DealSource.INBOUND, "Веб-сайт"),
            (DealSource.REFERRAL, "По рекомендации"),
            (DealSource.TENDER, "Тендер"),
            (DealSource.MOVED_CONTACT, "Контакт сменил работу"),
            (DealSource.NEW_REGION, "Новый регион"),
            (DealSource.OTHER, "Выставка"),
        ],
        weights=[40, 20, 15, 8, 7, 10],
    )[0]


PROSPECT_WORDS = (
    "Альфа", "Вектор", "Гранит", "Дельта", "Заря", "Исток", "Кедр", "Лидер", "Меридиан",
    "Норд", "Орбита", "Пульс", "Радуга", "Сфера", "Тайга", "Урал", "Факел", "Гавань",
)  # fmt: skip


def _prospects(rng: random.Random, manager: User, count: int) -> list[Client]:
    """New companies a manager consults: a funnel starts with prospects, not key accounts."""
    names = [f"ООО «{rng.choice(PROSPECT_WORDS)}-{manager.pk}{i:02d}»" for i in range(count)]
    objects = [
        Client(
            name=name,
            normalized_name=normalize_company_name(name),
            segment=Segment.SMALL,
            channel=Channel.OTHER,
            manager=manager,
        )
        for name in names
    ]
    return list(bulk_create_with_history(objects, Client, batch_size=500))


def seed(rng: random.Random, clients: list[Client], today: date) -> dict[str, int]:
    """Create prospects, their deals, stage history and the meetings logged with them."""
    managers = sorted(
        {c.manager for c in clients if c.manager.is_manager}, key=lambda u: u.username
    )
    deals: list[Deal] = []
    changes: list[tuple[int, str, str, date]] = []  # deal index, from, to, when
    meetings: list[Interaction] = []
    prospects = 0
    for manager in managers:
        count = DEALS_PER_MANAGER.get(manager.username, DEFAULT_DEALS)
        own = _prospects(rng, manager, count // 2 + 1)
        prospects += len(own)
        meeting_rate = MEETING_RATE.get(manager.username, DEFAULT_MEETING_RATE)
        for i in range(count):
            client = rng.choice(own)
            created = today - timedelta(days=rng.randint(5, 360))
            met = rng.random() < meeting_rate
            age = (today - created).days
            if met and age > 45:
                stage = WON if rng.random() < MEETING_WON_RATE else LOST
            elif met:
                stage = rng.choice([OPEN_MEETING, OPEN_PROPOSAL])
            elif age > 45 or rng.random() < 0.5:
                stage = LOST
            else:
                stage = OPEN_EARLY
            closed = None
            if stage in (WON, LOST):
                closed = min(today, created + timedelta(days=rng.randint(10, 45)))
            code, text = _source(rng)
            # How KAM learns of the meeting: the stage itself, a stage seen in an earlier
            # import (history), or only a visit logged with the client.
            how = rng.choice(["history", "log"]) if met and stage is LOST else "stage"
            deals.append(
                Deal(
                    client=client,
                    manager=manager,
                    title=f"{rng.choice(TITLES)} · {client.name}",
                    amount=Decimal(rng.randrange(50, 3000) * 1000),
                    created=created,
                    closed=closed,
                    status={"won": "won", "lost": "lost"}.get(stage[1], "open"),
                    stage=stage[0],
                    step=stage[1],
                    reached=1 if met and how == "history" else stage[2],
                    source=code,
                    source_text=text,
                    loss_reason=rng.choice(LOSS_REASONS) if stage is LOST else "",
                    source_system="amocrm",
                    external_id=f"demo-{manager.pk}-{i}",
                )
            )
            if met:
                end = closed or today
                meeting_day = created + (end - created) / 2
                if how == "history":
                    changes.append((len(deals) - 1, OPEN_EARLY[0], OPEN_MEETING[0], meeting_day))
                    changes.append((len(deals) - 1, OPEN_MEETING[0], stage[0], end))
                meetings.append(
                    Interaction(
                        client=client,
                        author=manager,
                        date=meeting_day,
                        channel=rng.choice([ContactChannel.MEETING, ContactChannel.VISIT]),
                        tone=ToneChoice.POSITIVE,
                        summary="Показ на объекте" if how == "log" else "Встреча у клиента",
                    )
                )
    created_deals = Deal.objects.bulk_create(deals, batch_size=1000)
    history = [
        DealStageChange(
            deal=created_deals[index],
            date=day,
            stage_from=old,
            stage_to=new,
            step={"Переговоры": "meeting", WON[0]: "won"}.get(new, "lost"),
            status={"Переговоры": "open", WON[0]: "won"}.get(new, "lost"),
        )
        for index, old, new, day in changes
    ]
    DealStageChange.objects.bulk_create(history, batch_size=1000)
    Interaction.objects.bulk_create(meetings, batch_size=1000)
    return {"deals": len(created_deals), "prospects": prospects, "stage_changes": len(history)}
