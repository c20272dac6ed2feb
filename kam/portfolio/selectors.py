"""Reads of revenue and the portfolio report, scoped through the viewer's visible clients.

The database does the heavy part (one GROUP BY client over the window); the pure functions in
`domain.py` turn those sums into shares, classes, ABC and concentration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.accounts.access import AnyUser, client_get, scope_of, visible_clients
from kam.accounts.domain import Scope
from kam.clients.choices import ClientStatus
from kam.core.models import company_settings
from kam.portfolio.domain import (
    KeyClass,
    KeyThresholds,
    Window,
    classify_portfolio,
    downsample,
    equivalent_clients,
    hhi,
    lorenz_points,
    manager_load_flag,
    top_shares,
    window_last_months,
)
from kam.portfolio.models import AccountPlan, KeyAccountProfile, PlanGoal, RevenueRecord

HUNDRED = Decimal(100)


def revenue_for_client(*, viewer: AnyUser, client_id: int) -> QuerySet[RevenueRecord]:
    """Revenue records of one visible client, newest first (404 when the client is not visible)."""
    client = client_get(viewer, client_id)
    return RevenueRecord.objects.filter(client=client).order_by("-date", "-id")


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


def revenue_by_client(window: Window) -> dict[int, Decimal]:
    """Company revenue per active client over the window: one GROUP BY in the database."""
    rows = (
        RevenueRecord.objects.filter(
            date__gte=window.start, date__lte=window.end, client__status=ClientStatus.ACTIVE
        )
        .values_list("client_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {client_id: total for client_id, total in rows if total}


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
    rows: list[PortfolioRow]
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


def _client_facts(viewer: AnyUser, ids: set[int]) -> dict[int, dict[str, Any]]:
    qs = visible_clients(viewer).filter(status=ClientStatus.ACTIVE)
    facts = qs.values(
        "id",
        "name",
        "inn",
        "manager_id",
        "manager__last_name",
        "manager__first_name",
        "manager__username",
    )
    out: dict[int, dict[str, Any]] = {}
    for f in facts.iterator(chunk_size=5000):
        if f["id"] in ids:
            name = " ".join(p for p in (f["manager__last_name"], f["manager__first_name"]) if p)
            out[f["id"]] = {**f, "manager": name or f["manager__username"]}
    return out


def _manager_load(rows: list[PortfolioRow], *, limit: int) -> list[ManagerLoad]:
    acc: dict[int, list[Any]] = {}
    for row in rows:
        entry = acc.setdefault(row.manager_id, [row.manager, 0, 0, Decimal(0)])
        entry[1] += row.key_class is not KeyClass.NONE
        entry[2] += 1
        entry[3] += row.revenue
    loads = [
        ManagerLoad(mid, name, key, count, revenue, manager_load_flag(key, limit=limit))
        for mid, (name, key, count, revenue) in acc.items()
    ]
    return sorted(loads, key=lambda m: (-m.revenue, m.manager))


def portfolio_report(*, viewer: AnyUser, window: Window) -> PortfolioReport:
    """Shares and classes against the company total; concentration within the viewer's scope."""
    settings = company_settings()
    thresholds = KeyThresholds(
        key=settings.key_share, critical=settings.critical_share, mono=settings.mono_share
    )
    company = revenue_by_client(window)
    summary = classify_portfolio(
        company, thresholds=thresholds, abc_a=settings.abc_a, abc_b=settings.abc_b
    )
    scope = scope_of(viewer)
    facts = _client_facts(viewer, set(company)) if scope is not Scope.NONE else {}
    rows = [
        PortfolioRow(
            client_id=c.key,
            name=facts[c.key]["name"],
            inn=facts[c.key]["inn"],
            manager_id=facts[c.key]["manager_id"],
            manager=facts[c.key]["manager"],
            revenue=c.revenue,
            share=c.share,
            key_class=c.key_class,
            abc=c.abc,
        )
        for c in summary.clients
        if c.key in facts
    ]
    scope_total = sum((r.revenue for r in rows), Decimal(0))
    scope_shares = [r.revenue / scope_total * HUNDRED for r in rows] if scope_total else []
    scope_hhi = hhi(scope_shares)
    counts = {k.value: sum(1 for r in rows if r.key_class is k) for k in KeyClass}
    return PortfolioReport(
        window=window,
        scope=scope,
        company_total=summary.total,
        scope_total=scope_total,
        rows=rows,
        hhi=scope_hhi,
        equivalent_clients=equivalent_clients(scope_hhi),
        top_shares=top_shares([r.revenue for r in rows], scope_total),
        lorenz=downsample(lorenz_points([r.revenue for r in rows]), limit=201),
        alerts=[
            Alert(r, _alert_message(r.key_class))
            for r in rows
            if r.key_class in (KeyClass.CRITICAL, KeyClass.MONO)
        ],
        managers=_manager_load(rows, limit=settings.manager_key_client_limit),
        thresholds=thresholds,
        limit=settings.manager_key_client_limit,
        counts=counts,
    )


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
    from kam.portfolio.domain import key_client_class, revenue_share

    client = client_get(viewer, client_id)
    settings = company_settings()
    window = default_window()
    in_window = RevenueRecord.objects.filter(date__gte=window.start, date__lte=window.end)
    company = in_window.filter(client__status=ClientStatus.ACTIVE).aggregate(t=Sum("amount"))["t"]
    revenue = in_window.filter(client=client).aggregate(t=Sum("amount"))["t"] or Decimal(0)
    share = revenue_share(revenue, company or Decimal(0))
    thresholds = KeyThresholds(
        key=settings.key_share, critical=settings.critical_share, mono=settings.mono_share
    )
    return ClientKeyStatus(
        window=window,
        revenue=revenue,
        share=share,
        key_class=key_client_class(share, thresholds=thresholds),
        profile=KeyAccountProfile.objects.filter(client=client).first(),
        has_plan=AccountPlan.objects.filter(client=client).exists(),
        overdue_goals=list(overdue_goals(viewer=viewer, client_id=client_id)),
    )


def key_client_ids(today: date | None = None) -> set[int]:
    """Key accounts by the portfolio rules: a revenue share above the key threshold over the
    default window (company-wide), or marked strategic/reference or prospective.

    Two aggregate queries; only the key clients' ids leave the database.
    """
    settings = company_settings()
    window = default_window(today)
    in_window = RevenueRecord.objects.filter(
        date__gte=window.start, date__lte=window.end, client__status=ClientStatus.ACTIVE
    )
    total = in_window.aggregate(t=Sum("amount"))["t"] or Decimal(0)
    ids: set[int] = set()
    if total > 0:
        ids = set(
            in_window.values("client_id")
            .annotate(t=Sum("amount"))
            .filter(t__gt=total * settings.key_share)
            .values_list("client_id", flat=True)
        )
    marked = KeyAccountProfile.objects.filter(Q(strategic=True) | Q(prospective=True))
    return ids | set(marked.values_list("client_id", flat=True))
