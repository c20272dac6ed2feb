"""Reading the files teams really have: CSV (UTF-8, UTF-16, cp1251; ; , or tab), XLSX, old
binary XLS and Bitrix24's "Excel" export, which is an HTML table saved as .xls.

Rows are streamed: a file of a million lines is never held in memory at once. Every cell comes
out as text (numbers from spreadsheets are written without going through a lossy float-to-text
step where possible), so the parsers in `domain` see one kind of value.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from html.parser import HTMLParser
from itertools import chain, islice
from pathlib import Path
from typing import IO, Any

CHUNK = 1 << 20
MAX_CELL = 100_000  # characters; a longer cell is a broken file, not data
MAX_UNPACKED = 512 * 1024 * 1024  # bytes an XLSX may unpack to
MAX_RATIO = 200  # compression ratio above which a big XLSX part is treated as a zip bomb
MAX_ZIP_ENTRIES = 5_000
MAX_COLUMNS = 500
EXACT_FLOAT = 2**53

csv.field_size_limit(MAX_CELL)


class FileProblem(Exception):  # noqa: N818 - a problem report, not a bug
    """The file cannot be read at all (or from `row` on): a code for the translated reason."""

    def __init__(self, code: str, row: int = 0, column: str = "", **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.row = row
        self.column = column
        self.params = {k: str(v) for k, v in params.items()}


def column_letter(index: int) -> str:
    """A 0-based column index as a spreadsheet shows it: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Table:
    """An opened file: its detected shape, the header row and an iterator of data rows."""

    format: str
    encoding: str = ""
    delimiter: str = ""
    headers: list[str] = field(default_factory=list)
    header_row: int = 1
    # Rows the header spans (two for a merged two-level header) and the text above it.
    header_rows: int = 1
    title: list[str] = field(default_factory=list)
    sheet: str = ""
    sheets: int = 1
    rows: Iterator[tuple[int, list[str]]] = field(default_factory=lambda: iter(()))
    # A CSV file's path and the bytes of its BOM (for `read_columns`).
    path: Path | None = None
    skip: int = 0
    _handles: list[Any] = field(default_factory=list)

    def close(self) -> None:
        for handle in self._handles:
            handle.close()
        self._handles.clear()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _no_nul(cells: list[str]) -> list[str]:
    """Cells without NUL characters: never data, and databases refuse them in text."""
    return [c.replace("\x00", "") if "\x00" in c else c for c in cells]


# --- encodings -----------------------------------------------------------------------------


def _decodes(path: Path, encoding: str, skip: int = 0) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with path.open("rb") as handle:
            handle.seek(skip)
            while chunk := handle.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(path: Path) -> tuple[str, int]:
    """(encoding, bytes of BOM to skip): BOM first, then UTF-16 by its zero bytes, then strict
    UTF-8, then strict cp1251 (Russian Excel's "CSV"). Anything else is refused."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    candidates: list[tuple[str, int]] = []
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        candidates = [("utf-32", 0)]
    elif head.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8", 3)]
    elif head.startswith(codecs.BOM_UTF16_LE):
        candidates = [("utf-16-le", 2)]
    elif head.startswith(codecs.BOM_UTF16_BE):
        candidates = [("utf-16-be", 2)]
    else:
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if len(head) >= 4 and odd > len(head) // 4 and even == 0:
            candidates.append(("utf-16-le", 0))
        elif len(head) >= 4 and even > len(head) // 4 and odd == 0:
            candidates.append(("utf-16-be", 0))
        candidates += [("utf-8", 0), ("cp1251", 0)]
    for encoding, skip in candidates:
        if _decodes(path, encoding, skip):
            if encoding == "utf-32":
                return "utf-32", 0
            return encoding, skip
    row, column = _first_bad_byte(path, candidates[0][0], candidates[0][1])
    raise FileProblem("encoding", row, column)


def _first_bad_byte(path: Path, encoding: str, skip: int) -> tuple[int, str]:
    """(row, column letter) of the first byte that `encoding` cannot decode, counting `;`,
    `,` or tab separators before it on its line."""
    with path.open("rb") as handle:
        handle.seek(skip)
        data = handle.read(64 * CHUNK)
    try:
        data.decode(encoding)
    except UnicodeDecodeError as exc:
        start = data.rfind(b"\n", 0, exc.start) + 1
        line = data[start : exc.start]
        separators = max(line.count(b";"), line.count(b","), line.count(b"\t"))
        return data.count(b"\n", 0, exc.start) + 1, column_letter(separators)
    return 0, ""


# --- CSV -----------------------------------------------------------------------------------

DELIMITERS = (";", ",", "\t")


def sniff_delimiter(sample: str) -> str:
    """The delimiter among ; , and tab that splits the first lines most consistently.

    Ties go to ";" (what Russian Excel writes), then ",".
    """
    lines = sample.splitlines()[:30] if "\n" in sample else [sample]
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the last line of a sample may be cut in the middle
    best, best_score = ";", (0, 0)
    for delimiter in DELIMITERS:
        try:
            rows = [r for r in csv.reader(lines, delimiter=delimiter) if any(c.strip() for c in r)]
        except csv.Error:
            continue
        if not rows:
            continue
        width = len(rows[0])
        if width < 2:
            continue
        consistent = sum(1 for r in rows if len(r) == width)
        score = (consistent, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_rows(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    number = 0
    try:
        for row in reader:
            number += 1
            if len(row) > MAX_COLUMNS:
                raise FileProblem(
                    "too_many_columns", number, column_letter(MAX_COLUMNS), limit=MAX_COLUMNS
                )
            yield number, row
    except csv.Error as exc:
        # Raised by the reader only (never at the `yield`: nothing is thrown into it).
        raise FileProblem("csv_broken", number + 1, detail=str(exc)[:200]) from exc
    except UnicodeDecodeError as exc:
        raise FileProblem("encoding", number + 1) from exc


def _sample(path: Path, encoding: str, skip: int) -> str:
    with path.open("rb") as handle:
        handle.seek(skip)
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        return decoder.decode(handle.read(64 * 1024), final=False)


def _open_csv(path: Path, encoding: str, skip: int) -> Table:
    raw = path.open("rb")
    raw.seek(skip)
    text = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
    delimiter = sniff_delimiter(_sample(path, encoding, skip))
    table = Table(
        format="csv",
        encoding=encoding,
        delimiter=delimiter,
        path=path,
        skip=skip,
        _handles=[text],
    )
    # NUL characters are dropped line by line before the cells are split (a check per line
    # instead of one per cell), in the files that have any (a scan of the bytes tells).
    lines: Iterator[str] = text
    if encoding.startswith("utf-16") or _has_nul(path, skip):
        lines = (line.replace("\x00", "") if "\x00" in line else line for line in text)
    table.rows = _csv_rows(csv.reader(lines, delimiter=delimiter))
    return table


# Every character Python's `str.strip()` removes (those whose `isspace()` is true), for the
# columnar reading to strip cells exactly as the row reading does.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# A CSV file from this size on is read column by column when its kind can check it so, in
# blocks of this size (on several threads).
COLUMNAR_BYTES = 4 << 20
COLUMNAR_BLOCK = 1 << 20


@dataclass
class Columns:
    """The data rows of a CSV table read as columns: `data` is a pyarrow table of one string
    column per header column (the checker may let it go, None), `rows` of them; row k is the
    file's row `first + k`. `preview` holds the cells of the first rows."""

    data: Any
    rows: int
    first: int
    preview: list[list[str]]


def rows_at(data: Any, places: list[int]) -> Iterator[tuple[str, ...]]:
    """The cells of the rows of a pyarrow table at `places` (ascending), as tuples: taken
    batch by batch, which leaves the rest of the table where it is (a take over the whole
    table first joins its batches, a copy of every column)."""
    import bisect

    import pyarrow as pa

    start = done = 0
    for batch in data.to_batches():
        end = start + batch.num_rows
        upto = bisect.bisect_left(places, end, done)
        if upto > done:
            picked = batch.take(pa.array([p - start for p in places[done:upto]], pa.int64()))
            yield from zip(*(column.to_pylist() for column in picked.columns), strict=True)
        start, done = end, upto


def read_columns(table: Table, *, grouped: bool, preview_rows: int) -> Columns | None:
    """The data rows below the header of a big CSV file as string columns, parsed by pyarrow
    (on several threads, without a Python object per cell), or None when this reading could
    differ from the row by row one (`table.rows`): a file of another format or encoding, a
    header of two rows, a NUL byte, a row of another width, a cell over MAX_CELL, a report
    with groups, or a row `domain.data_rows` would not pass through as it is (blank, a total,
    a repeated header). The caller then reads the rows one by one; nothing is consumed."""
    path = table.path
    if (
        table.format != "csv"
        or path is None
        or table.encoding not in ("utf-8", "cp1251")
        or table.header_rows != 1
        or grouped
        or path.stat().st_size < COLUMNAR_BYTES
    ):
        return None
    nul, quoted = _holds(path, table.skip, b"\x00", b'"')
    if nul:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pa_csv

    width = len(table.headers)
    names = [f"c{i}" for i in range(width)]
    try:
        data = pa_csv.read_csv(
            str(path),
            read_options=pa_csv.ReadOptions(
                skip_rows=table.header_row,
                column_names=names,
                block_size=COLUMNAR_BLOCK,
                encoding="utf8" if table.encoding == "utf-8" else table.encoding,
            ),
            parse_options=pa_csv.ParseOptions(
                delimiter=table.delimiter,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                # A line break inside a value needs quotes; without any, the file is split
                # into blocks at line breaks and parsed on several threads.
                newlines_in_values=quoted,
                ignore_empty_lines=False,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, UnicodeError):
        return None  # a row of another width, a broken quote: the row reader says where
    if data.num_rows == 0 or data.num_columns != width:
        return None
    for column in data.columns:
        # Bytes first (no decoding): a cell of fewer bytes has fewer characters.
        if pc.max(pc.binary_length(column)).as_py() > MAX_CELL and (
            pc.max(pc.utf8_length(column)).as_py() > MAX_CELL
        ):
            return None
    # The first row must be the one the row reader gives after the header (blank lines
    # above the header are rows to both, but never let them disagree).
    with path.open(encoding=table.encoding, newline="") as handle:
        handle.seek(table.skip)
        after = list(islice(csv.reader(handle, delimiter=table.delimiter), table.header_row + 1))
    head = [str(v) for v in data.slice(0, 1).to_pylist()[0].values()]
    if len(after) <= table.header_row or after[table.header_row] != head:
        return None
    # Every row passes `domain.data_rows` as it is: decided in one scan for the first cells
    # that start with a digit (never blank, a total or, unless the header's first cell does
    # too, the header), by the first cell alone for most others, and by the whole row for
    # the rest (a row with its first cell empty, say).
    from kam.imports.domain import ordinary_first_cell, passes_as_data

    head0 = table.headers[0] if table.headers else ""
    first = data.column(0)
    if head0[:1].isdigit():
        doubt = pa.array([True] * data.num_rows)
    else:
        doubt = pc.invert(pc.match_substring_regex(first, "^[0-9]"))
    places = pc.indices_nonzero(doubt)
    texts = pc.take(first, places).to_pylist()
    odd = [
        k
        for k, text in zip(places.to_pylist(), texts, strict=True)
        if not ordinary_first_cell(text, head0)
    ]
    if odd and not all(passes_as_data(row, table.headers) for row in rows_at(data, odd)):
        return None
    preview = [list(row.values()) for row in data.slice(0, preview_rows).to_pylist()]
    return Columns(data=data, rows=data.num_rows, first=table.header_row + 1, preview=preview)


def _holds(path: Path, skip: int, *needles: bytes) -> list[bool]:
    """Whether the file (after `skip` bytes) holds each of these single bytes."""
    found = [False] * len(needles)
    with path.open("rb") as handle:
        handle.seek(skip)
        while chunk := handle.read(CHUNK):
            found = [f or needle in chunk for f, needle in zip(found, needles, strict=True)]
    return found


def _has_nul(path: Path, skip: int) -> bool:
    """Whether the file holds a NUL byte (in UTF-8 and cp1251, only a NUL character is one)."""
    return _holds(path, skip, b"\x00")[0]


# --- spreadsheets --------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A spreadsheet cell as text: whole numbers without ".0", dates in ISO form.

    A float beyond 2**53 has lost digits already (Excel keeps 15): it comes out in scientific
    form so that an id or INN column reports it instead of importing a wrong number.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return "NaN"
        if abs(value) >= EXACT_FLOAT:
            return repr(value)
        if value.is_integer():
            return str(int(value))
        # Binary floats (0.1 + 0.2) are money with kopecks here.
        return f"{round(value, 2):.2f}"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    return str(value)


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise FileProblem("broken_xlsx") from exc
    if len(infos) > MAX_ZIP_ENTRIES:
        raise FileProblem("zip_bomb")
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > MAX_UNPACKED or (info.file_size > 10 * CHUNK and ratio > MAX_RATIO):
            raise FileProblem("zip_bomb")


def _xlsx_rows(sheet: Any) -> Iterator[tuple[int, list[str]]]:
    number = 0
    try:
        for values in sheet.iter_rows(values_only=True):
            number += 1
            if len(values) > MAX_COLUMNS:
                raise FileProblem(
                    "too_many_columns", number, column_letter(MAX_COLUMNS), limit=MAX_COLUMNS
                )
            cells = _no_nul([cell_text(v) for v in values])
            long = next((i for i, c in enumerate(cells) if len(c) > MAX_CELL), None)
            if long is not None:
                raise FileProblem("cell_too_long", number, column_letter(long), limit=MAX_CELL)
            yield number, cells
    except FileProblem:
        raise
    except Exception as exc:  # openpyxl raises anything on a damaged part (untrusted input)
        raise FileProblem("broken_xlsx", number + 1) from exc


def _open_xlsx(path: Path) -> Table:
    _check_zip(path)
    from openpyxl import load_workbook

    # Opened as a file object: openpyxl refuses a path whose name does not end in .xlsx, and
    # uploads are stored under names of KAM's own.
    handle = path.open("rb")
    try:
        # read_only streams the sheet XML; defusedxml (installed) guards the XML parser.
        book = load_workbook(handle, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        names = list(book.sheetnames)
    except Exception as exc:  # a damaged or not-really-xlsx archive
        handle.close()
        raise FileProblem("broken_xlsx") from exc
    table = Table(format="xlsx", _handles=[book, handle], sheet=names[0], sheets=len(names))
    table.rows = _xlsx_rows(sheet)
    return table


def _open_xls(path: Path) -> Table:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        data = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
        names = list(book.sheet_names)
    except Exception as exc:  # calamine raises its own errors on damaged files
        raise FileProblem("broken_xls") from exc
    table = Table(format="xls", sheet=names[0] if names else "", sheets=len(names))
    table.rows = ((i, _no_nul([cell_text(v) for v in row])) for i, row in enumerate(data, 1))
    return table


# --- HTML tables (Bitrix24 "Excel") ----------------------------------------------------------


class _TableParser(HTMLParser):
    """Collects the rows of HTML tables; cells are text with whitespace folded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ready: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "tr":
            self._close_row()
            self._row = []
        elif tag in ("td", "th"):
            self._close_cell()
            if self._row is None:
                self._row = []
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in ("td", "th"):
            self._close_cell()
        elif tag in ("tr", "table"):
            self._close_row()

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._skip:
            self._cell.append(data)
            if sum(len(p) for p in self._cell) > MAX_CELL:
                raise FileProblem(
                    "cell_too_long",
                    len(self.ready) + 1,
                    column_letter(len(self._row or ())),
                    limit=MAX_CELL,
                )

    def _close_cell(self) -> None:
        if self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
        self._cell = None

    def _close_row(self) -> None:
        self._close_cell()
        if self._row is not None:
            if len(self._row) > MAX_COLUMNS:
                raise FileProblem(
                    "too_many_columns",
                    len(self.ready) + 1,
                    column_letter(MAX_COLUMNS),
                    limit=MAX_COLUMNS,
                )
            self.ready.append(_no_nul(self._row))
        self._row = None


def _html_rows(text: IO[str]) -> Iterator[tuple[int, list[str]]]:
    parser = _TableParser()
    number = 0
    try:
        while chunk := text.read(256 * 1024):
            parser.feed(chunk)
            for row in parser.ready:
                number += 1
                yield number, row
            parser.ready.clear()
        parser.close()
        parser._close_row()
    except UnicodeDecodeError as exc:
        raise FileProblem("encoding", number + 1) from exc
    for row in parser.ready:
        number += 1
        yield number, row


def _looks_like_html(head: str) -> bool:
    start = head.lstrip().lower()[:2048]
    return start.startswith(("<!doctype html", "<html", "<table", "<meta", "<?xml")) and (
        "<table" in head.lower()
    )


def _open_html(path: Path, encoding: str, skip: int) -> Table:
    raw = path.open("rb")
    raw.seek(skip)
    text = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
    table = Table(format="html", encoding=encoding, _handles=[text])
    table.rows = _html_rows(text)
    return table


# --- entry point ---------------------------------------------------------------------------


HeaderScore = Callable[[list[str]], int]
SCAN_ROWS = 30  # rows searched for the header (title blocks of 1C reports are 3-10 rows)


def _filled(row: list[str]) -> bool:
    return any(cell.strip() for cell in row)


def join_header_rows(upper: list[str], lower: list[str]) -> list[str]:
    """One header from a two-level one: a lower cell names its column, else the upper cell.

    A merged upper cell ("Продажи" over "Количество" and "Сумма") stays only where nothing is
    written below it; the column names themselves are in the lower row.
    """
    width = max(len(upper), len(lower))
    out = []
    for i in range(width):
        low = lower[i].strip() if i < len(lower) else ""
        up = upper[i].strip() if i < len(upper) else ""
        out.append(low or up)
    return out


def _with_header(table: Table, score: HeaderScore | None = None) -> Table:
    """Find the header and leave the rows below it in `table.rows`.

    Without `score` the header is the first row with any text. With it, the first SCAN_ROWS
    rows are searched for the row (or two adjacent rows joined, for a two-level header) that
    names most of the expected columns; the text above it is a title block and is kept in
    `table.title`. When nothing matches at all, the first row with text is the header.
    """
    if score is None:
        for number, row in table.rows:
            if _filled(row):
                table.headers = [c.strip() for c in row]
                table.header_row = number
                return table
        raise FileProblem("empty")
    scanned: list[tuple[int, list[str]]] = []
    for number, row in table.rows:
        scanned.append((number, row))
        if len(scanned) >= SCAN_ROWS:
            break
    filled = [i for i, (_n, row) in enumerate(scanned) if _filled(row)]
    if not filled:
        raise FileProblem("empty")
    candidates: list[tuple[int, int, int]] = []  # (score, index in scanned, rows)
    for i in filled:
        row = scanned[i][1]
        single = score(row)
        best_here = (single, i, 1)
        if i + 1 < len(scanned) and _filled(scanned[i + 1][1]):
            joined = score(join_header_rows(row, scanned[i + 1][1]))
            if joined > single:
                best_here = (joined, i, 2)
        candidates.append(best_here)
    top = max(c[0] for c in candidates)
    # The first row that is nearly as good as the best: a second table further down that
    # names one column more does not win over the table at the top.
    best = next((c for c in candidates if c[0] >= max(1, top - 2)), (0, filled[0], 1))
    _score, index, span = best
    number, row = scanned[index]
    if span == 2:
        row = join_header_rows(row, scanned[index + 1][1])
    table.headers = [c.strip() for c in row]
    table.header_row = number
    table.header_rows = span
    table.title = [
        " ".join(c.strip() for c in r if c.strip())[:200] for _n, r in scanned[:index] if _filled(r)
    ][:10]
    table.rows = chain(scanned[index + span :], table.rows)
    return table


def open_table(path: Path, *, score: HeaderScore | None = None) -> Table:
    """Open a file of any supported kind by its content (not its name) and find its header
    (the first row with text, or the best match by `score`; see `_with_header`)."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if not head:
        raise FileProblem("empty")
    if head.startswith((b"PK\x03\x04", b"PK")):
        table = _open_xlsx(path)
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        table = _open_xls(path)
    else:
        encoding, skip = detect_encoding(path)
        if _looks_like_html(_sample(path, encoding, skip)):
            table = _open_html(path, encoding, skip)
        else:
            table = _open_csv(path, encoding, skip)
    try:
        return _with_header(table, score)
    except BaseException:
        table.close()
        raise
