"""The survey-link throttle: on the real client address, never against a valid link."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.test import RequestFactory
from django.urls import reverse

from kam.core.http import client_address
from kam.surveys.models import Campaign
from kam.surveys.services import issue_links
from kam.testing import Org

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"


def _url(campaign: Campaign, token: str) -> str:
    return f"http://testserver/surveys/s/{campaign.pk}/{token}/"


def _valid_link(org: Org) -> str:
    campaign = Campaign.objects.get(respondents__client=org.client_a1)
    token = issue_links(actor=org.manager_a1, campaign=campaign, link_url=_url)[0].token
    return reverse("surveys:link", args=[campaign.pk, token])


def _bad_link(org: Org, i: int) -> str:
    campaign = Campaign.objects.get(respondents__client=org.client_a1)
    return reverse("surveys:link", args=[campaign.pk, f"guess-{i}"])


def _via_proxy(client_ip: str, forged: str = "") -> HttpClient:
    """A visitor behind the documented proxy: nginx appends the address it saw."""
    chain = f"{forged}, {client_ip}" if forged else client_ip
    return HttpClient(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=chain)


def test_behind_the_proxy_one_guesser_blocks_nobody_else(org: Org, settings: object) -> None:
    setattr(settings, "BEHIND_PROXY", True)  # noqa: B010 - pytest-django settings fixture
    guesser = _via_proxy("203.0.113.7")
    codes = [guesser.get(_bad_link(org, i)).status_code for i in range(25)]
    assert codes[:20] == [404] * 20
    assert set(codes[20:]) == {429}
    # Everyone comes through the proxy's address; a respondent elsewhere is not affected.
    assert _via_proxy("198.51.100.23").get(_bad_link(org, 99)).status_code == 404
    assert _via_proxy("198.51.100.24").get(_valid_link(org)).status_code == 200


def test_a_valid_link_works_even_from_a_blocked_address(org: Org) -> None:
    shared_office = HttpClient()  # one NAT address for a whole office
    for i in range(20):
        assert shared_office.get(_bad_link(org, i)).status_code == 404
    assert shared_office.get(_bad_link(org, 20)).status_code == 429
    link = _valid_link(org)
    assert shared_office.get(link).status_code == 200
    assert shared_office.post(link, {"score": "9"}).status_code == 200


def test_forged_forwarded_headers_buy_no_fresh_attempts(org: Org, settings: object) -> None:
    setattr(settings, "BEHIND_PROXY", True)  # noqa: B010 - pytest-django settings fixture
    codes = [
        _via_proxy("203.0.113.7", forged=f"192.0.2.{i}").get(_bad_link(org, i)).status_code
        for i in range(25)
    ]
    assert codes.count(429) == 5
    # Without the proxy setting the header is not trusted at all.
    setattr(settings, "BEHIND_PROXY", False)  # noqa: B010
    direct = [
        HttpClient(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
        .get(_bad_link(org, 100 + i))
        .status_code
        for i in range(25)
    ]
    assert direct.count(429) == 5


@pytest.mark.parametrize(
    ("remote", "forwarded", "behind", "expected"),
    [
        ("127.0.0.1", "", False, "127.0.0.1"),
        ("10.0.0.1", "203.0.113.7", False, "10.0.0.1"),
        ("10.0.0.1", "203.0.113.7", True, "203.0.113.7"),
        ("10.0.0.1", "6.6.6.6, 203.0.113.7", True, "203.0.113.7"),
        ("10.0.0.1", "", True, "10.0.0.1"),
        ("2001:db8:1:2:aaaa::1", "", False, "2001:db8:1:2::/64"),
        ("2001:db8:1:2:bbbb::9", "", False, "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "", False, "203.0.113.7"),
        ("not an address", "", False, "not an address"),
    ],
)
def test_client_address(
    settings: object, remote: str, forwarded: str, behind: bool, expected: str
) -> None:
    setattr(settings, "BEHIND_PROXY", behind)  # noqa: B010
    meta = {"REMOTE_ADDR": remote}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    request = RequestFactory().get("/", **meta)  # type: ignore[arg-type]
    assert client_address(request) == expected


def test_enps_links_are_limited_only_on_refused_answers(org: Org) -> None:
    from datetime import timedelta

    from django.core import mail
    from django.utils import timezone

    from kam.accounts.models import User
    from kam.surveys.services import invite_employees

    User.objects.filter(pk=org.manager_a1.pk).update(email="a1@example.ru")
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name="eNPS",
        kind="employee",
        start=today,
        end=today + timedelta(days=3),
        by_link=True,
        created_by=org.director,
    )
    invite_employees(actor=org.director, campaign=campaign, link_url=lambda c, t: f"/e/{c.pk}/{t}/")
    token = mail.outbox[0].body.strip().rstrip("/").rsplit("/", 1)[1]
    office = HttpClient()
    bad = reverse("surveys:enps-link", args=[campaign.pk, "guess"])
    # Opening links costs nothing and tells nothing; refused answers are counted.
    assert {office.get(bad).status_code for _ in range(25)} == {200}
    codes = [office.post(bad, {"score": "5"}).status_code for _ in range(22)]
    assert codes[:20] == [410] * 20
    assert set(codes[20:]) == {429}
    good = reverse("surveys:enps-link", args=[campaign.pk, token])
    assert office.post(good, {"score": "9"}).status_code == 200
