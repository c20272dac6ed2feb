"""Daily snapshots, the viewer's scope inside the SQL, query counts, the bank trend and the
lowest / biggest-drop lists of Today and the portfolio page."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kam.accounts.access import visible_clients
from kam.accounts.models import User
from kam.clients.domain import normalize_company_name
from kam.clients.models import Client
from kam.health.domain import COMPONENTS
from kam.health.models import AlertSnooze, HealthSnapshot, HealthSnapshotDay, health_settings
from kam.health.selectors import (
    client_facts,
    contrast_candidates,
    health_list,
    lowest_and_drops,
    snapshot_day,
    stored_candidates,
)
from kam.health.services import health_snapshot_write
from kam.health.tasks import write_health_snapshot
from kam.portfolio.models import RevenueRecord
from kam.relations.models import BankEntry
from kam.testing import Org

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _client(name: str, manager: User) -> Client:
    return Client.objects.create(
        name=name, normalized_name=normalize_company_name(name), manager=manager
    )


def _buy(client: Client, *days_ago: int, amount: int = 100) -> None:
    RevenueRecord.objects.bulk_create(
        RevenueRecord(client=client, date=TODAY - timedelta(days=d), amount=Decimal(amount))
        for d in days_ago
    )


def _only(**weights: int) -> None:
    cfg = health_settings()
    for name in COMPONENTS:
        setattr(cfg, f"weight_{name}", weights.get(name, 0))
    cfg.save()


def test_snapshot_stores_the_days_scores_and_rerun_replaces(org: Org) -> None:
    client = _client("Снимок", org.manager_a1)
    _buy(client, 5, 35, 65, 400)
    day = TODAY - timedelta(days=3)
    assert health_snapshot_write(day=day) == 4  # the org's three clients and this one
    assert health_snapshot_write(day=day) == 4
    stored = dict(HealthSnapshot.objects.filter(day=day).values_list("client_id", "health"))
    assert len(stored) == 4
    expected = {r.client.pk: r.health for r in health_list(viewer=org.director, as_of=day)}
    assert stored == expected
    assert HealthSnapshotDay.objects.get(day=day).clients == 4


def test_biggest_drops_compare_with_the_stored_snapshot(org: Org) -> None:
    client = _client("Падающий", org.manager_a1)
    _buy(client, 5, 35, 65, 95)
    day = snapshot_day(TODAY)
    health_snapshot_write(day=day)
    # The stored score is what KAM said then; it is read, not recomputed.
    HealthSnapshot.objects.filter(day=day, client=client).update(health=99)
    row = next(r for r in health_list(viewer=org.director, as_of=TODAY) if r.client == client)
    assert row.previous == 99
    assert row.health is not None
    assert row.change == row.health - 99
    _lowest, drops = lowest_and_drops(health_list(viewer=org.manager_a1, as_of=TODAY))
    assert client in [r.client for r in drops]


def test_first_list_stores_the_missing_day_once_and_the_card_does_not(org: Org) -> None:
    day = snapshot_day(TODAY)
    http = HttpClient()
    http.force_login(org.manager_a1)
    assert (
        http.get(reverse("clients:card-panel", args=[org.client_a1.pk, "health"])).status_code
        == 200
    )
    assert not HealthSnapshotDay.objects.exists()  # a card scores its one client on the fly
    assert http.get(reverse("health:health-list")).status_code == 200
    assert HealthSnapshotDay.objects.get(day=day).clients == 3  # company-wide, not the scope
    assert http.get(reverse("health:health-list")).status_code == 200
    assert HealthSnapshot.objects.filter(day=day).count() == 3


def test_command_and_daily_task_write_snapshots(org: Org) -> None:
    call_command("health_snapshot", "--date", "2026-01-15", stdout=None)
    assert HealthSnapshotDay.objects.filter(day="2026-01-15").exists()
    with pytest.raises(Exception, match="YYYY-MM-DD"):
        call_command("health_snapshot", "--date", "15.01.2026")
    assert write_health_snapshot.call() == 3
    assert HealthSnapshotDay.objects.filter(day=TODAY).exists()


@pytest.mark.parametrize("viewer", ["manager_a1", "supervisor_a", "supervisor_b"])
def test_scoped_sql_gives_the_directors_figures_for_the_scope(org: Org, viewer: str) -> None:
    for i, manager in enumerate([org.manager_a1, org.manager_a2, org.manager_b1] * 3):
        _buy(_client(f"Охват {i}", manager), 3 + i, 40 + i, 90, 500, amount=100 * (i + 1))
    health_snapshot_write(day=snapshot_day(TODAY))
    user = getattr(org, viewer)
    everyone = {r.client.pk: r for r in health_list(viewer=org.director, as_of=TODAY)}
    mine = {r.client.pk: r for r in health_list(viewer=user, as_of=TODAY)}
    visible = set(
        Client.objects.filter(
            pk__in=everyone, manager__in=[user, *User.objects.filter(supervisor=user)]
        ).values_list("pk", flat=True)
    )
    assert set(mine) == visible
    for pk, row in mine.items():
        assert (row.health, row.previous, row.is_key, row.facts) == (
            everyone[pk].health,
            everyone[pk].previous,
            everyone[pk].is_key,
            everyone[pk].facts,
        )
    mine_facts = client_facts(as_of=TODAY, clients=Client.objects.filter(pk__in=visible))
    assert mine_facts == {pk: everyone[pk].facts for pk in visible}
    sides = contrast_candidates(viewer=user, as_of=TODAY)
    listed = {c["client"]["id"] for side in ("satisfied", "dissatisfied") for c in sides[side]}
    assert listed <= visible


def _many(org: Org, n: int) -> None:
    for i in range(n):
        client = _client(f"Много {Client.objects.count()}", org.manager_a1)
        _buy(client, 3, 33 + i % 20, 63, 400 + i)
        BankEntry.objects.create(
            client=client, author=org.manager_a1, kind="deposit", weight=2, date=TODAY, note="+"
        )


@pytest.mark.parametrize(
    "url", ["/health/", "/health/portfolio/", "/api/v1/health/", "/api/v1/contrast/", "/today/"]
)
def test_query_counts_do_not_grow_with_clients(org: Org, url: str) -> None:
    http = HttpClient()
    http.force_login(org.supervisor_a)

    def count() -> int:
        http.get(url)  # warm: the settings row, the session and the snapshot of 30 days ago
        with CaptureQueriesContext(connection) as ctx:
            assert http.get(url).status_code == 200
        return len(ctx.captured_queries)

    _many(org, 3)
    small = count()
    HealthSnapshotDay.objects.all().delete()
    _many(org, 30)
    assert count() == small


def test_page_figures_agree_with_an_independent_computation(org: Org) -> None:
    """Revenue trend alone: health = 100 · (1 + (cur − prev) / max(cur, prev)) / 2 from the
    raw rows; the bank trend alone: 100 · clamp((net of 90 days + 5) / 10)."""
    grower = _client("Растущий", org.manager_a1)
    _buy(grower, 10, 100, 200, amount=300)  # current 12 months: 900
    _buy(grower, 400, 500, amount=250)  # previous 12 months: 500
    _only(revenue_trend=1)
    http = HttpClient()
    http.force_login(org.manager_a1)
    rows = RevenueRecord.objects.filter(client=grower)
    cur = sum(r.amount for r in rows if TODAY - r.date < timedelta(days=365))
    prev = sum(
        r.amount for r in rows if timedelta(days=365) <= TODAY - r.date < timedelta(days=730)
    )
    expected = round(100 * (1 + (cur - prev) / max(cur, prev)) / 2)
    assert expected == 72

    def shown() -> int:
        page = http.get(reverse("health:health-list")).content.decode()
        cell = re.search(rf"{grower.name}</a>.*?<td>(\d+)</td>", page, re.S)
        assert cell is not None
        return int(cell.group(1))

    assert shown() == expected
    for days, kind, weight in (
        (5, "deposit", 4),
        (30, "deposit", 1),
        (60, "withdrawal", 2),
        (200, "deposit", 5),
    ):
        BankEntry.objects.create(
            client=grower,
            kind=kind,
            weight=weight,
            date=TODAY - timedelta(days=days),
            note="x",
            author=org.manager_a1,
        )
    _only(bank_trend=1)
    entries = BankEntry.objects.filter(client=grower, date__gt=TODAY - timedelta(days=90))
    net = sum(e.weight if e.kind == "deposit" else -e.weight for e in entries)
    assert net == 3
    assert shown() == round(100 * min(1, max(0, (net + 5) / 10)))


def test_portfolio_page_shows_lowest_and_drops_key_first(org: Org) -> None:
    key = _client("Ключевой Падающий", org.manager_a1)
    _buy(key, 200, 230, 260, 290, amount=100_000)  # stopped buying: low health, large share
    small = _client("Мелкий Низкий", org.manager_a1)
    _buy(small, 300, 330, 360, 390, amount=10)
    http = HttpClient()
    http.force_login(org.manager_a1)
    page = http.get(reverse("portfolio:portfolio")).content.decode()
    assert reverse("health:portfolio-section") in page  # the placeholder htmx fills
    section = http.get(reverse("health:portfolio-section")).content.decode()
    lowest = re.search(r"data-health-lowest>(.*?)</ul>", section, re.S)
    assert lowest is not None
    order = re.findall(r'data-client="(\d+)"', lowest.group(1))
    assert order[0] == str(key.pk)  # key clients first where the list is cut
    assert str(small.pk) in order
    assert org.client_b1.name not in section
    http.force_login(org.manager_b1)
    assert key.name not in http.get(reverse("health:portfolio-section")).content.decode()


def test_today_personal_view_scores_own_clients_and_team_view_the_reports(org: Org) -> None:
    own = _client("Свой Руководителя", org.supervisor_a)
    _buy(own, 300, 330, 360, 390)
    report = _client("Клиент Подчинённого", org.manager_a1)
    _buy(report, 300, 330, 360, 390)
    listed = {r.client for r in health_list(viewer=org.supervisor_a, as_of=TODAY, own=True)}
    assert listed == {own}
    http = HttpClient()
    http.force_login(org.supervisor_a)
    # The health section of Today loads lazily from its fragment URL.
    section = reverse("today-section", args=["health"])
    personal = http.get(section).content.decode()
    team = http.get(section + "?view=team").content.decode()
    assert own.name in personal
    assert report.name not in personal
    assert report.name in team


def _varied(org: Org) -> list[Client]:
    """Clients of every manager with different histories: falling, steady, stopped, key."""
    made = []
    for i, manager in enumerate([org.manager_a1, org.manager_a2, org.manager_b1] * 4):
        client = _client(f"Разный {i}", manager)
        if i % 4 == 0:
            _buy(client, *range(150 + i, 700, 30), amount=1000 * (i + 1))  # stopped buying
        else:
            _buy(client, 2 + i, 40 + i, 70, 300, 500, amount=100 * (i + 1))
        made.append(client)
    return made


@pytest.mark.parametrize("viewer", ["director", "supervisor_a", "manager_a1", "manager_b1"])
def test_stored_lists_agree_with_live_scoring_and_keep_the_scope(org: Org, viewer: str) -> None:
    from kam.health.selectors import health_overview

    _varied(org)
    user = getattr(org, viewer)
    # The snapshot of 30 days ago, with some scores changed so that some clients fell.
    health_snapshot_write(day=snapshot_day(TODAY))
    HealthSnapshot.objects.filter(day=snapshot_day(TODAY), client__name__endswith="1").update(
        health=100
    )
    live = health_list(viewer=user, as_of=TODAY)
    lowest, drops = lowest_and_drops(live)
    found = health_overview(viewer=user, as_of=TODAY, rows=300, alerted=20)

    def shown(rows: list[Any]) -> list[tuple[int, int | None, int | None, bool, list[str]]]:
        return [
            (r.client.pk, r.health, r.previous, r.is_key, [a.value for a in r.alerts]) for r in rows
        ]

    assert found.total == len(live)
    assert shown(found.rows) == shown(live)
    assert shown(found.lowest) == shown(lowest)
    assert shown(found.drops) == shown(drops)
    assert drops  # the test means something: clients fell
    assert shown(found.alerted) == shown([r for r in live if r.alerts][:20])
    assert found.alerted
    visible = set(visible_clients(user).values_list("pk", flat=True))
    assert {r.client.pk for r in found.rows} <= visible
    # The contrast candidates of today's snapshot are the live rules' ones, in the same order.
    stored, _at = stored_candidates(viewer=user, as_of=TODAY)
    live_sides = contrast_candidates(viewer=user, as_of=TODAY)
    assert stored == {side: live_sides[side] for side in ("satisfied", "dissatisfied")}
    assert stored["dissatisfied"]


def test_stored_lists_show_their_time_and_follow_settings_and_snoozes(org: Org) -> None:
    client = _client("Уходящий Надолго", org.manager_a1)
    _buy(client, 200, 230, 260, 290)
    http = HttpClient()
    http.force_login(org.manager_a1)
    page = http.get(reverse("health:health-list")).content.decode()
    written = HealthSnapshotDay.objects.get(day=TODAY).written_at
    assert "data-health-as-of" in page
    assert timezone.localtime(written).strftime("%H:%M") in page
    assert 'data-client="' + str(client.pk) in page
    # New data waits for the refresh (the card is live); a snooze applies at once.
    stored = HealthSnapshot.objects.get(day=TODAY, client=client)
    assert stored.alerts == "stopped_buying"
    _buy(client, 1)
    assert HealthSnapshot.objects.get(day=TODAY, client=client).health == stored.health
    http.get(reverse("health:health-list"))
    assert HealthSnapshot.objects.get(day=TODAY, client=client).health == stored.health
    AlertSnooze.objects.create(
        client=client,
        code="stopped_buying",
        until=TODAY + timedelta(days=5),
        reason="пауза",
        author=org.manager_a1,
    )
    section = http.get(reverse("today-section", args=["health"])).content.decode()
    assert 'data-alert="stopped_buying"' not in section
    # Changed weights make the stored scores stale: the next list rewrites them.
    _only(revenue_trend=1)
    http.get(reverse("health:health-list"))
    rewritten = HealthSnapshot.objects.get(day=TODAY, client=client)
    live = health_list(viewer=org.manager_a1, as_of=TODAY, client_ids=[client.pk])[0]
    assert rewritten.health == live.health != stored.health


def test_hourly_task_refreshes_today_and_prunes_old_days(org: Org) -> None:
    from kam.health.services import SNAPSHOT_DAILY_DAYS, health_snapshot_prune

    cutoff = TODAY - timedelta(days=SNAPSHOT_DAILY_DAYS)
    days = [TODAY - timedelta(days=d) for d in range(1, SNAPSHOT_DAILY_DAYS + 60)]
    for day in days:
        HealthSnapshotDay.objects.create(day=day, clients=1)
        HealthSnapshot.objects.create(client=org.client_a1, day=day, health=50)
    write_health_snapshot.call()
    kept = set(HealthSnapshotDay.objects.values_list("day", flat=True))
    assert TODAY in kept
    assert {d for d in days if d >= cutoff} <= kept
    old = [d for d in days if d < cutoff]
    weeks: dict[tuple[int, int], list[Any]] = {}
    for d in old:
        weeks.setdefault((d.isocalendar().year, d.isocalendar().week), []).append(d)
    assert {d for d in kept if d < cutoff} == {max(w) for w in weeks.values()}
    assert set(HealthSnapshot.objects.values_list("day", flat=True)) == kept
    assert health_snapshot_prune(today=TODAY) == 0  # re-running removes nothing more


def test_key_flag_is_the_portfolios_definition(org: Org) -> None:
    """A client marked strategic counts as key however small its share (the portfolio's
    `key_client_ids`), in the stored lists as in the live ones; so it comes first."""
    from kam.health.selectors import health_overview
    from kam.portfolio.models import KeyAccountProfile
    from kam.portfolio.selectors import key_client_ids

    big = _client("Крупный Обычный", org.manager_a1)
    _buy(big, 10, 40, 70, amount=1_000_000)
    small = _client("Мелкий Стратегический", org.manager_a1)
    _buy(small, 10, 40, 70, amount=1)
    KeyAccountProfile.objects.create(client=small, strategic=True)
    keys = key_client_ids(TODAY)
    assert small.pk in keys
    live = {r.client.pk: r.is_key for r in health_list(viewer=org.manager_a1, as_of=TODAY)}
    assert live == {pk: pk in keys for pk in live}
    found = health_overview(viewer=org.manager_a1, as_of=TODAY, rows=50)
    assert {r.client.pk: r.is_key for r in found.rows} == live
    flagged = [r.client.pk for r in found.rows if r.is_key]
    assert [r.client.pk for r in found.rows][: len(flagged)] == flagged
    card = health_list(viewer=org.manager_a1, as_of=TODAY, client_ids=[small.pk])
    assert card[0].is_key


def test_an_import_refreshes_todays_stored_scores(
    org: Org, tmp_path: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A client whose revenue arrives by import is in today's stored lists at once (the
    refresh is queued when the import commits), not an hour later; a dry run queues nothing."""
    from kam.imports.domain import Kind
    from kam.imports.services import import_file

    health_snapshot_write(day=TODAY)
    path = tmp_path / "sales.csv"
    day = (TODAY - timedelta(days=20)).strftime("%d.%m.%Y")
    path.write_text(f"Клиент;Дата;Сумма\nООО Свежий Импорт;{day};125 000\n", encoding="utf-8")

    def stored() -> bool:
        return HealthSnapshot.objects.filter(day=TODAY, client__name="ООО Свежий Импорт").exists()

    with django_capture_on_commit_callbacks(execute=True) as queued:
        preview = import_file(
            actor=org.admin, kind=Kind.REVENUE, path=path, default_manager=org.manager_a1,
            dry_run=True,
        )  # fmt: skip
    assert not queued
    assert preview.ok
    assert not stored()
    with django_capture_on_commit_callbacks(execute=True) as queued:
        outcome = import_file(
            actor=org.admin, kind=Kind.REVENUE, path=path, default_manager=org.manager_a1
        )
    assert outcome.ok, outcome.errors
    assert len(queued) == 1
    assert stored()
