"""Pure analysis: questions, categories, prices, meetings, talk share, checklist score."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kam.calls import domain as d
from kam.calls.presets import LEXICONS
from kam.calls.quality import evaluate, load
from kam.calls.transcripts import TranscriptError, parse_json, parse_text

RE = d.Lexicon.build(LEXICONS["real_estate"])
M, C = d.Speaker.MANAGER, d.Speaker.CLIENT


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Сколько комнат вам нужно?", True),
        ("подскажите сколько комнат нужно", True),
        ("Рассматриваете ли вы ипотеку", True),
        ("Какая комнатность нужна", True),
        ("Почему решили переехать", True),
        ("Как правило, все довольны.", False),
        ("Что касается ипотеки, есть партнёры.", False),
        ("Когда приедете, я всё покажу.", False),
        ("Это хороший район.", False),
        ("Как интересно!", False),
    ],
)
def test_question_detection(text: str, expected: bool) -> None:
    assert d.is_question(text) is expected


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("На каком этаже хотите жить?", d.Category.TECHNICAL),
        ("Есть ли у вас дети?", d.Category.PERSONAL),
        ("Как должна выглядеть квартира вашей мечты?", d.Category.MOTIVATION),
        ("Вам удобно сейчас говорить?", d.Category.OTHER),
    ],
)
def test_categories_come_from_lemmas(text: str, category: d.Category) -> None:
    result = d.classify_question(d.lemmas(text), RE)
    assert result.category is category
    if category is not d.Category.OTHER:
        assert result.matched  # the page can say why


def test_any_word_form_matches_and_an_admin_edit_changes_the_result() -> None:
    lexicon = d.Lexicon.build({"technical": ["балконы"], "personal": [], "motivation": []})
    assert d.classify_question(d.lemmas("А балкона нет?"), lexicon).category is d.Category.TECHNICAL
    assert d.classify_question(d.lemmas("А кухни нет?"), lexicon).category is d.Category.OTHER


@pytest.mark.parametrize(
    ("text", "exact"),
    [
        ("Квартира стоит 7 450 000 рублей.", True),
        ("185 тысяч за метр.", True),
        ("Будет 12,5 млн.", True),
        ("Вилла за $450 000.", True),
        ("Есть варианты от 5 миллионов.", False),
    ],
)
def test_prices(text: str, exact: bool) -> None:
    found = d.price_mentions(text)
    assert len(found) == 1
    assert found[0].exact is exact
    assert text[found[0].start : found[0].end] == found[0].text


@pytest.mark.parametrize(
    "text", ["Скидка 5% до конца месяца.", "3 комнаты, 75 метров, 12 этаж.", "Приезжайте к 11:00."]
)
def test_numbers_without_money_are_not_prices(text: str) -> None:
    assert d.price_mentions(text) == []


def test_budget_question_is_not_our_price() -> None:
    a = d.analyse([d.Utterance(M, "Какой у вас бюджет, 10 млн?")], RE)
    assert a.price_named is False


def test_client_naming_a_price_does_not_count() -> None:
    a = d.analyse([d.Utterance(C, "У меня есть 7 000 000 рублей."), d.Utterance(M, "Понял.")], RE)
    assert a.price_named is False


def test_meeting_proposed_and_agreed() -> None:
    talk = [
        d.Utterance(M, "Давайте встретимся в субботу на объекте?"),
        d.Utterance(C, "Да, давайте, в субботу удобно."),
    ]
    a = d.analyse(talk, RE)
    assert a.meeting.proposed
    assert a.meeting.agreed
    refused = [talk[0], d.Utterance(C, "Нет, я подумаю.")]
    b = d.analyse(refused, RE)
    assert b.meeting.proposed
    assert not b.meeting.agreed
    assert not d.analyse([d.Utterance(M, "Всего доброго.")], RE).meeting.proposed


def test_talk_share_by_time_and_longest_monologue() -> None:
    talk = [
        d.Utterance(M, "Раз два три.", 0, 30),
        d.Utterance(M, "Четыре пять.", 30, 40),
        d.Utterance(C, "Шесть.", 40, 60),
        d.Utterance(M, "Семь.", 60, 70),
    ]
    a = d.analyse(talk, RE)
    assert a.manager_talk_share == pytest.approx(50 / 70)
    assert a.longest_monologue_words == 5
    assert a.longest_monologue_seconds == pytest.approx(40)


def test_talk_share_by_words_without_times() -> None:
    a = d.analyse([d.Utterance(M, "раз два три"), d.Utterance(C, "четыре")], RE)
    assert a.manager_talk_share == pytest.approx(3 / 4)


def test_checklist_score_is_the_weighted_share_of_passed_items() -> None:
    a = d.analyse([d.Utterance(M, "Сколько комнат нужно? Квартира стоит 5 000 000 рублей.")], RE)
    items = [
        d.ChecklistItem(d.Check.TECHNICAL_AT_LEAST, 3, 1),  # passes
        d.ChecklistItem(d.Check.NO_EXACT_PRICE, 2),  # fails
        d.ChecklistItem(d.Check.MONOLOGUE_AT_MOST, 1, 100),  # passes
    ]
    score = d.checklist_score(a, items)
    assert score.value == pytest.approx(4 / 6)
    assert [r.passed for r in score.items] == [True, False, True]


def test_text_transcript_with_labels_marks_and_continuations() -> None:
    call = parse_text(
        "Дата: 2025-04-03 10:15\n[00:00:05] Оператор: Здравствуйте!\nКак вас зовут?\n"
        "Абонент [00:00:09]: Анна.\nПродавец: А есть ли дети?\nПокупатель: Да.\n"
        "Manager: ok\nClient: fine\n"
    )
    assert call.when is not None
    assert call.when.hour == 10
    assert [u.speaker for u in call.utterances] == [M, C, M, C, M, C]
    assert call.utterances[0].text == "Здравствуйте! Как вас зовут?"
    assert call.utterances[0].start == 5
    assert call.utterances[0].end == 9


def test_transcript_without_speakers_is_an_error() -> None:
    with pytest.raises(TranscriptError) as err:
        parse_text("Здравствуйте, я по объявлению.\nДа, слушаю.")
    assert err.value.problem.code == "no_speakers"


def test_json_utterances() -> None:
    call = parse_json(
        '{"call_id": "z-1", "start_time": "2025-04-03 10:00:00", "utterances": ['
        '{"speaker": "operator", "text": "Сколько комнат?", "start": 0, "end": 2.5},'
        '{"speaker": "client", "text": "Две.", "start": 2.5, "end": 3}]}'
    )
    assert call.external_id == "z-1"
    assert call.utterances[0] == d.Utterance(M, "Сколько комнат?", 0.0, 2.5)


def test_quality_floor_on_the_held_out_corpus() -> None:
    """The lexicons were tuned on the dev part only; the held-out part must still pass."""
    q = evaluate(load("heldout"))
    assert q.questions >= 100
    assert q.micro_f1 >= 0.85, q.errors
    assert q.price_accuracy >= 0.95, q.errors
    total = q.questions + len([s for s in load("dev") if s.label in {c.value for c in d.Category}])
    assert total >= 300


_TURN = st.tuples(
    st.sampled_from([M, C]),
    st.text(alphabet="абвгдеж кпрст?.,!0123456789", min_size=1, max_size=60),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_TURN, min_size=1, max_size=8), st.lists(st.floats(0, 5), min_size=9, max_size=9))
def test_figures_stay_in_range(turns: list[tuple[d.Speaker, str]], weights: list[float]) -> None:
    a = d.analyse([d.Utterance(s, t) for s, t in turns], RE)
    assert 0.0 <= a.manager_talk_share <= 1.0
    assert a.question_total == sum(1 for s in a.sentences if s.question is not None)
    items = [d.ChecklistItem(check, w, 1) for check, w in zip(d.Check, weights, strict=False)]
    assert 0.0 <= d.checklist_score(a, items).value <= 1.0
    for s in a.sentences:
        text = [t for sp, t in turns][s.utterance][s.start : s.end]
        for p in s.prices:
            assert text[p.start : p.end] == p.text
