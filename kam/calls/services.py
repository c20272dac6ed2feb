"""Writes of the calls app: importing transcripts (all or nothing, re-runnable), re-analysing
stored calls after the method changes, and editing the method."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q

from kam.accounts.models import User
from kam.calls import domain as d
from kam.calls import transcripts as t
from kam.calls.defaults import restore
from kam.calls.messages import problem_text
from kam.calls.models import Call, CallSettings, ChecklistItem, Industry, QuestionLexicon
from kam.calls.selectors import current_method
from kam.clients.domain import normalize_company_name
from kam.clients.models import Client, Contact
from kam.imports import domain as names

MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class CallError:
    """Where (file, row or line, field) and why a call cannot be imported."""

    file: str
    row: int
    field: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = self.file + (f", row {self.row}" if self.row else "")
        column = f", {self.field}" if self.field else ""
        value = f" ({self.value!r})" if self.value else ""
        return f"{where}{column}{value}: {self.reason}"


@dataclass
class ImportResult:
    calls: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    new_users: list[str] = field(default_factory=list)
    errors: list[CallError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Pending:
    call: t.ParsedCall
    file: str
    row: int


def decode(data: bytes) -> str:
    """Text of an uploaded file: UTF-8 (with or without BOM), UTF-16 with BOM, or cp1251."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251", errors="replace")


def read_path(path: Path) -> list[tuple[str, bytes]]:
    """(name, bytes) of a file, or of every transcript file in a folder (sorted by name)."""
    if path.is_dir():
        files = t.supported(p.name for p in path.iterdir() if p.is_file())
        return [(name, (path / name).read_bytes()) for name in files]
    return [(path.name, path.read_bytes())]


def _parse_file(name: str, data: bytes, out: list[_Pending], errors: list[CallError]) -> None:
    def fail(problem: t.Problem) -> None:
        reason = problem_text(problem.code)
        errors.append(CallError(name, problem.line, problem.field, problem.value, reason))

    if len(data) > MAX_FILE_BYTES:
        fail(t.Problem("too_big"))
        return
    text = decode(data)
    kind = t.sniff_kind(name, text[:200])
    if kind == "csv":
        _parse_csv(name, text, out, fail)
        return
    try:
        call = t.parse_json(text) if kind == "json" else t.parse_text(text)
    except t.TranscriptError as exc:
        fail(exc.problem)
        return
    call.external_id = call.external_id or Path(name).stem
    call.when = call.when or t.date_in_name(name)
    out.append(_Pending(call, name, 0))


def _parse_csv(name: str, text: str, out: list[_Pending], fail: Any) -> None:
    best: tuple[list[list[str]], dict[str, int]] | None = None
    for delimiter in (";", ",", "\t"):
        try:
            rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        except csv.Error:
            continue
        if not rows:
            continue
        columns = t.map_csv_columns(rows[0])
        if best is None or len(columns) > len(best[1]):
            best = (rows, columns)
    if best is None or not best[0]:
        fail(t.Problem("empty"))
        return
    rows, columns = best
    missing = t.missing_columns(columns)
    if missing:
        fail(t.Problem("missing_columns", 1, ", ".join(missing)))
        return
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            call = t.csv_call(row, columns, number)
        except t.TranscriptError as exc:
            fail(exc.problem)
            continue
        if not call.external_id:
            fail(t.Problem("no_id", number, "id"))
            continue
        out.append(_Pending(call, name, number))


class _People:
    """Managers by login or full name in any word order; unknown names become new users."""

    def __init__(self) -> None:
        self.by_login = {u.username.casefold(): u.pk for u in User.objects.only("username")}
        self.by_name: dict[frozenset[str], int] = {}
        for user in User.objects.only("id", "first_name", "last_name", "middle_name"):
            for key in names.person_keys(user.last_name, user.first_name, user.middle_name):
                self.by_name[key] = 0 if key in self.by_name else user.pk
        self.new: dict[frozenset[str], str] = {}

    def find(self, name: str) -> int | frozenset[str] | str:
        """A user id, the key of a new person, or an error code."""
        login = self.by_login.get(name.strip().casefold())
        if login is not None:
            return login
        words = names.name_tokens(name)
        if len(words) < 2:
            return "manager_name"
        key = frozenset(words)
        found = self.by_name.get(key)
        if found == 0:
            return "manager_ambiguous"
        if found is not None:
            return found
        self.new.setdefault(key, name.strip())
        return key

    def create(self) -> tuple[dict[frozenset[str], User], list[str]]:
        made: dict[frozenset[str], User] = {}
        report: list[str] = []
        taken = set(User.objects.values_list("username", flat=True))
        for key, full_name in self.new.items():
            last, first, middle = names.split_person_name(full_name)
            base = names.username_for(full_name)[:140]
            username, n = base, 1
            while username in taken:
                n += 1
                username = f"{base}{n}"
            taken.add(username)
            user = User(
                username=username,
                last_name=last[:150],
                first_name=first[:150],
                middle_name=middle[:150],
                is_manager=True,
            )
            user.set_unusable_password()
            user.save()
            made[key] = user
            report.append(f"{full_name} ({username})")
        return made, report


def _phone_key(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    return digits[-10:] if len(digits) >= 10 else ""


def _client_for(call: t.ParsedCall) -> int | None:
    """The client by phone (a contact's phone, last ten digits) or by company name."""
    key = _phone_key(call.phone)
    if key:
        for client_id, phone, mobile in Contact.objects.filter(
            Q(phone__endswith=key[-7:]) | Q(mobile_phone__endswith=key[-7:])
        ).values_list("client_id", "phone", "mobile_phone"):
            if key in (_phone_key(phone), _phone_key(mobile)):
                return int(client_id)
    if call.client:
        ids = list(
            Client.objects.filter(normalized_name=normalize_company_name(call.client)).values_list(
                "id", flat=True
            )[:2]
        )
        if len(ids) == 1:
            return int(ids[0])
    return None


def _stored(utterances: Sequence[d.Utterance]) -> list[list[Any]]:
    return [[u.speaker.value, u.text, u.start, u.end] for u in utterances]


def analysis_fields(
    utterances: Sequence[d.Utterance],
    lexicon: d.Lexicon,
    checklist: Sequence[d.ChecklistItem],
) -> dict[str, Any]:
    """The stored columns of a call's analysis."""
    a = d.analyse(utterances, lexicon)
    cap = 32_767  # a small-integer column; no real call comes near it
    return {
        "questions_technical": min(a.questions[d.Category.TECHNICAL], cap),
        "questions_personal": min(a.questions[d.Category.PERSONAL], cap),
        "questions_motivation": min(a.questions[d.Category.MOTIVATION], cap),
        "questions_other": min(a.questions[d.Category.OTHER], cap),
        "price_named": a.price_named,
        "meeting_proposed": a.meeting.proposed,
        "meeting_agreed": a.meeting.agreed,
        "manager_talk_share": round(a.manager_talk_share, 4),
        "longest_monologue_words": a.longest_monologue_words,
        "score": round(d.checklist_score(a, checklist).value, 4),
    }


def calls_import(
    *,
    actor: User | None,
    files: Sequence[tuple[str, bytes]],
    default_manager: User | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import call transcripts: every call is checked first; with any error nothing is
    written. A call is keyed by its ID (CSV column, header «ID:», or the file name), so a
    re-run updates instead of duplicating."""
    result = ImportResult()
    pending: list[_Pending] = []
    for name, data in files:
        _parse_file(name, data, pending, result.errors)
    if not files:
        result.errors.append(CallError("", 0, "", "", problem_text("no_files")))
    people = _People()
    seen: dict[str, str] = {}
    managers = [_check(p, people, seen, default_manager, result.errors) for p in pending]
    if result.errors:
        return result
    result.calls = len(pending)
    with transaction.atomic():
        made, result.new_users = people.create()
        method = current_method()
        existing = {c.external_id: c for c in Call.objects.filter(external_id__in=list(seen))}
        for p, ref in zip(pending, managers, strict=True):
            manager = made[ref] if isinstance(ref, frozenset) else None
            manager_id = manager.pk if manager else (ref if isinstance(ref, int) else None)
            if manager_id is None and default_manager is not None:
                manager_id = default_manager.pk
            _save(p, manager_id, existing.get(p.call.external_id), method, result)
        if dry_run:
            transaction.set_rollback(True)
    return result


def _check(
    p: _Pending,
    people: _People,
    seen: dict[str, str],
    default_manager: User | None,
    errors: list[CallError],
) -> int | frozenset[str] | None:
    def fail(field_name: str, value: str, code: str) -> None:
        errors.append(CallError(p.file, p.row, field_name, value, problem_text(code)))

    call = p.call
    if len(call.external_id) > 200:
        fail("id", call.external_id[:40], "id_too_long")
    elif call.external_id in seen:
        fail("id", call.external_id, "duplicate_id")
    seen[call.external_id] = p.file
    if call.when is None:
        fail("date", "", "no_date")
    ref: int | frozenset[str] | None = None
    if call.manager:
        found = people.find(call.manager)
        if isinstance(found, str):
            fail("manager", call.manager, found)
        else:
            ref = found
    elif default_manager is None:
        fail("manager", "", "no_manager")
    if not any(u.speaker is d.Speaker.MANAGER for u in call.utterances):
        fail("transcript", "", "no_manager_lines")
    return ref


def _save(
    p: _Pending, manager_id: int | None, call: Call | None, method: Any, result: ImportResult
) -> None:
    parsed = p.call
    if parsed.when is None or manager_id is None:  # checked before writing; never reached
        raise ValueError(parsed.external_id)
    when: datetime = parsed.when
    values: dict[str, Any] = {
        "day": when.date(),
        "started_at": when.time() if (when.hour, when.minute, when.second) != (0, 0, 0) else None,
        "manager_id": manager_id,
        "client_id": _client_for(parsed),
        "client_label": parsed.client[:300],
        "phone": parsed.phone[:40],
        "duration_seconds": parsed.duration,
        "source": p.file[:300],
        "transcript": _stored(parsed.utterances),
    }
    values.update(analysis_fields(parsed.utterances, method.lexicon, method.checklist))
    if call is None:
        Call.objects.create(external_id=parsed.external_id, **values)
        result.created += 1
        return
    changed = [k for k, v in values.items() if getattr(call, k) != v]
    if not changed:
        result.unchanged += 1
        return
    for key in changed:
        setattr(call, key, values[key])
    call.save(update_fields=[*changed, "updated_at"])
    result.updated += 1


@transaction.atomic
def calls_reanalyse(*, actor: User | None) -> int:
    """Re-run the analysis of every stored call with the method in use; returns how many
    calls changed. Runs after an admin edits the words or the checklist."""
    method = current_method()
    changed = 0
    from kam.calls.selectors import utterances_of

    for call in Call.objects.iterator(chunk_size=500):
        values = analysis_fields(utterances_of(call), method.lexicon, method.checklist)
        fields = [k for k, v in values.items() if getattr(call, k) != v]
        if fields:
            for key in fields:
                setattr(call, key, values[key])
            call.save(update_fields=fields)
            changed += 1
    return changed


@transaction.atomic
def method_update(
    *,
    actor: User,
    industry: Industry,
    make_current: bool,
    words: dict[str, str],
    items: Sequence[dict[str, Any]],
    reference: dict[str, int],
) -> int:
    """Save an industry's words and checklist (and make it the one in use when asked), set
    the reference lines, and re-analyse the stored calls. Returns how many calls changed."""
    for category, text in words.items():
        QuestionLexicon.objects.update_or_create(
            industry=industry, category=category, defaults={"words": text}
        )
    for item in items:
        row = ChecklistItem.objects.get(pk=item["id"], industry=industry)
        row.weight, row.threshold, row.title = item["weight"], item["threshold"], item["title"]
        row.save(update_fields=["weight", "threshold", "title"])
    settings = CallSettings.objects.get()
    if make_current:
        settings.industry = industry
    settings.newcomer_questions_low = reference["newcomer_questions_low"]
    settings.newcomer_questions_high = reference["newcomer_questions_high"]
    settings.habit_weeks = reference["habit_weeks"]
    settings.save(
        update_fields=[
            "industry",
            "newcomer_questions_low",
            "newcomer_questions_high",
            "habit_weeks",
        ]
    )
    return calls_reanalyse(actor=actor)


@transaction.atomic
def method_restore(*, actor: User, industry: Industry) -> int:
    """Put an industry's words and checklist back to the shipped preset and re-analyse."""
    restore(industry, QuestionLexicon, ChecklistItem)
    return calls_reanalyse(actor=actor)
