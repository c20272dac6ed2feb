"""Pure rules about client identity: the INN checksum and name normalisation."""

from __future__ import annotations

import re

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
    if not digits.isdigit():
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
