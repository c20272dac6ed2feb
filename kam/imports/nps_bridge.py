"""The single place where an NPS import hands its answers to the surveys app.

The surveys app owns NPS answers; this module only adapts checked import rows to its service.
"""

from __future__ import annotations

import importlib
from typing import Any

from kam.accounts.models import User
from kam.imports.kinds.base import UnavailableError


def record_answers(
    *, actor: User | None, items: list[dict[str, Any]], write: bool
) -> tuple[int, int]:
    """(created, unchanged) for checked rows: client_id, score, date, comment, respondent.

    Calls `kam.surveys.services.import_answer(actor=..., client_id=..., score=..., date=...,
    comment=..., respondent=..., dry_run=...) -> bool` (True when a new answer was recorded)
    when the surveys app provides it.
    """
    try:
        services = importlib.import_module("kam.surveys.services")
    except ImportError:
        services = None
    record = getattr(services, "import_answer", None)
    if record is None:
        # Said at the check already, so nobody confirms a file that cannot be written.
        raise UnavailableError("nps_unavailable")
    created = unchanged = 0
    for item in items:
        fields = {k: v for k, v in item.items() if k != "row"}
        if record(actor=actor, dry_run=not write, **fields):
            created += 1
        else:
            unchanged += 1
    return created, unchanged
