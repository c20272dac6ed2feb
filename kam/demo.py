"""The demo's composition root: one deterministic demo company, seeded app by app.

Each app owns `kam/<app>/demo.py` with `seed(ctx: DemoContext) -> None`; this module calls them
in dependency order. A new app appends its `seed` to `SEEDS` (after the apps it builds on).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from django.db import transaction
from django.utils import timezone
from faker import Faker

from kam.accounts import demo as accounts_demo
from kam.accounts.models import User
from kam.calls import demo as calls_demo
from kam.clients import demo as clients_demo
from kam.clients.models import Client
from kam.core.demo import DemoContext
from kam.deals import demo as deals_demo
from kam.health import demo as health_demo
from kam.playbooks import demo as playbooks_demo
from kam.portfolio import demo as portfolio_demo
from kam.profiles import demo as profiles_demo
from kam.relations import demo as relations_demo
from kam.reviews import demo as reviews_demo
from kam.surveys import demo as surveys_demo

SEEDS: tuple[Callable[[DemoContext], None], ...] = (
    accounts_demo.seed,
    clients_demo.seed,
    portfolio_demo.seed,
    relations_demo.seed,
    playbooks_demo.seed,
    surveys_demo.seed,
    deals_demo.seed,
    profiles_demo.seed,
    calls_demo.seed,
    health_demo.seed,
    reviews_demo.seed,
)


def database_is_empty() -> bool:
    """True when there are no users and no clients yet (a fresh install)."""
    return not User.objects.exists() and not Client.objects.exists()


@transaction.atomic
def load_demo(*, clients: int = 300, seed: int = 2026, today: date | None = None) -> dict[str, int]:
    """Create the demo company in an empty database; returns counts of what was created."""
    fake = Faker("ru_RU")
    fake.seed_instance(seed)
    ctx = DemoContext(
        rng=random.Random(seed),
        fake=fake,
        today=today or timezone.localdate(),
        size=clients,
    )
    for step in SEEDS:
        step(ctx)
    return ctx.counts
