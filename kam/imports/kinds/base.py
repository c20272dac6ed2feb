"""Shared parts of the import kinds: matching clients and people, errors, the handler base.

A handler sees the rows one by one in `row()`, collecting errors and what it would write, and
writes everything in `apply()`, which the service runs inside one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Model
from django.utils import translation

from kam.accounts.access import can_assign_manager, visible_clients
from kam.accounts.models import User
from kam.clients.domain import normalize_company_name
from kam.clients.models import Client
from kam.deals.selectors import stage_map as deals_stage_map
from kam.imports import domain as d
from kam.imports import presets
from kam.imports.domain import ColumnMap, Problem, RowError, Summary
from kam.imports.kinds.bulk import insert_with_history
from kam.imports.readers import Columns, column_letter

Progress = Callable[[str, int], None]


class UnavailableError(Exception):
    """This kind of import cannot be written on this installation (the code says why)."""


BATCH = 5_000


def choice_map(choices: Any, *synonyms: tuple[str, str]) -> dict[str, str]:
    """Folded codes and labels (Russian and English) → code, plus extra synonyms."""
    out: dict[str, str] = {}
    for value, label in choices.choices:
        out[d.normalize_header(value)] = value
        for language in ("ru", "en"):
            with translation.override(language):
                out[d.normalize_header(str(label))] = value
    for word, value in synonyms:
        out[d.normalize_header(word)] = value
    return out


@dataclass
class NewClient:
    """A client the file names and KAM does not know yet."""

    ref: int  # negative: -(index + 1)
    name: str
    inn: str | None
    row: int
    manager: str = ""
    manager_date: date | None = None
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class NewUser:
    """A responsible person the file names and KAM does not know: created without a password."""

    ref: int
    full_name: str
    row: int


class Context:
    """What every handler shares: the actor, the clients and users it may match, new ones."""

    def __init__(
        self,
        *,
        actor: User | None,
        default_manager: User | None,
        allow_future: bool = False,
        stage_map: Mapping[str, str] | None = None,
    ) -> None:
        self.actor = actor
        self.default_manager = default_manager or actor
        self.allow_future = allow_future
        # Folded stage name → funnel step: KAM's defaults, the admins' stage map (Funnel →
        # Stage map), then the caller's own names for this run.
        self.stage_map = {
            **presets.default_stage_map(),
            **deals_stage_map(),
            **(stage_map or {}),
        }
        self.client_column = ""
        self.manager_column = ""
        self.errors: list[RowError] = []
        self.error_count = 0
        self.error_rows: set[int] = set()
        # What a write created (for the job's audit record and its undo) and what it needs
        # to put back what it changed or deleted.
        self.written: dict[str, Any] = {}
        self.undo: dict[str, Any] = {}
        self.summary = Summary()
        clients = visible_clients(actor) if actor is not None else Client.objects.all()
        self.by_inn: dict[str, int] = {}
        self.by_name: dict[str, int] = {}
        self.client_inn: dict[int, str | None] = {}
        for pk, inn, folded in clients.values_list("id", "inn", "normalized_name").iterator(
            chunk_size=10_000
        ):
            if inn:
                self.by_inn[inn] = pk
            # Two clients with one folded name: the name alone cannot tell them apart.
            self.by_name[folded] = 0 if folded in self.by_name else pk
            self.client_inn[pk] = inn
        self.all_inns: set[str] = {
            inn for inn in Client.objects.exclude(inn=None).values_list("inn", flat=True) if inn
        }
        self.new_clients: list[NewClient] = []
        self.new_owners: dict[int, int] = {}  # the created clients' responsible people
        self._new_by_inn: dict[str, NewClient] = {}
        self._new_by_name: dict[str, NewClient] = {}
        self._name_cache: dict[str, str] = {}
        self.users: dict[frozenset[str], int] = {}
        # One word («Даниил» in amoCRM) → the only user with that first or last name.
        self.single_names: dict[str, int] = {}
        # Blocked people are matched too: a CRM export names former colleagues, and they must
        # not come back as new accounts.
        for user in User.objects.only("id", "first_name", "last_name", "middle_name"):
            for key in d.person_keys(user.last_name, user.first_name, user.middle_name):
                self.users[key] = 0 if key in self.users else user.pk
            for word in {*d.name_tokens(user.first_name), *d.name_tokens(user.last_name)}:
                self.single_names[word] = 0 if word in self.single_names else user.pk
        self.new_users: dict[frozenset[str], NewUser] = {}
        # Name as written → what find_manager found (handlers' fast paths read it).
        self.manager_cache: dict[str, int | Problem] = {}

    # --- errors ---------------------------------------------------------------------------

    def error(self, row: int, column: str, value: str, problem: Problem) -> None:
        self.error_count += 1
        if len(self.error_rows) < ERROR_LIMIT:
            self.error_rows.add(row)
        if len(self.errors) < ERROR_LIMIT:
            self.errors.append(RowError(row, column, value[:200], problem))

    # --- clients --------------------------------------------------------------------------

    def folded(self, name: str) -> str:
        cached = self._name_cache.get(name)
        if cached is None:
            cached = normalize_company_name(name)
            if len(self._name_cache) < 500_000:
                self._name_cache[name] = cached
        return cached

    def find_client(self, name: str, inn: str | None) -> int | Problem | None:
        """A client id (existing > 0, new < 0), None when unknown, or why it is ambiguous."""
        if inn:
            if inn in self.by_inn:
                return self.by_inn[inn]
            new = self._new_by_inn.get(inn)
            if new is not None:
                return new.ref
            if inn in self.all_inns:
                return Problem.of("client_hidden")
        if name:
            folded = self.folded(name)
            pk = self.by_name.get(folded)
            if pk == 0:
                return Problem.of("client_ambiguous")
            if pk is not None and (not inn or not self.client_inn.get(pk)):
                return pk
            new = self._new_by_name.get(folded)
            if new is not None and (not inn or not new.inn):
                if inn and not new.inn:
                    new.inn = inn
                    self._new_by_inn[inn] = new
                return new.ref
        return None

    def add_client(self, name: str, inn: str | None, row: int) -> NewClient:
        new = NewClient(ref=-(len(self.new_clients) + 1), name=name, inn=inn, row=row)
        self.new_clients.append(new)
        if inn:
            self._new_by_inn[inn] = new
        self._new_by_name.setdefault(self.folded(name), new)
        return new

    def new_client(self, ref: int) -> NewClient:
        return self.new_clients[-ref - 1]

    # --- managers -------------------------------------------------------------------------

    def find_manager(self, name: str, row: int) -> int | Problem:
        """A user id (> 0) or a new user's ref (< 0) for a full name in any word order."""
        cached = self.manager_cache.get(name)
        if cached is not None:
            return cached
        words = d.name_tokens(name)
        found: int | Problem
        if not words:
            found = Problem.of("manager_name")
        else:
            key = frozenset(words)
            found = self.users.get(key, -1)
            if found == -1 and len(words) == 1:
                found = self.single_names.get(words[0], -1)
            if found == -1 and len(words) == 3:
                # «Иванов Иван Иванович» for a user whose middle name KAM does not have.
                hits = {self.users.get(frozenset(words) - {w}, -1) for w in words} - {-1}
                found = hits.pop() if len(hits) == 1 else (0 if hits else -1)
            if found == 0:
                found = Problem.of("manager_ambiguous")
            elif found == -1:
                new = self.new_users.get(key)
                if new is None:
                    new = NewUser(ref=-(len(self.new_users) + 1), full_name=name.strip(), row=row)
                    self.new_users[key] = new
                found = new.ref
        if len(self.manager_cache) < 100_000:
            self.manager_cache[name] = found
        return found

    def create_users(self) -> dict[int, User]:
        """Create the unknown responsible people (no password: an admin sets one later)."""
        made: dict[int, User] = {}
        taken = set(User.objects.values_list("username", flat=True))
        for new in self.new_users.values():
            last, first, middle = d.split_person_name(new.full_name)
            base = d.username_for(new.full_name)[:140]
            username, n = base, 1
            while username in taken:
                n += 1
                username = f"{base}{n}"
            taken.add(username)
            user = User(
                username=username,
                last_name=last[:150],
                first_name=first[:150],
                middle_name=middle[:150],
                is_manager=True,
            )
            user.set_unusable_password()
            user.save()
            made[new.ref] = user
            self.written.setdefault("users", []).append(user.pk)
            self.summary.new_users.append(f"{new.full_name} ({username})")
        return made

    def manager_for(self, ref: int | None, made: dict[int, User]) -> User | None:
        if ref is None:
            return self.default_manager
        if ref < 0:
            return made[ref]
        return User.objects.get(pk=ref)

    def create_clients(self, made_users: dict[int, User]) -> dict[int, int]:
        """Create the new clients in bulk (with their history rows); ref → id."""
        if not self.new_clients:
            return {}
        managers: dict[int | None, User | None] = {}
        rows: list[dict[str, Any]] = []
        for new in self.new_clients:
            ref = self._manager_ref(new)
            if ref not in managers:
                managers[ref] = self.manager_for(ref, made_users)
            manager = managers[ref]
            if manager is None:  # checked while reading the rows; never reached
                raise ValueError(new.name)
            rows.append(
                {
                    "name": new.name,
                    "normalized_name": self.folded(new.name),
                    "inn": new.inn,
                    "manager_id": manager.pk,
                    **new.fields,
                }
            )
            self.summary.new_clients.append(new.name)
        # The rows and "+" history rows `bulk_create_with_history` would write, inserted
        # without a model object per client (20,000 new clients of a CRM export: seconds).
        ids = insert_with_history(Client, rows, history_user=self.actor)
        refs = {n.ref: pk for n, pk in zip(self.new_clients, ids, strict=True)}
        self.new_owners = {pk: row["manager_id"] for pk, row in zip(ids, rows, strict=True)}
        self.written.setdefault("clients", []).extend(refs.values())
        return refs

    def _manager_ref(self, new: NewClient) -> int | None:
        if not new.manager:
            return None
        found = self.find_manager(new.manager, new.row)
        return found if isinstance(found, int) else None

    def check_new_clients(self) -> None:
        """Every new client needs an active responsible person the actor may assign."""
        users: dict[int, User | None] = {}
        for new in self.new_clients:
            if new.row in self.error_rows:
                continue  # the row's own error (e.g. a responsible person KAM cannot tell)
            ref = self._manager_ref(new)
            if ref is not None and ref < 0:
                continue  # a person the import creates
            if ref is None:
                target = self.default_manager
                if target is None:
                    self.error(new.row, self.client_column, new.name, Problem.of("no_manager"))
                    continue
            else:
                if ref not in users:
                    users[ref] = User.objects.filter(pk=ref).first()
                target = users[ref]
            if (
                target is None
                or not target.is_active
                or (self.actor is not None and not can_assign_manager(self.actor, target))
            ):
                value = new.manager or (target.display_name if target else "")
                column = self.manager_column if new.manager else self.client_column
                self.error(new.row, column, value, Problem.of("manager_forbidden"))


ERROR_LIMIT = 10_000


class Handler:
    """Base of the kind handlers: cell access and client resolution by row."""

    creates_clients = True
    # The tables a big load writes in bulk, the main one first (see kinds.bulk).
    bulk_models: tuple[type[Model], ...] = ()

    def __init__(self, ctx: Context, cmap: ColumnMap) -> None:
        self.ctx = ctx
        self.cmap = cmap
        self.columns = cmap.columns
        self.width = len(cmap.headers)
        # Without an INN column a client is its name: a name seen once is not looked up again.
        self._by_name_only = "inn" not in self.columns
        self._dates: dict[str, date | Problem] = {}  # date cell as written → parsed
        self._client_cache: dict[str, int] = {}
        for name in ("client", "inn", "full_name"):
            if name in self.columns:
                ctx.client_column = cmap.header_of(name)
                break
        ctx.manager_column = (
            cmap.header_of("manager") if "manager" in self.columns else ctx.client_column
        )

    @classmethod
    def columns_for(
        cls, headers: list[str], kind: d.Kind, preset: d.Preset, *, header_row: int = 1
    ) -> ColumnMap:
        """Match the header row to this kind's fields (a kind may bring its own aliases)."""
        return d.map_columns(headers, kind, preset, header_row=header_row)

    def cell(self, cells: list[str], name: str) -> str:
        index = self.columns.get(name)
        if index is None or index >= len(cells):
            return ""
        text = cells[index].strip()
        return d.clean_text(text) if text[:1] == "'" else text

    def date_of(self, raw: str) -> date | Problem:
        """A date cell parsed, each text once (a file repeats its dates)."""
        value = self._dates.get(raw)
        if value is None:
            value = d.parse_date(raw)
            if len(self._dates) < 100_000:
                self._dates[raw] = value
        return value

    def fail(self, row: int, name: str, value: str, problem: Problem) -> None:
        if name in self.columns:
            column = self.cmap.header_of(name)
        else:
            # The file has no such column (e.g. an interactions file without «Менеджер»):
            # named as the file should have named it.
            column = d.field_label(name, self.cmap.preset)
        self.ctx.error(row, column, value, problem)

    def parse(self, row: int, cells: list[str], name: str, parser: Callable[[str], Any]) -> Any:
        """Run a domain parser on a cell; a Problem is recorded and returned as None."""
        raw = self.cell(cells, name)
        value = parser(raw)
        if isinstance(value, Problem):
            self.fail(row, name, raw, value)
            return None
        return value

    def check_width(self, row: int, cells: list[str]) -> bool:
        if len(cells) <= self.width:
            return True
        extra = [i for i in range(self.width, len(cells)) if cells[i].strip()]
        if extra:
            self.ctx.error(
                row,
                column_letter(extra[0]),
                cells[extra[0]],
                Problem.of("extra_cells", width=self.width),
            )
            return False
        return True

    def client(self, row: int, cells: list[str], *, fallback: str = "") -> int | None:
        """The row's client: matched, or registered as new when the kind may create clients."""
        name = self.cell(cells, "client") or fallback
        if self._by_name_only:
            known = self._client_cache.get(name)
            if known is not None:
                return known  # the same name on an earlier row: the same client
            found = self._client(row, cells, name)
            if found is not None and len(self._client_cache) < 500_000:
                self._client_cache[name] = found
            return found
        return self._client(row, cells, name)

    def _client(self, row: int, cells: list[str], name: str) -> int | None:
        inn = None
        if "inn" in self.columns:
            inn = self.parse(row, cells, "inn", d.parse_inn)
            if inn is None and self.cell(cells, "inn"):
                return None  # the INN error is recorded already
        if not name and not inn:
            self.fail(row, "client", "", Problem.of("client_required"))
            return None
        if len(name) > 300:
            self.fail(row, "client", name, Problem.of("too_long", limit=300))
            return None
        found = self.ctx.find_client(name, inn)
        if isinstance(found, Problem):
            self.fail(row, "inn" if found.code == "client_hidden" else "client", inn or name, found)
            return None
        if found is not None:
            return found
        if not self.creates_clients:
            self.fail(row, "client", name or inn or "", Problem.of("client_unknown"))
            return None
        if not name:
            self.fail(row, "client", inn or "", Problem.of("client_name_needed"))
            return None
        return self.ctx.add_client(name, inn, row).ref

    def manager(self, row: int, cells: list[str]) -> str:
        """The responsible person's name as written, after checking it can be matched."""
        name = self.cell(cells, "manager")
        if name:
            found = self.ctx.find_manager(name, row)
            if isinstance(found, Problem):
                self.fail(row, "manager", name, found)
                return ""
        return name

    def note_manager(self, ref: int, manager: str, day: date | None) -> None:
        if ref < 0 and manager:
            new = self.ctx.new_client(ref)
            if new.manager_date is None or day is None or day >= new.manager_date:
                new.manager, new.manager_date = manager, day

    def row(self, number: int, cells: list[str]) -> None:
        raise NotImplementedError

    def check_rows(self, chunk: list[tuple[int, list[str]]]) -> None:
        """Check a chunk of rows (number, cells) in file order."""
        row = self.row
        for number, cells in chunk:
            row(number, cells)

    @property
    def columnar(self) -> bool:
        """Whether `check_columns` may take a big CSV file's rows as columns."""
        return False

    def check_columns(self, columns: Columns) -> bool:
        """Check every data row of a file read as columns, or say no (False) and leave it to
        a fresh handler and `check_rows`: on any row the handler cannot take as columns
        (one with an error among them), before or after looking at some rows."""
        return False

    def finish(self) -> None:
        """Checks over the whole file, after the last row (e.g. stage names never seen)."""

    def apply(self, *, write: bool, progress: Progress | None) -> None:
        raise NotImplementedError

    def bulk_rows(self) -> int:
        """How many rows of `bulk_models[0]` the write would insert at most."""
        return 0

    def resolve(self, ref: int, ids: dict[int, int]) -> int:
        return ids[ref] if ref < 0 else ref
