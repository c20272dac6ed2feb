"""What this app adds to Today: the viewer's open contrast-analysis tasks. Registered in
`apps.py`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

from kam.core.composition import TodaySection, register_today_section
from kam.reviews.selectors import analyses_visible, tasks_due


def _tasks(request: HttpRequest, base: Mapping[str, Any]) -> dict[str, Any]:
    tasks = tasks_due(request.user)
    visible = set(
        analyses_visible(request.user)
        .filter(pk__in={t.analysis_id for t in tasks})
        .values_list("pk", flat=True)
    )
    return {"review_tasks": [(t, t.analysis_id in visible) for t in tasks]}


def register() -> None:
    register_today_section(TodaySection("review-tasks", 330, "reviews/_today.html", _tasks))
