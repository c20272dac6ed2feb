"""Import of transcripts (all or nothing, re-runnable), the report and its scope, the pages."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client as HttpClient
from django.urls import reverse

from kam.accounts.models import User
from kam.calls.models import Call, QuestionLexicon
from kam.calls.selectors import calls_report
from kam.calls.services import calls_import
from kam.testing import Org

TEXT = """ID: call-1
Дата: 2026-02-02 11:30
Сотрудник: {manager}
Телефон: +7 (900) 111-22-33
[00:00:00] Менеджер: Добрый день! Сколько комнат вам нужно?
[00:00:04] Клиент: Две.
[00:00:07] Менеджер: Есть ли у вас дети? Что для вас самое главное в новой квартире?
[00:00:15] Клиент: Тишина.
[00:00:18] Менеджер: Квартира стоит 7 450 000 рублей. Давайте встретимся в субботу на объекте?
[00:00:25] Клиент: Да, давайте.
"""
SIPUNI_CSV = (
    "Тип;Статус;Время;ID схемы звонка;Схема;Откуда;Куда;Кто ответил;Длительность звонка;"
    "Длительность разговора;ID звонка;Расшифровка\n"
    "Входящий;Отвечен;03.02.2026 10:00;1;Продажи;79001112233;100;{manager};120;95;s-1;"
    '"Менеджер: Какой район вы рассматриваете?\nКлиент: Центр."\n'
    "Входящий;Отвечен;04.02.2026 12:00;1;Продажи;79004445566;100;{manager};60;40;s-2;"
    '"Менеджер: Сколько этажей? Есть ли дети?\nКлиент: Нет."\n'
)


def _files(*pairs: tuple[str, str]) -> list[tuple[str, bytes]]:
    return [(name, text.encode()) for name, text in pairs]


def test_text_import_analyses_and_rerun_changes_nothing(org: Org) -> None:
    files = _files(("a.txt", TEXT.format(manager="manager_a1")))
    result = calls_import(actor=org.admin, files=files)
    assert result.ok, result.errors
    call = Call.objects.get(external_id="call-1")
    assert call.manager == org.manager_a1
    assert call.day == date(2026, 2, 2)
    assert (call.questions_technical, call.questions_personal, call.questions_motivation) == (
        1,
        1,
        1,
    )
    assert call.price_named
    assert call.meeting_proposed
    assert call.meeting_agreed
    again = calls_import(actor=org.admin, files=files)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert Call.objects.count() == 1


def test_sipuni_csv_and_unknown_manager_created_without_login(org: Org) -> None:
    result = calls_import(
        actor=None, files=_files(("export.csv", SIPUNI_CSV.format(manager="Петрова Мария")))
    )
    assert result.ok, result.errors
    assert result.created == 2
    user = User.objects.get(last_name="Петрова", first_name="Мария")
    assert not user.has_usable_password()
    s2 = Call.objects.get(external_id="s-2")
    assert s2.duration_seconds == 40  # «Длительность разговора», not the ringing time
    assert (s2.questions_technical, s2.questions_personal) == (1, 1)


def test_one_bad_file_imports_nothing_and_says_why(org: Org) -> None:
    files = _files(
        ("good.txt", TEXT.format(manager="manager_a1")),
        ("bad.txt", "Дата: 2026-02-02\nПросто текст без меток говорящих."),
    )
    result = calls_import(actor=None, files=files)
    assert not result.ok
    assert Call.objects.count() == 0
    [error] = result.errors
    assert error.file == "bad.txt"
    assert "speakers" in error.reason or "говорящ" in error.reason


def test_missing_date_and_manager_are_named(org: Org) -> None:
    result = calls_import(actor=None, files=_files(("x.txt", "Менеджер: Привет?\nКлиент: Да.")))
    assert {e.field for e in result.errors} == {"date", "manager"}


def test_json_file_id_from_name_and_default_manager(org: Org) -> None:
    data = [{"speaker": "manager", "text": "Сколько комнат?"}, {"speaker": "client", "text": "Две"}]
    files = [("2026-02-05_call.json", json.dumps(data).encode())]
    result = calls_import(actor=None, files=files, default_manager=org.manager_b1)
    assert result.ok, result.errors
    call = Call.objects.get(external_id="2026-02-05_call")
    assert call.day == date(2026, 2, 5)
    assert call.manager == org.manager_b1


def test_cli_imports_a_folder(org: Org, tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text(TEXT.format(manager="manager_a2"), encoding="utf-8")
    (tmp_path / "two.csv").write_text(SIPUNI_CSV.format(manager="manager_a2"), encoding="utf-8")
    call_command("import_calls", str(tmp_path))
    assert Call.objects.filter(manager=org.manager_a2).count() == 3


def _seed(org: Org) -> None:
    rows = [
        ("m1", org.manager_a1, date(2026, 3, 2), 3, 1),
        ("m2", org.manager_a1, date(2026, 3, 3), 1, 0),
        ("m3", org.manager_a1, date(2026, 3, 10), 5, 2),
        ("m4", org.manager_b1, date(2026, 3, 2), 2, 2),
    ]
    for ext, manager, day, tech, pers in rows:
        Call.objects.create(
            external_id=ext,
            day=day,
            manager=manager,
            questions_technical=tech,
            questions_personal=pers,
            score=0.5,
        )


def test_report_weeks_agree_with_an_independent_count(org: Org) -> None:
    _seed(org)
    data = calls_report(viewer=org.director, start=date(2026, 3, 1), end=date(2026, 3, 31))
    assert [c["id"] for c in data["calls"]] == ["m1", "m4", "m2", "m3"]
    a1 = next(m for m in data["managers"] if m["calls"] == 3)
    assert a1["questions_per_call"]["technical"] == round((3 + 1 + 5) / 3, 2)
    assert [w["week"] for w in a1["weeks"]] == ["2026-W10", "2026-W11"]
    assert a1["weeks"][0]["questions_per_call"] == {
        "technical": 2.0,
        "personal": 0.5,
        "motivation": 0.0,
        "other": 0.0,
    }
    assert a1["consultation_meeting"] is None
    assert set(data) == {"calls", "managers"}
    assert set(data["calls"][0]) == {
        "id",
        "date",
        "manager",
        "questions",
        "price_named",
        "meeting_agreed",
        "manager_talk_share",
        "score",
    }
    assert set(a1) == {"manager", "calls", "questions_per_call", "weeks", "consultation_meeting"}


@pytest.mark.parametrize(
    ("persona", "ids"),
    [
        ("manager_a1", {"m1", "m2", "m3"}),
        ("manager_a2", set()),
        ("supervisor_a", {"m1", "m2", "m3"}),
        ("supervisor_b", {"m4"}),
        ("director", {"m1", "m2", "m3", "m4"}),
    ],
)
def test_api_is_scoped_by_the_org_chart(org: Org, persona: str, ids: set[str]) -> None:
    _seed(org)
    http = HttpClient()
    http.force_login(getattr(org, persona))
    data = http.get(reverse("api:calls-report"), {"from": "2026-03-01", "to": "2026-03-31"}).json()
    assert {c["id"] for c in data["calls"]} == ids


def test_call_page_highlights_questions_and_price(org: Org) -> None:
    calls_import(actor=None, files=_files(("a.txt", TEXT.format(manager="manager_a1"))))
    call = Call.objects.get()
    http = HttpClient()
    http.force_login(org.manager_a1)
    html = http.get(reverse("calls:call-detail", args=[call.pk])).content.decode()
    assert 'data-category="technical"' in html
    assert "Сколько комнат вам нужно?" in html
    assert 'data-category="personal"' in html
    assert 'data-category="motivation"' in html
    assert '<mark class="price exact">7 450 000 рублей</mark>' in html
    http.force_login(org.manager_b1)
    assert http.get(reverse("calls:call-detail", args=[call.pk])).status_code == 404


def test_upload_page_reports_errors_and_imports(org: Org) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    http = HttpClient()
    http.force_login(org.admin)
    bad = SimpleUploadedFile("bad.txt", "Дата: 2026-02-02\nбез меток".encode())
    response = http.post(reverse("calls:upload"), {"transcripts": [bad]})
    assert response.status_code == 400
    good = SimpleUploadedFile("a.txt", TEXT.format(manager="manager_a1").encode())
    response = http.post(reverse("calls:upload"), {"transcripts": [good]})
    assert response.status_code == 302
    assert Call.objects.filter(external_id="call-1").exists()


def test_editing_words_reanalyses_stored_calls(org: Org) -> None:
    calls_import(actor=None, files=_files(("a.txt", TEXT.format(manager="manager_a1"))))
    assert Call.objects.get().questions_technical == 1
    http = HttpClient()
    http.force_login(org.admin)
    page = http.get(reverse("calls:setup"))
    assert page.status_code == 200
    form = page.context["formset"]
    data = {
        "industry": page.context["industry"].pk,
        "use": "on",
        "technical": "лифт",
        "personal": "дети",
        "motivation": "главный\nглавное",
        "newcomer_questions_low": 4,
        "newcomer_questions_high": 5,
        "habit_weeks": 8,
        "items-TOTAL_FORMS": len(form.forms),
        "items-INITIAL_FORMS": len(form.forms),
    }
    for i, f in enumerate(form.forms):
        data |= {
            f"items-{i}-id": f.instance.pk,
            f"items-{i}-title": f.instance.title,
            f"items-{i}-weight": f.instance.weight,
            f"items-{i}-threshold": f.instance.threshold,
        }
    assert http.post(reverse("calls:setup"), data).status_code == 302
    assert (
        QuestionLexicon.objects.get(industry=page.context["industry"], category="technical").words
        == "лифт"
    )
    call = Call.objects.get()
    assert (call.questions_technical, call.questions_personal, call.questions_other) == (0, 1, 2)


def test_manager_page_shows_weeks_against_the_reference(org: Org) -> None:
    _seed(org)
    http = HttpClient()
    http.force_login(org.supervisor_a)
    url = reverse("calls:manager", args=[org.manager_a1.pk])
    response = http.get(url, {"date_from": "2026-03-01", "date_to": "2026-03-31"})
    assert response.status_code == 200
    rows = response.context["weeks"]
    assert [(r.week, r.calls, r.total) for r in rows] == [
        ("2026-W10", 2, 2.5),
        ("2026-W11", 1, 7.0),
    ]
    assert [r.below_reference for r in rows] == [True, False]
    chart = response.context["chart"]
    assert chart["data"][0]["y"] == [2.0, 5.0]
    assert chart["layout"]["shapes"][0]["y0"] == 4
    http.force_login(org.supervisor_b)
    assert http.get(url).status_code == 404


def test_list_and_team_pages_do_not_query_per_row(org: Org) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    http = HttpClient()
    http.force_login(org.director)
    window = {"date_from": "2026-03-01", "date_to": "2026-03-31"}

    def queries(name: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert http.get(reverse(name), window).status_code == 200
        return len(ctx.captured_queries)

    _seed(org)
    for name in ("calls:call-list", "calls:team"):
        queries(name)  # the first request of a session warms caches
    few = {name: queries(name) for name in ("calls:call-list", "calls:team")}
    for i in range(30):
        manager = (org.manager_a1, org.manager_a2, org.manager_b1)[i % 3]
        Call.objects.create(external_id=f"more-{i}", day=date(2026, 3, 1 + i % 28), manager=manager)
    assert {name: queries(name) for name in few} == few


def test_client_card_lists_the_clients_calls_the_viewer_may_see(org: Org) -> None:
    mine = Call.objects.create(
        external_id="card-1", day=date(2026, 3, 2), manager=org.manager_a1, client=org.client_a1
    )
    # A colleague from the other team called the same client: not visible to manager_a1.
    theirs = Call.objects.create(
        external_id="card-2", day=date(2026, 3, 3), manager=org.manager_b1, client=org.client_a1
    )
    url = reverse("clients:client-detail", args=[org.client_a1.pk])
    http = HttpClient()
    http.force_login(org.manager_a1)
    html = http.get(url).content.decode()
    assert 'id="client-calls"' in html
    assert reverse("calls:call-detail", args=[mine.pk]) in html
    assert reverse("calls:call-detail", args=[theirs.pk]) not in html
    http.force_login(org.director)
    html = http.get(url).content.decode()
    assert reverse("calls:call-detail", args=[theirs.pk]) in html
