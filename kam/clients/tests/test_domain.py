"""INN checksum and company-name folding, without a database."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kam.clients.domain import inn_error, normalize_company_name


@pytest.mark.parametrize(
    ("inn", "error"),
    [
        ("7707083893", None),  # Sberbank, 10 digits
        ("500100732259", None),  # a valid personal INN, 12 digits
        (" 7707083893 ", None),
        ("7707083894", "checksum"),
        ("500100732258", "checksum"),
        ("770708389", "length"),
        ("77070838930", "length"),
        ("7707O83893", "digits"),
        ("7707083893.0", "digits"),
        ("", "digits"),
    ],
)
def test_inn_check(inn: str, error: str | None) -> None:
    assert inn_error(inn) == error


@given(st.from_regex(r"\d{10}", fullmatch=True))
def test_changing_one_digit_of_a_valid_inn_breaks_it(digits: str) -> None:
    if inn_error(digits) is not None:
        return
    changed = digits[:3] + str((int(digits[3]) + 1) % 10) + digits[4:]
    assert inn_error(changed) == "checksum"


@pytest.mark.parametrize(
    "name",
    ["ООО «Ромашка»", "Ромашка ООО", '"РОМАШКА"', "  ромашка ", "ООО “Ромашка”", "Ромашка, ООО"],
)
def test_company_names_fold_to_one_key(name: str) -> None:
    assert normalize_company_name(name) == "ромашка"


def test_folding_keeps_distinct_companies_apart() -> None:
    assert normalize_company_name("ООО «Ромашка-Юг»") != normalize_company_name("ООО «Ромашка»")
    assert normalize_company_name("Ёлка") == normalize_company_name("елка")
    # A legal-form word inside a name is not cut out of another word.
    assert normalize_company_name("Аойл") == "аойл"
