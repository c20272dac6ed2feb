"""Row handlers of each import kind: check every row, then (if nothing failed) write."""

from __future__ import annotations

from kam.imports.domain import Kind
from kam.imports.kinds.activity import InteractionsHandler, NpsHandler
from kam.imports.kinds.base import Context, Handler, UnavailableError
from kam.imports.kinds.deals import DealsHandler
from kam.imports.kinds.directory import ClientsHandler, ContactsHandler
from kam.imports.kinds.revenue import RevenueHandler

__all__ = ["HANDLERS", "Context", "Handler", "UnavailableError"]

HANDLERS: dict[Kind, type[Handler]] = {
    Kind.CLIENTS: ClientsHandler,
    Kind.CONTACTS: ContactsHandler,
    Kind.REVENUE: RevenueHandler,
    Kind.INTERACTIONS: InteractionsHandler,
    Kind.NPS: NpsHandler,
    Kind.DEALS: DealsHandler,
}
