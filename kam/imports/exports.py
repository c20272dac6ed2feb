"""Downloads of lists and reports (XLSX, CSV) in shapes the importer reads back.

Only fields every viewer of the list may see are exported: never dossier content (contact
attitude, influence, notes, the dossier itself, competitors).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from kam.accounts.models import User
from kam.clients.models import Client
from kam.core.exporting import export_response


def client_list_export(fmt: str, clients: QuerySet[Client]) -> HttpResponseBase:
    """The client list as filtered on the page; headers the generic import preset knows."""
    headers = [
        _("Client"),
        _("INN"),
        _("Segment"),
        _("Channel"),
        _("Manager"),
        _("City"),
        _("Website"),
        _("Status"),
    ]

    def rows() -> Iterator[list[Any]]:
        for client in clients.select_related("manager").iterator(chunk_size=2000):
            yield [
                client.name,
                client.inn or "",
                client.get_segment_display(),
                client.get_channel_display(),
                client.manager.display_name,
                client.city,
                client.website,
                client.get_status_display(),
            ]

    return export_response(fmt, "clients", headers, rows())


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


def user_list_export(fmt: str, users: QuerySet[User]) -> HttpResponseBase:
    """The admin's list of users and the org chart."""
    headers = [
        _("Login"),
        _("Last name"),
        _("First name"),
        _("Middle name"),
        _("Roles"),
        _("Direct supervisor"),
        _("Department"),
        _("Clients"),
        _("Can log in"),
    ]

    def rows() -> Iterator[list[Any]]:
        for user in users:
            can_log_in = user.is_active and user.has_usable_password()
            yield [
                user.username,
                user.last_name,
                user.first_name,
                user.middle_name,
                ", ".join(str(label) for label in user.role_labels),
                user.supervisor.display_name if user.supervisor else "",
                user.department.name if user.department else "",
                getattr(user, "client_count", None),
                _("yes") if can_log_in else _("no"),
            ]

    return export_response(fmt, "users", headers, rows())
