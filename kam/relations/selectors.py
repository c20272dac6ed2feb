"""Reads of the contact log: cadence, pauses, dates and the Today page, scoped to a viewer.

The last contacts per client come from the database as aggregates (one row per client); the
rules themselves are the pure functions of `relations/domain.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
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
from django.db.models.functions import Cast, Coalesce, Substr
from django.http import Http404
from django.utils import timezone

from kam.accounts.access import AnyUser, client_get, dossier_clients, visible_clients
from kam.accounts.models import User
from kam.clients.choices import ClientStatus
from kam.clients.domain import review_overdue
from kam.clients.models import Client, Contact, ContactDate
from kam.clients.selectors import dossier_facts
from kam.core.models import CompanySettings, company_settings
from kam.portfolio.models import PlanAction, PlanGoal
from kam.portfolio.selectors import is_key_client, key_client_ids
from kam.relations.choices import EntryKind, ToneChoice
from kam.relations.domain import (
    ALERT_NEGATIVE_BALANCE,
    ALERT_WITHDRAWAL_STREAK,
    CadenceStatus,
    Correction,
    balance_trend,
    bank_alerts,
    bank_balance,
    cadence_shortened,
    cadence_status,
    correction_verdict,
    days_until_date,
    in_pause,
    near_annual_date,
    pause_until,
    propose_entries,
)
from kam.relations.domain import BankEntry as DomainEntry
from kam.relations.domain import EntryKind as DomainKind
from kam.relations.models import (
    BankCatalogueEntry,
    BankEntry,
    ChecklistTask,
    Interaction,
    InteractionRevision,
    RelationshipStage,
    StageChange,
)
from kam.relations.signals import cadence_percents


@dataclass(frozen=True, slots=True)
class ClientCadence:
    """One client against its cadence and its pause (SPEC §3)."""

    client: Client
    is_key: bool
    every_days: int | None  # None: no cadence for this client
    status: CadenceStatus | None
    last_contact: date | None
    last_negative: date | None
    pause_until: date | None

    @property
    def overdue(self) -> bool:
        return self.status is not None and self.status.is_overdue

    @property
    def in_pause(self) -> bool:
        return self.pause_until is not None and self.pause_until >= timezone.localdate()


def _done_dates(today: date) -> QuerySet[Interaction, Any]:
    """Dates of the contacts of the outer client that happened (not planned) up to `today`,
    newest first: each use takes the first one (an index seek per client)."""
    return (
        Interaction.objects.filter(client=OuterRef("pk"), planned=False, date__lte=today)
        .order_by("-date")
        .values("date")
    )


def annotate_last_contacts(qs: QuerySet[Client], today: date) -> QuerySet[Client]:
    """Last positive, last done and the manager's own last negative contact, per client.

    Correlated subqueries, not a GROUP BY over the join: each is an index seek on the
    client's contacts, and only for the rows that pass the query's filters."""
    done = _done_dates(today)
    return qs.annotate(
        last_positive=Subquery(done.filter(tone=ToneChoice.POSITIVE)[:1]),
        last_contact=Subquery(done[:1]),
        last_negative=Subquery(
            done.filter(tone=ToneChoice.NEGATIVE, author=OuterRef("manager"))[:1]
        ),
    )


def _negative_since(since: date, today: date) -> Exists:
    """The client's manager logged a negative contact within since … today (a pause)."""
    return Exists(
        Interaction.objects.filter(
            client=OuterRef("pk"),
            author=OuterRef("manager"),
            planned=False,
            tone=ToneChoice.NEGATIVE,
            date__gte=since,
            date__lte=today,
        )
    )


def _cadence(
    client: Any,
    *,
    key_ids: set[int],
    settings: CompanySettings,
    today: date,
    percents: dict[int, int] | None = None,
) -> ClientCadence:
    is_key = client.pk in key_ids
    every: int | None = settings.cadence_days if is_key else None
    if not is_key:
        every = settings.segment_cadence().get(client.segment)
    percent = (percents or {}).get(client.pk)
    if percent is not None:
        # An app above shortens this client's cadence (a disloyal client): a share of the
        # usual one, or of the key-account cadence when the client has none.
        every = cadence_shortened(every or settings.cadence_days, percent)
    # A key account needs a positive contact; any other client just a contact.
    last = client.last_positive if is_key else client.last_contact
    # A client never contacted counts from the day it came to KAM (not overdue on day 0).
    since = timezone.localdate(client.created_at) if client.created_at else None
    status = cadence_status(last, today, every_days=every, since=since) if every else None
    until = pause_until(client.last_negative, days=settings.pause_days)
    return ClientCadence(
        client=client,
        is_key=is_key,
        every_days=every,
        status=status,
        last_contact=client.last_contact,
        last_negative=client.last_negative,
        pause_until=until if until is not None and until >= today else None,
    )


def cadence_rows(
    clients: QuerySet[Client], *, today: date, key_ids: set[int] | None = None
) -> list[ClientCadence]:
    """The active clients of `clients` that have a cadence or are in a pause, with both.

    Clients without a cadence and without a recent negative contact are left in the database.
    """
    settings = company_settings()
    keys = key_client_ids(today) if key_ids is None else key_ids
    percents = cadence_percents(clients)
    # Filtered before the last contacts are looked up, so only these clients cost anything.
    relevant = (
        Q(pk__in=keys)
        | Q(pk__in=list(percents))
        | Q(segment__in=list(settings.segment_cadence()))
        | _negative_since(today - timedelta(days=settings.pause_days), today)
    )
    qs = annotate_last_contacts(
        clients.filter(relevant, status=ClientStatus.ACTIVE).select_related("manager"), today
    ).order_by("normalized_name")
    return [
        _cadence(c, key_ids=keys, settings=settings, today=today, percents=percents) for c in qs
    ]


def client_contact_status(*, viewer: AnyUser, client: Client) -> dict[str, Any]:
    """The contact-log box of a client card: cadence, pause, recent and planned contacts."""
    today = timezone.localdate()
    keys = {client.pk} if is_key_client(client, today) else set()
    row = cadence_rows(Client.objects.filter(pk=client.pk), today=today, key_ids=keys)
    recent = (
        Interaction.objects.filter(client=client)
        .select_related("author", "client")
        .prefetch_related("contacts")
        .order_by("planned", "-date", "-id")[:15]
    )
    interactions = list(recent)
    return {
        "cadence": row[0] if row else None,
        "interactions": interactions,
        "correctable": correctable_ids(viewer=viewer, interactions=interactions),
        "suggestions": pause_suggestions(client) if row and row[0].pause_until else [],
    }


def interactions_for(*, viewer: AnyUser, client_id: int) -> QuerySet[Interaction]:
    """The whole contact log of a visible client (404 otherwise), newest first."""
    client = client_get(viewer, client_id)
    return (
        Interaction.objects.filter(client=client)
        .select_related("author", "client")
        .prefetch_related("contacts")
        .order_by("-date", "-id")
    )


def interaction_get(*, viewer: AnyUser, client_id: int, interaction_id: int) -> Interaction:
    """One interaction of a visible client, or 404."""
    found = interactions_for(viewer=viewer, client_id=client_id).filter(pk=interaction_id).first()
    if found is None:
        raise Http404
    return found


def correction_of(
    *, viewer: AnyUser, interaction: Interaction, window_hours: int | None = None
) -> Correction:
    """May the viewer correct this entry now: its author or the author's direct supervisor,
    within the company's correction window (SPEC §3 contact log, issue 19)."""
    hours = company_settings().log_correction_hours if window_hours is None else window_hours
    viewer_id = viewer.pk if isinstance(viewer, User) else None
    return correction_verdict(
        is_author=viewer_id is not None and interaction.author_id == viewer_id,
        is_authors_supervisor=viewer_id is not None
        and interaction.author.supervisor_id == viewer_id,
        age=timezone.now() - interaction.created_at,
        window_hours=hours,
    )


def correctable_ids(*, viewer: AnyUser, interactions: Any) -> set[int]:
    """The entries of `interactions` (already fetched with their authors) the viewer may
    correct now."""
    hours = company_settings().log_correction_hours
    return {
        i.pk
        for i in interactions
        if correction_of(viewer=viewer, interaction=i, window_hours=hours) is Correction.ALLOWED
    }


def revisions_for(*, viewer: AnyUser, client_id: int, interaction_id: int | None = None) -> Any:
    """Corrections of a visible client's contact log (404 otherwise), newest first."""
    client = client_get(viewer, client_id)
    qs = InteractionRevision.objects.filter(client=client).select_related("actor")
    if interaction_id is not None:
        qs = qs.filter(interaction_ref=interaction_id)
    return qs.order_by("-at", "-id")


def pause_suggestions(client: Client) -> list[User]:
    """Who can take a personal contact during the manager's pause: the supervisor first, then
    colleagues who report to the same supervisor (SPEC §3)."""
    manager = client.manager
    people: list[User] = []
    if manager.supervisor_id:
        boss = User.objects.filter(pk=manager.supervisor_id, is_active=True).first()
        if boss is not None:
            people.append(boss)
        people.extend(
            User.objects.filter(
                supervisor_id=manager.supervisor_id, is_active=True, is_manager=True
            )
            .exclude(pk=manager.pk)
            .order_by("last_name", "first_name")
        )
    return people


# --- Today -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DateReminder:
    client: Client
    contact: Contact
    what: str
    date: date
    days_left: int


@dataclass(frozen=True, slots=True)
class ReviewDue:
    client: Client
    last_review: date | None


@dataclass(frozen=True, slots=True)
class Compliance:
    """Per-manager discipline figures (%, None where there is nothing to measure or the
    viewer may not see it)."""

    manager: User
    key_clients: int
    within_cadence: int | None
    reviewed_on_time: int | None
    completeness: int | None
    overdue: int
    paused: int


@dataclass
class TodayPage:
    today: date
    team: bool
    due: list[ClientCadence] = field(default_factory=list)
    paused: list[ClientCadence] = field(default_factory=list)
    planned: list[Interaction] = field(default_factory=list)
    reviews: list[ReviewDue] = field(default_factory=list)
    dates: list[DateReminder] = field(default_factory=list)
    actions: list[PlanAction] = field(default_factory=list)
    goals: list[PlanGoal] = field(default_factory=list)
    compliance: list[Compliance] = field(default_factory=list)
    readable: set[int] = field(default_factory=set)  # clients whose dossier the viewer opens
    tasks: list[Any] = field(default_factory=list)  # relationship checklist tasks due


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _annual_window(qs: QuerySet[Any], field: str, today: date, ahead: int) -> QuerySet[Any]:
    """Rows whose annual date (month-day) falls within today … today + ahead.

    Compared as the "MM-DD" part of the ISO date text, which both SQLite and PostgreSQL
    compute natively. Feb 29 is celebrated on Feb 28 in non-leap years.
    """
    days: set[str] = set()
    for offset in range(min(ahead, 366) + 1):
        day = today + timedelta(days=offset)
        days.add(f"{day:%m-%d}")
        leap = day.year % 4 == 0 and (day.year % 100 != 0 or day.year % 400 == 0)
        if (day.month, day.day) == (2, 28) and not leap:
            days.add("02-29")
    month_day = Substr(Cast(field, output_field=CharField()), 6, 5)
    found: QuerySet[Any] = (
        qs.filter(**{f"{field}__isnull": False})
        .alias(month_day=month_day)
        .filter(month_day__in=sorted(days))
    )
    return found


def upcoming_dates(clients: QuerySet[Client], *, today: date, ahead: int) -> list[DateReminder]:
    """Birthdays and other important dates of the clients' contacts within `ahead` days.

    The window is filtered in the database; only the dates that are due leave it.
    """
    found: list[DateReminder] = []
    contacts = Contact.objects.filter(
        client__in=clients, client__status=ClientStatus.ACTIVE, is_active=True
    )
    birthdays = _annual_window(contacts, "birthday", today, ahead).select_related(
        "client", "client__manager"
    )
    for contact in birthdays:
        assert contact.birthday is not None  # noqa: S101 - filtered above
        days = days_until_date(contact.birthday.month, contact.birthday.day, today)
        if days <= ahead:
            found.append(
                DateReminder(
                    contact.client, contact, "birthday", today + timedelta(days=days), days
                )
            )
    others = _annual_window(
        ContactDate.objects.filter(contact__in=contacts), "date", today, ahead
    ).select_related("contact", "contact__client", "contact__client__manager")
    for record in others:
        days = days_until_date(record.date.month, record.date.day, today)
        if days <= ahead:
            found.append(
                DateReminder(
                    record.contact.client,
                    record.contact,
                    record.what,
                    today + timedelta(days=days),
                    days,
                )
            )
    found.sort(key=lambda r: (r.days_left, r.client.normalized_name))
    return found


def _scope(viewer: AnyUser, team: bool) -> QuerySet[Client]:
    visible = visible_clients(viewer, include_archived=False)
    if team or not isinstance(viewer, User):
        return visible
    return visible.filter(manager=viewer)


def today_page(*, viewer: AnyUser, team: bool = False, today: date | None = None) -> TodayPage:
    """The Today page: the viewer's own clients, or with `team` everything the viewer sees
    (a supervisor's team, a director's company) plus per-manager compliance."""
    day = today or timezone.localdate()
    settings = company_settings()
    ahead = settings.reminder_days_ahead
    clients = _scope(viewer, team)
    keys = key_client_ids(day)
    rows = cadence_rows(clients, today=day, key_ids=keys)
    page = TodayPage(today=day, team=team)
    soon = day + timedelta(days=ahead)
    page.due = sorted(
        (
            r
            for r in rows
            if r.status is not None
            and (r.status.is_overdue or (r.status.due_on is not None and r.status.due_on <= soon))
        ),
        key=lambda r: (not r.is_key, -(r.status.days_overdue if r.status else 0)),
    )
    page.paused = sorted((r for r in rows if r.pause_until), key=lambda r: r.pause_until or day)
    page.planned = list(
        Interaction.objects.filter(client__in=clients, planned=True, date__lte=soon)
        .select_related("client", "client__manager", "author")
        .order_by("date", "id")
    )
    key_rows = [r for r in rows if r.is_key]
    key_ids_here = [r.client.pk for r in key_rows]
    readable = set(dossier_clients(viewer).filter(pk__in=key_ids_here).values_list("pk", flat=True))
    page.readable = readable
    facts = dossier_facts(client_ids=key_ids_here, today=day, readable=readable)
    every = settings.dossier_review_days
    page.reviews = [
        ReviewDue(r.client, facts.last_reviewed[r.client.pk])
        for r in key_rows
        if review_overdue(facts.last_reviewed[r.client.pk], day, every_days=every)
    ]
    page.dates = upcoming_dates(clients, today=day, ahead=ahead)
    action_filter = Q(goal__plan__client__in=clients)
    if not team and isinstance(viewer, User):
        action_filter = Q(owner=viewer)
    page.actions = list(
        PlanAction.objects.filter(action_filter, done=False, due__lte=soon)
        .select_related("goal__plan__client", "owner")
        .order_by("due")
    )
    page.goals = list(
        PlanGoal.objects.filter(plan__client__in=clients, closed=False, due__lte=soon)
        .select_related("plan__client")
        .order_by("due")
    )
    tasks = ChecklistTask.objects.filter(client__in=clients, done=False).filter(
        Q(due__lte=soon) | Q(due__isnull=True, kind="feedback")
    )
    if not team and isinstance(viewer, User):
        tasks = tasks.filter(owner=viewer)
    page.tasks = list(tasks.select_related("client", "owner").order_by("due", "id"))
    if team:
        page.compliance = _compliance(rows, facts, readable, day, every)
    return page


def _compliance(
    rows: list[ClientCadence], facts: Any, readable: set[int], day: date, every: int
) -> list[Compliance]:
    by_manager: dict[int, list[ClientCadence]] = {}
    managers: dict[int, User] = {}
    for r in rows:
        by_manager.setdefault(r.client.manager_id, []).append(r)
        managers[r.client.manager_id] = r.client.manager
    out = []
    for manager_id, mine in by_manager.items():
        keys = [r for r in mine if r.is_key]
        on_time = sum(
            not review_overdue(facts.last_reviewed[r.client.pk], day, every_days=every)
            for r in keys
        )
        shown = [facts.completeness[r.client.pk] for r in keys if r.client.pk in readable]
        out.append(
            Compliance(
                manager=managers[manager_id],
                key_clients=len(keys),
                within_cadence=_percent(sum(not r.overdue for r in keys), len(keys)),
                reviewed_on_time=_percent(on_time, len(keys)),
                completeness=round(sum(shown) / len(shown)) if shown else None,
                overdue=sum(r.overdue for r in mine),
                paused=sum(r.pause_until is not None for r in mine),
            )
        )
    out.sort(key=lambda c: (c.manager.last_name, c.manager.first_name))
    return out


# --- Stages, emotional bank account, checklist (they follow CLIENT visibility) ---------------


def stages() -> QuerySet[RelationshipStage]:
    return RelationshipStage.objects.filter(is_active=True).order_by("order", "id")


def stage_find(stage_id: int) -> RelationshipStage | None:
    return RelationshipStage.objects.filter(pk=stage_id).first() if stage_id else None


def interaction_of(client: Client, interaction_id: int) -> Interaction | None:
    """A contact of this client (the client is already checked for the viewer)."""
    return Interaction.objects.filter(client=client, pk=interaction_id).first()


def stage_history(client: Client) -> QuerySet[StageChange]:
    """Every stage change of a client (already checked for the viewer), newest first."""
    return StageChange.objects.filter(client=client).select_related("stage", "author")


def current_stage(client: Client) -> StageChange | None:
    """The client's latest stage change (its current stage), or None."""
    return (
        StageChange.objects.filter(client=client)
        .select_related("stage", "author")
        .order_by("-date", "-id")
        .first()
    )


def _latest_stage_id() -> Subquery:
    return Subquery(
        StageChange.objects.filter(client=OuterRef("pk"))
        .order_by("-date", "-id")
        .values("stage_id")[:1]
    )


def _balance() -> Coalesce:
    """The client's bank balance (deposits minus withdrawals), 0 without entries: a sum over
    the client's entries, read from the covering index `bank_balance_cover`."""
    signed = Case(
        When(kind=EntryKind.DEPOSIT, then=F("weight")),
        default=-F("weight"),
        output_field=IntegerField(),
    )
    sums = (
        BankEntry.objects.filter(client=OuterRef("pk"))
        .order_by()
        .values("client")
        .annotate(s=Sum(signed))
        .values("s")
    )
    return Coalesce(Subquery(sums, output_field=IntegerField()), Value(0))


def _streak() -> Coalesce:
    """The final run of withdrawals: those with no deposit after them in (date, id) order."""
    later_deposit = BankEntry.objects.filter(
        client=OuterRef("client"), kind=EntryKind.DEPOSIT
    ).filter(Q(date__gt=OuterRef("date")) | Q(date=OuterRef("date"), id__gt=OuterRef("id")))
    run = (
        BankEntry.objects.filter(client=OuterRef("pk"), kind=EntryKind.WITHDRAWAL)
        .filter(~Exists(later_deposit))
        .order_by()
        .values("client")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(run, output_field=IntegerField()), Value(0))


@dataclass(frozen=True, slots=True)
class RelationRow:
    """A client's stage, balance and alerts (team view, report)."""

    client: Client
    stage: RelationshipStage | None
    balance: int
    streak: int
    alerts: list[str]


def _ordered(qs: QuerySet[Any], by_balance: bool) -> QuerySet[Any]:
    if by_balance:
        return qs.order_by("balance", "normalized_name", "pk")
    return qs.order_by("normalized_name", "pk")


def relation_rows(
    clients: QuerySet[Client],
    *,
    alerts_only: bool = False,
    without_alerts: bool = False,
    by_balance: bool = False,
    limit: int | None = None,
) -> list[RelationRow]:
    """Stage, balance and withdrawal run of active clients: aggregates in the database.

    `alerts_only` keeps the clients with an alert, `without_alerts` the others (filtered in
    SQL); `by_balance` sorts the lowest balance first; `limit` cuts the list in the database.
    With a limit, the clients are chosen first (balance, and the run only where alerts count)
    and the stage and run are looked up for the chosen ones alone: per-client subqueries, no
    GROUP BY over the joined entries.
    """
    settings = company_settings()
    alert = Q(streak__gte=settings.bank_withdrawal_streak)
    if settings.bank_negative_alert:
        alert |= Q(balance__lt=0)
    qs = clients.filter(status=ClientStatus.ACTIVE)
    if limit is not None:
        filtered = alerts_only or without_alerts
        pick = qs.annotate(balance=_balance()) if by_balance or filtered else qs
        if alerts_only:
            pick = pick.annotate(streak=_streak()).filter(alert)
        elif without_alerts:
            pick = pick.annotate(streak=_streak()).exclude(alert)
        chosen = list(_ordered(pick, by_balance).values_list("pk", flat=True)[:limit])
        qs = Client.objects.filter(pk__in=chosen)
    qs = qs.annotate(balance=_balance(), streak=_streak(), stage_id=_latest_stage_id())
    if alerts_only and limit is None:
        qs = qs.filter(alert)
    elif without_alerts and limit is None:
        qs = qs.exclude(alert)
    qs = _ordered(qs.select_related("manager"), by_balance)
    stage_map = {s.pk: s for s in RelationshipStage.objects.all()}
    rows = []
    for client in qs:
        data: Any = client
        alerts = []
        if settings.bank_negative_alert and data.balance < 0:
            alerts.append(ALERT_NEGATIVE_BALANCE)
        if data.streak >= settings.bank_withdrawal_streak:
            alerts.append(ALERT_WITHDRAWAL_STREAK)
        rows.append(
            RelationRow(
                client=client,
                stage=stage_map.get(data.stage_id),
                balance=data.balance,
                streak=data.streak,
                alerts=alerts,
            )
        )
    return rows


def stage_distribution(clients: QuerySet[Client]) -> dict[int | None, int]:
    """Active clients per current stage id (None: no stage yet), one GROUP BY."""
    qs = (
        clients.filter(status=ClientStatus.ACTIVE)
        .annotate(stage_id=_latest_stage_id())
        .values("stage_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["stage_id"]: row["n"] for row in qs}


@dataclass(frozen=True, slots=True)
class BankAccount:
    """A client's emotional bank account: entries, balance, trend, alerts."""

    entries: list[BankEntry]
    balance: int
    trend: list[tuple[date, int]]
    alerts: list[str]


def bank_account(*, viewer: AnyUser, client_id: int, limit: int | None = None) -> BankAccount:
    """The bank account of a visible client (404 otherwise)."""
    client = client_get(viewer, client_id)
    # The stage an entry happened in is read from the stage history at the entry's date (the
    # history is the source of truth: a stage change entered later, backdated, moves it too).
    stage_then = Subquery(
        StageChange.objects.filter(client=OuterRef("client"), date__lte=OuterRef("date"))
        .order_by("-date", "-id")
        .values("stage_id")[:1]
    )
    entries: list[BankEntry] = list(
        BankEntry.objects.filter(client=client)
        .annotate(stage_then=stage_then)
        .select_related("author")
        .order_by("-date", "-id")
    )
    stage_map = {s.pk: s for s in RelationshipStage.objects.all()}
    for entry in entries:
        entry.stage = stage_map.get(getattr(entry, "stage_then", None) or 0)
    pure = [
        DomainEntry(kind=DomainKind(e.kind), weight=e.weight, on=e.date)
        for e in reversed(entries)  # oldest first: the stable date sort keeps id order
    ]
    settings = company_settings()
    alerts = bank_alerts(pure, streak_limit=settings.bank_withdrawal_streak)
    if not settings.bank_negative_alert:
        alerts = [a for a in alerts if a != ALERT_NEGATIVE_BALANCE]
    return BankAccount(
        entries=entries[:limit] if limit else entries,
        balance=bank_balance(pure),
        trend=balance_trend(pure),
        alerts=alerts,
    )


def catalogue_for(stage: RelationshipStage | None) -> QuerySet[BankCatalogueEntry]:
    """Typical entries for the stage (and those for any stage)."""
    qs = BankCatalogueEntry.objects.filter(is_active=True)
    if stage is None:
        return qs.filter(stage__isnull=True)
    return qs.filter(Q(stage__isnull=True) | Q(stage=stage)).order_by("kind", "title")


def checklist_for(*, viewer: AnyUser, client_id: int) -> QuerySet[ChecklistTask]:
    client = client_get(viewer, client_id)
    return ChecklistTask.objects.filter(client=client).select_related("owner")


def task_get(*, viewer: AnyUser, client_id: int, task_id: int) -> ChecklistTask:
    task = checklist_for(viewer=viewer, client_id=client_id).filter(pk=task_id).first()
    if task is None:
        raise Http404
    return task


def proposals_for(
    *, viewer: AnyUser, client: Client, interaction_id: int, kept_plan: bool = False
) -> list[BankCatalogueEntry]:
    """Bank entries to offer after the given contact of a visible client (SPEC §4)."""
    interaction = (
        Interaction.objects.filter(client=client, pk=interaction_id, planned=False)
        .prefetch_related("contacts")
        .first()
    )
    if interaction is None:
        return []
    settings = company_settings()
    by_manager = interaction.author_id == client.manager_id and interaction.personal
    last_negative = (
        Interaction.objects.filter(
            client=client,
            author_id=client.manager_id,
            planned=False,
            tone=ToneChoice.NEGATIVE,
            date__lt=interaction.date,
        ).aggregate(d=Max("date"))["d"]
        if by_manager
        else None
    )
    is_key = is_key_client(client)
    cadence = settings.cadence_days if is_key else settings.segment_cadence().get(client.segment)
    previous = Interaction.objects.filter(client=client, planned=False, date__lt=interaction.date)
    if is_key:
        previous = previous.filter(tone=ToneChoice.POSITIVE)
    last_before = previous.aggregate(d=Max("date"))["d"]
    gap = (interaction.date - last_before).days if last_before else None
    on_a_date = False
    for contact in Contact.objects.filter(client=client, is_active=True).prefetch_related("dates"):
        days = [contact.birthday] if contact.birthday else []
        days += [d.date for d in contact.dates.all()]
        if any(near_annual_date(d.month, d.day, interaction.date) for d in days):
            on_a_date = True
            break
    codes = propose_entries(
        tone=interaction.tone,
        inside_pause=last_negative is not None
        and in_pause(last_negative, interaction.date, days=settings.pause_days),
        gap_days=gap,
        cadence_days=cadence,
        kept_plan=kept_plan,
        on_a_date=on_a_date,
    )
    found = {e.code: e for e in BankCatalogueEntry.objects.filter(code__in=codes, is_active=True)}
    return [found[c] for c in codes if c in found]


def company_trend(clients: QuerySet[Client]) -> list[tuple[date, int]]:
    """Running total of all visible clients' bank balances by month (one GROUP BY).

    The month is the "YYYY-MM" part of the ISO date text, which both engines compute natively
    (TruncMonth is a Python function per row on SQLite)."""
    rows = (
        BankEntry.objects.filter(client__in=clients)
        .annotate(month=Substr(Cast("date", output_field=CharField()), 1, 7))
        .values("month")
        .annotate(
            delta=Sum(
                Case(
                    When(kind=EntryKind.DEPOSIT, then=F("weight")),
                    default=-F("weight"),
                    output_field=IntegerField(),
                )
            )
        )
        .order_by("month")
    )
    total = 0
    out = []
    for row in rows:
        total += row["delta"]
        out.append((date.fromisoformat(f"{row['month']}-01"), total))
    return out


# --- the client list's relationship columns (stage, days since the last positive contact) ---

NEVER = date(1900, 1, 1)  # "never had a positive contact": the oldest date, so it sorts last


def annotate_list_relations(qs: QuerySet[Client], today: date) -> QuerySet[Client]:
    """Per client, in SQL: `list_stage_id` and `list_stage_order` (the current stage and its
    place in the method's order) and `list_last_positive` (the last positive contact done up
    to today, the one the key-account cadence counts; NEVER when there was none)."""
    latest = StageChange.objects.filter(client=OuterRef("pk")).order_by("-date", "-id")
    positive = Interaction.objects.filter(
        client=OuterRef("pk"), planned=False, tone=ToneChoice.POSITIVE, date__lte=today
    ).order_by("-date")
    return qs.annotate(
        list_stage_id=Subquery(latest.values("stage_id")[:1]),
        list_stage_order=Subquery(latest.values("stage__order")[:1]),
        list_last_positive=Coalesce(
            Subquery(positive.values("date")[:1]), Value(NEVER), output_field=DateField()
        ),
    )


def stage_names(stage_ids: set[int]) -> dict[int, str]:
    """Names of stages by id (one query for a page of the client list)."""
    return dict(RelationshipStage.objects.filter(pk__in=stage_ids).values_list("pk", "name"))
