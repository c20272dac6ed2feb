"""Quality of the call analysis on the labelled corpus (kam/calls/corpus): per-category
precision and recall of the question classifier, micro-F1 over the seed's three categories,
and the accuracy of the exact-price flag. Used by `make bench` and by the quality test."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kam.calls import domain as d
from kam.calls.presets import LEXICONS

CORPUS = Path(__file__).parent / "corpus"
STATEMENT = "statement"


@dataclass(frozen=True)
class Sample:
    preset: str
    label: str
    text: str


@dataclass(frozen=True)
class Quality:
    precision: dict[str, float]
    recall: dict[str, float]
    micro_f1: float
    price_accuracy: float
    questions: int
    statements: int
    prices: int
    errors: tuple[tuple[str, str, str], ...]  # (text, gold, predicted)


def load(name: str) -> list[Sample]:
    """Samples of `dev` or `heldout`."""
    out = []
    for line in (CORPUS / f"{name}.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        preset, label, text = line.split("\t", 2)
        out.append(Sample(preset, label, text))
    return out


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def evaluate(samples: list[Sample]) -> Quality:
    """Run the real analysis on each line as a one-line manager turn and compare."""
    lexicons = {p: d.Lexicon.build(words) for p, words in LEXICONS.items()}
    classes = [c.value for c in d.Category]
    tp = dict.fromkeys(classes, 0)
    predicted = dict.fromkeys(classes, 0)
    gold = dict.fromkeys(classes, 0)
    price_ok = prices = questions = statements = 0
    errors = []
    for s in samples:
        a = d.analyse([d.Utterance(d.Speaker.MANAGER, s.text)], lexicons[s.preset])
        if s.label.startswith("price:"):
            prices += 1
            expected = s.label == "price:yes"
            price_ok += a.price_named == expected
            if a.price_named != expected:
                errors.append((s.text, s.label, f"price:{'yes' if a.price_named else 'no'}"))
            continue
        guess = next((c.value for c in d.Category if a.questions[c]), STATEMENT)
        if s.label == STATEMENT:
            statements += 1
        else:
            questions += 1
            gold[s.label] += 1
        if guess != STATEMENT:
            predicted[guess] += 1
        if guess == s.label and guess != STATEMENT:
            tp[guess] += 1
        if guess != s.label:
            errors.append((s.text, s.label, guess))
    seed = [c.value for c in d.SEED_CATEGORIES]
    p_all = _ratio(sum(tp[c] for c in seed), sum(predicted[c] for c in seed))
    r_all = _ratio(sum(tp[c] for c in seed), sum(gold[c] for c in seed))
    return Quality(
        precision={c: _ratio(tp[c], predicted[c]) for c in classes},
        recall={c: _ratio(tp[c], gold[c]) for c in classes},
        micro_f1=_ratio(2 * p_all * r_all, p_all + r_all),
        price_accuracy=_ratio(price_ok, prices),
        questions=questions,
        statements=statements,
        prices=prices,
        errors=tuple(errors),
    )
