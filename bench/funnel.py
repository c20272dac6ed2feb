"""The funnel on 1,000,000 deals of 100 managers vs the bare GROUP BY manager, step.

Prints `BENCH funnel_<engine> deals=… managers=… seconds=… groupby_seconds=… ratio=…` for a
12-month window (the whole report, logged meetings included), and the page for a director and a
supervisor. The goal of the issue: ratio ≤ 2 and the page under a second.

Deals keep their first logged meeting (`met_on`); the load writes the tables directly, so the
repair (`deal_meetings_refresh`, what `kam manage deals_meetings_refresh` runs) fills it and is
timed too. `exists_seconds` times the counts the way they were computed before `met_on` (an
EXISTS over the contact log per deal) in the same run, and `agree` says both give the same.
"""

from __future__ import annotations

import os
import random
import time
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # Django is set up by bench/__main__.py before run() is called
    from django.test import Client as HttpClient

    from kam.accounts.models import User

# KAM_BENCH_DEALS scales the run down for a quick look (the figures to quote use the default).
DEALS = int(os.environ.get("KAM_BENCH_DEALS", "1000000"))
MANAGERS = 100
SUPERVISORS = 10
CLIENTS = max(DEALS // 50, 100)
INTERACTIONS = DEALS // 5
START = date(2024, 1, 1)
DAYS = 730
STEPS = (("consultation", 0, "open"), ("meeting", 1, "open"), ("proposal", 2, "open"))


def _rows(manager_ids: list[int], client_ids: list[int]) -> list[tuple[Any, ...]]:
    rng = random.Random(14)
    now = "2026-01-01 00:00:00+00:00"
    by_manager = {m: client_ids[i :: len(manager_ids)] for i, m in enumerate(manager_ids)}
    rows: list[tuple[Any, ...]] = []
    for i in range(DEALS):
        manager = manager_ids[i % len(manager_ids)]
        client = rng.choice(by_manager[manager])
        created = START + timedelta(days=rng.randrange(DAYS))
        roll = rng.random()
        if roll < 0.08:
            step, reached, status = "won", 3, "won"
        elif roll < 0.70:
            step, reached, status = "lost", rng.choice((0, 0, 0, 1)), "lost"
        else:
            step, reached, status = rng.choice(STEPS)
        closed = created + timedelta(days=rng.randrange(5, 60)) if status != "open" else None
        rows.append(
            (client, manager, "", None, created, closed, status, step, step, reached, "", "",
             "", "bench", str(i), now)
        )  # fmt: skip
    return rows


def _load(manager_ids: list[int]) -> None:
    from django.db import connection

    now = "2026-01-01 00:00:00+00:00"
    clients = [
        (f"Клиент {i}", f"клиент {i}", "small", "other", "active",
         manager_ids[i % len(manager_ids)], "", "", "", now, now)
        for i in range(CLIENTS)
    ]  # fmt: skip
    client_cols = (
        "name, normalized_name, segment, channel, status, manager_id, city, website, notes,"
        " created_at, updated_at"
    )
    deal_cols = (
        "client_id, manager_id, title, amount, created, closed, status, stage, step, reached,"
        " source, source_text, loss_reason, source_system, external_id, updated_at"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY clients_client ({client_cols}) FROM STDIN") as copy:
                for row in clients:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * 11)
            cursor.executemany(
                f"INSERT INTO clients_client ({client_cols}) VALUES ({marks})",
                clients,
            )
        cursor.execute("SELECT id FROM clients_client ORDER BY id")
        client_ids = [r[0] for r in cursor.fetchall()]
        rng = random.Random(15)
        meetings = [
            (rng.choice(client_ids), manager_ids[0],
             START + timedelta(days=rng.randrange(DAYS)),
             rng.choice(("meeting", "visit", "call", "call", "email")), True, "positive", "",
             False, now)
            for _ in range(INTERACTIONS)
        ]  # fmt: skip
        inter_cols = (
            "client_id, author_id, date, channel, personal, tone, summary, planned, created_at"
        )
        deals = _rows(manager_ids, client_ids)
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY deals_deal ({deal_cols}) FROM STDIN") as copy:
                for deal in deals:
                    copy.write_row(deal)
            with cursor.cursor.copy(
                f"COPY relations_interaction ({inter_cols}) FROM STDIN"
            ) as copy:
                for meeting in meetings:
                    copy.write_row(meeting)
        else:
            cursor.executemany(
                f"INSERT INTO deals_deal ({deal_cols}) VALUES ({', '.join(['%s'] * 16)})",
                deals,
            )
            cursor.executemany(
                f"INSERT INTO relations_interaction ({inter_cols})"
                f" VALUES ({', '.join(['%s'] * 9)})",
                meetings,
            )


def _best(fn: object, times: int = 3) -> float:
    best = float("inf")
    for _ in range(times):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        best = min(best, time.perf_counter() - t0)
    return best


def run() -> None:
    """Load the data into the configured database and time the funnel against GROUP BY."""
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client as HttpClient

    from kam.accounts.models import User
    from kam.deals.selectors import funnel, funnel_counts
    from kam.deals.services import deal_meetings_refresh

    call_command("migrate", verbosity=0)
    director = User.objects.create(username="bench-director", is_director=True)
    heads = [
        User.objects.create(username=f"bench-head{s}", is_supervisor=True, is_manager=True)
        for s in range(SUPERVISORS)
    ]
    managers = [
        User.objects.create(
            username=f"bench-manager{i}",
            last_name=f"Менеджер{i}",
            first_name="Тест",
            is_manager=True,
            supervisor=heads[i % SUPERVISORS],
        )
        for i in range(MANAGERS)
    ]
    t0 = time.perf_counter()
    _load([m.pk for m in managers])
    load_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    refreshed = deal_meetings_refresh()
    refresh_seconds = time.perf_counter() - t0
    with connection.cursor() as cursor:
        # As autovacuum leaves a live table: statistics and (PostgreSQL) the visibility map,
        # so the covering indexes serve index-only scans.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    engine = connection.vendor
    start, end, today = date(2025, 1, 1), date(2025, 12, 31), date(2026, 1, 1)

    def bare() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT manager_id, step, COUNT(*) FROM deals_deal"
                " WHERE created >= %s AND created <= %s GROUP BY manager_id, step",
                [start, end],
            )
            cursor.fetchall()

    def counts() -> None:
        funnel_counts(viewer=director, date_from=start, date_to=end, today=today)

    def old_counts() -> None:
        _counts_with_exists(start, end, today)

    def report() -> None:
        funnel(viewer=director, date_from=start, date_to=end)

    agree = _counts_with_exists(start, end, today) == funnel_counts(
        viewer=director, date_from=start, date_to=end, today=today
    )
    # Interleaved, so a burst of load on the shared machine hits each of them alike.
    bare_s = counts_s = report_s = old_s = float("inf")
    for _ in range(3):
        bare_s, counts_s = min(bare_s, _best(bare, 1)), min(counts_s, _best(counts, 1))
        report_s, old_s = min(report_s, _best(report, 1)), min(old_s, _best(old_counts, 1))
    pages = {
        role: _page_seconds(HttpClient(HTTP_HOST="127.0.0.1"), user)
        for role, user in (("director", director), ("supervisor", heads[0]))
    }
    print(
        f"BENCH funnel_load_{engine} deals={DEALS} seconds={load_seconds:.1f}"
        f" refresh_seconds={refresh_seconds:.1f} deals_met={refreshed}"
    )
    print(
        f"BENCH funnel_{engine} deals={DEALS} managers={MANAGERS} window_days=365"
        f" seconds={report_s:.3f} counts_seconds={counts_s:.3f} groupby_seconds={bare_s:.3f}"
        f" ratio={report_s / bare_s:.2f} exists_seconds={old_s:.3f}"
        f" exists_ratio={old_s / bare_s:.2f} agree={'yes' if agree else 'NO'}"
    )
    print(
        f"BENCH funnel_page_{engine} deals={DEALS} seconds={pages['director']:.3f}"
        f" supervisor_seconds={pages['supervisor']:.3f}"
    )


def _counts_with_exists(start: date, end: date, today: date) -> dict[int, Any]:
    """The funnel counts as computed before deals stored `met_on`: a correlated EXISTS over the
    contact log per deal (on PostgreSQL a second query, so it became a hashed semi-join)."""
    from django.db import connection
    from django.db.models import Count, Exists, OuterRef, Q
    from django.db.models.functions import Coalesce

    from kam.deals.domain import FunnelCounts
    from kam.deals.models import Deal
    from kam.deals.selectors import logged_meetings

    def logged() -> Exists:
        return Exists(
            logged_meetings()
            .filter(date__gte=start)
            .filter(
                client_id=OuterRef("client_id"),
                date__gte=OuterRef("created"),
                date__lte=Coalesce(OuterRef("closed"), today),
            )
        )

    window = Deal.objects.filter(created__gte=start, created__lte=end).order_by()
    won = Count("created", filter=Q(status="won"))
    seen = Q(reached__gte=1)
    if connection.vendor != "postgresql":
        met = Count("created", filter=seen | Q(logged()))
        rows = window.values("manager_id").annotate(c=Count("created"), m=met, w=won)
        return {r["manager_id"]: FunnelCounts(r["c"], r["m"], r["w"]) for r in rows}
    rows = window.values("manager_id").annotate(
        c=Count("created"), m=Count("created", filter=seen), w=won
    )
    extra = dict(
        window.filter(reached__lt=1)
        .filter(logged())
        .values("manager_id")
        .annotate(n=Count("created"))
        .values_list("manager_id", "n")
    )
    return {
        r["manager_id"]: FunnelCounts(r["c"], r["m"] + extra.get(r["manager_id"], 0), r["w"])
        for r in rows
    }


def _page_seconds(http: HttpClient, user: User) -> float:
    """Best of three renders of the funnel page for 2025, as `user`."""
    http.force_login(user)
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        response = http.get("/deals/funnel/", {"date_from": "2025-01-01", "date_to": "2025-12-31"})
        best = min(best, time.perf_counter() - t0)
        if response.status_code != 200:
            raise RuntimeError(f"funnel page answered {response.status_code}")
    return best
