"""Helpers for files handed to spreadsheets."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A cell value that Excel will not run as a formula (CSV/formula injection, OWASP).

    Text starting with = + - @ tab or CR gets a leading apostrophe; numbers stay numbers.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


# --- downloads of lists and reports ---------------------------------------------------------

EXPORT_FORMATS = ("xlsx", "csv")
CSV_DELIMITER = ";"


def csv_value(value: Any) -> str:
    """A value as Russian Excel reads it from a `;` CSV: decimal comma, dd.mm.yyyy dates."""
    from datetime import date, datetime
    from decimal import Decimal

    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            from django.utils import timezone

            value = timezone.localtime(value)
        return str(value.strftime("%d.%m.%Y %H:%M:%S"))
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(safe_cell(str(value)))


def xlsx_value(value: Any) -> Any:
    """A value openpyxl can store: an aware datetime becomes the company's local wall time
    (Excel has no time zones), text is escaped against formulas."""
    from datetime import datetime

    if isinstance(value, datetime) and value.tzinfo is not None:
        from django.utils import timezone

        return timezone.make_naive(value)
    return safe_cell(value)


def export_response(
    fmt: str, filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponseBase:
    """A download of a table: XLSX, or CSV in UTF-8 with a BOM and `;` (what Russian Excel opens
    correctly). Text cells are escaped against formula injection in both."""
    if fmt == "csv":
        return _csv_response(filename, headers, rows)
    return _xlsx_response(filename, headers, rows)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A table as the CSV the downloads give (UTF-8 with a BOM, `;`, cells safe from formulas),
    for a file built in memory rather than answered as a response."""
    import csv

    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER, lineterminator="\r\n")
    lines = ["\ufeff" + writer.writerow([str(safe_cell(str(h))) for h in headers])]
    lines += [writer.writerow([csv_value(v) for v in row]) for row in rows]
    return "".join(lines).encode()


def _csv_response(
    filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    import csv

    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER, lineterminator="\r\n")

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow([str(safe_cell(str(h))) for h in headers])
        for row in rows:
            yield writer.writerow([csv_value(v) for v in row])

    response = HttpResponse("".join(lines()).encode(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _disposition(f"{filename}.csv")
    return response


def _xlsx_response(
    filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    import io

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([safe_cell(str(h)) for h in headers])
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=xlsx_value(value))
            if hasattr(value, "hour"):
                cell.number_format = "DD.MM.YYYY HH:MM"
            elif hasattr(value, "year"):
                cell.number_format = "DD.MM.YYYY"
            elif isinstance(value, str) and value.isdigit():
                # INNs, phones and ids: a text cell, so Excel keeps the leading zero when
                # the sheet is edited and saved again.
                cell.number_format = "@"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = _disposition(f"{filename}.xlsx")
    return response


def _disposition(name: str) -> str:
    from urllib.parse import quote

    ascii_name = name.encode("ascii", "ignore").decode() or "export"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


# Headers of the report workbooks (`kam report … --format xlsx`): the JSON keys shown the way
# the web exports show their columns, in the company's language.
WORKBOOK_LABELS: dict[str, Any] = {
    "summary": pgettext_lazy("workbook sheet", "Summary"),
    "clients": _("Clients"),
    "alerts": _("Alerts"),
    "managers": _("Managers"),
    "overdue": _("Overdue"),
    "paused": _("Paused"),
    "reviews_due": _("Reviews due"),
    "dates": _("Dates"),
    "groups": _("Groups"),
    "id": "ID",
    "name": _("Client"),
    "client": _("Client"),
    "inn": _("INN"),
    "manager": _("Manager"),
    "revenue": _("Revenue"),
    "share": _("Share"),
    "class": _("Class"),
    "abc": "ABC",
    "message": _("What to do"),
    "key_clients": _("Key clients"),
    "overloaded": _("Overloaded"),
    "from": _("From"),
    "to": _("To"),
    "today": _("Today"),
    "total_revenue": _("Total revenue"),
    "hhi": _("HHI"),
    "equivalent_clients": _("Equivalent number of clients"),
    "days_since_positive": _("Days since a positive contact"),
    "days_overdue": _("Days overdue"),
    "until": _("Until"),
    "last_review": _("Last review"),
    "contact": _("Contact"),
    "what": _("What"),
    "date": _("Date"),
    "stage": _("Stage"),
    "balance": _("Balance"),
    "withdrawals_in_a_row": _("Withdrawals in a row"),
    "key": _("Group"),
    "n": _("Answers"),
    "promoters": _("Promoters"),
    "neutrals": _("Passives"),
    "critics": _("Detractors"),
    "nps": "NPS",
    "low": _("Interval, low"),
    "high": _("Interval, high"),
    "interval_low": _("Interval, low"),
    "interval_high": _("Interval, high"),
    "indicative": _("Indicative (fewer than 30 answers)"),
}
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def workbook_label(key: Any) -> str:
    """A report key as a column or row title (`top_3_share` → «Доля топ-3»)."""
    if not isinstance(key, str):
        return str(key)
    label = WORKBOOK_LABELS.get(key)
    if label is not None:
        return str(label)
    top = re.fullmatch(r"top_(\d+)_share", key)
    if top:
        return str(_("Share of the top %(n)s")) % {"n": top[1]}
    return key.replace("_", " ").capitalize()


def _workbook_value(value: Any) -> Any:
    """ISO dates of the JSON shape as real dates (Excel sorts and filters them as dates)."""
    if isinstance(value, str) and len(value) == 10 and _ISO_DAY.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return xlsx_value(value)


def write_workbook(
    path: str,
    summary: Sequence[Sequence[Any]],
    sheets: dict[str, tuple[Sequence[str], Iterable[dict[str, Any]]]],
) -> None:
    """A report workbook: a summary sheet of key/value rows, then one sheet per list of dicts
    (header row = the columns). Titles are translated like the web exports', ISO dates become
    dates, and text cells are escaped against formulas."""
    from django.conf import settings
    from django.utils import translation
    from openpyxl import Workbook

    def append(sheet: Any, values: Sequence[Any]) -> None:
        row = [_workbook_value(v) for v in values]
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, date):
                cell.number_format = "DD.MM.YYYY"

    with translation.override(translation.get_language() or settings.LANGUAGE_CODE):
        book = Workbook()
        first = book.active
        assert first is not None  # noqa: S101 - a new workbook has one sheet
        first.title = workbook_label("summary")[:31]
        for key, *rest in summary:
            append(first, [workbook_label(key), *rest])
        for name, (columns, items) in sheets.items():
            sheet = book.create_sheet(workbook_label(name)[:31])
            sheet.append([workbook_label(c) for c in columns])
            for item in items:
                append(sheet, [item[c] for c in columns])
        book.save(path)
