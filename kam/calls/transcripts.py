"""Reading call transcripts as telephony and speech-analytics services export them (pure).

Three shapes:
- plain text, one turn a line: «Менеджер: …», «Клиент: …» (also Оператор/Абонент,
  Продавец/Покупатель, Manager/Client, Agent/Customer), optionally with a time mark
  «[00:01:23]» before or after the label; a line without a label continues the previous turn;
  an optional header block (before the first turn) with «ID:», «Дата:», «Сотрудник:»,
  «Компания:», «Телефон:», «Длительность:»;
- JSON: a list of utterances `{"speaker", "text", "start", "end"}` (also `role`/`channel`,
  `result`/`phrase`), or an object with call fields and `utterances` / `phrases` / `messages`;
- CSV: one call a row, with the column names of the telephony exports (Sipuni «Время»,
  «Кто ответил», «Откуда», «Длительность разговора»; Mango Office, UIS/CoMagic and Zadarma
  API field names such as `call_id`, `start_time`, `employee_full_name`,
  `contact_phone_number`, `talk_duration`, `billseconds`) and a transcript column
  («Расшифровка», «Транскрибация», «Текст разговора»), the transcript in the text form above.

Problems are codes with parameters; the service words them in the user's language.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from kam.calls.domain import Speaker, Utterance

MANAGER_LABELS = frozenset(
    {
        "менеджер",
        "оператор",
        "продавец",
        "консультант",
        "агент",
        "специалист",
        "риелтор",
        "риэлтор",
        "manager",
        "operator",
        "agent",
        "seller",
        "sales",
        "employee",
    }
)
CLIENT_LABELS = frozenset(
    {
        "клиент",
        "абонент",
        "покупатель",
        "собеседник",
        "звонящий",
        "client",
        "customer",
        "caller",
        "buyer",
    }
)
HEADER_KEYS = {
    "id": "id",
    "id звонка": "id",
    "call id": "id",
    "дата": "date",
    "date": "date",
    "дата звонка": "date",
    "время": "date",
    "сотрудник": "manager",
    "employee": "manager",
    "ответственный": "manager",
    "компания": "client",
    "company": "client",
    "телефон": "phone",
    "phone": "phone",
    "длительность": "duration",
    "duration": "duration",
}
_MARK = r"\[?\(?(?P<{n}>\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?:[.,]\d+)?)\)?\]?"
_LINE = re.compile(
    r"^\s*(?:" + _MARK.format(n="t1") + r"\s*)?"
    r"(?P<label>[A-Za-zА-Яа-яЁё]+)(?:\s*\d)?(?:\s*\([^)]*\))?"
    r"\s*(?:" + _MARK.format(n="t2") + r"\s*)?[:：]\s*(?P<text>.*)$"
)
_HEADER = re.compile(r"^\s*(?P<key>[A-Za-zА-Яа-яЁё ]{2,20})\s*:\s*(?P<value>.+?)\s*$")


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a transcript or a field cannot be read: a code, where, and the offending value."""

    code: str
    line: int = 0
    field: str = ""
    value: str = ""


class TranscriptError(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem


@dataclass
class ParsedCall:
    """A call as read from a file, before matching the manager and client to KAM."""

    external_id: str = ""
    when: datetime | None = None
    manager: str = ""
    client: str = ""
    phone: str = ""
    duration: int | None = None
    utterances: list[Utterance] = field(default_factory=list)


def speaker_of(label: str) -> Speaker | None:
    """The side of a speaker label («Менеджер», «Абонент», «Client 2»...), or None."""
    key = re.sub(r"[\s\d_]+$", "", label.strip().lower())
    if key in MANAGER_LABELS:
        return Speaker.MANAGER
    if key in CLIENT_LABELS:
        return Speaker.CLIENT
    return None


def parse_clock(text: str) -> float | None:
    """«01:23», «00:01:23», «1:02:03.5» → seconds."""
    text = text.strip().replace(",", ".")
    parts = text.split(":")
    if not 2 <= len(parts) <= 3:
        return None
    try:
        nums = [float(p) for p in parts]
    except ValueError:
        return None
    seconds = 0.0
    for n in nums:
        seconds = seconds * 60 + n
    return seconds


def parse_text(text: str, call: ParsedCall | None = None) -> ParsedCall:
    """A text transcript with speaker labels; raises TranscriptError without any label."""
    call = call or ParsedCall()
    turns: list[tuple[Speaker, list[str], float | None]] = []
    in_header = True
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line:
            continue
        match = _LINE.match(line)
        side = speaker_of(match.group("label")) if match else None
        if match and side is not None:
            in_header = False
            mark = match.group("t1") or match.group("t2")
            turns.append((side, [match.group("text").strip()], parse_clock(mark) if mark else None))
            continue
        if in_header:
            header = _HEADER.match(line)
            key = HEADER_KEYS.get(header.group("key").strip().lower()) if header else None
            if header and key:
                _set_header(call, key, header.group("value"), number)
                continue
        if turns:
            turns[-1][1].append(line)
        elif line.startswith(("#", "---", "===")):
            continue
    if not turns:
        raise TranscriptError(Problem("no_speakers"))
    call.utterances = _utterances(turns)
    return call


def _utterances(turns: Sequence[tuple[Speaker, list[str], float | None]]) -> list[Utterance]:
    out: list[Utterance] = []
    for i, (side, parts, start) in enumerate(turns):
        end = turns[i + 1][2] if i + 1 < len(turns) else None
        body = " ".join(p for p in parts if p).strip()
        if body:
            out.append(Utterance(side, body, start, end if start is not None else None))
    return out


def _set_header(call: ParsedCall, key: str, value: str, line: int) -> None:
    if key == "id":
        call.external_id = value.strip()
    elif key == "date":
        when = parse_when(value)
        if when is None:
            raise TranscriptError(Problem("bad_date", line, "date", value))
        call.when = when
    elif key == "manager":
        call.manager = value.strip()
    elif key == "client":
        call.client = value.strip()
    elif key == "phone":
        call.phone = value.strip()
    elif key == "duration":
        seconds = parse_duration(value)
        if seconds is None:
            raise TranscriptError(Problem("bad_duration", line, "duration", value))
        call.duration = seconds


_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d.%m.%y %H:%M",
    "%d.%m.%y",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
)


def parse_when(text: str) -> datetime | None:
    """A naive local date and time from the usual export forms (ISO, «03.04.2025 10:15»)."""
    value = text.strip()
    if not value:
        return None
    value = re.sub(r"(\.\d+)?([+-]\d{2}:?\d{2}|Z)$", "", value)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt)  # noqa: DTZ007 - the company's local time
        except ValueError:
            continue
    return None


def date_in_name(name: str) -> datetime | None:
    """A date in a file name: «2025-04-03_ivanov.txt», «call_03.04.2025.json»."""
    iso = re.search(r"(20\d{2})[-_.](\d{2})[-_.](\d{2})", name)
    try:
        if iso:
            return datetime.combine(date(*map(int, iso.groups())), time(0, 0))
        ru = re.search(r"(\d{2})\.(\d{2})\.(20\d{2})", name)
        if ru:
            day, month, year = map(int, ru.groups())
            return datetime.combine(date(year, month, day), time(0, 0))
    except ValueError:
        return None
    return None


def parse_duration(text: str) -> int | None:
    """Seconds from «325», «325 сек», «05:25», «0:05:25»."""
    value = text.strip().lower()
    if not value:
        return None
    if ":" in value:
        seconds = parse_clock(value)
        return round(seconds) if seconds is not None else None
    digits = re.match(r"^(\d+)(?:[.,]\d+)?\s*(?:с|сек|s|sec)?\.?$", value)
    return int(digits.group(1)) if digits else None


# --- JSON -------------------------------------------------------------------------------

_JSON_TURNS = ("utterances", "phrases", "messages", "dialog", "dialogue", "transcript", "result")
_JSON_FIELDS = {
    "id": ("id", "call_id", "callId", "communication_id", "pbx_call_id", "entry_id"),
    "date": (
        "date",
        "start_time",
        "started_at",
        "startedAt",
        "callstart",
        "call_start",
        "start",
        "datetime",
    ),
    "manager": ("manager", "employee", "employee_full_name", "operator", "agent", "user"),
    "client": ("client", "company", "contact_full_name", "customer"),
    "phone": ("phone", "contact_phone_number", "client_phone", "caller_id", "from", "caller"),
    "duration": ("duration", "talk_duration", "billseconds", "conversation_duration"),
}


def parse_json(text: str) -> ParsedCall:
    """A JSON transcript: a list of utterances or a call object holding one."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise TranscriptError(Problem("bad_json", value=str(exc)[:120])) from exc
    call = ParsedCall()
    items: Any = data
    if isinstance(data, dict):
        items = next((data[k] for k in _JSON_TURNS if isinstance(data.get(k), list)), None)
        if items is None and isinstance(data.get("transcript"), str):
            parse_text(data["transcript"], call)
            items = None
        _json_fields(call, data)
        if items is None and call.utterances:
            return call
    if not isinstance(items, list):
        raise TranscriptError(Problem("no_speakers"))
    call.utterances = [u for i, item in enumerate(items, start=1) if (u := _json_turn(item, i))]
    if not call.utterances:
        raise TranscriptError(Problem("no_speakers"))
    return call


def _json_fields(call: ParsedCall, data: Mapping[str, Any]) -> None:
    for key, names in _JSON_FIELDS.items():
        value = next((data[n] for n in names if data.get(n) not in (None, "")), None)
        if value is None:
            continue
        if key == "manager" and isinstance(value, dict):
            value = value.get("full_name") or value.get("name") or ""
        _set_header(call, key, str(value), 0)


def _json_turn(item: Any, index: int) -> Utterance | None:
    if not isinstance(item, dict):
        raise TranscriptError(Problem("bad_utterance", index, "speaker", str(item)[:80]))
    label = next(
        (str(item[k]) for k in ("speaker", "role", "channel", "side", "who") if k in item), ""
    )
    side = speaker_of(label)
    if side is None:
        raise TranscriptError(Problem("unknown_speaker", index, "speaker", label))
    body = next((item[k] for k in ("text", "result", "phrase", "content") if k in item), "")
    if not isinstance(body, str):
        raise TranscriptError(Problem("bad_utterance", index, "text", str(body)[:80]))
    start, end = _seconds(item.get("start"), index), _seconds(item.get("end"), index)
    return Utterance(side, body.strip(), start, end) if body.strip() else None


def _seconds(value: Any, index: int) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise TranscriptError(Problem("bad_time", index, "start", str(value)))
    if isinstance(value, int | float):
        return float(value)
    parsed = parse_clock(str(value)) if ":" in str(value) else None
    if parsed is None:
        try:
            return float(str(value).replace(",", "."))
        except ValueError as exc:
            raise TranscriptError(Problem("bad_time", index, "start", str(value))) from exc
    return parsed


# --- CSV --------------------------------------------------------------------------------

CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": (
        "id звонка",
        "идентификатор звонка",
        "уникальный id звонка",
        "id сессии",
        "id записи",
        "call id",
        "call_id",
        "communication_id",
        "pbx_call_id",
        "entry_id",
        "id",
    ),
    "date": (
        "дата и время",
        "дата звонка",
        "время звонка",
        "начало звонка",
        "дата",
        "время",
        "start_time",
        "callstart",
        "call_start",
        "started_at",
        "date",
    ),
    "manager": (
        "сотрудник",
        "менеджер",
        "кто ответил",
        "оператор",
        "ответственный",
        "ответственный из crm",
        "имя сотрудника",
        "employee_full_name",
        "employee",
        "manager",
    ),
    "client": ("клиент", "компания", "контакт", "contact_full_name", "client", "company"),
    "phone": (
        "номер клиента",
        "номер абонента",
        "телефон клиента",
        "телефон",
        "откуда",
        "кто звонил",
        "номер звонящего",
        "contact_phone_number",
        "caller_id",
        "caller",
        "from",
        "phone",
    ),
    "duration": (
        "длительность разговора",
        "время разговора",
        "продолжительность разговора",
        "длительность",
        "продолжительность",
        "talk_duration",
        "billseconds",
        "duration",
    ),
    "transcript": (
        "расшифровка",
        "расшифровка разговора",
        "транскрибация",
        "транскрипция",
        "текст разговора",
        "текст звонка",
        "диалог",
        "transcript",
        "transcription",
        "text",
    ),
}


def _header_key(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().strip('"').lstrip("\ufeff").lower())


def map_csv_columns(headers: Sequence[str]) -> dict[str, int]:
    """Field → column index; the first alias in order wins («Длительность разговора» over
    «Длительность звонка» in a Sipuni export, which holds the ringing time too)."""
    keys = [_header_key(h) for h in headers]
    found: dict[str, int] = {}
    for name, aliases in CSV_COLUMNS.items():
        for alias in aliases:
            if alias in keys:
                found[name] = keys.index(alias)
                break
    return found


def csv_call(row: Sequence[str], columns: Mapping[str, int], line: int) -> ParsedCall:
    """One call from a CSV row (the transcript in the text form, with speaker labels)."""

    def cell(name: str) -> str:
        index = columns.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    call = ParsedCall(
        external_id=cell("id"), manager=cell("manager"), client=cell("client"), phone=cell("phone")
    )
    if cell("date"):
        call.when = parse_when(cell("date"))
        if call.when is None:
            raise TranscriptError(Problem("bad_date", line, "date", cell("date")))
    if cell("duration"):
        call.duration = parse_duration(cell("duration"))
        if call.duration is None:
            raise TranscriptError(Problem("bad_duration", line, "duration", cell("duration")))
    try:
        parse_text(cell("transcript"), call)
    except TranscriptError as exc:
        raise TranscriptError(
            Problem(exc.problem.code, line, "transcript", cell("transcript")[:80])
        ) from exc
    return call


def missing_columns(columns: Mapping[str, int]) -> list[str]:
    """Columns a CSV of calls cannot do without."""
    return [name for name in ("id", "transcript") if name not in columns]


def sniff_kind(name: str, head: str) -> str:
    """«csv», «json» or «text» from the extension, then the first characters."""
    lower = name.lower()
    if lower.endswith(".csv"):
        return "csv"
    if lower.endswith(".json"):
        return "json"
    stripped = head.lstrip("\ufeff \r\n\t")
    if stripped.startswith(("[", "{")):
        return "json"
    return "text"


SUPPORTED_SUFFIXES = (".txt", ".json", ".csv", ".text")


def supported(names: Iterable[str]) -> list[str]:
    return sorted(n for n in names if n.lower().endswith(SUPPORTED_SUFFIXES))
