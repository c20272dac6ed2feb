"""Demo calls: a month of phone consultations of two managers of the first team. manager2
learns the method: a handful of questions in the first week, more every week after, the
exact price named less often and meetings agreed more often. manager3 stays at a newcomer's
four or five questions a call. The transcripts go through the real import."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

from kam.accounts.models import User
from kam.calls.services import calls_import
from kam.clients.models import Client
from kam.core.demo import DemoContext

OPENING = "Добрый день! Агентство «Южный берег», меня зовут {name}. Слушаю вас."
CLIENT_OPENING = "Здравствуйте, я по объявлению о квартире у моря."
QUESTIONS = {
    "technical": [
        ("Сколько комнат вам нужно?", "Две, можно три."),
        ("На каком этаже хотели бы жить?", "Не выше седьмого."),
        ("Какой район вы рассматриваете?", "Поближе к набережной."),
        ("Ипотеку планируете или оплату наличными?", "Скорее ипотеку."),
        ("Вам нужна квартира с отделкой?", "Да, под ключ."),
        ("Когда планируете заселяться?", "Хотелось бы к лету."),
        ("Паркинг в доме нужен?", "Да, у нас машина."),
        ("Школа рядом обязательна?", "Да, сыну в первый класс."),
        ("Балкон или лоджия нужны?", "Лоджия была бы кстати."),
    ],
    "personal": [
        ("Есть ли у вас дети?", "Сын, ему шесть."),
        ("Где вы сейчас живёте?", "В Екатеринбурге."),
        ("Чем вы занимаетесь по работе?", "Я инженер, работаю удалённо."),
        ("Почему решили переехать к морю?", "Устали от зимы."),
        ("Чем любите заниматься в свободное время?", "Плаванием и велосипедом."),
    ],
    "motivation": [
        ("Что для вас самое главное в новой квартире?", "Тишина и вид на море."),
        ("Как вы видите квартиру своей мечты?", "Светлая, с большой кухней."),
        ("Как выглядит ваше идеальное утро в новом доме?", "Кофе на лоджии с видом на море."),
    ],
}
PRESENTATION = (
    "В комплексе своя набережная, детский сад и школа, дом монолитный, сдаётся в следующем "
    "году, планировки удачные, кухни большие, потолки высокие, окна в пол."
)
PRICE = "Такая квартира стоит 7 450 000 рублей."
PROPOSAL = "Давайте встретимся в субботу на объекте, вам удобно в двенадцать?"
YES, NO = "Да, давайте, в субботу удобно.", "Нет, я пока подумаю."


def _turns(
    rng: random.Random, counts: dict[str, int], *, price: bool, agree: bool
) -> list[dict[str, str]]:
    out = [
        {"speaker": "manager", "text": OPENING.format(name="Анна")},
        {"speaker": "client", "text": CLIENT_OPENING},
    ]
    asked = [q for cat, n in counts.items() for q in rng.sample(QUESTIONS[cat], n)]
    rng.shuffle(asked)
    for question, answer in asked:
        out += [{"speaker": "manager", "text": question}, {"speaker": "client", "text": answer}]
    talk = PRESENTATION + (" " + PRICE if price else "")
    out += [
        {"speaker": "manager", "text": talk},
        {"speaker": "client", "text": "Понятно."},
        {"speaker": "manager", "text": PROPOSAL},
        {"speaker": "client", "text": YES if agree else NO},
    ]
    return out


def _plan(learner: bool, week: int) -> dict[str, int]:
    """Questions by category in a call of the given week (0-based)."""
    if not learner:
        return {"technical": 3, "personal": 1, "motivation": 0}
    return {
        "technical": min(3 + week, 8),
        "personal": min(1 + week, 5),
        "motivation": min(week, 3),
    }


def seed(ctx: DemoContext) -> None:
    """The demo composition root's step for calls."""
    ctx.counts.update(seed_calls(ctx.rng, ctx.today))


def seed_calls(rng: random.Random, today: date) -> dict[str, int]:
    """Import four weeks of calls ending yesterday for manager2 (learning) and manager3."""
    people = {u.username: u for u in User.objects.filter(username__in=["manager2", "manager3"])}
    if len(people) < 2:
        return {"calls": 0}
    files: list[tuple[str, bytes]] = []
    start = today - timedelta(days=today.weekday() + 28)  # a Monday four weeks ago
    for username, learner in (("manager2", True), ("manager3", False)):
        manager = people[username]
        clients = list(
            Client.objects.filter(manager=manager).order_by("id").values_list("name", flat=True)
        )
        for day in range(28):
            when = start + timedelta(days=day)
            if when.weekday() >= 5 or when >= today:
                continue
            week = day // 7
            for n in range(rng.choice((1, 2, 2, 3))):
                price = rng.random() < (0.6 - 0.15 * week if learner else 0.5)
                agree = rng.random() < (0.2 + 0.15 * week if learner else 0.2)
                call = {
                    "call_id": f"demo-{username}-{when.isoformat()}-{n}",
                    "start_time": f"{when.isoformat()} {10 + 2 * n}:15:00",
                    "employee_full_name": manager.username,
                    "company": rng.choice(clients) if clients else "",
                    "utterances": _turns(rng, _plan(learner, week), price=price, agree=agree),
                }
                files.append((f"{call['call_id']}.json", json.dumps(call).encode()))
    result = calls_import(actor=None, files=files)
    if not result.ok:  # the generated files are valid; a failure is a bug worth seeing
        raise RuntimeError("; ".join(str(e) for e in result.errors[:3]))
    return {"calls": result.created}
