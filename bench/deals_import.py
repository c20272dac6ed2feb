"""Import of 1,000,000 deals from an amoCRM-layout CSV (every stage; won deals also revenue).

Prints `BENCH deals_import_<engine> rows=… seconds=… rows_per_second=… reimport_seconds=…`:
the first import into an empty database and a re-import of the same file (nothing changes).
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROWS = int(os.environ.get("KAM_BENCH_DEALS", "1000000"))
CLIENTS = max(ROWS // 50, 100)
MANAGERS = 100
STAGES = (
    ("Первичный контакт", 25),
    ("Переговоры", 5),
    ("Принимают решение", 3),
    ("Успешно реализовано", 8),
    ("Закрыто и не реализовано", 59),
)


def _write(path: Path) -> None:
    rng = random.Random(16)
    names = [name for name, _weight in STAGES]
    weights = [weight for _name, weight in STAGES]
    start = date(2024, 1, 1)
    with path.open("w", encoding="utf-8") as out:
        out.write(
            "ID;Название сделки;Бюджет;Ответственный;Дата создания;Дата закрытия;Этап сделки;"
            "Источник;Причина отказа;Компания\n"
        )
        for i in range(ROWS):
            stage = rng.choices(names, weights)[0]
            created = start + timedelta(days=rng.randrange(700))
            closed = "не закрыта"
            if stage in ("Успешно реализовано", "Закрыто и не реализовано"):
                closed = (created + timedelta(days=rng.randrange(1, 30))).strftime("%d.%m.%Y")
            reason = "Дорого" if stage == "Закрыто и не реализовано" else ""
            out.write(
                f"{i + 1};Сделка {i};{rng.randrange(1, 5000) * 1000};Менеджер{i % MANAGERS} Тест;"
                f"{created.strftime('%d.%m.%Y')};{closed};{stage};Веб-сайт;{reason};"
                f"ООО «Клиент {i % CLIENTS}»\n"
            )


def run() -> None:
    from django.core.management import call_command
    from django.db import connection

    from kam.accounts.models import User
    from kam.imports.domain import Kind
    from kam.imports.services import import_file

    call_command("migrate", verbosity=0)
    for m in range(MANAGERS):
        User.objects.create(
            username=f"bench-m{m}", last_name=f"Менеджер{m}", first_name="Тест", is_manager=True
        )
    path = Path(tempfile.mkdtemp(prefix="kam-bench-deals-")) / "deals.csv"
    _write(path)
    t0 = time.perf_counter()
    outcome = import_file(actor=None, kind=Kind.DEALS, path=path)
    first = time.perf_counter() - t0
    if not outcome.ok:
        raise RuntimeError(outcome.errors[:5])
    t0 = time.perf_counter()
    again = import_file(actor=None, kind=Kind.DEALS, path=path)
    second = time.perf_counter() - t0
    engine = connection.vendor
    print(
        f"BENCH deals_import_{engine} rows={ROWS} seconds={first:.1f}"
        f" rows_per_second={ROWS / first:.0f} reimport_seconds={second:.1f}"
        f" created={outcome.summary.created} unchanged_on_reimport={again.summary.unchanged}"
        f" revenue={outcome.summary.extra.get('revenue_created')}"
    )
