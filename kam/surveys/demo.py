"""Demo surveys: two quarters of client NPS with realistic answers and follow-ups, closed and
open complaint cases, and an eNPS campaign with one department under the anonymity minimum."""

from __future__ import annotations

import random
from datetime import date, timedelta

from kam.accounts.models import Department, User
from kam.clients.models import Client
from kam.core.demo import DemoContext
from kam.core.models import branding
from kam.playbooks.choices import CaseStep
from kam.playbooks.models import CaseStepRecord, ComplaintCase
from kam.surveys.choices import AnswerChannel, CampaignKind
from kam.surveys.models import (
    Answer,
    Campaign,
    EmployeeAnswer,
    Respondent,
)
from kam.surveys.services import follow_up

COMMENTS = {
    "critic": [
        "Сорвали сроки поставки дважды за квартал.",
        "Менеджер долго не отвечает на письма.",
        "Цены выросли без предупреждения.",
    ],
    "neutral": ["В целом нормально, но есть куда расти.", "Хотелось бы быстрее отгрузки.", ""],
    "promoter": ["Надёжный партнёр, рекомендую.", "Всегда идут навстречу.", ""],
}
# Score weights per manager: one team is liked more than the other.
GOOD = [1, 1, 1, 2, 2, 3, 5, 9, 14, 22, 20]
MIXED = [2, 2, 3, 4, 5, 7, 9, 12, 14, 13, 9]


def _quarter(day: date) -> tuple[date, date]:
    start = day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)
    end = (start + timedelta(days=95)).replace(day=1) - timedelta(days=1)
    return start, end


def seed_surveys(rng: random.Random, clients: list[Client], today: date) -> dict[str, int]:
    director = User.objects.get(username="director")
    this_start, this_end = _quarter(today)
    last_start, last_end = _quarter(this_start - timedelta(days=1))
    made = 0
    for start, end, current in ((last_start, last_end, False), (this_start, this_end, True)):
        campaign = Campaign.objects.create(
            name=f"NPS клиентов {start.year} Q{(start.month - 1) // 3 + 1}",
            kind=CampaignKind.CLIENT,
            start=start,
            end=end,
            by_phone=True,
            by_link=True,
            created_by=director,
        )
        surveyed = [c for c in clients if rng.random() < 0.55]
        Respondent.objects.bulk_create([Respondent(campaign=campaign, client=c) for c in surveyed])
        respondents = {r.client_id: r for r in Respondent.objects.filter(campaign=campaign)}
        last_day = min(end, today - timedelta(days=1))
        for client in surveyed:
            if rng.random() > (0.6 if current else 0.75):
                continue  # not reached (yet)
            weights = (
                GOOD if client.manager.username in ("manager1", "manager2", "head1") else MIXED
            )
            score = rng.choices(range(11), weights=weights)[0]
            kind = "promoter" if score >= 9 else "neutral" if score >= 7 else "critic"
            answer = Answer.objects.create(
                respondent=respondents[client.pk],
                campaign=campaign,
                client=client,
                score=score,
                comment=rng.choice(COMMENTS[kind]),
                channel=rng.choice([AnswerChannel.PHONE, AnswerChannel.PHONE, AnswerChannel.LINK]),
                answered_on=start + timedelta(days=rng.randint(0, max(0, (last_day - start).days))),
                recorded_by=client.manager,
            )
            made += 1
            if current:
                follow_up(answer)
            elif kind == "critic":
                _closed_case(answer)
    _enps(rng, director, today)
    return {"nps_answers": made}


def _closed_case(answer: Answer) -> None:
    case = ComplaintCase.objects.create(
        client=answer.client,
        answer=answer,
        owner=answer.client.manager,
        summary=answer.comment,
        root_cause="Склад отгружал по старому графику после смены перевозчика.",
        change_made="Ввели ежедневную сверку графика отгрузок с перевозчиком.",
    )
    for step in CaseStep:
        CaseStepRecord.objects.create(case=case, step=step, done_by=answer.client.manager)
    case.closed_at = case.opened_at + timedelta(days=6)
    case.save(update_fields=["closed_at"])


def _enps(rng: random.Random, director: User, today: date) -> None:
    # A closed wave with its released results, and a running one that shows only its count.
    closed = Campaign.objects.create(
        name=f"eNPS {today.year}",
        kind=CampaignKind.EMPLOYEE,
        start=today - timedelta(days=40),
        end=today - timedelta(days=10),
        by_phone=False,
        by_link=True,
        created_by=director,
    )
    sizes = {
        "Отдел продаж 1": 12,
        "Отдел продаж 2": 10,
        "Логистика": 8,
        # Under the anonymity minimum: hidden, and Бухгалтерия (6) with it, or the 3 answers
        # could be worked out as the total minus the shown departments.
        "Бухгалтерия": 6,
        "Служба поддержки": 3,
    }
    _enps_answers(rng, closed, sizes, today)
    running = Campaign.objects.create(
        name=f"eNPS {today.year}, пульс",
        kind=CampaignKind.EMPLOYEE,
        start=today - timedelta(days=3),
        end=today + timedelta(days=11),
        by_phone=False,
        by_link=True,
        created_by=director,
    )
    _enps_answers(rng, running, {"Отдел продаж 1": 4, "Логистика": 3}, today)


def _enps_answers(
    rng: random.Random, campaign: Campaign, sizes: dict[str, int], today: date
) -> None:
    departments = {d.name: d for d in Department.objects.all()}
    answers = []
    last = min(campaign.end, today)
    span = (last - campaign.start).days
    for name, size in sizes.items():
        for _ in range(size):
            day = campaign.start + timedelta(days=rng.randint(0, span))
            answers.append(
                EmployeeAnswer(
                    campaign=campaign,
                    from_department=departments.get(name),
                    score=rng.choices(range(11), weights=MIXED)[0],
                    answered_on=day,
                )
            )
            about = departments.get("Логистика" if name != "Логистика" else "Бухгалтерия")
            answers.append(
                EmployeeAnswer(
                    campaign=campaign,
                    about=about,
                    from_department=departments.get(name),
                    score=rng.choices(range(11), weights=GOOD)[0],
                    answered_on=day,
                )
            )
    EmployeeAnswer.objects.bulk_create(answers)


DEMO_COMPANY = "ТехноСнаб"  # the demo's own name, shown to clients on survey pages


def seed(ctx: DemoContext) -> None:
    company = branding()
    company.company_name = DEMO_COMPANY
    company.save(update_fields=["company_name"])
    ctx.counts.update(seed_surveys(ctx.rng, ctx.clients, ctx.today))
