"""List pages and dashboards do not issue a query per row."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client as HttpClient
from pytest_django import DjangoAssertNumQueries

from kam.clients.models import Client, Contact, ContactRole
from kam.portfolio.models import RevenueRecord
from kam.testing import Org


def _many(org: Org, n: int) -> None:
    for i in range(n):
        c = Client.objects.create(name=f"Q {i}", normalized_name=f"q {i}", manager=org.manager_a1)
        RevenueRecord.objects.create(client=c, date=date(2026, 2, 1), amount=Decimal(10 + i))
        contact = Contact.objects.create(client=c, full_name=f"C {i}")
        ContactRole.objects.create(contact=contact, role="user")


def _count(
    org: Org,
    url: str,
    n: int,
    django_assert_max_num_queries: DjangoAssertNumQueries,
    budget: int = 40,
) -> int:
    _many(org, n)
    http = HttpClient()
    http.force_login(org.director)
    http.get(url)  # warm the settings row and session
    with django_assert_max_num_queries(budget) as ctx:
        assert http.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("sort", ["name", "-revenue", "stage", "-positive", "-health"])
def test_client_list_queries_do_not_grow_with_rows(
    org: Org, django_assert_max_num_queries: DjangoAssertNumQueries, sort: str
) -> None:
    """Every KAM column (revenue, share, class, stage, contact, health) and every sort."""
    url = f"/clients/?sort={sort}"
    # Sorting by health scores every matching client (a fixed set of aggregates), then the
    # page's rows again for their cells.
    budget = 60 if sort.endswith("health") else 40
    small = _count(org, url, 3, django_assert_max_num_queries, budget)
    large = _count(org, url, 40, django_assert_max_num_queries, budget)
    assert large == small


def test_portfolio_queries_do_not_grow_with_rows(
    org: Org, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    url = "/portfolio/?preset=custom&date_from=2026-01-01&date_to=2026-12-31"
    small = _count(org, url, 3, django_assert_max_num_queries)
    large = _count(org, url, 40, django_assert_max_num_queries)
    assert large == small


def test_portfolio_queries_do_not_grow_with_marked_clients(
    org: Org, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    """Strategic clients that are not revenue-key join the grid without a query each."""
    from kam.portfolio.models import KeyAccountProfile

    url = "/portfolio/?preset=custom&date_from=2026-01-01&date_to=2026-12-31"
    counts = []
    for n in (2, 25):
        _many(org, n)
        for client in Client.objects.filter(key_profile__isnull=True, name__startswith="Q "):
            KeyAccountProfile.objects.create(client=client, strategic=True, strategic_reason="r")
        http = HttpClient()
        http.force_login(org.director)
        http.get(url)
        with django_assert_max_num_queries(40) as ctx:
            assert http.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[1] == counts[0]


def test_client_card_queries_do_not_grow_with_contacts(
    org: Org, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    http = HttpClient()
    http.force_login(org.manager_a1)
    url = org.client_a1.get_absolute_url()
    http.get(url)
    with django_assert_max_num_queries(60) as few:
        http.get(url)
    for i in range(15):
        contact = Contact.objects.create(client=org.client_a1, full_name=f"Extra {i}")
        ContactRole.objects.create(contact=contact, role="advisor")
    with django_assert_max_num_queries(60) as many:
        http.get(url)
    # History grows with the contacts (bounded by its limit), the contact list itself does not.
    assert len(many.captured_queries) <= len(few.captured_queries) + 2


def _activity(org: Org, n: int) -> None:
    """Clients with the things the Today page, the overview and NPS list: contacts in a pause,
    birthdays, bank entries, stages, tasks, cases and answers."""
    from django.utils import timezone

    from kam.playbooks.models import ComplaintCase
    from kam.relations.models import BankEntry, ChecklistTask, Interaction, StageChange
    from kam.relations.models import RelationshipStage as Stage
    from kam.surveys.models import Answer, Campaign, Respondent

    today = timezone.localdate()
    stage = Stage.objects.order_by("order")[0]
    campaign = Campaign.objects.create(
        name="Q", kind="client", start=today, end=today, created_by=org.director
    )
    for client in Client.objects.filter(name__startswith="Q "):
        Interaction.objects.create(
            client=client, author=org.manager_a1, date=today, channel="call", tone="negative"
        )
        contact = client.contacts.get()
        contact.birthday = today.replace(year=1980) if (today.month, today.day) != (2, 29) else None
        contact.save()
        BankEntry.objects.create(
            client=client, kind="withdrawal", weight=2, date=today, note="n", author=org.director
        )
        StageChange.objects.create(
            client=client, stage=stage, date=today, reason="r", author=org.director
        )
        ChecklistTask.objects.create(
            client=client, title="t", owner=org.manager_a1, due=today, created_by=org.director
        )
        ComplaintCase.objects.create(client=client, owner=org.manager_a1)
        respondent = Respondent.objects.create(campaign=campaign, client=client)
        Answer.objects.create(
            respondent=respondent,
            campaign=campaign,
            client=client,
            score=n % 11,
            channel="phone",
            answered_on=today,
        )


def _count_active(
    org: Org, url: str, n: int, django_assert_max_num_queries: DjangoAssertNumQueries
) -> int:
    _many(org, n)
    _activity(org, n)
    http = HttpClient()
    http.force_login(org.director)
    http.get(url)
    with django_assert_max_num_queries(60) as ctx:
        assert http.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_today_overview_and_nps_queries_do_not_grow_with_clients(
    org: Org, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for url in ("/today/?view=team", "/relationships/", "/surveys/results/", "/playbooks/cases/"):
        small = _count_active(org, url, 3, django_assert_max_num_queries)
        large = _count_active(org, url, 25, django_assert_max_num_queries)
        assert large == small, url


def _count_as(org: Org, username: str, url: str, n: int, counter: DjangoAssertNumQueries) -> int:
    _many(org, n)
    _activity(org, n)
    http = HttpClient()
    http.force_login(getattr(org, username))
    http.get(url)
    with counter(80) as ctx:
        assert http.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_daily_pages_and_their_fragments_do_not_grow_with_clients(
    org: Org, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    """Today of a manager and a supervisor's team, the lazy health section of Today and the
    client card: the same number of queries with 3 clients as with 25 (issue 19)."""
    pages = (
        ("manager_a1", "/today/"),
        ("supervisor_a", "/today/?view=team"),
        ("manager_a1", "/today/sections/health/"),
        ("director", "/today/sections/health/?view=team"),
        ("manager_a1", org.client_a1.get_absolute_url()),
    )
    for username, url in pages:
        small = _count_as(org, username, url, 3, django_assert_max_num_queries)
        large = _count_as(org, username, url, 25, django_assert_max_num_queries)
        assert large == small, url
