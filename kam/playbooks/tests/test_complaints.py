"""Complaint cases from any source: the owner (the supervisor for a complaint about the
manager), SLA deadlines and late steps, escalation to the supervisor's Today, closing only with
a diagnosis (service, UI, API) and the complaints report agreeing with a count by hand."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from kam.accounts.models import User
from kam.playbooks.choices import CaseSource, CaseStep
from kam.playbooks.domain import split_age
from kam.playbooks.models import ComplaintCase, PlaybookSettings, RootCause
from kam.playbooks.selectors import ReportFilters, complaints_report, escalations_for
from kam.playbooks.services import case_close, case_open, case_step, cases_escalate, tag_add
from kam.playbooks.templatetags.playbooks_tags import age_text
from kam.testing import Org

pytestmark = pytest.mark.django_db


def _http(user: User | None) -> HttpClient:
    http = HttpClient()
    if user is not None:
        http.force_login(user)
    return http


def _five_steps(case: ComplaintCase, actor: User) -> None:
    for step in list(CaseStep)[:5]:
        case_step(actor=actor, case=case, step=step.value, note=step.value)


@pytest.mark.parametrize("source", ["call", "letter", "meeting", "messenger"])
def test_a_complaint_opens_from_any_source_with_the_first_deadline(org: Org, source: str) -> None:
    PlaybookSettings.objects.update_or_create(pk=1, defaults={"sla_listen_hours": 6})
    case = case_open(client=org.client_a1, actor=org.manager_a1, source=source, summary="Срыв")
    assert case.source == source
    assert case.owner == org.manager_a1
    assert case.next_due_at == case.opened_at + timedelta(hours=6)


def test_a_complaint_about_the_manager_is_owned_by_the_supervisor(org: Org) -> None:
    flagged = case_open(
        client=org.client_a1, actor=org.manager_a1, summary="Хамят", about_manager=True
    )
    assert (flagged.owner, flagged.about_manager) == (org.supervisor_a, True)
    # The client's own words naming the manager ("Тестов" in any case form) count as well.
    named = case_open(
        client=org.client_a1, actor=org.manager_a1, summary="Недовольны менеджером Тестовым"
    )
    assert (named.owner, named.about_manager) == (org.supervisor_a, True)
    plain = case_open(client=org.client_a1, actor=org.manager_a1, summary="Тесты упали у вас")
    assert (plain.owner, plain.about_manager) == (org.manager_a1, False)


def test_each_step_is_timestamped_with_its_owner_and_checked_against_its_sla(org: Org) -> None:
    PlaybookSettings.objects.update_or_create(
        pk=1, defaults={"sla_listen_hours": 2, "sla_understand_hours": 3}
    )
    case = case_open(client=org.client_a1, actor=org.manager_a1, summary="Срыв сроков")
    opened = case.opened_at
    first = case_step(
        actor=org.manager_a1, case=case, step="listen", now=opened + timedelta(hours=1)
    )
    assert (first.late, first.due_at) == (False, opened + timedelta(hours=2))
    case.refresh_from_db()
    assert case.next_due_at == opened + timedelta(hours=4)  # 1 h + 3 h
    second = case_step(
        actor=org.supervisor_a, case=case, step="understand", now=opened + timedelta(hours=5)
    )
    second.refresh_from_db()
    assert second.late is True
    assert second.done_by == org.supervisor_a
    assert second.done_at == opened + timedelta(hours=5)


def test_an_overdue_step_escalates_to_the_supervisor_and_shows_on_their_today(org: Org) -> None:
    case = org.client_a1.complaint_cases.get()  # opened before the SLA existed
    assert escalations_for(org.supervisor_a) == []
    now = timezone.now()
    ComplaintCase.objects.filter(pk=case.pk).update(next_due_at=now - timedelta(hours=1))
    # Shown on the supervisor's Today at once, before the escalation run.
    today = _http(org.supervisor_a).get(reverse("today")).content.decode()
    assert 'id="escalated"' in today
    assert org.client_a1.name in today.split('id="escalated"')[1].split("</section>")[0]
    assert 'id="escalated"' not in _http(org.supervisor_b).get(reverse("today")).content.decode()
    assert 'id="escalated"' not in _http(org.manager_a1).get(reverse("today")).content.decode()
    escalated = cases_escalate(now=now)
    assert [c.pk for c in escalated] == [case.pk]
    case.refresh_from_db()
    assert (case.escalated_to, case.escalated_at) == (org.supervisor_a, now)
    assert cases_escalate(now=now) == []  # once per case


def test_closing_without_a_diagnosis_is_refused_by_the_service(org: Org) -> None:
    case = org.client_a1.complaint_cases.get()
    _five_steps(case, org.manager_a1)
    cause = RootCause.objects.first()
    for kwargs in (
        {"cause": None, "root_cause": "склад", "change_made": "сверка"},
        {"cause": cause, "root_cause": "", "change_made": "сверка"},
        {"cause": cause, "root_cause": "склад", "change_made": "  "},
    ):
        with pytest.raises(ValidationError):
            case_close(actor=org.manager_a1, case=case, **kwargs)
        case.refresh_from_db()
        assert case.closed_at is None
    case_close(actor=org.manager_a1, case=case, cause=cause, root_cause="склад", change_made="с")
    case.refresh_from_db()
    assert case.closed_at is not None
    assert case.cause == cause


def test_closing_without_a_diagnosis_is_refused_through_the_ui(org: Org) -> None:
    case = org.client_a1.complaint_cases.get()
    _five_steps(case, org.manager_a1)
    url = reverse("playbooks:case-detail", args=[case.pk])
    http = _http(org.manager_a1)
    refused = http.post(url, {"note": "закрываем", "root_cause": "склад"})
    assert refused.status_code == 400
    assert "Выберите первопричину из списка." in refused.content.decode()
    case.refresh_from_db()
    assert case.closed_at is None
    cause = RootCause.objects.first()
    assert cause is not None
    done = http.post(
        url, {"cause": cause.pk, "root_cause": "склад", "change_made": "ежедневная сверка"}
    )
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.closed_at is not None


def test_closing_without_a_diagnosis_is_refused_through_the_api(org: Org) -> None:
    case = org.client_a1.complaint_cases.get()
    _five_steps(case, org.manager_a1)
    http = _http(org.manager_a1)
    url = reverse("api:complaint-close", args=[case.pk])
    refused = http.post(url, {"root_cause": "склад"}, content_type="application/json")
    assert refused.status_code == 400
    body = refused.json()
    assert "cause" in body
    assert "change_made" in body
    cause = RootCause.objects.first()
    assert cause is not None
    closed = http.post(
        url,
        {"cause": cause.pk, "root_cause": "склад", "change_made": "сверка"},
        content_type="application/json",
    )
    assert closed.status_code == 200
    assert closed.json()["closed_at"] is not None
    assert _http(org.manager_b1).post(url, {}, content_type="application/json").status_code == 404


def test_the_api_opens_cases_and_records_steps_in_order(org: Org) -> None:
    http = _http(org.manager_a1)
    opened = http.post(
        reverse("api:complaint-list"),
        {"client": org.client_a1.pk, "source": "letter", "summary": "Счёт", "about_manager": True},
        content_type="application/json",
    )
    assert opened.status_code == 201
    data = opened.json()
    assert (data["source"], data["about_manager"], data["owner"]["id"]) == (
        "letter",
        True,
        org.supervisor_a.pk,
    )
    steps = reverse("api:complaint-steps", args=[data["id"]])
    wrong = http.post(steps, {"step": "thank"}, content_type="application/json")
    assert wrong.status_code == 400
    assert "step" in wrong.json()
    ok = http.post(steps, {"step": "listen", "note": "выслушали"}, content_type="application/json")
    assert ok.status_code == 201
    assert [s["step"] for s in ok.json()["steps"]] == ["listen"]
    foreign = http.post(
        reverse("api:complaint-list"),
        {"client": org.client_b1.pk, "source": "call", "summary": "x"},
        content_type="application/json",
    )
    assert foreign.status_code == 404


def test_age_in_plain_words() -> None:
    assert age_text(split_age(timedelta(days=2, hours=4, minutes=10))) in (
        "2 дня 4 ч",
        "2 days 4 h",
    )
    assert split_age(timedelta(days=5, hours=1)).days == 5
    assert split_age(timedelta(seconds=-5)).minutes == 0


def test_case_page_shows_the_age_in_russian(org: Org) -> None:
    case = org.client_a1.complaint_cases.get()
    ComplaintCase.objects.filter(pk=case.pk).update(
        opened_at=timezone.now() - timedelta(days=2, hours=4, minutes=5)
    )
    html = _http(org.manager_a1).get(reverse("playbooks:case-detail", args=[case.pk])).content
    assert "2 дня 4 ч" in html.decode()


def _closed(org: Org, client_key: str, cause: RootCause) -> ComplaintCase:
    client = getattr(org, client_key)
    case = case_open(client=client, actor=client.manager, summary="x")
    _five_steps(case, client.manager)
    case_close(actor=client.manager, case=case, cause=cause, root_cause="r", change_made="c")
    return case


def test_report_counts_and_pareto_agree_with_a_count_by_hand(org: Org) -> None:
    causes = list(RootCause.objects.order_by("order")[:3])
    plan = [("client_a1", 0)] * 5 + [("client_a2", 1)] * 3 + [("client_a1", 2)] * 2
    plan += [("client_b1", 0)] * 4  # invisible to supervisor_a
    for key, index in plan:
        _closed(org, key, causes[index])
    late = case_open(client=org.client_a2, actor=org.manager_a2, summary="late")
    ComplaintCase.objects.filter(pk=late.pk).update(next_due_at=timezone.now() - timedelta(hours=1))
    tag_add(actor=org.manager_a2, client=org.client_a2, type_code="scrooge")

    report = complaints_report(viewer=org.supervisor_a, filters=ReportFilters())
    visible = [(k, i) for k, i in plan if k != "client_b1"]
    counted = Counter(causes[i].name for _, i in visible)
    # Own count: two open cases from the fixture (a1, a2) + the late one.
    assert (report.closed, report.open_now, report.overdue_now) == (len(visible), 3, 1)
    assert [(r.cause, r.count) for r in report.pareto] == counted.most_common()
    total = sum(counted.values())
    running = 0
    for row, (_, count) in zip(report.pareto, counted.most_common(), strict=True):
        running += count
        assert row.cumulative == pytest.approx(100 * running / total)
    # 5/10 = 50%, then 3/10 → 80%: the first two causes are the vital few.
    assert [r.vital for r in report.pareto] == [True, True, False]
    by_type = complaints_report(viewer=org.supervisor_a, filters=ReportFilters(type_code="scrooge"))
    assert (by_type.closed, by_type.open_now) == (3, 2)
    by_manager = complaints_report(
        viewer=org.supervisor_a, filters=ReportFilters(manager=org.manager_a1)
    )
    assert by_manager.closed == 7


def test_report_page_and_exports(org: Org) -> None:
    cause = RootCause.objects.order_by("order").first()
    assert cause is not None
    _closed(org, "client_a1", cause)
    http = _http(org.supervisor_a)
    page = http.get(reverse("playbooks:report"))
    assert page.status_code == 200
    assert cause.name_ru in page.content.decode()
    csv = http.get(reverse("playbooks:report"), {"format": "csv"})
    assert csv.status_code == 200
    assert cause.name_ru in csv.getvalue().decode("utf-8-sig")
    xlsx = http.get(reverse("playbooks:report"), {"format": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    bad = http.get(reverse("playbooks:report"), {"date_from": "not-a-date"})
    assert bad.status_code == 400
    foreign = _http(org.manager_b1).get(reverse("playbooks:report")).content.decode()
    assert org.client_a1.name not in foreign


def test_sources_cover_the_issue() -> None:
    assert {"call", "letter", "meeting", "messenger", "nps"} <= set(CaseSource.values)


def test_a_complaint_opens_from_the_client_card(org: Org) -> None:
    http = _http(org.manager_a1)
    url = reverse("playbooks:case-open", args=[org.client_a1.pk])
    bad = http.post(url, {"case-source": "letter"})
    assert bad.status_code == 400
    response = http.post(
        url, {"case-source": "meeting", "case-summary": "Грубость", "case-about_manager": "on"}
    )
    assert response.status_code == 302
    case = ComplaintCase.objects.get(summary="Грубость")
    assert (case.source, case.owner, case.opened_by) == (
        "meeting",
        org.supervisor_a,
        org.manager_a1,
    )
    assert _http(org.manager_b1).post(url, {}).status_code == 404
