"""Writes and reads of the contrast analysis: picks (never both sides, at most ten a side,
evidence), answers with tags, the synthesis against an independent count, prefill, tasks."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kam.deals.models import Deal
from kam.health.selectors import contrast_candidates
from kam.reviews import selectors as sel
from kam.reviews import services as svc
from kam.reviews.choices import Question
from kam.reviews.models import Analysis, Answer, Entry, ReviewTask
from kam.reviews.tests.factories import AS_OF, client, new_repeat_buyer, tag
from kam.testing import Org

pytestmark = pytest.mark.django_db


def _analysis(org: Org, as_of: date = AS_OF) -> Analysis:
    return svc.analysis_create(actor=org.supervisor_a, name="Весна", as_of=as_of)


def test_only_heads_of_sales_directors_and_admins_create_analyses(org: Org) -> None:
    with pytest.raises(PermissionDenied):
        svc.analysis_create(actor=org.manager_a1, name="Моя", as_of=AS_OF)
    with pytest.raises(ValidationError) as err:
        svc.analysis_create(actor=org.director, name="   ", as_of=AS_OF)
    assert "name" in err.value.message_dict
    for person in (org.supervisor_a, org.director, org.admin):
        assert svc.analysis_create(actor=person, name="Анализ", as_of=AS_OF).pk


def test_a_proposed_client_keeps_kams_evidence(org: Org) -> None:
    analysis = _analysis(org, as_of=timezone.localdate())
    # The persona clients each have a complaint case: dissatisfied candidates.
    entry = svc.entry_add(
        actor=org.supervisor_a, analysis=analysis, client=org.client_a1, side="dissatisfied"
    )
    assert entry.evidence["complaints"] == 1
    assert entry.evidence_note == ""
    buyer = new_repeat_buyer("Новый покупатель", org.manager_a2)
    entry = svc.entry_add(
        actor=org.supervisor_a, analysis=_analysis(org), client=buyer, side="satisfied"
    )
    assert entry.evidence["repeat_purchases"] == 3


def test_a_client_kam_did_not_propose_needs_typed_evidence(org: Org) -> None:
    analysis = _analysis(org, as_of=timezone.localdate())
    with pytest.raises(ValidationError) as err:
        svc.entry_add(
            actor=org.supervisor_a, analysis=analysis, client=org.client_a1, side="satisfied"
        )
    assert "evidence_note" in err.value.message_dict
    entry = svc.entry_add(
        actor=org.supervisor_a,
        analysis=analysis,
        client=org.client_a1,
        side="satisfied",
        evidence_note="Чаевые курьерам и три повторных заказа",
    )
    assert entry.evidence == {}
    assert entry.evidence_note == "Чаевые курьерам и три повторных заказа"


def test_a_client_is_never_on_both_sides(org: Org) -> None:
    analysis = _analysis(org)
    svc.entry_add(
        actor=org.supervisor_a,
        analysis=analysis,
        client=org.client_a1,
        side="dissatisfied",
        evidence_note="Претензия",
    )
    for side in ("satisfied", "dissatisfied"):
        with pytest.raises(ValidationError) as err:
            svc.entry_add(
                actor=org.supervisor_a,
                analysis=analysis,
                client=org.client_a1,
                side=side,
                evidence_note="Факт",
            )
        assert "side" in err.value.message_dict
    # The database refuses it too, whatever path a write takes.
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(
            analysis=analysis, client=org.client_a1, side="satisfied", added_by=org.supervisor_a
        )
    assert list(analysis.entries.values_list("side", flat=True)) == ["dissatisfied"]


def test_a_side_holds_at_most_ten_clients(org: Org) -> None:
    analysis = _analysis(org)
    clients = [client(f"Клиент {i}", org.manager_a1) for i in range(11)]
    for c in clients[:10]:
        svc.entry_add(
            actor=org.supervisor_a,
            analysis=analysis,
            client=c,
            side="satisfied",
            evidence_note="NPS 10",
        )
    with pytest.raises(ValidationError, match="10"):
        svc.entry_add(
            actor=org.supervisor_a,
            analysis=analysis,
            client=clients[10],
            side="satisfied",
            evidence_note="NPS 10",
        )
    # The other side still has room.
    svc.entry_add(
        actor=org.supervisor_a,
        analysis=analysis,
        client=clients[10],
        side="dissatisfied",
        evidence_note="Ушёл",
    )
    assert analysis.entries.filter(side="satisfied").count() == 10


def test_only_visible_clients_can_be_picked(org: Org) -> None:
    with pytest.raises(PermissionDenied):
        svc.entry_add(
            actor=org.supervisor_a,
            analysis=_analysis(org),
            client=org.client_b1,
            side="dissatisfied",
            evidence_note="x",
        )


def _entry(org: Org, side: str = "dissatisfied") -> Entry:
    return svc.entry_add(
        actor=org.supervisor_a,
        analysis=_analysis(org),
        client=org.client_a1,
        side=side,
        evidence_note="Факт",
    )


def test_answers_carry_tags_of_their_side(org: Org) -> None:
    entry = _entry(org)
    late, praise = tag("Сроки", "dissatisfied"), tag("Похвала", "satisfied")
    old = tag("Старое", "both", active=False)
    with pytest.raises(ValidationError) as err:
        svc.answer_save(actor=org.supervisor_a, entry=entry, question=Question.TRUE_NEEDS)
    assert "question" in err.value.message_dict
    with pytest.raises(ValidationError, match="Похвала"):
        svc.answer_save(actor=org.supervisor_a, entry=entry, question=Question.PATH, tags=[praise])
    with pytest.raises(ValidationError, match="Старое"):
        svc.answer_save(actor=org.supervisor_a, entry=entry, question=Question.PATH, tags=[old])
    with pytest.raises(ValidationError) as err:
        svc.answer_save(
            actor=org.supervisor_a, entry=entry, question=Question.PATH, option="tender"
        )
    assert "option" in err.value.message_dict
    answer = svc.answer_save(
        actor=org.supervisor_a,
        entry=entry,
        question=Question.PATH,
        text="Менеджер не передал на склад требования к упаковке",
        option="no",
        tags=[late],
    )
    assert list(answer.tags.all()) == [late]
    answer = svc.answer_save(
        actor=org.supervisor_a, entry=entry, question=Question.PATH, text="Исправлено", tags=[]
    )
    assert answer.tags.count() == 0
    assert Answer.objects.filter(entry=entry).count() == 1
    with pytest.raises(PermissionDenied):
        svc.answer_save(actor=org.manager_a1, entry=entry, question=Question.PATH)


def _independent_counts(analysis: Analysis, side: str, client_ids: set[int]) -> Counter[str]:
    """Clients per tag name, counted in Python straight from the answers."""
    seen: dict[str, set[int]] = {}
    for answer in Answer.objects.filter(entry__analysis=analysis, entry__side=side):
        if answer.entry.client_id not in client_ids:
            continue
        for t in answer.tags.all():
            seen.setdefault(t.name, set()).add(answer.entry.client_id)
    return Counter({name: len(ids) for name, ids in seen.items()})


def test_synthesis_counts_each_tag_once_per_client(org: Org) -> None:
    analysis = _analysis(org)
    late, docs, price = tag("Сроки", "dissatisfied"), tag("Документы", "dissatisfied"), tag("Цена")
    people = [client(f"Недовольный {i}", org.manager_a1) for i in range(4)]
    plan = [
        ({Question.PATH: [late, docs], Question.QUALITY: [late]}),
        ({Question.PATH: [late]}),
        ({Question.STATED_NEED: [price], Question.SHOULD_HAVE: [late, price]}),
        ({}),
    ]
    for c, answers in zip(people, plan, strict=True):
        entry = svc.entry_add(
            actor=org.supervisor_a,
            analysis=analysis,
            client=c,
            side="dissatisfied",
            evidence_note="Ушёл",
        )
        for question, tags in answers.items():
            svc.answer_save(actor=org.supervisor_a, entry=entry, question=question, tags=tags)
    result = sel.synthesis(org.supervisor_a, analysis).dissatisfied
    expected = _independent_counts(analysis, "dissatisfied", {c.pk for c in people})
    assert (
        {r.tag: r.count for r in result.rows}
        == dict(expected)
        == {
            "Сроки": 3,
            "Цена": 1,
            "Документы": 1,
        }
    )
    assert result.clients == 4
    assert result.answered == 3
    total = sum(expected.values())
    assert [round(r.share, 6) for r in result.rows] == [
        round(100 * n / total, 6)
        for _t, n in sorted(expected.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    assert sel.synthesis(org.supervisor_a, analysis).satisfied.rows == []

    # A client moved to another team leaves the viewer's synthesis (and stays in the director's).
    moved = people[0]
    moved.manager = org.manager_b1
    moved.save(update_fields=["manager"])
    mine = sel.synthesis(org.supervisor_a, analysis).dissatisfied
    assert {r.tag: r.count for r in mine.rows} == {"Сроки": 2, "Цена": 1}
    assert sel.hidden_count(org.supervisor_a, analysis) == 1
    assert sel.synthesis(org.director, analysis).dissatisfied.clients == 4


def test_prefill_from_deals_and_segment(org: Org) -> None:
    c = client("Сегментный", org.manager_a1, segment="state")
    Deal.objects.create(
        client=c,
        manager=org.manager_a1,
        created=date(2025, 3, 1),
        step="won",
        status="lost",
        source="referral",
        title="Проигранная",
    )
    Deal.objects.create(
        client=c,
        manager=org.manager_a1,
        created=date(2025, 5, 1),
        step="won",
        status="won",
        source="tender",
        title="Выигранная",
    )
    entry = svc.entry_add(
        actor=org.supervisor_a,
        analysis=_analysis(org),
        client=c,
        side="satisfied",
        evidence_note="NPS 10",
    )
    assert sel.prefill(org.supervisor_a, entry) == {
        Question.HOW_SOLD: "tender",
        Question.CLIENT_TYPE: "state",
    }
    bare = svc.entry_add(
        actor=org.supervisor_a,
        analysis=entry.analysis,
        client=org.client_a2,
        side="satisfied",
        evidence_note="NPS 9",
    )
    # No deal with a source: only the type, from the client's segment.
    assert sel.prefill(org.supervisor_a, bare) == {Question.CLIENT_TYPE: org.client_a2.segment}


def test_candidates_leave_out_picked_and_invisible_clients(org: Org) -> None:
    analysis = _analysis(org, as_of=timezone.localdate())
    found, scored_at = sel.candidates(org.supervisor_a, analysis)
    assert scored_at is not None  # an analysis of today reads today's stored scores
    ids = {c["client"]["id"] for c in found["dissatisfied"]}
    assert ids == {org.client_a1.pk, org.client_a2.pk}
    svc.entry_add(
        actor=org.supervisor_a, analysis=analysis, client=org.client_a1, side="dissatisfied"
    )
    found, _at = sel.candidates(org.supervisor_a, analysis)
    assert {c["client"]["id"] for c in found["dissatisfied"]} == {org.client_a2.pk}
    # Stored or live, the same candidates: today's read from the snapshot agree with the
    # live rules; a past analysis date is computed live.
    live = contrast_candidates(viewer=org.supervisor_a, as_of=analysis.as_of)
    assert found["dissatisfied"] == [
        c for c in live["dissatisfied"] if c["client"]["id"] != org.client_a1.pk
    ]
    assert found["satisfied"] == live["satisfied"]
    past = _analysis(org, as_of=timezone.localdate() - timedelta(days=400))
    found, scored_at = sel.candidates(org.supervisor_a, past)
    assert scored_at is None
    assert found == {
        side: items[: sel.CANDIDATES_SHOWN]
        for side, items in contrast_candidates(viewer=org.supervisor_a, as_of=past.as_of).items()
        if side != "as_of"
    }


def test_fixes_become_tasks_of_team_members(org: Org) -> None:
    analysis = _analysis(org)
    due = timezone.localdate() + timedelta(days=14)
    with pytest.raises(ValidationError) as err:
        svc.task_create(
            actor=org.supervisor_a,
            analysis=analysis,
            title="Чек-лист передачи",
            owner=org.manager_b1,
            due=due,
        )
    assert "owner" in err.value.message_dict
    task = svc.task_create(
        actor=org.supervisor_a,
        analysis=analysis,
        title="Чек-лист передачи",
        owner=org.manager_a1,
        due=due,
        tag=tag("Передача", "dissatisfied"),
    )
    assert sel.tasks_due(org.manager_a1) == [task]
    assert sel.tasks_due(org.manager_a2) == []
    svc.task_set_done(actor=org.manager_a1, task=task)
    assert sel.tasks_due(org.manager_a1) == []
    assert ReviewTask.objects.get().done_at is not None


def test_analysis_visibility_follows_the_author(org: Org) -> None:
    analysis = _analysis(org)
    by_director = svc.analysis_create(actor=org.director, name="Компания", as_of=AS_OF)

    def seen(person: object) -> set[int]:
        return set(sel.analyses_visible(person).values_list("pk", flat=True))  # type: ignore[arg-type]

    assert seen(org.supervisor_a) == {analysis.pk}
    assert seen(org.supervisor_b) == set()
    assert seen(org.manager_a1) == set()
    assert seen(org.director) == {analysis.pk, by_director.pk}
    assert seen(org.admin) == {analysis.pk, by_director.pk}
