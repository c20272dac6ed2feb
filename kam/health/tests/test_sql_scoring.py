"""The health score computed in SQL (`health_scores`) agrees with the pure domain functions
(`domain.health_score` of each client's facts) on generated clients, on SQLite and
PostgreSQL: every weight set, a zero weight removing its component's effect, 0–100, scope."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from kam.accounts.access import visible_clients
from kam.accounts.models import User
from kam.clients.domain import ESSENTIAL_ROLES, normalize_company_name
from kam.clients.models import Client, Contact, ContactRole, Dossier
from kam.core.models import company_settings
from kam.health import domain
from kam.health.domain import COMPONENTS
from kam.health.models import health_settings
from kam.health.selectors import (
    Scored,
    client_facts,
    contrast_candidates,
    health_scores,
    snapshot_scores,
)
from kam.playbooks.models import ComplaintCase
from kam.portfolio.models import RevenueRecord
from kam.relations.models import BankEntry, Interaction
from kam.surveys.models import Answer, Campaign, Respondent
from kam.testing import Org

pytestmark = pytest.mark.django_db
AS_OF = timezone.localdate()  # complaint cases are stamped with the real time
SEGMENTS = ("large", "medium", "small", "private", "state")
AMOUNTS = (Decimal("-80.50"), Decimal(100), Decimal("250.25"), Decimal(1000), Decimal("333.33"))


def _ago(days: int) -> datetime:
    return timezone.now() - timedelta(days=days)


def _campaign(org: Org, name: str) -> Campaign:
    return Campaign.objects.create(
        name=name,
        kind="client",
        start=AS_OF - timedelta(days=900),
        end=AS_OF,
        created_by=org.director,
    )


def _generate(org: Org, n: int = 48, seed: int = 18) -> list[Client]:
    """Clients with every kind of history: regular, stopped, lapsed, flat, refunds only, with
    or without contacts, bank entries, answers, complaint cases, roles and a dossier."""
    rng = random.Random(seed)
    managers = [org.manager_a1, org.manager_a2, org.manager_b1]
    campaigns = [_campaign(org, f"NPS {k}") for k in range(2)]  # one answer per campaign
    settings = company_settings()
    settings.cadence_large_days, settings.cadence_small_days = 30, 90
    settings.cadence_state_days = 0  # no cadence for this segment
    settings.save()
    made = []
    for i in range(n):
        manager = managers[i % 3]
        name = f"Сгенерированный {i}"
        client = Client.objects.create(
            name=name,
            normalized_name=normalize_company_name(name),
            manager=manager,
            segment=SEGMENTS[i % len(SEGMENTS)],
        )
        made.append(client)
        kind = i % 7
        quiet = (i // 7) % 2 == 0  # revenue facts only: no contacts, answers or cases
        rows = []
        if kind == 6:  # gap 30, silent 89–92 days: around 3 × the gap
            days = list(range(89 + (i // 7) % 4, 720, 30))
        elif kind == 0:  # regular buyer, gap 30, still buying
            days = list(range(rng.randint(0, 20), 700, 30))
        elif kind == 1:  # regular buyer who stopped
            days = list(range(rng.randint(100, 300), 720, rng.choice([20, 30, 45])))
        elif kind == 2:  # flat: the same purchases in both years
            days = [d for d in (40, 150, 260) for d in (d, d + 365)]
        else:  # random, with refunds and days after the date
            days = [rng.randint(-20, 900) for _ in range(rng.randint(0, 18))]
        for day in days:
            amount = Decimal(1000) if kind in (0, 2, 6) else rng.choice(AMOUNTS)
            rows.append(
                RevenueRecord(client=client, date=AS_OF - timedelta(days=day), amount=amount)
            )
        RevenueRecord.objects.bulk_create(rows)
        for _ in range(0 if quiet else rng.randint(0, 6)):
            Interaction.objects.create(
                client=client,
                author=manager,
                date=AS_OF - timedelta(days=rng.randint(0, 400)),
                channel="call",
                planned=rng.random() < 0.15,
                tone=rng.choice(["positive", "neutral", "negative"]),
            )
        for _ in range(rng.choice([0, 0, 1, 3, 6])):
            BankEntry.objects.create(
                client=client,
                author=manager,
                kind=rng.choice(["deposit", "withdrawal"]),
                weight=rng.randint(1, 5),
                date=AS_OF - timedelta(days=rng.randint(0, 300)),
                note="x",
            )
        for campaign in campaigns[: 0 if quiet else rng.choice([0, 1, 2])]:
            Answer.objects.create(
                respondent=Respondent.objects.create(campaign=campaign, client=client),
                campaign=campaign,
                client=client,
                score=rng.randint(0, 10),
                channel="phone",
                answered_on=AS_OF - timedelta(days=rng.randint(0, 800)),
            )
        for _ in range(0 if quiet else rng.choice([0, 0, 1, 2, 3])):
            case = ComplaintCase.objects.create(client=client, owner=manager, summary="x")
            closed = _ago(rng.randint(0, 10)) if rng.random() < 0.5 else None
            ComplaintCase.objects.filter(pk=case.pk).update(
                opened_at=_ago(rng.randint(10, 900)), closed_at=closed
            )
        for c in range(rng.randint(0, 3)):
            contact = Contact.objects.create(
                client=client, full_name=f"Контакт {c}", is_active=rng.random() < 0.8
            )
            for role in rng.sample(ESSENTIAL_ROLES, rng.randint(0, 3)):
                ContactRole.objects.create(contact=contact, role=role)
        if rng.random() < 0.6:
            reviewed = AS_OF - timedelta(days=rng.randint(0, 400))
            Dossier.objects.create(client=client, last_reviewed_on=rng.choice([None, reviewed]))
    return made


def _weights(**weights: int) -> None:
    cfg = health_settings()
    for name in COMPONENTS:
        setattr(cfg, f"weight_{name}", weights.get(name, 0))
    cfg.save()


def _oracle() -> dict[int, int | None]:
    cfg = health_settings()
    weights, th = cfg.weights(), cfg.thresholds()
    return {
        cid: domain.health_score(f, AS_OF, th, weights)
        for cid, f in client_facts(as_of=AS_OF).items()
    }


def test_sql_scores_agree_with_the_domain_for_every_weight_set(org: Org) -> None:
    _generate(org)
    rng = random.Random(5)
    weight_sets: list[dict[str, int]] = [health_settings().weights()]  # the defaults
    weight_sets += [{name: 1} for name in COMPONENTS]  # each component alone
    weight_sets += [
        {name: rng.choice([0, 0, 1, 3, 7, 20]) for name in COMPONENTS} for _ in range(6)
    ]
    for weights in weight_sets:
        if not any(weights.values()):
            continue
        _weights(**weights)
        got, expected = health_scores(as_of=AS_OF), _oracle()
        assert got == expected, weights
        scores = [h for h in got.values() if h is not None]
        assert all(0 <= h <= 100 for h in scores)
        assert len(set(scores)) > 1  # the weights matter: not one figure for everyone
    assert len(expected) > 40  # nearly every generated client has revenue in 24 months


def test_a_zero_weight_removes_the_component_in_sql(org: Org) -> None:
    made = _generate(org, n=24, seed=7)
    _weights(revenue_trend=2, recency=3, cadence=1, nps=0, complaints=2, dossier=1)
    before = health_scores(as_of=AS_OF)
    # Critic answers everywhere: the NPS component changes, its weight is zero.
    campaign = _campaign(org, "NPS critics")
    for client in made:
        Answer.objects.create(
            respondent=Respondent.objects.create(campaign=campaign, client=client),
            campaign=campaign,
            client=client,
            score=0,
            channel="phone",
            answered_on=AS_OF,
        )
    assert health_scores(as_of=AS_OF) == before
    _weights(revenue_trend=2, recency=3, cadence=1, nps=4, complaints=2, dossier=1)
    weighted = health_scores(as_of=AS_OF)
    assert weighted == _oracle()
    assert any(weighted[c] != before[c] for c in before if before[c] is not None)


@pytest.mark.parametrize("viewer", ["manager_a1", "supervisor_a"])
def test_sql_scores_of_a_scope_are_the_companys_figures(org: Org, viewer: str) -> None:
    _generate(org, n=18, seed=3)
    everyone = health_scores(as_of=AS_OF)
    user: User = getattr(org, viewer)
    scope = visible_clients(user)
    mine = health_scores(as_of=AS_OF, clients=scope)
    visible = set(scope.values_list("pk", flat=True))
    assert mine == {cid: h for cid, h in everyone.items() if cid in visible}
    assert mine
    assert len(mine) < len(everyone)
    some = sorted(mine)[:3]
    assert health_scores(as_of=AS_OF, client_ids=some) == {c: everyone[c] for c in some}
    assert health_scores(as_of=AS_OF, client_ids=[]) == {}


def _thresholds(**values: Any) -> None:
    cfg = health_settings()
    for name, value in values.items():
        setattr(cfg, name, value)
    cfg.save()


THRESHOLD_SETS: list[dict[str, Any]] = [
    {},  # the defaults
    {"stop_multiple": Decimal("1.5"), "stop_min_days": 20, "stop_min_purchases": 2},
    {"share_drop_pp": Decimal("0.01"), "negative_contacts": 1, "new_client_months": 36},
    {"stop_multiple": Decimal(5), "share_drop_pp": Decimal(30), "negative_contacts": 9},
]


@pytest.mark.parametrize("values", THRESHOLD_SETS)
def test_candidates_and_snapshot_rules_agree_with_the_domain(org: Org, values: Any) -> None:
    """The SQL first cut never drops a candidate or an alert: the candidates and the stored
    alerts are the domain's rules applied to every client's facts."""
    _generate(org, n=60, seed=11)
    _thresholds(**values)
    cfg = health_settings()
    th = cfg.thresholds()
    new_since = AS_OF - timedelta(days=round(cfg.new_client_months * 365 / 12))
    facts = client_facts(as_of=AS_OF)
    names = dict(Client.objects.values_list("pk", "name"))
    found = sorted(
        (c for f in facts.values() if (c := domain.candidate(f, AS_OF, th, new_since=new_since))),
        key=lambda c: (-c.strength, names[c.client_id], c.client_id),
    )
    expected: dict[str, Any] = {"as_of": AS_OF.isoformat(), "satisfied": [], "dissatisfied": []}
    for cand in found:
        expected[cand.side.value].append(
            {
                "client": {"id": cand.client_id, "name": names[cand.client_id]},
                "evidence": cand.evidence,
            }
        )
    assert contrast_candidates(viewer=org.director, as_of=AS_OF) == expected
    assert expected["satisfied"]
    assert expected["dissatisfied"]

    stored = snapshot_scores(as_of=AS_OF, keys={org.client_a1.pk}, cfg=cfg)
    assert set(stored) == set(facts)
    for cid, f in facts.items():
        raised = ",".join(a.value for a in domain.alerts(f, AS_OF, th))
        assert stored[cid] == Scored(
            health=domain.health_score(f, AS_OF, th, cfg.weights()),
            is_key=cid == org.client_a1.pk,
            alerts=raised,
            candidate=domain.candidate(f, AS_OF, th, new_since=new_since),
        ), cid
    assert any(s.alerts for s in stored.values())
