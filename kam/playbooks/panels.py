"""What this app adds to Today: open complaint cases. Registered in `apps.py`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

from kam.core.composition import TodaySection, register_today_section
from kam.playbooks.selectors import open_cases_for


def _cases(request: HttpRequest, base: Mapping[str, Any]) -> dict[str, Any]:
    return {"cases": open_cases_for(request.user, team=base["team"])}


def register() -> None:
    register_today_section(TodaySection("cases", 200, "playbooks/_today_cases.html", _cases))
