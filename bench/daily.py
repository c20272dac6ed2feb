"""The pages a head of sales opens every morning, on the 20,000-client demo.

Server time (Django test client, best of several runs) and query count of Today for a manager,
a supervisor's and the director's team day, the relationships overview for the director and
the client card, each with its lazy fragments; next to the bare aggregates those pages cannot
do without (one GROUP BY each over the whole tables), timed in pairs with each page run, so a
figure can be read as a ratio on a busy machine (the median of the pairs):

    BENCH daily_bare engine=… clients=… revenue_window_seconds=… last_contact_seconds=… …
    BENCH daily_page page=today_manager engine=… clients=… seconds=… with_lazy_seconds=…
          queries=… lazy_queries=… bare_seconds=… ratio=…

Goals (issue 19): every page under 0.5 s at 20,000 clients, the card under 0.15 s, with query
counts that do not grow with clients (tests/test_query_counts.py). KAM_BENCH_DAILY_CLIENTS
makes a smaller demo; a database that already holds clients is measured as it is.
"""

from __future__ import annotations

import os
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

CLIENTS = int(os.environ.get("KAM_BENCH_DAILY_CLIENTS", "20000"))
RUNS = int(os.environ.get("KAM_BENCH_DAILY_RUNS", "5"))
LAZY = re.compile(r'hx-get="([^"]+)" hx-trigger="load"')


def _best(fn: Callable[[], object], runs: int = RUNS) -> float:
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


@dataclass(frozen=True)
class Page:
    name: str
    username: str
    url: str
    bare: tuple[str, ...]  # the bare aggregates the page needs


def _bare_queries(vendor: str) -> dict[str, tuple[str, list[Any]]]:
    """One plain GROUP BY per table the daily pages aggregate, over all its rows."""
    from kam.portfolio.selectors import default_window

    window = default_window()
    dates: list[Any] = [window.start, window.end]
    if vendor == "sqlite":
        dates = [d.isoformat() for d in (window.start, window.end)]
    return {
        # Who is key: revenue per client over the default window (the portfolio's ranking).
        "revenue_window": (
            "SELECT client_id, SUM(amount) FROM portfolio_revenuerecord"
            " WHERE date >= %s AND date <= %s GROUP BY client_id",
            dates,
        ),
        # Cadence: the last contact per client.
        "last_contact": (
            "SELECT client_id, MAX(date) FROM relations_interaction"
            " WHERE NOT planned GROUP BY client_id",
            [],
        ),
        # The emotional bank account: a balance per client.
        "bank_balance": (
            "SELECT client_id, SUM(weight) FROM relations_bankentry GROUP BY client_id",
            [],
        ),
    }


def run(clients: int = CLIENTS) -> None:
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext

    from kam.accounts.models import User
    from kam.clients.models import Client
    from kam.demo import load_demo

    call_command("migrate", verbosity=0)
    if not Client.objects.exists():
        load_demo(clients=clients, seed=1)
    clients = Client.objects.count()
    engine = connection.vendor
    manager = User.objects.get(username="manager1")
    key = Client.objects.filter(manager=manager).order_by("id").first()
    if key is None:
        raise RuntimeError("the demo has no client of manager1")

    bare_sql = _bare_queries(engine)

    def run_bare(names: tuple[str, ...]) -> None:
        with connection.cursor() as cursor:
            for name in names:
                sql, params = bare_sql[name]
                cursor.execute(sql, params)
                cursor.fetchall()

    bare = {name: _best(partial(run_bare, (name,))) for name in bare_sql}
    print(
        f"BENCH daily_bare engine={engine} clients={clients} "
        + " ".join(f"{k}_seconds={v:.4f}" for k, v in bare.items())
    )

    pages = (
        Page("today_manager", "manager1", "/today/", ("revenue_window", "last_contact")),
        Page(
            "today_team_supervisor",
            "head1",
            "/today/?view=team",
            ("revenue_window", "last_contact"),
        ),
        Page(
            "today_team_director",
            "director",
            "/today/?view=team",
            ("revenue_window", "last_contact"),
        ),
        Page("relationships_director", "director", "/relationships/", ("bank_balance",)),
        Page("client_card_manager", "manager1", f"/clients/{key.pk}/", ("revenue_window",)),
    )
    for page in pages:
        http = HttpClient(HTTP_HOST="127.0.0.1")
        http.force_login(User.objects.get(username=page.username))

        def get(url: str, http: HttpClient = http) -> str:
            response = http.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
            return response.content.decode()

        lazy = LAZY.findall(get(page.url))  # also warms the session and the settings row
        reset_queries()  # the log keeps 9,000 queries at most: counted from an empty one
        with CaptureQueriesContext(connection) as own:
            get(page.url)
        with CaptureQueriesContext(connection) as fragments:
            for url in lazy:
                get(url)
        queries, lazy_queries = len(own), len(fragments)  # read before the log is emptied
        reset_queries()

        def page_only(page: Page = page) -> None:
            get(page.url)

        def with_lazy(page: Page = page, lazy: list[str] = lazy) -> None:
            for url in (page.url, *lazy):
                get(url)

        # Page and bare aggregates taken in pairs, so a busy machine slows both alike: the
        # ratio is the median of the pairs, the seconds the best of the runs.
        pairs = []
        for _ in range(RUNS):
            needed = _best(partial(run_bare, page.bare), runs=1)
            pairs.append((_best(page_only, runs=1), needed))
        seconds = min(p for p, _b in pairs)
        needed = min(b for _p, b in pairs)
        ratio = statistics.median(p / b for p, b in pairs)
        total = _best(with_lazy, runs=1) if lazy else seconds
        print(
            f"BENCH daily_page page={page.name} engine={engine} clients={clients} "
            f"seconds={seconds:.4f} with_lazy_seconds={total:.4f} "
            f"queries={queries} lazy_fragments={len(lazy)} lazy_queries={lazy_queries} "
            f"bare_seconds={needed:.4f} ratio={ratio:.1f}"
        )
