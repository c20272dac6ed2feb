"""Demo ideal profile: a finished workshop of head1's team, scored clients with a history,
action items from low scores, and minutes logged on contacts for the seller's-time page."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from kam.accounts.models import User
from kam.clients.models import Client
from kam.core.demo import DemoContext
from kam.deals.models import Deal
from kam.profiles import services as svc
from kam.profiles.models import (
    DealAssessment,
    PickKind,
    Trait,
    TraitScore,
    Workshop,
    WorkshopPick,
    WorkshopStep,
    WorkshopTrait,
)
from kam.relations.models import Interaction
from kam.surveys.models import Answer

BEST = [
    "Доверяет нам и делится планами",
    "Платит в срок",
    "Готов платить за ценность, а не за скидку",
    "Доверяет нашей компании",  # merged into the first one
]
WORST = [
    "Медленно принимает решения",
    "Секретничает и не желает сотрудничать",
    "Каждый раз выбивает скидку",
]
OPPOSITES = {"Каждый раз выбивает скидку": "Ценит качество выше цены"}
CHOSEN = [
    ("Доверяет нам и делится планами", Decimal(2)),
    ("Платит в срок", Decimal(1)),
    ("Быстро принимает решения", Decimal(1)),
    ("Готов платить за ценность, а не за скидку", Decimal(1)),
    ("Открыт к сотрудничеству, делится информацией", Decimal(1)),
]


def _workshop(ctx: DemoContext, head: User, team: list[User]) -> Workshop:
    workshop = Workshop.objects.create(title="Портрет идеального клиента 2026", created_by=head)
    for person in team:
        own = [c for c in ctx.clients if c.manager_id == person.pk][:3]
        for index, client in enumerate(own):
            kind = PickKind.WORST if index == 2 else PickKind.BEST
            WorkshopPick.objects.create(
                workshop=workshop, participant=person, client=client, kind=kind
            )
    people = [head, *team]
    traits = {}
    for index, text in enumerate(BEST):
        traits[text] = WorkshopTrait.objects.create(
            workshop=workshop, participant=people[index % len(people)], kind="best", text=text
        )
    for index, text in enumerate(WORST):
        item = svc.trait_add(
            actor=people[(index + 1) % len(people)], workshop=workshop, kind="worst", text=text
        )
        if text in OPPOSITES:
            item.opposite = OPPOSITES[text]
            item.save(update_fields=["opposite"])
        traits[text] = item
    duplicate = traits["Доверяет нашей компании"]
    duplicate.merged_into = traits["Доверяет нам и делится планами"]
    duplicate.save(update_fields=["merged_into"])
    chosen = dict(CHOSEN)
    for item in WorkshopTrait.objects.filter(workshop=workshop, merged_into__isnull=True):
        if item.positive in chosen:
            item.chosen = True
            item.weight = chosen[item.positive]
            item.save(update_fields=["chosen", "weight"])
    workshop.step = WorkshopStep.CHOOSE
    workshop.save(update_fields=["step"])
    return svc.workshop_advance(actor=head, workshop=workshop)


def _quality(ctx: DemoContext, client: Client, nps: dict[int, int]) -> float:
    """A hidden "true fit" from −1 to 1: NPS answers lean it, so the check finds a link."""
    if client.pk in nps:
        return (nps[client.pk] - 5) / 5 * 0.7 + ctx.rng.uniform(-0.3, 0.3)
    return ctx.rng.uniform(-0.8, 0.9)


def seed(ctx: DemoContext) -> None:
    head = User.objects.get(username="head1")
    team = list(User.objects.filter(supervisor=head, is_active=True).order_by("username"))
    workshop = _workshop(ctx, head, team)
    version = workshop.versions.get()
    traits = list(version.traits.all())
    nps = dict(Answer.objects.order_by("answered_on", "id").values_list("client_id", "score"))
    scored = ctx.clients[: min(len(ctx.clients), 60)]
    earlier = timezone.now() - timedelta(days=60)
    for number, client in enumerate(scored):
        quality = _quality(ctx, client, nps)
        if number < 12:  # an earlier, harsher round: these clients show a fit trend
            first = {
                t: max(-5, min(5, round(5 * quality - 2 + ctx.rng.uniform(-1, 1)))) for t in traits
            }
            svc.scores_set(actor=client.manager, client=client, scores=first)
            TraitScore.objects.filter(client=client).update(scored_at=earlier)
        scores: dict[Trait, int | None] = {}
        for trait in traits:
            if ctx.rng.random() < 0.12:
                continue  # not known yet
            scores[trait] = max(-5, min(5, round(5 * quality + ctx.rng.uniform(-1.5, 1.5))))
        svc.scores_set(actor=client.manager, client=client, scores=scores, today=ctx.today)
    _minutes(ctx, scored)
    _quadrant(ctx)
    ctx.counts["profile_scores"] = TraitScore.objects.count()


GOALS = [
    "Снизить простои линии",
    "Сократить сроки поставки",
    "Выйти на новый регион",
    "Сэкономить на обслуживании",
]


def _quadrant(ctx: DemoContext) -> None:
    """Deals of the last year placed in every quadrant, a few refused as not win–win."""
    deals = list(
        Deal.objects.filter(created__gte=ctx.today - timedelta(days=365))
        .exclude(status="lost")
        .order_by("id")[:80]
    )
    made = []
    for index, deal in enumerate(deals):
        roll = ctx.rng.random()
        we_win, client_wins = (
            (True, True) if roll < 0.6 else (True, False) if roll < 0.8 else (False, True)
        )
        if roll > 0.93:
            we_win, client_wins = False, False
        made.append(
            DealAssessment(
                deal=deal,
                we_win=we_win,
                client_wins=client_wins,
                client_goal=GOALS[index % len(GOALS)],
                our_gain="маржа 18%, предоплата" if we_win else "маржа ниже плановой",
                refused=not (we_win and client_wins) and index % 9 == 0,
                assessed_by=deal.manager,
            )
        )
    DealAssessment.objects.bulk_create(made)
    ctx.counts["deal_assessments"] = len(made)


def _minutes(ctx: DemoContext, clients: list[Client]) -> None:
    """Minutes on the logged contacts of the scored clients: most a call or a meeting's worth,
    a few low-fit small accounts that eat the week."""
    since = ctx.today - timedelta(days=90)
    rows = list(
        Interaction.objects.filter(client__in=clients, planned=False, date__gt=since).order_by("id")
    )
    heavy = {c.pk for c in clients[-6:]}
    for row in rows:
        base = 90 if row.channel in ("meeting", "visit") else 15
        factor = 6 if row.client_id in heavy else 1
        row.duration_minutes = int(base * factor * ctx.rng.uniform(0.5, 1.5))
    Interaction.objects.bulk_update(rows, ["duration_minutes"], batch_size=500)
