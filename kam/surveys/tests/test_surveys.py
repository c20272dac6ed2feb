"""NPS end to end: phone answers, personal links, follow-ups, cases, eNPS, reports and API."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from kam.accounts.models import Department, User
from kam.cli import main
from kam.playbooks.models import ComplaintCase
from kam.relations.models import ChecklistTask
from kam.surveys.models import (
    Answer,
    Campaign,
    EmployeeAnswer,
    EmployeeInvitation,
    Respondent,
)
from kam.surveys.services import (
    LinkRefused,
    answer_by_link,
    answer_employee,
    campaign_create,
    invite_employees,
    issue_links,
    record_phone_answer,
    token_hash,
)
from kam.testing import Org

pytestmark = pytest.mark.django_db


def _http(user: User | None) -> HttpClient:
    http = HttpClient()
    if user is not None:
        http.force_login(user)
    return http


def _campaign(org: Org, key: str = "client_a1") -> Campaign:
    return Campaign.objects.get(respondents__client=getattr(org, key))


def _url(campaign: Campaign, token: str) -> str:
    return f"http://testserver/surveys/s/{campaign.pk}/{token}/"


@pytest.mark.parametrize("bad", ["9", 9.0, None, 11, -1, True, "отлично"])
def test_phone_score_must_be_an_explicit_integer(org: Org, bad: object) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        record_phone_answer(
            actor=org.manager_a1, campaign=_campaign(org), client=org.client_a1, score=bad
        )
    assert not Answer.objects.exists()


@pytest.mark.parametrize(
    ("score", "case", "task_kind"),
    [(3, True, None), (8, False, "improvement"), (10, False, "referral")],
)
def test_follow_ups(org: Org, score: int, case: bool, task_kind: str | None) -> None:
    answer = record_phone_answer(
        actor=org.manager_a1, campaign=_campaign(org), client=org.client_a1, score=score
    )
    assert ComplaintCase.objects.filter(answer=answer).exists() is case
    tasks = ChecklistTask.objects.filter(client=org.client_a1, kind__in=["referral", "improvement"])
    assert [t.kind for t in tasks] == ([task_kind] if task_kind else [])
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):  # one answer per respondent per campaign
        record_phone_answer(
            actor=org.manager_a1, campaign=_campaign(org), client=org.client_a1, score=5
        )


def test_phone_page_walks_the_script_and_requires_a_number(org: Org) -> None:
    http = _http(org.manager_a1)
    campaign = _campaign(org)
    url = reverse("surveys:phone", args=[campaign.pk, org.client_a1.pk])
    page = http.get(url).content.decode()
    assert 'name="score"' in page
    assert "checked" not in page  # no default score
    assert http.post(url, {"comment": "всё отлично"}).status_code == 400
    assert http.post(url, {"score": "отлично"}).status_code == 400
    assert not Answer.objects.exists()
    assert http.post(url, {"score": "7", "comment": "норм"}).status_code == 302
    assert Answer.objects.get().score == 7
    # Someone else's client: 404, nothing written.
    other = reverse("surveys:phone", args=[campaign.pk, org.client_b1.pk])
    assert http.get(other).status_code == 404


def test_links_store_only_hashes_and_are_single_use(org: Org) -> None:
    campaign = _campaign(org)
    contact = org.client_a1.contacts.get()
    contact.email = "lpr@example.com"
    contact.save()
    from django.core import mail

    issued = issue_links(actor=org.manager_a1, campaign=campaign, link_url=_url)
    assert len(issued) == 1
    token = issued[0].token
    assert len(token) >= 32  # 24 random bytes, url-safe: 192 bits
    respondent = Respondent.objects.get(campaign=campaign, client=org.client_a1)
    assert respondent.token_hash == token_hash(token)
    assert token not in json.dumps(list(Respondent.objects.values()), default=str)
    assert mail.outbox[0].to == ["lpr@example.com"]
    assert token in mail.outbox[0].body
    http = _http(None)
    url = reverse("surveys:link", args=[campaign.pk, token])
    page = http.get(url)
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "no-referrer"
    assert page["Cache-Control"] == "no-store"
    assert '<html lang="ru"' in page.content.decode()
    assert http.post(url, {"score": "9"}).status_code == 200
    assert Answer.objects.get().channel == "link"
    again = http.post(url, {"score": "0"})
    assert again.status_code == 410
    assert Answer.objects.count() == 1


def test_token_of_campaign_a_is_refused_by_campaign_b_and_expired_writes_nothing(org: Org) -> None:
    a = _campaign(org, "client_a1")
    b = _campaign(org, "client_a2")
    token = issue_links(actor=org.manager_a1, campaign=a, link_url=_url)[0].token
    with pytest.raises(LinkRefused):
        answer_by_link(campaign_id=b.pk, token=token, score=9)
    assert (
        _http(None).post(reverse("surveys:link", args=[b.pk, token]), {"score": "9"}).status_code
        == 404
    )
    Respondent.objects.filter(campaign=a).update(
        token_expires=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(LinkRefused):
        answer_by_link(campaign_id=a.pk, token=token, score=9)
    assert not Answer.objects.exists()


def test_refused_links_are_rate_limited(org: Org) -> None:
    http = _http(None)
    campaign = _campaign(org)
    codes = [
        http.get(reverse("surveys:link", args=[campaign.pk, f"guess{i}"])).status_code
        for i in range(25)
    ]
    assert codes[:20] == [404] * 20
    assert set(codes[20:]) == {429}
    # The count is in the database, so another server process (a fresh cache object on the
    # same table, as in a second gunicorn worker) refuses the address too.
    from django.core.cache.backends.db import DatabaseCache

    other_worker = DatabaseCache("kam_shared_cache", {})
    count, since = other_worker.get("survey-link-refused:127.0.0.1")
    assert count == 20  # the five 429s are not counted
    # The window is fixed from the first refusal: ten minutes later the address may try again.
    import time_machine

    with time_machine.travel(since + 601, tick=False):
        assert http.get(reverse("surveys:link", args=[campaign.pk, "late"])).status_code == 404


def test_campaign_create_takes_the_audience_and_managers_cannot(org: Org) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    today = timezone.localdate()
    data = {"name": "Q", "kind": "client", "start": today, "end": today + timedelta(days=9)}
    campaign = campaign_create(actor=org.supervisor_a, audience="all", **data)
    assert set(campaign.respondents.values_list("client_id", flat=True)) == {
        org.client_a1.pk,
        org.client_a2.pk,
    }
    seg = campaign_create(actor=org.director, audience="segment", segment="large", **data)
    assert not seg.respondents.exists()
    with pytest.raises(ValidationError):
        campaign_create(actor=org.director, audience="segment", **data)
    with pytest.raises(ValidationError):
        campaign_create(actor=org.supervisor_a, audience="manager", manager=org.manager_b1, **data)
    with pytest.raises(PermissionDenied):
        campaign_create(actor=org.manager_a1, audience="all", **data)


def _answers(org: Org, scores: dict[str, list[int]], on: date) -> None:
    for key, values in scores.items():
        client = getattr(org, key)
        for i, score in enumerate(values):
            campaign = Campaign.objects.create(
                name=f"c{key}{i}", kind="client", start=on, end=on, created_by=org.director
            )
            respondent = Respondent.objects.create(campaign=campaign, client=client)
            Answer.objects.create(
                respondent=respondent,
                campaign=campaign,
                client=client,
                score=score,
                channel="phone",
                answered_on=on,
            )


def test_report_nps_json_shape_and_scope(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    day = date(2026, 5, 5)
    _answers(org, {"client_a1": [10, 9, 3], "client_b1": [7, 0]}, day)
    assert (
        main(["report", "nps", "--from", "2026-01-01", "--to", "2026-12-31", "--format", "json"])
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert {k: data[k] for k in ("n", "promoters", "neutrals", "critics")} == {
        "n": 5,
        "promoters": 2,
        "neutrals": 1,
        "critics": 2,
    }
    assert data["nps"] == 0.0
    assert data["interval"]["method"] == "adjusted-wald"
    # Everyone surveyed answered: a census, so the interval collapses onto the point.
    assert data["interval"]["low"] == data["interval"]["high"] == 0.0
    assert data["indicative"] is True
    keys = {g["key"]: g for g in data["groups"]}
    assert keys[org.manager_a1.display_name]["n"] == 3
    # Every surveyed client of the group answered: its interval collapses too (group FPC).
    group_interval = keys[org.manager_a1.display_name]["interval"]
    assert group_interval["low"] == group_interval["high"]
    assert set(keys[org.manager_b1.display_name]) >= {"key", "n", "nps", "interval", "indicative"}
    api = _http(org.manager_b1).get(
        reverse("api:nps-results"), {"from": "2026-01-01", "to": "2026-12-31"}
    )
    assert api.json()["n"] == 2  # only manager_b1's client
    assert (
        _http(org.manager_a1).get(reverse("api:nps-results"), {"by": "nonsense"}).status_code == 400
    )
    # A period starting in the far past has no "previous period" to compare with, but answers.
    for start in ("0001-01-01", "0314-03-20"):
        far = _http(org.director).get(
            reverse("api:nps-results"), {"by": "month", "from": start, "to": "2026-12-31"}
        )
        assert far.status_code == 200, start
        assert far.json()["n"] == 5
        page = _http(org.director).get(
            reverse("surveys:results"), {"date_from": start, "date_to": "2026-12-31"}
        )
        assert page.status_code == 200, start


def test_api_phone_answer(org: Org) -> None:
    campaign = _campaign(org)
    url = reverse("api:campaign-answers", args=[campaign.pk])
    http = _http(org.manager_a1)
    for bad in (
        {"client": org.client_a1.pk, "score": "9"},
        {"client": org.client_a1.pk, "score": 12},
    ):
        assert http.post(url, bad, content_type="application/json").status_code == 400
    foreign = {"client": org.client_b1.pk, "score": 9}
    assert http.post(url, foreign, content_type="application/json").status_code == 404
    ok = http.post(url, {"client": org.client_a1.pk, "score": 9}, content_type="application/json")
    assert ok.status_code == 201
    assert [a["score"] for a in http.get(url).json()] == [9]
    assert _http(org.manager_b1).get(url).status_code == 404


def test_enps_answers_keep_no_person_and_invitations_are_single_use(org: Org) -> None:
    sales = Department.objects.create(name="Продажи")
    support = Department.objects.create(name="Поддержка")
    org.manager_a1.department = sales
    org.manager_a1.email = "m@example.com"
    org.manager_a1.save()
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name="eNPS",
        kind="employee",
        start=today,
        end=today + timedelta(days=5),
        by_phone=False,
        by_link=True,
        created_by=org.director,
    )
    from django.core import mail

    invite_employees(actor=org.director, campaign=campaign, link_url=_url)
    (message,) = mail.outbox  # manager_a1 is the only one with an address
    token = message.body.strip().rsplit("/", 2)[-2]
    saved = answer_employee(
        campaign_id=campaign.pk, token=token, score=8, departments={support.pk: 6, sales.pk: 10}
    )
    assert saved == 2  # the company and support; one's own department is not rated
    fields = {f.name for f in EmployeeAnswer._meta.get_fields()}
    assert not fields & {"user", "invitation", "ip", "user_agent", "created_at"}
    assert set(EmployeeAnswer.objects.values_list("from_department", flat=True)) == {sales.pk}
    with pytest.raises(LinkRefused):
        answer_employee(campaign_id=campaign.pk, token=token, score=1)
    assert EmployeeAnswer.objects.count() == 2
    assert EmployeeInvitation.objects.get(user=org.manager_a1).used
    # Reminders go only to those who have not answered.
    mail.outbox.clear()
    again = invite_employees(actor=org.director, campaign=campaign, link_url=_url, remind=True)
    assert again.emailed == 0
    assert not mail.outbox


def test_enps_page_hides_small_and_derivable_groups(org: Org) -> None:
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name="eNPS", kind="employee", start=today, end=today, by_link=True, created_by=org.director
    )
    a = Department.objects.create(name="Отдел А")
    b = Department.objects.create(name="Отдел Б")
    c = Department.objects.create(name="Отдел В")
    for dept, n in ((a, 7), (b, 6), (c, 3)):
        EmployeeAnswer.objects.bulk_create(
            [
                EmployeeAnswer(campaign=campaign, from_department=dept, score=9, answered_on=today)
                for _ in range(n)
            ]
        )
    from kam.surveys.selectors import enps_results

    assert enps_results(campaign)["released"] is False  # the campaign runs until tonight
    result = enps_results(campaign, today=today + timedelta(days=1))
    shown = {g.label for g in result["breakdown"] if g.figure is not None}
    # В (3) is under 5; showing Б (6) would let В be derived from the total: only А remains.
    assert shown == {"Отдел А"}
    assert result["total"] is not None
    assert result["n"] == 16


def test_import_nps_file(org: Org, tmp_path: Path) -> None:
    from kam.imports.domain import Kind
    from kam.imports.services import import_file

    path = tmp_path / "nps.csv"
    path.write_text(
        f"Клиент;ИНН;Дата;Оценка;Комментарий\n{org.client_a1.name};{org.client_a1.inn};"
        "01.03.2026;9;Спасибо\n",
        encoding="utf-8",
    )
    first = import_file(actor=org.admin, kind=Kind.NPS, path=path)
    assert first.summary.created == 1
    answer = Answer.objects.get(client=org.client_a1)
    assert (answer.score, answer.channel, answer.answered_on) == (9, "import", date(2026, 3, 1))
    second = import_file(actor=org.admin, kind=Kind.NPS, path=path)
    assert second.summary.unchanged == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("Клиент;Дата;Оценка\nНет такого;01.03.2026;9\nX;01.03.2026;11\n", "utf-8")
    outcome = import_file(actor=org.admin, kind=Kind.NPS, path=bad)
    assert outcome.errors
    assert Answer.objects.count() == 1


def test_results_page_renders(org: Org) -> None:
    _answers(org, {"client_a1": [10, 9, 3]}, timezone.localdate() - timedelta(days=3))
    page = _http(org.supervisor_a).get(reverse("surveys:results"), {"by": "segment"})
    assert page.status_code == 200
    assert 'id="indicative"' in page.content.decode()
    assert _http(org.manager_a1).get(reverse("surveys:campaign-list")).status_code == 200


def test_report_nps_xlsx(org: Org, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from openpyxl import load_workbook

    _answers(org, {"client_a1": [10, 3]}, date(2026, 5, 5))
    out = tmp_path / "nps.xlsx"
    args = ["report", "nps", "--from", "2026-01-01", "--to", "2026-12-31", "--by", "month"]
    assert main([*args, "--format", "xlsx", "--out", str(out)]) == 0
    book = load_workbook(out)
    summary = {row[0]: row[1] for row in book["Сводка"].iter_rows(values_only=True)}
    assert (summary["Ответы"], summary["NPS"]) == (2, 0)
    assert [row[0] for row in book["Группы"].iter_rows(values_only=True)] == ["Группа", "2026-05"]
    capsys.readouterr()


def test_a_single_critic_of_a_base_of_one_reads_minus_100_with_true_minus_signs(org: Org) -> None:
    # Seen on the page: «−25,0 … −25,0» (the adjusted point) beside an NPS of −100, and the big
    # figure written with a hyphen.
    _answers(org, {"client_a1": [2]}, timezone.localdate() - timedelta(days=3))
    page = _http(org.manager_a1).get(reverse("surveys:results")).content.decode()
    assert '<p class="bignum">\u2212100</p>' in page
    assert "95%: \u2212100,0 … \u2212100,0" in page
    assert "25,0" not in page
