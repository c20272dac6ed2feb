"""Clients and contacts files."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from kam.clients.choices import Channel, Segment
from kam.clients.models import Client, Contact
from kam.imports import domain as d
from kam.imports.domain import ColumnMap, Problem
from kam.imports.kinds.base import Context, Handler, Progress, choice_map

# --- clients -------------------------------------------------------------------------------


class ClientsHandler(Handler):
    """A clients file: creates unknown clients, fills INN, city, site, segment, channel."""

    LIMITS = {"city": 120, "website": 200}

    def __init__(self, ctx: Context, cmap: ColumnMap) -> None:
        super().__init__(ctx, cmap)
        self.segments = choice_map(Segment)
        self.channels = choice_map(Channel)
        self.changes: dict[int, dict[str, str]] = {}

    def row(self, number: int, cells: list[str]) -> None:
        if not self.check_width(number, cells):
            return
        if "record_type" in self.columns:
            # amoCRM's «Контакты и компании»: a company row names the client in its name
            # column; contact rows belong to the contacts import.
            if d.record_type(self.cell(cells, "record_type")) != "company":
                self.ctx.summary.skipped += 1
                return
            title = self.cell(cells, "title")
            cells = _with(cells, self.columns.get("client"), title)
            ref = self.client(number, cells, fallback=title)
        else:
            ref = self.client(number, cells)
        manager = self.manager(number, cells)
        values: dict[str, str] = {}
        for name, limit in self.LIMITS.items():
            text = self.cell(cells, name)
            if text and self.parse(number, cells, name, partial(d.check_length, limit=limit)):
                values[name] = text
        for name, choices in (("segment", self.segments), ("channel", self.channels)):
            code = self.parse(number, cells, name, partial(d.parse_choice, choices=choices))
            if code:
                values[name] = code
        inn = d.parse_inn(self.cell(cells, "inn"))
        if ref is None:
            return
        if ref < 0:
            self.ctx.new_client(ref).fields.update(values)
            self.note_manager(ref, manager, None)
            return
        if isinstance(inn, str) and not self.ctx.client_inn.get(ref):
            values["inn"] = inn
        self.changes.setdefault(ref, {}).update(values)

    def apply(self, *, write: bool, progress: Progress | None) -> None:
        summary = self.ctx.summary
        summary.created = len(self.ctx.new_clients)
        clients = Client.objects.in_bulk(list(self.changes))
        for pk, values in self.changes.items():
            client = clients[pk]
            changed = [k for k, v in values.items() if getattr(client, k) != v]
            if not changed:
                summary.unchanged += 1
                continue
            summary.updated += 1
            if write:
                self.ctx.undo.setdefault("clients_changed", []).append(
                    [pk, {key: getattr(client, key) for key in changed}]
                )
                for key in changed:
                    setattr(client, key, values[key])
                client._history_user = self.ctx.actor  # type: ignore[attr-defined]
                client.save(update_fields=[*changed, "updated_at"])
        if write:
            made = self.ctx.create_users()
            self.ctx.create_clients(made)


def _with(cells: list[str], index: int | None, value: str) -> list[str]:
    """The row with `value` in column `index` (when the file has that column)."""
    if index is None or not value:
        return cells
    out = list(cells)
    while len(out) <= index:
        out.append("")
    out[index] = value
    return out


def _plain(value: Any) -> Any:
    """A field value as JSON keeps it (dates as ISO text)."""
    return value.isoformat() if hasattr(value, "isoformat") else value


# --- contacts ------------------------------------------------------------------------------


@dataclass
class ContactRow:
    row: int
    client: int
    values: dict[str, Any]


class ContactsHandler(Handler):
    """A contacts file: a contact is found by client and full name, else added."""

    LIMITS = {"position": 200}

    def __init__(self, ctx: Context, cmap: ColumnMap) -> None:
        super().__init__(ctx, cmap)
        self.rows: dict[tuple[int, str], ContactRow] = {}

    def _full_name(self, number: int, cells: list[str]) -> str:
        name = self.cell(cells, "full_name")
        if not name and "record_type" in self.columns and "full_name" not in self.columns:
            name = self.cell(cells, "title")
        if not name:
            parts = (self.cell(cells, p) for p in ("last_name", "first_name", "middle_name"))
            name = " ".join(p for p in parts if p)
        if not name:
            self.fail(number, "full_name", "", Problem.of("required"))
        elif len(name) > 300:
            self.fail(number, "full_name", name, Problem.of("too_long", limit=300))
            return ""
        return name

    def row(self, number: int, cells: list[str]) -> None:
        if not self.check_width(number, cells):
            return
        # amoCRM's «Контакты и компании»: company rows are skipped here; a contact row's name
        # is in the name column when there is no «Полное имя».
        kind = (
            d.record_type(self.cell(cells, "record_type")) if "record_type" in self.columns else ""
        )
        if "record_type" in self.columns and kind != "contact":
            self.ctx.summary.skipped += 1
            return
        full_name = self._full_name(number, cells)
        ref = self.client(number, cells)
        manager = self.manager(number, cells)
        values: dict[str, Any] = {"full_name": full_name}
        ok = bool(full_name)
        for name in ("phone", "mobile_phone"):
            value = self.parse(number, cells, name, d.parse_phone)
            ok &= value is not None
            if value:
                values[name] = value
        email = self.parse(number, cells, "email", d.parse_email)
        ok &= email is not None
        if email:
            values["email"] = email
        position = self.cell(cells, "position")
        if position and self.parse(number, cells, "position", partial(d.check_length, limit=200)):
            values["position"] = position
        if self.cell(cells, "birthday"):
            birthday = self.parse(number, cells, "birthday", d.parse_date)
            ok &= birthday is not None
            values["birthday"] = birthday
        if ref is None or not ok:
            return
        self.note_manager(ref, manager, None)
        key = (ref, " ".join(d.name_tokens(full_name)))
        previous = self.rows.get(key)
        if previous is not None:
            previous.values.update(values)
        else:
            self.rows[key] = ContactRow(number, ref, values)

    def apply(self, *, write: bool, progress: Progress | None) -> None:
        summary = self.ctx.summary
        existing: dict[tuple[int, str], Contact] = {}
        known = [ref for ref, _name in self.rows if ref > 0]
        for contact in Contact.objects.filter(client_id__in=known, is_active=True):
            existing[(contact.client_id, " ".join(d.name_tokens(contact.full_name)))] = contact
        ids: dict[int, int] = {}
        if write:
            ids = self.ctx.create_clients(self.ctx.create_users())
        for key, item in self.rows.items():
            found = existing.get(key)
            if found is None:
                summary.created += 1
                if write:
                    new = Contact(client_id=self.resolve(item.client, ids), **item.values)
                    new._history_user = self.ctx.actor  # type: ignore[attr-defined]
                    new.save()
                    self.ctx.written.setdefault("contacts", []).append(new.pk)
                continue
            contact = found
            changed = [k for k, v in item.values.items() if getattr(contact, k) != v]
            if not changed:
                summary.unchanged += 1
                continue
            summary.updated += 1
            if write:
                self.ctx.undo.setdefault("contacts_changed", []).append(
                    [contact.pk, {name: _plain(getattr(contact, name)) for name in changed}]
                )
                for name in changed:
                    setattr(contact, name, item.values[name])
                contact._history_user = self.ctx.actor  # type: ignore[attr-defined]
                contact.save(update_fields=changed)
