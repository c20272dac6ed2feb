"""SQL facts agree with an independent Python computation; health, alerts, access, pages."""

from __future__ import annotations

import itertools
import random
import statistics
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from kam.accounts.models import User
from kam.clients.domain import normalize_company_name
from kam.clients.models import Client
from kam.health.domain import COMPONENTS
from kam.health.models import AlertSnooze, health_settings
from kam.health.selectors import (
    client_facts,
    contrast_candidates,
    health_as_dict,
    health_list,
    revenue_facts,
)
from kam.health.services import alert_snooze
from kam.playbooks.models import ComplaintCase
from kam.portfolio.models import RevenueRecord
from kam.relations.models import Interaction
from kam.testing import Org

pytestmark = pytest.mark.django_db
AS_OF = timezone.localdate()  # complaint cases are stamped with the real time


def _client(name: str, manager: User) -> Client:
    return Client.objects.create(
        name=name, normalized_name=normalize_company_name(name), manager=manager
    )


def _buy(client: Client, *days_ago: int, amount: int = 100) -> None:
    RevenueRecord.objects.bulk_create(
        RevenueRecord(client=client, date=AS_OF - timedelta(days=d), amount=Decimal(amount))
        for d in days_ago
    )


def test_revenue_facts_agree_with_python(org: Org) -> None:
    rng = random.Random(18)
    clients = [_client(f"Клиент {i}", org.manager_a1) for i in range(12)]
    rows = []
    for client in clients:
        for _ in range(rng.randint(0, 25)):
            day = AS_OF - timedelta(days=rng.randint(-30, 1200))  # some after as_of
            amount = Decimal(rng.choice([-50, 100, 250, 1000, 333]))
            rows.append(RevenueRecord(client=client, date=day, amount=amount))
    RevenueRecord.objects.bulk_create(rows)
    got = revenue_facts(as_of=AS_OF)

    year = timedelta(days=365)
    expected = {}
    for client in [*clients, *org.clients]:
        mine = [
            (r.date, r.amount)
            for r in RevenueRecord.objects.filter(client=client)
            if r.date <= AS_OF
        ]
        per_day: dict[date, Decimal] = {}
        for day, amount in mine:
            per_day[day] = per_day.get(day, Decimal(0)) + amount
        if not per_day or max(per_day) <= AS_OF - 2 * year:
            continue
        bought = sorted(d for d, a in per_day.items() if a > 0)
        gaps = [(b - a).days for a, b in itertools.pairwise(bought)]
        expected[client.pk] = (
            len(bought),
            bought[0] if bought else None,
            bought[-1] if bought else None,
            sum((a for d, a in per_day.items() if d > AS_OF - year), Decimal(0)),
            sum(
                (a for d, a in per_day.items() if AS_OF - 2 * year < d <= AS_OF - year), Decimal(0)
            ),
            statistics.median(gaps) if gaps else None,
        )
    assert set(got) == set(expected)
    for cid, (n, first, last, cur, prev, median) in expected.items():
        f = got[cid]
        assert (f.purchases, f.first_purchase, f.last_purchase) == (n, first, last)
        assert (f.revenue_cur, f.revenue_prev) == (cur, prev)
        assert f.median_gap_days == (None if median is None else pytest.approx(float(median)))
    # Restricting to some clients gives the same numbers for them.
    some = list(expected)[:3]
    assert revenue_facts(as_of=AS_OF, client_ids=some) == {c: got[c] for c in some}


def test_churning_key_client_raises_stopped_buying_and_share_drop(org: Org) -> None:
    big = _client("Крупный Уходящий", org.manager_a1)
    other = _client("Ровный", org.manager_a1)
    # A regular monthly buyer (gap 30) until 200 days ago: silent 200 > 3×30 and ≥ 60.
    _buy(big, *range(200, 730, 30), amount=1000)
    _buy(other, *range(5, 730, 30), amount=1000)
    facts = client_facts(as_of=AS_OF)
    assert facts[big.pk].median_gap_days == 30
    assert facts[big.pk].share_prev_pct > facts[big.pk].share_cur_pct
    rows = {r.client.pk: r for r in health_list(viewer=org.director, as_of=AS_OF)}
    assert [a.value for a in rows[big.pk].alerts] == ["stopped_buying", "share_drop"]
    assert rows[other.pk].alerts == []
    big_health, other_health = rows[big.pk].health, rows[other.pk].health
    assert big_health is not None
    assert other_health is not None
    assert big_health < other_health
    # Its health fell over the last 30 days (the silence grew).
    change = rows[big.pk].change
    assert change is not None
    assert change <= 0


def test_negative_run_and_scope(org: Org) -> None:
    angry = _client("Недовольный", org.manager_b1)
    _buy(angry, 10, 40, 70)
    for d in (1, 5, 9, 20):
        Interaction.objects.create(
            client=angry,
            author=org.manager_b1,
            date=AS_OF - timedelta(days=d),
            channel="call",
            tone="negative",
        )
    ComplaintCase.objects.create(client=angry, owner=org.manager_b1, summary="Сорвали сроки")
    director = {r.client.pk: r for r in health_list(viewer=org.director, as_of=AS_OF)}
    assert "negative_contacts" in [a.value for a in director[angry.pk].alerts]
    complaints = next(c for c in director[angry.pk].components if c.name == "complaints")
    assert complaints.value == 1
    own = {r.client.pk for r in health_list(viewer=org.manager_a1, as_of=AS_OF)}
    assert angry.pk not in own
    assert org.client_a1.pk in own
    assert angry.pk in {r.client.pk for r in health_list(viewer=org.supervisor_b, as_of=AS_OF)}
    data = contrast_candidates(viewer=org.director, as_of=AS_OF)
    sides = {
        side: {c["client"]["id"] for c in data[side]} for side in ("satisfied", "dissatisfied")
    }
    assert angry.pk in sides["dissatisfied"]
    assert not sides["satisfied"] & sides["dissatisfied"]
    evidence = next(c["evidence"] for c in data["dissatisfied"] if c["client"]["id"] == angry.pk)
    assert evidence["negative_contacts"] == 4
    assert evidence["complaints"] == 1
    assert angry.pk not in {
        c["client"]["id"]
        for c in contrast_candidates(viewer=org.manager_a1, as_of=AS_OF)["dissatisfied"]
    }


def test_zero_weight_setting_removes_component(org: Org) -> None:
    client = _client("Весовой", org.manager_a1)
    _buy(client, 10, 40, 70)
    ComplaintCase.objects.create(client=client, owner=org.manager_a1, summary="x")
    ComplaintCase.objects.create(client=client, owner=org.manager_a1, summary="y")

    def health() -> dict[str, Any]:
        data = health_as_dict(health_list(viewer=org.director, as_of=AS_OF), AS_OF)
        return next(c for c in data["clients"] if c["id"] == client.pk)

    before = health()
    cfg = health_settings()
    cfg.weight_complaints = 0
    cfg.save()
    after = health()
    assert before["components"]["complaints"] == {"value": 2, "points": 0.0}
    assert after["health"] > before["health"]  # two open cases no longer pull it down
    assert set(after) == {"id", "name", "health", "components", "alerts"}


def test_snooze_hides_alert_until_date(org: Org) -> None:
    client = _client("Спящий", org.manager_a1)
    _buy(client, 200, 230, 260, 290)
    row = next(r for r in health_list(viewer=org.director, as_of=AS_OF) if r.client == client)
    assert [a.value for a in row.alerts] == ["stopped_buying"]
    alert_snooze(
        actor=org.manager_a1,
        client=client,
        code="stopped_buying",
        until=AS_OF + timedelta(days=10),
        reason="Сезонная пауза",
        today=AS_OF,
    )
    row = next(r for r in health_list(viewer=org.director, as_of=AS_OF) if r.client == client)
    assert row.alerts == []
    assert [a.value for a in row.snoozed] == ["stopped_buying"]
    later = AS_OF + timedelta(days=11)
    row = next(r for r in health_list(viewer=org.director, as_of=later) if r.client == client)
    assert [a.value for a in row.alerts] == ["stopped_buying"]


def test_snooze_view_validates_and_scopes(org: Org) -> None:
    http = HttpClient()
    http.force_login(org.manager_a1)
    url = reverse("health:snooze", args=[org.client_a1.pk])
    response = http.post(url, {"code": "stopped_buying", "until": "2000-01-01", "reason": ""})
    assert response.status_code == 302
    assert not AlertSnooze.objects.exists()
    foreign = reverse("health:snooze", args=[org.client_b1.pk])
    assert http.post(foreign, {"code": "stopped_buying"}).status_code == 404


def test_card_today_and_list_pages_show_health(org: Org) -> None:
    http = HttpClient()
    http.force_login(org.manager_a1)
    panel = reverse("clients:card-panel", args=[org.client_a1.pk, "health"])
    card = http.get(panel).content.decode()
    assert 'id="health"' in card
    assert "data-health" in card
    assert (
        http.get(reverse("clients:card-panel", args=[org.client_b1.pk, "health"])).status_code
        == 404
    )
    assert http.get(reverse("today")).status_code == 200
    page = http.get(reverse("health:health-list")).content.decode()
    assert org.client_a1.name in page
    assert org.client_b1.name not in page


def test_settings_page_for_admins_only(org: Org) -> None:
    http = HttpClient()
    http.force_login(org.manager_a1)
    url = reverse("health:settings")
    assert http.get(url).status_code == 403
    http.force_login(org.admin)
    form = {f"weight_{n}": 0 for n in COMPONENTS} | {
        "stop_multiple": "3",
        "stop_min_days": 60,
        "stop_min_purchases": 3,
        "share_drop_pp": "5",
        "negative_contacts": 3,
        "new_client_months": 18,
    }
    response = http.post(url, form)
    assert response.status_code == 200  # every weight zero: refused, named on the page
    assert health_settings().weight_nps == 15
    response = http.post(url, form | {"weight_nps": 40})
    assert response.status_code == 302
    assert health_settings().weights()["nps"] == 40
