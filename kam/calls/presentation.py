"""The call page's transcript as spans (plain data; the template renders them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kam.calls import domain as d


@dataclass(frozen=True, slots=True)
class Span:
    text: str
    category: str = ""  # question category, or "" for plain text
    matched: str = ""  # the lexicon words that decided the category
    price: bool = False  # a price mention
    exact: bool = False


@dataclass(frozen=True, slots=True)
class Turn:
    speaker: str
    start: float | None
    spans: tuple[Span, ...]


def turns(utterances: Sequence[d.Utterance], analysis: d.Analysis) -> list[Turn]:
    """Each utterance cut into plain text, questions (with category) and price mentions."""
    by_turn: dict[int, list[d.Sentence]] = {}
    for s in analysis.sentences:
        by_turn.setdefault(s.utterance, []).append(s)
    out: list[Turn] = []
    for index, u in enumerate(utterances):
        spans: list[Span] = []
        pos = 0
        for s in sorted(by_turn.get(index, []), key=lambda x: x.start):
            if s.start > pos:
                spans.append(Span(u.text[pos : s.start]))
            spans.extend(_sentence_spans(u.text[s.start : s.end], s))
            pos = s.end
        if pos < len(u.text):
            spans.append(Span(u.text[pos:]))
        out.append(Turn(u.speaker.value, u.start, tuple(spans)))
    return out


def _sentence_spans(text: str, s: d.Sentence) -> list[Span]:
    category = s.question.category.value if s.question else ""
    matched = ", ".join(s.question.matched) if s.question else ""
    spans: list[Span] = []
    pos = 0
    for p in sorted(s.prices, key=lambda x: x.start):
        if p.start > pos:
            spans.append(Span(text[pos : p.start], category, matched))
        spans.append(Span(text[p.start : p.end], category, matched, True, p.exact))
        pos = p.end
    if pos < len(text):
        spans.append(Span(text[pos:], category, matched))
    return spans


@dataclass(frozen=True, slots=True)
class WeekRow:
    week: str
    calls: int
    per_call: dict[str, float]
    total: float
    below_reference: bool  # fewer questions a call than a newcomer asks
    habit_week: int  # 1-based week count since the manager's first week shown


def week_rows(weeks: Sequence[dict[str, object]], *, low: int) -> list[WeekRow]:
    """The manager's weeks with the total questions a call and the reference marks."""
    rows = []
    for n, w in enumerate(weeks, start=1):
        per_call = dict(w["questions_per_call"])  # type: ignore[call-overload]
        total = round(sum(per_call.values()), 2)
        rows.append(
            WeekRow(str(w["week"]), int(w["calls"]), per_call, total, total < low, n)  # type: ignore[call-overload]
        )
    return rows
