"""Events of the contact log that apps above it may react to (they connect in
`AppConfig.ready()`), and the one hook they may plug into the cadence, so that relations never
imports them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.dispatch import Signal

# Sent inside the transaction that logs or plans a contact, or completes a planned one, with
# keyword arguments `actor`, `interaction` and `completed` (True when a planned one took place).
interaction_logged = Signal()

# Sent inside the transaction of every write of the contact log (a contact logged, planned,
# completed, corrected or deleted; an activity import and its undo) with the keyword argument
# `client_ids`, the clients whose log changed: apps that keep figures derived from the log
# (deals: the first meeting during each deal's life) bring them up to date.
contact_log_changed = Signal()

# (clients queryset) → {client id: percent of the usual cadence} for clients whose cadence an
# app above shortens (playbooks: disloyal clients). Registered in `AppConfig.ready()`.
CadenceAdjuster = Callable[[Any], dict[int, int]]
_adjusters: dict[str, CadenceAdjuster] = {}


def register_cadence_adjuster(key: str, adjuster: CadenceAdjuster) -> None:
    """Add (or replace, by key) a cadence adjuster."""
    _adjusters[key] = adjuster


def cadence_percents(clients: Any) -> dict[int, int]:
    """The smallest percent any adjuster sets, per client of `clients` (usually none)."""
    out: dict[int, int] = {}
    for adjuster in _adjusters.values():
        for client_id, percent in adjuster(clients).items():
            out[client_id] = min(percent, out.get(client_id, percent))
    return out
