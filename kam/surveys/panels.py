"""What this app adds to Today: NPS calls to make. Registered in `apps.py`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

from kam.core.composition import TodaySection, register_today_section
from kam.surveys.selectors import to_call_for


def _to_call(request: HttpRequest, base: Mapping[str, Any]) -> dict[str, Any]:
    return {"to_call": to_call_for(request.user, team=base["team"])}


def register() -> None:
    register_today_section(TodaySection("to-call", 210, "surveys/_today_to_call.html", _to_call))
