"""Demo data for account health: a key client that stopped buying, a run of negative contacts
and a new client who answered as a promoter (the fallen-share client comes from portfolio)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from kam.core.demo import DemoContext
from kam.playbooks.models import ComplaintCase
from kam.portfolio.models import RevenueRecord
from kam.relations.models import Interaction
from kam.surveys.models import Answer, Campaign, Respondent

SILENT_DAYS = 150  # the churning key client's orders stop this many days before today


def _churning_key_client(ctx: DemoContext) -> None:
    """The smallest key client: its last 150 days of orders move 150 days back (its share over
    12 months stays the same) and a regular monthly supply order shows its usual rhythm."""
    client = ctx.clients[ctx.key_count - 1]
    recent = RevenueRecord.objects.filter(
        client=client, date__gt=ctx.today - timedelta(days=SILENT_DAYS)
    )
    for record in recent:
        record.date -= timedelta(days=SILENT_DAYS)
        record.save(update_fields=["date"])
    RevenueRecord.objects.bulk_create(
        RevenueRecord(
            client=client,
            date=ctx.today - timedelta(days=days),
            amount=Decimal(ctx.rng.randrange(20, 60) * 1000),
            source="demo",
            note="Ежемесячная поставка расходников",
        )
        for days in range(SILENT_DAYS + 5, 730, 30)
    )


def _negative_run(ctx: DemoContext) -> None:
    client = ctx.clients[ctx.key_count + 2]
    notes = [
        "Жалуется на сорванную отгрузку",
        "Недоволен ответом склада",
        "Снова претензия по срокам",
        "Грозит уйти к конкуренту",
    ]
    for days, note in zip((3, 9, 16, 24), notes, strict=True):
        Interaction.objects.create(
            client=client,
            author=client.manager,
            date=ctx.today - timedelta(days=days),
            channel="call",
            tone="negative",
            summary=note,
        )


def _new_promoter(ctx: DemoContext) -> None:
    """The last demo client without answers or complaint cases becomes a new one: its first
    order ten months ago, growing repeat orders since, and a promoter's answer."""
    answered = set(Answer.objects.values_list("client_id", flat=True))
    complained = set(ComplaintCase.objects.values_list("client_id", flat=True))
    client = next(
        (c for c in reversed(ctx.clients) if c.pk not in answered and c.pk not in complained),
        None,
    )
    if client is None:  # a tiny demo where every client already answered or complained
        return
    manager = client.manager
    RevenueRecord.objects.filter(client=client).delete()
    RevenueRecord.objects.bulk_create(
        RevenueRecord(
            client=client,
            date=ctx.today - timedelta(days=days),
            amount=Decimal(amount),
            source="demo",
        )
        for days, amount in ((320, 400_000), (230, 550_000), (140, 700_000), (50, 900_000))
    )
    campaign = Campaign.objects.filter(kind="client").order_by("-end").first()
    if campaign is not None:
        respondent, _created = Respondent.objects.get_or_create(campaign=campaign, client=client)
        Answer.objects.create(
            respondent=respondent,
            campaign=campaign,
            client=client,
            score=10,
            comment="Привезли всё в срок и сами предложили замену дефицитной позиции",
            channel="phone",
            answered_on=max(campaign.start, ctx.today - timedelta(days=20)),
            recorded_by=manager,
        )


def seed(ctx: DemoContext) -> None:
    _churning_key_client(ctx)
    _negative_run(ctx)
    _new_promoter(ctx)
