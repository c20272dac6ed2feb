"""Import of 1,000,000 deals from an amoCRM-layout CSV (every stage; won deals also revenue).

The first import is timed as `kam import deals FILE` runs it (the command with its job
record and report, DEBUG off as in production).

Prints `BENCH deals_import_<engine> rows=… seconds=… cpu_seconds=… bare_seconds=…
ratio_to_bare=… peak_mb=… reimport_seconds=…`: the first import into an empty database, the
same deals (already parsed) loaded into a table without indexes or checks in the same run, and
a re-import of the same file (nothing changes).
"""

from __future__ import annotations

import io
import os
import random
import resource
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


def _bare_load() -> float:
    """The imported deals, read back, loaded into a table of the same columns without any
    index or constraint (executemany on SQLite, COPY on PostgreSQL), timed with the commit."""
    from django.db import connection, transaction

    columns = (
        "client_id, manager_id, title, amount, created, closed, status, stage, step, reached,"
        " source, source_text, loss_reason, source_system, external_id, updated_at"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM deals_deal")
        rows = cursor.fetchall()
        cursor.execute(
            "CREATE TABLE bench_bare_deals (client_id bigint, manager_id bigint,"
            " title varchar(300), amount numeric(16, 2), created date, closed date,"
            " status varchar(10), stage varchar(200), step varchar(20), reached smallint,"
            " source varchar(20), source_text varchar(200), loss_reason varchar(300),"
            " source_system varchar(60), external_id varchar(100),"
            " updated_at timestamp with time zone)"
        )
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY bench_bare_deals ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO bench_bare_deals ({columns}) VALUES ({', '.join(['%s'] * 16)})",
                rows,
            )
    return time.perf_counter() - t0


def run() -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test import override_settings

    from kam.accounts.models import User
    from kam.deals.models import Deal
    from kam.imports.domain import Kind
    from kam.imports.services import import_file
    from kam.portfolio.models import RevenueRecord

    call_command("migrate", verbosity=0)
    for m in range(MANAGERS):
        User.objects.create(
            username=f"bench-m{m}", last_name=f"Менеджер{m}", first_name="Тест", is_manager=True
        )
    path = Path(tempfile.mkdtemp(prefix="kam-bench-deals-")) / "deals.csv"
    _write(path)
    # As `kam import deals FILE` runs it (the command, its job record and report; DEBUG off
    # as in production).
    out = io.StringIO()
    with override_settings(DEBUG=False):
        t0, c0 = time.perf_counter(), time.process_time()
        call_command("import_file", "deals", str(path), no_progress=True, stdout=out)
        first = time.perf_counter() - t0
        cpu = time.process_time() - c0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    created = Deal.objects.count()
    if created != ROWS:
        raise RuntimeError(f"import failed: {created} deals; {out.getvalue()[-2000:]}")
    revenue = RevenueRecord.objects.count()
    bare = _bare_load()
    t0 = time.perf_counter()
    with override_settings(DEBUG=False):
        again = import_file(actor=None, kind=Kind.DEALS, path=path)
    second = time.perf_counter() - t0
    engine = connection.vendor
    print(
        f"BENCH deals_import_{engine} rows={ROWS} seconds={first:.1f} cpu_seconds={cpu:.1f}"
        f" bare_seconds={bare:.1f} ratio_to_bare={first / bare:.1f} peak_mb={peak_mb:.0f}"
        f" rows_per_second={ROWS / first:.0f} reimport_seconds={second:.1f}"
        f" created={created} unchanged_on_reimport={again.summary.unchanged}"
        f" revenue={revenue}"
    )
