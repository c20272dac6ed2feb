"""Client list page speed on a large book: 20,000 clients, search and paginate."""

from __future__ import annotations

import time


def run(clients: int = 20_000) -> None:
    """Load the demo company into the configured database, time the list and search."""
    from django.core.management import call_command
    from django.test import Client as HttpClient

    from kam.accounts.models import User
    from kam.demo import load_demo

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    load_demo(clients=clients, seed=1)
    load_seconds = time.perf_counter() - started
    print(f"BENCH demo_load clients={clients} seconds={load_seconds:.2f}")
    http = HttpClient(HTTP_HOST="127.0.0.1")
    http.force_login(User.objects.get(username="director"))
    for label, params in (
        ("list", {}),
        ("search", {"q": "строй"}),
        ("page_100", {"page": 100}),
        # The KAM columns sorted over the whole book (revenue, stage, contact, health).
        ("sort_revenue", {"sort": "-revenue"}),
        ("sort_stage", {"sort": "stage"}),
        ("sort_positive", {"sort": "-positive"}),
        ("sort_health", {"sort": "health"}),
    ):
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            response = http.get("/clients/", params)
            times.append(time.perf_counter() - t0)
            if response.status_code != 200:
                raise RuntimeError(f"client list answered {response.status_code}")
        print(f"BENCH client_list_{label} clients={clients} best_seconds={min(times):.4f}")

    # The pages built from aggregates over the whole book: Today (own and team), the
    # relationship overview, and a client card with its contact log and bank account.
    from kam.clients.models import Client

    card = Client.objects.filter(manager__username="manager1").order_by("id").first()
    pages = [
        ("today_manager", "manager1", "/today/"),
        ("today_supervisor_team", "head1", "/today/?view=team"),
        ("today_director_team", "director", "/today/?view=team"),
        ("relationships_director", "director", "/relationships/"),
        ("nps_results_director", "director", "/surveys/results/"),
        ("client_card", "manager1", f"/clients/{card.pk}/" if card else "/clients/"),
    ]
    for label, username, url in pages:
        http.force_login(User.objects.get(username=username))
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            response = http.get(url)
            times.append(time.perf_counter() - t0)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
        print(f"BENCH page_{label} clients={clients} best_seconds={min(times):.4f}")
