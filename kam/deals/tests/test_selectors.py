"""The funnel in SQL agrees with the pure oracle on generated data; scopes follow the org chart."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from kam.accounts.models import User
from kam.clients.models import Client
from kam.deals import domain as d
from kam.deals.models import Deal
from kam.deals.selectors import (
    DealFilters,
    consultation_meeting_by_manager,
    deal_list,
    funnel,
    funnel_as_dict,
    funnel_counts,
)
from kam.deals.services import deal_meetings_refresh
from kam.relations.models import Interaction
from kam.relations.services import interaction_log
from kam.reports import company_viewer
from kam.testing import Org

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 30)
STEPS = ["consultation", "meeting", "proposal", "won", "lost"]


def _deal(
    client: Client, manager: User, created: date, step: str, *, reached: int | None = None
) -> Deal:
    status = d.status_of(d.Step(step))
    return Deal.objects.create(
        client=client,
        manager=manager,
        created=created,
        closed=created + timedelta(days=20) if status != "open" else None,
        status=status,
        stage=step,
        step=step,
        reached=d.step_rank(step) if reached is None else reached,
    )


def generate(org: Org, seed: int) -> list[tuple[Deal, bool]]:
    """Random deals and logged contacts written straight to the tables, then the repair that
    stores each deal's first meeting; the oracle's facts are computed independently."""
    rng = random.Random(seed)
    people = [org.manager_a1, org.manager_a2, org.manager_b1]
    clients = {m.pk: [c for c in org.clients if c.manager_id == m.pk] for m in people}
    deals = []
    for _ in range(rng.randint(20, 80)):
        manager = rng.choice(people)
        client = rng.choice(clients[manager.pk])
        created = TODAY - timedelta(days=rng.randint(0, 500))
        step = rng.choice(STEPS)
        reached = max(d.step_rank(step), rng.choice([0, 0, 1, 2]))
        deals.append(_deal(client, manager, created, step, reached=reached))
    for _ in range(rng.randint(0, 30)):
        client = rng.choice(org.clients)
        Interaction.objects.create(
            client=client,
            author=client.manager,
            date=TODAY - timedelta(days=rng.randint(0, 500)),
            channel=rng.choice(["meeting", "visit", "call", "email"]),
            planned=rng.random() < 0.2,
            tone="positive",
        )
    deal_meetings_refresh()
    logged = list(Interaction.objects.filter(planned=False, channel__in=["meeting", "visit"]))
    stored = dict(Deal.objects.values_list("pk", "met_on"))
    facts = []
    for deal in deals:
        during = sorted(
            i.date
            for i in logged
            if i.client_id == deal.client_id
            and deal.created <= i.date
            and (deal.closed is None or i.date <= deal.closed)
        )
        assert stored[deal.pk] == (during[0] if during else None)
        end = deal.closed or TODAY
        met = any(i.client_id == deal.client_id and deal.created <= i.date <= end for i in logged)
        facts.append((deal, met))
    return facts


@pytest.mark.parametrize("seed", range(6))
def test_sql_funnel_agrees_with_the_oracle(org: Org, seed: int) -> None:
    facts = generate(org, seed)
    start, end = TODAY - timedelta(days=365), TODAY
    oracle = d.count_funnel(
        d.DealFacts(deal.manager_id, deal.reached, deal.status == "won", met)
        for deal, met in facts
        if start <= deal.created <= end
    )
    got = funnel_counts(viewer=company_viewer(), date_from=start, date_to=end, today=TODAY)
    assert got == oracle


def test_scopes_follow_the_org_chart(org: Org) -> None:
    for client in org.clients:
        _deal(client, client.manager, TODAY - timedelta(days=10), "won")
    window = {"date_from": TODAY - timedelta(days=30), "date_to": TODAY}
    own = funnel_counts(viewer=org.manager_a1, **window)
    team = funnel_counts(viewer=org.supervisor_a, **window)
    everyone = funnel_counts(viewer=org.director, **window)
    assert set(own) == {org.manager_a1.pk}
    assert set(team) == {org.manager_a1.pk, org.manager_a2.pk}
    assert set(everyone) == {org.manager_a1.pk, org.manager_a2.pk, org.manager_b1.pk}
    listed = deal_list(viewer=org.manager_b1, filters=DealFilters())
    assert {x.client_id for x in listed} == {org.client_b1.pk}


def test_funnel_json_has_exactly_the_issue_shape(org: Org) -> None:
    for i in range(5):
        _deal(org.client_a1, org.manager_a1, TODAY - timedelta(days=i + 1), "won")
    _deal(org.client_a2, org.manager_a2, TODAY - timedelta(days=3), "lost")
    data = funnel_as_dict(
        funnel(viewer=org.director, date_from=TODAY - timedelta(days=30), date_to=TODAY)
    )
    assert set(data) == {"window", "steps", "team", "managers", "best"}
    assert data["window"] == {"from": "2026-05-31", "to": "2026-06-30"}
    assert data["steps"] == ["consultation", "meeting", "won"]
    assert set(data["team"]) == {"consultation", "meeting", "won", "rates"}
    assert set(data["team"]["rates"]) == {"consultation_meeting", "meeting_won", "consultation_won"}
    rate = data["team"]["rates"]["consultation_won"]
    assert set(rate) == {"value", "low", "high", "n"}
    assert rate["n"] == 6
    assert rate["value"] == pytest.approx(5 / 6)
    assert rate["low"] == pytest.approx(d.wilson(5, 6).low)
    assert [set(m) for m in data["managers"]] == [
        {"manager", "consultation", "meeting", "won", "rates"}
    ] * 2
    assert data["best"] == "Тестов Manager_A1"
    lost = next(m for m in data["managers"] if m["manager"] == "Тестов Manager_A2")
    assert lost["rates"]["meeting_won"] is None  # no meeting: nothing to divide by


def test_consultation_meeting_by_manager_for_the_calls_area(org: Org) -> None:
    for i in range(4):
        _deal(org.client_a1, org.manager_a1, TODAY - timedelta(days=i + 1), "consultation")
    _deal(org.client_a1, org.manager_a1, TODAY - timedelta(days=9), "meeting")
    _deal(org.client_b1, org.manager_b1, TODAY - timedelta(days=9), "meeting")
    rates = consultation_meeting_by_manager(
        viewer=org.supervisor_a, date_from=TODAY - timedelta(days=30), date_to=TODAY
    )
    assert set(rates) == {org.manager_a1.pk}
    rate = rates[org.manager_a1.pk]
    assert (rate.value, rate.n) == (0.2, 5)
    assert rate.low == pytest.approx(d.wilson(1, 5).low)


def test_a_meeting_logged_after_the_close_does_not_count(org: Org) -> None:
    deal = _deal(org.client_a1, org.manager_a1, TODAY - timedelta(days=60), "lost")
    assert deal.closed is not None
    interaction_log(
        actor=org.manager_a1,
        client=org.client_a1,
        date=deal.closed + timedelta(days=1),
        channel="meeting",
        personal=True,
        tone="positive",
    )
    window = {"date_from": TODAY - timedelta(days=90), "date_to": TODAY, "today": TODAY}
    counts = funnel_counts(viewer=org.director, **window)
    assert counts[org.manager_a1.pk].meeting == 0
    interaction_log(
        actor=org.manager_a1,
        client=org.client_a1,
        date=deal.closed,
        channel="visit",
        personal=True,
        tone="positive",
    )
    assert funnel_counts(viewer=org.director, **window)[org.manager_a1.pk].meeting == 1


def test_card_panel_groups_deals_and_today_lists_own_idle_deals(org: Org) -> None:
    from kam.deals.models import DealStageChange
    from kam.deals.panels import card_panel, today_section

    fresh = _deal(org.client_a1, org.manager_a1, TODAY - timedelta(days=3), "meeting")
    idle = _deal(org.client_a1, org.manager_a1, TODAY - timedelta(days=90), "consultation")
    moved = _deal(org.client_a1, org.manager_a1, TODAY - timedelta(days=90), "meeting")
    DealStageChange.objects.create(
        deal=moved,
        date=TODAY - timedelta(days=5),
        stage_to="meeting",
        step="meeting",
        status="open",
    )
    _deal(org.client_a1, org.manager_a1, TODAY - timedelta(days=90), "won")
    _deal(org.client_a1, org.manager_a1, TODAY - timedelta(days=80), "lost")
    _deal(org.client_a2, org.manager_a2, TODAY - timedelta(days=90), "consultation")
    panel = card_panel(viewer=org.supervisor_a, client=org.client_a1)["client_deals"]
    assert [len(panel[s]) for s in ("open", "won", "lost")] == [3, 1, 1]
    assert card_panel(viewer=org.manager_b1, client=org.client_a1)["client_deals"]["open"] == []
    section = today_section(viewer=org.manager_a1, today=TODAY)
    assert [d.pk for d in section["idle_deals"]] == [idle.pk]
    assert fresh.pk != idle.pk
    assert today_section(viewer=org.supervisor_a, today=TODAY)["idle_deals"] == []
