"""Demo data of the contact log and the dossiers: a year of contacts with tones, clients overdue
and in a pause, dossiers with varied completeness and review dates, birthdays this week."""

from __future__ import annotations

import random
from datetime import date, timedelta

from kam.clients.models import Client, Competitor, Contact, ContactDate, Dossier
from kam.core.demo import DemoContext
from kam.core.models import company_settings
from kam.portfolio.models import KeyAccountProfile
from kam.portfolio.selectors import key_client_ids
from kam.relations.choices import ContactChannel, EntryKind, TaskKind, ToneChoice
from kam.relations.models import (
    BankCatalogueEntry,
    BankEntry,
    ChecklistTask,
    Interaction,
    StageChange,
)
from kam.relations.models import RelationshipStage as Stage

SUMMARIES = {
    ToneChoice.POSITIVE: [
        "Обсудили план поставок на квартал, клиент доволен сроками.",
        "Поздравили с успешным запуском линии, договорились о встрече.",
        "Клиент подтвердил заказ и попросил расширить ассортимент.",
        "Провели совместный разбор качества, замечаний нет.",
    ],
    ToneChoice.NEUTRAL: [
        "Уточнили реквизиты и график отгрузок.",
        "Передали коммерческое предложение, ответ через неделю.",
        "Короткий звонок по текущему заказу.",
    ],
    ToneChoice.NEGATIVE: [
        "Клиент недоволен задержкой поставки, разговор на повышенных тонах.",
        "Претензия по качеству партии, требуют компенсацию.",
        "ЛПР высказал раздражение из-за смены условий оплаты.",
    ],
}
COMPETITORS = [
    ("ТоргСнаб", "Низкая цена, склад в регионе", "Слабый сервис", "Скидка 7% за объём"),
    ("ПромРесурс", "Широкий ассортимент", "Срывы сроков", "Отсрочка платежа 60 дней"),
    ("ГлавПоставка", "Личные связи с ЛПР", "Нет сертификатов", "Бесплатная доставка"),
]
DOSSIER_NOTES = [
    "Решения принимает генеральный директор, финансовый директор влияет на условия оплаты. "
    "Ценят скорость реакции и личное участие менеджера.",
    "Закупки идут через тендерную площадку; технический специалист пишет ТЗ под себя. "
    "В прошлом году был конфликт из-за срыва сроков — закрыт компенсацией.",
    "Клиент растёт, открывает два новых филиала. Интересуется долгосрочным контрактом.",
]


def _tone(rng: random.Random) -> str:
    return rng.choices(
        [ToneChoice.POSITIVE, ToneChoice.NEUTRAL, ToneChoice.NEGATIVE], weights=[70, 22, 8]
    )[0]


def seed_relations(rng: random.Random, clients: list[Client], today: date) -> dict[str, int]:
    """Create the contact log, dossiers and dates for the demo clients (deterministic)."""
    settings = company_settings()
    settings.cadence_large_days = 30
    settings.save(update_fields=["cadence_large_days"])
    # One strategic account for every manager without a revenue key client: a fuller team view.
    revenue_keys = key_client_ids(today)
    owners = {c.manager_id for c in clients if c.pk in revenue_keys}
    for client in clients[10:]:
        if client.manager_id not in owners:
            KeyAccountProfile.objects.get_or_create(
                client=client,
                defaults={
                    "strategic": True,
                    "strategic_reason": "Референс в отрасли: на него ссылаются новые клиенты",
                    "updated_by": client.manager,
                },
            )
            owners.add(client.manager_id)
    keys = key_client_ids(today)
    contacts_of: dict[int, list[Contact]] = {}
    for contact in Contact.objects.filter(client__in=clients).order_by("id"):
        contacts_of.setdefault(contact.client_id, []).append(contact)
    rows: list[tuple[Interaction, list[Contact]]] = []
    key_list = [c for c in clients if c.pk in keys]
    overdue = {c.pk for c in key_list[1:3]}  # two key clients with a broken cadence
    paused = {key_list[3].pk} if len(key_list) > 3 else set()
    for client in clients:
        people = contacts_of.get(client.pk, [])
        step = 6 if client.pk in keys else rng.randint(20, 70)
        day = today - timedelta(days=365 - rng.randint(0, step))
        stop = today - timedelta(days=rng.randint(16, 25) if client.pk in overdue else 0)
        while day <= stop:
            tone = _tone(rng)
            if client.pk in overdue and day > stop - timedelta(days=12):
                tone = ToneChoice.NEUTRAL
            interaction = Interaction(
                client=client,
                author=client.manager,
                date=day,
                channel=rng.choice(list(ContactChannel.values)),
                personal=rng.random() < 0.8,
                tone=tone,
                summary=rng.choice(SUMMARIES[ToneChoice(tone)]),
            )
            rows.append((interaction, rng.sample(people, k=min(len(people), rng.randint(1, 2)))))
            day += timedelta(days=max(1, int(rng.gauss(step, step / 4))))
        if client.pk in paused:
            negative = Interaction(
                client=client,
                author=client.manager,
                date=today - timedelta(days=4),
                channel=ContactChannel.MEETING,
                personal=True,
                tone=ToneChoice.NEGATIVE,
                summary=SUMMARIES[ToneChoice.NEGATIVE][0],
            )
            rows.append((negative, people[:1]))
    rows.extend(
        (
            Interaction(
                client=client,
                author=client.manager,
                date=today + timedelta(days=rng.randint(0, 3)),
                channel=ContactChannel.VISIT,
                personal=True,
                planned=True,
                summary="Встреча по итогам квартала",
            ),
            contacts_of.get(client.pk, [])[:1],
        )
        for client in key_list[:3]
    )
    created = Interaction.objects.bulk_create([i for i, _people in rows], batch_size=2000)
    through = Interaction.contacts.through
    through.objects.bulk_create(
        [
            through(interaction_id=i.pk, contact_id=c.pk)
            for i, (_same, people) in zip(created, rows, strict=True)
            for c in people
        ],
        batch_size=5000,
    )
    dossiers = _dossiers(rng, key_list + clients[20:40], contacts_of, today)
    _dates(rng, clients, contacts_of, today)
    return {"interactions": len(created), "dossiers": dossiers}


def _dossiers(
    rng: random.Random,
    clients: list[Client],
    contacts_of: dict[int, list[Contact]],
    today: date,
) -> int:
    made = 0
    for index, client in enumerate(dict.fromkeys(clients)):
        reviewed = today - timedelta(days=rng.choice((5, 20, 45, 80, 120, 200)))
        Dossier.objects.create(
            client=client,
            notes=DOSSIER_NOTES[index % len(DOSSIER_NOTES)] if index % 4 else "",
            last_reviewed_on=None if index % 7 == 6 else reviewed,
            reviewed_by=client.manager,
        )
        for name, strengths, weaknesses, offer in rng.sample(COMPETITORS, k=index % 3):
            Competitor.objects.create(
                client=client,
                name=name,
                strengths=strengths,
                weaknesses=weaknesses,
                offer=offer,
                last_activity=today - timedelta(days=rng.randint(3, 90)),
            )
        for contact in contacts_of.get(client.pk, [])[:2]:
            if not contact.notes:
                contact.notes = rng.choice(
                    ["Любит точные цифры", "Болеет за «Зенит»", "Ценит пунктуальность"]
                )
                contact.save(update_fields=["notes"])
        made += 1
    return made


def _dates(
    rng: random.Random,
    clients: list[Client],
    contacts_of: dict[int, list[Contact]],
    today: date,
) -> None:
    # A few birthdays this week among manager1's clients and a company anniversary.
    first = [c for c in clients if c.manager.username == "manager1"][:6]
    for offset, client in enumerate(first):
        people = contacts_of.get(client.pk, [])
        if not people:
            continue
        contact = people[0]
        soon = today + timedelta(days=offset % 4)
        try:
            contact.birthday = soon.replace(year=1975 + offset)
        except ValueError:  # 29 February
            contact.birthday = date(1976, 2, 29)
        contact.save(update_fields=["birthday"])
        if offset == 1:
            ContactDate.objects.create(
                contact=contact,
                what="День основания компании",
                date=(today + timedelta(days=2)).replace(year=2005)
                if (today + timedelta(days=2)).month != 2 or (today + timedelta(days=2)).day != 29
                else date(2004, 2, 29),
            )


STAGE_WEIGHTS = [10, 10, 15, 35, 10, 20]  # знакомство … зрелые отношения


def seed_stages_and_bank(rng: random.Random, clients: list[Client], today: date) -> dict[str, int]:
    """Clients at every stage with a dated history, bank entries per client, a crisis client
    whose balance is falling and a mature client with its checklist."""
    ladder = list(Stage.objects.filter(is_active=True).order_by("order"))
    crisis = next(s for s in ladder if s.is_crisis)
    mature = ladder[-1]
    catalogue = list(BankCatalogueEntry.objects.filter(is_active=True).order_by("id"))
    deposits = [e for e in catalogue if e.kind == EntryKind.DEPOSIT]
    withdrawals = [e for e in catalogue if e.kind == EntryKind.WITHDRAWAL]
    changes: list[StageChange] = []
    entries: list[BankEntry] = []
    reasons = [
        "Первые встречи",
        "Обсуждаем условия",
        "Подписан договор",
        "Регулярные закупки",
        "Клиент недоволен сроками и смотрит на конкурентов",
        "Кризис пройден, работаем по плану",
    ]
    for index, client in enumerate(clients):
        final = rng.choices(range(len(ladder)), weights=STAGE_WEIGHTS)[0]
        if index == 0:
            final = len(ladder) - 1  # the largest client: mature
        if index == 1:
            final = ladder.index(crisis)  # the second largest: in the crisis
        start = today - timedelta(days=rng.randint(400, 1000))
        span = (today - start).days
        changes.extend(
            StageChange(
                client=client,
                stage=ladder[step],
                date=start + timedelta(days=span * step // (final + 1)),
                reason=reasons[step],
                author=client.manager,
            )
            for step in range(final + 1)
        )
        history = [(c.date, c.stage) for c in changes[-(final + 1) :]]
        for _ in range(rng.randint(2, 8)):
            kind_pool = deposits if index == 0 or rng.random() < 0.7 else withdrawals
            pick = rng.choice(kind_pool)
            on = today - timedelta(days=rng.randint(30, 360))
            rng.randint(0, final)  # the draw that once picked a stage: later data stays the same
            entries.append(
                BankEntry(
                    client=client,
                    kind=pick.kind,
                    weight=pick.weight,
                    note=pick.title,
                    date=on,
                    # The stage the client was in that day, by its history.
                    stage=next((st for day, st in reversed(history) if day <= on), None),
                    author=client.manager,
                )
            )
        if index == 1:  # the crisis client: four withdrawals in a row, falling into the red
            entries.extend(
                BankEntry(
                    client=client,
                    kind=pick.kind,
                    weight=min(5, pick.weight + 1),
                    note=pick.title,
                    date=today - timedelta(days=days),
                    stage=crisis,
                    author=client.manager,
                )
                for days, pick in zip((25, 18, 9, 3), withdrawals[:4], strict=True)
            )
    StageChange.objects.bulk_create(changes, batch_size=2000)
    BankEntry.objects.bulk_create(entries, batch_size=2000)
    top = clients[0]
    for step, title in enumerate(mature.template_tasks):
        ChecklistTask.objects.create(
            client=top,
            title=title,
            owner=top.manager,
            due=today + timedelta(days=20 * step - 10),
            done=step == 0,
            kind=TaskKind.TEMPLATE,
            created_by=top.manager,
        )
    for client in clients[2:5]:
        ChecklistTask.objects.create(
            client=client,
            title=f"Попросить обратную связь по сделке от {(today - timedelta(days=5)):%d.%m.%Y}: "
            "звонок с вопросом NPS",
            owner=client.manager,
            due=today + timedelta(days=2),
            kind=TaskKind.FEEDBACK,
            created_by=client.manager,
        )
    return {"stage_changes": len(changes), "bank_entries": len(entries)}


def seed(ctx: DemoContext) -> None:
    ctx.counts.update(seed_relations(ctx.rng, ctx.clients, ctx.today))
    ctx.counts.update(seed_stages_and_bank(ctx.rng, ctx.clients, ctx.today))
