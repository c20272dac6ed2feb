"""One definition per figure (issue 19): the key-client count per manager is the same on
Today (team) and in the portfolio's manager load, and a share reads the same everywhere."""

from __future__ import annotations

from decimal import Decimal

from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from kam.clients.models import Client
from kam.core.templatetags.kam_format import format_percent
from kam.portfolio.models import KeyAccountProfile, RevenueRecord
from kam.portfolio.selectors import default_window, portfolio_report
from kam.relations.selectors import today_page
from kam.testing import Org


def _as(user: object) -> HttpClient:
    http = HttpClient()
    http.force_login(user)  # type: ignore[arg-type]
    return http


def _cell(html: str, section: str, row_text: str, column: int) -> str:
    """The text of one cell of the row naming `row_text` in the table of `section`."""
    part = html[html.index(f'id="{section}"') :]
    part = part[: part.index("</table>")]
    row = next(r for r in part.split("<tr") if row_text in r)
    cells = row.split("<td")[1:]
    return cells[column].split(">", 1)[1].split("</td>", 1)[0].strip()


def test_key_clients_per_manager_agree_between_today_and_portfolio(org: Org) -> None:
    # The persona clients make 1,000 each (a third of the company each: all key). manager_b1
    # also carries a strategic client without revenue: key by the manager's mark.
    strategic = Client.objects.create(
        name="Стратегия-Без-Выручки",
        normalized_name="стратегия-без-выручки",
        manager=org.manager_b1,
    )
    KeyAccountProfile.objects.create(
        client=strategic, strategic=True, strategic_reason="Открывает отрасль"
    )
    expected = {org.manager_a1.pk: 1, org.manager_a2.pk: 1, org.manager_b1.pk: 2}

    today = {
        c.manager.pk: c.key_clients for c in today_page(viewer=org.director, team=True).compliance
    }
    report = portfolio_report(viewer=org.director, window=default_window())
    load = {m.manager_id: m.key_clients for m in report.managers}
    assert {k: today[k] for k in expected} == expected
    assert {k: load[k] for k in expected} == expected

    # And on the two screens, for the manager whose count used to differ.
    name = org.manager_b1.display_name
    team_day = _as(org.director).get(reverse("today") + "?view=team").content.decode()
    portfolio = _as(org.director).get(reverse("portfolio:portfolio")).content.decode()
    assert _cell(team_day, "compliance", name, 1) == "2"
    assert _cell(portfolio, "managers", name, 1) == "2"
    # A supervisor sees the same number for their own report.
    a1 = org.manager_a1.display_name
    sup_day = _as(org.supervisor_a).get(reverse("today") + "?view=team").content.decode()
    sup_portfolio = _as(org.supervisor_a).get(reverse("portfolio:portfolio")).content.decode()
    assert _cell(sup_day, "compliance", a1, 1) == _cell(sup_portfolio, "managers", a1, 1) == "1"


def test_a_share_reads_the_same_in_every_place_of_the_portfolio(org: Org) -> None:
    # 2,437 of 10,000 in the window: 24.37%.
    day = timezone.localdate()
    RevenueRecord.objects.create(client=org.client_a1, date=day, amount=Decimal(1437))
    RevenueRecord.objects.create(client=org.client_a2, date=day, amount=Decimal(5563))
    html = _as(org.director).get(reverse("portfolio:portfolio")).content.decode()
    # The client table, the alert (a2 is critical: 65.63%) and the manager load.
    assert _cell(html, "clients", org.client_a1.name, 5) == "24,4%"
    assert "0,2437" not in html
    assert "0.2437" not in html
    alerts = html[html.index("Предупреждения о зависимости") : html.index('class="kpis"')]
    assert "65,6%" in alerts
    assert _cell(html, "managers", org.manager_a1.display_name, 4) == "24,4%"
    # The thresholds in the help read as percents too.
    assert "при доле выше 10%, критической зависимостью — выше 20%, моноклиентом — выше 50%" in html
    card = _as(org.manager_a1).get(org.client_a1.get_absolute_url()).content.decode()
    assert "24,4%" in card


def test_percent_format() -> None:
    with override("ru"):
        assert format_percent(Decimal("0.2437")) == "24,4%"
        assert format_percent(Decimal("0.75")) == "75%"
        assert format_percent(Decimal("0.125")) == "12,5%"
        assert format_percent(Decimal("0.0004")) == "<0,1%"
        assert format_percent(0) == "0%"
        assert format_percent(None) == "—"
        assert format_percent(Decimal("1")) == "100%"
    with override("en"):
        assert format_percent(Decimal("0.2437")) == "24.4%"
