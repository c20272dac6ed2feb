"""The import fuzz drill (issue 11): generated files, good and broken, through the service and
the web upload. Every file either imports completely or is refused with every error naming its
row and column (file-level problems, such as a damaged archive, name the file); never a
traceback, never a partial write. The figures are printed with the test output.
"""

from __future__ import annotations

import io
import random
import time
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import reverse

from kam.imports.domain import Kind
from kam.imports.models import ImportJob, JobStatus
from kam.imports.services import import_file
from kam.imports.tests.helpers import make_inn, snapshot
from kam.testing import Org

pytestmark = pytest.mark.django_db

FILES = 520  # through the service
WEB_FILES = 40  # of them, also through the web upload
SEED = 20261202

# Problems of the whole file: there is no row or column to name.
FILE_LEVEL = {"empty", "broken_xlsx", "broken_xls", "zip_bomb", "csv_broken", "encoding"}

LAYOUTS: dict[Kind, list[str]] = {
    Kind.REVENUE: ["Клиент", "ИНН", "Дата", "Сумма", "Комментарий"],
    Kind.CLIENTS: ["Клиент", "ИНН", "Город", "Сегмент", "Ответственный"],
    Kind.CONTACTS: ["Клиент", "ФИО", "Должность", "Телефон", "Email"],
    Kind.INTERACTIONS: ["Клиент", "Дата", "Канал", "Тон", "Итог", "Менеджер"],
}

BAD_CELLS = [
    "", " ", "=1+1", "1e5", "31.02.2026", "12/13/2026", "-", "1,500", "∞", "\x00", "'", '"',
    "x" * 400, "0" * 30, "7707083894", "01.01.1800", "01.01.2999", "NaN", "Итого", "да",
]  # fmt: skip


def _good_row(kind: Kind, rng: random.Random, i: int) -> list[str]:
    index = rng.randrange(40)
    client, inn = f"ООО Фазз {index}", make_inn(900_000 + index)
    day = f"{rng.randrange(1, 28):02d}.{rng.randrange(1, 12):02d}.2025"
    if kind is Kind.REVENUE:
        return [
            client,
            inn,
            day,
            f"{rng.randrange(1, 10**6)} {rng.randrange(1000):03d},50",
            f"c{i}",
        ]
    if kind is Kind.CLIENTS:
        return [
            client,
            inn,
            "Казань",
            rng.choice(["small", "Средний бизнес", ""]),
            "Тестов Manager-A1",
        ]
    if kind is Kind.CONTACTS:
        return [client, f"Иванов{i} Иван", "закупщик", "+7 900 000-00-00", f"u{i}@example.ru"]
    return [client, day, "call", "neutral", f"итог {i}", "Тестов Manager-A1"]


def _rows(kind: Kind, rng: random.Random) -> list[list[str]]:
    header = list(LAYOUTS[kind])
    rows = [_good_row(kind, rng, i) for i in range(rng.randrange(1, 12))]
    mutation = rng.randrange(10)
    if mutation == 0 and len(header) > 2:
        drop = rng.randrange(len(header))
        header.pop(drop)
        rows = [r[:drop] + r[drop + 1 :] for r in rows]
    elif mutation == 1:
        header.append(header[rng.randrange(len(header))])
    elif mutation == 2:
        rows = [["Отчёт о продажах"], [], *rows]
    for row in rows:
        if rng.random() < 0.3 and row:
            row[rng.randrange(len(row))] = rng.choice(BAD_CELLS)
        if rng.random() < 0.05:
            row.append("лишнее")
        if rng.random() < 0.05 and len(row) > 1:
            row.pop()
    if mutation == 3:
        rows.append(["Итого", "", "", "100"])
    return [header, *rows]


def _csv(rows: list[list[str]], rng: random.Random) -> bytes:
    sep = rng.choice([";", ",", "\t"])

    def quote(cell: str) -> str:
        if any(c in cell for c in (sep, '"', "\n")) or rng.random() < 0.1:
            return '"' + cell.replace('"', '""') + '"'
        return cell

    text = "\r\n".join(sep.join(quote(c) for c in row) for row in rows) + "\r\n"
    encoding = rng.choice(["utf-8", "utf-8-sig", "cp1251", "utf-16"])
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    if rng.random() < 0.05:  # a broken byte in the middle
        cut = rng.randrange(len(data))
        data = data[:cut] + b"\xff\xfe\x81" + data[cut:]
    if rng.random() < 0.03:  # an unbalanced quote
        data = data.replace(b"\r\n", b'\r\n"', 1)
    return data


def _xlsx(rows: list[list[str]], rng: random.Random) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in rows:
        sheet.append([c.replace("\x00", "") for c in row])
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    if rng.random() < 0.15:
        data = data[: rng.randrange(len(data))]  # truncated
    return data


def _html(rows: list[list[str]], rng: random.Random) -> bytes:
    body = "".join(
        "<tr>" + "".join(f"<td>{c.replace('<', '&lt;')}</td>" for c in row) + "</tr>"
        for row in rows
    )
    return f"<html><body><table>{body}</table></body></html>".encode()


def _junk(rng: random.Random) -> bytes:
    choice = rng.randrange(5)
    if choice == 0:
        return b""
    if choice == 1:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300)))
    if choice == 2:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("xl/workbook.xml", "<nonsense/>")
        return out.getvalue()
    if choice == 3:
        return b"\xef\xbb\xbf"
    return b"\xd0\xcf\x11\xe0" + bytes(rng.randrange(256) for _ in range(200))


def _file(rng: random.Random) -> tuple[Kind, str, bytes]:
    kind = rng.choice(list(LAYOUTS))
    form = rng.choices(["csv", "xlsx", "html", "junk"], weights=[70, 12, 10, 8])[0]
    if form == "junk":
        return kind, "junk.xlsx", _junk(rng)
    rows = _rows(kind, rng)
    if form == "csv":
        return kind, "f.csv", _csv(rows, rng)
    if form == "xlsx":
        return kind, "f.xlsx", _xlsx(rows, rng)
    return kind, "f.xls", _html(rows, rng)


def test_import_fuzz_drill(org: Org, tmp_path: Path, drill_figures: Any) -> None:
    rng = random.Random(SEED)
    started = time.perf_counter()
    figures: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    unnamed: list[tuple[str, object]] = []
    http = HttpClient()
    http.force_login(org.admin)
    for number in range(FILES):
        kind, name, data = _file(rng)
        path = tmp_path / f"{number}_{name}"
        path.write_bytes(data)
        before = snapshot()
        outcome = import_file(  # an exception here is a traceback: the drill fails
            actor=org.admin, kind=kind, path=path, default_manager=org.manager_a1
        )
        figures["files"] += 1
        if outcome.ok:
            figures["imported"] += 1
            assert outcome.written
            continue
        figures["rejected"] += 1
        if snapshot() != before:
            figures["partial_writes"] += 1
        for error in outcome.errors:
            codes[error.problem.code] += 1
            if error.problem.code in FILE_LEVEL and not (error.row and error.column):
                figures["file_level_errors"] += 1
            elif error.row >= 1 and error.column:
                figures["errors_with_row_and_column"] += 1
            else:
                unnamed.append((path.name, error))
        if number < WEB_FILES:
            # The same file through the web upload: never a 500, never a partial write.
            response = http.post(
                reverse("imports:start"),
                {"kind": kind.value, "preset": "auto", "file": SimpleUploadedFile(name, data)},
            )
            figures["web_files"] += 1
            assert response.status_code in (302, 400)
            if response.status_code == 302:
                job = ImportJob.objects.latest("id")
                assert job.status == JobStatus.INVALID
                assert http.get(response["Location"]).status_code == 200
            assert snapshot() == before
    seconds = time.perf_counter() - started
    drill_figures(
        f"DRILL import_fuzz files={figures['files']} web={figures['web_files']}"
        f" imported={figures['imported']} rejected={figures['rejected']}"
        f" tracebacks=0 partial_writes={figures['partial_writes']}"
        f" errors_with_row_and_column={figures['errors_with_row_and_column']}"
        f" file_level_errors={figures['file_level_errors']} unnamed={len(unnamed)}"
        f" seconds={seconds:.1f}"
    )
    counts = " ".join(f"{c}={n}" for c, n in codes.most_common())
    drill_figures(f"DRILL import_fuzz codes {counts}")
    assert figures["files"] >= 500
    assert figures["partial_writes"] == 0
    assert unnamed == []
    assert figures["imported"] > 0
    assert figures["rejected"] > 0
