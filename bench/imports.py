"""Import of 1,000,000 revenue rows (cp1251, `;`, Russian numbers and dates, 100,000 clients)
against loads of the same rows, already parsed: into a bare table without indexes, and raw into
the revenue table (executemany on SQLite, COPY on PostgreSQL).

The import is timed as the command line runs it (`kam import revenue FILE --manager …`:
the command with its job record and report, DEBUG off as in production; the process start,
about half a second, is not counted).

Prints `BENCH import_revenue_<engine> rows=… seconds=… cpu_seconds=… bare_seconds=…
ratio_to_bare=… raw_seconds=… ratio=… peak_mb=…`, where ratio_to_bare = seconds /
bare_seconds, ratio = raw_seconds / seconds, cpu_seconds is the CPU time of this process
during the import (the wall time on a busy machine is several times it) and peak_mb is its
peak resident memory. KAM_BENCH_IMPORT_ROWS and KAM_BENCH_IMPORT_CLIENTS make a smaller run.
"""

from __future__ import annotations

import io
import os
import random
import resource
import time
from datetime import date, timedelta
from pathlib import Path

from bench import workspace

ROWS = int(os.environ.get("KAM_BENCH_IMPORT_ROWS", "1000000"))
CLIENTS = int(os.environ.get("KAM_BENCH_IMPORT_CLIENTS", "100000"))


def _clients(manager_id: int) -> None:
    from django.db import connection

    now = "2026-01-01 00:00:00+00:00"
    rows = [
        (f"ООО Клиент {i}", f"клиент {i}", "medium", "other", "active", manager_id, "", "", "",
         now, now)
        for i in range(CLIENTS)
    ]  # fmt: skip
    cols = (
        "name, normalized_name, segment, channel, status, manager_id, city, website, notes,"
        " created_at, updated_at"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY clients_client ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO clients_client ({cols}) VALUES ({', '.join(['%s'] * 11)})", rows
            )


def _write_file(path: Path) -> None:
    rng = random.Random(7)
    start = date(2024, 1, 1)
    with path.open("w", encoding="cp1251", newline="") as handle:
        handle.write("Контрагент;Дата;Сумма;Комментарий\r\n")
        for i in range(ROWS):
            client = int(CLIENTS * rng.random() ** 3)
            day = start + timedelta(days=rng.randrange(0, 1000))
            cents = rng.randrange(10_000, 1_000_000_000)
            amount = f"{cents // 100:,}".replace(",", "\u00a0" if False else " ")
            handle.write(
                f"ООО Клиент {client};{day:%d.%m.%Y};{amount},{cents % 100:02d};Счёт {i}\r\n"
            )


def _raw_load(path: Path) -> tuple[float, float]:
    """The same rows, already parsed, loaded with no checks at all (timed with the commit,
    as the import is)."""
    from django.db import connection, transaction
    from django.utils import timezone

    ids = dict(
        connection.cursor().execute("SELECT normalized_name, id FROM clients_client").fetchall()
    )
    from kam.imports.domain import revenue_fingerprint

    now = timezone.now()
    rows = []
    seen: dict[tuple[int, str, str], int] = {}
    with path.open(encoding="cp1251") as handle:
        next(handle)
        for line in handle:
            name, day, amount, note = line.rstrip("\r\n").split(";")
            d, m, y = day.split(".")
            plain = amount.replace(" ", "").replace(",", ".")
            client = ids[name[4:].casefold()]
            # The same key values as the import writes (the unique index costs the same).
            n = seen.get((client, day, plain), 0)
            seen[(client, day, plain)] = n + 1
            key = revenue_fingerprint(client, date(int(y), int(m), int(d)), plain, n)
            rows.append((client, f"{y}-{m}-{d}", plain, "raw", key, note, now))
    columns = "client_id, date, amount, source, external_id, note, created_at"
    with connection.cursor() as cursor:
        # The bare table: the same columns, no index, no constraint.
        cursor.execute(
            "CREATE TABLE bench_bare (client_id bigint, date date, amount numeric(16, 2),"
            " source varchar(60), external_id varchar(100), note varchar(300),"
            " created_at timestamp with time zone)"
        )
    timings = []
    for table in ("bench_bare", "portfolio_revenuerecord"):
        t0 = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * 7)})",
                    rows,
                )
        timings.append(time.perf_counter() - t0)
    return timings[0], timings[1]


def run() -> None:
    """Generate the file, import it with KAM, then load the same rows raw; print the figures."""
    from django.core.management import call_command
    from django.db import connection
    from django.test import override_settings

    from kam.accounts.models import User
    from kam.imports.domain import Kind
    from kam.imports.services import import_file
    from kam.portfolio.models import RevenueRecord

    call_command("migrate", verbosity=0)
    manager = User.objects.create(username="bench-manager", is_manager=True)
    _clients(manager.pk)
    with workspace() as folder:
        path = folder / "revenue.csv"
        _write_file(path)
        engine = connection.vendor
        # As `kam import revenue FILE --manager …` runs it (the command, its job record and
        # its report; settings.DEBUG off, as in production: no query log).
        out = io.StringIO()
        with override_settings(DEBUG=False):
            t0, c0 = time.perf_counter(), time.process_time()
            call_command(
                "import_file", "revenue", str(path), manager=manager.username,
                no_progress=True, stdout=out,
            )  # fmt: skip
            seconds = time.perf_counter() - t0
            cpu_seconds = time.process_time() - c0
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        created = RevenueRecord.objects.count()
        if created != ROWS:
            raise RuntimeError(f"import failed: {created} rows; {out.getvalue()[-2000:]}")
        bare_seconds, raw_seconds = _raw_load(path)
        t0 = time.perf_counter()
        with override_settings(DEBUG=False):
            again = import_file(actor=None, kind=Kind.REVENUE, path=path, default_manager=manager)
        again_seconds = time.perf_counter() - t0
    print(
        f"BENCH import_revenue_{engine} rows={ROWS} seconds={seconds:.1f}"
        f" cpu_seconds={cpu_seconds:.1f} bare_seconds={bare_seconds:.1f}"
        f" ratio_to_bare={seconds / bare_seconds:.1f}"
        f" raw_seconds={raw_seconds:.1f} ratio={raw_seconds / seconds:.2f} peak_mb={peak_mb:.0f}"
        f" rows_per_second={ROWS / seconds:.0f} raw_rows_per_second={ROWS / raw_seconds:.0f}"
    )
    print(
        f"BENCH reimport_revenue_{engine} rows={ROWS} seconds={again_seconds:.1f}"
        f" unchanged={again.summary.unchanged}"
    )
