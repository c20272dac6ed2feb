"""Reads of the playbook, scoped to the viewer by client visibility: type cards of a client,
complaint cases, the escalations of a supervisor and the complaints report."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import (
    Avg,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.http import Http404
from django.utils import timezone

from kam.accounts.access import AnyUser, client_get, visible_clients
from kam.accounts.models import User
from kam.clients.models import Client
from kam.playbooks.behaviours import BEHAVIOURS, CONTACT_REMINDERS
from kam.playbooks.choices import CaseStep
from kam.playbooks.domain import Age, ParetoRow, pareto, split_age
from kam.playbooks.models import (
    ChecklistItem,
    ChecklistTick,
    ClientTypeTag,
    ComplaintCase,
    DifficultType,
    RootCause,
)


def types_list() -> QuerySet[DifficultType]:
    """The ten types with their active checklist items."""
    items = ChecklistItem.objects.filter(is_active=True).order_by("order", "id")
    return DifficultType.objects.prefetch_related(Prefetch("items", queryset=items))


def type_get(code: str) -> DifficultType:
    kind = types_list().filter(code=code).first()
    if kind is None:
        raise Http404
    return kind


def active_causes() -> QuerySet[RootCause]:
    return RootCause.objects.filter(is_active=True)


@dataclass(frozen=True)
class TypeCard:
    """A type as shown for one client: the tag, the card, its checklist with ticks."""

    tag: ClientTypeTag
    kind: DifficultType
    items: list[tuple[ChecklistItem, bool]]

    @property
    def behaviour(self) -> Any:
        return BEHAVIOURS.get(self.kind.code)

    @property
    def reminder(self) -> Any:
        return CONTACT_REMINDERS.get(self.kind.code) if self.kind.behaviour_on else None


def all_causes() -> QuerySet[RootCause]:
    """Every root cause, switched off ones too (the setup page lists them all)."""
    return RootCause.objects.all()


def cause_find(cause_id: int) -> RootCause | None:
    return RootCause.objects.filter(pk=cause_id).first() if cause_id else None


def checklist_item_find(item_id: int) -> ChecklistItem | None:
    return ChecklistItem.objects.filter(pk=item_id).first() if item_id else None


def live_tags(clients: Iterable[int] | QuerySet[Client]) -> QuerySet[ClientTypeTag]:
    return (
        ClientTypeTag.objects.filter(client__in=clients, removed_at__isnull=True)
        .select_related("type", "created_by")
        .order_by("type__order", "id")
    )


def client_cards(*, viewer: AnyUser, client: Client) -> list[TypeCard]:
    """The cards of the client's live types (the client was fetched through access)."""
    tags = list(
        live_tags([client.pk]).prefetch_related(
            Prefetch("type__items", queryset=ChecklistItem.objects.filter(is_active=True))
        )
    )
    ticked = set(ChecklistTick.objects.filter(client=client).values_list("item_id", flat=True))
    return [
        TypeCard(tag, tag.type, [(item, item.pk in ticked) for item in tag.type.items.all()])
        for tag in tags
    ]


def cards_by_client(client_ids: Iterable[int]) -> dict[int, list[DifficultType]]:
    """Live types per client for a set of visible clients (one query), for Today."""
    out: dict[int, list[DifficultType]] = {}
    for tag in live_tags(list(client_ids)):
        out.setdefault(tag.client_id, []).append(tag.type)
    return out


def tag_history(*, viewer: AnyUser, client: Client) -> QuerySet[ClientTypeTag]:
    return (
        ClientTypeTag.objects.filter(client=client)
        .select_related("type", "created_by", "removed_by")
        .order_by("-created_at", "-id")
    )


def tag_get(*, viewer: AnyUser, client_id: int, code: str) -> ClientTypeTag:
    """The client's live tag of type `code` (404 when not visible or not tagged)."""
    client = client_get(viewer, client_id)
    tag = live_tags([client.pk]).filter(type__code=code).first()
    if tag is None:
        raise Http404
    return tag


# --- Complaint cases ---------------------------------------------------------------------------


def cases_for(viewer: AnyUser) -> QuerySet[ComplaintCase]:
    return ComplaintCase.objects.filter(
        client__in=visible_clients(viewer).values("pk")
    ).select_related("client", "owner", "answer", "cause", "manager", "escalated_to")


def case_get(*, viewer: AnyUser, case_id: int) -> ComplaintCase:
    case = cases_for(viewer).filter(pk=case_id).first()
    if case is None:
        raise Http404
    return case


def client_cases(*, viewer: AnyUser, client: Client) -> QuerySet[ComplaintCase]:
    return cases_for(viewer).filter(client=client).order_by("closed_at", "-opened_at")


def open_cases_for(viewer: AnyUser, *, team: bool = False) -> list[ComplaintCase]:
    """Open complaint cases for the Today page: the viewer's own, or all visible for a team."""
    qs = cases_for(viewer).filter(closed_at__isnull=True)
    if not team and isinstance(viewer, User):
        qs = qs.filter(owner=viewer)
    return list(qs.order_by("opened_at")[:200])


def escalations_for(viewer: AnyUser, *, now: datetime | None = None) -> list[ComplaintCase]:
    """Open cases of the viewer's reports whose current step is past its SLA, or handed to
    the viewer by the escalation run: what a supervisor sees on Today."""
    if not isinstance(viewer, User):
        return []
    moment = now or timezone.now()
    late = Q(next_due_at__lt=moment) & Q(owner__supervisor=viewer)
    return list(
        cases_for(viewer)
        .filter(Q(closed_at__isnull=True) & (late | Q(escalated_to=viewer)))
        .order_by("next_due_at")[:200]
    )


def case_age(case: ComplaintCase, now: datetime | None = None) -> Age:
    return split_age((case.closed_at or now or timezone.now()) - case.opened_at)


def case_current_step(case: ComplaintCase) -> CaseStep | None:
    done = {r.step for r in case.steps.all()}
    return next((s for s in CaseStep if s.value not in done), None)


# --- Report ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFilters:
    date_from: date | None = None
    date_to: date | None = None
    manager: User | None = None
    type_code: str = ""


@dataclass
class ComplaintsReport:
    """Counts of the complaints report (SQL aggregates) and the Pareto of root causes."""

    opened: int = 0
    open_now: int = 0
    closed: int = 0
    overdue_now: int = 0
    late_steps: int = 0
    avg_open_age: Age | None = None
    avg_close_age: Age | None = None
    pareto: list[ParetoRow] = field(default_factory=list)
    cases: list[ComplaintCase] = field(default_factory=list)


def report_cases(*, viewer: AnyUser, filters: ReportFilters) -> QuerySet[ComplaintCase]:
    """Visible cases opened in the window, of one manager's clients, of clients of a type."""
    qs = cases_for(viewer)
    if filters.date_from:
        qs = qs.filter(opened_at__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(opened_at__date__lte=filters.date_to)
    if filters.manager is not None:
        qs = qs.filter(manager=filters.manager)
    if filters.type_code:
        tagged = ClientTypeTag.objects.filter(
            type__code=filters.type_code, removed_at__isnull=True
        ).values("client_id")
        qs = qs.filter(client__in=tagged)
    return qs


def complaints_report(
    *, viewer: AnyUser, filters: ReportFilters, now: datetime | None = None
) -> ComplaintsReport:
    moment = now or timezone.now()
    qs = report_cases(viewer=viewer, filters=filters)
    totals = qs.aggregate(
        opened=Count("pk"),
        open_now=Count("pk", filter=Q(closed_at__isnull=True)),
        closed=Count("pk", filter=Q(closed_at__isnull=False)),
        overdue_now=Count("pk", filter=Q(closed_at__isnull=True, next_due_at__lt=moment)),
    )
    late_steps = qs.aggregate(n=Count("steps", filter=Q(steps__late=True)))["n"]
    report = ComplaintsReport(late_steps=late_steps, **totals)
    ages = qs.aggregate(
        open_age=Avg(
            ExpressionWrapper(
                Value(moment, output_field=DateTimeField()) - F("opened_at"),
                output_field=DurationField(),
            ),
            filter=Q(closed_at__isnull=True),
        ),
        close_age=Avg(
            ExpressionWrapper(F("closed_at") - F("opened_at"), output_field=DurationField()),
            filter=Q(closed_at__isnull=False),
        ),
    )
    if ages["open_age"] is not None:
        report.avg_open_age = split_age(ages["open_age"])
    if ages["close_age"] is not None:
        report.avg_close_age = split_age(ages["close_age"])
    counts = qs.filter(cause__isnull=False).values("cause").annotate(n=Count("pk")).order_by()
    names = {c.pk: c.name for c in RootCause.objects.all()}
    report.pareto = pareto({names[row["cause"]]: row["n"] for row in counts})
    report.cases = list(qs.order_by("-opened_at")[:200])
    return report
