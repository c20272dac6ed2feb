"""Calls: classifier quality on the labelled corpus, analysis speed, report time.

Prints
  BENCH calls_classifier part=dev|heldout technical_p=… technical_r=… personal_p=… …
        micro_f1=… price_acc=… questions=… statements=… prices=…
  BENCH calls_analysis calls=… seconds=… calls_per_s=… words_per_call=…   (one core)
  BENCH calls_report calls=… managers=… seconds=…   (the JSON report, company scope, best of 3)
KAM_BENCH_CALLS makes a smaller run (default 10,000 five-minute transcripts).
"""

from __future__ import annotations

import os
import random
import time
from datetime import date, timedelta

CALLS = int(os.environ.get("KAM_BENCH_CALLS", "10000"))
MANAGER_LINES = [
    "Добрый день, агентство недвижимости, меня зовут {name}.",
    "Какую квартиру вы рассматриваете, сколько комнат нужно?",
    "На каком этаже хотели бы жить?",
    "Ипотеку планируете или оплата наличными?",
    "Есть ли у вас дети, сколько им лет?",
    "Где вы сейчас живёте и что там нравится?",
    "Что для вас самое важное в новой квартире?",
    "Как вы видите квартиру своей мечты?",
    "В этом комплексе есть школа, детский сад и своя набережная, дом сдаётся в следующем году.",
    "Планировки очень удачные, кухни большие, потолки три метра, окна в пол.",
    "Квартира стоит 7 450 000 рублей.",
    "Давайте встретимся в субботу на объекте, вам удобно в двенадцать?",
    "Понял вас, подберу несколько вариантов и пришлю подборку.",
    "Рядом парк и остановка, до моря десять минут пешком.",
]
CLIENT_LINES = [
    "Здравствуйте, я по объявлению о двухкомнатной квартире.",
    "Нам нужна двушка, не выше пятого этажа.",
    "Скорее ипотека, первоначальный взнос есть.",
    "Двое детей, семь и двенадцать лет.",
    "Сейчас снимаем в центре, шумно.",
    "Хочется тишины и чтобы море было рядом.",
    "Да, давайте, в субботу удобно.",
    "А сколько стоит такая квартира?",
]


def transcript(rng: random.Random, words_target: int = 750) -> list[list[object]]:
    """About five minutes of talk (150 words a minute) in alternating turns."""
    turns: list[list[object]] = []
    words = 0
    clock = 0.0
    while words < words_target:
        manager = len(turns) % 2 == 0
        text = rng.choice(MANAGER_LINES if manager else CLIENT_LINES).format(name="Анна")
        if manager and rng.random() < 0.5:
            text += " " + rng.choice(MANAGER_LINES).format(name="Анна")
        n = len(text.split())
        turns.append(["manager" if manager else "client", text, clock, clock + n / 2.5])
        clock += n / 2.5
        words += n
    return turns


def _quality() -> None:
    from kam.calls.quality import evaluate, load

    for part in ("dev", "heldout"):
        q = evaluate(load(part))
        figures = " ".join(
            f"{c}_p={q.precision[c]:.3f} {c}_r={q.recall[c]:.3f}"
            for c in ("technical", "personal", "motivation", "other")
        )
        print(
            f"BENCH calls_classifier part={part} {figures} micro_f1={q.micro_f1:.3f} "
            f"price_acc={q.price_accuracy:.3f} questions={q.questions} "
            f"statements={q.statements} prices={q.prices}",
            flush=True,
        )


def run() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    _quality()
    from kam.accounts.models import User
    from kam.calls import domain as d
    from kam.calls.models import Call
    from kam.calls.selectors import calls_report, current_method
    from kam.calls.services import analysis_fields
    from kam.reports import company_viewer

    rng = random.Random(2026)
    method = current_method()
    texts = [transcript(rng) for _ in range(CALLS)]
    words = sum(len(str(t[1]).split()) for tr in texts for t in tr) / max(CALLS, 1)
    t0 = time.perf_counter()
    fields = [
        analysis_fields(
            [d.Utterance(d.Speaker(str(t[0])), str(t[1]), float(t[2]), float(t[3])) for t in tr],  # type: ignore[arg-type]
            method.lexicon,
            method.checklist,
        )
        for tr in texts
    ]
    seconds = time.perf_counter() - t0
    print(
        f"BENCH calls_analysis calls={CALLS} seconds={seconds:.1f} "
        f"calls_per_s={CALLS / seconds:.0f} words_per_call={words:.0f}",
        flush=True,
    )
    managers = [
        User.objects.create(username=f"bench{i}", last_name=f"Бенч{i}", is_manager=True)
        for i in range(20)
    ]
    start = date(2026, 1, 5)
    Call.objects.bulk_create(
        (
            Call(
                external_id=f"bench-{i}",
                day=start + timedelta(days=i % 84),
                manager=managers[i % len(managers)],
                transcript=[],
                **f,
            )
            for i, f in enumerate(fields)
        ),
        batch_size=2000,
    )
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        data = calls_report(viewer=company_viewer(), start=start, end=start + timedelta(days=90))
        best = min(best, time.perf_counter() - t0)
    print(
        f"BENCH calls_report calls={len(data['calls'])} managers={len(data['managers'])} "
        f"seconds={best:.3f}",
        flush=True,
    )
