"""Helpers for files handed to spreadsheets."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import HttpResponse
from django.http.response import HttpResponseBase

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


def write_workbook(
    path: str,
    summary: Sequence[Sequence[Any]],
    sheets: dict[str, tuple[Sequence[str], Iterable[dict[str, Any]]]],
) -> None:
    """A report workbook: a "summary" sheet of key/value rows, then one sheet per list of
    dicts (header row = the columns; text cells escaped against formulas)."""
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    assert first is not None  # noqa: S101 - a new workbook has one sheet
    first.title = "summary"
    for row in summary:
        first.append([xlsx_value(value) for value in row])
    for name, (columns, items) in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(list(columns))
        for item in items:
            sheet.append([xlsx_value(item[c]) for c in columns])
    book.save(path)
