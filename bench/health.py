"""Account health on 100,000 clients and 1,000,000 revenue rows (the portfolio bench's data).

Prints `BENCH health_facts_<engine> … seconds=… groupby_seconds=… ratio=…` (the windowed revenue
SQL against a bare per-client GROUP BY over the same rows), the full per-client facts, the
scored list for a director, the contrast candidates and the health page per role.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date


def _best(fn: Callable[[], object], runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def run() -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client as HttpClient

    from bench.portfolio import CLIENTS, MANAGERS_PER_SUPERVISOR, ROWS, SUPERVISORS, _load
    from kam.accounts.models import User
    from kam.health.selectors import client_facts, contrast_candidates, health_list, revenue_facts

    call_command("migrate", verbosity=0)
    director = User.objects.create(username="bench-director", is_director=True)
    heads = [
        User.objects.create(username=f"bench-head{s}", is_supervisor=True, is_manager=True)
        for s in range(SUPERVISORS)
    ]
    managers = [
        User.objects.create(username=f"bench-manager{s}-{m}", is_manager=True, supervisor=head)
        for s, head in enumerate(heads)
        for m in range(MANAGERS_PER_SUPERVISOR)
    ]
    _load(connection, connection.vendor, [m.pk for m in managers])
    engine = connection.vendor
    as_of = date(2026, 9, 30)

    def bare() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT client_id, COUNT(DISTINCT date), SUM(amount), MAX(date)"
                " FROM portfolio_revenuerecord WHERE date <= %s GROUP BY client_id",
                [as_of.isoformat() if engine == "sqlite" else as_of],
            )
            cursor.fetchall()

    groupby = _best(bare)
    revenue = _best(lambda: revenue_facts(as_of=as_of))
    facts = _best(lambda: client_facts(as_of=as_of))
    scored = _best(lambda: health_list(viewer=director, as_of=as_of, compare=False), runs=1)
    contrast = _best(lambda: contrast_candidates(viewer=director, as_of=as_of), runs=1)
    n = len(revenue_facts(as_of=as_of))
    print(
        f"BENCH health_facts_{engine} clients={CLIENTS} rows={ROWS} seconds={revenue:.3f}"
        f" groupby_seconds={groupby:.3f} ratio={revenue / groupby:.2f} scored_clients={n}"
    )
    print(
        f"BENCH health_all_{engine} clients={CLIENTS} rows={ROWS} facts_seconds={facts:.3f}"
        f" director_list_seconds={scored:.3f} contrast_seconds={contrast:.3f}"
    )
    pages = {}
    for role, user in (("director", director), ("supervisor", heads[0]), ("manager", managers[-1])):
        http = HttpClient(HTTP_HOST="127.0.0.1")
        http.force_login(user)

        def page(http: HttpClient = http) -> None:
            http.get("/health/")

        pages[role] = _best(page, runs=1)
    print(
        f"BENCH health_page_{engine} clients={CLIENTS} rows={ROWS}"
        f" seconds={pages['director']:.3f} supervisor_seconds={pages['supervisor']:.3f}"
        f" manager_seconds={pages['manager']:.3f}"
    )
