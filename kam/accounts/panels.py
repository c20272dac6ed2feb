"""What this app adds to Today: recent org-chart changes that touch the viewer's dossier pairs.
Registered in `apps.py`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from kam.accounts.models import User
from kam.accounts.selectors import org_changes_for
from kam.core.composition import TodaySection, register_today_section

RECENT_DAYS = 14


def _org_changes(request: HttpRequest, base: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(request.user, User):
        return {}
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    return {"org_changes": list(org_changes_for(viewer=request.user, since=since, limit=5))}


def register() -> None:
    register_today_section(
        TodaySection("org-changes", 50, "accounts/_today_org_changes.html", _org_changes)
    )
