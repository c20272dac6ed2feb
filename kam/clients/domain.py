"""Pure rules about client identity: the INN checksum and name normalisation."""

from __future__ import annotations

import re
from datetime import date

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.ru import inn as stdnum_inn

_LEGAL_FORMS = (
    "ооо",
    "оао",
    "зао",
    "пао",
    "ао",
    "ип",
    "нко",
    "гуп",
    "муп",
    "фгуп",
    "ано",
    "llc",
    "jsc",
    "ltd",
)
_QUOTES = "«»\"'“”„‘’`"
_LEGAL_RE = re.compile(r"(?<![\w])(" + "|".join(_LEGAL_FORMS) + r")(?![\w])")


def inn_error(value: str) -> str | None:
    """Why `value` is not a valid Russian INN (10 digits for companies, 12 for persons), or None.

    The check digits are verified with python-stdnum (stdnum.ru.inn).
    """
    digits = value.strip()
    if not (digits.isascii() and digits.isdigit()):
        return "digits"
    if len(digits) not in (10, 12):
        return "length"
    try:
        stdnum_inn.validate(digits)
    except StdnumError:
        return "checksum"
    return None


def normalize_company_name(name: str) -> str:
    """Fold a company name for matching: case, ё, quotes, legal forms and spaces.

    «ООО "Ромашка"», «Ромашка ООО» and «РОМАШКА» all give «ромашка».
    """
    text = name.casefold().replace("ё", "е")
    for quote in _QUOTES:
        text = text.replace(quote, " ")
    text = _LEGAL_RE.sub(" ", text)
    text = re.sub(r"[\s,.]+", " ", text)
    return text.strip()


# Roles a complete buying centre names (SPEC §2); the others are useful but optional.
ESSENTIAL_ROLES = ("decision_maker", "gatekeeper", "technical", "economic", "user")


def dossier_completeness(
    roles_present: set[str], *, has_competitors: bool, has_notes: bool, reviewed_in_time: bool
) -> tuple[int, list[str]]:
    """Completeness in % and the essential buying-centre roles still unknown (SPEC §1, §2).

    Each essential role counts one part, and so do: competitors recorded, notes written,
    a review within the period. Score = parts present / parts in all, rounded down.
    """
    missing = [role for role in ESSENTIAL_ROLES if role not in roles_present]
    parts = len(ESSENTIAL_ROLES) + 3
    present = (len(ESSENTIAL_ROLES) - len(missing)) + has_competitors + has_notes
    present += reviewed_in_time
    return present * 100 // parts, missing


def review_overdue(last_reviewed: date | None, today: date, *, every_days: int) -> bool:
    """A dossier not reviewed for more than `every_days` days (or never) is overdue (SPEC §2)."""
    return last_reviewed is None or (today - last_reviewed).days > every_days
