"""Imports end to end at the service level: presets, all-or-nothing, idempotence, round trip."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kam.accounts.models import User
from kam.clients.models import Client, Contact
from kam.imports.domain import Kind, Preset
from kam.imports.messages import REASONS
from kam.imports.services import import_file
from kam.imports.tests.helpers import FIXTURES, make_inn, snapshot
from kam.portfolio.models import RevenueRecord
from kam.relations.models import Interaction
from kam.testing import Org

pytestmark = pytest.mark.django_db


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_amocrm_deals_import_won_deals_by_closing_date(org: Org) -> None:
    outcome = import_file(actor=org.admin, kind=Kind.REVENUE, path=FIXTURES / "amocrm_deals.csv")
    assert outcome.ok, outcome.errors
    assert outcome.info["preset"] == "amocrm"
    assert outcome.summary.created == 3
    assert outcome.summary.skipped == 2
    record = RevenueRecord.objects.get(external_id="10234567890123456")
    assert record.amount == Decimal("1250000.50")
    assert record.date == date(2025, 10, 15)
    assert record.source == "amocrm"
    assert record.client == org.client_a1
    vector = RevenueRecord.objects.get(external_id="10234567890123458").client
    assert vector == org.client_a2
    private = RevenueRecord.objects.get(external_id="10234567890123459").client
    assert private.name == "Иванов Пётр"  # no company: the contact is the client
    orlov = User.objects.get(last_name="Орлов")
    assert private.manager == orlov
    assert not orlov.has_usable_password()
    assert any("Орлов" in u for u in outcome.summary.new_users)


def test_bitrix24_html_xls_deals(org: Org) -> None:
    outcome = import_file(actor=org.admin, kind=Kind.REVENUE, path=FIXTURES / "bitrix24_deals.xls")
    assert outcome.ok, outcome.errors
    assert outcome.info["format"] == "html"
    assert outcome.info["preset"] == "bitrix24"
    assert outcome.summary.created == 2
    assert outcome.summary.skipped == 1
    amounts = sorted(
        RevenueRecord.objects.filter(source="bitrix24").values_list("amount", flat=True)
    )
    assert amounts == [Decimal("350500.50"), Decimal("2400000.00")]
    assert Client.objects.filter(name="ПАО Северсталь-Торг").exists()


def test_bitrix24_contacts_cp1251_with_comma_header(org: Org) -> None:
    outcome = import_file(
        actor=org.admin, kind=Kind.CONTACTS, path=FIXTURES / "bitrix24_contacts.csv"
    )
    assert outcome.ok, outcome.errors
    assert outcome.info["encoding"] == "cp1251"
    assert outcome.info["delimiter"] == ";"
    contact = Contact.objects.get(full_name="Кузнецов Павел")
    assert contact.phone == "+7 (495) 123-45-67"
    assert contact.birthday == date(1985, 3, 12)
    assert Contact.objects.get(full_name="Белова Ирина").mobile_phone == "79031112233"
    again = import_file(
        actor=org.admin, kind=Kind.CONTACTS, path=FIXTURES / "bitrix24_contacts.csv"
    )
    assert (again.summary.created, again.summary.unchanged) == (0, 2)


@pytest.mark.parametrize("fixture", ["amocrm_deals.csv", "bitrix24_deals.xls"])
def test_reimport_adds_nothing(org: Org, fixture: str) -> None:
    import_file(actor=org.admin, kind=Kind.REVENUE, path=FIXTURES / fixture)
    before = snapshot()
    outcome = import_file(actor=org.admin, kind=Kind.REVENUE, path=FIXTURES / fixture)
    assert outcome.ok
    assert outcome.summary.created == 0
    assert outcome.summary.unchanged > 0
    assert snapshot() == before


def test_fingerprint_keeps_identical_rows_and_is_idempotent(org: Org, tmp_path: Path) -> None:
    text = "Клиент;Дата;Сумма\nНовый клиент;01.02.2025;100\nНовый клиент;01.02.2025;100\n"
    path = write(tmp_path, text)
    first = import_file(actor=org.admin, kind=Kind.REVENUE, path=path)
    assert first.summary.created == 2
    second = import_file(actor=org.admin, kind=Kind.REVENUE, path=path)
    assert (second.summary.created, second.summary.unchanged) == (0, 2)
    client = Client.objects.get(name="Новый клиент")
    assert client.manager == org.admin  # nobody named: the importing admin
    assert client.revenue.count() == 2


def test_changed_amount_under_the_same_id_is_an_update(org: Org, tmp_path: Path) -> None:
    header = "ID;Клиент;ИНН;Дата;Сумма\n"
    first = write(tmp_path, header + "7;X;7707083893;01.02.2025;100\n", name="1.csv")
    import_file(actor=org.admin, kind=Kind.REVENUE, path=first)
    second = write(tmp_path, header + "7;X;7707083893;01.02.2025;150\n", name="2.csv")
    outcome = import_file(actor=org.admin, kind=Kind.REVENUE, path=second)
    assert outcome.summary.updated == 1
    assert RevenueRecord.objects.get(external_id="7").amount == Decimal("150")


def test_a_bad_last_row_writes_nothing(org: Org, tmp_path: Path) -> None:
    rows = "".join(f"Клиент {i};01.02.2025;{i}\n" for i in range(200))
    path = write(tmp_path, "Клиент;Дата;Сумма;Ответственный\n" + rows + "Последний;31.02.2025;1\n")
    before = snapshot()
    outcome = import_file(actor=org.admin, kind=Kind.REVENUE, path=path)
    assert not outcome.ok
    assert snapshot() == before
    (error,) = outcome.errors
    assert (error.row, error.column, error.value, error.problem.code) == (
        202,
        "Дата",
        "31.02.2025",
        "impossible_date",
    )


def test_repeated_plain_rows_are_checked_like_first_ones(org: Org, tmp_path: Path) -> None:
    """Rows of a plain file that repeat a client and a date seen earlier (the quick path)
    still get every check: the errors of the later rows are those of a first row, and the
    total of the good rows is exact."""
    name = org.client_a1.name
    good = [f"{name};01.02.2025;1 234,5;Счёт {i}" for i in range(5)]
    bad = [
        f"{name};01.02.2025;1,500;Счёт 5",  # ambiguous thousands
        f"{name};01.02.2025;1e5;Счёт 6",  # scientific notation
        f"{name};01.02.2099;10;Счёт 7",  # future revenue
        f"{name};01.02.2025;10;Счёт 8;лишнее",  # a cell beyond the header
        "Нет такого;01.02.2025;10;Счёт 9",  # a new client without a responsible person
    ]
    path = write(tmp_path, "Клиент;Дата;Сумма;Комментарий\n" + "\n".join(good + bad) + "\n")
    outcome = import_file(actor=None, kind=Kind.REVENUE, path=path)
    got = [(e.row, e.problem.code) for e in outcome.errors]
    assert got == [
        (7, "ambiguous_number"),
        (8, "scientific"),
        (9, "future_revenue"),
        (10, "extra_cells"),
        (11, "no_manager"),
    ]
    path = write(tmp_path, "Клиент;Дата;Сумма;Комментарий\n" + "\n".join(good) + "\n")
    outcome = import_file(actor=None, kind=Kind.REVENUE, path=path)
    assert outcome.ok, outcome.errors
    added = RevenueRecord.objects.filter(source="import")
    assert sum(r.amount for r in added) == Decimal("1234.50") * 5
    assert sorted(r.note for r in added) == [f"Счёт {i}" for i in range(5)]


def test_quick_path_reads_every_separator_and_leading_zero(org: Org, tmp_path: Path) -> None:
    """Amounts with thousands separated by a space, a no-break space or a narrow no-break
    space, with leading zeros and one or two decimals: the rows the quick path takes (the
    client and date were seen on the first row) give the amount the file says."""
    name = org.client_a1.name
    amounts = ["1 234 567,89", "1\u00a0234,5", "12\u202f345\u202f678", "0007,01", "000",
               "999\u00a0999,99", "42", "1 000 000 000,10"]  # fmt: skip
    rows = [f"{name};01.02.2025;1;первая"] + [
        f"{name};01.02.2025;{amount};Счёт {i}" for i, amount in enumerate(amounts)
    ]
    path = write(tmp_path, "Клиент;Дата;Сумма;Комментарий\n" + "\n".join(rows) + "\n")
    outcome = import_file(actor=None, kind=Kind.REVENUE, path=path)
    assert outcome.ok, outcome.errors
    got = dict(RevenueRecord.objects.filter(source="import").values_list("note", "amount"))
    for i, amount in enumerate(amounts):
        digits = "".join(ch for ch in amount if ch not in " \u00a0\u202f").replace(",", ".")
        assert got[f"Счёт {i}"] == Decimal(digits), amount


def test_dry_run_writes_nothing(org: Org) -> None:
    before = snapshot()
    outcome = import_file(actor=org.admin, kind=Kind.REVENUE, path=FIXTURES / "amocrm_deals.csv",
                          dry_run=True)  # fmt: skip
    assert outcome.ok
    assert outcome.summary.created == 3
    assert not outcome.written
    assert snapshot() == before


def test_clients_file_matches_by_inn_then_name_and_fills_inn(org: Org, tmp_path: Path) -> None:
    Client.objects.create(name="ООО «Лютик»", normalized_name="лютик", manager=org.manager_a1)
    inn = make_inn(42)
    text = (
        "Компания;ИНН;Город;Менеджер\n"
        f'"Лютик";{inn};Казань;Тестов Manager_A1\n'
        "Альфа-Один Маркер-A1;7707083893;Москва;\n"
        "Новая фирма;;Тверь;Тестов Manager_A2\n"
    )
    outcome = import_file(actor=org.admin, kind=Kind.CLIENTS, path=write(tmp_path, text))
    assert outcome.ok, outcome.errors
    assert (outcome.summary.created, outcome.summary.updated) == (1, 2)
    assert Client.objects.get(name="ООО «Лютик»").inn == inn
    assert Client.objects.get(name="Новая фирма").manager == org.manager_a2


def test_interactions_need_known_clients(org: Org, tmp_path: Path) -> None:
    text = (
        "Клиент;Дата;Канал;Тон;Итог;Ответственный\n"
        "Альфа-Один Маркер-A1;01.02.2025;Звонок;позитивный;Обсудили план;Тестов Manager_A1\n"
        "Неизвестная;01.02.2025;Встреча;нейтральный;;Тестов Manager_A1\n"
    )
    before = snapshot()
    outcome = import_file(actor=org.admin, kind=Kind.INTERACTIONS, path=write(tmp_path, text))
    assert [e.problem.code for e in outcome.errors] == ["client_unknown"]
    assert snapshot() == before
    good = write(tmp_path, "\n".join(text.splitlines()[:2]) + "\n", name="g.csv")
    assert import_file(actor=org.admin, kind=Kind.INTERACTIONS, path=good).summary.created == 1
    again = import_file(actor=org.admin, kind=Kind.INTERACTIONS, path=good)
    assert again.summary.unchanged == 1
    item = Interaction.objects.get(summary="Обсудили план")
    assert item.author == org.manager_a1
    assert item.tone == "positive"
    assert item.channel == "call"


def test_nps_rows_are_checked(org: Org, tmp_path: Path) -> None:
    text = (
        "Клиент;Оценка;Дата\nАльфа-Один Маркер-A1;9;01.02.2025\nАльфа-Один Маркер-A1;всё отлично;\n"
    )
    outcome = import_file(actor=org.admin, kind=Kind.NPS, path=write(tmp_path, text), dry_run=True)
    assert [(e.row, e.problem.code) for e in outcome.errors] == [(3, "score")]


def test_only_admins_import(org: Org) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_file(actor=org.director, kind=Kind.REVENUE, path=FIXTURES / "amocrm_deals.csv")


def test_export_then_import_gives_the_same_clients(org: Org, tmp_path: Path) -> None:
    from django.test import Client as HttpClient

    # The list (and so its download) shows the name: a formula there must come back as text.
    Client.objects.filter(pk=org.client_a1.pk).update(name="=cmd|' /C calc'!A0")
    http = HttpClient()
    http.force_login(org.admin)
    for fmt in ("csv", "xlsx"):
        response = http.get("/clients/", {"format": fmt, "status": "all"})
        assert response.status_code == 200
        path = tmp_path / f"clients.{fmt}"
        path.write_bytes(response.content)
        if fmt == "csv":
            assert response.content.startswith("\ufeff".encode())
            assert b";" in response.content
            assert b"'=cmd" in response.content  # formula injection escaped
        outcome = import_file(actor=org.admin, kind=Kind.CLIENTS, path=path)
        assert outcome.ok, outcome.errors
        assert outcome.summary.unchanged == 3
        assert outcome.summary.created == 0
    assert Client.objects.get(pk=org.client_a1.pk).name == "=cmd|' /C calc'!A0"


def test_export_of_revenue_report_reimports(org: Org, tmp_path: Path) -> None:
    from django.test import Client as HttpClient

    http = HttpClient()
    http.force_login(org.admin)
    window = {"preset": "custom", "date_from": "2026-01-01", "date_to": "2026-12-31"}
    response = http.get("/portfolio/", {**window, "format": "csv"})
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "Альфа-Один Маркер-A1" in text
    assert "1000,00" in text
    assert "CANARY" not in text


def test_cli_exits_non_zero_and_lists_errors(
    org: Org, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "Клиент;Дата;Сумма\nX;01.02.2025;abc\n")
    with pytest.raises(CommandError):
        call_command("import_file", "revenue", str(path), no_progress=True, manager="admin")
    assert "row 2" in capsys.readouterr().err
    call_command("import_file", "revenue", str(FIXTURES / "amocrm_deals.csv"), no_progress=True)
    assert "created=3" in capsys.readouterr().out


# --- malformed files: no crash, no partial write, every error located -------------------------

_cell = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["31.02.2025", "01.02.2025", "1 234,56", "=1+1", "@SUM(A1)", "-", "+7",
                     "123456789012345678", "1,23E+17", "7707083893", "", " ", "\t", '"', ";"]),
    st.text(min_size=1, max_size=1).map(lambda c: c * 3000),
)  # fmt: skip
_headers = st.lists(
    st.sampled_from(["Клиент", "Дата", "Сумма", "ИНН", "", "ID", "Клиент", "Ответственный", "X"]),
    min_size=1, max_size=7,
)  # fmt: skip


def _render(headers: list[str], rows: list[list[str]], delimiter: str) -> str:
    import csv

    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue()


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    headers=_headers,
    rows=st.lists(st.lists(_cell, max_size=9), max_size=8),
    delimiter=st.sampled_from([";", ",", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1251", "koi8-r", "latin-1"]),
    kind=st.sampled_from(list(Kind)),
)
def test_malformed_csv_never_crashes_or_half_writes(
    org: Org, tmp_path_factory: pytest.TempPathFactory, headers, rows, delimiter, encoding, kind
) -> None:
    text = _render(headers, rows, delimiter)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8", errors="replace")
    path = tmp_path_factory.mktemp("h") / "f.csv"
    path.write_bytes(data)
    before = snapshot()
    outcome = import_file(actor=org.admin, kind=kind, path=path, preset=Preset.AUTO)
    if not outcome.ok:
        assert snapshot() == before
        assert outcome.errors
        for error in outcome.errors:
            assert error.row >= 0
            assert error.problem.code in REASONS
            assert error.row > 0 or error.problem.code in {"encoding", "empty", "rejected"}


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.binary(max_size=3000), cut=st.integers(min_value=0, max_value=4000))
def test_random_and_truncated_binaries_are_refused_cleanly(
    org: Org, tmp_path_factory: pytest.TempPathFactory, data: bytes, cut: int
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Клиент", "Дата", "Сумма"])
    book.active.append(["A", "01.02.2025", 5])
    buffer = io.BytesIO()
    book.save(buffer)
    folder = tmp_path_factory.mktemp("b")
    for name, content in (("r.bin", data), ("t.xlsx", buffer.getvalue()[:cut])):
        path = folder / name
        path.write_bytes(content)
        before = snapshot()
        outcome = import_file(actor=org.admin, kind=Kind.REVENUE, path=path)
        if not outcome.ok:
            assert snapshot() == before
            assert outcome.errors


def test_zip_bomb_xlsx_is_refused(org: Org, tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            chunk = b"0" * (1 << 20)
            for _ in range(40):
                part.write(chunk)
    outcome = import_file(actor=org.admin, kind=Kind.REVENUE, path=path)
    assert [e.problem.code for e in outcome.errors] == ["zip_bomb"]


def test_xlsx_with_numbers_dates_and_lost_digits(org: Org, tmp_path: Path) -> None:
    from datetime import datetime

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["ID", "Клиент", "ИНН", "Дата", "Сумма"])
    sheet.append(
        [
            1,
            "Альфа",
            7707083893,
            datetime(2025, 2, 1, 10, 0),  # noqa: DTZ001 - Excel has no time zones
            1234.5,
        ]
    )
    sheet.append([12345678901234567890, "Бета", "7736207543", "01.02.2025", "=1+1"])
    path = tmp_path / "f.xlsx"
    book.save(path)
    outcome = import_file(actor=org.admin, kind=Kind.REVENUE, path=path)
    assert {(e.row, e.problem.code) for e in outcome.errors} == {
        (3, "scientific"),
        (3, "required"),  # a formula without a saved value is empty
    }


def test_notes_with_tabs_and_backslashes_survive_the_bulk_insert(org: Org, tmp_path: Path) -> None:
    text = 'ID;Клиент;ИНН;Дата;Сумма;Комментарий\n1;X;7707083893;01.02.2025;5;"a\\tb\tc\nd"\n'
    outcome = import_file(actor=org.admin, kind=Kind.REVENUE, path=write(tmp_path, text))
    assert outcome.ok, outcome.errors
    assert RevenueRecord.objects.get(external_id="1").note == "a\\tb\tc\nd"


def test_nps_import_reports_when_answers_cannot_be_written(org: Org, tmp_path: Path) -> None:
    import importlib.util

    text = "Клиент;Оценка\nАльфа-Один Маркер-A1;9\n"
    outcome = import_file(actor=org.admin, kind=Kind.NPS, path=write(tmp_path, text))
    if importlib.util.find_spec("kam.surveys.services") is None:
        assert [e.problem.code for e in outcome.errors] == ["nps_unavailable"]
    else:  # pragma: no cover - once the surveys app records imported answers
        assert outcome.ok or outcome.errors


def test_unknown_currency_is_an_error(org: Org, tmp_path: Path) -> None:
    rows = "X;7707083893;01.02.2025;5;USD\nX;7707083893;01.02.2025;5;RUB\n"
    text = "Клиент;ИНН;Дата;Сумма;Валюта\n" + rows
    outcome = import_file(actor=org.admin, kind=Kind.REVENUE, path=write(tmp_path, text))
    assert [(e.row, e.column, e.problem.code) for e in outcome.errors] == [
        (2, "Валюта", "currency")
    ]


def test_ambiguous_client_name_asks_for_the_inn(org: Org, tmp_path: Path) -> None:
    for _ in range(2):
        Client.objects.create(name="Двойник", normalized_name="двойник", manager=org.manager_a1)
    text = "Клиент;Дата;Сумма\nДвойник;01.02.2025;5\n"
    outcome = import_file(actor=org.admin, kind=Kind.REVENUE, path=write(tmp_path, text))
    assert [e.problem.code for e in outcome.errors] == ["client_ambiguous"]


def test_new_client_gets_the_manager_of_its_latest_row(org: Org, tmp_path: Path) -> None:
    text = (
        "Клиент;Дата;Сумма;Ответственный\n"
        "Поздний;01.03.2025;5;Тестов Manager_A2\n"
        "Поздний;01.01.2025;5;Тестов Manager_A1\n"
    )
    assert import_file(actor=org.admin, kind=Kind.REVENUE, path=write(tmp_path, text)).ok
    assert Client.objects.get(name="Поздний").manager == org.manager_a2


_xlsx_cell = st.one_of(
    st.none(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)),
    st.sampled_from(["=1+1", "=SUM(A1:A2)", "+7 916", "@x", "31.02.2025", "1 234,50"]),
    st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=20).filter(
        lambda t: not t.startswith("=")
    ),
    st.just("Я" * 40_000),
)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    rows=st.lists(st.lists(_xlsx_cell, max_size=6), max_size=6),
    kind=st.sampled_from([Kind.REVENUE, Kind.CLIENTS, Kind.CONTACTS]),
)
def test_malformed_xlsx_never_crashes_or_half_writes(
    org: Org, tmp_path_factory: pytest.TempPathFactory, rows, kind
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["ID", "Клиент", "ИНН", "Дата", "Сумма", "ФИО"])
    for row in rows:
        sheet.append(row)
    path = tmp_path_factory.mktemp("x") / "f.xlsx"
    book.save(path)
    before = snapshot()
    outcome = import_file(actor=org.admin, kind=kind, path=path)
    if not outcome.ok:
        assert snapshot() == before
        assert all(e.row >= 1 and e.problem.code in REASONS for e in outcome.errors)


def test_blocked_people_are_matched_not_recreated(org: Org, tmp_path: Path) -> None:
    from kam.accounts.models import User

    users = User.objects.count()
    text = "Клиент;Дата;Сумма;Ответственный\nНовый;01.02.2025;5;Inactive Тестов\n"
    outcome = import_file(actor=org.admin, kind=Kind.REVENUE, path=write(tmp_path, text))
    assert [e.problem.code for e in outcome.errors] == ["manager_forbidden"]
    assert User.objects.count() == users
    known = "Клиент;Дата;Сумма;Ответственный\nАльфа-Один Маркер-A1;01.02.2025;5;Inactive Тестов\n"
    assert import_file(actor=org.admin, kind=Kind.REVENUE, path=write(tmp_path, known)).ok


def test_recent_imported_deals_propose_a_feedback_call(org: Org, tmp_path: Path) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from kam.relations.models import ChecklistTask

    today = timezone.localdate()
    recent = (today - timedelta(days=3)).strftime("%d.%m.%Y")
    old = (today - timedelta(days=200)).strftime("%d.%m.%Y")
    text = (
        "Клиент;ИНН;Дата;Сумма\n"
        f"{org.client_a1.name};{org.client_a1.inn};{recent};500\n"
        f"{org.client_a1.name};{org.client_a1.inn};{old};900\n"
        f"{org.client_b1.name};{org.client_b1.inn};{old};900\n"
    )
    path = write(tmp_path, text)
    import_file(actor=org.admin, kind=Kind.REVENUE, path=path, dry_run=True)
    assert not ChecklistTask.objects.filter(kind="feedback").exists()
    import_file(actor=org.admin, kind=Kind.REVENUE, path=path)
    tasks = ChecklistTask.objects.filter(kind="feedback")
    assert [t.client for t in tasks] == [org.client_a1]  # the old deal proposes nothing
    assert recent in tasks.get().title
    import_file(actor=org.admin, kind=Kind.REVENUE, path=path)  # re-run: nothing new
    assert tasks.count() == 1


def test_a_file_that_breaks_off_still_reports_the_rows_before_the_break(
    org: Org, tmp_path: Path
) -> None:
    """Rows are checked in chunks; the rows of the chunk in which the file breaks off (a cell
    beyond the CSV size limit) are still checked, and the break is named by its row."""
    name = org.client_a1.name
    lines = [f"{name};01.02.2025;{100 + i}" for i in range(150)]
    lines[120] = f"{name};01.02.2025;много"
    lines[140] = f"{name};01.02.2025;{'9' * 100_001}"
    path = write(tmp_path, "Клиент;Дата;Сумма\n" + "\n".join(lines) + "\n")
    before = snapshot()
    outcome = import_file(actor=None, kind=Kind.REVENUE, path=path)
    assert [(e.row, e.problem.code) for e in outcome.errors] == [
        (122, "not_a_number"),
        (142, "csv_broken"),
    ]
    assert outcome.summary.rows == 140
    assert snapshot() == before


def test_nul_characters_are_dropped_from_csv_cells(org: Org, tmp_path: Path) -> None:
    name = org.client_a1.name
    text = f"Клиент;Дата;Сумма;Комментарий\n{name};01.02.2025;10;Сч\x00ёт 1\n"
    outcome = import_file(actor=None, kind=Kind.REVENUE, path=write(tmp_path, text))
    assert outcome.ok, outcome.errors
    assert list(RevenueRecord.objects.filter(source="import").values_list("note", flat=True)) == [
        "Счёт 1"
    ]


def test_the_garbage_collector_waits_during_an_import_and_is_back_after(
    org: Org, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It is off while rows are checked and written, and on again after a good file, a
    refused file and a file that raised; left off if it was off before."""
    import gc

    from kam.imports.kinds.base import Handler

    states: list[bool] = []
    check_rows = Handler.check_rows

    def spy(self: Handler, chunk: list[tuple[int, list[str]]]) -> None:
        states.append(gc.isenabled())
        check_rows(self, chunk)

    monkeypatch.setattr(Handler, "check_rows", spy)
    header = "Компания;ИНН;Город;Менеджер\n"
    good = write(tmp_path, header + "ООО Сборщик;;Тверь;Тестов Manager_A2\n", name="good.csv")
    bad = write(tmp_path, header + "ООО Сборщик;12;Тверь;Тестов Manager_A2\n", name="bad.csv")
    assert gc.isenabled()
    outcome = import_file(actor=org.admin, kind=Kind.CLIENTS, path=good)
    assert outcome.ok, outcome.errors
    assert import_file(actor=org.admin, kind=Kind.CLIENTS, path=bad).error_count == 1
    assert states == [False, False]
    assert gc.isenabled()

    def broken(self: Handler, chunk: list[tuple[int, list[str]]]) -> None:
        raise RuntimeError("broken")

    monkeypatch.setattr(Handler, "check_rows", broken)
    with pytest.raises(RuntimeError):
        import_file(actor=org.admin, kind=Kind.CLIENTS, path=good)
    assert gc.isenabled()
    gc.disable()
    try:
        monkeypatch.setattr(Handler, "check_rows", check_rows)
        import_file(actor=org.admin, kind=Kind.CLIENTS, path=bad)
        assert not gc.isenabled()
    finally:
        gc.enable()
