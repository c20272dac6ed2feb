"""Download of the user list (XLSX, CSV) in a shape the importer reads back;
only fields every viewer of the list may see (never dossier content)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from kam.accounts.models import User
from kam.core.exporting import export_response


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
