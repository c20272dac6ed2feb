"""Suggest the positive opposite of a "worst client" trait (workshop step 3, SPEC §6).

Works on words, not substrings: razdel splits the text into tokens, pymorphy3 gives each word
its lemma and grammatical form. Three rules, tried in order:
1. a known phrase (matched by its lemmas) has a written-out opposite;
2. a negated word («не лоялен», «не желает») loses its «не»; a word with a negative prefix
   («нелояльный», «негибкий») becomes the dictionary word without it;
3. a word with a known antonym («медленно» → «быстро») is replaced by the antonym in the same
   grammatical form.
The result is a suggestion: the user edits or replaces it. None when no rule applies.
"""

from __future__ import annotations

from functools import lru_cache

import pymorphy3
from razdel import tokenize

# Lemma pairs; each works both ways.
_PAIRS = (
    ("медленно", "быстро"),
    ("медленный", "быстрый"),
    ("долго", "быстро"),
    ("закрытый", "открытый"),
    ("скрытный", "открытый"),
    ("жадный", "щедрый"),
    ("пассивный", "активный"),
    ("агрессивный", "доброжелательный"),
    ("грубый", "вежливый"),
    ("авторитарный", "коллегиальный"),
    ("хаотичный", "организованный"),
    ("редко", "регулярно"),
    ("плохо", "хорошо"),
    ("плохой", "хороший"),
    ("низкий", "высокий"),
    ("мало", "много"),
    ("поздно", "вовремя"),
    ("консервативный", "открытый"),
    ("формальный", "живой"),
    ("конфликтный", "спокойный"),
)
ANTONYMS: dict[str, str] = {}
for _a, _b in _PAIRS:
    ANTONYMS.setdefault(_a, _b)
    ANTONYMS.setdefault(_b, _a)

# Phrases whose opposite is not word by word: lemmas that must all be present → the opposite.
PHRASES: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"секретничать"}), "Открыт к сотрудничеству, делится информацией"),
    (frozenset({"максимум", "выгода"}), "Ищет выгоду для обеих сторон, ценит интересы поставщика"),
    (frozenset({"задерживать", "оплата"}), "Платит в срок"),
    (frozenset({"затягивать", "оплата"}), "Платит в срок"),
    (frozenset({"не", "платить"}), "Платит в срок"),
    (frozenset({"торговаться"}), "Обсуждает цену по существу, ценит добавленную ценность"),
    (frozenset({"обещать", "не", "делать"}), "Выполняет договорённости"),
    (frozenset({"менять", "решение"}), "Держится принятых решений"),
)

# Grammemes an inflected antonym keeps from the word it replaces.
_KEEP = ("nomn", "gent", "datv", "accs", "ablt", "loct", "sing", "plur", "masc", "femn", "neut")


@lru_cache(maxsize=1)
def _morph() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer(lang="ru")


def _lemma(word: str) -> str:
    return str(_morph().parse(word.lower())[0].normal_form)


def _known(word: str) -> bool:
    return bool(_morph().word_is_known(word))


def _inflect_like(lemma: str, original: str) -> str:
    """`lemma` in the grammatical form of `original` (short adjectives stay short)."""
    morph = _morph()
    source = morph.parse(original.lower())[0]
    target = morph.parse(lemma)[0]
    wanted = {g for g in _KEEP if g in source.tag}
    if "ADJS" in source.tag:
        wanted.add("ADJS")
    form = target.inflect(wanted) if wanted else None
    word = str(form.word) if form is not None else lemma
    return _same_case(word, original)


def _same_case(word: str, original: str) -> str:
    if original[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _drop_prefix(word: str) -> str | None:
    """«нелояльный» → «лояльный» when the dictionary knows the word without «не»."""
    lemma = _lemma(word)
    if not lemma.startswith("не") or len(lemma) < 5:
        return None
    base = lemma[2:]
    if not _known(base) or _lemma(base) != base:
        return None
    return _inflect_like(base, word)


def suggest_opposite(text: str) -> str | None:
    """The positive opposite of a negative trait, or None when KAM has no suggestion."""
    tokens = [t.text for t in tokenize(text.strip())]
    if not tokens:
        return None
    lemmas = [_lemma(t) if t.isalpha() else t for t in tokens]
    present = set(lemmas)
    for needed, opposite in PHRASES:
        if needed <= present:
            return opposite
    out: list[str] = []
    changed = False
    skip_next_negation = False
    for index, (token, lemma) in enumerate(zip(tokens, lemmas, strict=True)):
        if not token.isalpha():
            out.append(token)
            continue
        if lemma == "не" and index + 1 < len(tokens) and tokens[index + 1].isalpha():
            changed = True
            skip_next_negation = True
            continue
        if skip_next_negation:
            skip_next_negation = False
            out.append(_same_case(token, tokens[0]) if index == 1 else token)
            continue
        if lemma in ANTONYMS:
            out.append(_inflect_like(ANTONYMS[lemma], token))
            changed = True
            continue
        without = _drop_prefix(token)
        if without is not None:
            out.append(without)
            changed = True
            continue
        out.append(token)
    if not changed or not out:
        return None
    sentence = _join(out)
    return sentence[:1].upper() + sentence[1:]


def _join(tokens: list[str]) -> str:
    text = ""
    for token in tokens:
        if text and token not in {",", ".", ";", ":", "!", "?", ")"} and not text.endswith("("):
            text += " "
        text += token
    return text
