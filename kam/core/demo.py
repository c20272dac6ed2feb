"""What every app's demo seeding shares: the random sources, the day and what earlier apps
created. The composition root `kam.demo` builds one `DemoContext` and hands it to each app's
`demo.seed(ctx)` in order; this module knows no domain app."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from faker import Faker


@dataclass
class DemoContext:
    """Same seed, same day → same data: every app draws from `rng` and `fake` in a fixed order.

    `people` (sales staff: managers first, then supervisors) is filled by accounts, `clients`
    by clients (the first `key_count` are the portfolio's largest clients), `counts` by all."""

    rng: random.Random
    fake: Faker
    today: date
    size: int  # number of client companies asked for
    key_count: int = 4
    people: list[Any] = field(default_factory=list)
    clients: list[Any] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
