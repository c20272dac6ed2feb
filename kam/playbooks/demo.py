"""Demo playbook: clients tagged with several difficult types (with what KAM does for each),
closed complaint cases with root causes for the Pareto, open ones at different steps, and a
complaint about a manager that ran past its SLA and went to the supervisor."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from kam.clients.models import Client
from kam.core.demo import DemoContext
from kam.playbooks.choices import CaseSource, CaseStep, TypeCode
from kam.playbooks.domain import step_deadline
from kam.playbooks.models import ComplaintCase, RootCause, playbook_settings
from kam.playbooks.services import case_open, case_step, cases_escalate, tag_add

EVIDENCE = {
    TypeCode.SCROOGE: "Третий раз просит скидку и ссылается на прошлогоднее КП.",
    TypeCode.SEVEN_FRIDAYS: "Дважды перенёс встречу, оплата пришла с опозданием на месяц.",
    TypeCode.DISLOYAL: "Сказал, что параллельно смотрит двух поставщиков.",
    TypeCode.BRAWLER: "Повышает голос на звонках, грозит жалобой руководству.",
    TypeCode.WHINER: "На каждой встрече — список «а если» на полчаса.",
    TypeCode.CONSERVATIVE: "Работает с одним поставщиком двадцать лет, новое не рассматривает.",
    TypeCode.OUR_BLUNDER: "В 2019 году сорвали поставку к запуску линии.",
    TypeCode.LAZY: "Закупщик госпредприятия, неделями не двигает согласование.",
    TypeCode.SHOW_OFF: "Разговаривает свысока, требует особых условий.",
    TypeCode.KNOW_NOTHING: "Путается в характеристиках, просит объяснить ещё раз.",
}
# How often each root cause comes up in the demo's closed cases (a realistic long tail).
CAUSE_WEIGHTS = [9, 6, 4, 3, 2, 2, 1, 1]
STEP_GAP_HOURS = {"listen": 2, "understand": 5, "solution": 30, "thank": 10, "act": 40}


def _tag_clients(ctx: DemoContext) -> int:
    codes = list(EVIDENCE)
    pool = ctx.clients[ctx.key_count :] or ctx.clients
    chosen = ctx.rng.sample(pool, min(len(pool), 14))
    tagged = 0
    for index, client in enumerate(chosen):
        kinds = [codes[index % len(codes)]]
        if index % 4 == 0:
            kinds.append(codes[(index + 3) % len(codes)])
        for code in kinds:
            tag_add(actor=client.manager, client=client, type_code=code, note=EVIDENCE[code])
            tagged += 1
    # The portfolio's largest client is a Scrooge: the card shows on the first key account too.
    if ctx.clients:
        top = ctx.clients[0]
        tag_add(
            actor=top.manager,
            client=top,
            type_code=TypeCode.SCROOGE,
            note=EVIDENCE[TypeCode.SCROOGE],
        )
        tagged += 1
    return tagged


def _backdate(case: ComplaintCase, opened: datetime) -> None:
    sla = playbook_settings().sla_hours()
    ComplaintCase.objects.filter(pk=case.pk).update(
        opened_at=opened, next_due_at=step_deadline(opened, sla[CaseStep.LISTEN])
    )
    case.refresh_from_db()


def _work(case: ComplaintCase, opened: datetime, steps: int, *, slow: float = 1.0) -> datetime:
    moment = opened
    for step in list(CaseStep)[:steps]:
        if step == CaseStep.DIAGNOSE:
            break
        moment += timedelta(hours=STEP_GAP_HOURS[step.value] * slow)
        case_step(actor=case.owner, case=case, step=step.value, note="", now=moment)
    return moment


def _closed_cases(ctx: DemoContext, now: datetime) -> int:
    causes = list(RootCause.objects.filter(is_active=True).order_by("order"))
    weights = CAUSE_WEIGHTS[: len(causes)]
    sources = [CaseSource.CALL, CaseSource.LETTER, CaseSource.MEETING, CaseSource.MESSENGER]
    made = 0
    for _ in range(28):
        client: Client = ctx.rng.choice(ctx.clients)
        cause = ctx.rng.choices(causes, weights=weights)[0]
        opened = now - timedelta(days=ctx.rng.randint(10, 170), hours=ctx.rng.randint(0, 20))
        case = case_open(
            client=client,
            actor=client.manager,
            source=ctx.rng.choice(sources),
            summary=f"{cause.name_ru}: клиент недоволен.",
        )
        _backdate(case, opened)
        moment = _work(case, opened, 5, slow=ctx.rng.choice([0.5, 1.0, 2.5]))
        case_step(
            actor=case.owner,
            case=case,
            step=CaseStep.DIAGNOSE,
            cause=cause,
            root_cause=f"{cause.name_ru} — разобрали с отделом.",
            change_made="Добавили проверку в регламент и предупредили клиента.",
            now=moment + timedelta(hours=24),
        )
        made += 1
    return made


def _open_cases(ctx: DemoContext, now: datetime) -> int:
    made = 0
    for steps in (0, 2, 4):
        client: Client = ctx.rng.choice(ctx.clients)
        case = case_open(
            client=client,
            actor=client.manager,
            source=CaseSource.LETTER,
            summary="Письмо: недовольны сроками ответа на запрос.",
        )
        opened = now - timedelta(hours=3 + 10 * steps)
        _backdate(case, opened)
        _work(case, opened, steps, slow=0.5)
        made += 1
    # A complaint about the manager, by name: owned by the manager's supervisor.
    managed = [c for c in ctx.clients if c.manager.supervisor_id]
    client = managed[0] if managed else ctx.clients[0]
    about = case_open(
        client=client,
        actor=client.manager,
        source=CaseSource.CALL,
        about_manager=True,
        summary=f"Клиент жалуется на менеджера {client.manager.last_name}: обещал перезвонить "
        "и пропал на две недели.",
    )
    _backdate(about, now - timedelta(hours=2))
    # A complaint whose first step ran past its SLA: escalated to the manager's supervisor.
    late_client = managed[-1] if managed else ctx.clients[-1]
    late = case_open(
        client=late_client,
        actor=late_client.manager,
        source=CaseSource.MESSENGER,
        summary="Сообщение в мессенджере: счёт выставлен не на то юрлицо, ответа нет.",
    )
    _backdate(late, now - timedelta(days=2, hours=4))
    cases_escalate(now=now)
    return made + 2


def seed(ctx: DemoContext) -> None:
    if not ctx.clients:
        return
    now = timezone.make_aware(datetime.combine(ctx.today, time(12, 0)))
    ctx.counts["difficult_tags"] = _tag_clients(ctx)
    ctx.counts["complaint_cases"] = (
        ctx.counts.get("complaint_cases", 0) + _closed_cases(ctx, now) + _open_cases(ctx, now)
    )
