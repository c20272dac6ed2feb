"""Client card server time on the 20,000-client demo: the composed card, its lazy fragments,
and each registered panel alone (context and render)."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial


def _best(fn: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def run(clients: int = 20_000) -> None:
    from django.core.management import call_command
    from django.test import Client as HttpClient
    from django.test import RequestFactory

    from kam.accounts.models import User
    from kam.clients.models import Client
    from kam.clients.selectors import client_detail
    from kam.core.composition import card_panels, render_panel
    from kam.demo import load_demo

    call_command("migrate", verbosity=0)
    load_demo(clients=clients, seed=1)
    manager = User.objects.get(username="manager1")
    # The largest client (most revenue, contacts, history) and an ordinary one of manager1.
    key = Client.objects.filter(manager=manager).order_by("id").first()
    plain = Client.objects.filter(manager=manager).order_by("-id").first()
    if key is None or plain is None:
        raise RuntimeError("the demo has no client of manager1")
    http = HttpClient(HTTP_HOST="127.0.0.1")

    def get(url: str) -> None:
        response = http.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")

    for role, username in (("manager", "manager1"), ("supervisor", "head1")):
        http.force_login(User.objects.get(username=username))
        for kind, client in (("key", key), ("plain", plain)):
            card = f"/clients/{client.pk}/"
            lazy = [f"/clients/{client.pk}/panels/{p.key}/" for p in card_panels() if p.lazy]

            def card_only(card: str = card) -> None:
                get(card)

            def card_and_lazy(card: str = card, lazy: list[str] = lazy) -> None:
                for url in (card, *lazy):
                    get(url)

            page, total = _best(card_only), _best(card_and_lazy)
            print(
                f"BENCH client_card role={role} client={kind} clients={clients} "
                f"page_seconds={page:.4f} with_lazy_panels_seconds={total:.4f}"
            )

    # Each panel alone, as the card renders it (context function and template).
    request = RequestFactory().get(f"/clients/{key.pk}/", HTTP_HOST="127.0.0.1")
    request.user = manager
    detail = client_detail(viewer=manager, client_id=key.pk)
    base = {"client": detail, "can_read_dossier": True}
    for panel in card_panels():
        seconds = _best(partial(render_panel, panel, request, detail, base, {}))
        print(
            f"BENCH client_card_panel key={panel.key} lazy={panel.lazy} clients={clients} "
            f"best_seconds={seconds:.4f}"
        )
