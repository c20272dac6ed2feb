"""Reads of the ideal profile, always scoped to a viewer (fit, ranking, the check, time)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.accounts.access import AnyUser, visible_clients, visible_managers
from kam.accounts.models import User
from kam.clients.models import Client
from kam.deals.models import Deal
from kam.deals.selectors import visible_deals
from kam.portfolio.models import RevenueRecord
from kam.profiles import domain as d
from kam.profiles.models import (
    ActionItem,
    DealAssessment,
    ProfileVersion,
    Trait,
    TraitScore,
    Workshop,
    WorkshopTrait,
)
from kam.relations.models import Interaction
from kam.surveys.models import Answer


def current_version() -> ProfileVersion | None:
    """The newest profile version (the one clients are scored against), or None."""
    return ProfileVersion.objects.order_by("-number").first()


def version_traits(version: ProfileVersion | None) -> list[Trait]:
    if version is None:
        return []
    return list(version.traits.all())


def weights_of(traits: list[Trait]) -> dict[str, float]:
    return {str(t.pk): float(t.weight) for t in traits}


def latest_scores(
    *, clients: QuerySet[Client], traits: list[Trait]
) -> dict[int, dict[str, int | None]]:
    """client id → {trait id (str) → the latest score}, in two queries whatever the count."""
    if not traits:
        return {}
    last_ids = (
        TraitScore.objects.filter(trait__in=traits, client__in=clients.values("pk"))
        .values("client", "trait")
        .annotate(last=Max("id"))
        .values("last")
    )
    out: dict[int, dict[str, int | None]] = defaultdict(dict)
    for client_id, trait_id, score in TraitScore.objects.filter(pk__in=last_ids).values_list(
        "client_id", "trait_id", "score"
    ):
        out[client_id][str(trait_id)] = score
    return dict(out)


@dataclass
class FitRow:
    client_id: int
    name: str
    manager: str
    fit: d.Fit
    scores: dict[str, int | None] = field(default_factory=dict)
    open_actions: int = 0


@dataclass
class Ranking:
    version: ProfileVersion | None
    traits: list[Trait]
    rows: list[FitRow]

    @property
    def scored(self) -> list[FitRow]:
        return [r for r in self.rows if r.fit.value is not None]


def fit_ranking(
    *, viewer: AnyUser, include_unscored: bool = True, client_ids: list[int] | None = None
) -> Ranking:
    """Every visible active client with its fit against the current profile, best first."""
    version = current_version()
    traits = version_traits(version)
    clients = visible_clients(viewer, include_archived=False)
    if client_ids is not None:
        clients = clients.filter(pk__in=client_ids)
    scores = latest_scores(clients=clients, traits=traits)
    weights = weights_of(traits)
    wanted = clients if include_unscored else clients.filter(pk__in=list(scores))
    actions = dict(
        ActionItem.objects.filter(client__in=wanted.values("pk"), done=False, trait__in=traits)
        .values("client")
        .annotate(n=Count("id"))
        .values_list("client", "n")
    )
    rows = []
    for client_id, name, first, last, username in wanted.values_list(
        "pk", "name", "manager__first_name", "manager__last_name", "manager__username"
    ):
        own = scores.get(client_id, {})
        rows.append(
            FitRow(
                client_id=client_id,
                name=name,
                manager=f"{last} {first}".strip() or username or "",
                fit=d.fit(own, weights),
                scores=own,
                open_actions=actions.get(client_id, 0),
            )
        )
    order = {cid: i for i, (cid, _f) in enumerate(d.ranked((r.client_id, r.fit) for r in rows))}
    rows.sort(key=lambda r: order[r.client_id])
    return Ranking(version=version, traits=traits, rows=rows)


@dataclass
class ScoreEvent:
    trait: str
    score: int | None
    by: str
    at: object


@dataclass
class ClientFit:
    client: Client
    version: ProfileVersion | None
    traits: list[Trait]
    fit: d.Fit
    scores: dict[str, int | None]
    history: list[ScoreEvent]
    trend: list[tuple[date, float]]
    actions: list[ActionItem]


def client_fit(*, viewer: AnyUser, client: Client) -> ClientFit:
    """One client's scores, their history and the fit trend (the client is already visible)."""
    version = current_version()
    traits = version_traits(version)
    weights = weights_of(traits)
    names = {str(t.pk): t.name for t in traits}
    events = list(
        TraitScore.objects.filter(client=client, trait__in=traits)
        .select_related("scored_by")
        .order_by("id")
    )
    running: dict[str, int | None] = {}
    trend: dict[date, float] = {}
    history = []
    for event in events:
        running[str(event.trait_id)] = event.score
        value = d.fit(running, weights).value
        day = timezone.localtime(event.scored_at).date()
        if value is not None:
            trend[day] = value
        history.append(
            ScoreEvent(
                trait=names.get(str(event.trait_id), ""),
                score=event.score,
                by=(
                    event.scored_by.display_name
                    if event.scored_by is not None
                    else _("import from a file")
                ),
                at=event.scored_at,
            )
        )
    actions = list(
        ActionItem.objects.filter(client=client, trait__in=traits)
        .select_related("owner", "trait")
        .order_by("done", "due", "id")
    )
    return ClientFit(
        client=client,
        version=version,
        traits=traits,
        fit=d.fit(running, weights),
        scores=running,
        history=list(reversed(history)),
        trend=sorted(trend.items()),
        actions=actions,
    )


def action_owners(viewer: AnyUser, item: ActionItem) -> QuerySet[User]:
    """Whom the viewer may give an action item to: the managers they see, and its owner."""
    owners = visible_managers(viewer)
    if not owners.filter(pk=item.owner_id).exists():
        owners = owners | User.objects.filter(pk=item.owner_id)
    return owners


def action_get(viewer: AnyUser, client: Client, action_id: int) -> ActionItem:
    return get_object_or_404(ActionItem, pk=action_id, client=client)


def actions_due(*, viewer: User, horizon_days: int = 7) -> list[ActionItem]:
    """Open action items the viewer owns, due within the horizon or overdue (for Today)."""
    until = timezone.localdate() + timedelta(days=horizon_days)
    return list(
        ActionItem.objects.filter(
            owner=viewer,
            done=False,
            due__lte=until,
            client__in=visible_clients(viewer, include_archived=False).values("pk"),
        )
        .select_related("client", "trait")
        .order_by("due", "id")[:50]
    )


def workshop_list() -> QuerySet[Workshop]:
    return Workshop.objects.select_related("created_by").annotate(
        n_picks=Count("picks", distinct=True), n_traits=Count("traits", distinct=True)
    )


def workshop_get(workshop_id: int) -> Workshop:
    return get_object_or_404(Workshop.objects.select_related("created_by"), pk=workshop_id)


@dataclass
class MergedItem:
    item: WorkshopTrait
    count: int
    duplicates: list[WorkshopTrait]


def merged_list(workshop: Workshop) -> list[MergedItem]:
    """The single list: canonical items with how many participants named each (most first)."""
    items = list(workshop.traits.select_related("participant").order_by("id"))
    counts = d.merged_counts((t.pk, t.merged_into_id, t.participant_id) for t in items)
    by_id = {t.pk: t for t in items}
    dups: dict[int, list[WorkshopTrait]] = defaultdict(list)
    for t in items:
        if t.merged_into_id is not None:
            root = t.merged_into_id
            while by_id[root].merged_into_id is not None:
                root = by_id[root].merged_into_id  # type: ignore[assignment]
            dups[root].append(t)
    canonical = [t for t in items if t.merged_into_id is None]
    out = [MergedItem(t, counts.get(t.pk, 1), dups.get(t.pk, [])) for t in canonical]
    out.sort(key=lambda m: (-m.count, m.item.pk))
    return out


# --- does the profile work? ----------------------------------------------------------------


@dataclass
class Outcome:
    key: str
    label: str
    correlation: d.Correlation


def _money() -> DecimalField[Decimal, Decimal]:
    return DecimalField(max_digits=18, decimal_places=2)


def outcome_values(*, clients: QuerySet[Client], today: date) -> dict[str, dict[int, float]]:
    """Outcomes KAM knows per client, each computed in one aggregate query.

    revenue_growth: revenue of the last 365 days over the 365 before, minus one (only clients
    with revenue in the earlier year); nps: the latest NPS answer's score; complaints: the
    number of complaint cases (fewer is better, so its sign is flipped for the check).
    """

    year_ago = today - timedelta(days=365)
    two_years = today - timedelta(days=730)
    zero = Decimal(0)
    rows = (
        RevenueRecord.objects.filter(client__in=clients.values("pk"), date__gt=two_years)
        .filter(date__lte=today)
        .values("client")
        .annotate(
            now=Coalesce(Sum("amount", filter=Q(date__gt=year_ago)), zero, output_field=_money()),
            before=Coalesce(
                Sum("amount", filter=Q(date__lte=year_ago)), zero, output_field=_money()
            ),
        )
        .values_list("client", "now", "before")
    )
    growth = {cid: float(now) / float(before) - 1 for cid, now, before in rows if before > 0}

    latest = Answer.objects.filter(client=OuterRef("pk")).order_by("-answered_on", "-id")
    nps = {
        cid: float(score)
        for cid, score in clients.annotate(last=Subquery(latest.values("score")[:1]))
        .filter(last__isnull=False)
        .values_list("pk", "last")
    }
    complaints = {
        cid: -float(n)
        for cid, n in clients.annotate(n=Count("complaint_cases")).values_list("pk", "n")
    }
    won_share = {
        cid: won / (won + lost)
        for cid, won, lost in Deal.objects.filter(client__in=clients.values("pk"))
        .values("client")
        .annotate(
            won=Count("id", filter=Q(status="won")), lost=Count("id", filter=Q(status="lost"))
        )
        .values_list("client", "won", "lost")
        if won + lost > 0
    }
    return {
        "revenue_growth": growth,
        "nps": nps,
        "complaints": complaints,
        "deals_won": won_share,
    }


def profile_check(*, viewer: AnyUser, today: date | None = None) -> list[Outcome]:
    """Rank correlation of fit with each outcome over the viewer's scored clients."""
    today = today or timezone.localdate()
    ranking = fit_ranking(viewer=viewer, include_unscored=False)
    fits = {r.client_id: r.fit.value for r in ranking.scored}
    clients = visible_clients(viewer).filter(pk__in=list(fits))
    values = outcome_values(clients=clients, today=today)
    labels = {
        "revenue_growth": _("revenue growth, year on year"),
        "nps": _("latest NPS answer"),
        "complaints": _("fewer complaint cases"),
        "deals_won": _("share of closed deals won"),
    }
    out = []
    for key, per_client in values.items():
        pairs = [(fits[c], v) for c, v in per_client.items() if fits.get(c) is not None]
        xs = [float(p[0]) for p in pairs]  # type: ignore[arg-type]
        ys = [p[1] for p in pairs]
        out.append(Outcome(key, labels[key], d.spearman(xs, ys)))
    return out


# --- the seller's time ---------------------------------------------------------------------


@dataclass
class TimeReport:
    days: int
    rows: list[tuple[d.TimeRow, str]]
    sinks: list[tuple[d.TimeRow, str]]
    total_minutes: int


def seller_time(*, viewer: AnyUser, days: int = 90, today: date | None = None) -> TimeReport:
    """Minutes logged per client over the last `days`, beside fit and 12-month revenue."""

    today = today or timezone.localdate()
    clients = visible_clients(viewer, include_archived=False)
    minutes = dict(
        Interaction.objects.filter(
            client__in=clients.values("pk"),
            planned=False,
            date__gt=today - timedelta(days=days),
            date__lte=today,
            duration_minutes__isnull=False,
        )
        .values("client")
        .annotate(m=Sum("duration_minutes"))
        .values_list("client", "m")
    )
    ids = [c for c, m in minutes.items() if m]
    revenue = dict(
        RevenueRecord.objects.filter(
            client__in=ids, date__gt=today - timedelta(days=365), date__lte=today
        )
        .values("client")
        .annotate(s=Sum("amount"))
        .values_list("client", "s")
    )
    ranking = fit_ranking(viewer=viewer, client_ids=ids)
    names = {r.client_id: r.name for r in ranking.rows}
    fits = {r.client_id: r.fit.value for r in ranking.rows}
    rows = [
        d.TimeRow(
            client_id=c,
            minutes=int(minutes[c]),
            fit=fits.get(c),
            revenue=Decimal(revenue.get(c) or 0),
        )
        for c in ids
        if c in names
    ]
    rows.sort(key=lambda r: (-r.minutes, r.client_id))
    sinks = d.time_sinks(rows)
    return TimeReport(
        days=days,
        rows=[(r, names[r.client_id]) for r in rows],
        sinks=[(r, names[r.client_id]) for r in sinks],
        total_minutes=sum(r.minutes for r in rows),
    )


# --- the win–win quadrant ------------------------------------------------------------------


@dataclass
class ManagerQuadrant:
    manager_id: int
    manager: str
    assessed: int
    win_win: int
    refused: int
    counts: dict[str, int]

    @property
    def share(self) -> float | None:
        return self.win_win / self.assessed if self.assessed else None


@dataclass
class QuadrantReport:
    managers: list[ManagerQuadrant]
    flagged: list[DealAssessment]
    refused: list[DealAssessment]
    to_assess: list[Deal]
    team: ManagerQuadrant


def _quadrant_key(we_win: bool | None, client_wins: bool | None) -> str | None:
    found = d.quadrant(we_win=we_win, client_wins=client_wins)
    return found.value if found is not None else None


def quadrant_report(*, viewer: AnyUser) -> QuadrantReport:
    """Per manager: deals placed in the quadrant, the win–win share and refusals (one GROUP BY),
    the flagged (not win–win) and refused deals, and recent deals still to place."""
    deals = visible_deals(viewer)
    rows = (
        DealAssessment.objects.filter(deal__in=deals.values("pk"))
        .values("deal__manager", "we_win", "client_wins", "refused")
        .annotate(n=Count("id"))
    )
    per: dict[int, ManagerQuadrant] = {}
    team = ManagerQuadrant(0, "", 0, 0, 0, {q.value: 0 for q in d.Quadrant})
    for row in rows:
        key = _quadrant_key(row["we_win"], row["client_wins"])
        manager_id = row["deal__manager"]
        entry = per.setdefault(
            manager_id, ManagerQuadrant(manager_id, "", 0, 0, 0, {q.value: 0 for q in d.Quadrant})
        )
        for target in (entry, team):
            if row["refused"]:
                target.refused += row["n"]
            if key is None:
                continue
            target.assessed += row["n"]
            target.counts[key] += row["n"]
            if key == d.Quadrant.WIN_WIN.value:
                target.win_win += row["n"]
    names = {u.pk: u.display_name for u in User.objects.filter(pk__in=list(per)).order_by("pk")}
    for entry in per.values():
        entry.manager = names.get(entry.manager_id, "")
    base = DealAssessment.objects.filter(deal__in=deals.values("pk")).select_related(
        "deal", "deal__client", "deal__manager"
    )
    flagged = list(
        base.exclude(we_win=True, client_wins=True)
        .exclude(we_win__isnull=True)
        .exclude(client_wins__isnull=True)
        .order_by("-deal__created", "-id")[:200]
    )
    refused = list(base.filter(refused=True).order_by("-deal__created", "-id")[:200])
    since = timezone.localdate() - timedelta(days=180)
    to_assess = list(
        deals.filter(assessment__isnull=True, created__gte=since)
        .exclude(status="lost")
        .select_related("client", "manager")
        .order_by("-created", "-id")[:50]
    )
    return QuadrantReport(
        managers=sorted(per.values(), key=lambda m: (m.manager, m.manager_id)),
        flagged=flagged,
        refused=refused,
        to_assess=to_assess,
        team=team,
    )


def deal_get(viewer: AnyUser, deal_id: int) -> Deal:
    return get_object_or_404(visible_deals(viewer).select_related("client", "manager"), pk=deal_id)


def client_flagged_deals(*, client: Client) -> list[DealAssessment]:
    """A client's deals placed outside win–win or refused (shown on its card)."""
    return list(
        DealAssessment.objects.filter(deal__client=client)
        .filter(Q(refused=True) | Q(we_win=False) | Q(client_wins=False))
        .select_related("deal")
        .order_by("-deal__created")[:10]
    )
