"""Download of the portfolio table (XLSX, CSV) in a shape the importer reads back;
only fields every viewer of the list may see (never dossier content)."""

from __future__ import annotations

from typing import Any

from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from kam.core.exporting import export_response


def portfolio_export(fmt: str, report: Any) -> HttpResponseBase:
    """The portfolio table of the page: revenue, share, class and ABC per client."""
    headers = [
        _("Client"),
        _("INN"),
        _("Manager"),
        _("Revenue"),
        _("Share, %"),
        _("Class"),
        _("ABC"),
    ]
    labels = {
        "mono": _("mono-client"),
        "critical": _("critical dependency"),
        "key": _("key client"),
        "none": "",
    }
    rows = (
        [r.name, r.inn or "", r.manager, r.revenue, round(r.share * 100, 2),
         labels.get(r.key_class.value, r.key_class.value), r.abc]
        for r in report.rows
    )  # fmt: skip
    start, end = report.window.start.isoformat(), report.window.end.isoformat()
    return export_response(fmt, f"portfolio_{start}_{end}", headers, rows)
