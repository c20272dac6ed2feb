"""Reads of deals, always scoped to a viewer through `visible_clients`; the funnel in SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, DateField, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from kam.accounts.access import AnyUser, scope_of, visible_clients
from kam.accounts.domain import Scope
from kam.deals import domain
from kam.deals.domain import FunnelCounts, Rate
from kam.deals.models import Deal, DealStageChange, IndustryReference, StageMapping
from kam.relations.choices import ContactChannel
from kam.relations.models import Interaction

# Conversions resting on fewer deals than this are marked indicative (the NPS rule, SPEC §5).
MIN_N = 30


def visible_deals(viewer: AnyUser) -> QuerySet[Deal]:
    """Deals of the clients the viewer sees (the org chart rule of `visible_clients`)."""
    if scope_of(viewer) is Scope.ALL:
        # The same set as the subquery below, without making the database evaluate it.
        return Deal.objects.all()
    return Deal.objects.filter(client__in=visible_clients(viewer))


def stage_map() -> dict[str, str]:
    """Folded CRM stage name → funnel step, as the admins keep it."""
    return dict(StageMapping.objects.values_list("folded", "step"))


def stage_mappings() -> QuerySet[StageMapping]:
    return StageMapping.objects.all()


# --- lists ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DealFilters:
    status: str = ""
    manager: int | None = None
    step: str = ""
    source: str = ""
    client: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    reached_meeting: bool | None = None


def deal_list(*, viewer: AnyUser, filters: DealFilters) -> QuerySet[Deal]:
    """Visible deals matching the filters, newest first, with client and manager joined."""
    qs = visible_deals(viewer).select_related("client", "manager")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.manager:
        qs = qs.filter(manager_id=filters.manager)
    if filters.step:
        qs = qs.filter(step=filters.step)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.client:
        qs = qs.filter(client_id=filters.client)
    if filters.date_from:
        qs = qs.filter(created__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(created__lte=filters.date_to)
    if filters.reached_meeting is not None:
        met = _meeting_condition(timezone.localdate())
        qs = qs.filter(met) if filters.reached_meeting else qs.exclude(met)
    return qs.order_by("-created", "-id")


def deal_detail(*, viewer: AnyUser, deal_id: int) -> Deal | None:
    """One deal the viewer may see (its client is visible to them), or None."""
    return visible_deals(viewer).select_related("client", "manager").filter(pk=deal_id).first()


def deal_history(deal: Deal) -> list[DealStageChange]:
    """The stage changes KAM saw between imports of the deal, oldest first."""
    return list(deal.stage_changes.order_by("date", "id"))


def client_deals(*, viewer: AnyUser, client_id: int) -> dict[str, list[Deal]]:
    """A client's deals for its card: open, won and lost (404 is the card's business)."""
    deals = visible_deals(viewer).filter(client_id=client_id).select_related("manager")
    grouped: dict[str, list[Deal]] = {"open": [], "won": [], "lost": []}
    for deal in deals.order_by("-created", "-id")[:300]:
        grouped[deal.status].append(deal)
    return grouped


def open_deals_needing_action(
    *, viewer: AnyUser, today: date, idle_days: int = 30, team: bool = False
) -> list[Deal]:
    """Open deals whose stage has not moved for `idle_days`: created before the cutoff and with
    no stage change KAM saw since (oldest first, at most 20). The viewer's own deals, or with
    `team` every deal the viewer sees."""
    cutoff = today - timedelta(days=idle_days)
    moved = DealStageChange.objects.filter(deal_id=OuterRef("pk"), date__gt=cutoff)
    qs = visible_deals(viewer).filter(status="open", created__lte=cutoff)
    if not team:
        qs = qs.filter(manager_id=getattr(viewer, "pk", None))
    qs = qs.exclude(Exists(moved)).select_related("client", "manager").order_by("created", "id")
    return list(qs[:20])


# --- the funnel ----------------------------------------------------------------------------


def logged_meetings() -> QuerySet[Interaction]:
    """Meetings and visits of the contact log that took place (planned ones count for nothing):
    what makes a deal reach the meeting step when logged during its life."""
    return Interaction.objects.filter(
        planned=False, channel__in=[ContactChannel.MEETING, ContactChannel.VISIT]
    )


def _meeting_condition(today: date) -> Q:
    """A deal reached a meeting: by its step or KAM's stage history (both in `reached`), or by
    a meeting or visit with its client logged between its creation and its close (today while
    it is open). `met_on` is the first such meeting on or after the creation and not after
    the close, so "one logged during the deal's life" is `met_on <= close (or today)`."""
    until = Coalesce(F("closed"), Value(today), output_field=DateField())
    return Q(reached__gte=domain.MEETING_RANK) | Q(met_on__lte=until)


def funnel_counts(
    *, viewer: AnyUser, date_from: date, date_to: date, today: date | None = None
) -> dict[int, FunnelCounts]:
    """Manager id → funnel counts of the visible deals created in the window: one GROUP BY
    over the deals alone (the logged meetings are folded into `Deal.met_on` by the writes)."""
    today = today or timezone.localdate()
    window = visible_deals(viewer).filter(created__gte=date_from, created__lte=date_to).order_by()
    # Counting `created` (never null), not id: the covering index has no id column, and so
    # the database needs no table read.
    rows = window.values("manager_id").annotate(
        c=Count("created"),
        m=Count("created", filter=_meeting_condition(today)),
        w=Count("created", filter=Q(status="won")),
    )
    return {r["manager_id"]: FunnelCounts(r["c"], r["m"], r["w"]) for r in rows}


@dataclass(frozen=True, slots=True)
class RateCell:
    """One conversion of a row, in the order of `domain.TRANSITIONS`, for display."""

    transition: str
    rate: Rate | None
    weak: bool


@dataclass
class ManagerFunnel:
    manager_id: int
    name: str
    counts: FunnelCounts
    rates: dict[str, Rate | None]
    losses: dict[str, domain.StepLoss] = field(default_factory=dict)
    weak_step: str | None = None
    rank: int | None = None
    is_best: bool = False
    indicative: bool = False

    @property
    def cells(self) -> list[RateCell]:
        return [RateCell(t, self.rates[t], self.weak_step == t) for t in domain.TRANSITIONS]


@dataclass
class Funnel:
    date_from: date
    date_to: date
    team: FunnelCounts
    team_rates: dict[str, Rate | None]
    managers: list[ManagerFunnel]
    best: ManagerFunnel | None
    min_n: int
    references: list[dict[str, Any]]


def funnel(*, viewer: AnyUser, date_from: date, date_to: date) -> Funnel:
    """The funnel of the viewer's scope: team, each manager, the best, losses, references."""
    from kam.accounts.models import User

    counts = funnel_counts(viewer=viewer, date_from=date_from, date_to=date_to)
    names = {
        u.pk: " ".join(p for p in (u.last_name, u.first_name, u.middle_name) if p) or u.username
        for u in User.objects.filter(pk__in=list(counts)).only(
            "id", "first_name", "last_name", "middle_name", "username"
        )
    }
    team = sum(counts.values(), domain.EMPTY)
    managers = [
        ManagerFunnel(pk, names.get(pk, str(pk)), c, domain.funnel_rates(c))
        for pk, c in counts.items()
    ]
    managers.sort(key=lambda m: (-m.counts.won, -m.counts.consultation, m.name))
    best_id = domain.best_of([(m.manager_id, m.counts) for m in managers], min_n=MIN_N)
    best = next((m for m in managers if m.manager_id == best_id), None)
    rated = [(m.manager_id, r) for m in managers if (r := m.rates["consultation_won"]) is not None]
    ranks = domain.rank_managers(rated) if len(rated) > 1 else {}
    for m in managers:
        m.rank = ranks.get(m.manager_id)
        m.indicative = domain.is_indicative(m.counts.consultation, min_n=MIN_N)
        if best is not None:
            m.is_best = m is best
            if not m.is_best:
                m.losses = domain.losses_against_best(m.counts, best.counts)
                m.weak_step = domain.weakest_step(m.losses)
    return Funnel(
        date_from=date_from,
        date_to=date_to,
        team=team,
        team_rates=domain.funnel_rates(team),
        managers=managers,
        best=best,
        min_n=MIN_N,
        references=reference_ranges(team_rates=domain.funnel_rates(team)),
    )


def reference_ranges(*, team_rates: dict[str, Rate | None] | None = None) -> list[dict[str, Any]]:
    """Active industry ranges as fractions, grouped by industry in the admins' order, each with
    where the team's rate stands against it (below, within, above; "" without a rate)."""
    out: dict[str, dict[str, Any]] = {}
    for ref in IndustryReference.objects.filter(is_active=True):
        row = out.setdefault(ref.industry, {"industry": ref.industry, "ranges": {}})
        low = float(ref.low) / 100 if ref.low is not None else None
        high = float(ref.high) / 100 if ref.high is not None else None
        team = (team_rates or {}).get(ref.transition)
        position = domain.reference_position(team.value, low=low, high=high) if team else ""
        row["ranges"][ref.transition] = {
            "low": low,
            "high": high,
            "note": ref.note,
            "team": str(position),
        }
    return list(out.values())


def _counts_dict(counts: FunnelCounts, rates: dict[str, Rate | None]) -> dict[str, Any]:
    return {
        "consultation": counts.consultation,
        "meeting": counts.meeting,
        "won": counts.won,
        "rates": {k: (r.as_dict() if r is not None else None) for k, r in rates.items()},
    }


def funnel_as_dict(f: Funnel) -> dict[str, Any]:
    """The JSON shape of `kam report funnel --format json` and `GET /api/v1/funnel/`."""
    return {
        "window": {"from": f.date_from.isoformat(), "to": f.date_to.isoformat()},
        "steps": ["consultation", "meeting", "won"],
        "team": _counts_dict(f.team, f.team_rates),
        "managers": [{"manager": m.name, **_counts_dict(m.counts, m.rates)} for m in f.managers],
        "best": f.best.name if f.best is not None else None,
    }


def consultation_meeting_by_manager(
    *, viewer: AnyUser, date_from: date, date_to: date
) -> dict[int, Rate]:
    """Manager user id → consultation → meeting rate (value, low, high, n) in the viewer's scope.

    For the calls area: a manager's question counts beside their conversion to meetings.
    Managers without deals in the window are absent.
    """
    counts = funnel_counts(viewer=viewer, date_from=date_from, date_to=date_to)
    return {
        pk: domain.wilson(c.meeting, c.consultation)
        for pk, c in counts.items()
        if c.consultation > 0
    }
