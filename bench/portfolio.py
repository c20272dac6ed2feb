"""Portfolio report on 100,000 clients and 1,000,000 revenue rows vs the bare GROUP BY.

Prints `BENCH portfolio_<engine> clients=… rows=… seconds=… groupby_seconds=… ratio=…`, the
time of the whole page for a director, a supervisor (a fifth of the clients) and a manager (a
twentieth), and of the full JSON report with every client (`kam report portfolio --format json`).
"""

from __future__ import annotations

import json
import random
import time
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Django is set up by bench/__main__.py before run() is called
    from django.test import Client as HttpClient

    from kam.accounts.models import User

CLIENTS = 100_000
ROWS = 1_000_000
SUPERVISORS = 4
MANAGERS_PER_SUPERVISOR = 5


def _load(
    connection: object,
    vendor: str,
    manager_ids: list[int],
    *,
    clients_n: int = CLIENTS,
    rows_n: int = ROWS,
) -> None:
    from django.db import connection as conn

    rng = random.Random(5)
    now = "2026-01-01 00:00:00+00:00"
    with conn.cursor() as cursor:  # a second load adds clients after the first one's
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM clients_client")
        first = int(cursor.fetchone()[0])
    clients = [
        (
            f"Клиент {first + i}",
            f"клиент {first + i}",
            "medium",
            "other",
            "active",
            manager_ids[i % len(manager_ids)],
            "",
            "",
            "",
            now,
            now,
        )
        for i in range(clients_n)
    ]
    start = date(2024, 1, 1)
    rows = []
    for _ in range(rows_n):
        client = first + int(clients_n * rng.random() ** 3) + 1  # skewed, yet most clients buy
        rows.append(
            (
                client,
                start + timedelta(days=rng.randrange(0, 1000)),
                f"{rng.randrange(100, 10_000_000) / 100:.2f}",
                "bench",
                now,
                "",
            )
        )
    client_sql = (
        "INSERT INTO clients_client (name, normalized_name, segment, channel, status, manager_id,"
        " city, website, notes, created_at, updated_at) VALUES "
        "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    )
    with conn.cursor() as cursor:
        if vendor == "postgresql":
            cols = (
                "name, normalized_name, segment, channel, status, manager_id, city, website,"
                " notes, created_at, updated_at"
            )
            with cursor.cursor.copy(f"COPY clients_client ({cols}) FROM STDIN") as copy:
                for client_row in clients:
                    copy.write_row(client_row)
            with cursor.cursor.copy(
                "COPY portfolio_revenuerecord (client_id, date, amount, source, created_at, note)"
                " FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(client_sql, clients)
            cursor.executemany(
                "INSERT INTO portfolio_revenuerecord (client_id, date, amount, source, created_at,"
                " note) VALUES (%s, %s, %s, %s, %s, %s)",
                rows,
            )
        if vendor == "postgresql":
            cursor.execute("ANALYZE")


def run() -> None:
    """Load the data into the configured database and time the report against GROUP BY."""
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client as HttpClient

    from kam.accounts.models import User
    from kam.portfolio.domain import Window
    from kam.portfolio.reporting import report_as_dict
    from kam.portfolio.selectors import portfolio_report

    call_command("migrate", verbosity=0)
    director = User.objects.create(username="bench-director", is_director=True)
    supervisors = [
        User.objects.create(username=f"bench-head{s}", is_supervisor=True, is_manager=True)
        for s in range(SUPERVISORS)
    ]
    managers = [
        User.objects.create(username=f"bench-manager{s}-{m}", is_manager=True, supervisor=head)
        for s, head in enumerate(supervisors)
        for m in range(MANAGERS_PER_SUPERVISOR)
    ]
    t0 = time.perf_counter()
    _load(connection, connection.vendor, [m.pk for m in managers])
    load_seconds = time.perf_counter() - t0
    engine = connection.vendor
    window = Window(start=date(2025, 1, 1), end=date(2025, 12, 31))
    bare = []
    for _ in range(3):
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT client_id, SUM(amount) FROM portfolio_revenuerecord"
                " WHERE date >= %s AND date <= %s GROUP BY client_id",
                [window.start, window.end],
            )
            cursor.fetchall()
        bare.append(time.perf_counter() - t0)
    full = []
    for _ in range(3):
        t0 = time.perf_counter()
        report = portfolio_report(viewer=director, window=window)
        full.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    full_json = json.dumps(report_as_dict(portfolio_report(viewer=director, window=window)))
    json_seconds = time.perf_counter() - t0
    pages = {
        role: _page_seconds(HttpClient(HTTP_HOST="127.0.0.1"), user)
        for role, user in (
            ("director", director),
            ("supervisor", supervisors[0]),
            ("manager", managers[-1]),
        )
    }
    print(f"BENCH load_{engine} clients={CLIENTS} rows={ROWS} seconds={load_seconds:.1f}")
    print(
        f"BENCH portfolio_{engine} clients={CLIENTS} rows={ROWS} seconds={min(full):.3f}"
        f" groupby_seconds={min(bare):.3f} ratio={min(full) / min(bare):.2f}"
        f" clients_in_window={len(report.rows)}"
    )
    print(
        f"BENCH portfolio_page_{engine} clients={CLIENTS} rows={ROWS}"
        f" seconds={pages['director']:.3f} supervisor_seconds={pages['supervisor']:.3f}"
        f" manager_seconds={pages['manager']:.3f}"
    )
    print(
        f"BENCH portfolio_json_{engine} clients={CLIENTS} rows={ROWS} seconds={json_seconds:.3f}"
        f" bytes={len(full_json)}"
    )
    trend = _page_seconds(HttpClient(HTTP_HOST="127.0.0.1"), director, "/portfolio/trend/")
    print(
        f"BENCH portfolio_trend_{engine} clients={CLIENTS} rows={ROWS} seconds={trend:.3f}"
        " (the section loaded after the page: this window and the one before)"
    )


def _page_seconds(http: HttpClient, user: User, url: str = "/portfolio/") -> float:
    """Best of three renders of a portfolio page for the 2025 window, as `user`."""
    http.force_login(user)
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        response = http.get(
            url, {"preset": "custom", "date_from": "2025-01-01", "date_to": "2025-12-31"}
        )
        best = min(best, time.perf_counter() - t0)
        if response.status_code != 200:
            raise RuntimeError(f"portfolio page answered {response.status_code}")
    return best
