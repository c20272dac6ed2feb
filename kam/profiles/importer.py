"""`kam import fit FILE`: scores from a workshop spreadsheet, all or nothing.

The sheet is wide: the first column names the client (name or INN), every other column is a
trait with integer scores −5…+5; an optional row whose first cell is «Вес» or «Weight» holds
the weights. Traits the current profile does not have are added to it (a first version is
created when there is none). Re-running the same file changes nothing: only scores that differ
from the client's latest score are recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from kam.accounts.access import visible_clients
from kam.accounts.models import User
from kam.clients.domain import inn_error, normalize_company_name
from kam.clients.models import Client
from kam.imports.readers import FileProblem, open_table
from kam.profiles import domain as d
from kam.profiles import services as svc
from kam.profiles.models import Trait
from kam.profiles.selectors import current_version, version_traits

WEIGHT_WORDS = {"вес", "веса", "weight", "weights"}


@dataclass(frozen=True)
class FitError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("Row %(row)s, column «%(column)s»: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class FitImportResult:
    clients: int = 0
    scores_changed: int = 0
    new_traits: list[str] = field(default_factory=list)
    weights: dict[str, float] = field(default_factory=dict)
    errors: list[FitError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


class FitFileError(Exception):
    """The file cannot be read as a fit sheet at all."""


def _client_index(actor: User | None) -> tuple[dict[str, int], dict[str, list[int]]]:
    clients = visible_clients(actor) if actor is not None else Client.objects.all()
    by_inn: dict[str, int] = {}
    by_name: dict[str, list[int]] = {}
    for pk, name, inn in clients.values_list("pk", "name", "inn"):
        if inn:
            by_inn[inn] = pk
        by_name.setdefault(normalize_company_name(name), []).append(pk)
    return by_inn, by_name


def _read(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        with open_table(path) as table:
            return list(table.headers), list(table.rows)
    except FileProblem as exc:
        raise FitFileError(_("The file cannot be read (%(code)s).") % {"code": exc.code}) from exc


def import_fit(path: Path, *, actor: User | None = None, dry_run: bool = False) -> FitImportResult:
    """Check the whole file; write only when it has no error (one transaction)."""
    headers, rows = _read(path)
    result = FitImportResult(dry_run=dry_run)
    if len(headers) < 2 or not headers[0].strip():
        raise FitFileError(
            _("The first row must name the client column and at least one trait column.")
        )
    client_column = headers[0].strip()
    columns: list[tuple[int, str]] = []
    seen: set[str] = set()
    for index, raw in enumerate(headers[1:], start=1):
        name = " ".join(raw.split())
        if not name:
            continue
        if name.casefold() in seen:
            result.errors.append(FitError(1, name, _("the trait is named twice")))
        seen.add(name.casefold())
        columns.append((index, name[:200]))
    by_inn, by_name = _client_index(actor)
    weights: dict[str, float] = {}
    per_client: dict[int, dict[str, int | None]] = {}
    first_row: dict[int, int] = {}
    for number, cells in rows:
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        key = cells[0] if cells else ""
        if key.casefold().rstrip(":") in WEIGHT_WORDS:
            for index, name in columns:
                raw = cells[index] if index < len(cells) else ""
                weight = d.parse_weight(raw)
                if weight is None:
                    continue
                if weight < 0:
                    result.errors.append(
                        FitError(number, name, _("a weight is a number of zero or more"))
                    )
                else:
                    weights[name] = weight
            continue
        client_id = _match(key, by_inn, by_name)
        if isinstance(client_id, str):
            result.errors.append(FitError(number, client_column, client_id))
            continue
        if client_id in first_row:
            result.errors.append(
                FitError(
                    number,
                    client_column,
                    _("the client is already on row %(row)s") % {"row": first_row[client_id]},
                )
            )
            continue
        first_row[client_id] = number
        scores: dict[str, int | None] = {}
        for index, name in columns:
            raw = cells[index] if index < len(cells) else ""
            parsed = d.parse_score(raw)
            if isinstance(parsed, d.ScoreProblem):
                result.errors.append(FitError(number, name, _score_reason(parsed, raw)))
                continue
            if parsed is not None:
                scores[name] = parsed
        per_client[client_id] = scores
    if not per_client and not result.errors:
        result.errors.append(FitError(2, client_column, _("the file has no client rows")))
    if result.errors:
        return result
    with transaction.atomic():
        _write(result, actor=actor, columns=columns, weights=weights, per_client=per_client)
        if dry_run:
            transaction.set_rollback(True)
    return result


def _score_reason(problem: d.ScoreProblem, raw: str) -> str:
    if problem is d.ScoreProblem.NOT_WHOLE:
        return _("«%(v)s» is not a whole number; a score is −5…+5") % {"v": raw}
    if problem is d.ScoreProblem.OUT_OF_RANGE:
        return _("%(v)s is outside −5…+5") % {"v": raw}
    return _("«%(v)s» is not a number; a score is −5…+5") % {"v": raw[:40]}


def _match(key: str, by_inn: dict[str, int], by_name: dict[str, list[int]]) -> int | str:
    """A client id, or the reason the cell names none."""
    if not key:
        return _("the client is empty")
    digits = key.replace(" ", "")
    if digits.isdigit() and len(digits) in (10, 12) and inn_error(digits) is None:
        found = by_inn.get(digits)
        return found if found is not None else _("no client with INN %(inn)s") % {"inn": digits}
    ids = by_name.get(normalize_company_name(key), [])
    if len(ids) == 1:
        return ids[0]
    if len(ids) > 1:
        return _("%(n)s clients are named «%(name)s»: use the INN") % {
            "n": len(ids),
            "name": key[:100],
        }
    return _("no client named «%(name)s»") % {"name": key[:100]}


def _write(
    result: FitImportResult,
    *,
    actor: User | None,
    columns: list[tuple[int, str]],
    weights: dict[str, float],
    per_client: dict[int, dict[str, int | None]],
) -> None:
    version = current_version()
    names = [name for _i, name in columns]
    if version is None:
        version = svc.version_create(
            actor=actor,
            traits=[(n, weights.get(n, 1.0)) for n in names],
            note=_("from a spreadsheet"),
        )
        result.new_traits = names
    traits = {t.name.casefold(): t for t in version_traits(version)}
    position = len(traits)
    for name in names:
        if name.casefold() not in traits:
            trait = Trait.objects.create(
                version=version,
                name=name,
                weight=Decimal(str(weights.get(name, 1.0))),
                position=position,
            )
            position += 1
            traits[name.casefold()] = trait
            result.new_traits.append(name)
    for name, weight in weights.items():
        trait = traits[name.casefold()]
        if trait.weight != Decimal(str(weight)):
            trait.weight = Decimal(str(weight))
            trait.save(update_fields=["weight"])
    result.weights = weights
    clients = Client.objects.in_bulk(list(per_client))
    for client_id, scores in per_client.items():
        changed = svc.scores_set(
            actor=actor,
            client=clients[client_id],
            scores={traits[n.casefold()]: s for n, s in scores.items()},
            source="import",
        )
        result.scores_changed += changed
    result.clients = len(per_client)
