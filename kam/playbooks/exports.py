"""Export shape of the complaints report: the Pareto of root causes, then the cases."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kam.playbooks.selectors import ComplaintsReport


def local(moment: datetime | None) -> datetime | None:
    """A moment in local time without a zone (Excel keeps no time zones)."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def report_rows(report: ComplaintsReport) -> tuple[list[str], list[Sequence[Any]]]:
    headers = [
        _("Section"),
        _("Client / root cause"),
        _("Owner / complaints"),
        _("Opened / share, %"),
        _("Closed / cumulative, %"),
        _("Source / vital few"),
    ]
    rows: list[Sequence[Any]] = [
        [_("Pareto"), r.cause, r.count, round(r.share, 1), round(r.cumulative, 1), r.vital]
        for r in report.pareto
    ]
    rows += [
        [
            _("Case"),
            c.client.name,
            c.owner.display_name,
            local(c.opened_at),
            local(c.closed_at),
            c.get_source_display(),
        ]
        for c in report.cases
    ]
    return headers, rows
