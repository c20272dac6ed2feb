"""Portfolio page, marks and plans as a user works them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from kam.portfolio.models import AccountPlan, KeyAccountProfile, PlanGoal
from kam.testing import Org


def _as(user: object) -> HttpClient:
    http = HttpClient()
    http.force_login(user)  # type: ignore[arg-type]
    return http


def test_window_presets_and_custom_errors(org: Org) -> None:
    http = _as(org.director)
    url = reverse("portfolio:portfolio")
    html = http.get(
        url, {"preset": "custom", "date_from": "2026-01-01", "date_to": "2026-01-31"}
    ).content.decode()
    assert "01.01.2026 – 31.01.2026" in html
    html = http.get(
        url, {"preset": "custom", "date_from": "2026-03-01", "date_to": "2026-01-31"}
    ).content.decode()
    assert "Период начинается позже, чем заканчивается." in html
    for params in ({"preset": "zzz"}, {"date_from": "31.02.2026"}, {"page": "x"}):
        assert http.get(url, params).status_code == 200
    assert http.get(url, {"preset": "last_year"}).status_code == 200


def test_scope_is_said_on_the_page(org: Org) -> None:
    assert "Охват: вся компания." in _as(org.director).get("/portfolio/").content.decode()
    assert "Охват: ваши клиенты" in _as(org.manager_a1).get("/portfolio/").content.decode()


def test_key_profile_requires_reasons(org: Org) -> None:
    http = _as(org.manager_a1)
    url = reverse("portfolio:key-profile", args=[org.client_a1.pk])
    response = http.post(url, {"strategic": "on", "potential_3y": "1 000 000"})
    assert "Укажите, чем клиент стратегически важен." in response.content.decode()
    assert not KeyAccountProfile.objects.filter(client=org.client_a1, strategic=True).exists()
    http.post(
        url, {"strategic": "on", "strategic_reason": "Открывает рынок", "potential_3y": "1000000"}
    )
    profile = KeyAccountProfile.objects.get(client=org.client_a1)
    assert profile.strategic
    assert profile.potential_3y == 1_000_000


def test_plan_goal_needs_a_number_and_a_date(org: Org) -> None:
    http = _as(org.manager_a1)
    url = reverse("portfolio:goal-create", args=[org.client_a1.pk])
    bad = http.post(url, {"title": "Сделал всё, что мог", "target_value": "", "due": ""})
    assert bad.status_code == 400
    assert PlanGoal.objects.filter(plan__client=org.client_a1).count() == 1
    http.post(
        url, {"title": "Рост закупок", "target_value": "15", "unit": "%", "due": "2027-03-31"}
    )
    assert PlanGoal.objects.filter(plan__client=org.client_a1, title="Рост закупок").exists()


def test_new_plan_starts_with_its_first_goal(org: Org) -> None:
    AccountPlan.objects.filter(client=org.client_a2).delete()
    http = _as(org.manager_a2)
    http.post(
        reverse("portfolio:goal-create", args=[org.client_a2.pk]),
        {"title": "Договор", "target_value": "1", "due": "2027-01-31"},
    )
    plan = AccountPlan.objects.get(client=org.client_a2)
    assert [g.title for g in plan.goals.all()] == ["Договор"]


def test_closing_a_goal_needs_the_achieved_number(org: Org) -> None:
    goal = PlanGoal.objects.get(plan__client=org.client_a1)
    http = _as(org.manager_a1)
    url = reverse("portfolio:goal-result", args=[org.client_a1.pk, goal.pk])
    response = http.post(url, {"closed": "on", "result": "Сделал, что мог"})
    assert response.status_code == 400
    assert "Закройте цель фактически достигнутым числом." in response.content.decode()
    http.post(url, {"closed": "on", "achieved_value": "12"})
    goal.refresh_from_db()
    assert goal.closed
    assert goal.achieved_value == 12


def test_overdue_goals_show_on_the_client_card(org: Org) -> None:
    PlanGoal.objects.filter(plan__client=org.client_a1).update(
        due=timezone.localdate() - timedelta(days=3), title="Просроченная цель"
    )
    html = _as(org.manager_a1).get(org.client_a1.get_absolute_url()).content.decode()
    assert "Просроченные цели плана" in html
    assert "Просроченная цель" in html


def test_action_owner_must_be_assignable(org: Org) -> None:
    goal = PlanGoal.objects.get(plan__client=org.client_a1)
    url = reverse("portfolio:action-create", args=[org.client_a1.pk, goal.pk])
    response = _as(org.manager_a1).post(
        url, {"title": "Звонок", "owner": org.manager_b1.pk, "due": date(2027, 1, 1).isoformat()}
    )
    assert response.status_code == 400
    assert goal.actions.count() == 1


def test_settings_page_validates_threshold_order(org: Org) -> None:
    http = _as(org.admin)
    data = {
        # Shares are typed in percent (issue 19: «10», not «0.10»).
        "key_share": "30",
        "critical_share": "20",
        "mono_share": "50",
        "abc_a": "80",
        "abc_b": "95",
        "manager_key_client_limit": 3,
        "window_months": 12,
        "cadence_days": 10,
        "pause_days": 14,
        "dossier_review_days": 90,
        "reminder_days_ahead": 3,
        "log_correction_hours": 48,
        "bank_withdrawal_streak": 3,
        "bank_negative_alert": "on",
    }
    response = http.post(reverse("settings"), data)
    assert "Пороги должны расти" in response.content.decode()
    data["key_share"] = "15"
    http.post(reverse("settings"), data)
    from kam.core.models import company_settings

    assert str(company_settings().key_share) == "0.1500"


def test_refunds_and_prospective_clients_without_revenue(org: Org) -> None:
    """A client whose refunds exceed its sales keeps the page up (the Lorenz curve counts it
    as zero), and a prospective client with no revenue yet is still on the key-client grid."""
    from decimal import Decimal

    from kam.clients.models import Client
    from kam.portfolio.models import RevenueRecord

    refund = Client.objects.create(
        name="Возвратов", normalized_name="возвратов", manager=org.manager_a1
    )
    RevenueRecord.objects.create(client=refund, date=timezone.localdate(), amount=Decimal(-500))
    prospect = Client.objects.create(
        name="Перспектива-Ноль", normalized_name="перспектива-ноль", manager=org.manager_a1
    )
    KeyAccountProfile.objects.create(
        client=prospect, prospective=True, prospective_reason="Покупает у конкурента"
    )
    for user in (org.director, org.manager_a1):
        response = _as(user).get(reverse("portfolio:portfolio"))
        assert response.status_code == 200
        html = response.content.decode()
        grid = html[html.index('id="grid"') : html.index('id="clients"')]
        assert "Перспектива-Ноль" in grid
        assert "Возвратов" in html[html.index('id="clients"') :]
    assert "Перспектива-Ноль" not in _as(org.manager_b1).get("/portfolio/").content.decode()


def _grid_rows(user: object, clients: list[Any]) -> dict[Any, str]:
    html = _as(user).get(reverse("portfolio:portfolio")).content.decode()
    grid = html[html.index('id="grid"') : html.index('id="clients"')]
    return {c: grid[grid.index(c.name) :].split("</tr>", 1)[0] for c in clients if c.name in grid}


def test_key_clients_fall_into_the_cells_of_the_grid(org: Org) -> None:
    """The medians are the company's, so every viewer gives a client the same advice, and a
    revenue-key client (11% here) is large now: never «Обслуживать экономно» (issue 19)."""
    from decimal import Decimal

    from kam.clients.models import Client
    from kam.portfolio.models import RevenueRecord

    day = timezone.localdate()
    RevenueRecord.objects.create(client=org.client_a1, date=day, amount=Decimal(2000))  # 3,000
    RevenueRecord.objects.create(client=org.client_a2, date=day, amount=Decimal(-500))  # 500
    # Shares of 4,500: a1 66.7% (mono), b1 22.2% (critical), a2 11.1% (key).
    prospect = Client.objects.create(
        name="Перспектива-Сетка", normalized_name="перспектива-сетка", manager=org.manager_a1
    )
    potentials = {
        org.client_a1: 9_000_000,
        org.client_a2: 90,
        org.client_b1: 2_000_000,
        prospect: 5_000_000,
    }
    for client, potential in potentials.items():
        KeyAccountProfile.objects.create(
            client=client,
            potential_3y=Decimal(potential),
            prospective=client == prospect,
            prospective_reason="Покупает у конкурента" if client == prospect else "",
        )
    # Company medians: revenue 750 (3,000 / 1,000 / 500 / 0), potential 3,500,000.
    expected = {
        org.client_a1: "Растить и защищать",  # large now, large potential
        org.client_a2: "Удерживать",  # 11%: large now by its share, small potential
        org.client_b1: "Удерживать",
        prospect: "Наращивать долю",  # no revenue yet, large potential
    }
    clients = list(potentials)
    director = _grid_rows(org.director, clients)
    assert set(director) == set(clients)
    for client, advice in expected.items():
        assert advice in director[client], client.name
    assert "Обслуживать экономно" not in director[org.client_a2]
    # The lines are the company's for everyone: potential 3,500,000; revenue the median 750
    # capped at the key-client share (10% of 4,500 = 450), so the 11% client is right of it.
    from kam.portfolio.selectors import default_window, key_client_grid, portfolio_report

    for viewer in (org.director, org.manager_b1):
        report = portfolio_report(viewer=viewer, window=default_window())
        split = key_client_grid(viewer=viewer, report=report).split
        assert split is not None
        assert (split.revenue, split.potential) == (Decimal(450), Decimal(3_500_000))
    # Every viewer sees the same cell for the clients they see, even a single one.
    for viewer in (org.manager_a1, org.manager_a2, org.manager_b1, org.supervisor_a):
        mine = _grid_rows(viewer, clients)
        assert mine, viewer.username
        for client, row in mine.items():
            assert expected[client] in row, (viewer.username, client.name)


def test_trend_compares_with_the_previous_period(org: Org) -> None:
    from decimal import Decimal

    from kam.portfolio.models import RevenueRecord

    # 2025: client_a2 made 3,000 of 4,000 (75%), client_a1 1,000 (25%), client_b1 nothing;
    # 2026 (the persona records): a third each.
    RevenueRecord.objects.create(client=org.client_a2, date=date(2025, 6, 1), amount=Decimal(3000))
    RevenueRecord.objects.create(client=org.client_a1, date=date(2025, 6, 1), amount=Decimal(1000))
    params = {"preset": "custom", "date_from": "2026-01-01", "date_to": "2026-12-31"}
    page = _as(org.director).get(reverse("portfolio:portfolio"), params).content.decode()
    assert 'hx-get="/portfolio/trend/?preset=custom&amp;date_from=2026-01-01' in page
    html = _as(org.director).get(reverse("portfolio:trend"), params).content.decode()
    html = html.replace("\xa0", " ")
    assert "Предыдущий период: 01.01.2025 – 31.12.2025." in html
    figures = html[html.index('id="trend-figures"') : html.index('id="trend-clients"')]
    assert "4 000" in figures
    assert "3 000" in figures
    rows = html[html.index('id="trend-clients"') :].split("</tr>")
    by_name = {c.name: next(r for r in rows if c.name in r) for c in org.clients}
    assert ">75%<" in by_name[org.client_a2.name]
    assert ">33,3%<" in by_name[org.client_a2.name]
    assert "-41,7" in by_name[org.client_a2.name] or "-41.7" in by_name[org.client_a2.name]
    assert ">—<" in by_name[org.client_b1.name]  # no revenue in 2025
    # A manager compares only their own clients.
    mine = _as(org.manager_a1).get(reverse("portfolio:trend"), params).content.decode()
    assert org.client_a1.name in mine
    assert org.client_a2.name not in mine
    assert org.client_b1.name not in mine


def test_trend_without_an_earlier_period(org: Org) -> None:
    params = {"preset": "custom", "date_from": "0001-01-01", "date_to": "2026-12-31"}
    response = _as(org.director).get(reverse("portfolio:trend"), params)
    assert response.status_code == 200
    assert "Нет более раннего периода для сравнения." in response.content.decode()


def test_archived_marked_clients_leave_the_grid(org: Org) -> None:
    from kam.clients.choices import ClientStatus
    from kam.clients.models import Client

    gone = Client.objects.create(
        name="Архивный-Стратег", normalized_name="архивный-стратег", manager=org.manager_a1
    )
    KeyAccountProfile.objects.create(client=gone, strategic=True, strategic_reason="Референс")
    html = _as(org.manager_a1).get(reverse("portfolio:portfolio")).content.decode()
    assert "Архивный-Стратег" in html
    Client.objects.filter(pk=gone.pk).update(status=ClientStatus.ARCHIVED)
    html = _as(org.manager_a1).get(reverse("portfolio:portfolio")).content.decode()
    assert "Архивный-Стратег" not in html
