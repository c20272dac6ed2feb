"""Reads of revenue and the portfolio report, scoped through the viewer's visible clients.

The database does the heavy part (one GROUP BY client over the window); the pure functions in
`domain.py` turn those sums into shares, classes, ABC and concentration.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any, cast, overload

from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Round
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.accounts.access import AnyUser, client_get, scope_of, visible_clients
from kam.accounts.domain import Scope
from kam.accounts.models import User
from kam.clients.choices import ClientStatus
from kam.clients.models import Client
from kam.core.memo import per_request
from kam.core.models import CompanySettings, company_settings
from kam.portfolio.domain import (
    GridCell,
    GridSplit,
    KeyClass,
    KeyThresholds,
    RankBounds,
    Window,
    concentration,
    grid_split,
    key_client_class,
    manager_load_flag,
    previous_window,
    rank_bounds,
    revenue_share,
    share_change_points,
    window_last_months,
)
from kam.portfolio.models import AccountPlan, KeyAccountProfile, PlanGoal, RevenueRecord


def revenue_for_client(*, viewer: AnyUser, client_id: int) -> QuerySet[RevenueRecord]:
    """Revenue records of one visible client, newest first (404 when the client is not visible)."""
    client = client_get(viewer, client_id)
    return RevenueRecord.objects.filter(client=client).order_by("-date", "-id")


def client_revenue_summary(*, client: Client) -> dict[str, Any]:
    """Totals for the client card (one aggregate query)."""
    return dict(
        client.revenue.aggregate(total=Sum("amount"), records=Count("id"), last_date=Max("date"))
    )


def revenue_get(*, viewer: AnyUser, client_id: int, record_id: int) -> RevenueRecord:
    """One revenue record of a visible client, or 404."""
    record = revenue_for_client(viewer=viewer, client_id=client_id).filter(pk=record_id).first()
    if record is None:
        raise Http404
    return record


def default_window(today: date | None = None) -> Window:
    """The default window from the settings (the last 12 months)."""
    return window_last_months(
        today or timezone.localdate(), months=company_settings().window_months
    )


# (client id, revenue in kopecks, manager id), the largest revenue first.
Fact = tuple[int, int, int]
# Above this many rows to name, one query reads every active client's name (cheaper than IN).
_NAME_ALL_THRESHOLD = 2000

# Exact integer kopecks per client on each engine: SQLite keeps a decimal column as REAL, so
# every amount is rounded to whole kopecks before it is summed; PostgreSQL sums numeric.
_KOPECKS = {
    "sqlite": "SUM(CAST(ROUND(r.amount * 100) AS INTEGER))",
    "postgresql": "CAST(SUM(r.amount) * 100 AS BIGINT)",
}


def _company_facts(window: Window) -> list[Fact]:
    """Every active client with non-zero revenue in the window, ranked: revenue descending,
    ties by id (the order of `classify_portfolio`).

    One statement: the GROUP BY over the window's revenue rows (read from the covering index
    `revenue_window_cover`), then a primary-key join for the status and the manager; names are
    read later, only for the rows shown. Sums are whole kopecks, so no figure depends on float
    rounding. Raw SQL because the ORM cannot join an aggregated subquery, and grouping the
    joined rows instead costs a fifth more on SQLite (bench/portfolio.py).
    """
    client, revenue = Client._meta.db_table, RevenueRecord._meta.db_table
    sql = (
        f"SELECT s.client_id, s.kopecks, c.manager_id FROM ("  # noqa: S608
        f" SELECT r.client_id, {_KOPECKS[connection.vendor]} AS kopecks FROM {revenue} r"
        "  WHERE r.date >= %s AND r.date <= %s GROUP BY r.client_id"
        f") s JOIN {client} c ON c.id = s.client_id"
        " WHERE c.status = %s AND s.kopecks <> 0"
        " ORDER BY s.kopecks DESC, s.client_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [window.start, window.end, ClientStatus.ACTIVE.value])
        # Both drivers return Python ints for the integer columns: no per-row conversion.
        return cast(list[Fact], cursor.fetchall())


def _kopecks_to_money(kopecks: int) -> Decimal:
    return Decimal(kopecks).scaleb(-2)


def _kopecks_sum(records: QuerySet[RevenueRecord]) -> int:
    """Σ amount in whole kopecks, like `_company_facts`, so the card and the page agree."""
    total = records.aggregate(k=Sum(Cast(Round(F("amount") * 100), BigIntegerField())))["k"]
    return int(total or 0)


def _thresholds(settings: CompanySettings) -> KeyThresholds:
    return KeyThresholds(
        key=settings.key_share, critical=settings.critical_share, mono=settings.mono_share
    )


def _ranked(window: Window, settings: CompanySettings) -> tuple[list[Fact], RankBounds]:
    """The company's clients ranked over the window and the rank boundaries of their classes."""
    facts = _company_facts(window)
    bounds = rank_bounds(
        [f[1] for f in facts],
        thresholds=_thresholds(settings),
        abc_a=settings.abc_a,
        abc_b=settings.abc_b,
    )
    return facts, bounds


@dataclass(frozen=True, slots=True)
class PortfolioRow:
    """One client of the report."""

    client_id: int
    name: str
    inn: str | None
    manager_id: int
    manager: str
    revenue: Decimal
    share: Decimal
    key_class: KeyClass
    abc: str


class PortfolioRows(Sequence[PortfolioRow]):
    """The report's clients in the viewer's scope, largest revenue first.

    Holds the compact database rows and builds a `PortfolioRow` only when one is read, so a
    page of 50 out of 100,000 clients costs 50 rows; `len()` and slicing work as on a list
    (the paginator, the Pareto chart and the exports rely on that).
    """

    def __init__(
        self,
        facts: list[Fact],
        ranks: list[int] | None,
        *,
        company_kopecks: int,
        bounds: RankBounds,
        managers: dict[int, str],
    ) -> None:
        self._facts = facts
        self._ranks = ranks  # company ranks of the visible clients; None when all are visible
        self._total = Decimal(company_kopecks)
        self._bounds = bounds
        self._managers = managers
        self._index: dict[int, int] | None = None
        self._names: dict[int, tuple[str, str | None]] = {}

    def __len__(self) -> int:
        return len(self._facts) if self._ranks is None else len(self._ranks)

    def rank(self, index: int) -> int:
        """The company rank (0 = largest revenue) of the row at `index`."""
        return index if self._ranks is None else self._ranks[index]

    def count_before(self, rank: int) -> int:
        """How many rows of this scope have a company rank below `rank`."""
        if self._ranks is None:
            return min(rank, len(self._facts))
        return bisect_left(self._ranks, rank)

    def _name(self, indices: range | list[int]) -> None:
        """Read the names and INNs of the rows at `indices` that are not known yet."""
        missing = [self._facts[self.rank(i)][0] for i in indices]
        missing = [cid for cid in missing if cid not in self._names]
        if not missing:
            return
        # No status filter: the ranking already chose active clients, and one archived while
        # this page renders must still get its name.
        clients = Client.objects.all()
        if len(missing) <= _NAME_ALL_THRESHOLD:
            clients = clients.filter(pk__in=missing)
        self._names.update(
            (pk, (n, inn)) for pk, n, inn in clients.values_list("pk", "name", "inn")
        )

    def _row(self, index: int) -> PortfolioRow:
        rank = self.rank(index)
        client_id, kopecks, manager_id = self._facts[rank]
        if client_id not in self._names:
            self._name([index])
        name, inn = self._names.get(client_id, ("—", None))
        return PortfolioRow(
            client_id=client_id,
            name=name,
            inn=inn,
            manager_id=manager_id,
            manager=self._managers.get(manager_id, ""),
            revenue=_kopecks_to_money(kopecks),
            share=revenue_share(Decimal(kopecks), self._total),
            key_class=self._bounds.key_class(rank),
            abc=self._bounds.abc(rank),
        )

    @overload
    def __getitem__(self, index: int) -> PortfolioRow: ...

    @overload
    def __getitem__(self, index: slice) -> list[PortfolioRow]: ...

    def __getitem__(self, index: int | slice) -> PortfolioRow | list[PortfolioRow]:
        if isinstance(index, slice):
            indices = range(*index.indices(len(self)))
            self._name(indices)
            return [self._row(i) for i in indices]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._row(index)

    @property
    def manager_names(self) -> dict[int, str]:
        """Display names of the managers of these rows, by user id."""
        return self._managers

    def find(self, client_id: int) -> PortfolioRow | None:
        """The row of one client, or None when it has no revenue here."""
        return self.find_many([client_id]).get(client_id)

    def find_many(self, client_ids: Iterable[int]) -> dict[int, PortfolioRow]:
        """The rows of several clients (those with revenue here), names read in one query."""
        if self._index is None:
            ranks = range(len(self._facts)) if self._ranks is None else self._ranks
            self._index = {self._facts[rank][0]: i for i, rank in enumerate(ranks)}
        found = [i for cid in client_ids if (i := self._index.get(cid)) is not None]
        self._name(found)
        return {row.client_id: row for row in map(self._row, found)}

    def __contains__(self, value: object) -> bool:
        return isinstance(value, PortfolioRow) and self.find(value.client_id) == value

    def __reversed__(self) -> Iterator[PortfolioRow]:
        indices = range(len(self) - 1, -1, -1)
        self._name(indices)
        return map(self._row, indices)

    def __iter__(self) -> Iterator[PortfolioRow]:
        indices = range(len(self))
        self._name(indices)
        return (self._row(i) for i in indices)

    def company_key_ids(self) -> list[int]:
        """The company's revenue-key clients (share above the key threshold), visible or not."""
        return [f[0] for f in self._facts[: self._bounds.key]]

    @property
    def company_total_kopecks(self) -> Decimal:
        """The company's revenue over the window in kopecks (every active client)."""
        return self._total

    def company_kopecks(self, client_ids: set[int]) -> dict[int, int]:
        """Revenue in kopecks over the window of some of the company's clients, visible or not
        (those without revenue are left out)."""
        if not client_ids:
            return {}
        return {f[0]: f[1] for f in self._facts if f[0] in client_ids}

    def kopecks(self) -> list[int]:
        """Revenue of every row in kopecks, in order."""
        if self._ranks is None:
            return [f[1] for f in self._facts]
        return [self._facts[r][1] for r in self._ranks]

    def manager_ids(self) -> list[int]:
        """The manager of every row, in order."""
        if self._ranks is None:
            return [f[2] for f in self._facts]
        return [self._facts[r][2] for r in self._ranks]


@dataclass(frozen=True, slots=True)
class ManagerLoad:
    """Revenue-bearing key clients and revenue carried by one manager."""

    manager_id: int
    manager: str
    key_clients: int
    clients: int
    revenue: Decimal
    overloaded: bool


@dataclass(frozen=True, slots=True)
class Alert:
    """A dependency alert with what to do about it."""

    row: PortfolioRow
    message: str


@dataclass
class PortfolioReport:
    """The portfolio for one window as one viewer may see it."""

    window: Window
    scope: Scope
    company_total: Decimal
    scope_total: Decimal
    rows: PortfolioRows
    hhi: Decimal
    equivalent_clients: Decimal | None
    top_shares: dict[int, Decimal]
    lorenz: list[tuple[Decimal, Decimal]]
    alerts: list[Alert]
    managers: list[ManagerLoad]
    thresholds: KeyThresholds
    limit: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def scope_share(self) -> Decimal:
        return self.scope_total / self.company_total if self.company_total else Decimal(0)

    def key_rows(self) -> list[PortfolioRow]:
        """The rows whose revenue share makes them key, critical or mono, largest first."""
        return self.rows[: sum(self.counts.values()) - self.counts[KeyClass.NONE.value]]


def _alert_message(key_class: KeyClass) -> str:
    if key_class is KeyClass.MONO:
        return _(
            "Mono-client: more than half of the revenue comes from one client. Develop new "
            "clients now so the business does not hang on a single source."
        )
    return _(
        "Critical dependency: losing this client would hit the company hard. Strengthen the "
        "relationship and grow other clients to spread the risk."
    )


def _manager_names(ids: set[int]) -> dict[int, str]:
    users = User.objects.filter(pk__in=ids).only("username", "first_name", "last_name")
    return {u.pk: u.display_name for u in users}


def _marked_key_ids() -> set[int]:
    """Clients their manager marked strategic/reference or prospective: key whatever their
    revenue (SPEC §1, the other kinds of key clients)."""
    marked = KeyAccountProfile.objects.filter(Q(strategic=True) | Q(prospective=True))
    return set(marked.values_list("client_id", flat=True))


def key_clients_per_manager(
    *, viewer: AnyUser, revenue_key: Counter[int], marked: set[int], revenue_key_ids: set[int]
) -> Counter[int]:
    """Key clients per manager in the viewer's scope: the revenue-key rows (counted by the
    caller from the ranked rows) plus the active marked clients that are not revenue-key.
    The same set as `key_client_ids`, so Today's team figures and the portfolio's manager
    load always count the same clients."""
    extra = marked - revenue_key_ids
    counts = Counter(revenue_key)
    if extra:
        owners = (
            visible_clients(viewer, include_archived=False)
            .filter(pk__in=extra)
            .values_list("manager_id", flat=True)
        )
        counts.update(owners)
    return counts


def _manager_load(rows: PortfolioRows, key: Counter[int], *, limit: int) -> list[ManagerLoad]:
    """Per manager: key clients (`key_clients_per_manager`), clients and kopecks carried.

    A pass over the per-client sums already fetched (one per client, not per revenue row).
    """
    manager_ids = rows.manager_ids()
    clients = Counter(manager_ids)  # counted in C
    kopecks = dict.fromkeys(clients, 0)
    for manager_id, amount in zip(manager_ids, rows.kopecks(), strict=True):
        kopecks[manager_id] += amount
    names = dict(rows.manager_names)
    missing = set(key) - set(names)
    if missing:  # a manager whose only key client is a marked one without revenue here
        names.update(_manager_names(missing))
    loads = [
        ManagerLoad(
            manager_id=mid,
            manager=names.get(mid, ""),
            key_clients=key[mid],
            clients=clients[mid],
            revenue=_kopecks_to_money(kopecks.get(mid, 0)),
            overloaded=manager_load_flag(key[mid], limit=limit),
        )
        for mid in set(clients) | set(key)
    ]
    return sorted(loads, key=lambda m: (-m.revenue, m.manager))


def _visible_ranks(viewer: AnyUser, scope: Scope, facts: list[Fact]) -> list[int] | None:
    if scope is Scope.ALL:
        return None
    if scope is Scope.NONE:
        return []
    visible = set(visible_clients(viewer).values_list("pk", flat=True))
    return [rank for rank, fact in enumerate(facts) if fact[0] in visible]


def portfolio_report(*, viewer: AnyUser, window: Window) -> PortfolioReport:
    """Shares and classes against the company total; concentration within the viewer's scope.

    One query ranks the company's clients; the classes follow from the ranks (`rank_bounds`),
    and only the rows that are read become objects.
    """
    settings = company_settings()
    facts, bounds = _ranked(window, settings)
    company_kopecks = sum(f[1] for f in facts)
    scope = scope_of(viewer)
    ranks = _visible_ranks(viewer, scope, facts)
    shown = facts if ranks is None else [facts[r] for r in ranks]
    rows = PortfolioRows(
        facts,
        ranks,
        company_kopecks=company_kopecks,
        bounds=bounds,
        managers=_manager_names({f[2] for f in shown}),
    )
    scope_kopecks = rows.kopecks()
    figures = concentration(scope_kopecks)
    mono, critical, key = (rows.count_before(b) for b in (bounds.mono, bounds.critical, bounds.key))
    counts = {
        KeyClass.MONO.value: mono,
        KeyClass.CRITICAL.value: critical - mono,
        KeyClass.KEY.value: key - critical,
        KeyClass.NONE.value: len(rows) - key,
    }
    return PortfolioReport(
        window=window,
        scope=scope,
        company_total=_kopecks_to_money(company_kopecks),
        scope_total=_kopecks_to_money(figures.total),
        rows=rows,
        hhi=figures.hhi,
        equivalent_clients=figures.equivalent_clients,
        top_shares=dict(figures.top_shares),
        lorenz=figures.lorenz,
        alerts=[Alert(r, _alert_message(r.key_class)) for r in rows[:critical]],
        managers=_manager_load(
            rows,
            key_clients_per_manager(
                viewer=viewer,
                revenue_key=Counter(row.manager_id for row in rows[:key]),
                marked=_marked_key_ids(),
                revenue_key_ids=set(rows.company_key_ids()),
            ),
            limit=settings.manager_key_client_limit,
        ),
        thresholds=_thresholds(settings),
        limit=settings.manager_key_client_limit,
        counts=counts,
    )


@dataclass(frozen=True, slots=True)
class TrendRow:
    """A client that is key now or was key in the previous period: its share then and now."""

    client_id: int
    name: str
    share_now: Decimal | None  # None: no revenue in the window
    share_before: Decimal | None  # None: no revenue in the previous period
    class_now: KeyClass
    class_before: KeyClass

    @property
    def change_points(self) -> Decimal:
        """Change of the share in percentage points."""
        return share_change_points(self.share_now, self.share_before)


@dataclass(frozen=True, slots=True)
class PortfolioTrend:
    """The viewer's portfolio now and in the period just before (was a dependency growing?)."""

    current: PortfolioReport
    previous: PortfolioReport
    rows: list[TrendRow]


def portfolio_trend(*, viewer: AnyUser, window: Window) -> PortfolioTrend | None:
    """Both reports and every client that is key in either period, by share now; None when the
    period before would start before the calendar does."""
    before = previous_window(window)
    if before is None:
        return None
    current = portfolio_report(viewer=viewer, window=window)
    previous = portfolio_report(viewer=viewer, window=before)
    rows: dict[int, TrendRow] = {}
    key_now, key_before = current.key_rows(), previous.key_rows()
    before_of = previous.rows.find_many(r.client_id for r in key_now)
    now_of = current.rows.find_many(r.client_id for r in key_before)
    for row in key_now:
        old = before_of.get(row.client_id)
        rows[row.client_id] = TrendRow(
            row.client_id,
            row.name,
            row.share,
            old.share if old else None,
            row.key_class,
            old.key_class if old else KeyClass.NONE,
        )
    for old in key_before:
        if old.client_id not in rows:
            now = now_of.get(old.client_id)
            rows[old.client_id] = TrendRow(
                old.client_id,
                old.name,
                now.share if now else None,
                old.share,
                now.key_class if now else KeyClass.NONE,
                old.key_class,
            )
    ordered = sorted(
        rows.values(),
        key=lambda r: (-(r.share_now or Decimal(0)), -(r.share_before or Decimal(0)), r.name),
    )
    return PortfolioTrend(current=current, previous=previous, rows=ordered)


@dataclass(frozen=True, slots=True)
class GridPoint:
    """A key client on the current-revenue vs three-year-potential grid (SPEC §1)."""

    client_id: int
    name: str
    revenue: Decimal
    key_class: KeyClass
    abc: str
    profile: KeyAccountProfile | None
    cell: GridCell | None = None  # None until its potential is given (or with one client)

    @property
    def potential(self) -> Decimal | None:
        return self.profile.potential_3y if self.profile is not None else None


@dataclass(frozen=True, slots=True)
class KeyGrid:
    """The key clients of a scope and the median lines that cut their grid into four cells."""

    points: list[GridPoint]
    split: GridSplit | None

    @property
    def placed(self) -> list[GridPoint]:
        """The clients with a potential, which the chart can place."""
        return [p for p in self.points if p.potential is not None]


def key_client_grid(*, viewer: AnyUser, report: PortfolioReport) -> KeyGrid:
    """Every key client in the viewer's scope: revenue-key by share, plus those their manager
    marked strategic/reference or prospective (with or without revenue in the window), each
    in its cell of the grid once its three-year potential is known."""
    key_rows = report.key_rows()
    marked = (
        KeyAccountProfile.objects.filter(client__in=visible_clients(viewer, include_archived=False))
        .filter(Q(strategic=True) | Q(prospective=True))
        .select_related("client")
    )
    profiles = {p.client_id: p for p in marked}
    profiles.update(key_profiles(viewer=viewer, client_ids=[r.client_id for r in key_rows]))
    points = [
        GridPoint(r.client_id, r.name, r.revenue, r.key_class, r.abc, profiles.get(r.client_id))
        for r in key_rows
    ]
    shown = {p.client_id for p in points}
    extra = [p for p in marked if p.client_id not in shown]
    found = report.rows.find_many(p.client_id for p in extra)
    for profile in extra:
        row = found.get(profile.client_id)
        points.append(
            GridPoint(
                profile.client_id,
                profile.client.name,
                row.revenue if row else Decimal(0),
                row.key_class if row else KeyClass.NONE,
                row.abc if row else "",
                profile,
            )
        )
    split = company_grid_split(report.rows, key_share=report.thresholds.key)
    if split is not None:
        points = [
            replace(
                p,
                cell=split.cell(
                    p.revenue, p.potential, revenue_key=p.key_class is not KeyClass.NONE
                ),
            )
            if p.potential is not None
            else p
            for p in points
        ]
    return KeyGrid(sorted(points, key=lambda p: (-p.revenue, p.name)), split)


def company_grid_split(rows: PortfolioRows, *, key_share: Decimal) -> GridSplit | None:
    """The median lines of the grid over the WHOLE company's key clients with a potential
    (revenue-key in the window, or marked strategic/prospective and active), whoever looks:
    the same client lands in the same cell for its manager, the supervisor and the director.
    """
    key_ids = set(rows.company_key_ids())
    marked = set(
        KeyAccountProfile.objects.filter(Q(strategic=True) | Q(prospective=True))
        .filter(client__status=ClientStatus.ACTIVE)
        .values_list("client_id", flat=True)
    )
    potentials = dict(
        KeyAccountProfile.objects.filter(
            client_id__in=key_ids | marked, potential_3y__isnull=False
        ).values_list("client_id", "potential_3y")
    )
    kopecks = rows.company_kopecks(set(potentials))
    split = grid_split(
        [
            (_kopecks_to_money(kopecks.get(cid, 0)), pot)
            for cid, pot in potentials.items()
            if pot is not None
        ]
    )
    if split is None:
        return None
    # The revenue line never lies above the key threshold: every revenue-key client is on the
    # "large now" side of the line the chart draws, as its cell says.
    key_level = (key_share * rows.company_total_kopecks).scaleb(-2)
    return replace(split, revenue=min(split.revenue, key_level))


def key_profile_for(*, viewer: AnyUser, client_id: int) -> KeyAccountProfile | None:
    """The manager's marks and potential for a visible client (None when not yet given)."""
    client = client_get(viewer, client_id)
    return KeyAccountProfile.objects.filter(client=client).first()


def key_profiles(*, viewer: AnyUser, client_ids: list[int]) -> dict[int, KeyAccountProfile]:
    """Profiles of several visible clients, by client id."""
    qs = KeyAccountProfile.objects.filter(
        client__in=visible_clients(viewer), client_id__in=client_ids
    )
    return {p.client_id: p for p in qs}


def plan_for(*, viewer: AnyUser, client_id: int) -> AccountPlan | None:
    """The account plan of a visible client with goals, actions and reviews."""
    client = client_get(viewer, client_id)
    return (
        AccountPlan.objects.filter(client=client)
        .prefetch_related("goals__actions__owner", "reviews__author")
        .first()
    )


def goal_get(*, viewer: AnyUser, client_id: int, goal_id: int) -> PlanGoal:
    """A goal of a visible client's plan, or 404."""
    client = client_get(viewer, client_id)
    goal = PlanGoal.objects.filter(plan__client=client, pk=goal_id).first()
    if goal is None:
        raise Http404
    return goal


def overdue_goals(
    *, viewer: AnyUser, client_id: int, today: date | None = None
) -> QuerySet[PlanGoal]:
    """Open goals of a visible client's plan whose date has passed."""
    client = client_get(viewer, client_id)
    today = today or timezone.localdate()
    return PlanGoal.objects.filter(plan__client=client, closed=False, due__lt=today)


def plan_overview(*, viewer: AnyUser, today: date | None = None) -> dict[str, int]:
    """Counts of plans and overdue goals over the viewer's clients (for the portfolio page)."""
    today = today or timezone.localdate()
    qs = PlanGoal.objects.filter(plan__client__in=visible_clients(viewer))
    return dict(
        qs.aggregate(
            goals=Count("id"),
            overdue=Count("id", filter=Q(closed=False, due__lt=today)),
            plans=Count("plan", distinct=True),
        )
    )


@dataclass(frozen=True, slots=True)
class ClientKeyStatus:
    """A client's revenue, share and class in the default window (for the client card)."""

    window: Window
    revenue: Decimal
    share: Decimal
    key_class: KeyClass
    profile: KeyAccountProfile | None
    has_plan: bool
    overdue_goals: list[PlanGoal]


def client_key_status(*, viewer: AnyUser, client_id: int) -> ClientKeyStatus:
    """Two aggregates (client and company revenue over the window) instead of the full report."""
    client = client_get(viewer, client_id)
    settings = company_settings()
    window = default_window()
    in_window = RevenueRecord.objects.filter(date__gte=window.start, date__lte=window.end)
    company = company_kopecks(window)
    kopecks = _kopecks_sum(in_window.filter(client=client))
    revenue = _kopecks_to_money(kopecks)
    share = revenue_share(Decimal(kopecks), Decimal(company))
    return ClientKeyStatus(
        window=window,
        revenue=revenue,
        share=share,
        key_class=key_client_class(share, thresholds=_thresholds(settings)),
        profile=KeyAccountProfile.objects.filter(client=client).first(),
        has_plan=AccountPlan.objects.filter(client=client).exists(),
        overdue_goals=list(overdue_goals(viewer=viewer, client_id=client_id)),
    )


def company_kopecks(window: Window) -> int:
    """The active clients' revenue over the window in whole kopecks (the total every share is
    taken of), computed once per request however many panels ask."""

    def compute() -> int:
        in_window = RevenueRecord.objects.filter(date__gte=window.start, date__lte=window.end)
        return _kopecks_sum(in_window.filter(client__status=ClientStatus.ACTIVE))

    return per_request(("portfolio.company_kopecks", window.start, window.end), compute)


def is_key_client(client: Client, today: date | None = None) -> bool:
    """Whether `key_client_ids(today)` holds this one client, without ranking the company:
    marked strategic/reference or prospective, or (active) a share strictly above the key
    threshold of the company's revenue over the default window, compared in exact kopecks as
    `rank_bounds` does."""
    marked = KeyAccountProfile.objects.filter(Q(strategic=True) | Q(prospective=True))
    if marked.filter(client=client).exists():
        return True
    if client.status != ClientStatus.ACTIVE:
        return False
    window = default_window(today)
    total = company_kopecks(window)
    in_window = RevenueRecord.objects.filter(date__gte=window.start, date__lte=window.end)
    kopecks = _kopecks_sum(in_window.filter(client=client))
    return total > 0 and kopecks > company_settings().key_share * total


def key_client_ids(today: date | None = None) -> set[int]:
    """Key accounts by the portfolio rules: a revenue share above the key threshold over the
    default window (company-wide), or marked strategic/reference or prospective.

    The same ranked query and rank bounds as the portfolio page, so both always agree on who
    is key (exact kopeck sums on every engine).
    """
    facts, bounds = _ranked(default_window(today), company_settings())
    return {f[0] for f in facts[: bounds.key]} | _marked_key_ids()


# --- the client list's portfolio columns (revenue, share and class in the default window) ---


@dataclass(frozen=True, slots=True)
class ListRevenueBasis:
    """What the client list's revenue columns are measured against."""

    window: Window
    company_kopecks: int
    thresholds: KeyThresholds


def list_revenue_basis(today: date | None = None) -> ListRevenueBasis:
    """The default window, the company's revenue in it (active clients, exact kopecks, as on
    the portfolio page and the card) and the class thresholds."""
    window = default_window(today)
    in_window = RevenueRecord.objects.filter(date__gte=window.start, date__lte=window.end)
    company = _kopecks_sum(in_window.filter(client__status=ClientStatus.ACTIVE))
    return ListRevenueBasis(window, company, _thresholds(company_settings()))


def annotate_list_revenue(qs: QuerySet[Client], basis: ListRevenueBasis) -> QuerySet[Client]:
    """Per client, in SQL: `window_kopecks` (revenue over the window in whole kopecks, 0 when
    none), `key_marked` (marked strategic/prospective) and `key_rank` (3 mono, 2 critical,
    1 key by share, 0 otherwise; only active clients count, like the portfolio), so the list
    sorts by revenue, share and class in the database. The thresholds compare integers
    (kopecks × 10,000 against threshold × 10,000 × company kopecks): no float at the edges."""
    if "window_kopecks" in qs.query.annotations:
        return qs
    kopecks = Cast(Round(F("amount") * 100), BigIntegerField())
    revenue = (
        RevenueRecord.objects.filter(
            client=OuterRef("pk"), date__gte=basis.window.start, date__lte=basis.window.end
        )
        .order_by()
        .values("client")
        .annotate(k=Sum(kopecks))
        .values("k")
    )
    marked = KeyAccountProfile.objects.filter(client=OuterRef("pk")).filter(
        Q(strategic=True) | Q(prospective=True)
    )
    qs = qs.annotate(
        window_kopecks=Coalesce(
            Subquery(revenue, output_field=BigIntegerField()),
            Value(0),
            output_field=BigIntegerField(),
        ),
        key_marked=Exists(marked),
    )
    company = basis.company_kopecks
    if company <= 0:
        return qs.annotate(key_rank=Value(0, output_field=IntegerField()))
    # 64-bit on every engine: a comparison beyond a 32-bit integer would be dropped as
    # impossible on PostgreSQL (the mono level of a large company is above 2^31).
    qs = qs.alias(
        scaled_kopecks=ExpressionWrapper(
            F("window_kopecks") * Value(10_000, output_field=BigIntegerField()),
            output_field=BigIntegerField(),
        )
    )
    active = Q(status=ClientStatus.ACTIVE)
    levels = (
        (3, basis.thresholds.mono),
        (2, basis.thresholds.critical),
        (1, basis.thresholds.key),
    )
    return qs.annotate(
        key_rank=Case(
            *(
                When(
                    active & Q(scaled_kopecks__gt=int(level * 10_000) * company),
                    then=Value(rank),
                )
                for rank, level in levels
            ),
            default=Value(0),
            output_field=IntegerField(),
        )
    )
