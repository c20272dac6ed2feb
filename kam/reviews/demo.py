"""Demo data of the contrast analysis: a finished analysis by the director with up to ten
satisfied and ten dissatisfied clients KAM proposed, every questionnaire answered and tagged
(a few causes dominate, as in real life), and the first fixes turned into tasks."""

from __future__ import annotations

from datetime import timedelta

from kam.accounts.models import User
from kam.core.demo import DemoContext
from kam.health.selectors import contrast_candidates
from kam.reviews import selectors, services
from kam.reviews.choices import Question
from kam.reviews.domain import MAX_PER_SIDE
from kam.reviews.models import CauseTag, Entry

TEXTS: dict[str, list[str]] = {
    Question.TRUE_NEEDS: [
        "«Нам важно, чтобы товар приезжал к началу смены, а не когда-нибудь днём»",
        "«Хотим один счёт в месяц вместо десятка мелких»",
        "«Нужен поставщик, который сам напомнит, что пора пополнить склад»",
        "«Если позиции нет, замена нужна в тот же день»",
    ],
    Question.SATISFIED_WITH: [
        "За полгода ни одной сорванной поставки",
        "Менеджер сам предлагает аналог, когда позиции нет в наличии",
        "Документы приходят без ошибок с первого раза",
        "На заявку отвечаем в течение часа",
    ],
    Question.DECISION: [
        "Решает коммерческий директор; закупщик готовит сравнение трёх поставщиков",
        "Последнее слово за владельцем, главный инженер даёт техническое заключение",
        "Закупку раз в квартал утверждает тендерная комиссия",
    ],
    Question.OUR_ACTIONS: [
        "Съездили на склад клиента и вместе составили график отгрузок",
        "Закрепили одного менеджера и дали прямой телефон склада",
        "Предложили пробную партию на льготных условиях",
    ],
    Question.PORTRAIT: [
        "Производственная компания: таким клиентам важны стабильные сроки и полный пакет "
        "документов",
        "Сеть магазинов: обычно нужны частые небольшие поставки и быстрая замена",
        "Госучреждение: главное — точное соответствие условиям закупки и документам",
    ],
    Question.STATED_NEED: [
        "Поставка к дате запуска новой линии",
        "Скидка за объём",
        "Отсрочка платежа на 45 дней",
    ],
    Question.DECIDER: [
        "Главный инженер: отвечает за запуск линии без простоя",
        "Финансовый директор: следит, чтобы не было кассового разрыва",
        "Руководитель закупок: его оценивают по экономии бюджета",
    ],
    Question.PATH: [
        "Заявку приняли, но склад узнал о сроке за день до отгрузки",
        "Менеджер передал задачу устно, в CRM ничего не записали",
        "Логистика получила старый адрес доставки",
    ],
    Question.QUALITY: [
        "Привезли на неделю позже; срок потерял менеджер при передаче",
        "Пришла не та комплектация: ошибка при сборке на складе",
        "Документы переделывали трижды: ошибка в реквизитах",
    ],
    Question.SHOULD_HAVE: [
        "Записать срок в CRM и в тот же день сверить его со складом",
        "Назначить одного ответственного за заказ до самой поставки",
        "Обсудить условия с финансовым директором клиента до предложения",
    ],
}
OPTIONS: dict[str, list[str]] = {
    Question.HOW_SOLD: ["referral", "referral", "moved_contact", "tender", "new_region", "other"],
    Question.STATED_NEED: ["yes", "partly", "no"],
    Question.PATH: ["no", "partly", "no"],
    Question.QUALITY: ["no", "partly"],
}
TASK_DAYS = (14, 30)  # the first fixes: due in two weeks and in a month


def _weighted_tags(ctx: DemoContext, tags: list[CauseTag], k: int) -> list[CauseTag]:
    """`k` distinct tags, the earlier ones in the list far more likely (a Pareto head)."""
    weights = [max(1, 12 - 3 * i) for i in range(len(tags))]
    chosen: list[CauseTag] = []
    pool, w = list(tags), list(weights)
    for _i in range(min(k, len(pool))):
        pick = ctx.rng.choices(range(len(pool)), weights=w)[0]
        chosen.append(pool.pop(pick))
        w.pop(pick)
    return chosen


def _answer(ctx: DemoContext, actor: User, entry: Entry, tags: list[CauseTag]) -> None:
    from kam.reviews.choices import QUESTIONS

    for question in QUESTIONS[entry.side]:
        text = ctx.rng.choice(TEXTS[question]) if question in TEXTS else ""
        option = ctx.rng.choice(OPTIONS[question]) if question in OPTIONS else ""
        if question == Question.CLIENT_TYPE:
            option = entry.client.segment
        picked = _weighted_tags(ctx, tags, ctx.rng.choice((0, 1, 1, 2)))
        services.answer_save(
            actor=actor, entry=entry, question=question, text=text, option=option, tags=picked
        )


def _typed_in_satisfied(ctx: DemoContext, picked: set[int], wanted: int) -> list[tuple[int, str]]:
    """Satisfied clients beyond KAM's candidates (the demo has few new clients): promoters
    without a complaint case, with the evidence written from their own figures."""
    from django.db.models import Count, Max, Q

    from kam.playbooks.models import ComplaintCase
    from kam.surveys.models import Answer as NpsAnswer

    complained = set(ComplaintCase.objects.values_list("client_id", flat=True))
    rows = (
        NpsAnswer.objects.filter(score__gte=9, client__isnull=False)
        .exclude(client_id__in=picked | complained)
        .values("client_id")
        .annotate(
            last=Max("answered_on"),
            score=Max("score"),
            orders=Count(
                "client__revenue",
                filter=Q(client__revenue__date__gt=ctx.today - timedelta(days=365)),
                distinct=True,
            ),
        )
        .order_by("-orders", "client_id")[:wanted]
    )
    return [
        (
            row["client_id"],
            f"NPS {row['score']} ({row['last']:%d.%m.%Y}); покупок за 12 месяцев: {row['orders']}",
        )
        for row in rows
    ]


def seed(ctx: DemoContext) -> None:
    director = User.objects.filter(is_director=True, is_active=True).order_by("pk").first()
    if director is None:
        return
    as_of = ctx.today
    analysis = services.analysis_create(
        actor=director, name="Разбор довольных и недовольных клиентов", as_of=as_of
    )
    found = contrast_candidates(viewer=director, as_of=as_of)
    clients = {c.pk: c for c in ctx.clients}
    for side in ("satisfied", "dissatisfied"):
        tags = list(CauseTag.objects.filter(is_active=True, side__in=[side, "both"]))
        ctx.rng.shuffle(tags)
        # "Other" is the least likely cause: a real analysis names its causes.
        tags.sort(key=lambda t: t.name_ru == "Другое")
        for candidate in found[side][:MAX_PER_SIDE]:
            client = clients.get(candidate["client"]["id"])
            if client is None:
                continue
            entry = services.entry_add(actor=director, analysis=analysis, client=client, side=side)
            _answer(ctx, director, entry, tags)
        have = analysis.entries.filter(side=side).count()
        if side == "satisfied" and have < MAX_PER_SIDE:
            picked = set(analysis.entries.values_list("client_id", flat=True))
            picked |= {c["client"]["id"] for c in found["dissatisfied"]}
            for client_id, note in _typed_in_satisfied(ctx, picked, MAX_PER_SIDE - have):
                if client_id not in clients:
                    continue
                entry = services.entry_add(
                    actor=director,
                    analysis=analysis,
                    client=clients[client_id],
                    side=side,
                    evidence_note=note,
                )
                _answer(ctx, director, entry, tags)
    heads = [p for p in ctx.people if p.is_supervisor] or [director]
    # The first fixes: the head of the dissatisfied Pareto.
    result = selectors.synthesis(director, analysis)
    fixes = [CauseTag.objects.get(pk=result.tag_ids[r.tag]) for r in result.dissatisfied.focus]
    for days, owner, tag in zip(TASK_DAYS, heads, fixes, strict=False):
        services.task_create(
            actor=director,
            analysis=analysis,
            title=f"Исправить: {tag.name_ru.lower()} — план мер и ответственные",
            owner=owner,
            due=as_of + timedelta(days=days),
            tag=tag,
        )
    ctx.counts["contrast_analyses"] = 1
    ctx.counts["contrast_clients"] = analysis.entries.count()
