"""Demo deals: a year of an amoCRM pipeline with open, won and lost deals for every manager.

The story of seed 002: managers convert meetings into deals at about the same rate (around a
third), and differ on consultation → meeting. `manager1` brings about one consultation in five
to a meeting; `manager2` about one in twenty, so the funnel page shows his weak step. Each of
the two has well over 30 deals, so their intervals are honest and do not overlap.

KAM also counts a meeting logged with the client during a deal's life, so each deal's dates
are placed with the demo contact log in mind: a deal that had no meeting spans no logged
meeting or visit, and a deal that had one shows it in its stage, in its stage history, or
only as a visit logged with the client.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from kam.accounts.models import User
from kam.clients.models import Client
from kam.core.demo import DemoContext
from kam.deals.choices import DealSource
from kam.deals.models import Deal, DealStageChange
from kam.deals.services import deal_meetings_refresh
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


class _Calendar:
    """Logged meetings and the lives of deals without one, per client, to keep them apart."""

    def __init__(self, clients: list[Client]) -> None:
        self.meetings: dict[int, list[date]] = defaultdict(list)
        self.quiet: dict[int, list[tuple[date, date]]] = defaultdict(list)
        logged = Interaction.objects.filter(
            client__in=clients,
            planned=False,
            channel__in=[ContactChannel.MEETING, ContactChannel.VISIT],
        ).values_list("client_id", "date")
        for client_id, day in logged:
            self.meetings[client_id].append(day)

    def is_quiet(self, client_id: int, start: date, end: date) -> bool:
        return not any(start <= day <= end for day in self.meetings[client_id])

    def may_log(self, client_id: int, day: date) -> bool:
        return not any(start <= day <= end for start, end in self.quiet[client_id])


def _life(rng: random.Random, today: date) -> tuple[date, int]:
    created = today - timedelta(days=rng.randint(5, 360))
    return created, rng.randint(7, 30)


def seed(ctx: DemoContext) -> None:
    """Demo deals for the clients the earlier apps created (the composition root's step)."""
    ctx.counts.update(seed_deals(ctx.rng, ctx.clients, ctx.today))


def seed_deals(rng: random.Random, clients: list[Client], today: date) -> dict[str, int]:
    """Create the demo deals, their stage history and the visits logged only in the log."""
    own: dict[User, list[Client]] = defaultdict(list)
    for client in clients:
        if client.manager.is_manager:
            own[client.manager].append(client)
    calendar = _Calendar(clients)
    deals: list[Deal] = []
    changes: list[tuple[int, str, str, date]] = []  # deal index, from, to, when
    visits: list[Interaction] = []
    for manager in sorted(own, key=lambda u: u.username):
        meeting_rate = MEETING_RATE.get(manager.username, DEFAULT_MEETING_RATE)
        for i in range(DEALS_PER_MANAGER.get(manager.username, DEFAULT_DEALS)):
            met = rng.random() < meeting_rate
            for _attempt in range(50):
                client = rng.choice(own[manager])
                created, days = _life(rng, today)
                end = min(today, created + timedelta(days=days))
                # A deal closes after its life unless it is recent, then it stays open.
                is_open = end == today or (today - created).days < 20
                if met or calendar.is_quiet(client.pk, created, today if is_open else end):
                    break
            if met:
                stage = (
                    rng.choice([OPEN_MEETING, OPEN_PROPOSAL])
                    if is_open
                    else (WON if rng.random() < MEETING_WON_RATE else LOST)
                )
            else:
                stage = OPEN_EARLY if is_open else LOST
                calendar.quiet[client.pk].append((created, today if is_open else end))
            closed = None if is_open else end
            how = rng.choice(["history", "log"]) if met and stage is LOST else "stage"
            code, text = _source(rng)
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
                    reached=1 if how == "history" else stage[2],
                    source=code,
                    source_text=text,
                    loss_reason=rng.choice(LOSS_REASONS) if stage is LOST else "",
                    source_system="amocrm",
                    external_id=f"demo-{manager.pk}-{i}",
                )
            )
            meeting_day = created + (end - created) / 2
            if how == "history":
                changes.append((len(deals) - 1, OPEN_EARLY[0], OPEN_MEETING[0], meeting_day))
                changes.append((len(deals) - 1, OPEN_MEETING[0], stage[0], end))
            elif how == "log" and calendar.may_log(client.pk, meeting_day):
                calendar.meetings[client.pk].append(meeting_day)
                visits.append(
                    Interaction(
                        client=client,
                        author=manager,
                        date=meeting_day,
                        channel=ContactChannel.VISIT,
                        tone=ToneChoice.POSITIVE,
                        summary="Показ на объекте: клиент смотрел варианты",
                    )
                )
            elif how == "log":  # the visit would land in another deal's quiet life
                deals[-1].reached = 1
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
    Interaction.objects.bulk_create(visits, batch_size=1000)
    # The contact log (this seed's visits and the earlier seeds') as each deal's first meeting.
    deal_meetings_refresh()
    return {"deals": len(created_deals), "stage_changes": len(history), "visits": len(visits)}
