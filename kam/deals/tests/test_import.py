"""Deals import: real amoCRM and Bitrix24 layouts, the stage map, history, revenue keys."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import QuerySet
from django.utils import timezone

from kam.clients.models import Client
from kam.deals.models import Deal, DealStageChange, StageMapping
from kam.imports.domain import Kind, Preset
from kam.imports.models import ImportJob
from kam.imports.services import Outcome, import_file, import_job_record
from kam.imports.undo import import_job_undo, undo_check
from kam.portfolio.models import RevenueRecord
from kam.testing import Org

pytestmark = pytest.mark.django_db

AMO_HEADER = (
    "ID;Название сделки;Бюджет;Ответственный;Дата создания;Кем создана;Дата редактирования;"
    "Дата закрытия;Этап сделки;Воронка;Источник;Причина отказа;Компания;Полное имя контакта"
)


def amo_row(
    deal_id: str,
    stage: str,
    closed: str,
    *,
    amount: str = "120 000",
    company: str = "ООО «Вектор»",
    created: str = "01.10.2025 10:00:00",
    source: str = "По рекомендации",
    reason: str = "",
) -> str:
    return (
        f"{deal_id};Сделка {deal_id};{amount};Тестов Manager_A1;{created};Тестов Manager_A1;"
        f"20.10.2025 12:00:00;{closed};{stage};Воронка;{source};{reason};{company};Иванов Пётр"
    )


def imported() -> QuerySet[RevenueRecord]:
    """Revenue an import wrote (the personas' own records have source "test")."""
    return RevenueRecord.objects.exclude(source="test")


def write(path: Path, lines: list[str], encoding: str = "utf-8-sig") -> Path:
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def run(path: Path, **kwargs: Any) -> Outcome:
    return import_file(actor=None, kind=Kind.DEALS, path=path, **kwargs)


def test_amocrm_export_with_open_won_and_lost_deals(org: Org, tmp_path: Path) -> None:
    path = write(
        tmp_path / "amo.csv",
        [
            AMO_HEADER,
            amo_row("501", "Успешно реализовано", "15.10.2025 16:30:00", amount="1 250 000,50"),
            amo_row("502", "Переговоры", "не закрыта", source="Веб-сайт"),
            amo_row("503", "Закрыто и не реализовано", "18.10.2025", source="", reason="Дорого"),
            amo_row("504", "Первичный контакт", "не закрыта", amount=""),
        ],
    )
    outcome = run(path)
    assert outcome.ok, outcome.errors
    deals = {d.external_id: d for d in Deal.objects.all()}
    assert set(deals) == {"501", "502", "503", "504"}
    won, talk, lost, new = deals["501"], deals["502"], deals["503"], deals["504"]
    assert (won.status, won.step, won.closed, won.amount) == (
        "won",
        "won",
        date(2025, 10, 15),
        Decimal("1250000.50"),
    )
    assert (talk.status, talk.step, talk.closed, talk.reached) == ("open", "meeting", None, 1)
    assert (lost.status, lost.loss_reason, lost.source) == ("lost", "Дорого", "")
    assert won.source == "referral"
    assert talk.source == "inbound"
    assert new.amount is None
    assert new.step == "consultation"
    assert won.manager == org.manager_a1
    assert {d.source_system for d in deals.values()} == {"amocrm"}
    revenue = imported().get()
    assert (revenue.source, revenue.external_id, revenue.amount) == (
        "amocrm",
        "501",
        Decimal("1250000.50"),
    )
    assert revenue.date == date(2025, 10, 15)


BITRIX_HEADER = (
    '"ID";"Название сделки";"Стадия сделки";"Сумма";"Валюта";"Ответственный";"Дата создания";'
    '"Дата изменения";"Дата начала";"Предполагаемая дата закрытия";"Сделка закрыта";"Источник";'
    '"Компания";"Контакт";'
)


def bitrix_row(deal_id: str, stage: str, closedate: str, closed: str, amount: str) -> str:
    cells = [
        deal_id,
        f"Сделка {deal_id}",
        stage,
        amount,
        "Российский рубль",
        "Manager_A2 Тестов",
        "02.09.2025 09:00:00",
        "30.09.2025 18:00:00",
        "02.09.2025",
        closedate,
        closed,
        "Звонок",
        "АО «Север»",
        "Анна Белова",
    ]
    return "".join(f'"{c}";' for c in cells)


def test_bitrix24_export_has_no_closing_date_column(org: Org, tmp_path: Path) -> None:
    path = write(
        tmp_path / "b24.csv",
        [
            BITRIX_HEADER,
            bitrix_row("71", "Сделка успешна", "25.09.2025", "Да", "2 400 000,00"),
            # An open deal's «Предполагаемая дата закрытия» is a forecast, even in the future.
            bitrix_row("72", "Счёт на предоплату", "31.12.2099", "Нет", "99 000"),
            bitrix_row("73", "Сделка провалена", "20.09.2025", "Да", "5 000"),
        ],
        encoding="cp1251",
    )
    outcome = run(path)
    assert outcome.ok, outcome.errors
    deals = {d.external_id: d for d in Deal.objects.all()}
    assert deals["71"].closed == date(2025, 9, 25)
    assert deals["71"].status == "won"
    assert deals["72"].closed is None
    assert deals["72"].step == "proposal"
    assert deals["73"].status == "lost"
    assert deals["71"].manager == org.manager_a2  # «Имя Фамилия» order
    assert {d.source for d in deals.values()} == {"inbound"}
    assert imported().get().external_id == "71"
    assert imported().get().source == "bitrix24"


def test_unknown_stage_refuses_the_whole_file_and_is_never_won(org: Org, tmp_path: Path) -> None:
    path = write(
        tmp_path / "amo.csv",
        [
            AMO_HEADER,
            amo_row("601", "Успешно реализовано", "15.10.2025"),
            amo_row("602", "Оплачено", "16.10.2025"),
            amo_row("603", "Бронь", "не закрыта"),
        ],
    )
    outcome = run(path)
    assert not outcome.ok
    (error,) = outcome.errors
    assert error.problem.code == "unknown_stages"
    assert dict(error.problem.params)["names"] == "«Бронь», «Оплачено»"
    assert error.column == "Этап сделки"
    assert not Deal.objects.exists()
    assert not imported().exists()
    # Mapped for this run only: «Оплачено» as won, «Бронь» as a proposal.
    outcome = run(path, stage_map={"оплачено": "won", "бронь": "proposal"})
    assert outcome.ok
    assert Deal.objects.get(external_id="602").status == "won"
    assert imported().count() == 2
    assert not StageMapping.objects.filter(folded="оплачено").exists()


def test_reimport_records_stage_history_and_never_lowers_the_reach(
    org: Org, tmp_path: Path
) -> None:
    first = write(tmp_path / "a.csv", [AMO_HEADER, amo_row("701", "Переговоры", "не закрыта")])
    assert run(first).ok
    again = run(first)
    assert again.summary.unchanged == 1
    assert again.summary.created == 0
    later = write(
        tmp_path / "b.csv",
        [AMO_HEADER, amo_row("701", "Закрыто и не реализовано", "25.10.2025", reason="Дорого")],
    )
    outcome = run(later)
    assert outcome.ok, outcome.errors
    assert outcome.summary.updated == 1
    deal = Deal.objects.get()
    assert (deal.status, deal.reached, deal.closed) == ("lost", 1, date(2025, 10, 25))
    change = DealStageChange.objects.get()
    assert (change.stage_from, change.stage_to, change.date) == (
        "Переговоры",
        "Закрыто и не реализовано",
        date(2025, 10, 25),
    )
    assert Deal.objects.count() == 1


def test_revenue_and_deals_imports_of_one_export_add_nothing_twice(
    org: Org, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "amo.csv",
        [
            AMO_HEADER,
            amo_row("801", "Успешно реализовано", "15.10.2025"),
            amo_row("802", "Успешно реализовано", "16.10.2025", amount="7 000"),
            amo_row("803", "Закрыто и не реализовано", "17.10.2025"),
        ],
    )
    assert import_file(actor=None, kind=Kind.REVENUE, path=path).ok
    assert imported().count() == 2
    assert run(path).ok
    assert imported().count() == 2
    assert import_file(actor=None, kind=Kind.REVENUE, path=path).ok
    assert imported().count() == 2
    assert sorted(imported().values_list("amount", flat=True)) == [
        Decimal("7000.00"),
        Decimal("120000.00"),
    ]


def test_files_without_ids_share_the_revenue_fingerprint(org: Org, tmp_path: Path) -> None:
    header = "Клиент;Сумма;Дата создания;Дата закрытия;Этап;Ответственный"
    rows = [
        "ООО «Вектор»;50 000;01.09.2025;10.09.2025;Выиграна;Тестов Manager_A1",
        "ООО «Вектор»;50 000;02.09.2025;10.09.2025;Выиграна;Тестов Manager_A1",
        "ООО «Вектор»;10 000;03.09.2025;;Консультация;Тестов Manager_A1",
    ]
    path = write(tmp_path / "sheet.csv", [header, *rows])
    assert run(path, preset=Preset.GENERIC).ok
    assert Deal.objects.count() == 3
    assert imported().count() == 2
    assert run(path, preset=Preset.GENERIC).ok
    assert Deal.objects.count() == 3
    assert imported().count() == 2
    revenue_sheet = write(
        tmp_path / "rev.csv",
        ["Клиент;Сумма;Дата", "ООО «Вектор»;50 000;10.09.2025", "ООО «Вектор»;50 000;10.09.2025"],
    )
    outcome = import_file(actor=None, kind=Kind.REVENUE, path=revenue_sheet)
    assert outcome.ok
    assert outcome.summary.created == 0
    assert imported().count() == 2


def test_bad_rows_name_row_field_and_reason_and_write_nothing(org: Org, tmp_path: Path) -> None:
    path = write(
        tmp_path / "amo.csv",
        [
            AMO_HEADER,
            amo_row("901", "Успешно реализовано", "не закрыта"),
            amo_row("902", "Успешно реализовано", "01.09.2025"),  # before its creation
            amo_row("903", "Переговоры", "не закрыта", created="31.02.2025"),
            amo_row("904", "Переговоры", "не закрыта", created="01.01.2099"),
        ],
    )
    before = (Client.objects.count(), Deal.objects.count())
    outcome = run(path)
    found = {(e.row, e.column, e.problem.code) for e in outcome.errors}
    assert found == {
        (2, "Дата закрытия", "not_closed_yet"),
        (3, "Дата закрытия", "closed_before_created"),
        (4, "Дата создания", "impossible_date"),
        (5, "Дата создания", "future"),
    }
    assert (Client.objects.count(), Deal.objects.count()) == before


def test_dry_run_writes_nothing(org: Org, tmp_path: Path) -> None:
    path = write(
        tmp_path / "amo.csv", [AMO_HEADER, amo_row("1", "Успешно реализовано", "1.10.2025")]
    )
    outcome = run(path, dry_run=True)
    assert outcome.ok
    assert outcome.summary.created == 1
    assert outcome.summary.extra["revenue_created"] == 1
    assert not Deal.objects.exists()
    assert not imported().exists()


def test_cli_stage_map_file(org: Org, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "amo.csv", [AMO_HEADER, amo_row("1", "Оплачено", "1.10.2025")])
    with pytest.raises(CommandError):
        call_command("import_file", "deals", str(path), no_progress=True)
    assert "«Оплачено»" in capsys.readouterr().err
    stages = tmp_path / "map.csv"
    stages.write_text("этап;шаг\nОплачено;won\n", encoding="utf-8")
    call_command("import_file", "deals", str(path), no_progress=True, stages=str(stages))
    assert Deal.objects.get().status == "won"
    stages.write_text("stage;step\nОплачено;куда-то\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 2"):
        call_command("import_file", "deals", str(path), no_progress=True, stages=str(stages))


def test_bitrix24_html_xls_with_amount_and_currency_in_one_cell(org: Org, tmp_path: Path) -> None:
    head = [
        "ID",
        "Название сделки",
        "Стадия сделки",
        "Сумма/Валюта",
        "Ответственный",
        "Дата создания",
        "Предполагаемая дата закрытия",
        "Сделка закрыта",
        "Источник",
        "Компания",
    ]
    rows = [
        ["881", "Лифты", "Сделка успешна", "150&nbsp;000 руб.", "Manager_A1 Тестов",
         "01.08.2025", "28.08.2025", "Да", "По рекомендации", "ООО &quot;Лифтстрой&quot;"],
        ["882", "Эскалаторы", "Новая", "75&nbsp;000 руб.", "Manager_A1 Тестов",
         "03.08.2025", "30.12.2099", "Нет", "Тендер", "ООО &quot;Лифтстрой&quot;"],
    ]  # fmt: skip
    html = "<html><body><table><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>"
    html += "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    path = tmp_path / "deals.xls"
    path.write_text(html + "</table></body></html>", encoding="utf-8")
    outcome = run(path)
    assert outcome.ok, outcome.errors
    assert outcome.info["preset"] == "bitrix24"
    won = Deal.objects.get(external_id="881")
    assert (won.amount, won.closed, won.source) == (Decimal(150000), date(2025, 8, 28), "referral")
    assert Deal.objects.get(external_id="882").closed is None
    assert Deal.objects.get(external_id="882").source == "tender"
    assert imported().get().amount == Decimal(150000)


def test_a_recent_won_deal_proposes_a_feedback_call(org: Org, tmp_path: Path) -> None:
    from django.utils import timezone

    from kam.relations.models import ChecklistTask

    day = (timezone.localdate() - timedelta(days=3)).strftime("%d.%m.%Y")
    old = "01.02.2025"
    path = write(
        tmp_path / "amo.csv",
        [
            AMO_HEADER,
            amo_row("41", "Успешно реализовано", day, company="Альфа-Один Маркер-A1", created=old),
            amo_row("42", "Успешно реализовано", "15.02.2025", company="Бета-Один Маркер-B1",
                    created=old),
        ],
    )  # fmt: skip
    assert run(path).ok
    tasks = ChecklistTask.objects.filter(kind="feedback")
    assert [t.client_id for t in tasks] == [org.client_a1.pk]


def _cli_job(path: Path, outcome: Outcome) -> ImportJob:
    return import_job_record(kind=Kind.DEALS, preset=Preset.AUTO, path=path, outcome=outcome)


def test_undo_of_a_deals_import_removes_its_deals_history_and_revenue(
    org: Org, tmp_path: Path
) -> None:
    """Undo the later import first (the stage change goes, the deal is as before), then the
    first one (its deals, their history and the revenue of its won deals go)."""
    revenue_before = set(imported().values_list("pk", flat=True))
    first_file = write(
        tmp_path / "a.csv",
        [
            AMO_HEADER,
            amo_row("801", "Переговоры", "не закрыта"),
            amo_row("802", "Успешно реализовано", "15.10.2025", amount="300 000"),
        ],
    )
    first = run(first_file)
    assert first.ok, first.errors
    first_job = _cli_job(first_file, first)
    assert imported().count() == len(revenue_before) + 1
    later_file = write(
        tmp_path / "b.csv",
        [
            AMO_HEADER,
            amo_row("801", "Закрыто и не реализовано", "25.10.2025", reason="Дорого"),
            amo_row("802", "Успешно реализовано", "15.10.2025", amount="300 000"),
            amo_row("803", "Первичный контакт", "не закрыта"),
        ],
    )
    later = run(later_file)
    assert later.ok, later.errors
    later_job = _cli_job(later_file, later)
    assert DealStageChange.objects.count() == 1
    # The first import's deal 801 was changed by the later one: its undo waits for that one.
    assert not undo_check(first_job).ok
    assert undo_check(later_job).removes["deals"] == 1
    assert import_job_undo(actor=org.admin, job=later_job).ok
    assert set(Deal.objects.values_list("external_id", "stage", "status")) == {
        ("801", "Переговоры", "open"),
        ("802", "Успешно реализовано", "won"),
    }
    assert not DealStageChange.objects.exists()
    check = import_job_undo(actor=org.admin, job=first_job)
    assert check.ok, check.blockers
    assert check.removes["deals"] == 2
    assert not Deal.objects.exists()
    assert set(imported().values_list("pk", flat=True)) == revenue_before


def test_the_quick_path_of_repeated_rows_checks_them_like_the_full_check(
    org: Org, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows repeating values seen on earlier rows take `check_rows`'s quick path; every row,
    good or bad, comes out exactly as the full check of each row makes it."""
    from kam.imports.kinds import deals as kind
    from kam.imports.kinds.base import Handler

    future = (timezone.localdate() + timedelta(days=30)).strftime("%d.%m.%Y")
    good = [
        amo_row("1", "Успешно реализовано", "15.10.2025"),
        amo_row("2", "Переговоры", "не закрыта", source="Веб-сайт"),
        amo_row("3", "Закрыто и не реализовано", "18.10.2025", reason="Дорого"),
        amo_row("4", "Первичный контакт", "не закрыта", amount=""),
        amo_row("5", "Закрыто и не реализовано", "", reason="Дорого"),
    ]
    lines = [AMO_HEADER, *good]
    lines += [
        good[n % 5].replace(f"{n % 5 + 1};Сделка {n % 5 + 1}", f"{n};Сделка {n}", 1)
        for n in range(6, 40)
    ]
    lines += [
        amo_row("1", "Переговоры", "не закрыта"),  # a repeated id
        amo_row("1e5", "Переговоры", "не закрыта"),  # an id in scientific notation
        amo_row("41", "Переговоры", "не закрыта", created=future),
        amo_row("42", "Успешно реализовано", "01.09.2025"),  # closed before it was created
        amo_row("43", "Успешно реализовано", "не закрыта"),  # won without a close date
        amo_row("44", "Успешно реализовано", "15.10.2025", amount="много"),
        amo_row("45", "Успешно реализовано", "15.10.2025", amount="1,500"),
        amo_row("46", "Успешно реализовано", "15.10.2025", amount=""),
        amo_row("47", "Переговоры", "не закрыта", company="'=Формула"),
        amo_row("48", "Переговоры", "не закрыта", company="ООО «Новая»"),
        amo_row("49", "Переговоры", "не закрыта") + ";лишнее",
        amo_row("50", "Переговоры", "не закрыта").replace("Сделка 50", "Т" * 301),
        amo_row("51", "Успешно реализовано", future),
        amo_row("52", "Переговоры", "не закрыта", created="31.02.2025"),
        amo_row("53", "Переговоры", "не закрыта", reason="Р" * 301),
        amo_row("54", "Переговоры", "не закрыта").replace("Тестов Manager_A1;01", "Никто;01"),
        amo_row("55", "Переговоры", "не закрыта", created="01.10.2025 10:00:00"),
    ]
    # Creation times make every row's dates new: the quick path reads them with the full
    # check's rules (good ones) or leaves the row to the full check (bad ones).
    timed = [
        amo_row(str(n), stage, closed, created=f"02.10.2025 11:{n - 60:02d}:00", reason=reason)
        for n, (stage, closed, reason) in enumerate(
            [("Переговоры", "не закрыта", ""), ("Успешно реализовано", "15.10.2025 09:00", ""),
             ("Закрыто и не реализовано", "", "Дорого")] * 5, start=60
        )
    ]  # fmt: skip
    lines += timed
    lines += [
        amo_row("80", "Переговоры", "не закрыта", created="02.10.2025 25:00:00"),
        amo_row("81", "Успешно реализовано", "02.10.2025 10:00", created="03.10.2025 11:00:00"),
        amo_row("82", "Успешно реализовано", "не закрыта", created="02.10.2025 11:59:00"),
        amo_row("83", "Переговоры", "не закрыта", created=future[:10] + " 10:00:00"),
        amo_row("84", "Неведомый этап", "не закрыта", created="02.10.2025 12:01:00"),
        amo_row("85", "Переговоры", "32.10.2025 10:00", created="02.10.2025 12:02:00"),
    ]
    path = write(tmp_path / "deals.csv", lines)
    seen: list[Any] = []
    finish = kind.DealsHandler.finish

    def keep(self: kind.DealsHandler) -> None:
        seen.append(list(self.rows))
        finish(self)

    monkeypatch.setattr(kind.DealsHandler, "finish", keep)
    checked: list[int] = []
    row = kind.DealsHandler.row

    def count(self: kind.DealsHandler, number: int, cells: list[str]) -> None:
        checked.append(number)
        row(self, number, cells)

    monkeypatch.setattr(kind.DealsHandler, "row", count)
    quick = run(path, dry_run=True)
    assert len(checked) < len(lines) - 20  # most repeated good rows took the quick path
    first_timed = len(lines) - len(timed) - 6 + 1  # the line number of the first timed row
    assert not set(checked) & set(range(first_timed + 3, first_timed + len(timed)))
    assert set(range(len(lines) - 5, len(lines) + 1)) <= set(checked)
    monkeypatch.setattr(kind.DealsHandler, "check_rows", Handler.check_rows)
    full = run(path, dry_run=True)
    assert [(e.row, e.column, e.value, e.problem) for e in quick.errors] == [
        (e.row, e.column, e.value, e.problem) for e in full.errors
    ]
    assert quick.error_count == full.error_count > 10
    assert seen[0] == seen[1]
    assert len(seen[0]) > 40


@pytest.mark.parametrize("columnar", [False, True])
@pytest.mark.parametrize("bulk_load", [False, True])
def test_every_new_deal_is_stored_as_its_row_says(
    org: Org, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk_load: bool, columnar: bool
) -> None:
    """A CRM's first deals go in many rows per statement (SQLite, amounts bound as numbers
    where exact) or by COPY (PostgreSQL), after the indexes are dropped for a big load or
    not, from a file read row by row or as columns: each deal reads back as its row,
    computed here from the file independently."""
    from kam.core import bulk
    from kam.imports import readers
    from kam.imports.kinds import revenue

    monkeypatch.setattr(readers, "COLUMNAR_BYTES", 0 if columnar else 1 << 60)
    monkeypatch.setattr(bulk, "SQLITE_ROWS_PER_INSERT", 7)
    if bulk_load:
        monkeypatch.setattr(revenue, "REBUILD_ROWS", 2)
    # Up to the biggest amount SQLite keeps to the kopeck (15 digits).
    amounts = ["120 000", "1 234,50", "0,01", "9 999 999 999 999,99", "12,3", ""]
    stages = [("Первичный контакт", "не закрыта"), ("Успешно реализовано", "15.10.2025"),
              ("Закрыто и не реализовано", "18.10.2025")]  # fmt: skip
    lines = [AMO_HEADER]
    expected = set()
    for i in range(1, 52):
        stage, closed = stages[i % 3]
        amount = amounts[i % len(amounts)] or ("5" if stage == "Успешно реализовано" else "")
        company = f"ООО «Строка {i % 4}»"
        line = amo_row(str(900 + i), stage, closed, amount=amount, company=company)
        title = f"Сделка {900 + i}" if i % 5 else f"Сделка\t{i} \\N «в\\кавычках»"
        lines.append(line.replace(f"Сделка {900 + i}", title))
        value = (
            Decimal(amount.replace(" ", "").replace(",", ".")).quantize(Decimal("0.01"))
            if amount
            else None
        )
        day = None if closed == "не закрыта" else date(2025, 10, int(closed[:2]))
        expected.add((str(900 + i), company, title, value, date(2025, 10, 1), day, stage))
    outcome = run(write(tmp_path / "deals.csv", lines))
    assert outcome.ok, outcome.errors
    stored = Deal.objects.values_list(
        "external_id", "client__name", "title", "amount", "created", "closed", "stage"
    )
    assert set(stored) == expected
    assert len(expected) == 51
    # In the file's order (the deals' ids follow it).
    ids = list(Deal.objects.order_by("id").values_list("external_id", flat=True))
    assert ids == [str(900 + i) for i in range(1, 52)]
    # The won deals are revenue too, under their CRM ids.
    won = {(key, day, value) for key, _c, _t, value, _cr, day, stage in expected
           if stage == "Успешно реализовано"}  # fmt: skip
    assert set(imported().values_list("external_id", "date", "amount")) == won
    assert len(won) == 17
    assert {d.amount for d in Deal.objects.all()} >= {Decimal("9999999999999.99"), Decimal("0.01")}
    again = run(write(tmp_path / "deals.csv", lines))
    assert (again.summary.created, again.summary.unchanged) == (0, 51)


# --- big files read as columns (readers.read_columns, DealsHandler.check_columns) ------------


def _state(path: Path, monkeypatch: pytest.MonkeyPatch, *, columnar: bool) -> dict[str, Any]:
    """A dry run of a deals file, read as columns (any size) or row by row, and what its
    check left: every row as `check_rows` makes it, the new clients with their responsible
    person, the new people, the errors, the preview, and whether the columns were taken."""
    from kam.imports import readers
    from kam.imports.kinds import deals as kind

    monkeypatch.setattr(readers, "COLUMNAR_BYTES", 0 if columnar else 1 << 60)
    monkeypatch.setattr(readers, "COLUMNAR_BLOCK", 4096)  # many blocks even in a small file
    state: dict[str, Any] = {"taken": []}
    finish = kind.DealsHandler.finish
    check_columns = kind.DealsHandler.check_columns

    def keep(self: kind.DealsHandler) -> None:
        state["rows"] = list(self.rows)
        state["clients"] = [
            (c.ref, c.name, c.inn, c.row, c.manager, c.manager_date) for c in self.ctx.new_clients
        ]
        state["users"] = sorted(u.full_name for u in self.ctx.new_users.values())
        finish(self)

    def spy(self: kind.DealsHandler, columns: readers.Columns) -> bool:
        taken = check_columns(self, columns)
        state["taken"].append(taken)
        return taken

    monkeypatch.setattr(kind.DealsHandler, "finish", keep)
    monkeypatch.setattr(kind.DealsHandler, "check_columns", spy)
    outcome = run(path, dry_run=True)
    state["errors"] = [(e.row, e.column, e.value, e.problem) for e in outcome.errors]
    state["preview"] = outcome.info.get("preview")
    state["count"] = (outcome.summary.rows, outcome.summary.created)
    monkeypatch.undo()
    return state


def _varied_lines(org: Org, *, quoted: bool = True) -> list[str]:
    """An amoCRM export whose rows repeat, vary and tie in every way the quick check keys on
    (with quoted cells, one of them over two lines, or without any quote)."""
    stages = [("Первичный контакт", "не закрыта"), ("Переговоры", "не закрыта"),
              ("Успешно реализовано", "15.10.2025"), ("Закрыто и не реализовано", "18.10.2025"),
              ("Закрыто и не реализовано", "")]  # fmt: skip
    people = ["Тестов Manager_A1", "Тестов Manager_A2", "Новый Сотрудник", ""]
    companies = [org.client_a1.name, "ООО «Вектор»", "ООО «Ромашка»", "ИП Сидоров", "ООО «Вектор» "]
    lines = []
    for n in range(1, 400):
        stage, closed = stages[n % 5]
        created = f"{1 + n % 9:02d}.10.2025" + (" 10:00:00" if n % 7 == 0 else "")
        amount = "" if stage != "Успешно реализовано" and n % 3 == 0 else f"{n % 11 * 1000} 000"
        line = amo_row(str(n), stage, closed, amount=amount, company=companies[n % 5],
                       created=created, reason="Дорого" if "не" in stage else "")  # fmt: skip
        line = line.replace("Тестов Manager_A1", people[n % 4], 1)
        deal_id, title, rest = line.split(";", 2)
        if n % 13 == 0:
            deal_id = ""  # no CRM id: the fingerprint keys it
        elif n % 17 == 0:
            deal_id = f" A-{n} "  # not digits: the full check
        if n % 6 == 0:
            title = f"  {title}\u00a0"  # spaces around, a no-break one among them
        elif n % 19 == 0:
            title = "'" + title  # an apostrophe Excel puts before text
        elif n % 23 == 0 and quoted:
            title = f'"{title} ""в кавычках"";"'  # quoted, with a delimiter inside
        elif n % 31 == 0 and quoted:
            title = f'"{title}\nвторая строка"'  # a line break inside quotes
        elif n % 29 == 0:
            title = title + "\x1f"  # a character Python strips and few others do
        lines.append(f"{deal_id};{title};{rest}")
    return [AMO_HEADER, *lines]


@pytest.mark.parametrize("layout", ["quoted", "plain", "cp1251 under a title"])
def test_a_big_file_read_as_columns_is_checked_exactly_as_row_by_row(
    org: Org, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str
) -> None:
    """Every row, the new clients with the responsible person of their latest deal (the last
    of equal dates), the new people and the preview come out the same whether the file is
    read as columns or row by row; and the columns were taken."""
    lines = _varied_lines(org, quoted=layout == "quoted")
    if layout == "cp1251 under a title":
        lines = ["Выгрузка сделок за октябрь", "", *lines]
        path = write(tmp_path / "deals.csv", lines, encoding="cp1251")
    else:
        path = write(tmp_path / "deals.csv", lines)
    columns = _state(path, monkeypatch, columnar=True)
    rows = _state(path, monkeypatch, columnar=False)
    assert columns["taken"] == [True]
    assert rows["taken"] == []
    assert columns["errors"] == rows["errors"] == []
    for key in ("rows", "clients", "users", "preview", "count"):
        assert columns[key] == rows[key], key
    assert len(rows["rows"]) == 399
    assert {c[4] for c in rows["clients"]} >= {"Тестов Manager_A2", "Новый Сотрудник"}
    assert rows["users"] == ["Новый Сотрудник"]
    assert sum(1 for row in rows["rows"] if row[1] is None) == 30  # keyed by fingerprint


@pytest.mark.parametrize(
    "mistake",
    ["duplicate id", "won without amount", "unknown stage", "future", "blank row", "total row"],
)
def test_a_big_file_with_a_mistake_is_reported_as_row_by_row(
    org: Org, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mistake: str
) -> None:
    """A mistake found while reading or checking the columns sends the file to the row by row
    check from the start: the same errors, at the same rows, as without the columns."""
    lines = _varied_lines(org)
    if mistake == "duplicate id":
        lines.append(amo_row("5", "Переговоры", "не закрыта"))
    elif mistake == "won without amount":
        # Every group of its cells was seen before: only the columns' own check finds it.
        lines.append(amo_row("1001", "Успешно реализовано", "15.10.2025", amount="5"))
        lines.append(amo_row("1002", "Первичный контакт", "не закрыта", amount=""))
        lines.append(amo_row("1003", "Успешно реализовано", "15.10.2025", amount=""))
    elif mistake == "unknown stage":
        lines.append(amo_row("1001", "Неведомый этап", "не закрыта"))
    elif mistake == "future":
        future = (timezone.localdate() + timedelta(days=3)).strftime("%d.%m.%Y")
        lines.append(amo_row("1001", "Переговоры", "не закрыта", created=future))
    elif mistake == "blank row":
        lines[100:100] = ["", amo_row("1001", "Переговоры", "не закрыта", created="99.99.2025")]
    else:
        lines.insert(50, "Итого;;1 000 000;;;;;;;;;;;")
        lines.append(amo_row("1001", "Переговоры", "не закрыта", created="99.99.2025"))
    path = write(tmp_path / "deals.csv", lines)
    columns = _state(path, monkeypatch, columnar=True)
    rows = _state(path, monkeypatch, columnar=False)
    assert columns["errors"] == rows["errors"]
    assert columns["errors"], mistake
    assert True not in columns["taken"]
    if mistake in ("duplicate id", "won without amount"):
        assert columns["taken"] == [False]  # declined after looking at the rows


def test_whitespace_is_what_python_strips() -> None:
    from kam.imports.readers import WHITESPACE

    assert "".join(c for c in map(chr, range(0x110000)) if c.isspace()) == WHITESPACE
