"""Pure rules of importing: header presets, column mapping and value parsing (no Django).

Every parser returns either a clean value or a `Problem` (a code plus parameters); the service
layer turns codes into translated sentences. Values are read as text: INN, phone numbers and ids
never pass through a float, and impossible dates are errors, never guesses.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import cache, lru_cache
from typing import Any

from kam.clients.domain import inn_error, normalize_company_name
from kam.imports import presets


class Kind(StrEnum):
    """What a file holds."""

    CLIENTS = "clients"
    CONTACTS = "contacts"
    REVENUE = "revenue"
    INTERACTIONS = "interactions"
    NPS = "nps"
    DEALS = "deals"


class Preset(StrEnum):
    """Whose export the headers follow; AUTO picks one from the headers."""

    AUTO = "auto"
    GENERIC = "generic"
    AMOCRM = "amocrm"
    BITRIX24 = "bitrix24"


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a value or a file was rejected: a stable code and its parameters."""

    code: str
    params: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, code: str, **params: object) -> Problem:
        return cls(code, tuple((k, str(v)) for k, v in params.items()))


@dataclass(frozen=True, slots=True)
class RowError:
    """One error of a file: the row number as the file shows it (header = 1), column, value."""

    row: int
    column: str
    value: str
    problem: Problem


# --- headers -------------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def normalize_header(text: str) -> str:
    """Fold a header for matching: case, ё, surrounding and repeated spaces, a trailing colon."""
    folded = _SPACES.sub(" ", text.replace("\ufeff", "")).strip().casefold().replace("ё", "е")
    return folded.rstrip(":").strip()


GENERIC: dict[str, tuple[str, ...]] = {
    "client": (
        "контрагент",
        "клиент",
        "компания",
        "название компании",
        "наименование",
        "client",
        "company",
    ),
    "inn": ("инн", "inn"),
    "date": ("дата", "период", "date", "period"),
    "amount": ("сумма", "бюджет", "выручка", "amount", "revenue"),
    "manager": ("ответственный", "менеджер", "manager", "responsible"),
    "score": ("оценка", "score", "nps"),
    "comment": ("комментарий", "comment"),
    "external_id": ("id", "внешний id", "external id"),
    "city": ("город", "city"),
    "website": ("сайт", "website", "web"),
    "segment": ("сегмент", "segment"),
    "channel": ("канал", "channel"),
    "full_name": ("фио", "контакт", "полное имя", "имя, фамилия", "full name", "contact"),
    "first_name": ("имя", "first name"),
    "last_name": ("фамилия", "last name"),
    "middle_name": ("отчество", "middle name"),
    "position": ("должность", "position"),
    "phone": ("телефон", "рабочий телефон", "phone", "work phone"),
    "mobile_phone": ("мобильный телефон", "мобильный", "mobile", "mobile phone"),
    "email": (
        "email",
        "e-mail",
        "эл. почта",
        "электронная почта",
        "почта",
        "рабочий email",
        "рабочий e-mail",
    ),
    "birthday": ("день рождения", "дата рождения", "birthday"),
    "tone": ("тон", "tone"),
    "summary": ("итог", "описание", "summary"),
    "personal": ("лично", "personal"),
    "respondent": ("респондент", "respondent"),
    "currency": ("валюта", "currency"),
    # amoCRM's combined «Контакты и компании» export: one list, a type column, one name column.
    "record_type": ("тип", "тип записи", "тип сущности", "type"),
    "title": ("наименование", "название", "name"),
    # Any CRM's stage column is recognised under any preset: a file read with the wrong
    # preset must not lose its stages (and with them the difference between won and lost).
    "stage": ("стадия сделки", "этап сделки", "стадия", "этап", "stage"),
}

# The CRM presets' own aliases (kept here under their old names for the kinds that use them).
AMOCRM: dict[str, tuple[str, ...]] = dict(presets.AMOCRM.columns)
BITRIX24: dict[str, tuple[str, ...]] = dict(presets.BITRIX24.columns)

# Fields each kind reads; the first group of each tuple marks what must be present.
KIND_FIELDS: dict[Kind, tuple[str, ...]] = {
    Kind.CLIENTS: (
        "client",
        "inn",
        "manager",
        "city",
        "website",
        "segment",
        "channel",
        "record_type",
        "title",
    ),
    Kind.CONTACTS: (
        "client",
        "inn",
        "manager",
        "full_name",
        "first_name",
        "last_name",
        "middle_name",
        "position",
        "phone",
        "mobile_phone",
        "email",
        "birthday",
        "record_type",
        "title",
    ),
    Kind.REVENUE: (
        "client",
        "inn",
        "date",
        "amount",
        "manager",
        "external_id",
        "stage",
        "deal",
        "full_name",
        "comment",
        "currency",
        "closed",
        "product",
        "price",
        "quantity",
    ),
    Kind.INTERACTIONS: (
        "client",
        "inn",
        "date",
        "channel",
        "tone",
        "summary",
        "comment",
        "manager",
        "personal",
    ),
    Kind.NPS: ("client", "inn", "date", "score", "comment", "respondent", "full_name"),
    # Deals bring their own column aliases (kam/imports/kinds/deals.py); these only help find
    # the header row of a deals export.
    Kind.DEALS: ("client", "inn", "date", "amount", "manager", "external_id", "stage", "deal"),
}

# Fields read only in a combined export (amoCRM's «Контакты и компании», with a type column):
# their names are those of other fields, so they are not listed as columns of their own.
COMBINED_ONLY = frozenset({"record_type", "title"})

REQUIRED: dict[Kind, tuple[str, ...]] = {
    Kind.CLIENTS: (),
    Kind.CONTACTS: (),
    Kind.REVENUE: ("date", "amount"),
    Kind.INTERACTIONS: ("date", "channel"),
    Kind.NPS: ("score",),
    Kind.DEALS: ("stage",),
}

# Won stages of CRM deals exports: revenue is won deals only (folded like headers).
WON_STAGES = frozenset(k for k, v in presets.default_stage_map().items() if v == "won")

_PREFIXES = ("контакт: ", "contact: ")


def detect_preset(headers: Sequence[str]) -> Preset:
    """Whose export this is, from its headers: Bitrix24, amoCRM or anything else (generic)."""
    folded = {normalize_header(h) for h in headers}
    if folded & presets.BITRIX24.markers or any(h.startswith(_PREFIXES) for h in folded):
        return Preset.BITRIX24
    if folded & (presets.AMOCRM.markers | {"название сделки"}):
        return Preset.AMOCRM
    return Preset.GENERIC


def header_score(cells: Sequence[str], kind: Kind, preset: Preset) -> int:
    """How well a row reads as the header of a `kind` file: 2 for every required or client
    field it names, 1 for every other field (0 for a title line or a data row)."""
    texts = [c for c in cells if c.strip()]
    if len(texts) < 2:
        return 0
    chosen = detect_preset(texts) if preset is Preset.AUTO else preset
    table = aliases(chosen)
    folded = set()
    for text in texts:
        header = normalize_header(text)
        folded.add(header.split(": ", 1)[1] if header.startswith(_PREFIXES) else header)
    important = {*REQUIRED[kind], "client", "inn"}
    score = 0
    for name in KIND_FIELDS[kind]:
        if any(alias in folded for alias in table.get(name, ())):
            score += 2 if name in important else 1
    return score


# A row whose first filled cell is one of these is a total, not data (1C, Excel, CRMs).
_TOTAL_WORDS = frozenset(
    {"итого", "итог", "всего", "общий итог", "промежуточный итог", "total", "grand total",
     "subtotal", "sum", "итого:", "всего:"}
)  # fmt: skip
_TOTAL_PREFIXES = ("итого ", "итого:", "итого по", "всего по", "всего:", "итог по", "total ")


_TOTAL_STARTS = frozenset(w[:3] for w in _TOTAL_WORDS | set(_TOTAL_PREFIXES))


def ordinary_first_cell(first: str, head0: str) -> bool:
    """Whether a row with this first cell is an ordinary data row of a table whose header's
    first cell is `head0`: filled, not a total, not the header repeated (see `data_rows`)."""
    text = first.lstrip()
    return bool(text) and text[:3].casefold() not in _TOTAL_STARTS and text.rstrip() != head0


def passes_as_data(cells: Sequence[str], headers: Sequence[str]) -> bool:
    """Whether `data_rows` passes this row on as it is, when no blank row came before it in a
    table without groups: not blank, not the header repeated, not a total."""
    first = cells[0] if cells else ""
    if ordinary_first_cell(first, headers[0] if headers else ""):
        return True
    return not (_blank_row(cells) or _repeated_header(cells, headers) or is_total_row(cells))


def _blank_row(cells: Sequence[str]) -> bool:
    first = cells[0] if cells else ""
    return (not first or first.isspace()) and _blank(cells)


def _repeated_header(cells: Sequence[str], headers: Sequence[str]) -> bool:
    """The header row again (a report printed page by page), nothing beyond it."""
    return (
        bool(cells)
        and cells[0].strip() == (headers[0] if headers else "")
        and [c.strip() for c in cells[: len(headers)]] == list(headers)
        and not any(c.strip() for c in cells[len(headers) :])
    )


def is_total_row(cells: Sequence[str]) -> bool:
    """Whether a row is a total or subtotal line («Итого», «Итого по контрагенту», «Всего»)."""
    for cell in cells:
        if not cell or cell.isspace():
            continue
        text = cell.lstrip()
        if text[:3].casefold() not in _TOTAL_STARTS:
            return False
        folded = " ".join(text.casefold().split()).rstrip(".")
        return folded in _TOTAL_WORDS or folded.startswith(_TOTAL_PREFIXES)
    return False


def aliases(preset: Preset) -> dict[str, tuple[str, ...]]:
    """Header aliases of a preset: its own first, then the generic ones."""
    own = {Preset.AMOCRM: AMOCRM, Preset.BITRIX24: BITRIX24}.get(preset, {})
    merged: dict[str, tuple[str, ...]] = {}
    for name in {*GENERIC, *own}:
        merged[name] = own.get(name, ()) + GENERIC.get(name, ())
    return merged


def field_label(name: str, preset: Preset) -> str:
    """How a file names a field: the first alias of the preset, capitalised («Менеджер»)."""
    found = aliases(preset).get(name, ())
    return found[0][:1].upper() + found[0][1:] if found else name


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """Which column (0-based) holds each field, and what was left over."""

    preset: Preset
    columns: dict[str, int]
    headers: tuple[str, ...]
    ignored: tuple[str, ...] = ()
    problems: tuple[RowError, ...] = ()

    def header_of(self, name: str) -> str:
        return self.headers[self.columns[name]]


def map_columns(
    headers: Sequence[str], kind: Kind, preset: Preset, *, header_row: int = 1
) -> ColumnMap:
    """Match the header row to the fields of `kind` under `preset` (AUTO detects it).

    An alias matches a header exactly after folding; Bitrix24's linked fields "Контакт: Имя"
    count as "Имя" when the plain header is absent. Two columns meaning the same field, or a
    missing required field, are errors on row 1.
    """
    chosen = detect_preset(headers) if preset is Preset.AUTO else preset
    table = aliases(chosen)
    folded = [normalize_header(h) for h in headers]
    plain = set(folded)
    wanted = KIND_FIELDS[kind]
    columns: dict[str, int] = {}
    problems: list[RowError] = []
    for name in wanted:
        hits: list[int] = []
        for alias in table.get(name, ()):
            hits = [i for i, h in enumerate(folded) if h == alias]
            if not hits:
                hits = [
                    i
                    for i, h in enumerate(folded)
                    if h.startswith(_PREFIXES)
                    and h.split(": ", 1)[1] == alias
                    and alias not in plain
                ]
            if hits:
                break
        hits = [i for i in hits if i not in columns.values()]
        if len(hits) > 1:
            problems.append(
                RowError(
                    header_row,
                    headers[hits[1]],
                    headers[hits[1]],
                    Problem.of("duplicate_header", other=headers[hits[0]]),
                )
            )
        if hits:
            columns[name] = hits[0]

    def missing(names: Iterable[str]) -> None:
        found = [*dict.fromkeys(a for n in names for a in table.get(n, ()))]
        expected = ", ".join(found[:5])
        label = found[0][:1].upper() + found[0][1:] if found else ""
        problems.append(
            RowError(header_row, label, "", Problem.of("missing_column", expected=expected))
        )

    for name in REQUIRED[kind]:
        if name not in columns:
            missing([name])
    has_client = bool(columns.keys() & {"client", "inn"})
    names = {"full_name", "first_name", "last_name"}
    if "record_type" in columns:  # a combined export: the name column names either
        names.add("title")
        has_client = has_client or "title" in columns
    if not has_client and not (kind is Kind.REVENUE and "full_name" in columns):
        missing(["client", "inn"])
    if kind is Kind.CONTACTS and not columns.keys() & names:
        missing(["full_name", "last_name"])
    crm = chosen in (Preset.AMOCRM, Preset.BITRIX24)
    if kind is Kind.REVENUE and crm and "stage" not in columns:
        # A CRM's deals export holds open and lost deals too: without the stage every one of
        # them would become revenue.
        missing(["stage"])
    used = set(columns.values())
    ignored = tuple(h for i, h in enumerate(headers) if i not in used and h.strip())
    return ColumnMap(chosen, columns, tuple(headers), ignored, tuple(problems))


# --- the rows of a table ---------------------------------------------------------------------


@dataclass
class RowCounts:
    """Rows of a file that are not data, and other tables found below the one read."""

    totals: int = 0
    groups: int = 0
    repeated_headers: int = 0
    other_tables: list[int] = field(default_factory=list)
    # Group rows whose sum is not the sum of their detail rows: (row, sum as written, sum of
    # the rows). A missing date and a missing client on the next row look like a group; the
    # sums tell a real group from two mistakes.
    group_mismatches: list[tuple[int, str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "totals": self.totals,
            "groups": self.groups,
            "repeated_headers": self.repeated_headers,
            "other_tables": self.other_tables[:20],
        }


def _blank(cells: Sequence[str]) -> bool:
    return not any(cells) or all(not c or c.isspace() for c in cells)


def data_rows(
    rows: Iterable[tuple[int, list[str]]],
    cmap: ColumnMap,
    counts: RowCounts,
    score: Callable[[Sequence[str]], int] | None = None,
) -> Iterator[tuple[int, list[str]]]:
    """The data rows of a table, without the rows a report adds around its data.

    - Total and subtotal rows («Итого», «Итого по контрагенту», «Всего») are skipped.
    - A group row of a report (1C groups a sales report by counterparty: a row with the
      counterparty and its sum but no date, then the detail rows with the date and an empty
      counterparty cell) is skipped, and its counterparty is written into the detail rows.
      A section row (a single filled cell and no date) is skipped too. Without a date column
      there are no group rows.
    - A repeated header (a report printed page by page) is skipped.
    - A header-like row after an empty row starts another table: reading stops there, and its
      row number is reported.
    Blank rows are dropped.
    """
    headers = list(cmap.headers)
    head0 = headers[0] if headers else ""
    date_i = cmap.columns.get("date", -1)
    client_i = cmap.columns.get("client", -1)
    grouped = date_i >= 0 and client_i >= 0
    amount_i = cmap.columns.get("amount", -1)
    group_client = ""
    pending: tuple[int, list[str]] | None = None
    after_blank = False
    group: list[int] = []  # [row, group sum in kopecks, sum of details, details]
    group_text = ""

    def cell(cells: list[str], index: int) -> str:
        return cells[index].strip() if 0 <= index < len(cells) else ""

    def kopecks(text: str) -> int | None:
        amount = parse_amount(text)
        return None if isinstance(amount, Problem) else int(amount.replace(".", ""))

    def close_group() -> None:
        if group and group[3] and group[1] != group[2]:
            got = f"{group[2] / 100:.2f}"
            counts.group_mismatches.append((group[0], group_text, got))
        group.clear()

    for number, cells in rows:
        first = cells[0] if cells else ""
        # The ordinary data row, decided by its first cell (filled, not a total, not the
        # header's) and, in a file with groups, its date and client cells: the same outcome
        # as the rules below, in fewer steps.
        if pending is None and not after_blank and not group and ordinary_first_cell(first, head0):
            if not grouped:
                yield number, cells
                continue
            if (
                date_i < len(cells)
                and client_i < len(cells)
                and cells[date_i].strip()
                and cells[client_i].strip()
            ):
                group_client = ""
                yield number, cells
                continue
        if _blank_row(cells):
            after_blank = True
            continue
        if _repeated_header(cells, headers):
            counts.repeated_headers += 1
            after_blank = False
            continue
        if after_blank and score is not None and score(cells) >= 2:
            counts.other_tables.append(number)
            break
        after_blank = False
        if is_total_row(cells):
            counts.totals += 1
            group_client = ""
            close_group()
            if pending is not None:
                yield pending
                pending = None
            continue
        if not grouped:
            yield number, cells
            continue
        has_date = bool(cell(cells, date_i))
        client = cell(cells, client_i)
        if pending is not None:
            if has_date and not client:
                counts.groups += 1
                group_client = cell(pending[1], client_i)
                close_group()
                group_text = cell(pending[1], amount_i)
                total = kopecks(group_text) if group_text else None
                if total is not None:
                    group.extend((pending[0], total, 0, 0))
            else:
                yield pending
            pending = None
        if not has_date:
            close_group()
            if sum(1 for c in cells if c and not c.isspace()) == 1:
                counts.groups += 1  # a section title
                group_client = client
                continue
            if client:
                pending = (number, cells)
                continue
            yield number, cells
            continue
        if not client and group_client:
            cells = list(cells)
            while len(cells) <= client_i:
                cells.append("")
            cells[client_i] = group_client
            if group:
                part = kopecks(cell(cells, amount_i))
                group[2] += part or 0
                group[3] += 1
        elif client:
            group_client = ""
            close_group()
        yield number, cells
    if pending is not None:
        yield pending
    close_group()


# --- values --------------------------------------------------------------------------------

_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_NBSP = str.maketrans("", "", " \u00a0\u202f\u2009\u2007'")
_CURRENCY = re.compile(r"(₽|руб\.?|р\.|rub|RUB|Руб\.?)$")
_NUMBER = re.compile(r"(-?)(\d+)(?:\.(\d+))?")
_SCI = re.compile(r"^-?\d+(?:[.,]\d+)?[eE][+-]?\d+$")
# Whole digits of an amount: with the two decimals, 15 significant digits, the most a float
# keeps exactly (SQLite stores a decimal column as one; a 16th digit is lost on the way and
# the value read back can no longer be a Decimal of its field).
MAX_AMOUNT_DIGITS = 13
_PLAIN_AMOUNT = re.compile(r"(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:,(\d{1,2}))?")
# For a handler's own fast path over plain rows (the same rules as parse_amount's first one).
PLAIN_AMOUNT, SCIENTIFIC = _PLAIN_AMOUNT, _SCI


def clean_text(value: str) -> str:
    """Trim a cell; undo the apostrophe KAM's exports put before formula-looking text."""
    text = value.strip()
    if len(text) > 1 and text[0] == "'" and text[1] in _FORMULA:
        return text[1:]
    return text


def _grouped(number: str, sep: str) -> bool:
    groups = number.lstrip("-").split(sep)
    return (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])) or len(groups) == 1


def parse_amount(text: str) -> str | Problem:
    """A sum of money as a canonical string with two decimals ("1234567.89").

    Russian Excel writes "1 234 567,89" (spaces or no-break spaces between thousands, a decimal
    comma); English files "1,234,567.89". The last separator followed by one or two digits is the
    decimal one. Scientific notation, formulas and more than two decimals are errors.
    """
    raw = text.strip()
    fast = _PLAIN_AMOUNT.fullmatch(raw)
    if fast:  # "1 234 567,89" or "1234.5": the common case, without the general rules
        whole = fast[1].translate(_NBSP).lstrip("0") or "0"
        if len(whole) <= MAX_AMOUNT_DIGITS:
            return f"{whole}.{((fast[2] or '') + '00')[:2]}"
    if not raw:
        return Problem.of("required")
    body = _CURRENCY.sub("", raw).translate(_NBSP)
    if _SCI.match(body):
        return Problem.of("scientific")
    if "," in body and "." in body:
        decimal_sep = "," if body.rfind(",") > body.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        whole, _sep, tail = body.rpartition(decimal_sep)
        if not _grouped(whole, thousands):
            return Problem.of("not_a_number")
        body = whole.replace(thousands, "") + "." + tail
    elif body.count(",") + body.count(".") == 1:
        sep = "," if "," in body else "."
        tail = body.rpartition(sep)[2]
        if len(tail) == 3 and tail.isdigit():
            # "1,500" is 1500 in English and 1.5 in Russian files: refuse to guess.
            return Problem.of("ambiguous_number")
        body = body.replace(sep, ".")
    elif body.count(",") > 1 or body.count(".") > 1:
        sep = "," if "," in body else "."
        if not _grouped(body, sep):
            return Problem.of("not_a_number")
        body = body.replace(sep, "")
    number = _NUMBER.fullmatch(body)
    if not number:
        return Problem.of("not_a_number")
    whole, cents = number[2].lstrip("0") or "0", number[3] or ""
    if len(cents) > 2 and cents[2:].strip("0"):
        return Problem.of("too_many_decimals")
    if len(whole) > MAX_AMOUNT_DIGITS:
        return Problem.of("too_large")
    result = f"{whole}.{(cents + '00')[:2]}"
    return "-" + result if number[1] and result != "0.00" else result


_DATE_PATTERNS = (
    re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"),
    re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"),
    re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"),
)
_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_TIME = re.compile(r"[ T](\d{1,2}):(\d{2})(?::(\d{2}))?")
MIN_YEAR = 1900
MAX_YEAR = 2100


def parse_date(text: str) -> date | Problem:
    """A date from dd.mm.yyyy, dd.mm.yyyy HH:MM[:SS], dd-mm-yyyy, dd/mm/yyyy or ISO yyyy-mm-dd.

    Two-digit years and impossible days (31.02.2025) are errors: a wrong guess would move revenue
    into another period without anyone noticing.
    """
    raw = text.strip()
    if not raw:
        return Problem.of("required")
    iso = _ISO.fullmatch(raw)
    if iso:
        year, month, day = int(iso[1]), int(iso[2]), int(iso[3])
    else:
        for pattern in _DATE_PATTERNS:
            found = pattern.fullmatch(raw)
            if found:
                day, month, year = int(found[1]), int(found[2]), int(found[3])
                break
        else:
            return Problem.of("date_format")
    clock = _TIME.search(raw)
    if clock and (int(clock[1]) > 23 or int(clock[2]) > 59 or int(clock[3] or 0) > 59):
        return Problem.of("impossible_date")
    if not MIN_YEAR <= year <= MAX_YEAR:
        return Problem.of("year_range", low=MIN_YEAR, high=MAX_YEAR)
    try:
        return date(year, month, day)
    except ValueError:
        return Problem.of("impossible_date")


def parse_inn(text: str) -> str | Problem | None:
    """An INN as text (10 or 12 digits with valid check digits); empty is None."""
    raw = text.strip().translate(_NBSP)
    if not raw:
        return None
    if _SCI.match(raw):
        return Problem.of("scientific")
    reason = inn_error(raw)
    if reason == "length" and raw.isdigit() and len(raw) in (9, 11):
        # Excel turned the INN into a number and dropped its leading zero: put it back when
        # the check digits then agree.
        padded = "0" + raw
        if inn_error(padded) is None:
            return padded
    if reason is not None:
        return Problem.of("inn_" + reason)
    return raw


def parse_phone(text: str) -> str | Problem:
    """A phone number kept as written (digits, +, spaces, brackets, dashes), at most 40 chars."""
    raw = text.strip()
    if _SCI.match(raw.replace(" ", "")):
        return Problem.of("scientific")
    if raw and not re.fullmatch(r"[\d\s+()\-.,;/доб#ext]{1,40}", raw, flags=re.IGNORECASE):
        return Problem.of("phone")
    return raw


def parse_external_id(text: str) -> str | Problem | None:
    """A CRM record id, exactly as written (long ids stay exact; max 100 characters)."""
    raw = text.strip()
    if not raw:
        return None
    if _SCI.match(raw):
        return Problem.of("scientific")
    if len(raw) > 100:
        return Problem.of("too_long", limit=100)
    return raw


def parse_score(text: str) -> int | Problem:
    """An NPS score: an explicit whole number 0…10 (SPEC §5: "all is great" is not a 10)."""
    raw = text.strip()
    if not raw:
        return Problem.of("required")
    if raw.endswith((".0", ",0")):
        raw = raw[:-2]
    if not (raw.isascii() and raw.isdigit()) or not 0 <= int(raw) <= 10:
        return Problem.of("score")
    return int(raw)


_YES = {"да", "yes", "true", "1", "+", "y", "д", "лично"}
_NO = {"нет", "no", "false", "0", "-", "n", "н", ""}


def parse_bool(text: str, *, default: bool) -> bool | Problem:
    """Да/нет, yes/no, 1/0; empty gives the default."""
    folded = text.strip().casefold()
    if not folded:
        return default
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    return Problem.of("yes_no")


def parse_choice(text: str, *, choices: Mapping[str, str]) -> str | Problem | None:
    """A choice code from a code or a label in either language (folded); empty is None."""
    folded = normalize_header(text)
    if not folded:
        return None
    if folded in choices:
        return choices[folded]
    return Problem.of("choice", allowed=", ".join(sorted(set(choices.values()))))


_MONEY = re.compile(r"\s*([$€£¥₽]?)\s*(-?[\d\s\u00a0\u202f.,']*\d)\s*([^\d\s.,'-][^\d]*)?\s*")


def split_currency(text: str) -> tuple[str, str]:
    """(the number, the currency written with it): «150 000 руб.» → ("150 000", "руб.").

    Bitrix24's «Сумма/Валюта» column writes the currency into the cell; a cell without one
    comes back unchanged with an empty currency.
    """
    raw = text.strip()
    if not raw or (raw[-1].isdigit() and raw[0].isdigit()):
        return raw, ""
    found = _MONEY.fullmatch(raw)
    if not found:
        return raw, ""
    return found[2], (found[1] or found[3] or "").strip()


ROUBLES = frozenset(
    {"", "rub", "rur", "руб", "руб.", "р", "р.", "₽", "рубль", "рублей", "российский рубль"}
)


def is_roubles(currency: str) -> bool:
    """Whether a deal's currency is the rouble (KAM keeps revenue in one currency)."""
    return normalize_header(currency) in ROUBLES


def record_type(text: str) -> str:
    """«Контакт» or «Компания» of a combined export: "contact", "company" or ""."""
    folded = normalize_header(text)
    if folded.startswith(("контакт", "contact", "физ")):
        return "contact"
    if folded.startswith(("компан", "company", "организац", "юр")):
        return "company"
    return ""


def is_won(stage: str) -> bool:
    """Whether a CRM deal stage means the deal was won."""
    return normalize_header(stage) in WON_STAGES


def check_length(text: str, *, limit: int) -> str | Problem:
    """Text that fits a column of `limit` characters."""
    return text if len(text) <= limit else Problem.of("too_long", limit=limit)


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def parse_email(text: str) -> str | Problem:
    """An e-mail address (the first one when a CRM joins several with commas)."""
    raw = text.strip().split(",")[0].split(";")[0].strip()
    if raw and (not _EMAIL.fullmatch(raw) or len(raw) > 254):
        return Problem.of("email")
    return raw


# --- people --------------------------------------------------------------------------------


def name_tokens(text: str) -> tuple[str, ...]:
    """The words of a person's name, folded, in order (ё as е, case ignored)."""
    return tuple(t for t in re.split(r"[\s,]+", text.casefold().replace("ё", "е")) if t)


def person_keys(last: str, first: str, middle: str) -> list[frozenset[str]]:
    """Keys under which a user can be found by a full name in any word order."""
    words = [w for w in name_tokens(f"{last} {first}") if w]
    keys = [frozenset(words)] if len(words) >= 2 else []
    if middle.strip() and keys:
        keys.append(frozenset(words) | set(name_tokens(middle)))
    return keys


@cache
def _morph() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


_ROLES = (("Name", "first"), ("Surn", "last"), ("Patr", "middle"))


@lru_cache(maxsize=20_000)
def name_role(word: str) -> str:
    """Whether a word reads as a first name, a last name or a patronymic ("" when neither),
    by pymorphy3's dictionary of Russian names."""
    scores = dict.fromkeys(("first", "last", "middle"), 0.0)
    for parse in _morph().parse(word):
        for grammeme, role in _ROLES:
            if grammeme in parse.tag:
                scores[role] += parse.score
    best = max(scores, key=lambda r: scores[r])
    return best if scores[best] > 0 else ""


def split_person_name(text: str) -> tuple[str, str, str]:
    """(last, first, middle) from a person's name written in either order.

    Russian CRMs export «Фамилия Имя Отчество» and Bitrix24 «Имя Фамилия»; the dictionary of
    names tells which word is which. A single word is a first name when it is one («Даниил»),
    else a last name. When the words do not tell, «Фамилия Имя» is assumed.
    """
    words = text.split()
    if not words:
        return "", "", ""
    if len(words) == 1:
        return ("", words[0], "") if name_role(words[0]) == "first" else (words[0], "", "")
    if len(words) == 2:
        first_role, second_role = name_role(words[0]), name_role(words[1])
        if first_role == "first" and second_role != "first":
            return words[1], words[0], ""
        return words[0], words[1], ""
    if len(words) == 3 and name_role(words[1]) == "middle" and name_role(words[0]) == "first":
        return words[2], words[0], words[1]  # «Имя Отчество Фамилия»
    return words[0], words[1], " ".join(words[2:])


_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o",
            "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e",
            "yu", "ya",
        ],
        strict=True,
    )
)  # fmt: skip


def username_for(full_name: str) -> str:
    """A Latin login proposal for an imported person: «Иванов Пётр» → "ivanov.p"."""
    last, first, _middle = split_person_name(full_name)
    last, first = (last or first).casefold(), (first if last else "").casefold()
    latin = "".join(_TRANSLIT.get(ch, ch) for ch in last)
    latin = re.sub(r"[^a-z0-9]", "", latin) or "user"
    initial = "".join(_TRANSLIT.get(ch, ch) for ch in first[:1])
    initial = re.sub(r"[^a-z0-9]", "", initial)
    return f"{latin}.{initial}" if initial else latin


# --- matching and keys ---------------------------------------------------------------------


def client_key(name: str) -> str:
    """The folded company name used to find a client (SPEC: quotes, legal form, case, spaces)."""
    return normalize_company_name(name)


def revenue_fingerprint(client_id: int, day: date, amount: str, occurrence: int) -> str:
    """A stable id for a revenue row that has no CRM id: client, date, amount and the row's
    place among identical rows of the file, so that a re-import recognises every row once.

    Written in the clear ("fp:42|2026-03-01|1000.00|0"): rows of one client sort together in
    the unique index, which keeps a bulk insert of rows sorted by client sequential there.
    """
    return f"fp:{client_id:010d}|{day.isoformat()}|{amount}|{occurrence}"


@dataclass
class Summary:
    """What an import did or would do."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    rows: int = 0
    not_data: int = 0  # totals, group rows and repeated headers (never imported)
    deleted: int = 0
    new_clients: list[str] = field(default_factory=list)
    new_users: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # codes, translated when shown
    # Further counts a kind reports (deals: stage changes, revenue written for won deals).
    extra: dict[str, int] = field(default_factory=dict)
    diff: dict[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            **self.extra,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "rows": self.rows,
            "not_data": self.not_data,
            "deleted": self.deleted,
            "warnings": self.warnings,
            "diff": self.diff,
            "new_clients": self.new_clients[:1000],
            "new_clients_count": len(self.new_clients),
            "new_users": self.new_users,
        }


def first_problems(errors: Iterable[RowError], limit: int) -> list[RowError]:
    """At most `limit` errors, in file order."""
    out: list[RowError] = []
    for error in errors:
        if len(out) >= limit:
            break
        out.append(error)
    return sorted(out, key=lambda e: e.row)


def excel_datetime_to_date(value: datetime | date) -> date:
    """A spreadsheet date or date-time cell as a date."""
    return value.date() if isinstance(value, datetime) else value
