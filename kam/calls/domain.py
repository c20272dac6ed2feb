"""Pure analysis of a sales call (SPEC §9, seed 002): the manager's questions by type, talk
share and the longest monologue, an exact price named on the phone, a meeting proposed and
agreed, and a weighted checklist score.

Everything here is explainable: every decision carries the words that made it. Sentences and
tokens come from razdel, lemmas from pymorphy3 (never substrings of the raw text). Thresholds,
lexicons and checklist items come in as arguments; they are admin-editable settings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

import pymorphy3
from razdel import sentenize, tokenize


class Speaker(StrEnum):
    MANAGER = "manager"
    CLIENT = "client"


class Category(StrEnum):
    """Question types of the seed's method; OTHER is any question with no category word."""

    TECHNICAL = "technical"
    PERSONAL = "personal"
    MOTIVATION = "motivation"
    OTHER = "other"


SEED_CATEGORIES = (Category.TECHNICAL, Category.PERSONAL, Category.MOTIVATION)
# A tie between categories goes to the rarer, more valuable question: a question about the
# dream flat ("the flat of your dreams") names the flat too, but it is a motivation question.
PRIORITY = (Category.MOTIVATION, Category.PERSONAL, Category.TECHNICAL)


@dataclass(frozen=True, slots=True)
class Utterance:
    """One turn of the conversation; start/end in seconds from the call start when known."""

    speaker: Speaker
    text: str
    start: float | None = None
    end: float | None = None


# --- words ----------------------------------------------------------------------------------

_MORPH: pymorphy3.MorphAnalyzer | None = None
_WORD = re.compile(r"\w", re.UNICODE)


def _morph() -> pymorphy3.MorphAnalyzer:
    global _MORPH
    if _MORPH is None:
        _MORPH = pymorphy3.MorphAnalyzer()
    return _MORPH


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """The dictionary form of a word (most probable parse), lower case, «ё» as «е»."""
    low = word.lower().replace("ё", "е")
    if not low.isalpha():
        return low
    return str(_morph().parse(low)[0].normal_form).replace("ё", "е")


def words(text: str) -> list[str]:
    """Word tokens of a text (razdel), punctuation dropped, in lower case."""
    return [t.text.lower() for t in tokenize(text) if _WORD.search(t.text)]


def lemmas(text: str) -> list[str]:
    """Lemmas of the words of a text, in order."""
    return [lemma(w) for w in words(text)]


def normalize_entry(entry: str) -> tuple[str, ...]:
    """A lexicon entry (a word or a phrase, in any form) as a tuple of lemmas."""
    return tuple(lemmas(entry))


# --- lexicons -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lexicon:
    """Category → entries, each entry a tuple of lemmas (one word or a phrase).

    Build it with `Lexicon.build({"technical": ["площадь", "этаж", ...], ...})`: the entries
    are lemmatised, so an admin may type any word form.
    """

    entries: Mapping[Category, frozenset[tuple[str, ...]]]

    @classmethod
    def build(cls, words_by_category: Mapping[str, Iterable[str]]) -> Lexicon:
        out: dict[Category, frozenset[tuple[str, ...]]] = {}
        for key, items in words_by_category.items():
            category = Category(key)
            norm = {normalize_entry(w) for w in items if w.strip()}
            out[category] = frozenset(e for e in norm if e)
        return cls(out)


@dataclass(frozen=True, slots=True)
class Classified:
    """A category and the lexicon entries that decided it (for the call page)."""

    category: Category
    matched: tuple[str, ...]


def _hits(bag: set[str], entries: frozenset[tuple[str, ...]]) -> list[str]:
    """Entries present in the sentence; a phrase entry needs all its lemmas, in any order
    (spoken Russian moves words freely: «где сейчас живёте» / «где живёте сейчас»)."""
    return sorted(" ".join(e) for e in entries if e[0] in bag and all(w in bag for w in e))


def classify_question(question_lemmas: Sequence[str], lexicon: Lexicon) -> Classified:
    """The category whose entries occur most often in the question; ties by PRIORITY.

    A phrase entry counts twice (it is more specific than one word); no hit at all is OTHER.
    """
    best: Classified = Classified(Category.OTHER, ())
    best_score = 0
    bag = set(question_lemmas)
    for category in PRIORITY:
        hits = _hits(bag, lexicon.entries.get(category, frozenset()))
        score = sum(2 if " " in h else 1 for h in hits)
        if score > best_score:
            best, best_score = Classified(category, tuple(hits)), score
    return best


# --- questions ------------------------------------------------------------------------------

INTERROGATIVES = frozenset(
    {
        "как",
        "какой",
        "каков",
        "что",
        "чем",
        "почему",
        "зачем",
        "сколько",
        "где",
        "куда",
        "откуда",
        "когда",
        "кто",
        "чей",
        "который",
        "насколько",
        "разве",
        "неужели",
        "отчего",
    }
)
# Words a spoken question often starts with before the interrogative word itself.
LEAD_INS = frozenset(
    {
        "а",
        "и",
        "ну",
        "вот",
        "так",
        "скажите",
        "подскажите",
        "расскажите",
        "уточните",
        "поделитесь",
        "пожалуйста",
        "кстати",
        "значит",
        "хорошо",
        "ясно",
        "понятно",
        "слушайте",
        "да",
        "отлично",
        "если",
        "не",
        "секундочку",
        "простите",
        "извините",
    }
)
# Sentences that start with an interrogative word but state something.
STATEMENT_OPENINGS = (
    ("как", "правило"),
    ("как", "раз"),
    ("как", "обычно"),
    ("как", "только"),
    ("как", "будто"),
    ("как", "я"),
    ("как", "мы"),
    ("как", "вы", "знаете"),
    ("как", "и"),
    ("как", "договорились"),
    ("как", "говорится"),
    ("что", "касается"),
    ("что", "ж"),
    ("что", "же"),
    ("когда", "будет"),
    ("кто", "бы"),
    ("что", "бы"),
    ("где", "бы"),
    ("как", "бы"),
)


def is_question(sentence: str, tokens: Sequence[str] | None = None) -> bool:
    """A question: ends with «?», or is interrogative by its words.

    Spoken transcripts often lose the question mark, so a sentence also counts when, after
    lead-ins such as «а», «скажите», «подскажите», it starts with an interrogative word
    («как», «что», «почему», «сколько»…) or carries the particle «ли» near its start. It does
    not count when it ends with «!», opens with a set phrase («как правило», «что касается»),
    or is a subordinate clause followed by a stated main clause (ends with «.» after a comma).
    """
    text = sentence.strip()
    if not text:
        return False
    if text.endswith("?"):
        return True
    if text.endswith("!"):
        return False
    toks = list(tokens) if tokens is not None else words(text)
    i = 0
    while i < len(toks) and toks[i] in LEAD_INS:
        i += 1
    head = toks[i:]
    if not head:
        return False
    if "ли" in head[1:4]:
        return True
    if lemma(head[0]) not in INTERROGATIVES:
        return False
    if any(tuple(head[: len(p)]) == p for p in STATEMENT_OPENINGS):
        return False
    return not (text.endswith(".") and "," in text and i == 0)


# --- prices ---------------------------------------------------------------------------------

CURRENCY = frozenset(
    {"рубль", "руб", "р", "₽", "доллар", "$", "евро", "€", "у.е", "уе", "rub", "usd", "eur"}
)
MAGNITUDE = frozenset(
    {"тысяча", "тыс", "т", "к", "миллион", "млн", "лям", "лимон", "миллиард", "млрд", "ярд"}
)
PER_UNIT = frozenset({"метр", "квадрат", "м2", "кв", "сотка", "штука", "шт", "месяц", "тонна"})
APPROXIMATE = frozenset(
    {"от", "до", "около", "примерно", "порядка", "приблизительно", "почти", "где-то", "свыше"}
)
BUDGET = frozenset({"бюджет", "рассчитывать", "располагать", "планировать", "готовый"})
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")
_GROUP = re.compile(r"^\d{3}$")


@dataclass(frozen=True, slots=True)
class PriceMention:
    """A number with a currency or price word; `exact` unless hedged («от», «около»...).
    start/end are character offsets inside the sentence."""

    text: str
    exact: bool
    start: int = 0
    end: int = 0


def _number_spans(tokens: Sequence[str]) -> list[tuple[int, int]]:
    """(start, end) token spans of numbers, joining digit groups: «7 450 000»."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        if _NUMBER.match(tokens[i]) or tokens[i] in ("$", "€", "₽"):
            start = i
            if tokens[i] in ("$", "€", "₽"):
                i += 1
                if i >= len(tokens) or not _NUMBER.match(tokens[i]):
                    continue
            i += 1
            while i < len(tokens) and _GROUP.match(tokens[i]):
                i += 1
            spans.append((start, i))
        else:
            i += 1
    return spans


def price_mentions(sentence: str) -> list[PriceMention]:
    """Prices in a sentence: a number followed (within two words) by a currency or a
    magnitude word («7 450 000 рублей», «185 тысяч за метр», «12,5 млн», «$120 000»).

    Percentages, counts of rooms, metres or floors carry no such word and are not prices.
    """
    toks = list(tokenize(sentence))
    low = [t.text.lower() for t in toks]
    found: list[PriceMention] = []

    def mention(first: int, last: int) -> PriceMention:
        a, b = toks[first].start, toks[last - 1].stop
        return PriceMention(sentence[a:b], _exact(low, first), a, b)

    for start, end in _number_spans(low):
        if low[start] in ("$", "€", "₽"):
            found.append(mention(start, end))
            continue
        after = [lemma(w) for w in low[end : end + 2]]
        if after and after[0] == "%":
            continue
        stop = next((k for k, w in enumerate(after) if w in CURRENCY or w in MAGNITUDE), None)
        if stop is None:
            continue
        last = end + stop + 1
        if last < len(low) and lemma(low[last]) in CURRENCY:
            last += 1
        found.append(mention(start, last))
    return found


def _exact(low: Sequence[str], start: int) -> bool:
    before = {lemma(w) for w in low[max(0, start - 2) : start]}
    return not (before & APPROXIMATE)


def is_budget_question(sentence_lemmas: Sequence[str], question: bool) -> bool:
    """«Какой у вас бюджет — до 10 млн?»: the manager asks, he does not name our price."""
    return question and bool(set(sentence_lemmas) & BUDGET)


# --- meetings -------------------------------------------------------------------------------

MEETING_WORDS = frozenset(
    {
        "встреча",
        "встретиться",
        "показ",
        "просмотр",
        "экскурсия",
        "приехать",
        "подъехать",
        "заехать",
        "визит",
        "посмотреть",
        "показать",
        "офис",
        "демонстрация",
        "презентация",
    }
)
PROPOSAL_WORDS = frozenset(
    {
        "давать",
        "предлагать",
        "приглашать",
        "удобно",
        "удобный",
        "мочь",
        "записать",
        "когда",
        "жду",
        "ждать",
        "договориться",
        "назначить",
    }
)
AGREEMENT_WORDS = frozenset(
    {
        "да",
        "давать",
        "хорошо",
        "договориться",
        "согласный",
        "удобно",
        "подходить",
        "отлично",
        "приехать",
        "подъехать",
        "записывать",
        "ок",
        "окей",
        "конечно",
        "можно",
    }
)
REFUSAL_WORDS = frozenset({"нет", "подумать", "некогда", "позже", "потом", "неудобно"})
CONFIRMATION_PHRASES = (("записать", "вы"), ("жду", "вы"), ("ждать", "вы"), ("договориться",))


@dataclass(frozen=True, slots=True)
class Meeting:
    proposed: bool
    agreed: bool
    proposal_at: int | None  # utterance index of the first proposal


def _proposes(sentence_lemmas: Sequence[str]) -> bool:
    bag = set(sentence_lemmas)
    return bool(bag & MEETING_WORDS) and bool(bag & PROPOSAL_WORDS)


def _agrees(text_lemmas: Sequence[str]) -> bool:
    bag = set(text_lemmas)
    if bag & REFUSAL_WORDS or ("не" in bag and not bag & {"конечно"}):
        return False
    return bool(bag & AGREEMENT_WORDS)


def _confirms(text_lemmas: Sequence[str]) -> bool:
    return any(
        all(w in text_lemmas for w in phrase) for phrase in CONFIRMATION_PHRASES
    ) and not bool(set(text_lemmas) & {"нет", "не"})


def meeting_outcome(
    proposals: Sequence[int], turns: Sequence[tuple[Speaker, list[str] | str]]
) -> Meeting:
    """A meeting is proposed when a manager sentence names a meeting or visit with an offer
    («давайте», «приглашаю», «когда вам удобно»); agreed when, within the next two turns,
    the client says yes without a refusal, or the manager confirms («записал вас», «жду вас»,
    «договорились»)."""
    if not proposals:
        return Meeting(False, False, None)
    for at in proposals:
        for speaker, said in turns[at + 1 : at + 4]:
            text_lemmas = lemmas(said) if isinstance(said, str) else said
            if speaker is Speaker.CLIENT and _agrees(text_lemmas):
                return Meeting(True, True, proposals[0])
            if speaker is Speaker.MANAGER and _confirms(text_lemmas):
                return Meeting(True, True, proposals[0])
    return Meeting(True, False, proposals[0])


# --- the whole call -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sentence:
    """A manager sentence with its findings: offsets are inside the utterance's text."""

    utterance: int
    start: int
    end: int
    question: Classified | None
    prices: tuple[PriceMention, ...]


@dataclass(frozen=True)
class Analysis:
    """Everything the call page, the report and the checklist need for one call."""

    questions: Mapping[Category, int]
    sentences: tuple[Sentence, ...]
    price_named: bool
    meeting: Meeting
    manager_talk_share: float
    longest_monologue_words: int
    longest_monologue_seconds: float | None
    manager_words: int
    client_words: int  # 0 when every turn is timed (talk share then comes from the times)

    @property
    def question_total(self) -> int:
        return sum(self.questions.values())


def _talk(
    utterances: Sequence[Utterance], counts: Sequence[int]
) -> tuple[float, int, float | None]:
    """Manager talk share (by time when every turn is timed, else by words) and the longest
    run of consecutive manager turns in words and, when timed, in seconds."""
    timed = all(u.start is not None and u.end is not None for u in utterances) and utterances
    total = manager = 0.0
    run_words = best_words = 0
    run_start: float | None = None
    best_seconds: float | None = 0.0 if timed else None
    for u, n in zip(utterances, counts, strict=True):
        size = (u.end - u.start) if timed and u.end is not None and u.start is not None else n
        total += max(size, 0)
        if u.speaker is Speaker.MANAGER:
            manager += max(size, 0)
            run_words += n
            if run_start is None:
                run_start = u.start
            best_words = max(best_words, run_words)
            if timed and run_start is not None and u.end is not None and best_seconds is not None:
                best_seconds = max(best_seconds, u.end - run_start)
        else:
            run_words, run_start = 0, None
    share = manager / total if total > 0 else 0.0
    return share, best_words, best_seconds


def analyse(utterances: Sequence[Utterance], lexicon: Lexicon) -> Analysis:
    """Analyse a transcript: every manager sentence is checked for a question (and its
    category) and for a price; the whole conversation for talk share, the longest monologue
    and a meeting."""
    questions = dict.fromkeys(Category, 0)
    sentences: list[Sentence] = []
    # Client turns keep their text: only the few after a proposal need lemmas.
    turns: list[tuple[Speaker, list[str] | str]] = []
    proposals: list[int] = []
    counts: list[int] = []
    price_named = False
    manager_words = client_words = 0
    # With every turn timed, talk share is by time: the client's words need no counting.
    timed = bool(utterances) and all(u.start is not None and u.end is not None for u in utterances)
    for index, u in enumerate(utterances):
        if u.speaker is Speaker.CLIENT:
            n_client = 0 if timed else len(words(u.text))
            client_words += n_client
            counts.append(n_client)
            turns.append((u.speaker, u.text))
            continue
        turn_lemmas: list[str] = []
        n = 0
        for sent in sentenize(u.text):
            toks = words(sent.text)
            n += len(toks)
            sent_lemmas = [lemma(w) for w in toks]
            turn_lemmas.extend(sent_lemmas)
            asked = is_question(sent.text, toks)
            found: Classified | None = None
            if asked:
                found = classify_question(sent_lemmas, lexicon)
                questions[found.category] += 1
            prices = tuple(price_mentions(sent.text)) if _may_have_number(sent.text) else ()
            if prices and is_budget_question(sent_lemmas, asked):
                prices = tuple(PriceMention(p.text, False, p.start, p.end) for p in prices)
            if any(p.exact for p in prices):
                price_named = True
            if _proposes(sent_lemmas) and (not proposals or proposals[-1] != index):
                proposals.append(index)
            if found is not None or prices:
                sentences.append(Sentence(index, sent.start, sent.stop, found, prices))
        manager_words += n
        counts.append(n)
        turns.append((u.speaker, turn_lemmas))
    share, mono_words, mono_seconds = _talk(utterances, counts)
    return Analysis(
        questions=questions,
        sentences=tuple(sentences),
        price_named=price_named,
        meeting=meeting_outcome(proposals, turns),
        manager_talk_share=share,
        longest_monologue_words=mono_words,
        longest_monologue_seconds=mono_seconds,
        manager_words=manager_words,
        client_words=client_words,
    )


_MAY_BE_PRICE = re.compile(r"[\d$€₽]")


def _may_have_number(text: str) -> bool:
    return _MAY_BE_PRICE.search(text) is not None


# --- checklist ------------------------------------------------------------------------------


class Check(StrEnum):
    """What a checklist item tests; `threshold` is its number (a count, share or words)."""

    TECHNICAL_AT_LEAST = "technical_at_least"
    PERSONAL_AT_LEAST = "personal_at_least"
    MOTIVATION_AT_LEAST = "motivation_at_least"
    QUESTIONS_AT_LEAST = "questions_at_least"
    NO_EXACT_PRICE = "no_exact_price"
    MEETING_PROPOSED = "meeting_proposed"
    MEETING_AGREED = "meeting_agreed"
    TALK_SHARE_AT_MOST = "talk_share_at_most"
    MONOLOGUE_AT_MOST = "monologue_at_most"


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    check: Check
    weight: float
    threshold: float = 0.0
    title: str = ""


@dataclass(frozen=True, slots=True)
class ItemResult:
    item: ChecklistItem
    passed: bool
    actual: float


@dataclass(frozen=True)
class Score:
    """Σ weight of passed items / Σ weight of all items, in 0..1."""

    value: float
    items: tuple[ItemResult, ...] = field(default_factory=tuple)


def _actual(check: Check, a: Analysis) -> float:
    values: dict[Check, float] = {
        Check.TECHNICAL_AT_LEAST: a.questions[Category.TECHNICAL],
        Check.PERSONAL_AT_LEAST: a.questions[Category.PERSONAL],
        Check.MOTIVATION_AT_LEAST: a.questions[Category.MOTIVATION],
        Check.QUESTIONS_AT_LEAST: a.question_total,
        Check.NO_EXACT_PRICE: float(a.price_named),
        Check.MEETING_PROPOSED: float(a.meeting.proposed),
        Check.MEETING_AGREED: float(a.meeting.agreed),
        Check.TALK_SHARE_AT_MOST: a.manager_talk_share,
        Check.MONOLOGUE_AT_MOST: a.longest_monologue_words,
    }
    return values[check]


def _passes(check: Check, actual: float, threshold: float) -> bool:
    if check in (Check.MEETING_PROPOSED, Check.MEETING_AGREED):
        return actual >= 1
    if check is Check.NO_EXACT_PRICE:
        return actual == 0
    if check in (Check.TALK_SHARE_AT_MOST, Check.MONOLOGUE_AT_MOST):
        return actual <= threshold
    return actual >= threshold


def checklist_score(analysis: Analysis, items: Sequence[ChecklistItem]) -> Score:
    """The weighted share of checklist items the call passes (0 when no item has weight)."""
    results = []
    for item in items:
        actual = _actual(item.check, analysis)
        results.append(ItemResult(item, _passes(item.check, actual, item.threshold), actual))
    total = sum(max(r.item.weight, 0) for r in results)
    passed = sum(max(r.item.weight, 0) for r in results if r.passed)
    return Score(passed / total if total > 0 else 0.0, tuple(results))


# --- weeks ----------------------------------------------------------------------------------


def per_call(counts: Mapping[str, int], calls: int) -> dict[str, float]:
    """Questions per call by category, rounded to 0.01 (0 for no calls)."""
    return {k: round(v / calls, 2) if calls else 0.0 for k, v in counts.items()}


def iso_week(year: int, week: int) -> str:
    """«2025-W14»."""
    return f"{year:04d}-W{week:02d}"
