"""The contrast-analysis pages end to end through HTTP: create, pick, answer, synthesis,
tasks on Today, the XLSX export checked against an independent count, and no dossier leak."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from openpyxl import load_workbook

from kam.reviews.models import Analysis, Answer, CauseTag, Entry, ReviewTask
from kam.reviews.tests.factories import client, tag
from kam.testing import Org, canary

pytestmark = pytest.mark.django_db


def _http(user: Any) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def _create(http: HttpClient, name: str = "Весенний разбор") -> Analysis:
    response = http.post(reverse("reviews:analysis-create"), {"name": name, "as_of": "2026-06-30"})
    assert response.status_code == 302
    return Analysis.objects.get(name=name)


def _pick(http: HttpClient, analysis: Analysis, client_id: int, side: str, note: str) -> Any:
    return http.post(
        reverse("reviews:pick", args=[analysis.pk]),
        {"client": client_id, "side": side, "evidence_note": note},
    )


def test_manager_sees_the_list_but_cannot_create(org: Org) -> None:
    http = _http(org.manager_a1)
    page = http.get(reverse("reviews:analysis-list")).content.decode()
    assert 'id="analysis-form"' not in page
    response = http.post(reverse("reviews:analysis-create"), {"name": "x", "as_of": "2026-01-01"})
    assert response.status_code == 403
    assert not Analysis.objects.exists()


def test_bad_input_names_the_field(org: Org) -> None:
    http = _http(org.supervisor_a)
    response = http.post(reverse("reviews:analysis-create"), {"name": "", "as_of": "31.31.2026"})
    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"name", "as_of"}


def test_the_other_side_is_refused_with_a_message(org: Org) -> None:
    http = _http(org.supervisor_a)
    analysis = _create(http)
    _pick(http, analysis, org.client_a1.pk, "satisfied", "Повторные заказы")
    response = _pick(http, analysis, org.client_a1.pk, "dissatisfied", "Претензия")
    page = http.get(response["Location"]).content.decode()
    assert "never on both sides" in page or "никогда не бывает" in page
    assert list(Entry.objects.values_list("side", flat=True)) == ["satisfied"]
    # Someone else's client is "not found", not picked.
    assert _pick(http, analysis, org.client_b1.pk, "satisfied", "x").status_code == 404


def _answer(http: HttpClient, analysis: Analysis, entry: Entry, data: dict[str, Any]) -> Any:
    return http.post(reverse("reviews:entry", args=[analysis.pk, entry.pk]), data)


def _build(org: Org) -> tuple[HttpClient, Analysis, dict[str, CauseTag]]:
    """An analysis with three satisfied and three dissatisfied clients, answered and tagged."""
    http = _http(org.supervisor_a)
    analysis = _create(http)
    tags = {
        "ref": tag("=Рекомендация", "satisfied"),
        "fast": tag("Быстро отвечаем", "satisfied"),
        "late": tag("Сроки", "dissatisfied"),
        "handover": tag("Передача задач", "dissatisfied"),
        "price": tag("Цена"),
    }
    plan = {
        "satisfied": [
            {"how_sold-tags": [tags["ref"].pk], "our_actions-tags": [tags["fast"].pk]},
            {"how_sold-tags": [tags["ref"].pk], "decision-tags": [tags["price"].pk]},
            {"satisfied_with-tags": [tags["fast"].pk, tags["ref"].pk]},
        ],
        "dissatisfied": [
            {
                "path-tags": [tags["late"].pk, tags["handover"].pk],
                "quality-tags": [tags["late"].pk],
            },
            {"path-tags": [tags["handover"].pk]},
            {"stated_need-tags": [tags["late"].pk], "should_have-tags": [tags["price"].pk]},
        ],
    }
    for side, answers in plan.items():
        for i, given in enumerate(answers):
            c = client(f"{side} {i}", org.manager_a1 if i % 2 else org.manager_a2)
            _pick(http, analysis, c.pk, side, "Факт из CRM")
            entry = Entry.objects.get(analysis=analysis, client=c)
            data: dict[str, Any] = {
                **given,
                "how_sold-option": "referral" if side == "satisfied" else "",
            }
            if side == "satisfied":
                data["true_needs-text"] = '=HYPERLINK("http://evil")'
            else:
                data["path-option"] = "no"
                data["path-text"] = "Склад не узнал о сроках"
            response = _answer(http, analysis, entry, data)
            assert response.status_code == 302, response.content.decode()[:500]
    return http, analysis, tags


def _expected(analysis: Analysis, side: str) -> list[tuple[str, int]]:
    """Clients per tag, independently: walk every answer of the side in Python."""
    carriers: dict[str, set[int]] = {}
    for answer in Answer.objects.filter(entry__analysis=analysis, entry__side=side):
        for t in answer.tags.all():
            carriers.setdefault(t.name, set()).add(answer.entry_id)
    counts = Counter({name: len(ids) for name, ids in carriers.items()})
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def test_synthesis_page_shows_both_pareto_tables(org: Org) -> None:
    http, analysis, _tags = _build(org)
    response = http.get(reverse("reviews:synthesis", args=[analysis.pk]))
    assert response.status_code == 200
    sides = {s["code"]: s["data"] for s in response.context["sides"]}
    for side in ("satisfied", "dissatisfied"):
        assert [(r.tag, r.count) for r in sides[side].rows] == _expected(analysis, side)
    page = response.content.decode()
    assert 'id="chart-satisfied"' in page
    assert 'id="fig-dissatisfied"' in page
    # Russian number format on the Russian page: «Быстро отвечаем» is 2 of 6 mentions, 33,3 %.
    assert "<td>33,3</td>" in page
    assert "33.3" not in page
    # The dissatisfied head: «Сроки» (2 clients) and «Передача задач» (2) make 80 %.
    assert [r.tag for r in sides["dissatisfied"].focus] == ["Передача задач", "Сроки"]
    # A fix chosen there prefills the task form.
    handover = CauseTag.objects.get(name_ru="Передача задач")
    assert f"?tag={handover.pk}&amp;side=dissatisfied" in page
    response = http.get(
        reverse("reviews:synthesis", args=[analysis.pk]),
        {"tag": str(handover.pk), "side": "dissatisfied"},
    )
    initial = response.context["task_form"].initial
    assert initial["tag"] == handover.pk
    assert "Передача задач" in initial["title"]


def test_xlsx_export_matches_an_independent_count(org: Org) -> None:
    http, analysis, _tags = _build(org)
    response = http.get(reverse("reviews:export", args=[analysis.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    book = load_workbook(io.BytesIO(response.content))
    names = book.sheetnames
    assert len(names) == 6  # summary, clients, answers, two Pareto tables, tasks
    for sheet_name, side in ((names[3], "satisfied"), (names[4], "dissatisfied")):
        rows = list(book[sheet_name].iter_rows(min_row=2, values_only=True))
        expected = _expected(analysis, side)
        assert [(r[0].lstrip("'"), r[1]) for r in rows] == expected
        total = sum(n for _t, n in expected)
        running = 0
        for row, (_tag, n) in zip(rows, expected, strict=True):
            running += n
            assert row[2] == round(100 * n / total, 1)
            assert row[3] == round(100 * running / total, 1)
    clients = list(book[names[1]].iter_rows(min_row=2, values_only=True))
    assert len(clients) == 6
    answers = list(book[names[2]].iter_rows(min_row=2, values_only=True))
    assert len(answers) == Answer.objects.filter(entry__analysis=analysis).count()
    # Formula injection: text starting with "=" is stored as text, never as a formula.
    texts = [c for row in answers for c in row if isinstance(c, str)]
    assert any(t.startswith("'=HYPERLINK") for t in texts)
    assert not any(t.startswith("=") for t in texts)
    tag_cells = [r[0] for r in book[names[3]].iter_rows(min_row=2, values_only=True)]
    assert "'=Рекомендация" in tag_cells


def test_tasks_reach_the_owners_today(org: Org) -> None:
    http, analysis, tags = _build(org)
    due = (date.today() + timedelta(days=7)).isoformat()  # noqa: DTZ011
    response = http.post(
        reverse("reviews:task-create", args=[analysis.pk]),
        {
            "title": "Чек-лист передачи заказа на склад",
            "owner": org.manager_a1.pk,
            "due": due,
            "tag": tags["handover"].pk,
        },
    )
    assert response.status_code == 302
    task = ReviewTask.objects.get()
    manager = _http(org.manager_a1)
    today = manager.get(reverse("today")).content.decode()
    assert "Чек-лист передачи заказа на склад" in today
    # The manager may not open the analysis itself: the task is shown without a link.
    assert reverse("reviews:synthesis", args=[analysis.pk]) not in today
    assert manager.get(reverse("reviews:synthesis", args=[analysis.pk])).status_code == 404
    response = manager.post(reverse("reviews:task-done", args=[task.pk]), {"next": "today"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done
    assert "Чек-лист передачи" not in manager.get(reverse("today")).content.decode()
    # An owner outside the team is refused with a field error.
    response = http.post(
        reverse("reviews:task-create", args=[analysis.pk]),
        {"title": "Чужому", "owner": org.manager_b1.pk, "due": due},
    )
    assert response.status_code == 400
    assert "owner" in response.context["task_form"].errors


def test_no_dossier_data_on_any_analysis_page(org: Org) -> None:
    http = _http(org.supervisor_a)
    analysis = _create(http)
    for key, side in (("client_a1", "satisfied"), ("client_a2", "dissatisfied")):
        _pick(http, analysis, getattr(org, key).pk, side, "Факт")
    urls = [
        reverse("reviews:analysis", args=[analysis.pk]),
        reverse("reviews:synthesis", args=[analysis.pk]),
        *(reverse("reviews:entry", args=[analysis.pk, e.pk]) for e in analysis.entries.all()),
    ]
    for person in (org.supervisor_a, org.director):
        viewer = _http(person)
        for url in urls:
            page = viewer.get(url).content.decode()
            for c in org.clients:
                assert canary(c) not in page, (person, url)
        export = viewer.get(reverse("reviews:export", args=[analysis.pk])).content
        book = load_workbook(io.BytesIO(export))
        cells = [str(v) for ws in book for row in ws.iter_rows(values_only=True) for v in row if v]
        assert not any("CANARY" in v for v in cells)


def test_admin_edits_the_tag_vocabulary(org: Org) -> None:
    http = _http(org.admin)
    assert CauseTag.objects.filter(is_active=True).count() >= 10  # the seeded vocabulary
    response = http.post(
        reverse("reviews:tags"),
        {"add_tag": "1", "name_ru": "Сменился ЛПР", "name_en": "", "side": "dissatisfied"},
    )
    assert response.status_code == 302
    new = CauseTag.objects.get(name_ru="Сменился ЛПР")
    http.post(reverse("reviews:tags"), {"toggle_tag": new.pk})
    new.refresh_from_db()
    assert not new.is_active
    response = http.post(reverse("reviews:tags"), {"add_tag": "1", "name_ru": "", "side": "x"})
    assert response.status_code == 400
    assert _http(org.supervisor_a).get(reverse("reviews:tags")).status_code == 403
