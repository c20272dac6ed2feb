"""The shared download writers: every value a view hands them gives a file, never a 500."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from django.http import HttpResponse
from django.http.response import HttpResponseBase
from openpyxl import load_workbook

from kam.core.exporting import export_response, write_workbook


def _body(response: HttpResponseBase) -> bytes:
    assert isinstance(response, HttpResponse)
    return response.content


def _aware() -> datetime:
    # 09:30 UTC is 12:30 in Moscow (the default company time zone).
    return datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _local(hour: int, minute: int) -> datetime:
    """A naive wall time on 2026-03-02, as openpyxl reads cells back."""
    return datetime(2026, 3, 2, hour, minute, tzinfo=UTC).replace(tzinfo=None)


def test_xlsx_takes_aware_datetimes_as_local_wall_time() -> None:
    response = export_response("xlsx", "cases", ["opened", "day"], [[_aware(), date(2026, 3, 2)]])
    sheet = load_workbook(io.BytesIO(_body(response))).active
    assert sheet is not None
    opened, day = (cell.value for cell in sheet[2])
    assert opened == _local(12, 30)
    assert sheet["A2"].number_format == "DD.MM.YYYY HH:MM"
    assert day == _local(0, 0)
    assert sheet["B2"].number_format == "DD.MM.YYYY"


def test_csv_shows_aware_datetimes_in_local_time() -> None:
    response = export_response("csv", "cases", ["opened"], [[_aware()]])
    assert "02.03.2026 12:30:00" in _body(response).decode("utf-8-sig")


def test_report_workbook_takes_aware_datetimes(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    path = tmp_path / "report.xlsx"
    write_workbook(str(path), [["generated", _aware()]], {"rows": (["at"], [{"at": _aware()}])})
    summary, rows = load_workbook(path).worksheets  # titles are translated
    assert summary["B1"].value == _local(12, 30)
    assert rows["A2"].value == _local(12, 30)
