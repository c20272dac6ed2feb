"""The probe's three attacks on eNPS anonymity, replayed by a curious director; none works.

1. Testing links: the sender tries every link he could get hold of and compares the answers.
2. Watching the figure: he reads the results before and after one more answer.
3. Subtracting: he takes the total minus the shown groups to get the hidden ones.
"""

from __future__ import annotations

import base64
import itertools
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from kam.accounts.models import Department, User
from kam.surveys.models import Campaign, EmployeeAnswer, EmployeeInvitation
from kam.surveys.selectors import ENPS_MIN_N, enps_results
from kam.surveys.services import LinkRefused, answer_employee, invite_employees
from kam.testing import Org

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s<\"]+?/surveys/e/\d+/[\w-]+/")
# Per-response CSRF masks are random whatever the link; everything else must be equal.
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]*"')


def _campaign(org: Org, days: int = 7) -> Campaign:
    today = timezone.localdate()
    return Campaign.objects.create(
        name="eNPS весна",
        kind="employee",
        start=today,
        end=today + timedelta(days=days),
        by_phone=False,
        by_link=True,
        created_by=org.director,
    )


def _director(org: Org) -> HttpClient:
    http = HttpClient()
    http.force_login(org.director)
    return http


_SEQ = itertools.count()


def _people(n: int, department: Department | None = None, *, email: bool = True) -> list[User]:
    numbers = [next(_SEQ) for _ in range(n)]
    return User.objects.bulk_create(
        [
            User(
                username=f"emp{i}",
                email=f"emp{i}@example.ru" if email else "",
                department=department,
            )
            for i in numbers
        ]
    )


def _mailed(message: object) -> str:
    """The link in an invitation e-mail."""
    found = LINK.search(str(getattr(message, "body", "")))
    assert found is not None
    return found.group(0)


def _token(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


def _page(response: object) -> tuple[int, str]:
    status = getattr(response, "status_code", 0)
    return status, CSRF.sub("", getattr(response, "content", b"").decode())


def test_attack_1_the_sender_cannot_see_or_test_the_links(org: Org) -> None:
    User.objects.exclude(pk=org.inactive.pk).update(email="")
    _people(3)
    campaign = _campaign(org)
    director = _director(org)
    page = director.post(reverse("surveys:send-links", args=[campaign.pk]))
    html = page.content.decode()
    # E-mailed links never reach the sender's screen; the others come unnamed, shuffled.
    mailed = [_mailed(m) for m in mail.outbox]
    assert len(mailed) == User.objects.filter(is_active=True).exclude(email="").count() == 3
    for link in mailed:
        assert link not in html
    printed = LINK.findall(html.split('id="printed"')[1])
    # The personas have no address: their links are printed, without their names.
    assert len(printed) == User.objects.filter(is_active=True, email="").count() == 8
    # The same unnamed links, in the same order, are in the page's copy-all text and its CSV.
    assert LINK.findall(html.split('id="all-links"')[1].split("</textarea>")[0]) == printed
    csv_href = re.search(r'id="links-csv" href="data:text/csv;charset=utf-8;base64,([^"]+)"', html)
    assert csv_href is not None
    csv_text = base64.b64decode(csv_href.group(1)).decode("utf-8-sig")
    assert LINK.findall(csv_text) == printed
    assert csv_text.splitlines()[0] == "Персональная ссылка"
    for name in ("Manager_A1", "Supervisor_A", "manager_a1"):
        assert name not in html.split('id="printed"')[1]
    assert "emailed" in html

    # Now the sender holds the printed links; one is used, one expired, one made up.
    used, fresh = (_token(url) for url in printed[:2])
    answer_employee(campaign_id=campaign.pk, token=used, score=2)
    expired_user = User.objects.get(email=mail.outbox[0].to[0])
    expired = EmployeeInvitation.objects.get(campaign=campaign, user=expired_user)
    expired.token_expires = timezone.now() - timedelta(seconds=1)
    expired.save()
    expired_token = _token(mailed[0])
    tokens = {"used": used, "fresh": fresh, "expired": expired_token, "unknown": "x" * 32}

    visitor = HttpClient()
    opened = {k: _page(visitor.get(f"/surveys/e/{campaign.pk}/{t}/")) for k, t in tokens.items()}
    assert len(set(opened.values())) == 1, "GET tells the links apart"
    assert opened["fresh"][0] == 200
    incomplete = {
        k: _page(visitor.post(f"/surveys/e/{campaign.pk}/{t}/", {"comment": "?"}))
        for k, t in tokens.items()
    }
    assert len(set(incomplete.values())) == 1, "an incomplete answer tells the links apart"
    assert incomplete["fresh"][0] == 400
    refusals = {
        k: _page(visitor.post(f"/surveys/e/{campaign.pk}/{t}/", {"score": "5"}))
        for k, t in tokens.items()
        if k != "fresh"
    }
    assert len(set(refusals.values())) == 1, "refusals tell the links apart"
    assert refusals["used"][0] == 410
    # Only a complete answer spends a link: testing a live link costs its holder the answer,
    # which that person then sees.
    assert EmployeeAnswer.objects.filter(about=None).count() == 1
    # A reminder reaches people by e-mail only; the sender still sees no link.
    mail.outbox.clear()
    reminded = director.post(reverse("surveys:send-links", args=[campaign.pk]), {"remind": "1"})
    assert not LINK.findall(reminded.content.decode())
    assert len(mail.outbox) == 3  # e-mailed, not answered: new links; printed links stay
    # Nothing on the campaign page names who has answered.
    detail = director.get(reverse("surveys:campaign-detail", args=[campaign.pk])).content.decode()
    for user in User.objects.filter(is_active=True).exclude(pk=org.director.pk):
        assert user.username not in detail


def _answer_all(campaign: Campaign, scores: list[int]) -> None:
    users = _people(len(scores))
    run = invite_employees(actor=campaign.created_by, campaign=campaign, link_url=_url)
    assert run.emailed >= len(scores)
    by_address = {m.to[0]: _token(_mailed(m)) for m in mail.outbox}
    for user, score in zip(users, scores, strict=True):
        answer_employee(campaign_id=campaign.pk, token=by_address[user.email], score=score)
    mail.outbox.clear()


def _url(campaign: Campaign, token: str) -> str:
    return f"http://testserver/surveys/e/{campaign.pk}/{token}/"


def test_attack_2_the_figure_does_not_move_with_one_answer(org: Org) -> None:
    campaign = _campaign(org)
    # 39 answers: eNPS 3 (10 promoters, 9 detractors...), then one detractor makes it 0.
    scores = [10] * 11 + [8] * 18 + [3] * 10
    _answer_all(campaign, scores)
    director = _director(org)
    url = reverse("surveys:campaign-detail", args=[campaign.pk])
    before = _page(director.get(url))[1]
    _people(1)
    invite_employees(actor=org.director, campaign=campaign, link_url=_url)
    answer_employee(campaign_id=campaign.pk, token=_token(_mailed(mail.outbox[0])), score=0)
    after = _page(director.get(url))[1]
    # While the campaign runs only the count moves: 39 → 40, no figure on either page. (The
    # campaign's id is masked first: a run once had id 397, whose "39" the count replace hit.)
    masked = [page.replace(f"/surveys/{campaign.pk}/", "/surveys/ID/") for page in (before, after)]
    assert re.sub(r"\b39\b", "40", masked[0]) == masked[1]
    assert re.search(r"\b40\b", masked[1])
    assert 'class="bignum"' not in after
    assert enps_results(campaign)["total"] is None
    # Once it has closed, the figure is released and agrees with a count by hand.
    closed = campaign.end + timedelta(days=1)
    with time_machine.travel(closed, tick=False):
        result = enps_results(campaign)
        # A fresh login: the idle session would have timed out over these days.
        released = _director(org).get(url).content.decode()
        # Links are dead after the end, so the released figure can never move again.
        with pytest.raises(LinkRefused):
            answer_employee(campaign_id=campaign.pk, token="x" * 32, score=0)
    all_scores = [*scores, 0]
    expected = 100 * (sum(s >= 9 for s in all_scores) - sum(s <= 6 for s in all_scores)) / 40
    assert result["released"] is True
    assert result["total"].value == pytest.approx(expected)
    assert 'class="bignum"' in released


def test_late_answers_after_the_end_are_refused(org: Org) -> None:
    campaign = _campaign(org, days=0)
    users = _people(1)
    invite_employees(actor=org.director, campaign=campaign, link_url=_url)
    token = next(_token(_mailed(m)) for m in mail.outbox if m.to == [users[0].email])
    late = campaign.end + timedelta(days=1)
    with time_machine.travel(late, tick=False), pytest.raises(LinkRefused):
        answer_employee(campaign_id=campaign.pk, token=token, score=9)
    assert not EmployeeAnswer.objects.exists()


def test_attack_3_no_hidden_group_or_union_of_them_can_be_subtracted(org: Org) -> None:
    campaign = _campaign(org, days=0)
    sizes = {"Продажи": 9, "Склад": 7, "Бухгалтерия": 1, "Логистика": 3}
    today = timezone.localdate()
    for name, n in sizes.items():
        department = Department.objects.create(name=name)
        EmployeeAnswer.objects.bulk_create(
            [
                EmployeeAnswer(
                    campaign=campaign, from_department=department, score=i % 11, answered_on=today
                )
                for i in range(n)
            ]
        )
    with time_machine.travel(campaign.end + timedelta(days=1), tick=False):
        result = enps_results(campaign)
        html = _director(org).get(reverse("surveys:campaign-detail", args=[campaign.pk]))
    assert result["total"] is not None
    shown = {g.label: g for g in result["breakdown"] if g.figure is not None}
    hidden = [g for g in result["breakdown"] if g.figure is None]
    # What the attacker can compute: the total minus the shown groups, i.e. all hidden groups
    # together. It must hold no answer or at least the minimum group size.
    union = result["total"].n - sum(g.n for g in shown.values())
    assert union == sum(sizes[g.label] for g in hidden)
    assert union == 0 or union >= ENPS_MIN_N
    # Without secondary suppression Склад (7) would be shown and the 1 + 3 hidden answers
    # (4 people) derivable; now only Продажи is shown.
    assert set(shown) == {"Продажи"}
    assert html.content.decode().count("hidden for anonymity") + html.content.decode().count(
        "скрыто"
    ) >= len(hidden)


def test_attack_4_an_admin_cannot_redirect_a_link_by_editing_an_address(org: Org) -> None:
    """An admin who sets an employee's address to one they read, or shares an address with
    an employee, would receive that employee's link: such links are printed instead, the
    change is logged for the employee and the old address is told."""
    from kam.accounts.models import OrgChange
    from kam.accounts.services import user_update

    User.objects.exclude(pk=org.inactive.pk).update(email="")
    victim, other, twin_a, twin_b = _people(4)
    org.admin.email = "admin@example.ru"
    org.admin.save()
    old_address = victim.email
    user_update(actor=org.admin, user=victim, email="inbox-of-the-admin@example.ru")
    victim.refresh_from_db()
    assert victim.email_changed_by == org.admin
    change = OrgChange.objects.get(kind=OrgChange.Kind.EMAIL, subject=victim)
    assert set(change.affected.all()) == {victim}  # no supervisor in this test
    assert (change.before, change.after) == (old_address, "inbox-of-the-admin@example.ru")
    assert [m.to for m in mail.outbox] == [[old_address]]
    # The sender's own address on someone else's account, and one address on two accounts.
    User.objects.filter(pk=other.pk).update(email="admin@example.ru")
    User.objects.filter(pk__in=[twin_a.pk, twin_b.pk]).update(email="shared@example.ru")
    mail.outbox.clear()

    campaign = _campaign(org)
    run = invite_employees(actor=org.admin, campaign=campaign, link_url=_url)
    assert not mail.outbox
    assert run.emailed == 0
    # The victim, the admin and the account holding the admin's address, the twins.
    assert run.withheld == 5
    active = User.objects.filter(is_active=True).count()
    assert len(run.printed) == active  # every link, none e-mailed

    # An address the person set themselves, or one changed long ago, is trusted again.
    User.objects.filter(pk=victim.pk).update(email_changed_at=timezone.now() - timedelta(days=31))
    mail.outbox.clear()
    again = invite_employees(actor=org.admin, campaign=_campaign(org), link_url=_url)
    assert "inbox-of-the-admin@example.ru" in [to for m in mail.outbox for to in m.to]
    assert again.withheld == 4


def test_the_links_page_says_why_a_link_was_printed(org: Org) -> None:
    from kam.accounts.services import user_update

    User.objects.exclude(pk=org.inactive.pk).update(email="")
    (victim,) = _people(1)
    user_update(actor=org.admin, user=victim, email="elsewhere@example.ru")
    campaign = _campaign(org)
    html = _director(org).post(reverse("surveys:send-links", args=[campaign.pk])).content.decode()
    assert 'id="withheld"' in html
    printed = html.split('id="printed"')[1]  # the list (the copy-all text repeats it)
    assert len(LINK.findall(printed)) == User.objects.filter(is_active=True).count()
