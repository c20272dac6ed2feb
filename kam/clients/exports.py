"""Download of the client list (XLSX, CSV) in a shape the importer reads back;
only fields every viewer of the list may see (never dossier content)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

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
