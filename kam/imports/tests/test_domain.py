"""Pure parsing rules: numbers, dates, INN, headers, presets (no database)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kam.imports import domain as d
from kam.imports.domain import Kind, Preset, Problem


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234 567,89", "1234567.89"),
        ("1\u00a0234\u00a0567,89", "1234567.89"),
        ("1\u202f234,5", "1234.50"),
        ("1,234,567.89", "1234567.89"),
        ("1.234.567,89", "1234567.89"),
        ("12", "12.00"),
        ("-5,5", "-5.50"),
        ("100 500 ₽", "100500.00"),
        ("100500 руб.", "100500.00"),
        ("0,10", "0.10"),
        ("10.000", "ambiguous_number"),
        ("1,500", "ambiguous_number"),
        ("1,5.3", "not_a_number"),
        ("=SUM(A1:A3)", "not_a_number"),
        ("1E+15", "scientific"),
        ("1,23457E+15", "scientific"),
        ("1,2345", "too_many_decimals"),
        ("12345678901234", "too_large"),
        ("1234567890123,45", "1234567890123.45"),
        ("", "required"),
    ],
)
def test_amounts_follow_russian_and_english_excel(text: str, expected: str) -> None:
    result = d.parse_amount(text)
    assert (result.code if isinstance(result, Problem) else result) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01.02.2025", date(2025, 2, 1)),
        ("1.2.2025", date(2025, 2, 1)),
        ("01.02.2025 14:30:00", date(2025, 2, 1)),
        ("01.02.2025 14:30", date(2025, 2, 1)),
        ("01-02-2025", date(2025, 2, 1)),
        ("2025-02-01", date(2025, 2, 1)),
        ("2025-02-01T10:00:00+03:00", date(2025, 2, 1)),
        ("29.02.2024", date(2024, 2, 29)),
    ],
)
def test_dates_in_every_documented_form(text: str, expected: date) -> None:
    assert d.parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("31.02.2025", "impossible_date"),
        ("29.02.2025", "impossible_date"),
        ("01.13.2025", "impossible_date"),
        ("01.02.2025 24:00", "impossible_date"),
        ("01.02.25", "date_format"),
        ("вчера", "date_format"),
        ("01.02.1812", "year_range"),
        ("", "required"),
    ],
)
def test_impossible_dates_are_errors_not_guesses(text: str, code: str) -> None:
    result = d.parse_date(text)
    assert isinstance(result, Problem)
    assert result.code == code


def test_inn_is_text_and_checked() -> None:
    assert d.parse_inn("7707083893") == "7707083893"
    assert d.parse_inn(" ") is None
    for text, code in [
        ("7707083894", "inn_checksum"),
        ("77070838", "inn_length"),
        ("7.70708E+9", "scientific"),
        ("77O7083893", "inn_digits"),
    ]:
        result = d.parse_inn(text)
        assert isinstance(result, Problem)
        assert result.code == code


def test_long_ids_stay_exact() -> None:
    assert d.parse_external_id("10234567890123456789") == "10234567890123456789"
    assert isinstance(d.parse_external_id("1.02346E+19"), Problem)


SCORES = [("0", 0), ("10", 10), ("9.0", 9), ("11", None), ("9,5", None), ("отлично", None)]


@pytest.mark.parametrize(("text", "ok"), SCORES)
def test_score_is_an_explicit_whole_number(text: str, ok: int | None) -> None:
    result = d.parse_score(text)
    assert (None if isinstance(result, Problem) else result) == ok


def test_headers_fold_case_spaces_and_trailing_space() -> None:
    cmap = d.map_columns(["  КОНТРАГЕНТ ", "Бюджет ", "дата"], Kind.REVENUE, Preset.GENERIC)
    assert cmap.columns == {"client": 0, "amount": 1, "date": 2}
    assert not cmap.problems


def test_presets_are_detected_from_headers() -> None:
    assert d.detect_preset(["Название сделки", "Бюджет ", "Этап сделки"]) is Preset.AMOCRM
    assert d.detect_preset(["Стадия сделки", "Сумма"]) is Preset.BITRIX24
    assert d.detect_preset(["ID", "Контакт: Имя"]) is Preset.BITRIX24
    assert d.detect_preset(["Клиент", "Сумма", "Дата"]) is Preset.GENERIC


def test_amocrm_revenue_uses_the_closing_date_and_the_stage() -> None:
    headers = ["ID", "Название сделки", "Бюджет ", "Дата создания", "Дата закрытия",
               "Этап сделки", "Компания"]  # fmt: skip
    cmap = d.map_columns(headers, Kind.REVENUE, Preset.AUTO)
    assert cmap.preset is Preset.AMOCRM
    assert cmap.header_of("date") == "Дата закрытия"
    assert cmap.header_of("stage") == "Этап сделки"
    assert cmap.header_of("external_id") == "ID"


def test_bitrix_linked_contact_fields_and_comma_headers() -> None:
    cmap = d.map_columns(
        ["Название компании", "Контакт: Имя", "Контакт: Фамилия"], Kind.CONTACTS, Preset.AUTO
    )
    assert cmap.columns["first_name"] == 1
    assert cmap.columns["last_name"] == 2
    cmap = d.map_columns(["Имя, Фамилия", "Компания"], Kind.CONTACTS, Preset.BITRIX24)
    assert cmap.header_of("full_name") == "Имя, Фамилия"


def test_missing_and_duplicate_columns_are_errors_on_row_one() -> None:
    cmap = d.map_columns(["Клиент", "Клиент", "Сумма"], Kind.REVENUE, Preset.GENERIC)
    codes = sorted(p.problem.code for p in cmap.problems)
    assert codes == ["duplicate_header", "missing_column"]
    assert all(p.row == 1 for p in cmap.problems)


def test_fingerprint_is_stable_and_tells_repeated_rows_apart() -> None:
    a = d.revenue_fingerprint(1, date(2025, 1, 1), "10.00", 0)
    assert a == d.revenue_fingerprint(1, date(2025, 1, 1), "10.00", 0)
    assert a != d.revenue_fingerprint(1, date(2025, 1, 1), "10.00", 1)
    assert len(a) <= 100


def test_export_apostrophe_is_undone_on_import() -> None:
    assert d.clean_text("'=cmd") == "=cmd"
    assert d.clean_text("'plain") == "'plain"


def test_username_is_transliterated() -> None:
    assert d.username_for("Щукина Юлия Сергеевна") == "shchukina.yu"


@given(st.text(max_size=40))
def test_parsers_never_raise(text: str) -> None:
    for parser in (d.parse_amount, d.parse_date, d.parse_inn, d.parse_phone, d.parse_score,
                   d.parse_external_id, d.parse_email):  # fmt: skip
        parser(text)


@given(st.integers(min_value=-(10**14) + 1, max_value=10**14 - 1))
def test_amount_round_trip_through_russian_format(cents: int) -> None:
    whole, frac = divmod(abs(cents), 100)
    sign = "-" if cents < 0 else ""
    russian = f"{sign}{whole:,}".replace(",", "\u00a0") + f",{frac:02d}"
    assert d.parse_amount(russian) == (f"{sign}{whole}.{frac:02d}" if cents else "0.00")


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_date_round_trip(day: date) -> None:
    assert d.parse_date(day.strftime("%d.%m.%Y")) == day
    assert d.parse_date(day.isoformat()) == day
