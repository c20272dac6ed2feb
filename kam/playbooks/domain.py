"""Pure rules of the playbook: the age of a case in parts, step deadlines, the Pareto of root
causes and whether a client's words name their manager (SPEC §7). No Django here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from razdel import tokenize


@dataclass(frozen=True, slots=True)
class Age:
    """A duration split into whole days, hours and minutes (for «2 дня 4 часа»)."""

    days: int
    hours: int
    minutes: int


def split_age(delta: timedelta) -> Age:
    """Whole days, hours and minutes of a non-negative duration (negative counts as zero)."""
    seconds = max(0, int(delta.total_seconds()))
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    return Age(days, hours, rest // 60)


def step_deadline(started: datetime, sla_hours: int) -> datetime:
    """When a step that became due at `started` must be done (its SLA in hours)."""
    return started + timedelta(hours=sla_hours)


@dataclass(frozen=True, slots=True)
class ParetoRow:
    """One cause of a Pareto table: count, share and running share in percent."""

    cause: str
    count: int
    share: float
    cumulative: float
    vital: bool  # among the causes that make up the first 80% of complaints


def pareto(counts: Mapping[str, int], *, threshold: float = 80.0) -> list[ParetoRow]:
    """Causes by count, descending (ties by name), with shares; `vital` marks the smallest
    head of the list whose running share reaches `threshold` percent (the 80/20 rule)."""
    total = sum(counts.values())
    if total == 0:
        return []
    rows = []
    running = 0
    reached = False
    for cause, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if count <= 0:
            continue
        vital = not reached
        running += count
        cumulative = 100 * running / total
        reached = reached or cumulative >= threshold - 1e-9
        rows.append(ParetoRow(cause, count, 100 * count / total, cumulative, vital))
    return rows


@lru_cache(maxsize=1)
def _morph() -> object:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


def _lemmas(word: str) -> set[str]:
    analyzer = _morph()
    parses = analyzer.parse(word.lower())  # type: ignore[attr-defined]
    return {p.normal_form for p in parses} | {word.lower()}


def _name_lemmas(name: str) -> set[str]:
    """Normal forms of `name` read as a person's name only (so «Тестов» is not «тест»)."""
    analyzer = _morph()
    parses = analyzer.parse(name.lower())  # type: ignore[attr-defined]
    personal = {"Name", "Surn", "Patr"}
    return {p.normal_form for p in parses if personal & set(p.tag.grammemes)} | {name.lower()}


# Case endings of the common Russian surname paradigms, for surnames the dictionary lacks.
_SURNAME_PARADIGMS = {
    ("ов", "ев", "ёв", "ин", "ын"): ("", "а", "у", "ым", "ом", "е", "ой", "у", "ы", "ых", "ыми"),
    ("ский", "цкий"): ("ий", "ого", "ому", "им", "ом", "ая", "ой", "ую", "ие", "их", "ими"),
}


def _surname_forms(name: str) -> set[str]:
    low = name.lower()
    for suffixes, endings in _SURNAME_PARADIGMS.items():
        for suffix in suffixes:
            if low.endswith(suffix):
                stem = low[:-2] if suffix in ("ский", "цкий") else low
                return {stem + ending for ending in endings}
    return set()


def names_person(text: str, names: Sequence[str]) -> bool:
    """Does `text` name the person by one of `names` (last name, first name), in any case
    form? «жалуюсь на Петрова» names Петров; «Петровка» does not."""
    forms: set[str] = set()
    wanted: set[str] = set()
    for name in names:
        if name and len(name) > 1:
            wanted |= _name_lemmas(name)
            forms |= _surname_forms(name) | {name.lower()}
    if not wanted:
        return False
    words: Iterable[str] = (t.text for t in tokenize(text) if t.text.isalpha())
    return any(word.lower() in forms or _lemmas(word) & wanted for word in words)
