"""Files laid out like real exports (Bitrix24 deals in every encoding and as HTML .xls, Bitrix24
product lines, a 1C sales report and a hand-made Excel sheet with titles and totals).

Each expected total is computed here from the file itself with the standard library (csv,
html.parser, openpyxl), never with KAM's parsers, and the import must give exactly it.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from kam.accounts.models import User
from kam.cli import main
from kam.clients.domain import normalize_company_name
from kam.clients.models import Client
from kam.imports.domain import Kind, Preset
from kam.imports.services import import_file
from kam.imports.tests.helpers import FIXTURES, snapshot
from kam.portfolio.models import RevenueRecord
from kam.testing import Org

pytestmark = pytest.mark.django_db
REAL = FIXTURES / "real"
WON = "Сделка успешна"


def _money(text: str) -> Decimal:
    """«1 275 000,50 руб.» → Decimal, by deleting everything but digits and the comma."""
    return Decimal(re.sub(r"[^\d,]", "", text).replace(",", ".") or "0")


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._in = False

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._in = True
            self.rows[-1].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._in = False

    def handle_data(self, data: str) -> None:
        if self._in:
            self.rows[-1][-1] += data


def _rows(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    if raw.lstrip().startswith(b"<"):
        parser = _Cells()
        parser.feed(raw.decode("utf-8"))
        head, *body = parser.rows
    else:
        for encoding in ("utf-8-sig", "cp1251"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        head, *body = list(csv.reader(io.StringIO(text), delimiter=";"))
    return [dict(zip(head, row, strict=False)) for row in body]


@pytest.mark.parametrize(
    "name",
    [
        "bitrix24_deals_utf8.csv",
        "bitrix24_deals_utf8_bom.csv",
        "bitrix24_deals_cp1251.csv",
        "bitrix24_deals.xls",
    ],
)
def test_bitrix24_deal_export_gives_the_won_total(org: Org, name: str) -> None:
    rows = _rows(REAL / name)
    won = [r for r in rows if r["Стадия сделки"] == WON]
    expected = sum((_money(r["Сумма/Валюта"]) for r in won), Decimal(0))
    outcome = import_file(actor=org.admin, kind=Kind.REVENUE, path=REAL / name)
    assert outcome.ok, outcome.errors
    assert outcome.info["preset"] == "bitrix24"
    assert outcome.info["mapping"]["date"] == "Предполагаемая дата закрытия"
    assert outcome.summary.created == len(won)
    assert outcome.summary.skipped == len(rows) - len(won)
    records = RevenueRecord.objects.filter(source="bitrix24")
    assert records.aggregate(s=Sum("amount"))["s"] == expected
    # CLOSEDATE of a won deal is the day it closed.
    for row in won:
        day, month, year = map(int, row["Предполагаемая дата закрытия"].split("."))
        assert records.get(external_id=row["ID"]).date == date(year, month, day)
    # Bitrix24 writes «Имя Фамилия»: the new user gets the names in the right fields.
    olga = User.objects.get(first_name="Ольга", last_name="Смирнова")
    assert Client.objects.get(name='ООО "Северный путь"').manager == olga


def test_bitrix24_read_with_the_amocrm_preset_is_never_all_revenue(org: Org) -> None:
    # A file with amoCRM-like names for date and amount: its stage column is still read.
    old = FIXTURES / "bitrix24_deals.xls"
    rows = _rows(old)
    expected = sum((_money(r["Сумма"]) for r in rows if r["Стадия сделки"] == WON), Decimal(0))
    outcome = import_file(actor=org.admin, kind=Kind.REVENUE, path=old, preset=Preset.AMOCRM)
    assert outcome.ok, outcome.errors
    records = RevenueRecord.objects.filter(source="amocrm")
    assert records.aggregate(s=Sum("amount"))["s"] == expected
    # Today's export («Сумма/Валюта», CLOSEDATE) under amoCRM's names: refused, named.
    before = snapshot()
    wrong = import_file(
        actor=org.admin,
        kind=Kind.REVENUE,
        path=REAL / "bitrix24_deals_utf8.csv",
        preset=Preset.AMOCRM,
    )
    assert {e.column for e in wrong.errors} == {"Дата закрытия", "Бюджет"}
    assert snapshot() == before


def test_bitrix24_product_lines_add_up_per_deal(org: Org) -> None:
    rows = _rows(REAL / "bitrix24_deal_products.csv")
    deals: dict[str, Decimal] = {}
    for row in rows:
        if row["Стадия сделки"] == WON:
            deals[row["ID"]] = deals.get(row["ID"], Decimal(0)) + _money(row["Сумма"])
    outcome = import_file(
        actor=org.admin, kind=Kind.REVENUE, path=REAL / "bitrix24_deal_products.csv"
    )
    assert outcome.ok, outcome.errors
    got = dict(RevenueRecord.objects.filter(source="bitrix24").values_list("external_id", "amount"))
    assert got == deals
    # Re-running adds nothing.
    again = import_file(
        actor=org.admin, kind=Kind.REVENUE, path=REAL / "bitrix24_deal_products.csv"
    )
    assert (again.summary.created, again.summary.unchanged) == (0, len(deals))


def _sheet_total(path: Path, date_column: int, amount_column: int) -> tuple[Decimal, int]:
    """The sum of the rows that carry a date (detail rows), read with openpyxl directly."""
    sheet = openpyxl.load_workbook(path, data_only=True).worksheets[0]
    total, count = Decimal(0), 0
    for values in sheet.iter_rows(values_only=True):
        cell = values[date_column] if len(values) > date_column else None
        if isinstance(cell, str) and re.fullmatch(r"\d\d\.\d\d\.\d{4}", cell):
            total += Decimal(str(values[amount_column])).quantize(Decimal("0.01"))
            count += 1
    return total, count


def test_1c_sales_report_with_title_two_row_header_groups_and_totals(org: Org) -> None:
    path = REAL / "1c_sales_report.xlsx"
    expected, count = _sheet_total(path, 1, 3)
    outcome = import_file(
        actor=org.admin, kind=Kind.REVENUE, path=path, default_manager=org.manager_a1
    )
    assert outcome.ok, outcome.errors
    info = outcome.info
    assert (info["header_row"], info["header_rows"]) == (6, 2)
    assert info["title"][1] == "Продажи по контрагентам"
    assert info["mapping"] == {"client": "Контрагент", "date": "Период", "amount": "Сумма"}
    assert info["not_data"]["groups"] == 3
    assert info["not_data"]["totals"] == 1
    assert outcome.summary.created == count
    imported = RevenueRecord.objects.filter(source="import")
    assert imported.aggregate(s=Sum("amount"))["s"] == expected
    # Detail rows belong to the counterparty of their group row.
    granite = Client.objects.get(name="АО Гранит-Строй")
    assert granite.revenue.count() == 2


def test_excel_sheet_with_title_sections_subtotals_and_total(org: Org) -> None:
    path = REAL / "excel_title_totals.xlsx"
    expected, count = _sheet_total(path, 2, 3)
    outcome = import_file(
        actor=org.admin, kind=Kind.REVENUE, path=path, default_manager=org.manager_a1
    )
    assert outcome.ok, outcome.errors
    assert outcome.info["header_row"] == 4
    assert outcome.info["not_data"] == {
        "totals": 3, "groups": 2, "repeated_headers": 0, "other_tables": []
    }  # fmt: skip
    assert outcome.summary.created == count == 4
    imported = RevenueRecord.objects.filter(source="import")
    assert imported.aggregate(s=Sum("amount"))["s"] == expected
    # Two genuine sales with the same client, day and amount are both kept, with their notes.
    notes = set(
        RevenueRecord.objects.filter(amount=Decimal("120500")).values_list("note", flat=True)
    )
    assert notes == {"Счёт 41", "Счёт 42"}


def test_cli_summary_names_the_header_and_skipped_rows(
    org: Org, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(REAL / "1c_sales_report.xlsx")
    assert (
        main(["import", "revenue", path, "--no-progress", "--dry-run", "--manager", "admin"]) == 0
    )
    out = capsys.readouterr().out
    assert "header: row 6 and 7 (two-row header joined), sheet 'TDSheet'" in out
    assert "Продажи по контрагентам" in out
    assert "totals=1 groups=3" in out


def test_another_table_below_is_named_not_read(org: Org, tmp_path: Path) -> None:
    path = tmp_path / "two.csv"
    path.write_text(
        "Клиент;Дата;Сумма\nООО Один;01.02.2026;100\n\n"
        "Клиент;Дата;Сумма;Валюта\nООО Два;02.02.2026;5;USD\n",
        encoding="utf-8",
    )
    outcome = import_file(
        actor=org.admin, kind=Kind.REVENUE, path=path, default_manager=org.manager_a1
    )
    assert outcome.ok, outcome.errors
    assert outcome.info["not_data"]["other_tables"] == [4]
    assert outcome.summary.created == 1


# --- the stage rule and dates -----------------------------------------------------------------


def _deals(tmp_path: Path, stages: list[str], day: str = "10.03.2026") -> Path:
    lines = ["ID;Название сделки;Стадия сделки;Сумма;Компания;Предполагаемая дата закрытия"]
    lines += [f"{i};Сделка {i};{s};1000;ООО Стадия;{day}" for i, s in enumerate(stages, 1)]
    path = tmp_path / "deals.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_unknown_stage_refuses_the_file_with_every_stage_found(org: Org, tmp_path: Path) -> None:
    path = _deals(tmp_path, ["Оплачено", "Новая", "Оплачено", "Сделка провалена"])
    before = snapshot()
    outcome = import_file(
        actor=org.admin, kind=Kind.REVENUE, path=path, default_manager=org.manager_a1
    )
    assert not outcome.ok
    assert snapshot() == before
    [error] = outcome.errors
    assert (error.row, error.column, error.value) == (2, "Стадия сделки", "Оплачено")
    found = dict(error.problem.params)["found"]
    assert found == "Оплачено, Новая, Сделка провалена"
    # With the stage mapped, the paid deals are revenue.
    done = import_file(
        actor=org.admin,
        kind=Kind.REVENUE,
        path=path,
        default_manager=org.manager_a1,
        stage_map={"оплачено": "won"},
    )
    assert done.ok, done.errors
    assert done.summary.created == 2


def test_crm_file_without_stage_column_is_refused(org: Org, tmp_path: Path) -> None:
    path = tmp_path / "amo.csv"
    path.write_text("ID;Бюджет;Компания;Дата закрытия\n1;100;ООО А;01.02.2026\n", encoding="utf-8")
    outcome = import_file(
        actor=org.admin, kind=Kind.REVENUE, path=path, default_manager=org.manager_a1
    )
    assert not outcome.ok
    assert outcome.errors[0].problem.code == "missing_column"
    assert outcome.errors[0].column == "Этап сделки"


def test_no_won_deal_is_a_warning_with_exit_code_2(
    org: Org, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _deals(tmp_path, ["Новая", "Сделка провалена"])
    code = main(["import", "revenue", str(path), "--no-progress", "--manager", "admin"])
    assert code == 2
    assert "skipped=2" in capsys.readouterr().out
    mapped = tmp_path / "stages.csv"
    mapped.write_text("stage;step\nНовая;won\n", encoding="utf-8")
    assert main(["import", "revenue", str(path), "--no-progress", "--manager", "admin",
                 "--stages", str(mapped)]) == 0  # fmt: skip
    assert RevenueRecord.objects.filter(source="bitrix24").count() == 1


def test_future_revenue_is_an_error_unless_allowed(org: Org, tmp_path: Path) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=2)).strftime("%d.%m.%Y")
    path = _deals(tmp_path, ["Сделка успешна"], day=tomorrow)
    outcome = import_file(
        actor=org.admin, kind=Kind.REVENUE, path=path, default_manager=org.manager_a1
    )
    assert [e.problem.code for e in outcome.errors] == ["future_revenue"]
    assert outcome.errors[0].column == "Предполагаемая дата закрытия"
    allowed = import_file(
        actor=org.admin,
        kind=Kind.REVENUE,
        path=path,
        default_manager=org.manager_a1,
        allow_future=True,
    )
    assert allowed.ok
    assert allowed.summary.created == 1


# --- people --------------------------------------------------------------------------------


def test_one_word_responsible_and_either_order(org: Org, tmp_path: Path) -> None:
    path = tmp_path / "amo.csv"
    path.write_text(
        "ID;Бюджет;Этап сделки;Компания;Дата закрытия;Ответственный\n"
        "1;100;Успешно реализовано;ООО Первая;01.02.2026;Даниил\n"
        "2;200;Успешно реализовано;ООО Вторая;02.02.2026;Анна Лебедева\n"
        "3;300;Успешно реализовано;ООО Третья;03.02.2026;Лебедева Анна\n",
        encoding="utf-8",
    )
    outcome = import_file(actor=org.admin, kind=Kind.REVENUE, path=path)
    assert outcome.ok, outcome.errors
    daniil = User.objects.get(first_name="Даниил")
    assert daniil.last_name == ""
    anna = User.objects.get(last_name="Лебедева")
    assert anna.first_name == "Анна"
    assert Client.objects.get(name="ООО Вторая").manager == anna
    assert Client.objects.get(name="ООО Третья").manager == anna
    # The next file names the same one-word person: matched, not created again.
    path.write_text(
        "ID;Бюджет;Этап сделки;Компания;Дата закрытия;Ответственный\n"
        "4;400;Успешно реализовано;ООО Четвёртая;04.02.2026;даниил\n",
        encoding="utf-8",
    )
    users = User.objects.count()
    assert import_file(actor=org.admin, kind=Kind.REVENUE, path=path).ok
    assert User.objects.count() == users
    assert Client.objects.get(name="ООО Четвёртая").manager == daniil


def test_no_misleading_manager_error_on_a_row_that_failed_otherwise(
    org: Org, tmp_path: Path
) -> None:
    User.objects.create(username="d1", first_name="Даниил", last_name="Первый")
    User.objects.create(username="d2", first_name="Даниил", last_name="Второй")
    path = tmp_path / "f.csv"
    path.write_text("Клиент;Дата;Сумма;Ответственный\nООО Новая;01.02.2026;10;Даниил\n")
    outcome = import_file(actor=None, kind=Kind.REVENUE, path=path)
    assert [e.problem.code for e in outcome.errors] == ["manager_ambiguous"]


def test_missing_column_message_lists_each_alias_once(org: Org, tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("Клиент;Сумма\nООО А;10\n")
    outcome = import_file(actor=org.admin, kind=Kind.REVENUE, path=path, preset=Preset.BITRIX24)
    expected = dict(outcome.errors[0].problem.params)["expected"].split(", ")
    assert len(expected) == len(set(expected))


# --- the identity rule of files without ids -----------------------------------------------------


def test_file_without_ids_replaces_its_period(org: Org, tmp_path: Path) -> None:
    path = tmp_path / "sales.csv"
    first = (
        "Клиент;Дата;Сумма;Комментарий\n"
        "ООО Период;01.03.2026;1000;Счёт 1\n"
        "ООО Период;01.03.2026;1000;Счёт 2\n"
        "ООО Период;15.03.2026;2500;Счёт 3\n"
    )
    path.write_text(first, encoding="utf-8")
    assert import_file(
        actor=org.admin, kind=Kind.REVENUE, path=path, default_manager=org.manager_a1
    ).ok
    # The same file again: nothing changes.
    again = import_file(actor=org.admin, kind=Kind.REVENUE, path=path)
    assert (again.summary.created, again.summary.deleted, again.summary.unchanged) == (0, 0, 3)
    # One amount corrected: the corrected row replaces the old one, shown in the diff first.
    path.write_text(first.replace("2500;Счёт 3", "2750;Счёт 3"), encoding="utf-8")
    preview = import_file(actor=org.admin, kind=Kind.REVENUE, path=path, dry_run=True)
    assert (preview.summary.created, preview.summary.deleted) == (1, 1)
    assert preview.summary.diff["created"] == [["ООО Период", "2026-03-15", "2750.00"]]
    assert preview.summary.diff["deleted"] == [["ООО Период", "2026-03-15", "2500.00"]]
    assert import_file(actor=org.admin, kind=Kind.REVENUE, path=path).ok
    imported = RevenueRecord.objects.filter(source="import")
    amounts = sorted(imported.values_list("amount", flat=True))
    assert amounts == [Decimal(1000), Decimal(1000), Decimal(2750)]
    # A note corrected on one of two equal sales: that row is updated, both stay.
    path.write_text(first.replace("Счёт 2", "Счёт 2а").replace("2500;", "2750;"), encoding="utf-8")
    fixed = import_file(actor=org.admin, kind=Kind.REVENUE, path=path)
    assert (fixed.summary.updated, fixed.summary.created, fixed.summary.deleted) == (1, 0, 0)
    notes = sorted(imported.filter(amount=1000).values_list("note", flat=True))
    assert notes == ["Счёт 1", "Счёт 2а"]


def test_a_short_period_among_a_long_history_touches_only_its_days(
    org: Org, tmp_path: Path
) -> None:
    """The period's rows are a small share of the table (read through the date index on
    SQLite, not by a scan): the file replaces exactly its period, the history around it stays."""
    history = tmp_path / "history.csv"
    days = [date(2025, 1, 1) + timedelta(days=7 * i) for i in range(40)]
    history.write_text(
        "Клиент;Дата;Сумма\n"
        + "".join(f"ООО История;{day:%d.%m.%Y};{100 + i}\n" for i, day in enumerate(days)),
        encoding="utf-8",
    )
    assert import_file(
        actor=org.admin, kind=Kind.REVENUE, path=history, default_manager=org.manager_a1
    ).ok
    # One week of the history again, its amount corrected, and a second sale that day.
    week = tmp_path / "week.csv"
    week.write_text(
        f"Клиент;Дата;Сумма\nООО История;{days[10]:%d.%m.%Y};999\n"
        f"ООО История;{days[10]:%d.%m.%Y};5\n",
        encoding="utf-8",
    )
    outcome = import_file(actor=org.admin, kind=Kind.REVENUE, path=week)
    assert outcome.ok, outcome.errors
    assert (outcome.summary.created, outcome.summary.deleted) == (2, 1)
    rows = dict(
        RevenueRecord.objects.filter(source="import")
        .exclude(date=days[10])
        .values_list("date", "amount")
    )
    assert rows == {day: Decimal(100 + i) for i, day in enumerate(days) if i != 10}
    that_day = RevenueRecord.objects.filter(source="import", date=days[10])
    assert sorted(that_day.values_list("amount", flat=True)) == [Decimal(5), Decimal(999)]


# --- INNs survive an Excel round trip ------------------------------------------------------------


def _inn_with_leading_zero() -> str:
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    body = "012345678"
    check = sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11 % 10
    return body + str(check)


def test_inn_keeps_its_leading_zero_through_excel(org: Org, tmp_path: Path) -> None:
    from django.test import Client as HttpClient

    inn = _inn_with_leading_zero()
    org.client_a1.inn = inn
    org.client_a1.save()
    http = HttpClient()
    http.force_login(org.director)
    response = http.get("/clients/", {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == inn]
    assert cells
    assert all(c.number_format == "@" for c in cells)  # a text cell: Excel keeps the zero
    # A sheet where Excel already made a number of it: the zero comes back on import.
    book = openpyxl.Workbook()
    book.active.append(["Клиент", "ИНН", "Дата", "Сумма"])
    book.active.append(["ООО Ноль", int(inn), "01.03.2026", 100])
    path = tmp_path / "zero.xlsx"
    book.save(path)
    outcome = import_file(
        actor=org.admin, kind=Kind.REVENUE, path=path, default_manager=org.manager_a1
    )
    assert outcome.ok, outcome.errors
    # Matched by the restored INN to the client that has it.
    assert RevenueRecord.objects.get(source="import").client == org.client_a1


# --- amoCRM «Контакты и компании» ---------------------------------------------------------------

COMBINED = (
    "ID;Тип;Наименование;Компания;Ответственный;Должность;Рабочий телефон;Рабочий email\n"
    "3101;Компания;ООО Горизонт-Тех;;Тестов Manager-A1;;+7 495 100-20-30;info@gorizont.example\n"
    "3102;Контакт;Соколова Вера;ООО Горизонт-Тех;Тестов Manager-A1;Закупщик;+7 916 000-11-22;"
    "v.sokolova@gorizont.example\n"
    "3103;Контакт;Вера Лапина;ООО Горизонт-Тех;Тестов Manager-A1;Бухгалтер;;\n"
    "3104;Компания;АО Озёрный край;;Тестов Manager-A1;;;\n"
)


def test_amocrm_combined_contacts_and_companies(org: Org, tmp_path: Path) -> None:
    path = tmp_path / "amo_contacts.csv"
    path.write_text(COMBINED, encoding="utf-8")
    clients = import_file(actor=org.admin, kind=Kind.CLIENTS, path=path, preset=Preset.AMOCRM)
    assert clients.ok, clients.errors
    assert (clients.summary.created, clients.summary.skipped) == (2, 2)
    assert Client.objects.filter(name__in=["ООО Горизонт-Тех", "АО Озёрный край"]).count() == 2
    contacts = import_file(actor=org.admin, kind=Kind.CONTACTS, path=path, preset=Preset.AMOCRM)
    assert contacts.ok, contacts.errors
    assert (contacts.summary.created, contacts.summary.skipped) == (2, 2)
    gorizont = Client.objects.get(name="ООО Горизонт-Тех")
    assert sorted(gorizont.contacts.values_list("full_name", flat=True)) == [
        "Вера Лапина",
        "Соколова Вера",
    ]


def test_big_load_rebuilds_the_indexes_it_dropped(
    org: Org, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kam.imports.kinds import revenue

    table = RevenueRecord._meta.db_table
    before = sorted(revenue._secondary_indexes(table))
    keys = revenue._foreign_keys(table)  # PostgreSQL drops and adds them back too
    assert len(before) >= 3
    monkeypatch.setattr(revenue, "REBUILD_ROWS", 2)
    lines = [f"ООО Индекс {i % 3};0{i % 9 + 1}.02.2026;{100 + i}" for i in range(8)]
    path = tmp_path / "big.csv"
    path.write_text("Клиент;Дата;Сумма\n" + "\n".join(lines) + "\n", encoding="utf-8")
    outcome = import_file(
        actor=org.admin, kind=Kind.REVENUE, path=path, default_manager=org.manager_a1
    )
    assert outcome.ok, outcome.errors
    assert sorted(revenue._secondary_indexes(table)) == before
    assert revenue._foreign_keys(table) == keys
    imported = RevenueRecord.objects.filter(source="import")
    assert imported.aggregate(s=Sum("amount"))["s"] == sum(100 + i for i in range(8))


def test_a_big_load_still_refuses_a_row_pointing_at_no_client(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The load that drops the foreign keys (PostgreSQL) checks them when it adds them back;
    SQLite keeps its own (checked at the commit, here asked for directly)."""
    from kam.imports.kinds import revenue

    monkeypatch.setattr(revenue, "REBUILD_ROWS", 1)
    nobody = (Client.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    row = (nobody, "2026-01-02", "1.00", "fp:test", "")

    def load() -> None:
        with transaction.atomic():
            with revenue._bulk_write(1):
                revenue._insert_plain([row], "import", timezone.now())
            connection.check_constraints(table_names=[RevenueRecord._meta.db_table])

    with pytest.raises(IntegrityError):
        load()
    assert not RevenueRecord.objects.filter(client_id=nobody).exists()


def test_a_missing_date_and_a_missing_client_are_not_taken_for_a_group(
    org: Org, tmp_path: Path
) -> None:
    path = tmp_path / "f.csv"
    path.write_text(
        "Клиент;Дата;Сумма\nООО Первый;;500\n;02.03.2026;700\nООО Второй;03.03.2026;10\n",
        encoding="utf-8",
    )
    before = snapshot()
    outcome = import_file(
        actor=org.admin, kind=Kind.REVENUE, path=path, default_manager=org.manager_a1
    )
    assert [(e.row, e.column, e.value, e.problem.code) for e in outcome.errors] == [
        (2, "Сумма", "500", "group_total")
    ]
    assert snapshot() == before


def _bulk_file(tmp_path: Path, names: list[str]) -> Path:
    lines = [f"{names[i % len(names)]};0{i % 9 + 1}.02.2026;{100 + i}" for i in range(8)]
    path = tmp_path / "bulk.csv"
    path.write_text("Клиент;Дата;Сумма\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def _foreign_keys_on() -> bool:
    if connection.vendor != "sqlite":
        return True
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        return bool(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_a_big_load_outside_a_transaction_checks_its_keys_at_the_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The load that checks foreign keys once before the commit (SQLite) or adds them back
    (PostgreSQL): a good file is written, and the connection enforces keys afterwards."""
    from kam.imports.kinds import bulk, revenue

    monkeypatch.setattr(revenue, "REBUILD_ROWS", 2)
    monkeypatch.setattr(bulk, "BULK_ROWS", 2)
    manager = User.objects.create(username="bulk-m", last_name="Балков", is_manager=True)
    for name in ("ООО Ключ 1", "ООО Ключ 2"):
        Client.objects.create(name=name, normalized_name=normalize_company_name(name),
                              manager=manager)  # fmt: skip
    outcome = import_file(
        actor=None, kind=Kind.REVENUE, path=_bulk_file(tmp_path, ["ООО Ключ 1", "ООО Ключ 2"])
    )
    assert outcome.ok, outcome.errors
    assert RevenueRecord.objects.aggregate(s=Sum("amount"))["s"] == sum(range(100, 108))
    assert _foreign_keys_on()


@pytest.mark.django_db(transaction=True)
def test_a_big_load_refuses_rows_of_a_client_deleted_before_the_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client deleted between the check and the write (another user, or here a hook): the
    rows pointing at it fail the whole import, nothing is written, and keys are enforced
    again afterwards."""
    from kam.imports.kinds import bulk, revenue

    monkeypatch.setattr(revenue, "REBUILD_ROWS", 2)
    monkeypatch.setattr(bulk, "BULK_ROWS", 2)
    manager = User.objects.create(username="bulk-m", last_name="Балков", is_manager=True)
    kept, gone = (
        Client.objects.create(name=n, normalized_name=normalize_company_name(n), manager=manager)
        for n in ("ООО Ключ 1", "ООО Ключ 2")
    )
    apply = revenue.RevenueHandler.apply

    def delete_first(self: revenue.RevenueHandler, **kwargs: Any) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM clients_client WHERE id = %s", [gone.pk])
        apply(self, **kwargs)

    monkeypatch.setattr(revenue.RevenueHandler, "apply", delete_first)
    outcome = import_file(
        actor=None, kind=Kind.REVENUE, path=_bulk_file(tmp_path, [kept.name, gone.name])
    )
    assert [e.problem.code for e in outcome.errors] == ["rejected"]
    assert not outcome.written
    assert not RevenueRecord.objects.exists()
    assert Client.objects.filter(pk=gone.pk).exists()  # the deletion went with the rollback
    assert _foreign_keys_on()


@pytest.mark.parametrize("bulk_load", [False, True])
def test_every_row_is_written_as_its_own_line_says(
    org: Org, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk_load: bool
) -> None:
    """Rows written many per statement (SQLite) or as COPY lines (PostgreSQL), amounts bound
    as numbers where exact: each record is the row of the file, computed here independently
    (client, date, amount to the kopeck, note, fingerprint with its occurrence), including
    equal rows, a refund, a whole amount and the biggest amount SQLite keeps to the kopeck."""
    from kam.core import bulk
    from kam.imports.kinds import revenue

    monkeypatch.setattr(bulk, "SQLITE_ROWS_PER_INSERT", 7)
    if bulk_load:
        monkeypatch.setattr(revenue, "REBUILD_ROWS", 2)
    amounts = ["1 234,50", "-300,05", "70 000", "0,01", "9 999 999 999 999,99", "12,3"]
    lines: list[tuple[str, str, str, str]] = []
    for i in range(61):
        name = f"ООО Строка {i % 4}"
        day = f"{i % 5 + 1:02d}.03.2026"
        lines.append((name, day, amounts[i % len(amounts)], f"Счёт {i}"))
    lines.append((*lines[0][:3], "Повтор"))  # the same sale again, another note
    path = tmp_path / "many.csv"
    path.write_text(
        "Клиент;Дата;Сумма;Комментарий\n" + "\n".join(";".join(r) for r in lines) + "\n",
        encoding="utf-8",
    )
    outcome = import_file(
        actor=org.admin, kind=Kind.REVENUE, path=path, default_manager=org.manager_a1
    )
    assert outcome.ok, outcome.errors
    ids = dict(Client.objects.values_list("name", "pk"))
    expected = set()
    keys: set[str] = set()
    seen: dict[tuple[int, str, Decimal], int] = {}
    for name, day, amount, note in lines:
        client = ids[name]
        d, m, y = day.split(".")
        when = date(int(y), int(m), int(d))
        value = Decimal(amount.replace(" ", "").replace(",", ".")).quantize(Decimal("0.01"))
        expected.add((client, when, value, note))
        # Equal rows (client, date, amount) get the occurrences 0, 1, … between them.
        n = seen.get((client, day, value), 0)
        seen[(client, day, value)] = n + 1
        keys.add(f"fp:{client:010d}|{when.isoformat()}|{value}|{n}")
    written = RevenueRecord.objects.filter(source="import")
    assert set(written.values_list("client_id", "date", "amount", "note")) == expected
    assert set(written.values_list("external_id", flat=True)) == keys
    assert written.count() == len(lines) == len(expected)
    # Every row carries the import's stamp, by which its undo finds them.
    stamp = datetime.fromisoformat(outcome.created["revenue"]["stamp"])
    assert set(written.values_list("created_at", flat=True)) == {stamp}
    if connection.vendor == "postgresql":  # the big load's column defaults are gone again
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
                " AND column_default IS NOT NULL AND column_name <> 'id'",
                [RevenueRecord._meta.db_table],
            )
            assert cursor.fetchall() == []
    again = import_file(
        actor=org.admin, kind=Kind.REVENUE, path=path, default_manager=org.manager_a1
    )
    assert (again.summary.created, again.summary.unchanged) == (0, len(lines))
