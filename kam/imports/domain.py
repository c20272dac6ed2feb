"""Pure rules of importing: header presets, column mapping and value parsing (no Django).

Every parser returns either a clean value or a `Problem` (a code plus parameters); the service
layer turns codes into translated sentences. Values are read as text: INN, phone numbers and ids
never pass through a float, and impossible dates are errors, never guesses.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from kam.clients.domain import inn_error, normalize_company_name


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
    "date": ("дата", "date"),
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
}

AMOCRM: dict[str, tuple[str, ...]] = {
    "external_id": ("id",),
    "deal": ("название сделки",),
    "amount": ("бюджет",),
    "manager": ("ответственный",),
    "date": ("дата закрытия",),
    "stage": ("этап сделки",),
    "client": ("компания",),
    "full_name": ("полное имя контакта", "полное имя"),
    "phone": ("рабочий телефон", "телефон"),
    "mobile_phone": ("мобильный телефон",),
    "email": ("рабочий email", "личный email", "email"),
    "position": ("должность",),
    "birthday": ("день рождения",),
}

BITRIX24: dict[str, tuple[str, ...]] = {
    "external_id": ("id",),
    "deal": ("название сделки",),
    "amount": ("сумма",),
    "manager": ("ответственный",),
    "date": ("дата закрытия", "дата изменения стадии"),
    "stage": ("стадия сделки",),
    "client": ("название компании", "компания"),
    "full_name": ("имя, фамилия", "фио", "контакт"),
    "phone": ("рабочий телефон", "телефон"),
    "mobile_phone": ("мобильный телефон",),
    "email": ("рабочий e-mail", "e-mail", "email"),
    "position": ("должность",),
    "birthday": ("дата рождения",),
}

# Fields each kind reads; the first group of each tuple marks what must be present.
KIND_FIELDS: dict[Kind, tuple[str, ...]] = {
    Kind.CLIENTS: ("client", "inn", "manager", "city", "website", "segment", "channel"),
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
}

REQUIRED: dict[Kind, tuple[str, ...]] = {
    Kind.CLIENTS: (),
    Kind.CONTACTS: (),
    Kind.REVENUE: ("date", "amount"),
    Kind.INTERACTIONS: ("date", "channel"),
    Kind.NPS: ("score",),
}

# Won stages of CRM deals exports: revenue is won deals only (folded like headers).
WON_STAGES = frozenset(
    {"успешно реализовано", "сделка успешна", "успешная сделка", "выиграна", "won", "closed won"}
)

_PREFIXES = ("контакт: ", "contact: ")


def detect_preset(headers: Sequence[str]) -> Preset:
    """Whose export this is, from its headers: Bitrix24, amoCRM or anything else (generic)."""
    folded = {normalize_header(h) for h in headers}
    if "стадия сделки" in folded or any(h.startswith(_PREFIXES) for h in folded):
        return Preset.BITRIX24
    if folded & {"этап сделки", "полное имя контакта", "бюджет", "название сделки"}:
        return Preset.AMOCRM
    return Preset.GENERIC


def aliases(preset: Preset) -> dict[str, tuple[str, ...]]:
    """Header aliases of a preset: its own first, then the generic ones."""
    own = {Preset.AMOCRM: AMOCRM, Preset.BITRIX24: BITRIX24}.get(preset, {})
    merged: dict[str, tuple[str, ...]] = {}
    for name in {*GENERIC, *own}:
        merged[name] = own.get(name, ()) + GENERIC.get(name, ())
    return merged


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


def map_columns(headers: Sequence[str], kind: Kind, preset: Preset) -> ColumnMap:
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
                    1,
                    headers[hits[1]],
                    headers[hits[1]],
                    Problem.of("duplicate_header", other=headers[hits[0]]),
                )
            )
        if hits:
            columns[name] = hits[0]
    for name in REQUIRED[kind]:
        if name not in columns:
            expected = ", ".join(table.get(name, ())[:4])
            problems.append(RowError(1, "", "", Problem.of("missing_column", expected=expected)))
    has_client = bool(columns.keys() & {"client", "inn"})
    if not has_client and not (kind is Kind.REVENUE and "full_name" in columns):
        expected = ", ".join(table["client"][:4] + table["inn"][:1])
        problems.append(RowError(1, "", "", Problem.of("missing_column", expected=expected)))
    if kind is Kind.CONTACTS and not columns.keys() & {"full_name", "first_name", "last_name"}:
        expected = ", ".join(table["full_name"][:3] + table["last_name"][:1])
        problems.append(RowError(1, "", "", Problem.of("missing_column", expected=expected)))
    used = set(columns.values())
    ignored = tuple(h for i, h in enumerate(headers) if i not in used and h.strip())
    return ColumnMap(chosen, columns, tuple(headers), ignored, tuple(problems))


# --- values --------------------------------------------------------------------------------

_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_NBSP = str.maketrans("", "", " \u00a0\u202f\u2009\u2007'")
_CURRENCY = re.compile(r"(₽|руб\.?|р\.|rub|RUB|Руб\.?)$")
_NUMBER = re.compile(r"(-?)(\d+)(?:\.(\d+))?")
_SCI = re.compile(r"^-?\d+(?:[.,]\d+)?[eE][+-]?\d+$")
MAX_AMOUNT_DIGITS = 14
_PLAIN_AMOUNT = re.compile(r"(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:,(\d{1,2}))?")


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


ROUBLES = frozenset({"", "rub", "rur", "руб", "руб.", "₽", "рубль", "российский рубль"})


def is_roubles(currency: str) -> bool:
    """Whether a deal's currency is the rouble (KAM keeps revenue in one currency)."""
    return normalize_header(currency) in ROUBLES


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


def split_person_name(text: str) -> tuple[str, str, str]:
    """(last, first, middle) from «Фамилия Имя Отчество», the order Russian CRMs export."""
    words = text.split()
    if not words:
        return "", "", ""
    if len(words) == 1:
        return words[0], "", ""
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
    last, first, _middle = split_person_name(full_name.casefold())
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
    place among identical rows of the file, so that a re-import recognises every row once."""
    digest = hashlib.sha256(f"{client_id}|{day.isoformat()}|{amount}|{occurrence}".encode())
    return "fp:" + digest.hexdigest()[:32]


@dataclass
class Summary:
    """What an import did or would do."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    rows: int = 0
    new_clients: list[str] = field(default_factory=list)
    new_users: list[str] = field(default_factory=list)
    # Further counts a kind reports (deals: revenue records written for won deals).
    extra: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            **self.extra,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "rows": self.rows,
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
