"""Download of the client list (XLSX, CSV): exactly the columns and rows the list shows (the
filters, the sort and the apps' columns such as revenue, share, stage), and only fields every
viewer of the list may see (never dossier content). The base columns keep the headers the
generic import preset knows."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import islice
from typing import Any

from django.db.models import QuerySet
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from kam.clients.models import Client
from kam.core.composition import ClientColumn
from kam.core.exporting import export_response

_CHUNK = 2000


def _chunks(clients: QuerySet[Client], ordered: list[int] | None) -> Iterator[list[Client]]:
    if ordered is None:
        found = clients.iterator(chunk_size=_CHUNK)
        while chunk := list(islice(found, _CHUNK)):
            yield chunk
        return
    for start in range(0, len(ordered), _CHUNK):
        ids = ordered[start : start + _CHUNK]
        by_id = clients.in_bulk(ids)
        yield [by_id[pk] for pk in ids if pk in by_id]


def client_list_export(
    fmt: str,
    clients: QuerySet[Client],
    *,
    columns: Sequence[ClientColumn] = (),
    viewer: Any = None,
    with_status: bool = False,
    ordered: list[int] | None = None,
) -> HttpResponseBase:
    """The client list as filtered and sorted on the page, with the same columns; `ordered`:
    the ids in the order of a sort made outside SQL (health)."""
    headers = [_("Client"), _("INN"), _("Segment"), _("Channel"), _("Manager")]
    if with_status:
        headers.append(_("Status"))
    headers += [str(c.export_label or c.label) for c in columns]

    def rows() -> Iterator[list[Any]]:
        for chunk in _chunks(clients, ordered):
            for column in columns:
                column.prepare(chunk, viewer)
            for client in chunk:
                row: list[Any] = [
                    client.name,
                    client.inn or "",
                    client.get_segment_display(),
                    client.get_channel_display(),
                    client.manager.display_name,
                ]
                if with_status:
                    row.append(client.get_status_display())
                yield row + [c.export(client) for c in columns]

    return export_response(fmt, "clients", headers, rows())
